// Forks (issue 27.6–8): from the weights a run kept at an epoch, with changed
// settings, into a new run that records its parent and branch epoch. A fork
// with no change trains as its parent went on; a fork with a change replays
// to the last digit; bad forks change nothing.
#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/store/Fork.h"
#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

// A tiny run of 6 epochs keeping every 2nd epoch's weights, trained here.
std::int64_t trainParent(RunStore& store, const std::string& schedule = "")
{
    NewRun n;
    n.config = parseExperimentYaml(kTinyExperiment);
    setConfigValue(n.config, "train.epochs", "6");
    if (!schedule.empty())
        setConfigValue(n.config, "train.schedule", schedule);
    setConfigValue(n.config, "train.keep_checkpoints", "2");
    const std::int64_t id = store.createRun(n);
    RecordOptions options;
    options.dataDir = resolveDataDir();
    TrainingObserver quiet;
    RunControl control;
    const RunResult r = trainRecordedRun(store, id, options, quiet, control);
    EXPECT_EQ(r.status, RunStatus::Finished) << r.message;
    return id;
}

RunResult trainFork(RunStore& store, std::int64_t id)
{
    RecordOptions options;
    options.dataDir = resolveDataDir();
    TrainingObserver quiet;
    RunControl control;
    return trainRecordedRun(store, id, options, quiet, control);
}

// The code of what `f` throws ("" when it throws nothing).
template <class F>
std::string codeOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.message().code.empty() ? std::string("uncoded: ") + e.what() : e.message().code;
    }
    return "";
}

std::size_t filesUnder(const fs::path& folder)
{
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(folder))
        n += e.is_regular_file() ? 1 : 0;
    return n;
}

} // namespace

TEST(Fork, AForkWithNoChangeEqualsTheParentsContinuation)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const std::int64_t parent = trainParent(store);
    EXPECT_EQ(store.keptCheckpointEpochs(parent), (std::vector<int>{2, 4, 6}));
    EXPECT_EQ(forkEpochs(store, store.run(parent)), (std::vector<int>{2, 4, 6}));

    ForkRequest request;
    request.epoch = 4;
    const std::int64_t fork = forkRun(store, parent, request);
    const StoredRun made = store.run(fork);
    EXPECT_EQ(made.parentId, parent);
    EXPECT_EQ(made.branchEpoch, 4);
    EXPECT_EQ(made.epochsDone, 4);
    EXPECT_EQ(made.checkpointEpoch, 4);
    EXPECT_EQ(made.state, StoredState::Queued);
    EXPECT_EQ(store.children(parent), (std::vector<std::int64_t>{fork}));
    ASSERT_EQ(trainFork(store, fork).status, RunStatus::Finished);

    const auto a = store.epochs(parent);
    const auto b = store.epochs(fork);
    ASSERT_EQ(a.size(), 6u);
    ASSERT_EQ(b.size(), 6u);
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(b[i].perplexity, a[i].perplexity) << "epoch " << a[i].epoch;
        EXPECT_EQ(b[i].sample, a[i].sample) << "epoch " << a[i].epoch;
    }
    EXPECT_EQ(store.run(fork).samples, store.run(parent).samples);
}

