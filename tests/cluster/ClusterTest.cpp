// Sweeps on Slurm without the daemons (tests/cluster/slurm.sh runs the real
// thing): run folders, the plan and its scripts, array tasks run in-process
// level by level, a task cut off and requeued, and the import into the
// library, checked against the same sweep trained by the local runner.
#include "TestLibrary.h"
#include "TrainedRuns.h"

#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/store/SweepRunner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sqlite3.h>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

class NullObserver : public TrainingObserver {};

// Stops the run after `epochs` whole epochs, in the middle of the next one.
class StopAfter : public TrainingObserver {
public:
    StopAfter(RunControl& control, int epochs) : control_(control), epochs_(epochs) {}
    void onEpoch(const EpochStats& s) override { seen_ = s.epoch; }
    void onBatch(const BatchStats&) override
    {
        if (seen_ >= epochs_ && ++batches_ == 1)
            control_.requestStop();
    }

private:
    RunControl& control_;
    int epochs_;
    int seen_ = 0;
    int batches_ = 0;
};

const char* kClusterSweep = R"(name: cluster-test
base:
  model: {arch: rnn, hidden: 16}
  train: {device: cpu, threads: 1}
  data: {max_tokens: 3000, sampling: random}
  sample: {every: 2, length: 12}
grid:
  train.epochs: [3, 6]
  train.lr: [0.5, 1]
)";

SlurmOptions options(const TestLibrary& lib)
{
    SlurmOptions o;
    o.library = lib.str();
    o.dataDir = resolveDataDir();
    o.program = "/usr/bin/traveller-cli";
    o.programVersion = "test";
    o.maxParallel = 3;
    o.time = "0:30:00";
    o.checkpointEvery = 1;
    return o;
}

void runAllTasks(const SlurmPlan& plan, const std::string& folder)
{
    for (std::size_t level = 0; level < plan.levels.size(); ++level)
        for (std::size_t c = 0; c < plan.levels[level].size(); ++c)
            if (plan.levels[level][c] >= 0) {
                RunControl control;
                NullObserver quiet;
                const TaskOutcome out = runSlurmTask(folder, level, c, 1, "test", quiet, control);
                EXPECT_EQ(out.result.status, RunStatus::Finished) << out.result.message;
            }
}

} // namespace

TEST(RunFolder, KeepsWhatARunRecordsAcrossReads)
{
    TestLibrary lib;
    RunFolder folder((lib.path() / "run").string(), "task 0");
    EXPECT_FALSE(folder.exists());
    ExperimentConfig config = parseExperimentYaml(kTinyExperiment);
    folder.create(config, "tiny");
    ASSERT_TRUE(folder.exists());
    EXPECT_EQ(folder.stored().state, StoredState::Queued);
    EXPECT_EQ(folder.stored().epochs, 4);
    EXPECT_TRUE(std::isnan(folder.stored().perplexity));

    folder.markRunning("cpu", 2);
    EXPECT_THROW(folder.markRunning("cpu", 2), ClusterError);  // one attempt at a time
    folder.appendEpoch({1, 20.5, 1000, 0.5, "", std::nan("")}, 0.5);
    folder.appendEpoch({2, INFINITY, 900, 1.0, "time traveller", 30.25}, 0.5);
    {
        std::ofstream cut(lib.path() / "run" / "epochs.jsonl", std::ios::app);
        cut << R"({"epoch": 3, "perplexi)";  // a kill in the middle of a line
    }
    auto epochs = folder.epochs();
    ASSERT_EQ(epochs.size(), 2u);
    EXPECT_DOUBLE_EQ(epochs[0].perplexity, 20.5);
    EXPECT_TRUE(std::isnan(epochs[0].heldoutPerplexity));
    EXPECT_TRUE(std::isinf(epochs[1].perplexity));
    EXPECT_DOUBLE_EQ(epochs[1].heldoutPerplexity, 30.25);
    EXPECT_EQ(epochs[1].sample, "time traveller");
    StoredRun s = folder.stored();
    EXPECT_EQ(s.state, StoredState::Running);
    EXPECT_EQ(s.epochsDone, 2);
    EXPECT_DOUBLE_EQ(s.seconds, 1.0);
    EXPECT_EQ(s.threads, 2);

    folder.truncateEpochs(1);
    EXPECT_EQ(folder.stored().epochsDone, 1);
    folder.markInterrupted("cut off");
    EXPECT_EQ(folder.stored().state, StoredState::Interrupted);
    RunResult done;
    done.status = RunStatus::Diverged;
    done.message = "diverged at epoch 2";
    done.samples["time traveller"] = "time traveller xyz";
    folder.finishRun(done, 0.25);
    s = folder.stored();
    EXPECT_EQ(s.state, StoredState::Diverged);
    EXPECT_EQ(s.message, "diverged at epoch 2");
    EXPECT_EQ(s.samples.at("time traveller"), "time traveller xyz");
    EXPECT_DOUBLE_EQ(s.seconds, 1.25);
    EXPECT_EQ(s.config().model.hidden, 16);

    std::ofstream(lib.path() / "run" / "state.json") << "{ not json";
    try {
        folder.stored();
        FAIL() << "a damaged state.json was read";
    } catch (const ClusterError& e) {
        // {0} names the task, {1} the file.
        EXPECT_EQ(e.message().code, "cluster.state_not_json") << e.what();
        ASSERT_EQ(e.message().args.size(), 3u) << e.what();
        EXPECT_EQ(e.message().args[0], "task 0") << e.what();
        EXPECT_EQ(e.message().args[1], (lib.path() / "run" / "state.json").string()) << e.what();
    }
}

