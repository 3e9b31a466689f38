// `traveller-cli sweep` (a grid of runs, recorded in the run library) and
// `traveller-cli runs` (list, inspect, export, resume the recorded runs).
#include "RunEvents.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Json.h"
#include "traveller/core/RunExport.h"
#include "traveller/core/Presets.h"
#include "traveller/core/RunRules.h"
#include "traveller/core/RunStore.h"
#include "traveller/core/Sweep.h"
#include "traveller/core/SweepRunner.h"

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace traveller;

namespace {

struct SweepUsageError : Error {
    using Error::Error;
};

struct Args {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> values;
    std::vector<std::string> flags;

    std::string value(const std::string& name, const std::string& fallback = "") const
    {
        for (auto it = values.rbegin(); it != values.rend(); ++it)
            if (it->first == name)
                return it->second;
        return fallback;
    }
    bool has(const std::string& flag) const { return std::find(flags.begin(), flags.end(), flag) != flags.end(); }
};

const std::vector<std::string> kValueOptions = {"--library", "--data-dir", "--threads", "--parallel", "--device",
                                                "--checkpoint-every", "--sweep", "--output", "--prefix", "--length",
                                                "--temperature"};
const std::vector<std::string> kFlagOptions = {"--dry-run", "--quiet", "-q", "--every-epoch", "--csv", "--markdown",
                                               "--json", "--no-chain", "--from-scratch"};

Args parseArgs(int argc, char** argv, int first)
{
    Args a;
    for (int i = first; i < argc; ++i) {
        const std::string s = argv[i];
        if (s.rfind("-", 0) != 0 || s == "-") {
            a.positional.push_back(s);
            continue;
        }
        const auto eq = s.find('=');
        const std::string name = s.substr(0, eq);
        if (std::find(kValueOptions.begin(), kValueOptions.end(), name) != kValueOptions.end()) {
            if (eq != std::string::npos)
                a.values.emplace_back(name, s.substr(eq + 1));
            else if (i + 1 < argc)
                a.values.emplace_back(name, argv[++i]);
            else
                throw SweepUsageError(name + " needs a value");
        } else if (eq == std::string::npos && std::find(kFlagOptions.begin(), kFlagOptions.end(), s) != kFlagOptions.end()) {
            a.flags.push_back(s == "-q" ? "--quiet" : s);
        } else {
            throw SweepUsageError("unknown option " + s);
        }
    }
    return a;
}

int wholeNumber(const std::string& name, const std::string& v, int lo, int hi)
{
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n < lo || n > hi)
        throw SweepUsageError(name + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                              ", got '" + v + "'");
    return static_cast<int>(n);
}

// A finite decimal from lo to hi, all of `v` (strtod alone takes "5x" for 5
// and "1e308", "nan" and "inf" as numbers).
double decimalNumber(const std::string& name, const std::string& v, double lo, double hi)
{
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || errno == ERANGE || !std::isfinite(x) || x < lo || x > hi) {
        char range[64];
        std::snprintf(range, sizeof range, "%g to %g", lo, hi);
        throw SweepUsageError(name + " must be a number from " + range + ", got '" + v + "'");
    }
    return x;
}

std::int64_t runId(const std::string& v)
{
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end || n <= 0)
        throw SweepUsageError("expected a run id (see `traveller-cli runs list`), got '" + v + "'");
    return n;
}

constexpr std::int64_t kMaxRunIds = 1'000'000;

// "3 5-8" -> 3 5 6 7 8
std::vector<std::int64_t> runIds(const std::vector<std::string>& items)
{
    std::vector<std::int64_t> ids;
    for (const auto& item : items) {
        const auto dash = item.find('-');
        if (dash == std::string::npos || dash == 0) {
            ids.push_back(runId(item));
            continue;
        }
        const std::int64_t from = runId(item.substr(0, dash));
        const std::int64_t to = runId(item.substr(dash + 1));
        if (to < from)
            throw SweepUsageError("bad run range '" + item + "': the first id must not exceed the last");
        if (to - from >= kMaxRunIds)
            throw SweepUsageError("run range '" + item + "' names " + std::to_string(to - from + 1) +
                                  " runs; at most " + std::to_string(kMaxRunIds) + " at once");
        for (std::int64_t id = from; id <= to; ++id)
            ids.push_back(id);
    }
    return ids;
}