TEST(Fork, AChangeLandsAtTheBranchPointAndTheForkReplaysExactly)
{
    TestLibrary lib;
    std::int64_t fork = 0;
    {
        RunStore store(lib.str());
        // The parent lowered its rate at epoch 2 and raised it at 5.
        const std::int64_t parent =
            trainParent(store, "[{epoch: 2, set: {train.lr: 0.5}}, {epoch: 5, set: {train.lr: 2, train.clip: 0.5}}]");
        ForkRequest request;
        request.epoch = 4;
        request.changes = {{"train.lr", "0.2"}, {"train.epochs", "7"}};
        fork = forkRun(store, parent, request);
        const ExperimentConfig c = store.run(fork).config();
        EXPECT_DOUBLE_EQ(c.train.lr, 1.0);  // it started as its parent did
        EXPECT_EQ(c.train.epochs, 7);
        // The parent's change before the branch stays; its later rate is gone,
        // its later clip stays; the fork's rate lands at epoch 5, batch 0.
        ASSERT_EQ(c.train.schedule.size(), 3u);
        EXPECT_EQ(c.train.schedule[0], (ScheduleEntry{2, 0, {{"train.lr", "0.5"}}}));
        EXPECT_EQ(c.train.schedule[1], (ScheduleEntry{5, 0, {{"train.clip", "0.5"}}}));
        EXPECT_EQ(c.train.schedule[2], (ScheduleEntry{5, 0, {{"train.lr", "0.2"}}}));
        // The parent's event at epoch 2 is the fork's history too.
        ASSERT_EQ(store.events(fork).size(), 1u);
        ASSERT_EQ(trainFork(store, fork).status, RunStatus::Finished);
        const auto events = store.events(fork);
        ASSERT_EQ(events.size(), 3u);
        EXPECT_EQ(events[2], (SettingEvent{5, 0, "train.lr", "0.5", "0.2", false}));
        // One batch an epoch: the change shows from the epoch after it.
        EXPECT_NE(store.epochs(fork)[5].perplexity, store.epochs(parent)[5].perplexity);
    }
    // Trained again from scratch, from what it kept: the same curve.
    const CliResult replay = cli("runs replay " + std::to_string(fork) + " --quiet --library '" + lib.str() + "'");
    ASSERT_EQ(replay.status, 0) << replay.output;
    RunStore store(lib.str());
    const auto original = store.epochs(fork);
    const auto again = store.epochs(fork + 1);
    ASSERT_EQ(original.size(), 7u);
    ASSERT_EQ(again.size(), original.size());
    for (std::size_t i = 0; i < again.size(); ++i)
        EXPECT_EQ(again[i].perplexity, original[i].perplexity) << "epoch " << again[i].epoch;
}

TEST(Fork, BadForksAreRefusedAndChangeNothing)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const std::int64_t parent = trainParent(store);
    const std::size_t runs = store.runs().size();
    const std::size_t files = filesUnder(lib.path() / "checkpoints");
    const auto fork = [&](int epoch, std::vector<std::pair<std::string, std::string>> changes) {
        return codeOf([&] { forkRun(store, parent, ForkRequest{epoch, std::move(changes), "", ""}); });
    };
    EXPECT_EQ(fork(3, {}), "rules.fork_no_weights");  // no weights kept at 3
    EXPECT_EQ(fork(0, {}), "rules.fork_no_weights");
    EXPECT_EQ(fork(99, {}), "rules.fork_no_weights");
    EXPECT_EQ(fork(4, {{"model.hidden", "8"}}), "train.not_live");
    EXPECT_EQ(fork(4, {{"train.lr", "1e308"}}), "config.greater_than_at_most");
    EXPECT_EQ(fork(4, {{"train.clip", "-1"}}), "config.at_least_at_most");
    EXPECT_EQ(fork(6, {}), "fork.no_epochs_left");
    EXPECT_EQ(fork(4, {{"train.epochs", "4"}}), "train.epochs_below");
    EXPECT_EQ(store.runs().size(), runs);
    EXPECT_EQ(filesUnder(lib.path() / "checkpoints"), files);

    // Kept weights that are gone, or of another epoch, are said.
    fs::remove(store.keptCheckpointPath(parent, 2));
    EXPECT_EQ(fork(2, {}), "rules.fork_no_weights");
    fs::copy_file(store.keptCheckpointPath(parent, 4), store.keptCheckpointPath(parent, 2));
    EXPECT_EQ(fork(2, {}), "fork.weights_gone");
    EXPECT_EQ(store.runs().size(), runs);

    // A diverged run forks only from before the epoch it diverged at.
    RunResult diverged;
    diverged.status = RunStatus::Diverged;
    diverged.epochsDone = 6;
    diverged.message = "diverged";
    store.markRunning(parent, "cpu", 1);
    store.finishRun(parent, diverged, 0);
    EXPECT_EQ(fork(6, {{"train.epochs", "8"}}), "rules.fork_diverged");
    EXPECT_EQ(fork(4, {{"train.lr", "0.1"}}), "");
    EXPECT_EQ(store.runs().size(), runs + 1);
}

