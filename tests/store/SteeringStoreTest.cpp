// A run steered while it trains, as the run library keeps it (issue 27): each
// change an event of the run, the run's settings with the change in their
// schedule at once (a run killed afterwards resumes with it), and
// `runs replay` training the same curve again.
#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace traveller;

namespace {

struct LowerTheRate : TrainingObserver {
    RunControl* control = nullptr;
    void onBatch(const BatchStats& s) override
    {
        if (s.epoch == 2 && s.batch == 0)
            control->requestChange("train.lr", "0.3");
    }
};

} // namespace

TEST(SteeredRuns, EveryChangeIsKeptWithTheRunAndItsReplayIsTheSame)
{
    TestLibrary lib;
    std::int64_t id = 0;
    {
        RunStore store(lib.str());
        NewRun n;
        n.config = parseExperimentYaml(kTinyExperiment);
        id = store.createRun(n);
        RecordOptions options;
        options.dataDir = resolveDataDir();
        LowerTheRate steer;
        RunControl control;
        steer.control = &control;
        const RunResult r = trainRecordedRun(store, id, options, steer, control);
        ASSERT_EQ(r.status, RunStatus::Finished) << r.message;

        const std::vector<SettingEvent> events = store.events(id);
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0], (SettingEvent{2, 1, "train.lr", "1", "0.3", true}));
        const ExperimentConfig kept = store.run(id).config();
        EXPECT_DOUBLE_EQ(kept.train.lr, 1.0);
        ASSERT_EQ(kept.train.schedule.size(), 1u);
        EXPECT_EQ(kept.train.schedule[0], (ScheduleEntry{2, 1, {{"train.lr", "0.3"}}}));
    }
    // The CLI trains it again from what it kept: the same curve.
    const CliResult replay = cli("runs replay " + std::to_string(id) + " --quiet --library '" + lib.str() + "'");
    ASSERT_EQ(replay.status, 0) << replay.output;
    EXPECT_NE(replay.output.find("replays run " + std::to_string(id)), std::string::npos) << replay.output;
    RunStore store(lib.str());
    const auto original = store.epochs(id);
    const auto again = store.epochs(id + 1);
    ASSERT_EQ(again.size(), original.size());
    for (std::size_t i = 0; i < again.size(); ++i)
        EXPECT_EQ(again[i].perplexity, original[i].perplexity) << "epoch " << again[i].epoch;
    const std::vector<SettingEvent> replayed = store.events(id + 1);
    ASSERT_EQ(replayed.size(), 1u);
    EXPECT_FALSE(replayed[0].live);
    // Every export carries them.
    const StoredRun steered = store.run(id);
    ASSERT_EQ(steered.events.size(), 1u);
    const auto json = nlohmann::json::parse(runsToJsonLines({steered}));
    ASSERT_EQ(json["events"].size(), 1u);
    EXPECT_EQ(json["events"][0]["key"], "train.lr");
    EXPECT_EQ(json["events"][0]["to"], "0.3");
    EXPECT_EQ(json["events"][0]["epoch"], 2);
    const std::string csv = runsToCsv({steered});
    EXPECT_NE(csv.find(",changes\n"), std::string::npos);
    EXPECT_NE(csv.find(eventsText(steered.events)), std::string::npos);
    EXPECT_EQ(eventsText(steered.events), "2:1 train.lr 1->0.3 (live)");
    EXPECT_NE(runsToMarkdown({steered}, "t").find("train.lr 1 → 0.3"), std::string::npos);
    // Deleting a run takes its events with it.
    store.deleteRuns({id});
    EXPECT_TRUE(store.events(id).empty());
}

// `runs continue` trains a finished run further as the same run: its curve
// goes on, the continuation is kept as a change of its end, and replaying the
// whole run trains the same curve in one go.
TEST(SteeredRuns, AContinuedRunIsTheSameRunAndReplaysInOneGo)
{
    TestLibrary lib;
    std::int64_t id = 0;
    {
        RunStore store(lib.str());
        NewRun n;
        n.config = parseExperimentYaml(kTinyExperiment);  // 4 epochs
        id = store.createRun(n);
    }
    const std::string library = " --library '" + lib.str() + "'";
    ASSERT_EQ(cli("runs resume " + std::to_string(id) + " --quiet" + library).status, 0);
    const CliResult more = cli("runs continue " + std::to_string(id) + " --epochs 2 --quiet" + library);
    ASSERT_EQ(more.status, 0) << more.output;
    {
        RunStore store(lib.str());
        const StoredRun r = store.run(id);
        EXPECT_EQ(r.epochsDone, 6);
        EXPECT_EQ(r.epochs, 6);
        EXPECT_EQ(r.state, StoredState::Finished);
        ASSERT_EQ(store.epochs(id).size(), 6u);
        ASSERT_EQ(r.events.size(), 1u);
        EXPECT_EQ(r.events[0], (SettingEvent{5, 0, "train.epochs", "4", "6", true}));
    }
    const CliResult replay = cli("runs replay " + std::to_string(id) + " --quiet" + library);
    ASSERT_EQ(replay.status, 0) << replay.output;
    EXPECT_NE(replay.output.find("replays run " + std::to_string(id)), std::string::npos) << replay.output;
    // Nothing to continue from: a run that never trained.
    {
        RunStore store(lib.str());
        NewRun n;
        n.config = parseExperimentYaml(kTinyExperiment);
        const std::int64_t fresh = store.createRun(n);
        EXPECT_EQ(cli("runs continue " + std::to_string(fresh) + " --epochs 2" + library).status, 1);
        EXPECT_EQ(store.run(fresh).state, StoredState::Queued);
    }
}
