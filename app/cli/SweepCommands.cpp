// `traveller-cli sweep` (a grid of runs, recorded in the run library, here
// or on Slurm) and what `runs` shares with it (SweepArgs.h).
#include "Commands.h"
#include "RunEvents.h"
#include "SweepArgs.h"


#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Format.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/Presets.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/core/store/SweepRunner.h"

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
        o.threads = threadsOption(a.threads);
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


// This program's own path: what the array tasks run.
std::string selfPath()
{
    std::error_code ec;
    const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("traveller-cli") : path.string();
}

// The library's folder, said plainly when it is on a network filesystem.
void warnIfNetworkLibrary(const std::string& folder)
{
    const std::string fs = networkFilesystem(folder);
    if (!fs.empty())
        std::cerr << "warning: the run library " << folder << " is on a network filesystem (" << fs
                  << "): SQLite's file locking is unreliable there and its WAL journal does not work across hosts. "
                     "Only the import job writes it; keep other Traveller windows and commands off this library "
                     "while it runs, or give --library a folder on a local disk.\n";
}

// sweep --slurm: the arrays and the import job, submitted (or printed).
int slurmSweep(const Sweep& sweep, const Args& a)
{
    if (!a.parallel.empty() || !a.device.empty() || !a.threads.empty())
        throw UsageError("with --slurm, Slurm places the runs: use --max-parallel, --cpus-per-task and "
                         "--gpus-per-task instead of --parallel, --threads and --device");
    SlurmOptions o;
    o.partition = a.partition;
    o.maxParallel = wholeNumber("--max-parallel", a.maxParallel, 0, 100000);
    o.time = a.time;
    o.cpusPerTask = wholeNumber("--cpus-per-task", a.cpusPerTask, 1, 1024);
    o.gpusPerTask = wholeNumber("--gpus-per-task", a.gpusPerTask, 0, 64);
    o.checkpointEvery = wholeNumber("--checkpoint-every", a.checkpointEvery, 0, 1000000);
    o.chainEpochs = !a.noChain;
    o.runFolder = a.runFolder;
    o.library = std::filesystem::absolute(RunStore::resolveFolder(a.library)).string();
    o.dataDir = std::filesystem::absolute(resolveDataDir(a.dataDir)).string();
    o.program = selfPath();
    o.programVersion = TRAVELLER_VERSION;
    SlurmPlan plan = planSlurmSweep(sweep, o);
    if (a.dryRun) {
        for (std::size_t level = 0; level < plan.levels.size(); ++level)
            std::cout << "# ---- " << plan.folder << "/level-" << level << ".sh\n" << levelScript(plan, level) << '\n';
        std::cout << "# ---- " << plan.folder << "/import.sh\n" << importScript(plan) << '\n';
        std::cout << "# ---- submitted with\n";
        for (const auto& line : sbatchCommands(plan))
            std::cout << line << '\n';
        std::cerr << sweep.name << ": " << plan.runs.size() << " run(s) in " << plan.levels.size()
                  << " array(s); nothing written, nothing submitted (--dry-run)\n";
        return 0;
    }
    warnIfNetworkLibrary(o.library);
    {
        RunStore store(o.library);  // the import job must be able to open it: fail now, not after the sweep
    }
    submitSlurmPlan(plan);
    std::cout << JsonObject()
                     .add("event", "submitted")
                     .add("sweep", plan.sweep)
                     .add("folder", plan.folder)
                     .add("runs", static_cast<std::int64_t>(plan.runs.size()))
                     .add("arrays", [&] {
                         std::string ids;
                         for (const auto& id : plan.arrayJobs)
                             ids += (ids.empty() ? "" : ",") + id;
                         return ids;
                     }())
                     .add("import_job", plan.importJob)
                     .str()
              << '\n';
    if (!a.quiet) {
        std::cerr << sweep.name << ": " << plan.runs.size() << " run(s) submitted as " << plan.arrayJobs.size()
                  << " array job(s) (";
        for (std::size_t i = 0; i < plan.arrayJobs.size(); ++i)
            std::cerr << (i ? ", " : "") << plan.arrayJobs[i];
        std::cerr << "), import job " << plan.importJob << "\nrun folder: " << plan.folder
                  << "\nfollow it with: traveller-cli sweep status " << plan.folder << '\n';
    }
    return 0;
}

