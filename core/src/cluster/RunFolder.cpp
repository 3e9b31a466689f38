// One run recorded in plain files (Cluster.h): what an array task writes
// instead of the run library.
#include "traveller/core/Cluster.h"
#include "traveller/core/Format.h"

#include "Files.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace traveller {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using cluster::readText;
using cluster::writeWhole;

// JSON has no NaN or infinity; a diverged run has both.
json number(double v)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    return v;
}

double number(const json& j, double fallback = std::nan(""))
{
    if (j.is_number())
        return j.get<double>();
    if (j.is_string()) {
        const std::string s = j.get<std::string>();
        if (s == "inf")
            return INFINITY;
        if (s == "-inf")
            return -INFINITY;
        return std::nan("");
    }
    return fallback;
}

json epochJson(const StoredEpoch& e)
{
    json j = {{"epoch", e.epoch},
              {"perplexity", number(e.perplexity)},
              {"tokens_per_s", number(e.tokensPerSecond)},
              {"elapsed_s", number(e.elapsedSeconds)}};
    if (!e.sample.empty())
        j["sample"] = e.sample;
    if (!std::isnan(e.heldoutPerplexity))
        j["heldout_perplexity"] = number(e.heldoutPerplexity);
    return j;
}

} // namespace

RunFolder::RunFolder(std::string folder, std::string what) : folder_(std::move(folder)), what_(std::move(what)) {}

bool RunFolder::exists() const
{
    std::error_code ec;
    return fs::is_regular_file(fs::path(folder_) / "state.json", ec);
}

std::string RunFolder::checkpointPath() const { return (fs::path(folder_) / "checkpoint.pt").string(); }

void RunFolder::create(const ExperimentConfig& config, const std::string& name)
{
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (ec)
        throw ClusterError("cannot create the run folder '" + folder_ + "': " + ec.message());
    writeWhole(fs::path(folder_) / "config.yaml", toYaml(config));
    StoredRun run;
    run.name = name;
    run.status = "queued";
    run.epochs = config.train.epochs;
    run.seed = config.train.seed;
    run.createdAt = utcNow();
    writeState(run);
}

void RunFolder::writeState(const StoredRun& r)
{
    json samples = json::object();
    for (const auto& [prefix, text] : r.samples)
        samples[prefix] = text;
    const json j = {{"name", r.name},
                    {"status", r.status},
                    {"epochs", r.epochs},
                    {"checkpoint_epoch", r.checkpointEpoch},
                    {"tokens_per_s", number(r.tokensPerSecond)},
                    {"seconds", number(r.seconds)},
                    {"device", r.device},
                    {"threads", r.threads},
                    {"seed", r.seed},
                    {"created_at", r.createdAt},
                    {"finished_at", r.finishedAt},
                    {"message", r.message},
                    {"samples", samples}};
    writeWhole(fs::path(folder_) / "state.json", j.dump(2) + "\n");
}

StoredRun RunFolder::readState() const
{
    const fs::path statePath = fs::path(folder_) / "state.json";
    const std::string text = readText(statePath);
    json j;
    try {
        j = json::parse(text);
    } catch (const std::exception& e) {
        throw ClusterError(what_ + ": '" + statePath.string() + "' is " +
                           (text.empty() ? std::string("missing or empty") : "not JSON (" + std::string(e.what()) + ")"));
    }
    StoredRun r;
    try {
        r.name = j.value("name", "");
        r.status = j.value("status", "queued");
        r.epochs = j.value("epochs", 0);
        r.checkpointEpoch = j.value("checkpoint_epoch", 0);
        r.tokensPerSecond = number(j.value("tokens_per_s", json(0)), 0);
        r.seconds = number(j.value("seconds", json(0)), 0);
        r.device = j.value("device", "");
        r.threads = j.value("threads", 0);
        r.seed = j.value("seed", std::uint64_t{0});
        r.createdAt = j.value("created_at", "");
        r.finishedAt = j.value("finished_at", "");
        r.message = j.value("message", "");
        if (const auto samples = j.find("samples"); samples != j.end() && samples->is_object())
            for (auto it = samples->begin(); it != samples->end(); ++it)
                r.samples[it.key()] = it.value().get<std::string>();
    } catch (const std::exception& e) {
        throw ClusterError(what_ + ": '" + statePath.string() + "' has a field of the wrong type (" + e.what() + ")");
    }
    return r;
}

StoredRun RunFolder::stored()
{
    StoredRun r = readState();
    r.configYaml = readText(fs::path(folder_) / "config.yaml");
    if (r.configYaml.empty())
        throw ClusterError(what_ + ": '" + (fs::path(folder_) / "config.yaml").string() + "' is missing or empty");
    const auto done = epochs();
    r.epochsDone = done.empty() ? 0 : done.back().epoch;
    r.perplexity = done.empty() ? std::nan("") : done.back().perplexity;
    return r;
}

