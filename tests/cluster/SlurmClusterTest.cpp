// Sweeps on a real Slurm: a one-node cluster from Debian's slurm-wlm and
// munge, started and stopped by each test (one-node-slurm.sh), the CLI's
// `sweep --slurm` submitting to it, and the library checked against the same
// sweep trained here. Skipped, saying why, where the daemons cannot run (not
// root, packages missing, the node never comes up).
#include "../store/TestLibrary.h"
#include "../store/TrainedRuns.h"

#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/store/SweepRunner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <thread>

using namespace traveller;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kScript = std::string(TRAVELLER_SOURCE_DIR) + "/tests/cluster/one-node-slurm.sh";

class OneNodeSlurm {
public:
    explicit OneNodeSlurm(const fs::path& folder) : folder_(folder)
    {
        const ProgramOutput out = runProgram({"sh", kScript, "start", folder_.string()});
        output_ = out.out + out.err;
        status_ = out.status;
        if (status_ == 0)
            setenv("SLURM_CONF", (folder_ / "slurm.conf").c_str(), 1);
    }
    ~OneNodeSlurm() { runProgram({"sh", kScript, "stop", folder_.string()}); }
    bool up() const { return status_ == 0; }
    bool skipped() const { return status_ == 77; }
    const std::string& output() const { return output_; }
    std::string logs() const
    {
        std::string all;
        for (const char* name : {"slurmctld.log", "slurmd.log"}) {
            std::ifstream in(folder_ / "log" / name);
            all += std::string("---- ") + name + "\n" + std::string(std::istreambuf_iterator<char>(in), {});
        }
        return all.size() > 6000 ? all.substr(all.size() - 6000) : all;
    }

private:
    fs::path folder_;
    int status_ = -1;
    std::string output_;
};

#define START_CLUSTER(cluster, folder)                                                                         \
    OneNodeSlurm cluster(folder);                                                                              \
    if ((cluster).skipped())                                                                                   \
        GTEST_SKIP() << (cluster).output();                                                                    \
    ASSERT_TRUE((cluster).up()) << (cluster).output()

// Waits until none of the plan's jobs (arrays and import) is queued or running.
bool waitForSweep(const SlurmPlan& plan, std::chrono::seconds limit)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    std::vector<std::string> ours = plan.arrayJobs;
    ours.push_back(plan.importJob);
    while (std::chrono::steady_clock::now() < end) {
        const ProgramOutput q = runProgram({"squeue", "-h", "-r", "-o", "%i %F"});
        bool any = false;
        std::istringstream lines(q.out);
        for (std::string line; std::getline(lines, line);)
            for (const auto& id : ours)
                any = any || line.rfind(id + " ", 0) == 0 || line.rfind(id + "_", 0) == 0 ||
                      line.find(" " + id) != std::string::npos;
        if (!any && q.status == 0)
            return true;
        std::this_thread::sleep_for(500ms);
    }
    return false;
}