int sweepCommand(const Args& a)
{
    Sweep sweep = loadSweepFile(resolvePreset(a.positional[0], PresetKind::Sweep));
    if (a.slurm)
        return slurmSweep(sweep, a);
    if (!a.partition.empty() || !a.time.empty() || !a.runFolder.empty() || a.maxParallel != "0" ||
        a.cpusPerTask != "1" || a.gpusPerTask != "0")
        throw UsageError("--partition, --max-parallel, --time, --cpus-per-task, --gpus-per-task and --run-folder "
                         "go with --slurm");

    SweepOptions options;
    options.record = recordOptions(a);
    options.record.threads = -1;  // the runner shares options.threads among its runs
    options.threads = a.threads.empty() ? 0 : threadsOption(a.threads);
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

// The run folder a status or import names, or the library's newest.
std::string slurmFolder(const Args& a)
{
    if (!a.positional.empty())
        return a.positional[0];
    const std::string library = RunStore::resolveFolder(a.library);
    const std::string latest = latestSlurmFolder(library);
    if (latest.empty())
        throw UsageError("no Slurm sweep under " + library + "/slurm: name its run folder");
    return latest;
}

// sweep status: the array's tasks by state, from squeue/sacct and the run folders.
int sweepStatusCommand(const Args& a)
{
    const std::string folder = slurmFolder(a);
    std::unique_ptr<RunStore> library;
    try {
        const SlurmPlan plan = loadSlurmPlan(folder);
        const std::string path = a.library.empty() ? plan.options.library : RunStore::resolveFolder(a.library);
        if (!path.empty() && std::filesystem::exists(std::filesystem::path(path) / "runs.sqlite"))
            library = std::make_unique<RunStore>(path);
    } catch (const StoreError& e) {
        std::cerr << "warning: " << e.what() << " (imports are not shown)\n";
    }
    const SweepStatus status = slurmSweepStatus(folder, library.get());
    const SlurmPlan& plan = status.plan;
    if (a.json) {
        for (const auto& t : status.tasks)
            std::cout << JsonObject()
                             .add("event", "task")
                             .add("run", static_cast<std::int64_t>(t.run))
                             .add("name", t.name)
                             .add("label", t.label)
                             .add("job", t.job)
                             .add("scheduler", t.scheduler)
                             .add("state", taskWord(t))
                             .add("epochs_done", t.epochsDone)
                             .add("epochs", t.epochs)
                             .add("perplexity", t.perplexity)
                             .add("attempts", t.attempts)
                             .add("imported_as", t.importedAs)
                             .add("message", t.message)
                             .str()
                      << '\n';
        return 0;
    }
    std::size_t width = 4;
    for (const auto& t : status.tasks)
        width = std::max(width, t.label.size());
    std::cout << "sweep " << plan.sweep << " · " << plan.folder << '\n';
    std::cout << "arrays ";
    for (std::size_t i = 0; i < plan.arrayJobs.size(); ++i)
        std::cout << (i ? ", " : "") << plan.arrayJobs[i];
    std::cout << (plan.arrayJobs.empty() ? "(not submitted)" : "") << " · import job "
              << (plan.importJob.empty() ? "-" : plan.importJob) << ": "
              << (status.importState.empty() ? "ended or not queued" : status.importState) << '\n';
    if (!status.schedulerNote.empty())
        std::cout << "note: " << status.schedulerNote << '\n';
    std::cout << padded("run", 5) << padded("job", 12) << padded("label", width + 2) << padded("state", 13)
              << padded("slurm", 22) << padded("epochs", 12) << padded("perplexity", 12) << padded("tries", 7)
              << "library\n";
    for (const auto& t : status.tasks) {
        std::string slurm = t.scheduler.empty() ? "-" : t.scheduler;
        if (!t.reason.empty())
            slurm += " (" + t.reason + ")";
        std::cout << padded(std::to_string(t.run), 5) << padded(t.job.empty() ? "-" : t.job, 12)
                  << padded(t.label, width + 2) << padded(taskWord(t), 13) << padded(slurm, 22)
                  << padded(std::to_string(t.epochsDone) + "/" + std::to_string(t.epochs), 12)
                  << padded(t.epochsDone > 0 ? fixed(t.perplexity, 3) : "-", 12)
                  << padded(std::to_string(t.attempts), 7)
                  << (t.importedAs ? "run " + std::to_string(t.importedAs) : "-") << '\n';
        const std::optional<StoredState> state = parseStoredState(taskWord(t));
        if ((state == StoredState::Failed || state == StoredState::Interrupted) && !t.message.empty())
            std::cout << "     " << t.message << '\n';
    }
    std::cout << status.tasks.size() << " run(s):";
    bool first = true;
    for (const auto& [word, count] : status.counts) {
        std::cout << (first ? " " : ", ") << count << " " << word;
        first = false;
    }
    int imported = 0;
    for (const auto& t : status.tasks)
        imported += t.importedAs != 0;
    std::cout << "; " << imported << " imported into the library\n";
    return 0;
}

// sweep task: one array task (the job scripts run this).
int sweepTaskCommand(const Args& a)
{
    std::string chainText = a.task;
    if (chainText.empty()) {
        const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
        if (!id)
            throw UsageError("no --task and no SLURM_ARRAY_TASK_ID: `sweep task` is what a Slurm array task runs");
        chainText = id;
    }
    const auto chain = static_cast<std::size_t>(wholeNumber("--task", chainText, 0, 1000000));
    const auto level = static_cast<std::size_t>(wholeNumber("--level", a.level, 0, 1000));
    int threads = -1;
    if (const char* cpus = std::getenv("SLURM_CPUS_PER_TASK"))
        threads = wholeNumber("SLURM_CPUS_PER_TASK", cpus, 1, 1024);
    if (!a.threads.empty())
        threads = threadsOption(a.threads);
    std::string attempt = "attempt";
    if (const char* job = std::getenv("SLURM_ARRAY_JOB_ID")) {
        attempt = std::string("job ") + job + "_" + chainText;
        if (const char* restarts = std::getenv("SLURM_RESTART_COUNT"))
            attempt += " (restart " + std::string(restarts) + ")";
    }
    RunControl control;
    InterruptScope interrupts(control);  // scancel, preemption and the time limit send SIGTERM: stop at a checkpoint
    std::mutex outputMutex;
    RunLines lines("task " + chainText, a.everyEpoch, a.quiet, outputMutex);
    const TaskOutcome outcome = runSlurmTask(a.positional.at(0), level, chain, threads, attempt, lines, control);
    std::cout << doneEvent(outcome.result, threads, "run " + std::to_string(outcome.run), 0) << '\n' << std::flush;
    if (outcome.result.status == RunStatus::Stopped)
        return 130;
    return outcome.result.status == RunStatus::Failed ? 1 : 0;  // a diverged run is a result: its chain goes on
}







} // namespace

