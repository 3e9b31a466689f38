// A real `traveller-cli sweep` process, killed with SIGKILL mid-run: the run
// reads back as interrupted with the epochs it had, and `runs resume` finishes
// it from its last checkpoint. Killed right after a checkpoint reached the
// disk and before the library recorded it, the resumed run's curve is the one
// of a run never interrupted.
#include "TestLibrary.h"

#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

using namespace traveller;

namespace {

// Enough epochs that the run is still going when the test kills it (about a
// second per 100 epochs on one core), few enough that the resume is quick.
constexpr int kEpochs = 400;

pid_t spawnCli(const std::vector<std::string>& args, const std::string& environment = "")
{
    const pid_t pid = fork();
    if (pid == 0) {
        if (!environment.empty())
            putenv(const_cast<char*>(environment.c_str()));
        std::vector<char*> argv;
        static const std::string cli = TRAVELLER_CLI;
        argv.push_back(const_cast<char*>(cli.c_str()));
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(126);
        execv(cli.c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

} // namespace

TEST(KillResume, KilledRunIsInterruptedKeepsItsEpochsAndResumes)
{
    TestLibrary lib;
    const auto sweepFile = lib.path() / "long.yaml";
    std::ofstream(sweepFile) << "name: long\n"
                                "base:\n"
                                "  model: {arch: rnn, hidden: 16}\n"
                                "  train: {epochs: "
                             << kEpochs
                             << ", device: cpu}\n"
                                "  data: {max_tokens: 2000}\n"
                                "  sample: {every: 50, length: 10}\n";
    const pid_t child = spawnCli({"sweep", sweepFile.string(), "--library", lib.str(), "--threads", "1",
                                  "--checkpoint-every", "5", "--quiet"});
    ASSERT_GT(child, 0);

    // Wait until the child has recorded epochs past its first checkpoint.
    std::int64_t id = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!std::filesystem::exists(lib.path() / "runs.sqlite"))
            continue;
        RunStore store(lib.str());
        const auto runs = store.runs();
        if (!runs.empty() && runs[0].checkpointEpoch >= 5 && runs[0].epochsDone >= 7) {
            id = runs[0].id;
            break;
        }
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, WNOHANG), 0) << "the run ended before the test could kill it: raise kEpochs";
    ASSERT_EQ(kill(child, SIGKILL), 0);
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status));
    ASSERT_GT(id, 0) << "no epoch was recorded in time";

    int checkpointEpoch = 0;
    double killedSeconds = 0;
    {
        RunStore store(lib.str());
        const StoredRun r = store.run(id);
        EXPECT_EQ(r.state, StoredState::Interrupted);
        // The killed attempt's time stays recorded, up to its last epoch.
        killedSeconds = r.seconds;
        EXPECT_GT(killedSeconds, 0.0);
        EXPECT_NEAR(killedSeconds, store.epochs(id).back().elapsedSeconds, 1e-6);
        EXPECT_GE(r.epochsDone, 7);
        EXPECT_LT(r.epochsDone, kEpochs);
        checkpointEpoch = r.checkpointEpoch;
        EXPECT_GE(checkpointEpoch, 5);
        EXPECT_EQ(checkpointEpoch % 5, 0);
        const auto epochs = store.epochs(id);
        ASSERT_EQ(static_cast<int>(epochs.size()), r.epochsDone);
        for (std::size_t i = 0; i < epochs.size(); ++i)
            EXPECT_EQ(epochs[i].epoch, static_cast<int>(i) + 1);
        EXPECT_TRUE(std::filesystem::is_regular_file(store.checkpointPath(id)));
    }

    const std::string resume = std::string("\"") + TRAVELLER_CLI + "\" runs resume " + std::to_string(id) +
                               " --library \"" + lib.str() + "\" --threads 1 --quiet > /dev/null";
    const auto resumeStart = std::chrono::steady_clock::now();
    ASSERT_EQ(std::system(resume.c_str()), 0);
    const double resumeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - resumeStart).count();

    RunStore store(lib.str());
    const StoredRun r = store.run(id);
    EXPECT_EQ(r.state, StoredState::Finished);
    EXPECT_EQ(r.epochsDone, kEpochs);
    EXPECT_EQ(r.checkpointEpoch, kEpochs);
    const auto epochs = store.epochs(id);
    ASSERT_EQ(static_cast<int>(epochs.size()), kEpochs);
    for (std::size_t i = 0; i < epochs.size(); ++i)
        EXPECT_EQ(epochs[i].epoch, static_cast<int>(i) + 1);
    // The resumed part started from trained weights, not from scratch.
    EXPECT_LT(epochs[checkpointEpoch].perplexity, epochs[0].perplexity);
    EXPECT_FALSE(r.samples.empty());
    // The stored wall time covers both attempts: the killed one up to its
    // last recorded epoch (some of which were trained again) and the resume.
    EXPECT_GE(r.seconds, epochs.back().elapsedSeconds);
    EXPECT_GT(r.seconds, killedSeconds);
    EXPECT_LE(r.seconds, killedSeconds + resumeSeconds);
}

namespace {

int runToEnd(pid_t child)
{
    int status = 0;
    return waitpid(child, &status, 0) == child ? status : -1;
}

std::vector<StoredEpoch> curveOfOnlyRun(const std::string& library)
{
    RunStore store(library);
    const auto runs = store.runs();
    return runs.size() == 1 ? store.epochs(runs[0].id) : std::vector<StoredEpoch>{};
}

// A one-run GRU sweep file of `epochs` epochs, and the `traveller-cli sweep`
// arguments that train it into `library`, checkpointing every 5 epochs.
std::string shortSweep(const std::filesystem::path& folder, int epochs, int sampleEvery)
{
    const auto path = folder / "short.yaml";
    std::ofstream(path) << "name: short\n"
                           "base:\n"
                           "  model: {arch: gru, hidden: 16}\n"
                           "  train: {epochs: "
                        << epochs
                        << ", device: cpu, threads: 1}\n"
                           "  data: {max_tokens: 2000, sampling: random}\n"
                           "  sample: {every: "
                        << sampleEvery << ", length: 10}\n";
    return path.string();
}

std::vector<std::string> sweepInto(const std::string& sweepFile, const std::string& library)
{
    return {"sweep", sweepFile, "--threads", "1", "--checkpoint-every", "5", "--quiet", "--library", library};
}

} // namespace