std::string fixed(double value, int decimals)
{
    if (!std::isfinite(value))
        return "-";
    char buf[64];
    // A diverged run's perplexity can be 1e11: keep it readable and in its column.
    if (std::fabs(value) >= 1e6)
        std::snprintf(buf, sizeof buf, "%.3g", value);
    else
        std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    return buf;
}

std::string padded(std::string text, std::size_t width)
{
    text.resize(std::max(width, text.size() + 1), ' ');  // at least one space between columns
    return text;
}

// Prints a run's JSON Lines (tagged with its name) and a line per sample on
// stderr. Runs on the training threads: one mutex keeps lines whole.
class RunLines : public TrainingObserver {
public:
    RunLines(std::string run, bool everyEpoch, bool quiet, std::mutex& outputMutex)
        : run_(std::move(run)), everyEpoch_(everyEpoch), quiet_(quiet), outputMutex_(outputMutex)
    {
    }

    void onEpoch(const EpochStats& s) override
    {
        if (!s.hasSample && !everyEpoch_)
            return;
        std::lock_guard lock(outputMutex_);
        std::cout << cli::epochEvent(s, run_) << '\n' << std::flush;
        if (!quiet_ && s.hasSample)
            std::cerr << "[" << run_ << "] epoch " << s.epoch << "/" << s.epochs << "  ppl " << fixed(s.perplexity, 3)
                      << "  " << fixed(s.tokensPerSecond, 0) << " tok/s  " << s.sample << '\n';
    }

private:
    std::string run_;
    bool everyEpoch_;
    bool quiet_;
    std::mutex& outputMutex_;
};

// The same lines for every run of a sweep, plus each run's `done` event.
class SweepLines : public SweepObserver {
public:
    SweepLines(RunStore& store, const std::vector<std::int64_t>& ids, bool everyEpoch, bool quiet,
               std::mutex& outputMutex)
        : store_(store), outputMutex_(outputMutex)
    {
        for (auto id : ids) {
            names_.push_back(store.run(id).name);
            runs_.emplace_back(names_.back(), everyEpoch, quiet, outputMutex);
        }
    }

    void onEpoch(std::size_t index, const EpochStats& s) override { runs_[index].onEpoch(s); }

    // Another process may have deleted the run meanwhile: its name is known
    // from the start, its threads only while its row exists.
    void onRunFinished(std::size_t index, std::int64_t id, const RunResult& result) override
    {
        int threads = 0;
        try {
            threads = store_.run(id).threads;
        } catch (const StoreError&) {
        }
        const std::string& name = names_[index];
        std::lock_guard lock(outputMutex_);
        std::cout << cli::doneEvent(result, threads, name, id) << '\n' << std::flush;
        if (result.status == RunStatus::Failed)
            std::cerr << "[" << name << "] failed: " << result.message << '\n';
    }

private:
    RunStore& store_;
    std::mutex& outputMutex_;
    std::vector<std::string> names_;
    std::vector<RunLines> runs_;
};

RecordOptions recordOptions(const Args& a)
{
    RecordOptions o;
    o.dataDir = resolveDataDir(a.value("--data-dir"));
    o.programVersion = TRAVELLER_VERSION;
    o.checkpointEvery = wholeNumber("--checkpoint-every", a.value("--checkpoint-every", "0"), 0, 1000000);
    return o;
}

int exitStatus(const std::vector<RunResult>& results)
{
    bool failed = false;
    for (const auto& r : results) {
        if (r.status == RunStatus::Stopped)
            return 130;
        failed = failed || r.status == RunStatus::Failed;
    }
    return failed ? 1 : 0;
}