std::string fixed(double value, int decimals) { return formatNumber(value, decimals, "-"); }

void printTable(const std::vector<StoredRun>& runs, std::ostream& out)
{
    std::size_t width = 4;
    for (const auto& r : runs)
        width = std::max(width, r.name.size());
    // Wide enough for the longest state ("blew up, trained on").
    out << padded("id", 6) << padded("run", width + 2) << padded("status", 21) << padded("epochs", 12)
        << padded("perplexity", 12) << padded("tok/s", 9) << "time\n";
    for (const auto& r : runs)
        out << padded(std::to_string(r.id), 6) << padded(r.name, width + 2) << padded(stateLabel(r.state, r.blewUpAt), 21)
            << padded(std::to_string(r.epochsDone) + "/" + std::to_string(r.epochs), 12)
            << padded(fixed(r.perplexity, 3), 12) << padded(fixed(r.tokensPerSecond, 0), 9) << fixed(r.seconds, 1)
            << "s\n";
}

// runs import: a Slurm run folder's ended runs into the library, once each.
int runsImportCommand(const Args& a)
{
    const std::string folder = slurmFolder(a);
    const std::string library = RunStore::resolveFolder(a.library);
    warnIfNetworkLibrary(library);
    RunStore store(library);
    const ImportReport report = importRunFolder(store, folder, a.ended);
    for (const auto& [run, id] : report.imported)
        std::cout << JsonObject().add("event", "imported").add("run", static_cast<std::int64_t>(run)).add("id", id).str()
                  << '\n';
    for (const auto& [run, why] : report.skipped)
        std::cerr << "run " << run << " not imported: " << why << '\n';
    for (const auto& [run, why] : report.refused)
        std::cerr << "run " << run << " refused: " << why << '\n';
    std::cerr << folder << ": " << report.imported.size() << " run(s) imported, " << report.already.size()
              << " already in the library, " << report.skipped.size() << " not ended"
              << (report.refused.empty() ? "" : ", " + std::to_string(report.refused.size()) + " refused")
              << "; library " << store.databasePath() << '\n';
    return report.refused.empty() ? 0 : 1;  // the others are in; the refused need a look
}

// Trains a stored run (new, interrupted or stopped) and prints train's events.
int trainStored(RunStore& store, std::int64_t id, const Args& a, int continueBy)
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
        r = continueBy > 0 ? continueRecordedRun(store, id, continueBy, options, observer, control)
                           : trainRecordedRun(store, id, options, observer, control);
    } catch (const MissingCheckpointError& e) {
        throw Error(std::string(e.what()) + "; to do that, run `traveller-cli runs resume " + std::to_string(id) +
                    " --from-scratch`");
    }
    std::cout << doneEvent(r, store.run(id).threads, stored.name, id) << '\n' << std::flush;
    if (r.status == RunStatus::Diverged)
        return 3;
    return r.status == RunStatus::Stopped ? 130 : 0;
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