TEST(KillResume, KillBetweenCheckpointRenameAndRecordResumesAtTheFilesEpoch)
{
    constexpr int kEpochs = 30;
    TestLibrary plain;
    TestLibrary killed;
    const std::string sweepFile = shortSweep(plain.path(), kEpochs, 10);
    const int plainStatus = runToEnd(spawnCli(sweepInto(sweepFile, plain.str())));
    ASSERT_TRUE(WIFEXITED(plainStatus) && WEXITSTATUS(plainStatus) == 0);
    const auto expected = curveOfOnlyRun(plain.str());
    ASSERT_EQ(static_cast<int>(expected.size()), kEpochs);

    // SIGKILL right after the second checkpoint (epoch 10) is renamed into place.
    const int killedStatus = runToEnd(spawnCli(sweepInto(sweepFile, killed.str()), "TRAVELLER_KILL_AFTER_CHECKPOINT=2"));
    ASSERT_TRUE(WIFSIGNALED(killedStatus) && WTERMSIG(killedStatus) == SIGKILL) << killedStatus;
    std::int64_t id = 0;
    {
        RunStore store(killed.str());
        const auto runs = store.runs();
        ASSERT_EQ(runs.size(), 1U);
        id = runs[0].id;
        EXPECT_EQ(runs[0].state, StoredState::Interrupted);
        EXPECT_EQ(runs[0].checkpointEpoch, 5) << "the kill did not fall between the rename and the record";
        EXPECT_EQ(runs[0].epochsDone, 10);
    }

    const std::string resume = std::string("\"") + TRAVELLER_CLI + "\" runs resume " + std::to_string(id) +
                               " --library \"" + killed.str() + "\" --threads 1 --quiet > /dev/null";
    ASSERT_EQ(std::system(resume.c_str()), 0);
    RunStore store(killed.str());
    const StoredRun r = store.run(id);
    EXPECT_EQ(r.state, StoredState::Finished);
    EXPECT_EQ(r.checkpointEpoch, kEpochs);
    const auto epochs = store.epochs(id);
    ASSERT_EQ(epochs.size(), expected.size());
    for (std::size_t i = 0; i < epochs.size(); ++i) {
        EXPECT_EQ(epochs[i].epoch, static_cast<int>(i) + 1);
        EXPECT_NEAR(epochs[i].perplexity, expected[i].perplexity, 1e-9 * expected[i].perplexity) << "epoch " << i + 1;
        EXPECT_EQ(epochs[i].sample, expected[i].sample) << "epoch " << i + 1;
    }
}

// A kill right after the last epoch's weights are renamed into place, before
// the run is marked finished: every epoch is recorded, nothing is left to
// train. Resuming finishes the run with the samples an unkilled run wrote.
TEST(KillResume, KillAfterTheLastCheckpointResumesToFinished)
{
    constexpr int kEpochs = 10;
    TestLibrary plain;
    TestLibrary killed;
    const std::string sweepFile = shortSweep(plain.path(), kEpochs, 5);
    const int plainStatus = runToEnd(spawnCli(sweepInto(sweepFile, plain.str())));
    ASSERT_TRUE(WIFEXITED(plainStatus) && WEXITSTATUS(plainStatus) == 0);

    // Checkpoints at epochs 5 and 10 (the last): killed right after the second.
    const int killedStatus = runToEnd(spawnCli(sweepInto(sweepFile, killed.str()), "TRAVELLER_KILL_AFTER_CHECKPOINT=2"));
    ASSERT_TRUE(WIFSIGNALED(killedStatus) && WTERMSIG(killedStatus) == SIGKILL) << killedStatus;
    std::int64_t id = 0;
    {
        RunStore store(killed.str());
        const auto runs = store.runs();
        ASSERT_EQ(runs.size(), 1U);
        id = runs[0].id;
        EXPECT_EQ(runs[0].state, StoredState::Interrupted);
        EXPECT_EQ(runs[0].epochsDone, kEpochs);
        EXPECT_EQ(runs[0].checkpointEpoch, 5);
    }
    const std::string resume = std::string("\"") + TRAVELLER_CLI + "\" runs resume " + std::to_string(id) +
                               " --library \"" + killed.str() + "\" --threads 1 --quiet > /dev/null";
    ASSERT_EQ(std::system(resume.c_str()), 0);

    RunStore expectedStore(plain.str());
    const StoredRun expected = expectedStore.run(expectedStore.runs()[0].id);
    RunStore store(killed.str());
    const StoredRun r = store.run(id);
    EXPECT_EQ(r.state, StoredState::Finished);
    EXPECT_EQ(r.checkpointEpoch, kEpochs);
    EXPECT_EQ(r.epochsDone, kEpochs);
    EXPECT_NEAR(r.perplexity, expected.perplexity, 1e-9 * expected.perplexity);
    EXPECT_GT(r.tokensPerSecond, 0);
    ASSERT_FALSE(expected.samples.empty());
    EXPECT_EQ(r.samples, expected.samples);
    // A second resume has nothing left to do and says so.
    EXPECT_NE(std::system(resume.c_str()), 0);
}