void printTable(const std::vector<StoredRun>& runs, std::ostream& out)
{
    std::size_t width = 4;
    for (const auto& r : runs)
        width = std::max(width, r.name.size());
    out << padded("id", 6) << padded("run", width + 2) << padded("status", 13) << padded("epochs", 12)
        << padded("perplexity", 12) << padded("tok/s", 9) << "time\n";
    for (const auto& r : runs)
        out << padded(std::to_string(r.id), 6) << padded(r.name, width + 2) << padded(r.status, 13)
            << padded(std::to_string(r.epochsDone) + "/" + std::to_string(r.epochs), 12)
            << padded(fixed(r.perplexity, 3), 12) << padded(fixed(r.tokensPerSecond, 0), 9) << fixed(r.seconds, 1)
            << "s\n";
}

int sweepCommand(int argc, char** argv)
{
    const Args a = parseArgs(argc, argv, 2);
    if (a.positional.size() != 1)
        throw SweepUsageError("sweep takes exactly one sweep file or sweep preset name");
    Sweep sweep = loadSweepFile(resolvePreset(a.positional[0], PresetKind::Sweep));

    SweepOptions options;
    options.record = recordOptions(a);
    options.threads = wholeNumber("--threads", a.value("--threads", "0"), 0, 1024);
    if (!a.value("--parallel").empty())
        options.parallel = wholeNumber("--parallel", a.value("--parallel"), 1, 64);
    options.device = a.value("--device");
    options.chainEpochs = !a.has("--no-chain");

    if (a.has("--dry-run")) {
        for (const auto& run : sweep.runs) {
            JsonObject settings;
            for (const auto& [key, value] : run.settings)
                settings.add(key, value);
            std::cout << JsonObject()
                             .add("event", "run")
                             .add("run", run.label)
                             .add("name", run.config.displayName())
                             .addRaw("settings", settings.str())
                             .str()
                      << '\n';
        }
        std::cerr << sweep.name << ": " << sweep.runs.size() << " run(s)\n";
        return 0;
    }

    RunStore store(RunStore::resolveFolder(a.value("--library")));
    SweepRunner runner(store, sweep, options);
    const auto& ids = runner.ids();
    const bool quiet = a.has("--quiet");
    if (!quiet) {
        const auto chained = std::count_if(runner.continues().begin(), runner.continues().end(),
                                           [](int before) { return before >= 0; });
        std::cerr << sweep.name << ": " << ids.size() << " run(s), " << runner.parallel() << " at a time"
                  << (runner.threadsPerRun() > 0 ? ", " + std::to_string(runner.threadsPerRun()) + " thread(s) each"
                                                 : "")
                  << (chained > 0 ? ", " + std::to_string(chained) + " continuing a shorter run" : "")
                  << "; library " << store.databasePath() << " (runs " << ids.front() << "-" << ids.back() << ")\n";
    }

    RunControl control;
    cli::InterruptScope interrupts(control);
    std::mutex outputMutex;
    SweepLines lines(store, ids, a.has("--every-epoch"), quiet, outputMutex);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<RunResult> results = runner.run(lines, control);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::vector<StoredRun> rows;
    for (const auto& r : store.runsOfSweep(sweep.name))
        if (std::find(ids.begin(), ids.end(), r.id) != ids.end())
            rows.push_back(r);  // runs deleted meanwhile are left out
    printTable(rows, std::cerr);
    std::cerr << sweep.name << ": " << fixed(wall, 1) << " s wall time, " << runner.parallel() << " run(s) at a time\n";
    return control.stopRequested() ? 130 : exitStatus(results);
}

