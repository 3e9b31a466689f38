// Steering a run while it trains (issue 27): a change asked from another
// thread lands before the next batch, is reported as an event and written
// into the run's schedule; training that schedule again gives the same run
// to the last digit; what the run cannot take is refused and changes nothing.
#include "TestData.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lm/Training.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace traveller;

namespace {

ExperimentConfig tinyRun(int epochs)
{
    ExperimentConfig c;
    c.model.arch = Arch::Gru;
    c.model.hidden = 32;
    c.train.epochs = epochs;
    c.train.device = "cpu";
    c.train.threads = 1;  // one thread: the same sums in the same order, run after run
    c.data.maxTokens = 4000;
    c.sample.every = 0;
    return c;
}

struct Steered : TrainingObserver {
    std::vector<EpochStats> epochs;
    std::vector<SettingEvent> events;
    std::function<void(const BatchStats&)> onBatchHook;
    void onBatch(const BatchStats& s) override
    {
        if (onBatchHook)
            onBatchHook(s);
    }
    void onEpoch(const EpochStats& s) override { epochs.push_back(s); }
    void onSettingChanged(const SettingEvent& e) override { events.push_back(e); }
};

std::vector<double> perplexities(const Steered& s)
{
    std::vector<double> out;
    for (const EpochStats& e : s.epochs)
        out.push_back(e.perplexity);
    return out;
}

} // namespace

// The learning rate lowered by hand after batch 2 of epoch 1, then the run
// extended by an epoch: both land before the next batch, are reported, and
// the run's settings end with them in the schedule. Replayed from those
// settings, the run is the same, epoch by epoch, to the last digit.
TEST(Steering, ALiveChangeIsAnEventAndItsReplayIsTheSameRun)
{
    setTrainingThreads(1);
    Steered live;
    RunControl control;
    live.onBatchHook = [&](const BatchStats& s) {
        if (s.epoch == 1 && s.batch == 2)
            control.requestChange("train.lr", "0.25");
        if (s.epoch == 2 && s.batch == 0)
            control.requestChange("train.epochs", "3");
    };
    LmSession session(tinyRun(2), test::dataDir());
    const RunResult r = session.train(live, control);
    ASSERT_EQ(r.status, RunStatus::Finished) << r.message;
    EXPECT_EQ(r.epochsDone, 3);
    ASSERT_EQ(live.events.size(), 2u);
    EXPECT_EQ(live.events[0], (SettingEvent{1, 3, "train.lr", "1", "0.25", true}));
    EXPECT_EQ(live.events[1], (SettingEvent{2, 1, "train.epochs", "2", "3", true}));
    EXPECT_EQ(r.events, live.events);
    ASSERT_TRUE(r.config.has_value());
    EXPECT_EQ(r.config->train.epochs, 3);
    EXPECT_DOUBLE_EQ(r.config->train.lr, 1.0);  // as it started: the change is in its schedule
    ASSERT_EQ(r.config->train.schedule.size(), 2u);
    EXPECT_EQ(r.config->train.schedule[0], (ScheduleEntry{1, 3, {{"train.lr", "0.25"}}}));

    // The replay: the settings it kept.
    const ExperimentConfig replay = *r.config;
    Steered again;
    RunControl control2;
    LmSession second(replay, test::dataDir());
    const RunResult r2 = second.train(again, control2);
    EXPECT_EQ(r2.epochsDone, 3);
    EXPECT_EQ(perplexities(again), perplexities(live));
    ASSERT_EQ(again.events.size(), 1u);  // its end, 3 epochs, is the replay's from the start
    EXPECT_FALSE(again.events[0].live);  // from the schedule this time
    EXPECT_EQ(again.events[0].epoch, 1);
    EXPECT_EQ(again.events[0].batch, 3);

    // Without the change the run is another: the change did something.
    Steered plain;
    RunControl control3;
    LmSession third(tinyRun(2), test::dataDir());
    third.train(plain, control3);
    ASSERT_EQ(plain.epochs.size(), 2u);
    EXPECT_NE(plain.epochs[1].perplexity, live.epochs[1].perplexity);
}