TEST(SlurmPlan, ChainsBecomeDependentArraysAndTheScriptsSaySo)
{
    TestLibrary lib;
    const Sweep sweep = parseSweepYaml(kClusterSweep);
    const SlurmPlan plan = planSlurmSweep(sweep, options(lib));
    ASSERT_EQ(plan.runs.size(), 4u);
    ASSERT_EQ(plan.levels.size(), 2u);  // 3 epochs, then 6 continuing them
    for (std::size_t c = 0; c < 2; ++c) {
        const auto& shorter = plan.runs[static_cast<std::size_t>(plan.levels[0][c])];
        const auto& longer = plan.runs[static_cast<std::size_t>(plan.levels[1][c])];
        EXPECT_EQ(shorter.config.train.epochs, 3);
        EXPECT_EQ(longer.config.train.epochs, 6);
        EXPECT_EQ(longer.continues, static_cast<int>(shorter.index));
        EXPECT_EQ(longer.config.train.lr, shorter.config.train.lr);
    }
    const std::string level1 = levelScript(plan, 1);
    EXPECT_NE(level1.find("#SBATCH --array=0-1%3\n"), std::string::npos) << level1;
    EXPECT_NE(level1.find("#SBATCH --time=0:30:00\n"), std::string::npos) << level1;
    EXPECT_NE(level1.find("#SBATCH --requeue\n"), std::string::npos) << level1;
    EXPECT_NE(level1.find("sweep task '" + plan.folder + "' --level 1\n"), std::string::npos) << level1;
    EXPECT_NE(importScript(plan).find("runs import '" + plan.folder + "' --ended --library '" + lib.str() + "'"),
              std::string::npos)
        << importScript(plan);
    const auto commands = sbatchCommands(plan);
    ASSERT_EQ(commands.size(), 3u);
    EXPECT_NE(commands[1].find("--dependency=aftercorr:<level-0 id>"), std::string::npos) << commands[1];
    EXPECT_NE(commands[2].find("--dependency=afterany:<level-0 id>:<level-1 id>"), std::string::npos) << commands[2];

    SlurmOptions noChain = options(lib);
    noChain.chainEpochs = false;
    const SlurmPlan flat = planSlurmSweep(sweep, noChain);
    ASSERT_EQ(flat.levels.size(), 1u);
    EXPECT_NE(levelScript(flat, 0).find("--array=0-3%3"), std::string::npos);

    SlurmOptions badTime = options(lib);
    badTime.time = "an hour";
    EXPECT_THROW(planSlurmSweep(sweep, badTime), ConfigError);
    Sweep onGpu = sweep;
    onGpu.runs[0].config.train.device = "cuda";
    try {
        planSlurmSweep(onGpu, options(lib));
        FAIL() << "a cuda run without --gpus-per-task was planned";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "train.device") << e.what();
        EXPECT_EQ(e.message().code, "cluster.gpu_needed") << e.what();
        ASSERT_EQ(e.message().args.size(), 2u) << e.what();
        EXPECT_EQ(e.message().args[1], "cuda") << e.what();
    }
    // With GPUs asked for, a submit host without one (this machine) plans it:
    // the task's node resolves the device.
    SlurmOptions withGpu = options(lib);
    withGpu.gpusPerTask = 1;
    EXPECT_NO_THROW(planSlurmSweep(onGpu, withGpu));
    onGpu.runs[0].config.train.device = "gpu";
    EXPECT_THROW(planSlurmSweep(onGpu, withGpu), DeviceError);

    // squeue not answering: a running task is not called interrupted.
    TaskStatus t;
    t.state = StoredState::Running;
    t.schedulerKnown = false;
    EXPECT_EQ(taskWord(t), toString(StoredState::Running));
    t.schedulerKnown = true;
    EXPECT_EQ(taskWord(t), toString(StoredState::Interrupted));
}

