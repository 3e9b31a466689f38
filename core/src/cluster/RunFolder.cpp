// One run recorded in plain files (Cluster.h): what an array task writes
// instead of the run library.
#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/Format.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/io/SafeFile.h"

#include "Files.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <limits>
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
    run.state = StoredState::Queued;
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
                    {"status", toString(r.state)},
                    {"blew_up_at", r.blewUpAt},
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

namespace {

// A field of state.json, checked: the folder may come from anyone, and a
// number that does not fit (2^63 - 1 epochs) must not wrap into the library.
class StateFields {
public:
    StateFields(const json& j, std::string what, std::string path)
        : j_(j), what_(std::move(what)), path_(std::move(path))
    {
    }

    std::int64_t integer(const char* key, std::int64_t fallback, std::int64_t lo, std::int64_t hi) const
    {
        const auto it = j_.find(key);
        if (it == j_.end())
            return fallback;
        if (!it->is_number_integer())
            throw bad(key, message("cluster.field_not_integer"));
        if (it->is_number_unsigned() ? it->get<std::uint64_t>() > static_cast<std::uint64_t>(hi)
                                     : it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi)
            throw bad(key, message("cluster.field_range", {std::to_string(lo), std::to_string(hi)}));
        return it->get<std::int64_t>();
    }
    // A measure: a number or "nan"/"inf", never negative.
    double measure(const char* key) const
    {
        const auto it = j_.find(key);
        if (it == j_.end())
            return 0;
        if (!it->is_number() && !it->is_string())
            throw bad(key, message("cluster.field_not_number"));
        const double v = number(*it, 0);
        if (v < 0)
            throw bad(key, message("cluster.field_negative"));
        return v;
    }
    std::string text(const char* key, std::uint64_t limit, const std::string& fallback = "") const
    {
        const auto it = j_.find(key);
        if (it == j_.end())
            return fallback;
        if (!it->is_string())
            throw bad(key, message("cluster.field_not_text"));
        std::string v = it->get<std::string>();
        if (v.size() > limit)
            throw bad(key, message("cluster.field_too_long", {byteLimitText(limit)}));
        return v;
    }
    // "<task>: '<state.json>': field '<key>' <why>", the why a message of its own.
    ClusterError bad(const std::string& key, const Message& why) const
    {
        return ClusterError(message("cluster.bad_field", {what_, path_, key, why.text()}));
    }

private:
    const json& j_;
    std::string what_;
    std::string path_;
};

constexpr std::int64_t kMaxEpochs = 1000000;  // the schema's limit on train.epochs is far below
constexpr std::size_t kMaxSamples = 64;
constexpr std::uint64_t kMaxSampleBytes = 64 * 1024;

} // namespace

StoredRun RunFolder::readState() const
{
    const fs::path statePath = fs::path(folder_) / "state.json";
    std::string text;
    try {
        text = readText(statePath, 1 << 20);
    } catch (const FileError& e) {
        throw ClusterError(what_ + ": " + e.what());
    }
    json j;
    try {
        j = json::parse(text);
    } catch (const std::exception& e) {
        if (text.empty())
            throw ClusterError(message("cluster.file_empty", {what_, statePath.string()}));
        throw ClusterError(message("cluster.state_not_json", {what_, statePath.string(), e.what()}));
    }
    if (!j.is_object())
        throw ClusterError(message("cluster.state_not_object", {what_, statePath.string()}));
    const StateFields f(j, what_, statePath.string());
    StoredRun r;
    r.name = f.text("name", kMaxNameBytes);
    const std::string word = f.text("status", 32, toString(StoredState::Queued));
    const std::optional<StoredState> state = parseStoredState(word);
    if (!state)
        throw f.bad("status", message("cluster.field_status", {word}));
    r.state = *state;
    r.epochs = static_cast<int>(f.integer("epochs", 0, 0, kMaxEpochs));
    r.checkpointEpoch = static_cast<int>(f.integer("checkpoint_epoch", 0, 0, kMaxEpochs));
    r.tokensPerSecond = f.measure("tokens_per_s");
    r.seconds = f.measure("seconds");
    r.device = f.text("device", 64);
    r.threads = static_cast<int>(f.integer("threads", 0, 0, 65536));
    r.seed = static_cast<std::uint64_t>(f.integer("seed", 0, 0, std::numeric_limits<std::int64_t>::max()));
    r.createdAt = f.text("created_at", 64);
    r.finishedAt = f.text("finished_at", 64);
    r.message = f.text("message", kMaxMessageBytes);
    // Folders written before the field: never blew up.
    r.blewUpAt = static_cast<int>(f.integer("blew_up_at", 0, 0, kMaxEpochs));
    if (const auto samples = j.find("samples"); samples != j.end()) {
        if (!samples->is_object() || samples->size() > kMaxSamples)
            throw f.bad("samples", message("cluster.field_samples", {std::to_string(kMaxSamples)}));
        for (auto it = samples->begin(); it != samples->end(); ++it) {
            if (!it.value().is_string() || it.key().size() > kMaxNameBytes ||
                it.value().get_ref<const std::string&>().size() > kMaxSampleBytes)
                throw f.bad("samples", message("cluster.field_sample"));
            r.samples[it.key()] = it.value().get<std::string>();
        }
    }
    if (r.checkpointEpoch > r.epochs && r.epochs > 0)
        throw f.bad("checkpoint_epoch", message("cluster.field_past_epochs", {std::to_string(r.epochs)}));
    return r;
}