// What a run cannot take is refused, said, and changes nothing: a key that is
// not live, a value the schema refuses, an end before the current epoch.
TEST(Steering, ARefusedChangeChangesNothing)
{
    setTrainingThreads(1);
    Steered s;
    RunControl control;
    std::vector<std::string> refusals;
    s.onBatchHook = [&](const BatchStats& b) {
        if (b.epoch == 1 && b.batch == 0) {
            control.requestChange("model.hidden", "8");
        } else if (b.epoch == 1 && b.batch == 1) {
            refusals.push_back(control.changeRefused());
            control.requestChange("train.lr", "0");
        } else if (b.epoch == 1 && b.batch == 2) {
            refusals.push_back(control.changeRefused());
            control.requestChange("train.clip", "-1");
        } else if (b.epoch == 2 && b.batch == 0) {
            refusals.push_back(control.changeRefused());
            control.requestChange("train.epochs", "1");
        } else if (b.epoch == 2 && b.batch == 1) {
            refusals.push_back(control.changeRefused());
        }
    };
    LmSession session(tinyRun(2), test::dataDir());
    const RunResult r = session.train(s, control);
    EXPECT_EQ(r.status, RunStatus::Finished);
    EXPECT_EQ(r.epochsDone, 2);
    EXPECT_TRUE(s.events.empty());
    EXPECT_FALSE(r.config.has_value());
    ASSERT_EQ(refusals.size(), 4u);
    for (const std::string& why : refusals)
        EXPECT_FALSE(why.empty());

    // The same checks answer at once, before a change is sent.
    const ExperimentConfig c = tinyRun(2);
    const auto code = [&](const std::string& key, const std::string& value, int epoch) {
        try {
            withLiveChange(c, key, value, epoch);
        } catch (const ConfigError& e) {
            return e.message().code;
        }
        return std::string("accepted");
    };
    EXPECT_EQ(code("model.hidden", "8", 1), "train.not_live");
    EXPECT_EQ(code("train.lr", "1e400", 1), "config.number");
    EXPECT_EQ(code("train.clip", "-1", 1), "config.at_least_at_most");
    EXPECT_EQ(code("train.epochs", "1", 2), "train.epochs_below");
    EXPECT_EQ(code("train.lr", "0.3", 1), "accepted");
}

// A schedule in the file: read, written back, checked against the run.
TEST(Steering, ScheduleIsASettingOfTheFile)
{
    const ExperimentConfig c = parseExperimentYaml("train:\n  epochs: 10\n  schedule:\n"
                                                   "    - {epoch: 5, set: {train.lr: 0.3}}\n"
                                                   "    - {epoch: 2, batch: 4, set: {train.clip: 0.5, sample.temperature: 0.8}}\n");
    ASSERT_EQ(c.train.schedule.size(), 2u);
    EXPECT_EQ(c.train.schedule[0], (ScheduleEntry{2, 4, {{"train.clip", "0.5"}, {"sample.temperature", "0.8"}}}));
    EXPECT_EQ(parseExperimentYaml(toYaml(c)).train.schedule, c.train.schedule);
    ExperimentConfig set;
    setConfigValue(set, "train.schedule", configValue(c, "train.schedule"));
    EXPECT_EQ(set.train.schedule, c.train.schedule);
    EXPECT_FALSE(sameRun(c, ExperimentConfig{}));

    const auto code = [](const std::string& yaml) {
        try {
            parseExperimentYaml(yaml);
        } catch (const ConfigError& e) {
            return e.message().code + " " + e.key();
        }
        return std::string("accepted");
    };
    EXPECT_EQ(code("train: {epochs: 10, schedule: [{epoch: 11, set: {train.lr: 0.3}}]}"),
              "schedule.beyond_epochs train.schedule[0].epoch");
    EXPECT_EQ(code("train: {epochs: 10, schedule: [{epoch: 2, set: {model.hidden: 8}}]}"),
              "train.not_live model.hidden");
    EXPECT_EQ(code("train: {epochs: 10, schedule: [{epoch: 2, set: {train.lr: fast}}]}"), "config.number train.lr");
    EXPECT_EQ(code("train: {epochs: 10, schedule: [{epoch: 2}]}"), "schedule.expected_entry train.schedule[0]");
    EXPECT_EQ(code("train: {epochs: 10, schedule: {epoch: 2}}"), "schedule.expected_list train.schedule");
    // An entry that extends the run counts: epoch 12 of a run made 15 long at 8.
    EXPECT_EQ(code("train: {epochs: 10, schedule: [{epoch: 8, set: {train.epochs: 15}}, "
                   "{epoch: 12, set: {train.lr: 0.1}}]}"),
              "accepted");
    // A batch the epoch does not have is refused when the run is made.
    ExperimentConfig beyond = tinyRun(2);
    beyond.train.schedule = {ScheduleEntry{1, 100000, {{"train.lr", "0.5"}}}};
    try {
        LmSession session(beyond, test::dataDir());
        ADD_FAILURE() << "a schedule entry at batch 100000 was taken";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "schedule.batch_beyond");
    }
}

