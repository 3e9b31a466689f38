// The run library's rules (RunRules.h) are one rule for both front ends: the
// core refuses what the rule refuses, the CLI says the rule's reason, and
// text written from a run's weights is the same wherever it is asked for.
// (The window's side: tests/ui/SweepsRunsTest.cpp.)
#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/RunRules.h"

#include <gtest/gtest.h>

using namespace traveller;

namespace {

class NoObserver : public TrainingObserver {};

StoredRun withStatus(const std::string& status, int checkpointEpoch = 2)
{
    StoredRun r;
    r.id = 7;
    r.status = status;
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
        const StoredRun r = withStatus(toString(state));
        EXPECT_EQ(storedState(r), state) << toString(state);
    }
    EXPECT_TRUE(canResume(withStatus("queued", 0)));
    EXPECT_TRUE(canResume(withStatus("stopped")));
    EXPECT_TRUE(canResume(withStatus("interrupted")));
    EXPECT_TRUE(canResume(withStatus("failed")));
    EXPECT_FALSE(canResume(withStatus("finished")));
    EXPECT_FALSE(canResume(withStatus("running")));
    const RuleVerdict diverged = canResume(withStatus("diverged"));
    EXPECT_FALSE(diverged);
    EXPECT_NE(diverged.reason.find("run 7 diverged"), std::string::npos) << diverged.reason;
    StoredRun translation = withStatus("stopped");
    translation.kind = "translate";
    EXPECT_FALSE(canResume(translation));
    EXPECT_FALSE(canGenerate(translation));

    EXPECT_FALSE(canDelete(withStatus("running")));
    EXPECT_TRUE(canDelete(withStatus("diverged")));
    EXPECT_TRUE(canGenerate(withStatus("finished")));
    EXPECT_FALSE(canGenerate(withStatus("stopped", 0)));
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
    EXPECT_EQ(store.run(id).status, "diverged");
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

// A run that trained through a blow-up is told by its message, the one
// marker every table (Sweeps, Runs, Lab, the CLI's) and the report read.
TEST(RunRules, ABlowUpTrainedThroughIsToldByItsMessage)
{
    const std::string message = std::string(kBlewUpMark) + "12: perplexity 3.1e+04 exceeds 2800; training continued";
    EXPECT_TRUE(blewUp(message));
    EXPECT_EQ(blowUpEpoch(message), "12");
    EXPECT_EQ(blowUpEpoch("diverged at epoch 3: the loss became NaN"), "?");
    EXPECT_FALSE(blewUp("diverged at epoch 3: the loss became NaN (learning rate 10 is too high?)"));
    EXPECT_FALSE(blewUp(""));
}
