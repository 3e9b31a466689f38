// The training loop shared by the language model and seq2seq, driven by a
// scripted model: what a stop, a pause, a non-finite loss or gradient and a
// blown-up epoch do, the same for every model.
#include "TrainingLoop.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace traveller;

namespace {

// Batches of fixed losses; `script(epoch, index)` may change one.
class ScriptedModel : public TrainingLoop {
public:
    ScriptedModel(RunControl& control, int epochs, int batches) : TrainingLoop(control, epochs), batches_(batches) {}

    std::function<void(int epoch, std::int64_t index, Step& step)> script;
    std::function<std::optional<std::string>(const Epoch&)> onEpoch;
    std::vector<Epoch> epochs;
    int undone = 0;
    int batchesTrained = 0;

private:
    std::optional<Step> trainBatch(int epoch, std::int64_t index) override
    {
        if (index >= batches_)
            return std::nullopt;
        Step s;
        s.meanLoss = 2.0;
        s.tokens = 10;
        s.loss = s.meanLoss * s.tokens;
        s.gradNorm = 1.0;
        if (script)
            script(epoch, index, s);
        ++batchesTrained;
        return s;
    }
    std::optional<std::string> endEpoch(const Epoch& e) override
    {
        epochs.push_back(e);
        return onEpoch ? onEpoch(e) : std::nullopt;
    }
    void undoPartialEpoch() override { ++undone; }
    std::string learningRate() const override { return "learning rate 10"; }

    int batches_;
};

} // namespace

TEST(TrainingLoop, RunsEveryEpochOfEveryBatchAndSumsTheLoss)
{
    RunControl control;
    ScriptedModel m(control, 3, 4);
    const auto out = m.run();
    EXPECT_EQ(out.status, RunStatus::Finished);
    EXPECT_EQ(out.epochsDone, 3);
    ASSERT_EQ(m.epochs.size(), 3u);
    EXPECT_EQ(m.epochs[2].epoch, 3);
    EXPECT_EQ(m.epochs[2].epochs, 3);
    EXPECT_DOUBLE_EQ(m.epochs[0].lossSum, 4 * 20.0);
    EXPECT_DOUBLE_EQ(m.epochs[0].tokens, 40.0);
    EXPECT_GT(out.tokensPerSecond, 0);
    EXPECT_EQ(m.undone, 0);
}

TEST(TrainingLoop, ANonFiniteLossOrGradientDivergesNamingTheEpochAndTheRate)
{
    for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()})
        for (const bool inLoss : {true, false}) {
            RunControl control;
            ScriptedModel m(control, 5, 4);
            m.script = [&](int epoch, std::int64_t index, TrainingLoop::Step& s) {
                if (epoch == 2 && index == 1)
                    (inLoss ? s.meanLoss : *s.gradNorm) = bad;
            };
            const auto out = m.run();
            EXPECT_EQ(out.status, RunStatus::Diverged);
            EXPECT_EQ(out.divergedEpoch, 2);
            EXPECT_EQ(out.epochsDone, 1);  // the last whole epoch
            EXPECT_EQ(m.epochs.size(), 1u);
            // The stored text reads back to train.diverged: {0} the epoch, {1} what
            // became non-finite, {2} the learning rate, each a message of its own.
            const std::string code = std::string(inLoss ? "train.loss_" : "train.grad_") +
                                     (std::isnan(bad) ? "nan" : "inf");
            const auto said = parseMessage(out.message);
            ASSERT_TRUE(said) << out.message;
            EXPECT_EQ(said->code, "train.diverged") << out.message;
            ASSERT_EQ(said->args.size(), 3u) << out.message;
            EXPECT_EQ(said->args[0], "2") << out.message;
            EXPECT_EQ(parseMessage(said->args[1]).value_or(Message{}).code, code) << out.message;
            const auto rate = parseMessage(said->args[2]).value_or(Message{});
            EXPECT_EQ(rate.code, "train.learning_rate") << out.message;
            EXPECT_EQ(rate.args, std::vector<std::string>{"10"}) << out.message;
        }
}

TEST(TrainingLoop, AnEpochThatBlowsUpEndsTheRunAsDivergedAfterReportingIt)
{
    RunControl control;
    ScriptedModel m(control, 10, 2);
    m.onEpoch = [](const TrainingLoop::Epoch& e) -> std::optional<std::string> {
        if (e.epoch == 3)
            return std::string("perplexity 1.65e+11 exceeds 2800");
        return std::nullopt;
    };
    const auto out = m.run();
    EXPECT_EQ(out.status, RunStatus::Diverged);
    EXPECT_EQ(out.divergedEpoch, 3);
    EXPECT_EQ(out.epochsDone, 3);  // its curve has epoch 3
    EXPECT_EQ(m.epochs.size(), 3u);
    const auto said = parseMessage(out.message);
    ASSERT_TRUE(said) << out.message;
    EXPECT_EQ(said->code, "train.diverged") << out.message;
    ASSERT_EQ(said->args.size(), 3u) << out.message;
    EXPECT_EQ(said->args[0], "3") << out.message;
    EXPECT_EQ(said->args[1], "perplexity 1.65e+11 exceeds 2800") << out.message;  // the epoch's own word, passed on
    EXPECT_EQ(parseMessage(said->args[2]).value_or(Message{}).code, "train.learning_rate") << out.message;
}

TEST(TrainingLoop, AStopMidEpochKeepsTheLastWholeEpochAndUndoesTheRest)
{
    RunControl control;
    ScriptedModel m(control, 10, 6);
    m.script = [&](int epoch, std::int64_t index, TrainingLoop::Step&) {
        if (epoch == 4 && index == 2)
            control.requestStop();
    };
    const auto out = m.run();
    EXPECT_EQ(out.status, RunStatus::Stopped);
    EXPECT_EQ(out.epochsDone, 3);
    EXPECT_EQ(m.epochs.size(), 3u);
    EXPECT_EQ(m.undone, 1);
    EXPECT_EQ(m.batchesTrained, 3 * 6 + 3);  // the partial epoch's batches count for speed
}

TEST(TrainingLoop, AStopBeforeTheFirstEpochTrainsNothing)
{
    RunControl control;
    control.requestStop();
    ScriptedModel m(control, 10, 6);
    const auto out = m.run();
    EXPECT_EQ(out.status, RunStatus::Stopped);
    EXPECT_EQ(out.epochsDone, 0);
    EXPECT_EQ(m.batchesTrained, 0);
    EXPECT_EQ(m.undone, 0);
}

TEST(TrainingLoop, PausesAreLeftOutOfTheRunsTime)
{
    RunControl control;
    ScriptedModel m(control, 2, 2);
    std::thread resumer;
    m.script = [&](int epoch, std::int64_t index, TrainingLoop::Step&) {
        if (epoch == 1 && index == 0) {
            control.pause();
            resumer = std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(400));
                control.resume();
            });
        }
    };
    const auto start = std::chrono::steady_clock::now();
    const auto out = m.run();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    resumer.join();
    EXPECT_EQ(out.status, RunStatus::Finished);
    EXPECT_GE(wall, 0.4);
    EXPECT_GE(control.pausedSeconds(), 0.35);
    EXPECT_LT(out.seconds, wall - 0.3);  // the pause is not training time
}