// A line cut short by a kill is left out; a later line for the same epoch
// (trained again after a resume) replaces the earlier one.
std::vector<StoredEpoch> RunFolder::epochs()
{
    std::ifstream in(fs::path(folder_) / "epochs.jsonl");
    std::map<int, StoredEpoch> byEpoch;
    std::string line;
    while (std::getline(in, line)) {
        try {
            const json j = json::parse(line);
            StoredEpoch e;
            e.epoch = j.at("epoch").get<int>();
            e.perplexity = number(j.at("perplexity"));
            e.tokensPerSecond = number(j.at("tokens_per_s"), 0);
            e.elapsedSeconds = number(j.at("elapsed_s"), 0);
            e.sample = j.value("sample", "");
            if (j.contains("heldout_perplexity"))
                e.heldoutPerplexity = number(j.at("heldout_perplexity"));
            byEpoch[e.epoch] = e;
        } catch (const std::exception&) {
        }
    }
    std::vector<StoredEpoch> out;
    for (auto& [epoch, e] : byEpoch)
        out.push_back(std::move(e));
    return out;
}

void RunFolder::markRunning(const std::string& device, int threads)
{
    StoredRun r = readState();
    if (r.status == kStatusRunning)
        throw ClusterError(what_ + " is already running (its state says so); an attempt that was cut off is marked "
                                   "interrupted before it is trained again");
    r.status = kStatusRunning;
    r.device = device;
    r.threads = threads;
    r.finishedAt.clear();
    r.message.clear();
    writeState(r);
}

void RunFolder::appendEpoch(const StoredEpoch& epoch, double addedSeconds)
{
    {
        std::ofstream out(fs::path(folder_) / "epochs.jsonl", std::ios::app);
        out << epochJson(epoch).dump() << '\n';
        out.flush();
        if (!out)
            throw ClusterError(what_ + ": cannot append to '" + folder_ + "/epochs.jsonl'");
    }
    if (addedSeconds != 0) {
        StoredRun r = readState();
        r.seconds += addedSeconds;
        writeState(r);
    }
}

void RunFolder::setCheckpointEpoch(int epoch)
{
    StoredRun r = readState();
    r.checkpointEpoch = epoch;
    writeState(r);
}

void RunFolder::truncateEpochs(int epoch)
{
    std::string kept;
    for (const auto& e : epochs())
        if (e.epoch <= epoch)
            kept += epochJson(e).dump() + "\n";
    writeWhole(fs::path(folder_) / "epochs.jsonl", kept);
}

void RunFolder::finishRun(const RunResult& result, double addedSeconds)
{
    StoredRun r = readState();
    r.status = toString(result.status);
    r.tokensPerSecond = result.tokensPerSecond;
    r.seconds += addedSeconds;
    r.finishedAt = utcNow();
    r.message = result.message;
    for (const auto& [prefix, text] : result.samples)
        r.samples[prefix] = text;
    if (!result.device.empty())
        r.device = result.device;
    writeState(r);
}

void RunFolder::logAttempt(const std::string& line)
{
    std::ofstream out(fs::path(folder_) / "attempts.log", std::ios::app);
    out << utcNow() << "  " << line << '\n';
}

std::vector<std::string> RunFolder::attempts() const
{
    std::vector<std::string> lines;
    std::ifstream in(fs::path(folder_) / "attempts.log");
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

void RunFolder::markInterrupted(const std::string& why)
{
    StoredRun r = readState();
    if (r.status != kStatusRunning)
        return;
    r.status = kStatusInterrupted;
    r.message = why;
    writeState(r);
}

void RunFolder::continueFrom(RunFolder& from, int epoch)
{
    const StoredRun source = from.stored();
    StoredRun target = stored();
    if (target.epochsDone > 0)
        throw ClusterError(what_ + " has already trained; it cannot continue " + from.what());
    if (epoch < 1 || epoch > source.epochsDone)
        throw ClusterError(from.what() + " has no epoch " + std::to_string(epoch) + " to continue from");
    std::error_code ec;
    const std::string tmp = checkpointPath() + ".tmp";
    fs::copy_file(from.checkpointPath(), tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec)
        fs::rename(tmp, checkpointPath(), ec);
    if (ec)
        throw ClusterError("cannot copy " + from.what() + "'s checkpoint to " + what_ + ": " + ec.message());
    std::string lines;
    for (const auto& e : from.epochs())
        if (e.epoch <= epoch)
            lines += epochJson(e).dump() + "\n";
    writeWhole(fs::path(folder_) / "epochs.jsonl", lines);
    // As RunStore::copyProgress: the shorter run's time, scaled to its share.
    target.seconds = source.epochsDone > 0 ? source.seconds * epoch / source.epochsDone : 0;
    target.checkpointEpoch = epoch;
    writeState(target);
}

} // namespace traveller
