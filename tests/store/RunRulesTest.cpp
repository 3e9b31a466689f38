// The run library's rules (RunRules.h) are one rule for both front ends: the
// core refuses what the rule refuses, the CLI says the rule's reason, and
// text written from a run's weights is the same wherever it is asked for.
// (The window's side: tests/ui/SweepsRunsTest.cpp.)
#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/store/RunRules.h"

#include <gtest/gtest.h>

using namespace traveller;

namespace {

class NoObserver : public TrainingObserver {};

StoredRun withState(StoredState state, int checkpointEpoch = 2)
{
    StoredRun r;
    r.id = 7;
    r.state = state;
    r.checkpointEpoch = checkpointEpoch;
    return r;
}

// A tiny run trained to the end in `library`; returns its id.
std::int64_t trainedRun(const std::string& library)
{
    RunStore store(library);
    const std::int64_t id = store.createRun({parseExperimentYaml(kTinyExperiment), "", "", "", "test"});
    RecordOptions options;
    options.dataDir = resolveDataDir();
    NoObserver observer;
    RunControl control;
    trainRecordedRun(store, id, options, observer, control);
    return id;
}

} // namespace

TEST(RunRules, EveryStateHasOneWordAndOneVerdict)
{
    for (auto state : {StoredState::Queued, StoredState::Running, StoredState::Finished, StoredState::Stopped,
                       StoredState::Diverged, StoredState::Failed, StoredState::Interrupted}) {
        EXPECT_EQ(parseStoredState(toString(state)), state) << toString(state);
        EXPECT_STREQ(stateLabel(state, 0), toString(state));
    }
    EXPECT_EQ(parseStoredState("blew up"), std::nullopt);
    EXPECT_EQ(parseStoredState(""), std::nullopt);
    EXPECT_TRUE(canResume(withState(StoredState::Queued, 0)));
    EXPECT_TRUE(canResume(withState(StoredState::Stopped)));
    EXPECT_TRUE(canResume(withState(StoredState::Interrupted)));
    EXPECT_TRUE(canResume(withState(StoredState::Failed)));
    EXPECT_FALSE(canResume(withState(StoredState::Finished)));
    EXPECT_FALSE(canResume(withState(StoredState::Running)));
    const RuleVerdict diverged = canResume(withState(StoredState::Diverged));
    EXPECT_FALSE(diverged);
    // The reason is a catalogue message's text: it reads back to its code, the run's id its argument.
    const auto why = parseMessage(diverged.reason);
    ASSERT_TRUE(why) << diverged.reason;
    EXPECT_EQ(why->code, "rules.resume_diverged") << diverged.reason;
    EXPECT_EQ(why->args, std::vector<std::string>{"7"}) << diverged.reason;
    StoredRun translation = withState(StoredState::Stopped);
    translation.kind = "translate";
    EXPECT_FALSE(canResume(translation));
    EXPECT_FALSE(canGenerate(translation));

    EXPECT_FALSE(canDelete(withState(StoredState::Running)));
    EXPECT_TRUE(canDelete(withState(StoredState::Diverged)));
    EXPECT_TRUE(canGenerate(withState(StoredState::Finished)));
    EXPECT_FALSE(canGenerate(withState(StoredState::Stopped, 0)));
    EXPECT_TRUE(needsAttention(StoredState::Diverged));
    EXPECT_TRUE(needsAttention(StoredState::Interrupted));
    EXPECT_FALSE(needsAttention(StoredState::Stopped));
}

// The CLI used to resume a diverged run that the window refused: now the core
// refuses it, and the CLI says why, leaving the run as it was.
TEST(RunRules, ADivergedRunIsResumedNowhere)
{
    TestLibrary lib;
    std::int64_t id = 0;
    {
        RunStore store(lib.str());
        id = trainedRun(lib.str());
        RunResult diverged;
        diverged.status = RunStatus::Diverged;
        diverged.message = "perplexity 1.65e+11 at epoch 3";
        store.finishRun(id, diverged, 0);
        RecordOptions options;
        options.dataDir = resolveDataDir();
        NoObserver observer;
        RunControl control;
        try {
            trainRecordedRun(store, id, options, observer, control);
            ADD_FAILURE() << "the core resumed a diverged run";
        } catch (const StoreError& e) {
            EXPECT_EQ(std::string(e.what()), canResume(store.run(id)).reason);
        }
    }
    const CliResult r = cli("runs resume " + std::to_string(id) + " --library \"" + lib.str() + "\" --quiet");
    EXPECT_EQ(r.status, 2) << r.output;  // a usage refusal, as for a finished run
    EXPECT_NE(r.output.find("run " + std::to_string(id) + " diverged"), std::string::npos) << r.output;
    RunStore store(lib.str());
    EXPECT_EQ(store.run(id).state, StoredState::Diverged);
    EXPECT_EQ(store.epochs(id).size(), 4U);
}

// `runs generate` writes what the run's own seed writes: the same text the
// window's Runs tab writes (it uses generationSeed too), at any temperature.
TEST(RunRules, GeneratedTextFollowsTheRunsSeed)
{
    TestLibrary lib;
    const std::int64_t id = trainedRun(lib.str());
    RunStore store(lib.str());
    const StoredRun run = store.run(id);
    ExperimentConfig config = run.config();
    config.train.device = "cpu";
    LmSession session(config, resolveDataDir());
    session.loadCheckpoint(store.checkpointPath(id));
    const std::string expected = session.generate("the", 40, 1.0, generationSeed(config));
    const CliResult r = cli("runs generate " + std::to_string(id) + " --prefix the --length 40 --temperature 1 --library \"" +
                            lib.str() + "\"");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output, expected + "\n");
    // A sampled text really depends on the seed: another seed writes another one.
    EXPECT_NE(session.generate("the", 40, 1.0, generationSeed(config) + 1), expected);
}

// A run that trained through a blow-up is told by its blewUpAt, the one
// marker every table (Sweeps, Runs, Lab, the CLI's) and the report read;
// only a finished run is called so (a diverged one is diverged).
TEST(RunRules, ABlowUpTrainedThroughIsToldByItsEpoch)
{
    EXPECT_TRUE(finishedBlownUp(StoredState::Finished, 12));
    EXPECT_STREQ(stateLabel(StoredState::Finished, 12), "blew up, trained on");
    EXPECT_FALSE(finishedBlownUp(StoredState::Finished, 0));
    EXPECT_STREQ(stateLabel(StoredState::Finished, 0), "finished");
    EXPECT_FALSE(finishedBlownUp(StoredState::Diverged, 3));
    EXPECT_STREQ(stateLabel(StoredState::Diverged, 3), "diverged");
}