// The array tasks, run level by level as Slurm would, train exactly what the
// local runner trains; the import brings them into the library once.
TEST(SlurmTasks, TrainWhatTheLocalRunnerTrainsAndImportOnce)
{
    TestLibrary lib;
    const Sweep sweep = parseSweepYaml(kClusterSweep);
    SlurmPlan plan = planSlurmSweep(sweep, options(lib));
    writeSlurmFolder(plan);
    EXPECT_THROW(writeSlurmFolder(plan), ClusterError);  // never over a submitted sweep
    runAllTasks(plan, plan.folder);

    RunStore store(lib.str());
    ImportReport first = importRunFolder(store, plan.folder);
    EXPECT_EQ(first.imported.size(), 4u);
    for (const auto& [run, why] : first.refused)
        ADD_FAILURE() << "run " << run << " refused: " << why;
    EXPECT_TRUE(first.skipped.empty());
    for (const auto& [run, id] : first.imported) {
        const StoredRun r = store.run(id);
        EXPECT_EQ(r.state, StoredState::Finished);
        EXPECT_EQ(r.epochsDone, plan.runs[run].config.train.epochs);
        EXPECT_EQ(r.checkpointEpoch, r.epochsDone);
        EXPECT_TRUE(fs::is_regular_file(store.checkpointPath(id))) << id;
        EXPECT_EQ(r.sweep, "cluster-test");
    }
    const std::size_t before = store.runs().size();
    ImportReport second = importRunFolder(store, plan.folder);
    EXPECT_TRUE(second.imported.empty());
    EXPECT_EQ(second.already.size(), 4u);
    EXPECT_EQ(store.runs().size(), before);

    TestLibrary localLib;
    RunStore local(localLib.str());
    SweepOptions o;
    o.record.dataDir = resolveDataDir();
    o.parallel = 1;
    SweepRunner runner(local, sweep, o);
    class Quiet : public SweepObserver {} quiet;
    RunControl control;
    runner.run(quiet, control);

    const TrainedRuns remote = trainedRuns(store, "cluster-test");
    const TrainedRuns here = trainedRuns(local, "cluster-test");
    ASSERT_EQ(remote.epochs.size(), 4u);
    EXPECT_EQ(remote.epochs, here.epochs);
    EXPECT_EQ(remote.samples, here.samples);
    EXPECT_EQ(remote.status, here.status);
}