TEST(LrShapes, EachShapeFollowsItsFormula)
{
    TrainConfig t;
    t.lr = 2.0;
    t.epochs = 5;
    EXPECT_DOUBLE_EQ(learningRateAt(t, 3), 2.0);  // constant: the book's
    t.lrSchedule = LrShape::Step;
    t.lrStepEvery = 2;
    t.lrStepGamma = 0.5;
    std::vector<double> step;
    for (int e = 1; e <= 5; ++e)
        step.push_back(learningRateAt(t, e));
    EXPECT_EQ(step, (std::vector<double>{2.0, 2.0, 1.0, 1.0, 0.5}));
    t.lrSchedule = LrShape::Cosine;
    t.lrMinFactor = 0.1;
    EXPECT_DOUBLE_EQ(learningRateAt(t, 1), 2.0);
    EXPECT_NEAR(learningRateAt(t, 3), 2.0 * (0.1 + 0.9 * 0.5), 1e-12);
    EXPECT_NEAR(learningRateAt(t, 5), 0.2, 1e-12);
    t.lrSchedule = LrShape::WarmupCosine;
    t.lrWarmup = 2;
    t.epochs = 6;
    EXPECT_DOUBLE_EQ(learningRateAt(t, 1), 1.0);
    EXPECT_DOUBLE_EQ(learningRateAt(t, 2), 2.0);
    EXPECT_DOUBLE_EQ(learningRateAt(t, 3), 2.0);
    EXPECT_NEAR(learningRateAt(t, 6), 0.2, 1e-12);
    // The shape is a setting like any other: the file, --set and their errors.
    const ExperimentConfig c = parseExperimentYaml("train: {lr_schedule: warmup-cosine, lr_warmup: 5}\n");
    EXPECT_EQ(c.train.lrSchedule, LrShape::WarmupCosine);
    EXPECT_EQ(configValue(c, "train.lr_schedule"), "warmup-cosine");
    try {
        parseExperimentYaml("train: {lr_schedule: linear}\n");
        ADD_FAILURE() << "an unknown shape was taken";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "config.one_of");
        EXPECT_EQ(e.key(), "train.lr_schedule");
    }
}

TEST(LrShapes, TheShapeReachesTheOptimizer)
{
    // A step down to almost nothing after epoch 1: the weights stop moving
    // while the constant rate's go on learning (one batch an epoch, each
    // epoch's perplexity measured before its update).
    ExperimentConfig c = tinyRun(4);
    c.data.maxTokens = 1200;
    ASSERT_EQ(c.data.maxTokens / (c.data.batchSize * c.data.numSteps), 1);
    c.train.lrSchedule = LrShape::Step;
    c.train.lrStepEvery = 1;
    c.train.lrStepGamma = 1e-9;
    struct Epochs : TrainingObserver {
        std::vector<double> ppl;
        void onEpoch(const EpochStats& s) override { ppl.push_back(s.perplexity); }
    } shaped, constant;
    RunControl control1, control2;
    LmSession(c, test::dataDir()).train(shaped, control1);
    c.train.lrSchedule = LrShape::Constant;
    LmSession(c, test::dataDir()).train(constant, control2);
    ASSERT_EQ(shaped.ppl.size(), 4u);
    ASSERT_EQ(constant.ppl.size(), 4u);
    EXPECT_EQ(shaped.ppl[1], constant.ppl[1]);  // epoch 1 at the full rate in both
    EXPECT_NE(shaped.ppl[2], constant.ppl[2]);
    EXPECT_GT(shaped.ppl[3], constant.ppl[3] * 1.01);
}