// Trains a stored run (new, interrupted or stopped) and prints train's events.
int trainStored(RunStore& store, std::int64_t id, const Args& a)
{
    RecordOptions options = recordOptions(a);
    if (a.has("--from-scratch"))
        options.missingCheckpoint = MissingCheckpoint::StartOver;
    RunControl control;
    cli::InterruptScope interrupts(control);
    std::mutex outputMutex;
    const StoredRun stored = store.run(id);
    if (!a.has("--quiet"))
        std::cerr << "run " << id << " (" << stored.name << "): " << stored.epochsDone << "/" << stored.epochs
                  << " epochs recorded, checkpoint at epoch " << stored.checkpointEpoch << '\n';
    RunLines observer(stored.name, a.has("--every-epoch"), a.has("--quiet"), outputMutex);
    RunResult r;
    try {
        r = trainRecordedRun(store, id, options, observer, control);
    } catch (const MissingCheckpointError& e) {
        throw Error(std::string(e.what()) + "; to do that, run `traveller-cli runs resume " + std::to_string(id) +
                    " --from-scratch`");
    }
    std::cout << cli::doneEvent(r, store.run(id).threads, stored.name, id) << '\n' << std::flush;
    if (r.status == RunStatus::Diverged)
        return 3;
    return r.status == RunStatus::Stopped ? 130 : 0;
}