// A task stopped mid-epoch (scontrol requeue, preemption: SIGTERM) and a task
// killed outright (its state still says running) both resume from their
// checkpoints when requeued, and end where an uninterrupted run ends.
TEST(SlurmTasks, ARequeuedTaskResumesFromItsCheckpoint)
{
    TestLibrary lib;
    Sweep sweep = parseSweepYaml(kClusterSweep);
    SlurmOptions o = options(lib);
    o.chainEpochs = false;
    SlurmPlan plan = planSlurmSweep(sweep, o);
    writeSlurmFolder(plan);
    std::size_t six = 0;
    while (plan.runs[six].config.train.epochs != 6)
        ++six;
    const std::string taskFolder = plan.folder + "/tasks/" + std::to_string(six);

    // Stopped in epoch 3: the checkpoint holds epoch 2.
    {
        RunControl control;
        StopAfter stop(control, 2);
        const TaskOutcome out = runSlurmTask(plan.folder, 0, six, 1, "first", stop, control);
        EXPECT_EQ(out.result.status, RunStatus::Stopped);
        EXPECT_EQ(out.result.epochsDone, 2);
    }
    RunFolder record(taskFolder, "task");
    EXPECT_EQ(record.stored().state, StoredState::Stopped);
    EXPECT_EQ(record.stored().checkpointEpoch, 2);
    // Then cut off hard: epoch 3 recorded, no checkpoint for it, state running.
    {
        std::ofstream(taskFolder + "/epochs.jsonl", std::ios::app)
            << R"({"epoch":3,"perplexity":1.5,"tokens_per_s":1,"elapsed_s":1})" << '\n';
        std::string state;
        {
            std::ifstream in(taskFolder + "/state.json");
            state.assign(std::istreambuf_iterator<char>(in), {});
        }
        const auto at = state.find("\"stopped\"");
        ASSERT_NE(at, std::string::npos);
        state.replace(at, 9, "\"running\"");
        std::ofstream(taskFolder + "/state.json") << state;
    }
    {
        RunControl control;
        NullObserver quiet;
        const TaskOutcome out = runSlurmTask(plan.folder, 0, six, 1, "requeued", quiet, control);
        EXPECT_EQ(out.result.status, RunStatus::Finished) << out.result.message;
        EXPECT_EQ(out.result.epochsDone, 6);
    }
    bool cutOff = false, resumed = false;
    for (const auto& line : record.attempts()) {
        cutOff = cutOff || (line.find("requeued on ") != std::string::npos &&
                            line.find("cut off after epoch 3") != std::string::npos);
        resumed = resumed || line.find("training from epoch 3") != std::string::npos;
    }
    EXPECT_TRUE(cutOff);
    EXPECT_TRUE(resumed);
    // A requeue after the end trains nothing.
    {
        RunControl control;
        NullObserver quiet;
        EXPECT_TRUE(runSlurmTask(plan.folder, 0, six, 1, "again", quiet, control).alreadyDone);
    }

    // The same run in one go.
    TestLibrary straightLib;
    RunStore straight(straightLib.str());
    ExperimentConfig config = plan.runs[six].config;
    const std::int64_t id = straight.createRun({config, "", "", "", "test"});
    RunControl control;
    NullObserver quiet;
    RecordOptions ro;
    ro.dataDir = resolveDataDir();
    trainRecordedRun(straight, id, ro, quiet, control);
    const auto want = straight.epochs(id);
    const auto got = record.epochs();
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_DOUBLE_EQ(got[i].perplexity, want[i].perplexity) << "epoch " << want[i].epoch;
        EXPECT_EQ(got[i].sample, want[i].sample) << "epoch " << want[i].epoch;
    }
    EXPECT_EQ(record.stored().samples, straight.run(id).samples);
}

