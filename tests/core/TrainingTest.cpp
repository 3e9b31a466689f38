// Real (short) training runs through the public session API.
#include "TestData.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lm/Training.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

using namespace traveller;

namespace {

ExperimentConfig smallRun(Arch arch, int epochs)
{
    ExperimentConfig c;
    c.model.arch = arch;
    c.model.hidden = 64;
    c.train.epochs = epochs;
    c.train.device = "cpu";
    c.sample.every = 5;
    return c;
}

struct Recorder : TrainingObserver {
    std::vector<EpochStats> epochs;
    std::vector<BatchStats> batches;
    std::function<void(const EpochStats&)> onEpochHook;
    std::function<void(const BatchStats&)> onBatchHook;
    void onBatch(const BatchStats& s) override
    {
        batches.push_back(s);
        if (onBatchHook)
            onBatchHook(s);
    }
    void onEpoch(const EpochStats& s) override
    {
        epochs.push_back(s);
        if (onEpochHook)
            onEpochHook(s);
    }
};

} // namespace

TEST(Training, PerplexityFallsWellBelowItsStart)
{
    setTrainingThreads(2);
    ExperimentConfig c = smallRun(Arch::Rnn, 40);
    c.model.hidden = 128;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    const RunResult r = session.train(rec, control);
    ASSERT_EQ(r.status, RunStatus::Finished) << r.message;
    ASSERT_EQ(rec.epochs.size(), 40u);
    EXPECT_GT(rec.epochs.front().perplexity, 15.0);  // near-uniform over 28 symbols at the start
    EXPECT_LT(r.perplexity, 0.6 * rec.epochs.front().perplexity);
    EXPECT_DOUBLE_EQ(r.perplexity, rec.epochs.back().perplexity);
    EXPECT_GT(r.tokensPerSecond, 0);
    // Samples every 5 epochs and at the end; each starts with the prefix and adds 50 characters.
    int sampled = 0;
    for (const auto& e : rec.epochs)
        if (e.hasSample) {
            ++sampled;
            EXPECT_EQ(e.sample.rfind("time traveller", 0), 0u);
            EXPECT_EQ(e.sample.size(), 14u + 50u);
        }
    EXPECT_EQ(sampled, 8);
    ASSERT_EQ(r.samples.count("time traveller"), 1u);
    ASSERT_EQ(r.samples.count("traveller"), 1u);
    EXPECT_EQ(r.samples.at("time traveller"), rec.epochs.back().sample);
    // Clipping was reported per batch, the norm before clipping.
    ASSERT_FALSE(rec.batches.empty());
    for (const auto& b : rec.batches)
        EXPECT_EQ(b.clipped, b.gradNorm > 1.0);
}

TEST(Training, SameSeedSameRun)
{
    setTrainingThreads(2);
    auto run = [](std::uint64_t seed) {
        ExperimentConfig c = smallRun(Arch::Gru, 3);
        c.model.hidden = 32;
        c.train.seed = seed;
        LmSession session(c, test::dataDir());
        Recorder rec;
        RunControl control;
        session.train(rec, control);
        std::vector<double> ppl;
        for (const auto& e : rec.epochs)
            ppl.push_back(e.perplexity);
        return ppl;
    };
    EXPECT_EQ(run(11), run(11));
    EXPECT_NE(run(11), run(12));
}

TEST(Training, StopKeepsCompletedEpochs)
{
    ExperimentConfig c = smallRun(Arch::Rnn, 100);
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    rec.onEpochHook = [&](const EpochStats& s) {
        if (s.epoch == 3)
            control.requestStop();
    };
    const RunResult r = session.train(rec, control);
    EXPECT_EQ(r.status, RunStatus::Stopped);
    EXPECT_EQ(r.epochsDone, 3);
    EXPECT_EQ(rec.epochs.size(), 3u);
    EXPECT_TRUE(std::isfinite(r.perplexity));
    EXPECT_EQ(r.samples.at("time traveller").rfind("time traveller", 0), 0u);  // the weights are kept
}

// Stopped in the middle of epoch 4, the run is the model of epoch 3: the
// batches of the unfinished epoch are undone, so its last sample, its final
// text and text written with it afterwards agree.
TEST(Training, StopMidEpochKeepsTheLastCompletedEpochsWeights)
{
    ExperimentConfig c = smallRun(Arch::Gru, 100);
    c.sample.every = 1;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    rec.onBatchHook = [&](const BatchStats& s) {
        if (s.epoch == 4 && s.batch == 2)
            control.requestStop();
    };
    const RunResult r = session.train(rec, control);
    EXPECT_EQ(r.status, RunStatus::Stopped);
    EXPECT_EQ(r.epochsDone, 3);
    ASSERT_EQ(rec.epochs.size(), 3u);
    ASSERT_TRUE(rec.epochs.back().hasSample);
    const std::string epoch3 = rec.epochs.back().sample;
    EXPECT_EQ(r.samples.at("time traveller"), epoch3);
    EXPECT_EQ(session.generate("time traveller", c.sample.length, 0.0, 99), epoch3);
    EXPECT_GT(rec.batches.size(), 3 * static_cast<std::size_t>(session.batchesPerEpoch()));  // epoch 4 did start
}