void addSweepCommands(CLI::App& app, int& status)
{
    auto sweepArgs = std::make_shared<Args>();
    CLI::App* sweep = app.add_subcommand("sweep", "Train a grid of runs (a sweep file or preset), recorded in the run library");
    sweep->add_option_function<std::string>(
        "sweep", [sweepArgs](const std::string& v) { sweepArgs->positional.push_back(v); },
        "A YAML sweep file or a sweep preset name (e.g. lab-rnn-grid)");
    sweep->add_option("--parallel", sweepArgs->parallel, "Runs trained at once (default: what the cores allow)")
        ->type_name("N");
    sweep->add_option("--device", sweepArgs->device, "cpu, cuda or cuda:N for every run");
    sweep->add_flag("--no-chain", sweepArgs->noChain, "Train every run from scratch, even where a shorter one could be continued");
    sweep->add_flag("--dry-run", sweepArgs->dryRun, "List the runs the grid expands to and stop");
    libraryOption(sweep, *sweepArgs);
    trainingOptions(sweep, *sweepArgs);  // --threads: in all, shared among the runs at once
    sweep->footer("Prints each run's JSON Lines tagged with its name; Ctrl-C stops every run at a checkpoint "
                  "(`runs resume ID` goes on). Exit status: 0, 1 if a run failed, 2 bad usage, 130 interrupted.\n");
    sweep->add_flag("--slurm", sweepArgs->slurm, "Submit the runs to Slurm as job arrays (docs/CLUSTER.md) instead of "
                                                  "training them here; with --dry-run, print the job scripts");
    sweep->add_option("--partition", sweepArgs->partition, "Slurm partition (default: the cluster's)")->type_name("P");
    sweep->add_option("--max-parallel", sweepArgs->maxParallel, "Array tasks running at once, per epoch level (%N)")
        ->type_name("N");
    sweep->add_option("--time", sweepArgs->time, "Time limit of each array task (HH:MM:SS, D-HH:MM, minutes)")
        ->type_name("HH:MM");
    sweep->add_option("--cpus-per-task", sweepArgs->cpusPerTask, "CPUs (training threads) per array task (default 1)")
        ->type_name("N");
    sweep->add_option("--gpus-per-task", sweepArgs->gpusPerTask, "GPUs per array task (the run trains on cuda:0)")
        ->type_name("N");
    sweep->add_option("--run-folder", sweepArgs->runFolder,
                      "Where the tasks write their runs, on a filesystem every node sees (default: <library>/slurm/...)")
        ->type_name("DIR");
    CLI::App* sweepStatus = sweep->add_subcommand("status", "A Slurm sweep's tasks by state (squeue/sacct and the run folders)");
    auto statusArgs = std::make_shared<Args>();
    sweepStatus->add_option_function<std::string>(
        "folder", [statusArgs](const std::string& v) { statusArgs->positional.push_back(v); },
        "The sweep's run folder (default: the library's newest)");
    libraryOption(sweepStatus, *statusArgs);
    sweepStatus->add_flag("--json", statusArgs->json, "One JSON object per task");
    sweepStatus->callback([statusArgs, &status] { status = sweepStatusCommand(*statusArgs); });
    CLI::App* sweepTask = sweep->add_subcommand("task", "One array task of a Slurm sweep (what its job scripts run)");
    auto taskArgs = std::make_shared<Args>();
    positional(sweepTask, taskArgs, "folder", "The sweep's run folder");
    sweepTask->add_option("--level", taskArgs->level, "The epoch level (array) the task belongs to")->type_name("L");
    sweepTask->add_option("--task", taskArgs->task, "The task's index (default: SLURM_ARRAY_TASK_ID)")->type_name("N");
    sweepTask->add_option("--threads", taskArgs->threads, "CPU threads (default: SLURM_CPUS_PER_TASK)")->type_name("N");
    sweepTask->add_flag("--every-epoch", taskArgs->everyEpoch, "An \"epoch\" event for every epoch");
    sweepTask->add_flag("-q,--quiet", taskArgs->quiet, "No progress on stderr");
    sweepTask->callback([taskArgs, &status] { status = sweepTaskCommand(*taskArgs); });
    sweep->callback([sweep, sweepArgs, &status] {
        if (!sweep->get_subcommands().empty())
            return;  // status or task ran
        if (sweepArgs->positional.empty())
            throw UsageError("sweep: name a sweep file or preset (or `sweep status`)");
        status = sweepCommand(*sweepArgs);
    });

}

} // namespace traveller::cli