int runsCommand(int argc, char** argv)
{
    if (argc < 3)
        throw SweepUsageError("runs needs a subcommand: list, show, rename, tag, untag, delete, export, resume, rerun, generate");
    const std::string sub = argv[2];
    const Args a = parseArgs(argc, argv, 3);
    RunStore store(RunStore::resolveFolder(a.value("--library")));
    auto need = [&](std::size_t n, const char* usage) {
        if (a.positional.size() != n)
            throw SweepUsageError(std::string("usage: traveller-cli runs ") + usage);
    };

    if (sub == "list") {
        need(0, "list [--sweep NAME] [--json]");
        const auto runs = a.value("--sweep").empty() ? store.runs() : store.runsOfSweep(a.value("--sweep"));
        if (a.has("--json")) {
            for (const auto& r : runs)
                std::cout << JsonObject()
                                 .add("id", r.id)
                                 .add("name", r.name)
                                 .add("sweep", r.sweep)
                                 .add("status", r.status)
                                 .add("epochs", r.epochs)
                                 .add("epochs_done", r.epochsDone)
                                 .add("perplexity", r.perplexity)
                                 .add("created_at", r.createdAt)
                                 .str()
                          << '\n';
        } else {
            printTable(runs, std::cout);
        }
        return 0;
    }
    if (sub == "show") {
        need(1, "show ID");
        const StoredRun r = store.run(runId(a.positional[0]));
        std::string tags;
        for (const auto& t : r.tags)
            tags += (tags.empty() ? "" : ", ") + t;
        std::cout << "id: " << r.id << "\nname: " << r.name << "\nsweep: " << r.sweep << "\nlabel: " << r.label
                  << "\nstatus: " << r.status << "\nepochs: " << r.epochsDone << "/" << r.epochs
                  << "\ncheckpoint: epoch " << r.checkpointEpoch << " (" << store.checkpointPath(r.id) << ")"
                  << "\nperplexity: " << fixed(r.perplexity, 4) << "\ntokens/s: " << fixed(r.tokensPerSecond, 0)
                  << "\nseconds: " << fixed(r.seconds, 2) << "\ndevice: " << r.device << " (" << r.threads
                  << " threads)\nversion: " << r.programVersion << "\nseed: " << r.seed << "\ncreated: " << r.createdAt
                  << "\nfinished: " << r.finishedAt << "\ntags: " << tags << "\nmessage: " << r.message << "\n\nconfig:\n"
                  << r.configYaml << "\n\nepoch  perplexity  tok/s  elapsed  sample\n";
        for (const auto& e : store.epochs(r.id))
            std::cout << e.epoch << "  " << fixed(e.perplexity, 4) << "  " << fixed(e.tokensPerSecond, 0) << "  "
                      << fixed(e.elapsedSeconds, 2) << "  " << e.sample << '\n';
        std::cout << "\nsamples:\n";
        for (const auto& [prefix, text] : r.samples)
            std::cout << "  " << text << '\n';
        return 0;
    }
    if (sub == "rename") {
        need(2, "rename ID NAME");
        store.rename(runId(a.positional[0]), a.positional[1]);
        return 0;
    }
    if (sub == "tag" || sub == "untag") {
        need(2, "tag|untag ID TAG");
        if (sub == "tag")
            store.addTag(runId(a.positional[0]), a.positional[1]);
        else
            store.removeTag(runId(a.positional[0]), a.positional[1]);
        return 0;
    }
    if (sub == "delete") {
        if (a.positional.empty())
            throw SweepUsageError("usage: traveller-cli runs delete ID...");
        auto ids = runIds(a.positional);
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        store.deleteRuns(ids);  // all of them or none
        return 0;
    }
    if (sub == "export") {
        if (a.has("--csv") == a.has("--markdown"))
            throw SweepUsageError("runs export needs --csv or --markdown");
        std::vector<StoredRun> runs;
        if (!a.value("--sweep").empty())
            runs = store.runsOfSweep(a.value("--sweep"));
        for (auto id : runIds(a.positional))
            runs.push_back(store.run(id));
        if (a.positional.empty() && a.value("--sweep").empty())
            runs = store.runs();
        const std::string title = a.value("--sweep").empty() ? "Traveller runs" : "Sweep " + a.value("--sweep");
        if (a.has("--markdown") && !a.value("--output").empty()) {
            // A report on disk gets its chart, written beside it.
            const std::string chart = writeMarkdownReport(store, runs, a.value("--output"), title);
            if (!a.has("--quiet"))
                std::cerr << "wrote " << a.value("--output") << " and " << chart << '\n';
            return 0;
        }
        const std::string text = a.has("--csv") ? runsToCsv(runs) : runsToMarkdown(runs, title);
        if (a.value("--output").empty()) {
            std::cout << text;
        } else {
            checkExportTarget(store, a.value("--output"));
            writeFileAtomically(a.value("--output"), text);
        }
        return 0;
    }
    if (sub == "resume") {
        need(1, "resume ID");
        const std::int64_t id = runId(a.positional[0]);
        if (const RuleVerdict resumable = canResume(store.run(id)); !resumable)
            throw SweepUsageError(resumable.reason);
        return trainStored(store, id, a);
    }
    if (sub == "rerun") {
        need(1, "rerun ID");
        const StoredRun old = store.run(runId(a.positional[0]));
        const std::int64_t id = store.createRun({old.config(), old.name, old.sweep, old.label, TRAVELLER_VERSION});
        return trainStored(store, id, a);
    }
    if (sub == "generate") {
        need(1, "generate ID [--prefix TEXT] [--length N] [--temperature T]");
        // The settings first: a bad one is named before any weights load.
        // The bounds of sample.temperature: 0 is greedy, above 1000 is noise.
        const double temperature = decimalNumber("--temperature", a.value("--temperature", "0"), 0.0, 1000.0);
        const StoredRun r = store.run(runId(a.positional[0]));
        if (const RuleVerdict possible = canGenerate(r); !possible)
            throw Error(possible.reason);
        ExperimentConfig config = r.config();
        config.train.device = "cpu";
        LmSession session(config, resolveDataDir(a.value("--data-dir")));
        session.loadCheckpoint(store.checkpointPath(r.id));
        const std::string prefix = a.value("--prefix", config.sample.prefix);
        const int length = wholeNumber("--length", a.value("--length", std::to_string(config.sample.length)), 1, 100000);
        std::cout << session.generate(prefix, length, temperature, generationSeed(config)) << '\n';
        return 0;
    }
    throw SweepUsageError("unknown runs subcommand '" + sub + "'");
}

template <typename F>
int guarded(F&& f)
{
    try {
        return f();
    } catch (const SweepUsageError& e) {
        std::cerr << "traveller-cli: " << e.what() << "\n(see traveller-cli --help)\n";
        return 2;
    }
}

} // namespace

int runSweepCommand(int argc, char** argv)
{
    return guarded([&] { return sweepCommand(argc, argv); });
}

int runRunsCommand(int argc, char** argv)
{
    return guarded([&] { return runsCommand(argc, argv); });
}