TEST(Training, PauseBlocksUntilResumed)
{
    ExperimentConfig c = smallRun(Arch::Rnn, 4);
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    control.pause();
    RunResult r;
    std::thread worker([&] { r = session.train(rec, control); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(rec.batches.empty()) << "no batch runs while paused";
    control.resume();
    worker.join();
    EXPECT_EQ(r.status, RunStatus::Finished);
    EXPECT_EQ(r.epochsDone, 4);
}

TEST(Training, HugeLearningRateIsReportedAsDiverged)
{
    ExperimentConfig c = smallRun(Arch::Rnn, 50);
    c.train.lr = 1e6;
    c.train.clip = 0;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    const RunResult r = session.train(rec, control);
    ASSERT_EQ(r.status, RunStatus::Diverged);
    EXPECT_GE(r.divergedEpoch, 1);
    EXPECT_LT(r.divergedEpoch, 50);
    EXPECT_LE(r.epochsDone, r.divergedEpoch);
    // The stored text reads back to its code; {0} is the epoch.
    const auto m = parseMessage(r.message);
    ASSERT_TRUE(m) << r.message;
    EXPECT_EQ(m->code, "train.diverged") << r.message;
    EXPECT_EQ(m->args.at(0), std::to_string(r.divergedEpoch)) << r.message;
}

TEST(Training, LearningRateTenBreaksAnRnnDown)
{
    // The lab's lr 10: each loss stays finite but the model blows up; the run
    // must say so instead of finishing with a perplexity of 1e22.
    ExperimentConfig c = smallRun(Arch::Rnn, 30);
    c.model.hidden = 256;
    c.train.lr = 10;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    const RunResult r = session.train(rec, control);
    ASSERT_EQ(r.status, RunStatus::Diverged) << "final perplexity " << r.perplexity;
    EXPECT_EQ(rec.epochs.back().epoch, r.divergedEpoch);
    EXPECT_TRUE(rec.epochs.back().hasSample) << "the broken model's text is shown";
    const auto m = parseMessage(r.message);
    ASSERT_TRUE(m) << r.message;
    EXPECT_EQ(m->code, "train.diverged") << r.message;
}

// train.on_divergence: continue — the lab's lr-10 runs train on through the
// blow-up (each loss finite), the run finishes every epoch, and says where it
// blew up; the same run under `stop` ends there (above).
TEST(Training, ContinueTrainsThroughABlowUp)
{
    ExperimentConfig c = smallRun(Arch::Rnn, 30);
    c.model.hidden = 256;
    c.train.lr = 10;
    c.train.onDivergence = OnDivergence::Continue;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    const RunResult r = session.train(rec, control);
    ASSERT_EQ(r.status, RunStatus::Finished) << r.message;
    EXPECT_EQ(r.epochsDone, 30);
    ASSERT_EQ(rec.epochs.size(), 30u);
    const auto m = parseMessage(r.message);
    ASSERT_TRUE(m) << r.message;
    EXPECT_EQ(m->code, "train.blew_up") << r.message;
    // The epoch is recorded as a number (the tables mark the run by it).
    ASSERT_GT(r.blewUpAt, 0) << r.message;
    EXPECT_EQ(m->args.at(0), std::to_string(r.blewUpAt)) << r.message;
    double worst = 0;
    for (const auto& e : rec.epochs) {
        EXPECT_TRUE(std::isfinite(e.perplexity)) << "epoch " << e.epoch;
        worst = std::max(worst, e.perplexity);
    }
    EXPECT_GT(worst, 2800.0) << "the curve shows the blow-up";
    EXPECT_FALSE(r.samples.at("time traveller").empty());
}

// A NaN loss still ends a run that would continue: there is nothing to train
// on. (A ReLU RNN at lr 1e6 without clipping: its unbounded state overflows;
// the tanh RNN saturates instead and keeps a finite loss.)
TEST(Training, ContinueStillStopsAtANonFiniteLoss)
{
    ExperimentConfig c = smallRun(Arch{"rnn-relu"}, 50);
    c.train.lr = 1e6;
    c.train.clip = 0;
    c.train.onDivergence = OnDivergence::Continue;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    const RunResult r = session.train(rec, control);
    ASSERT_EQ(r.status, RunStatus::Diverged);
    EXPECT_LT(r.epochsDone, 50);
    // Diverged for a value that is not finite, not for a perplexity past the limit.
    const auto m = parseMessage(r.message);
    ASSERT_TRUE(m) << r.message;
    EXPECT_EQ(m->code, "train.diverged") << r.message;
    const auto why = parseMessage(m->args.at(1));
    ASSERT_TRUE(why) << r.message;
    const std::vector<std::string> nonFinite = {"train.loss_nan", "train.loss_inf", "train.grad_nan",
                                                "train.grad_inf"};
    EXPECT_NE(std::find(nonFinite.begin(), nonFinite.end(), why->code), nonFinite.end()) << r.message;
}

// data.heldout: characters after the training slice, never trained on, scored
// every epoch: finite every epoch, high for an untrained model and falling as
// it learns, and without any effect on training itself.
TEST(Training, HeldOutPerplexityIsMeasuredEveryEpoch)
{
    ExperimentConfig c = smallRun(Arch::Gru, 12);
    c.model.hidden = 128;
    c.data.heldout = 2000;
    LmSession session(c, test::dataDir());
    EXPECT_EQ(session.corpus().ids.size(), 10000u) << "the training slice keeps max_tokens";
    EXPECT_EQ(session.corpus().heldout.size(), 2000u);
    Recorder rec;
    RunControl control;
    const RunResult r = session.train(rec, control);
    ASSERT_EQ(r.status, RunStatus::Finished);
    ASSERT_EQ(rec.epochs.size(), 12u);
    for (const auto& e : rec.epochs)
        EXPECT_TRUE(std::isfinite(e.heldoutPerplexity)) << "epoch " << e.epoch;
    EXPECT_GT(rec.epochs.front().heldoutPerplexity, 10.0);
    EXPECT_LT(rec.epochs.back().heldoutPerplexity, rec.epochs.front().heldoutPerplexity);
    EXPECT_DOUBLE_EQ(r.heldoutPerplexity, rec.epochs.back().heldoutPerplexity);

    // Measuring it changes nothing about training: the same run without it
    // follows the same curve to the last digit.
    ExperimentConfig plain = c;
    plain.data.heldout = 0;
    LmSession other(plain, test::dataDir());
    Recorder rec2;
    RunControl control2;
    other.train(rec2, control2);
    ASSERT_EQ(rec2.epochs.size(), 12u);
    EXPECT_EQ(rec2.epochs.back().perplexity, rec.epochs.back().perplexity);
    EXPECT_TRUE(std::isnan(rec2.epochs.back().heldoutPerplexity));
}

TEST(Training, HeldOutLargerThanTheCorpusIsAClearError)
{
    ExperimentConfig c = smallRun(Arch::Rnn, 1);
    c.data.maxTokens = 0;
    c.data.heldout = 1LL << 30;
    try {
        LmSession session(c, test::dataDir());
        FAIL() << "expected CorpusError";
    } catch (const CorpusError& e) {
        EXPECT_EQ(e.message().code, "corpus.heldout_too_big") << e.what();
        ASSERT_EQ(e.message().args.size(), 3u) << e.what();
        EXPECT_EQ(e.message().args[1], std::to_string(1LL << 30)) << e.what();
    }
}

// train.detach_state: false (the exercise of d2l 9.5): the state keeps its
// graph across the epoch's batches and the epoch back-propagates once, so
// there is one update (one gradient norm) per epoch; it still learns, but
// far fewer updates than the book's one per batch leave it behind.
TEST(Training, UndetachedStateBackPropagatesThroughTheEpoch)
{
    ExperimentConfig c = smallRun(Arch::Gru, 8);
    c.model.hidden = 32;
    c.train.detachState = false;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    const RunResult r = session.train(rec, control);
    ASSERT_EQ(r.status, RunStatus::Finished) << r.message;
    ASSERT_EQ(rec.epochs.size(), 8u);
    EXPECT_EQ(rec.batches.size(), 8u) << "one update per epoch";
    EXPECT_LT(rec.epochs.back().perplexity, rec.epochs.front().perplexity);

    ExperimentConfig book = c;
    book.train.detachState = true;
    LmSession bookSession(book, test::dataDir());
    Recorder bookRec;
    RunControl bookControl;
    bookSession.train(bookRec, bookControl);
    EXPECT_GT(bookRec.batches.size(), 8u * 5);
    EXPECT_LT(bookRec.epochs.back().perplexity, rec.epochs.back().perplexity);
}

TEST(Training, UndetachedStateIsRefusedWhereItCannotWork)
{
    ExperimentConfig random = smallRun(Arch::Rnn, 1);
    random.train.detachState = false;
    random.data.sampling = Sampling::Random;
    EXPECT_THROW(LmSession(random, test::dataDir()), ConfigError);
    // The whole corpus through a 4096-unit LSTM in one graph: refused with its size.
    ExperimentConfig huge = smallRun(Arch::Lstm, 1);
    huge.train.detachState = false;
    huge.data.maxTokens = 0;
    huge.model.hidden = 4096;
    try {
        LmSession session(huge, test::dataDir());
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "train.detach_state") << e.what();
        EXPECT_EQ(e.message().code, "train.detach_too_big") << e.what();
        ASSERT_EQ(e.message().args.size(), 4u) << e.what();
        EXPECT_EQ(e.message().args[3], "2") << e.what();  // the limit, in GiB
    }
}

// model.embedding trains end to end (the embedding learns with the rest) and
// its checkpoint reloads into a model built from the same config.
TEST(Training, LearnedEmbeddingTrainsAndReloads)
{
    ExperimentConfig c = smallRun(Arch::Gru, 6);
    c.model.hidden = 32;
    c.model.embedding = 16;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    const RunResult r = session.train(rec, control);
    ASSERT_EQ(r.status, RunStatus::Finished);
    EXPECT_LT(rec.epochs.back().perplexity, rec.epochs.front().perplexity);
    const std::int64_t V = static_cast<std::int64_t>(session.corpus().vocab.size());
    // embedding V x 16, then W_ih 3H x 16 in place of 3H x V.
    ExperimentConfig oneHot = c;
    oneHot.model.embedding = 0;
    LmSession plain(oneHot, test::dataDir());
    EXPECT_EQ(session.parameterCount() - plain.parameterCount(), V * 16 + 3 * 32 * 16 - 3 * 32 * V);
    const auto path = (std::filesystem::temp_directory_path() / "traveller-embedding-test.pt").string();
    session.saveCheckpoint(path, 6);
    LmSession again(c, test::dataDir());
    again.loadCheckpoint(path);
    EXPECT_EQ(again.generate("time traveller", 20), session.generate("time traveller", 20));
    std::filesystem::remove(path);
}

TEST(Training, MissingGpuIsAClearError)
{
    if (cudaSupportCompiled())
        GTEST_SKIP() << "this LibTorch has CUDA";
    ExperimentConfig c = smallRun(Arch::Rnn, 1);
    c.train.device = "cuda:0";
    try {
        LmSession session(c, test::dataDir());
        FAIL() << "expected DeviceError";
    } catch (const DeviceError& e) {
        EXPECT_EQ(e.message().code, "device.no_cuda_build") << e.what();
        EXPECT_EQ(e.message().args, std::vector<std::string>{"cuda:0"}) << e.what();
    }
    EXPECT_THROW(resolveDeviceSpec("gpu"), DeviceError);
    EXPECT_EQ(resolveDeviceSpec("auto"), "cpu");
}

TEST(Training, GenerateAndCheckpointRoundTrip)
{
    ExperimentConfig c = smallRun(Arch::Lstm, 5);
    c.model.hidden = 32;
    LmSession session(c, test::dataDir());
    Recorder rec;
    RunControl control;
    session.train(rec, control);
    const std::string greedy = session.generate("the time", 20);
    EXPECT_EQ(greedy.rfind("the time", 0), 0u);
    EXPECT_EQ(greedy.size(), 28u);
    EXPECT_EQ(session.generate("the time", 20), greedy) << "greedy is deterministic";
    const std::string warm = session.generate("the time", 40, 1.0, 5);
    EXPECT_EQ(session.generate("the time", 40, 1.0, 5), warm) << "same seed, same sample";

    const std::string path = ::testing::TempDir() + "traveller-ckpt.pt";
    session.saveCheckpoint(path);
    ExperimentConfig fresh = c;
    fresh.train.seed = 99;  // different initial weights
    LmSession other(fresh, test::dataDir());
    EXPECT_NE(other.generate("the time", 20), greedy);
    other.loadCheckpoint(path);
    EXPECT_EQ(other.generate("the time", 20), greedy);
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

    // The same checkpoint into a model of another size is refused with a
    // message, and the model keeps its own weights.
    ExperimentConfig bigger = c;
    bigger.model.hidden = 48;
    LmSession mismatched(bigger, test::dataDir());
    const std::string before = mismatched.generate("the time", 20);
    try {
        mismatched.loadCheckpoint(path);
        ADD_FAILURE() << "a hidden-32 checkpoint loaded into a hidden-48 model";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    EXPECT_EQ(mismatched.generate("the time", 20), before);
    // So is a file that is not there.
    EXPECT_THROW(mismatched.loadCheckpoint(path + ".missing"), Error);
    std::filesystem::remove(path);
}