// The import job runs after every task has ended: a run still marked running
// then was cut off and comes in as interrupted (resumable here); a plain
// import leaves it for later; runs that never ran come in queued.
TEST(SlurmImport, ARunLeftRunningIsInterruptedOnlyWhenEveryTaskHasEnded)
{
    TestLibrary lib;
    SlurmOptions o = options(lib);
    o.chainEpochs = false;
    SlurmPlan plan = planSlurmSweep(parseSweepYaml(kClusterSweep), o);
    writeSlurmFolder(plan);
    {
        RunControl control;
        StopAfter stop(control, 1);
        runSlurmTask(plan.folder, 0, 0, 1, "first", stop, control);
    }
    RunFolder record(plan.folder + "/tasks/0", "task 0");
    record.markRunning("cpu", 1);  // as a killed attempt leaves it

    RunStore store(lib.str());
    ImportReport plain = importRunFolder(store, plan.folder);
    EXPECT_TRUE(plain.imported.empty());
    ASSERT_EQ(plain.skipped.size(), 4u);
    EXPECT_EQ(plain.skipped[0].second, "still running");
    EXPECT_EQ(plain.skipped[1].second, "not started");

    // The other three never ran (cancelled): they come in queued, to be resumed.
    ImportReport last = importRunFolder(store, plan.folder, true);
    ASSERT_EQ(last.imported.size(), 4u);
    for (std::size_t i = 1; i < 4; ++i) {
        const StoredRun never = store.run(last.imported[i].second);
        EXPECT_EQ(never.state, StoredState::Queued);
        EXPECT_EQ(never.epochsDone, 0);
        EXPECT_EQ(parseMessage(never.message).value_or(Message{}).code, "cluster.never_ran") << never.message;
    }
    const StoredRun r = store.run(last.imported[0].second);
    EXPECT_EQ(r.state, StoredState::Interrupted);
    EXPECT_EQ(r.epochsDone, 1);
    EXPECT_EQ(r.checkpointEpoch, 1);
    EXPECT_EQ(parseMessage(r.message).value_or(Message{}).code, "cluster.cut_off") << r.message;
    // And it resumes in the library, to its end.
    RunControl control;
    NullObserver quiet;
    RecordOptions ro;
    ro.dataDir = resolveDataDir();
    const RunResult resumed = trainRecordedRun(store, r.id, ro, quiet, control);
    EXPECT_EQ(resumed.status, RunStatus::Finished);
    EXPECT_EQ(store.run(r.id).epochsDone, r.epochs);
    // Importing the folder again leaves the run finished here alone.
    const ImportReport again = importRunFolder(store, plan.folder, true);
    EXPECT_TRUE(again.imported.empty());
    EXPECT_EQ(again.already.size(), 4u);
    EXPECT_EQ(store.run(r.id).state, StoredState::Finished);
    EXPECT_TRUE(fs::is_regular_file(store.checkpointPath(r.id)));
}

// sbatch refusing (no cluster configured, a bad partition): the error says
// what sbatch said, all of it, and no half-written run folder stays behind.
TEST(SlurmSubmit, ARefusalSaysWhySbatchRefusedAndLeavesNoFolder)
{
    TestLibrary lib;
    const fs::path bin = lib.path() / "bin";
    fs::create_directories(bin);
    {
        std::ofstream fake(bin / "sbatch");
        fake << "#!/bin/sh\necho 'sbatch: error: invalid partition specified: gpu' >&2\n"
                "echo 'sbatch: fatal: Batch job submission failed' >&2\nexit 1\n";
    }
    fs::permissions(bin / "sbatch", fs::perms::owner_all);
    const std::string oldPath = std::getenv("PATH") ? std::getenv("PATH") : "";
    setenv("PATH", (bin.string() + ":" + oldPath).c_str(), 1);
    SlurmPlan plan = planSlurmSweep(parseSweepYaml(kClusterSweep), options(lib));
    try {
        submitSlurmPlan(plan);
        ADD_FAILURE() << "a refused submission succeeded";
    } catch (const ClusterError& e) {
        // {0} is the level, {1} sbatch's own words (the scheduler's text, passed on as it said it).
        EXPECT_EQ(e.message().code, "cluster.sbatch_refused") << e.what();
        ASSERT_EQ(e.message().args.size(), 2u) << e.what();
        EXPECT_EQ(e.message().args[0], "0") << e.what();
        const std::string said = e.message().args[1];
        EXPECT_NE(said.find("invalid partition specified: gpu"), std::string::npos) << said;
        EXPECT_NE(said.find("Batch job submission failed"), std::string::npos) << said;
    }
    setenv("PATH", oldPath.c_str(), 1);
    EXPECT_FALSE(fs::exists(plan.folder)) << plan.folder;
}

