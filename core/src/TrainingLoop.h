// The one training loop of every Traveller model (internal to the core): the
// language model (LmSession) and the encoder-decoder (TranslationSession)
// each say how to train one batch and what an epoch's end means; the loop
// owns the rest, the same for both:
//  - epochs of batches, until the planned count;
//  - the run's stop and pause (RunControl), checked before every epoch and
//    after every batch; a stop mid-epoch ends the run at the last whole epoch
//    (the model may undo the partial epoch's updates);
//  - time without the pauses, and the speed over the batches actually trained;
//  - a loss or gradient norm that is no longer finite: the run diverged,
//    with one message naming the epoch and the learning rate.
// Checkpoints and the run library are the recorder's (an observer of the
// epochs, TrainRecordedRun.cpp), for both models alike.
#pragma once

#include "traveller/core/Messages.h"
#include "traveller/core/lm/Training.h"
#include "lm/CoreShare.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace traveller {

class TrainingLoop {
public:
    struct Step {
        double loss = 0;        // summed over the batch's tokens (or sequences)
        double tokens = 0;      // what the loss is summed over
        double meanLoss = 0;    // the batch's own mean loss (what the observer is shown)
        std::optional<double> gradNorm;  // before clipping, when the model measured it
    };
    struct Epoch {
        int epoch = 0;
        int epochs = 0;
        double lossSum = 0;
        double tokens = 0;
        double seconds = 0;  // this epoch's, pauses left out
    };
    struct Outcome {
        RunStatus status = RunStatus::Finished;
        int epochsDone = 0;
        int divergedEpoch = 0;
        std::string message;
        double tokensPerSecond = 0;  // over every batch trained, a stopped partial epoch included
        double seconds = 0;          // the whole run's, pauses left out
    };

    TrainingLoop(RunControl& control, int epochs) : control_(control), epochs_(epochs) {}
    virtual ~TrainingLoop() = default;

    Outcome run()
    {
        Outcome out;
        double trainSeconds = 0, trainTokens = 0;
        lm::CoreShare share(trainingThreads(), lm::followsFreeCores());
        for (int epoch = 1; epoch <= epochs_; ++epoch) {
            if (!control_.proceed()) {
                out.status = RunStatus::Stopped;
                break;
            }
            const auto epochStart = Clock::now();
            const double pausedAtEpochStart = control_.pausedSeconds();
            beginEpoch(epoch);
            Epoch totals{epoch, epochs_, 0, 0, 0};
            bool stopped = false;
            for (std::int64_t index = 0;; ++index) {
                share.adjust();
                beforeBatch(epoch, index);
                const std::optional<Step> step = trainBatch(epoch, index);
                if (!step)
                    break;
                const bool lossBad = !std::isfinite(step->meanLoss);
                if (lossBad || (step->gradNorm && !std::isfinite(*step->gradNorm))) {
                    const double bad = lossBad ? step->meanLoss : *step->gradNorm;
                    diverge(out, epoch,
                            message(lossBad ? (std::isnan(bad) ? "train.loss_nan" : "train.loss_inf")
                                            : (std::isnan(bad) ? "train.grad_nan" : "train.grad_inf"))
                                .text());
                    break;
                }
                totals.lossSum += step->loss;
                totals.tokens += step->tokens;
                afterBatch(epoch, index, *step);
                if (!control_.proceed()) {
                    stopped = true;
                    break;
                }
            }
            if (out.status == RunStatus::Diverged)
                break;
            totals.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count() -
                             (control_.pausedSeconds() - pausedAtEpochStart);
            // A partial epoch still counts for speed, not as a completed epoch.
            trainSeconds += totals.seconds;
            trainTokens += totals.tokens;
            if (stopped) {
                out.status = RunStatus::Stopped;
                undoPartialEpoch();
                break;
            }
            out.epochsDone = epoch;
            if (const std::optional<std::string> blownUp = endEpoch(totals)) {
                diverge(out, epoch, *blownUp);
                break;
            }
        }
        out.tokensPerSecond = trainSeconds > 0 ? trainTokens / trainSeconds : 0;
        out.seconds = activeSeconds();
        return out;
    }

    // Wall time since the loop was made, without the pauses: a paused run is
    // not training.
    double activeSeconds() const
    {
        return std::chrono::duration<double>(Clock::now() - start_).count() -
               (control_.pausedSeconds() - pausedAtStart_);
    }

protected:
    // Before each epoch's batches (a fresh shuffle, say).
    virtual void beginEpoch(int /*epoch*/) {}
    // Before each batch: where scheduled and live changes of settings land.
    virtual void beforeBatch(int /*epoch*/, std::int64_t /*index*/) {}
    // The epochs to train to, changed while training (train.epochs, live or
    // scheduled); never below the epoch being trained.
    void setEpochs(int epochs) { epochs_ = epochs; }
    int epochs() const { return epochs_; }
    // Trains on batch `index` of the epoch; nothing when the epoch has no more.
    virtual std::optional<Step> trainBatch(int epoch, std::int64_t index) = 0;
    // After each batch that trained (the gradient chart's point).
    virtual void afterBatch(int /*epoch*/, std::int64_t /*index*/, const Step& /*step*/) {}
    // A whole epoch done: report it. A reason when the model has blown up
    // although every loss stayed finite (the run then diverged).
    virtual std::optional<std::string> endEpoch(const Epoch& epoch) = 0;
    // A stop mid-epoch: go back to the weights of the last whole epoch.
    virtual void undoPartialEpoch() {}
    // "learning rate 10": how the message names the run's rate.
    virtual std::string learningRate() const = 0;
    // Epochs the run had trained before this session (a resumed checkpoint):
    // messages name the run's epoch, not the session's.
    virtual int epochsBefore() const { return 0; }

private:
    using Clock = std::chrono::steady_clock;

    void diverge(Outcome& out, int epoch, const std::string& what) const
    {
        out.status = RunStatus::Diverged;
        out.divergedEpoch = epoch;
        out.message = message("train.diverged", {std::to_string(epoch + epochsBefore()), what, learningRate()}).text();
    }

    RunControl& control_;
    int epochs_;
    const Clock::time_point start_ = Clock::now();
    const double pausedAtStart_ = control_.pausedSeconds();
};

} // namespace traveller