StoredRun RunFolder::stored()
{
    StoredRun r = readState();
    const fs::path configPath = fs::path(folder_) / "config.yaml";
    try {
        r.configYaml = readText(configPath, 1 << 20);
    } catch (const FileError& e) {
        throw ClusterError(what_ + ": " + e.what());
    }
    if (r.configYaml.empty())
        throw ClusterError(message("cluster.file_empty", {what_, configPath.string()}));
    const auto done = epochs();
    r.epochsDone = done.empty() ? 0 : done.back().epoch;
    r.perplexity = done.empty() ? std::nan("") : done.back().perplexity;
    if (r.epochs > 0 && r.epochsDone > r.epochs)
        throw ClusterError(message("cluster.epochs_beyond", {what_, folder_ + "/epochs.jsonl",
                                                             std::to_string(r.epochsDone), std::to_string(r.epochs)}));
    return r;
}

// A line cut short by a kill is left out; a later line for the same epoch
// (trained again after a resume) replaces the earlier one. A line whose epoch
// is not a whole number from 1 up is damage and is left out too.
std::vector<StoredEpoch> RunFolder::epochs()
{
    std::string text;
    try {
        text = readText(fs::path(folder_) / "epochs.jsonl");
    } catch (const FileError& e) {
        throw ClusterError(what_ + ": " + e.what());
    }
    std::istringstream in(text);
    std::map<int, StoredEpoch> byEpoch;
    std::string line;
    while (std::getline(in, line)) {
        try {
            const json j = json::parse(line);
            const json& n = j.at("epoch");
            if (!n.is_number_integer() || n.get<std::int64_t>() < 1 || n.get<std::int64_t>() > kMaxEpochs)
                continue;
            StoredEpoch e;
            e.epoch = n.get<int>();
            e.perplexity = number(j.at("perplexity"));
            e.tokensPerSecond = number(j.at("tokens_per_s"), 0);
            e.elapsedSeconds = number(j.at("elapsed_s"), 0);
            e.sample = j.value("sample", "");
            if (e.sample.size() > kMaxSampleBytes)
                continue;
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
    if (r.state == StoredState::Running)
        throw ClusterError(what_ + " is already running (its state says so); an attempt that was cut off is marked "
                                   "interrupted before it is trained again");
    r.state = StoredState::Running;
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
    StoredRun r = readState();
    if (r.blewUpAt > epoch) {  // that epoch is trained again
        r.blewUpAt = 0;
        writeState(r);
    }
}

void RunFolder::finishRun(const RunResult& result, double addedSeconds)
{
    StoredRun r = readState();
    r.state = storedState(result.status);
    // As the library keeps it: an earlier attempt's blow-up stays.
    if (r.blewUpAt == 0)
        r.blewUpAt = result.blewUpAt;
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
    std::string text;
    try {
        text = readText(fs::path(folder_) / "attempts.log");
    } catch (const FileError&) {
        return lines;  // shown, never imported: a damaged log shows nothing
    }
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

void RunFolder::markInterrupted(const std::string& why)
{
    StoredRun r = readState();
    if (r.state != StoredState::Running)
        return;
    r.state = StoredState::Interrupted;
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
    target.blewUpAt = source.blewUpAt <= epoch ? source.blewUpAt : 0;
    writeState(target);
}

} // namespace traveller