// A schema-3 library (before imports) opens as schema 4, its runs untouched.
TEST(RunStore, SchemaThreeLibrariesGainTheImportSource)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        store.createRun(NewRun{});
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    const char* downgrade = "DROP INDEX runs_source_unique; ALTER TABLE runs DROP COLUMN source;"
                            "UPDATE meta SET value = '3' WHERE key = 'schema_version';";
    ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    RunStore store(lib.str());
    EXPECT_EQ(store.schemaVersion(), 7);
    EXPECT_EQ(store.runs().size(), 1u);
    EXPECT_EQ(store.importedFrom("x/0"), 0);
    ImportedRun imported;
    imported.source = "x/0";
    imported.state.state = StoredState::Finished;
    imported.epochs = {{1, 9.5, 100, 1, "", std::nan("")}};
    const std::int64_t id = store.importRun(imported);
    EXPECT_EQ(store.importedFrom("x/0"), id);
    // A second import of the same source that did not see the first (two at
    // once) writes nothing.
    bool inserted = true;
    EXPECT_EQ(store.importRun(imported, 0, &inserted), id);
    EXPECT_FALSE(inserted);
    EXPECT_EQ(store.runs().size(), 2u);
    EXPECT_EQ(store.run(id).epochsDone, 1);
    EXPECT_DOUBLE_EQ(store.run(id).perplexity, 9.5);
    // Replaced in one go and in place: the same id, the new epochs.
    imported.epochs.push_back({2, 8.5, 100, 2, "", std::nan("")});
    const std::int64_t again = store.importRun(imported, id);
    EXPECT_EQ(again, id);
    EXPECT_EQ(store.importedFrom("x/0"), id);
    EXPECT_EQ(store.runs().size(), 2u);
    EXPECT_EQ(store.run(id).epochsDone, 2);
    EXPECT_EQ(store.epochs(id).size(), 2u);
}

// A run stopped in the middle of an epoch resumes as if it had never stopped:
// the partial epoch's weights and its draw of the data order are both undone.
TEST(Continuation, AStopMidEpochResumesAsIfUninterrupted)
{
    TestLibrary lib;
    RunStore store(lib.str());
    ExperimentConfig config = parseExperimentYaml(kTinyExperiment);
    config.train.epochs = 5;
    setConfigValue(config, "data.sampling", "random");
    RecordOptions ro;
    ro.dataDir = resolveDataDir();
    ro.checkpointEvery = 1;
    NullObserver quiet;
    const std::int64_t straight = store.createRun({config, "", "", "", "test"});
    RunControl c1;
    trainRecordedRun(store, straight, ro, quiet, c1);

    const std::int64_t stopped = store.createRun({config, "", "", "", "test"});
    RunControl c2;
    StopAfter stop(c2, 2);
    EXPECT_EQ(trainRecordedRun(store, stopped, ro, stop, c2).status, RunStatus::Stopped);
    RunControl c3;
    EXPECT_EQ(trainRecordedRun(store, stopped, ro, quiet, c3).status, RunStatus::Finished);
    const auto a = store.epochs(straight), b = store.epochs(stopped);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_DOUBLE_EQ(a[i].perplexity, b[i].perplexity) << "epoch " << a[i].epoch;
        EXPECT_EQ(a[i].sample, b[i].sample) << "epoch " << a[i].epoch;
    }
    EXPECT_EQ(store.run(straight).samples, store.run(stopped).samples);
}
