// `traveller-cli sweep` (a grid of runs, recorded in the run library) and
// `traveller-cli runs` (list, inspect, export, resume the recorded runs).
#include "Commands.h"
#include "RunEvents.h"


#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Format.h"
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
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace traveller::cli {

namespace {

// Every option of `sweep` and the `runs` subcommands; each command
// registers the ones it takes (addSweepCommands).
struct Args {
    std::vector<std::string> positional;
    std::string library, dataDir, threads, parallel, device, checkpointEvery = "0", sweep, output, prefix,
        length, temperature = "0";
    bool dryRun = false, quiet = false, everyEpoch = false, csv = false, markdown = false, json = false,
         noChain = false, fromScratch = false;
};

std::string fixed(double value, int decimals) { return formatNumber(value, decimals, "-"); }

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
        std::cout << epochEvent(s, run_) << '\n' << std::flush;
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
        std::cout << doneEvent(result, threads, name, id) << '\n' << std::flush;
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
    o.dataDir = resolveDataDir(a.dataDir);
    o.programVersion = TRAVELLER_VERSION;
    o.checkpointEvery = wholeNumber("--checkpoint-every", a.checkpointEvery, 0, 1000000);
    if (!a.threads.empty())
        o.threads = wholeNumber("--threads", a.threads, 0, 1024);
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
        out << padded(std::to_string(r.id), 6) << padded(r.name, width + 2) << padded(r.status == "finished" && blewUp(r.message) ? "blew up" : r.status, 13)
            << padded(std::to_string(r.epochsDone) + "/" + std::to_string(r.epochs), 12)
            << padded(fixed(r.perplexity, 3), 12) << padded(fixed(r.tokensPerSecond, 0), 9) << fixed(r.seconds, 1)
            << "s\n";
}

int sweepCommand(const Args& a)
{
    Sweep sweep = loadSweepFile(resolvePreset(a.positional[0], PresetKind::Sweep));

    SweepOptions options;
    options.record = recordOptions(a);
    options.record.threads = -1;  // the runner shares options.threads among its runs
    options.threads = a.threads.empty() ? 0 : wholeNumber("--threads", a.threads, 0, 1024);
    if (!a.parallel.empty())
        options.parallel = wholeNumber("--parallel", a.parallel, 1, 64);
    options.device = a.device;
    options.chainEpochs = !a.noChain;

    if (a.dryRun) {
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

    RunStore store(RunStore::resolveFolder(a.library));
    SweepRunner runner(store, sweep, options);
    const auto& ids = runner.ids();
    const bool quiet = a.quiet;
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
    InterruptScope interrupts(control);
    std::mutex outputMutex;
    SweepLines lines(store, ids, a.everyEpoch, quiet, outputMutex);
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
    if (a.fromScratch)
        options.missingCheckpoint = MissingCheckpoint::StartOver;
    RunControl control;
    InterruptScope interrupts(control);
    std::mutex outputMutex;
    const StoredRun stored = store.run(id);
    if (!a.quiet)
        std::cerr << "run " << id << " (" << stored.name << "): " << stored.epochsDone << "/" << stored.epochs
                  << " epochs recorded, checkpoint at epoch " << stored.checkpointEpoch << '\n';
    RunLines observer(stored.name, a.everyEpoch, a.quiet, outputMutex);
    RunResult r;
    try {
        r = trainRecordedRun(store, id, options, observer, control);
    } catch (const MissingCheckpointError& e) {
        throw Error(std::string(e.what()) + "; to do that, run `traveller-cli runs resume " + std::to_string(id) +
                    " --from-scratch`");
    }
    std::cout << doneEvent(r, store.run(id).threads, stored.name, id) << '\n' << std::flush;
    if (r.status == RunStatus::Diverged)
        return 3;
    return r.status == RunStatus::Stopped ? 130 : 0;
}

int runsCommand(const std::string& sub, const Args& a)
{
    RunStore store(RunStore::resolveFolder(a.library));

    if (sub == "list") {
        const auto runs = a.sweep.empty() ? store.runs() : store.runsOfSweep(a.sweep);
        if (a.json) {
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
        store.rename(runId(a.positional[0]), a.positional[1]);
        return 0;
    }
    if (sub == "tag" || sub == "untag") {
        if (sub == "tag")
            store.addTag(runId(a.positional[0]), a.positional[1]);
        else
            store.removeTag(runId(a.positional[0]), a.positional[1]);
        return 0;
    }
    if (sub == "delete") {
        if (a.positional.empty())
            throw UsageError("usage: traveller-cli runs delete ID...");
        auto ids = runIds(a.positional);
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        store.deleteRuns(ids);  // all of them or none
        return 0;
    }
    if (sub == "export") {
        if (a.csv == a.markdown)
            throw UsageError("runs export needs --csv or --markdown");
        std::vector<StoredRun> runs;
        if (!a.sweep.empty())
            runs = store.runsOfSweep(a.sweep);
        for (auto id : runIds(a.positional))
            runs.push_back(store.run(id));
        if (a.positional.empty() && a.sweep.empty())
            runs = store.runs();
        const std::string title = a.sweep.empty() ? "Traveller runs" : "Sweep " + a.sweep;
        if (a.markdown && !a.output.empty()) {
            // A report on disk gets its chart, written beside it.
            const std::string chart = writeMarkdownReport(store, runs, a.output, title);
            if (!a.quiet)
                std::cerr << "wrote " << a.output << " and " << chart << '\n';
            return 0;
        }
        const std::string text = a.csv ? runsToCsv(runs) : runsToMarkdown(runs, title);
        if (a.output.empty()) {
            std::cout << text;
        } else {
            checkExportTarget(store, a.output);
            writeFileAtomically(a.output, text);
        }
        return 0;
    }
    if (sub == "resume") {
        const std::int64_t id = runId(a.positional[0]);
        if (const RuleVerdict resumable = canResume(store.run(id)); !resumable)
            throw UsageError(resumable.reason);
        return trainStored(store, id, a);
    }
    if (sub == "rerun") {
        const StoredRun old = store.run(runId(a.positional[0]));
        const std::int64_t id = store.createRun({old.config(), old.name, old.sweep, old.label, TRAVELLER_VERSION});
        return trainStored(store, id, a);
    }
    if (sub == "generate") {
        // The settings first: a bad one is named before any weights load.
        // The bounds of sample.temperature: 0 is greedy, above 1000 is noise.
        const double temperature = decimalNumber("--temperature", a.temperature, 0.0, 1000.0);
        const StoredRun r = store.run(runId(a.positional[0]));
        if (const RuleVerdict possible = canGenerate(r); !possible)
            throw Error(possible.reason);
        ExperimentConfig config = r.config();
        config.train.device = "cpu";
        LmSession session(config, resolveDataDir(a.dataDir));
        session.loadCheckpoint(store.checkpointPath(r.id));
        const std::string prefix = a.prefix.empty() ? config.sample.prefix : a.prefix;
        const int length = wholeNumber("--length", a.length.empty() ? std::to_string(config.sample.length) : a.length, 1, 100000);
        std::cout << session.generate(prefix, length, temperature, generationSeed(config)) << '\n';
        return 0;
    }
    throw UsageError("unknown runs subcommand '" + sub + "'");
}

// A positional argument that appends to Args::positional, in order.
CLI::Option* positional(CLI::App* command, const std::shared_ptr<Args>& args, const std::string& name,
                        const std::string& help)
{
    return command
        ->add_option_function<std::string>(
            name, [args](const std::string& v) { args->positional.push_back(v); }, help)
        ->required();
}

void libraryOption(CLI::App* command, Args& a)
{
    command->add_option("--library", a.library, "The run library's folder (else $TRAVELLER_HOME, else ~/.local/share/traveller)")
        ->type_name("DIR");
}

void trainingOptions(CLI::App* command, Args& a)
{
    command->add_option("--data-dir", a.dataDir, "Corpus folder")->type_name("DIR");
    command->add_option("--checkpoint-every", a.checkpointEvery, "Save weights every N epochs (0: at every sample interval)")
        ->type_name("N");
    command->add_option("--threads", a.threads, "CPU threads, 0 = all cores (default: as recorded)")->type_name("N");
    command->add_flag("--every-epoch", a.everyEpoch, "An \"epoch\" event for every epoch");
    command->add_flag("-q,--quiet", a.quiet, "No progress on stderr");
}

} // namespace

void addSweepCommands(CLI::App& app, int& status)
{
    auto sweepArgs = std::make_shared<Args>();
    CLI::App* sweep = app.add_subcommand("sweep", "Train a grid of runs (a sweep file or preset), recorded in the run library");
    positional(sweep, sweepArgs, "sweep", "A YAML sweep file or a sweep preset name (e.g. lab-rnn-grid)");
    sweep->add_option("--parallel", sweepArgs->parallel, "Runs trained at once (default: what the cores allow)")
        ->type_name("N");
    sweep->add_option("--device", sweepArgs->device, "cpu, cuda or cuda:N for every run");
    sweep->add_flag("--no-chain", sweepArgs->noChain, "Train every run from scratch, even where a shorter one could be continued");
    sweep->add_flag("--dry-run", sweepArgs->dryRun, "List the runs the grid expands to and stop");
    libraryOption(sweep, *sweepArgs);
    trainingOptions(sweep, *sweepArgs);  // --threads: in all, shared among the runs at once
    sweep->footer("Prints each run's JSON Lines tagged with its name; Ctrl-C stops every run at a checkpoint "
                  "(`runs resume ID` goes on). Exit status: 0, 1 if a run failed, 2 bad usage, 130 interrupted.\n");
    sweep->callback([sweepArgs, &status] { status = sweepCommand(*sweepArgs); });

    CLI::App* runs = app.add_subcommand("runs", "List, inspect, export, resume and delete the recorded runs");
    runs->require_subcommand(1);
    auto add = [&](const std::string& name, const std::string& help) {
        auto args = std::make_shared<Args>();
        CLI::App* command = runs->add_subcommand(name, help);
        libraryOption(command, *args);
        command->callback([name, args, &status] { status = runsCommand(name, *args); });
        return std::pair{command, args};
    };
    {
        auto [c, a] = add("list", "A table of the runs (or JSON Lines with --json)");
        c->add_option("--sweep", a->sweep, "Only the runs of this sweep")->type_name("NAME");
        c->add_flag("--json", a->json, "One JSON object per run");
    }
    {
        auto [c, a] = add("show", "Everything recorded of one run: settings, epochs, samples");
        positional(c, a, "id", "The run's id (see runs list)");
    }
    {
        auto [c, a] = add("rename", "Give a run a new name");
        positional(c, a, "id", "The run's id");
        positional(c, a, "name", "Its new name");
    }
    for (const char* verb : {"tag", "untag"}) {
        auto [c, a] = add(verb, std::string(verb == std::string("tag") ? "Add a tag to" : "Remove a tag from") + " a run");
        positional(c, a, "id", "The run's id");
        positional(c, a, "tag", "The tag");
    }
    {
        auto [c, a] = add("delete", "Delete runs and their checkpoints: all of them or none (never a run being trained)");
        c->add_option("ids", a->positional, "Run ids or ranges, e.g. 3 5-8")->required();
    }
    {
        auto [c, a] = add("export", "The runs as CSV or a Markdown report (with an SVG chart beside a report file)");
        c->add_option("ids", a->positional, "Run ids or ranges (default: every run, or the --sweep's)");
        c->add_option("--sweep", a->sweep, "The runs of this sweep")->type_name("NAME");
        auto* csv = c->add_flag("--csv", a->csv, "Comma-separated values, a row per run");
        auto* md = c->add_flag("--markdown", a->markdown, "A Markdown report: table, chart, samples");
        csv->excludes(md);
        c->add_option("--output", a->output, "Write to FILE (a report gets FILE-perplexity.svg beside it)")->type_name("FILE");
        c->add_flag("-q,--quiet", a->quiet, "Do not say what was written");
    }
    {
        auto [c, a] = add("resume", "Train an interrupted or stopped run on from its checkpoint");
        positional(c, a, "id", "The run's id");
        c->add_flag("--from-scratch", a->fromScratch, "Start over when its checkpoint is missing");
        trainingOptions(c, *a);
    }
    {
        auto [c, a] = add("rerun", "Train a run's settings again as a new run");
        positional(c, a, "id", "The run's id");
        trainingOptions(c, *a);
    }
    {
        auto [c, a] = add("generate", "Continue a prefix with a trained run's weights");
        positional(c, a, "id", "The run's id");
        c->add_option("--prefix", a->prefix, "The text to continue (default: the run's sample.prefix)")->type_name("TEXT");
        c->add_option("--length", a->length, "Characters to generate (default: the run's sample.length)")->type_name("N");
        c->add_option("--temperature", a->temperature, "0 picks the likeliest character; higher samples more freely")
            ->type_name("T");
        c->add_option("--data-dir", a->dataDir, "Corpus folder (the vocabulary comes from it)")->type_name("DIR");
    }
}

} // namespace traveller::cli