std::string submit(const std::string& sweepFile, const TestLibrary& lib, const std::string& extra = "")
{
    const CliResult r = cli("sweep '" + sweepFile + "' --slurm --max-parallel 2 --time 10:00 --library '" + lib.str() +
                            "' --checkpoint-every 1 -q " + extra);
    EXPECT_EQ(r.status, 0) << r.output;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.output, m, std::regex(R"re("folder":"([^"]+)")re"))) << r.output;
    return m.size() > 1 ? m[1].str() : "";
}

TrainedRuns trainedHere(const std::string& sweepFile)
{
    TestLibrary lib;
    RunStore store(lib.str());
    SweepOptions o;
    o.record.dataDir = resolveDataDir();
    o.parallel = 1;
    SweepRunner runner(store, loadSweepFile(sweepFile), o);
    class Quiet : public SweepObserver {} quiet;
    RunControl control;
    runner.run(quiet, control);
    return trainedRuns(store, loadSweepFile(sweepFile).name);
}

fs::path writeSweep(const TestLibrary& lib, const std::string& name, const std::string& text)
{
    const fs::path path = lib.path() / (name + ".yaml");
    std::ofstream(path) << text;
    return path;
}

int epochsIn(const std::string& taskFolder)
{
    RunFolder record(taskFolder, "task");
    try {
        return record.epochs().empty() ? 0 : record.epochs().back().epoch;
    } catch (const std::exception&) {
        return 0;
    }
}

bool waitForEpochs(const std::string& taskFolder, int epochs, std::chrono::seconds limit)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (epochsIn(taskFolder) >= epochs)
            return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

} // namespace

// Four runs (two chains of 3 and 6 epochs) as two dependent arrays and an
// import job: the library holds four finished runs whose curves and samples
// are the local sweep's, and importing again changes nothing.
TEST(SlurmCluster, ASubmittedSweepLandsInTheLibraryAsTheLocalSweepWould)
{
    TestLibrary lib;
    START_CLUSTER(cluster, lib.path() / "slurm");
    const fs::path sweep = writeSweep(lib, "four", R"(name: slurm-four
base:
  model: {arch: rnn, hidden: 32}
  train: {device: cpu, threads: 1}
  data: {max_tokens: 3000}
  sample: {every: 2, length: 20}
grid:
  train.epochs: [3, 6]
  train.lr: [0.5, 1]
)");
    const std::string folder = submit(sweep.string(), lib);
    ASSERT_FALSE(folder.empty());
    const SlurmPlan plan = loadSlurmPlan(folder);
    ASSERT_EQ(plan.arrayJobs.size(), 2u);
    ASSERT_FALSE(plan.importJob.empty());
    ASSERT_TRUE(waitForSweep(plan, 240s)) << cluster.logs();

    RunStore store(lib.str());
    const auto runs = store.runsOfSweep("slurm-four");
    ASSERT_EQ(runs.size(), 4u) << cluster.logs();
    for (const auto& r : runs) {
        EXPECT_EQ(r.state, StoredState::Finished) << r.label << ": " << r.message;
        EXPECT_EQ(r.epochsDone, r.epochs) << r.label;
        EXPECT_EQ(r.threads, 1) << r.label;  // SLURM_CPUS_PER_TASK
        EXPECT_TRUE(fs::is_regular_file(store.checkpointPath(r.id))) << r.label;
    }
    const TrainedRuns remote = trainedRuns(store, "slurm-four");
    const TrainedRuns here = trainedHere(sweep.string());
    EXPECT_EQ(remote.epochs, here.epochs);
    EXPECT_EQ(remote.samples, here.samples);

    // The 6-epoch runs continued the 3-epoch ones (aftercorr), as here.
    std::ifstream log(folder + "/tasks/" + std::to_string(plan.levels[1][0]) + "/attempts.log");
    const std::string attempts(std::istreambuf_iterator<char>(log), {});
    EXPECT_NE(attempts.find("continues task"), std::string::npos) << attempts;

    const CliResult again = cli("runs import '" + folder + "' --library '" + lib.str() + "'");
    EXPECT_EQ(again.status, 0) << again.output;
    EXPECT_NE(again.output.find("0 run(s) imported, 4 already in the library"), std::string::npos) << again.output;
    EXPECT_EQ(store.runsOfSweep("slurm-four").size(), 4u);

    const CliResult status = cli("sweep status '" + folder + "'");
    EXPECT_EQ(status.status, 0) << status.output;
    EXPECT_NE(status.output.find("4 run(s): 4 finished; 4 imported into the library"), std::string::npos)
        << status.output;
}

// One task is requeued while it trains (scontrol requeue: SIGTERM, it stops
// at a checkpoint), the other is killed outright (SIGKILL: its state still
// says running) and requeued by hand. Both resume from their checkpoints and
// end exactly where the same runs trained here end.
TEST(SlurmCluster, KilledAndRequeuedTasksResumeFromTheirCheckpoints)
{
    TestLibrary lib;
    START_CLUSTER(cluster, lib.path() / "slurm");
    const fs::path sweep = writeSweep(lib, "two", R"(name: slurm-requeue
base:
  model: {arch: rnn, hidden: 256}
  train: {device: cpu, threads: 1, epochs: 30}
  data: {max_tokens: 40000}
  sample: {every: 5, length: 20}
grid:
  train.lr: [1, 2]
)");
    const std::string folder = submit(sweep.string(), lib);
    ASSERT_FALSE(folder.empty());
    const SlurmPlan plan = loadSlurmPlan(folder);
    ASSERT_EQ(plan.arrayJobs.size(), 1u);
    const std::string array = plan.arrayJobs[0];
    const std::string gentle = folder + "/tasks/0", hard = folder + "/tasks/1";

    ASSERT_TRUE(waitForEpochs(gentle, 4, 120s)) << cluster.logs();
    ProgramOutput requeue = runProgram({"scontrol", "requeue", array + "_0"});
    EXPECT_EQ(requeue.status, 0) << requeue.err;

    ASSERT_TRUE(waitForEpochs(hard, 4, 120s)) << cluster.logs();
    long pid = 0;
    for (const auto& line : RunFolder(hard, "task 1").attempts()) {
        std::smatch m;
        if (std::regex_search(line, m, std::regex(R"(\(pid (\d+)\))")))
            pid = std::stol(m[1].str());
    }
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
    const int killedAt = epochsIn(hard);
    EXPECT_LT(killedAt, 30);
    // Slurm sees the task fail; then it is requeued by hand.
    for (int i = 0; i < 100; ++i) {
        const ProgramOutput running = runProgram({"squeue", "-h", "-r", "-j", array + "_1", "-t", "R,CG", "-o", "%i"});
        if (running.out.empty())
            break;
        std::this_thread::sleep_for(200ms);
    }
    // Slurm may take a moment to record the kill: requeue once it accepts.
    for (int i = 0; i < 50; ++i) {
        requeue = runProgram({"scontrol", "requeue", array + "_1"});
        if (requeue.status == 0)
            break;
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(requeue.status, 0) << requeue.err
                                 << runProgram({"scontrol", "show", "job", array + "_1"}).out;
    // A requeued job waits out a begin time (about two minutes): once it is
    // pending for that, it may start in two seconds. Not "now": slurmd
    // revokes the old attempt's credential at the second it ends, and a new
    // launch within that same second is refused as "Job credential revoked"
    // (the task then fails for good; seen once in CI).
    for (const char* task : {"_0", "_1"})
        for (int i = 0; i < 150; ++i) {
            const ProgramOutput q = runProgram({"squeue", "-h", "-r", "-j", array + task, "-o", "%T %r"});
            if (q.out.rfind("PENDING BeginTime", 0) == 0) {
                runProgram({"scontrol", "update", "jobid=" + array + task, "StartTime=now+2"});
                break;
            }
            if (q.out.rfind("RUNNING", 0) == 0 || (q.status == 0 && q.out.empty()))
                break;
            std::this_thread::sleep_for(200ms);
        }
    ASSERT_TRUE(waitForSweep(plan, 240s)) << cluster.logs();

    for (const auto& [taskFolder, cut] : {std::pair{gentle, std::string("stopped at epoch")},
                                          std::pair{hard, std::string("was cut off after epoch")}}) {
        const auto attempts = RunFolder(taskFolder, "task").attempts();
        std::string all;
        int starts = 0, resumedFrom = 0;
        for (const auto& line : attempts) {
            all += line + "\n";
            std::smatch m;
            if (std::regex_search(line, m, std::regex(R"(training from epoch (\d+))"))) {
                ++starts;
                resumedFrom = std::stoi(m[1].str());
            }
        }
        EXPECT_EQ(starts, 2) << all << cluster.logs();
        EXPECT_GT(resumedFrom, 1) << all;  // from its checkpoint, not from scratch
        EXPECT_NE(all.find(cut), std::string::npos) << all;
        EXPECT_NE(all.find("(restart 1)"), std::string::npos) << all;
    }

    RunStore store(lib.str());
    const auto runs = store.runsOfSweep("slurm-requeue");
    ASSERT_EQ(runs.size(), 2u) << cluster.logs();
    for (const auto& r : runs)
        EXPECT_EQ(r.state, StoredState::Finished) << r.label << ": " << r.message;
    const TrainedRuns remote = trainedRuns(store, "slurm-requeue");
    const TrainedRuns here = trainedHere(sweep.string());
    EXPECT_EQ(remote.epochs, here.epochs);
    EXPECT_EQ(remote.samples, here.samples);
}