TEST(Fork, DeletingTheParentKeepsTheForkAndItsKeptWeightsGoWithTheParent)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const std::int64_t parent = trainParent(store);
    const std::int64_t fork = forkRun(store, parent, ForkRequest{2, {{"train.lr", "0.5"}}, "", ""});
    ASSERT_EQ(trainFork(store, fork).status, RunStatus::Finished);
    // A link where a run's kept weights would be is removed, never followed.
    TestLibrary outside;
    std::ofstream(outside.path() / "precious.txt") << "keep me";
    fs::create_directory_symlink(outside.path(), store.keptCheckpointFolder(fork + 1));

    store.deleteRun(parent);
    EXPECT_FALSE(fs::exists(store.keptCheckpointFolder(parent)));
    EXPECT_FALSE(fs::exists(store.checkpointPath(parent)));
    const StoredRun orphan = store.run(fork);
    EXPECT_EQ(orphan.parentId, parent);
    EXPECT_EQ(orphan.branchEpoch, 2);
    EXPECT_EQ(store.epochs(fork).size(), 6u);  // its own epochs, the parent's first two among them
    EXPECT_EQ(forkEpochs(store, orphan), (std::vector<int>{4, 6}));

    // A new run whose id meets the link: the link goes, what it pointed at stays.
    NewRun n;
    n.config = parseExperimentYaml(kTinyExperiment);
    EXPECT_EQ(store.createRun(n), fork + 1);
    EXPECT_FALSE(fs::is_symlink(store.keptCheckpointFolder(fork + 1)));
    EXPECT_TRUE(fs::exists(outside.path() / "precious.txt"));
}

TEST(Fork, TheCliForksTrainsAndSaysWhatADeleteLeaves)
{
    TestLibrary lib;
    std::int64_t parent = 0;
    {
        RunStore store(lib.str());
        parent = trainParent(store);
    }
    const std::string library = " --library '" + lib.str() + "'";
    const CliResult made =
        cli("runs fork " + std::to_string(parent) + " --epoch 4 --set train.lr=0.3 --quiet" + library);
    ASSERT_EQ(made.status, 0) << made.output;
    const CliResult shown = cli("runs show " + std::to_string(parent + 1) + library);
    EXPECT_NE(shown.output.find("forked from: run " + std::to_string(parent) + " at epoch 4"), std::string::npos)
        << shown.output;
    const CliResult bad = cli("runs fork " + std::to_string(parent) + " --epoch 3" + library);
    EXPECT_EQ(bad.status, 1) << bad.output;
    const CliResult note = cli("runs note " + std::to_string(parent) + " 'lr 1 is too high early on'" + library);
    EXPECT_EQ(note.status, 0) << note.output;
    const CliResult deleted = cli("runs delete " + std::to_string(parent) + library);
    EXPECT_EQ(deleted.status, 0) << deleted.output;
    EXPECT_NE(deleted.output.find(" " + std::to_string(parent + 1) + " keep"), std::string::npos) << deleted.output;
    RunStore store(lib.str());
    EXPECT_EQ(store.run(parent + 1).parentId, parent);
    EXPECT_EQ(store.run(parent + 1).state, StoredState::Finished);
}

// Issue 27.8: a replay of a run whose corpus file changed since is refused,
// saying so, before anything trains.
TEST(Replay, ACorpusThatChangedSinceIsRefused)
{
    TestLibrary lib;
    const fs::path corpus = lib.path() / "text.txt";
    {
        std::ifstream book(resolveDataDir() + "/timemachine.txt");
        std::string text(6000, '\0');
        book.read(text.data(), static_cast<std::streamsize>(text.size()));
        std::ofstream(corpus) << text.substr(0, static_cast<std::size_t>(book.gcount()));
    }
    std::int64_t id = 0;
    {
        RunStore store(lib.str());
        NewRun n;
        n.config = parseExperimentYaml(kTinyExperiment);
        setConfigValue(n.config, "data.corpus", corpus.string());
        id = store.createRun(n);
        RecordOptions options;
        options.dataDir = resolveDataDir();
        TrainingObserver quiet;
        RunControl control;
        ASSERT_EQ(trainRecordedRun(store, id, options, quiet, control).status, RunStatus::Finished);
        const StoredRun r = store.run(id);
        EXPECT_EQ(r.corpusSha1, sha1OfFile(corpus.string()));
        EXPECT_EQ(codeOf([&] { checkReplayCorpus(r, resolveDataDir()); }), "");
    }
    std::ofstream(corpus, std::ios::app) << "\nA line added after the run trained.\n";
    RunStore store(lib.str());
    EXPECT_EQ(codeOf([&] { checkReplayCorpus(store.run(id), resolveDataDir()); }), "replay.corpus_changed");
    const CliResult replay = cli("runs replay " + std::to_string(id) + " --quiet --library '" + lib.str() + "'");
    EXPECT_EQ(replay.status, 1) << replay.output;
    EXPECT_EQ(store.runs().size(), 1u);  // nothing made
}
