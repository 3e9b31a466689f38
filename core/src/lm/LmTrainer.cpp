// Training a language model: the language model's part of the one training
// loop (TrainingLoop.h) and LmSession::train.
#include "traveller/core/lm/Training.h"
#include "traveller/core/Format.h"
#include "TrainingLoop.h"
#include "lm/Inspect.h"

#include "Checkpoint.h"
#include "SeedLock.h"

#include "lm/GradClip.h"
#include "lm/LmBatches.h"
#include "lm/LmModels.h"
#include "lm/Precision.h"
#include "traveller/core/Errors.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunRules.h"

#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <torch/version.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sched.h>
#include <sys/mman.h>
#include <cmath>
#include <limits>
#include <malloc.h>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include "lm/LmSessionImpl.h"

namespace traveller {

namespace {

// The language model's part of the training loop: a batch of characters
// through the model, cross-entropy, clipping; an epoch's perplexity, its
// sample, and the weights a stop goes back to. (A template so that it can
// hold the session's private Impl.)
template <class Impl>
class LmTrainer : public TrainingLoop {
public:
    LmTrainer(Impl& d, TrainingObserver& observer, RunControl& control, RunResult& result)
        : TrainingLoop(control, d.config.train.epochs), d_(d), cfg_(d.config), observer_(observer), result_(result),
          control_(control), params_(d.model->parameters()), run_(d.config), scheduled_(d.config.train.schedule)
    {
        run_.train.epochs = d.config.train.epochs + d.epochsBefore;  // the run's, not this session's
        stored_ = run_;
        // A resumed run: the schedule's changes before this session took
        // effect then; its settings are set to them again, silently.
        for (const ScheduleEntry& e : scheduled_)
            if (e.epoch <= d.epochsBefore)
                for (const auto& [key, value] : e.set)
                    apply(key, value, 0);
        keepWeights();
    }

    // Whether a setting changed while it trained, and the run's settings as
    // they are to be kept: as it started, live changes in its schedule, its
    // epochs the last it trained to (what a replay starts from).
    bool settingsChanged() const { return changed_; }
    ExperimentConfig runSettings() const
    {
        ExperimentConfig kept = stored_;
        kept.train.epochs = run_.train.epochs;
        return kept;
    }

private:
    // Where a scheduled or live change lands: before batch `index` of the
    // session's epoch `epoch`, in the run's numbering.
    void beforeBatch(int epoch, std::int64_t index) override
    {
        const int runEpoch = epoch + d_.epochsBefore;
        for (const ScheduleEntry& e : scheduled_)
            if (e.epoch == runEpoch && e.batch == index)
                for (const auto& [key, value] : e.set)
                    change(runEpoch, index, key, value, false);
        for (const auto& [key, value] : control_.takeChanges()) {
            try {
                change(runEpoch, index, key, value, true);
                control_.setChangeRefused("");
            } catch (const ConfigError& e) {
                control_.setChangeRefused(e.what());  // the run goes on as it was
            }
        }
    }

    void change(int runEpoch, std::int64_t index, const std::string& key, const std::string& value, bool live)
    {
        const std::string from = configValue(run_, key);
        apply(key, value, runEpoch);
        const std::string to = configValue(run_, key);
        if (from == to)
            return;
        if (live) {
            // Written into the run's schedule, where a replay finds it.
            auto& schedule = stored_.train.schedule;
            const auto at = std::find_if(schedule.begin(), schedule.end(), [&](const ScheduleEntry& e) {
                return e.epoch > runEpoch || (e.epoch == runEpoch && e.batch > index);
            });
            schedule.insert(at, ScheduleEntry{runEpoch, index, {{key, value}}});
        }
        changed_ = true;
        const SettingEvent event{runEpoch, index, key, from, to, live};
        result_.events.push_back(event);
        observer_.onSettingChanged(event);
    }

    // Sets `key` in the run's settings and where it acts: the optimizer's
    // rate, the clipping threshold and samples (read from the session's
    // config), the epochs to train to. ConfigError for a change the run
    // cannot take (withLiveChange).
    void apply(const std::string& key, const std::string& value, int runEpoch)
    {
        run_ = withLiveChange(run_, key, value, runEpoch);
        auto& session = d_.config;
        session.train.lr = run_.train.lr;
        session.train.clip = run_.train.clip;
        session.sample = run_.sample;
        if (key == "train.lr" || key == "train.epochs")
            setRate(runEpoch);
        if (key == "train.epochs") {
            session.train.epochs = run_.train.epochs - d_.epochsBefore;
            setEpochs(session.train.epochs);
        }
    }

    // The optimizer's rate for the run's epoch: train.lr as its shape
    // (train.lr_schedule) has it then.
    void setRate(int runEpoch)
    {
        const double rate = learningRateAt(run_.train, std::max(runEpoch, 1));
        for (auto& group : d_.optimizer->param_groups())
            group.options().set_lr(rate);
    }

    void beginEpoch(int epoch) override
    {
        setRate(epoch + d_.epochsBefore);
        rngAtEpochStart_ = d_.rng;
        batches_ = d_.batches->epoch(d_.rng);
        state_ = lm::RnnState();
        epochLoss_ = torch::Tensor();
        epochTokens_ = 0;
    }

    std::optional<Step> trainBatch(int, std::int64_t index) override
    {
        if (index >= static_cast<std::int64_t>(batches_.size()))
            return std::nullopt;
        if (!cfg_.train.detachState)
            return trainThroughTheEpoch(index);
        const auto& batch = batches_[static_cast<std::size_t>(index)];
        const auto x = batch.x.to(d_.device);
        const auto y = batch.y.to(d_.device);
        // Sequential batches continue the previous ones: carry the state but cut
        // the graph. Random batches are unrelated: start from zeros.
        if (!state_.defined() || cfg_.data.sampling == Sampling::Random)
            state_ = d_.model->initialState(x.size(0), d_.device);
        else
            state_ = state_.detached();
        const auto loss = forwardLoss(x, y);
        d_.optimizer->zero_grad();
        loss.backward();
        Step step;
        step.gradNorm = lm::clipGradNorm(params_, cfg_.train.clip);
        step.meanLoss = loss.template item<double>();
        if (!std::isfinite(step.meanLoss) || !std::isfinite(*step.gradNorm))
            return step;  // the loop reports the divergence; no update from it
        d_.optimizer->step();
        step.tokens = static_cast<double>(y.numel());
        step.loss = step.meanLoss * step.tokens;
        return step;
    }

    // The batch's forward and its loss in train.precision (lm::ForwardScope);
    // the backward runs outside: the fused layers kept their mode for it.
    torch::Tensor forwardLoss(const torch::Tensor& x, const torch::Tensor& y)
    {
        const lm::ForwardScope precision(precision_);
        const auto logits = d_.model->forward(x, state_);
        if (state_.h.scalar_type() != torch::kFloat32)  // autocast's layers hand back bf16 states
            state_ = {state_.h.to(torch::kFloat32), state_.c.defined() ? state_.c.to(torch::kFloat32) : state_.c};
        return torch::nn::functional::cross_entropy(logits, y.t().reshape(-1));
    }

    // train.detach_state: false — the state keeps its graph from batch to
    // batch; the losses add up and the epoch's last batch back-propagates
    // through all of them, then updates the weights once.
    std::optional<Step> trainThroughTheEpoch(std::int64_t index)
    {
        const auto& batch = batches_[static_cast<std::size_t>(index)];
        const auto x = batch.x.to(d_.device);
        const auto y = batch.y.to(d_.device);
        if (!state_.defined())
            state_ = d_.model->initialState(x.size(0), d_.device);
        const auto loss = forwardLoss(x, y);
        Step step;
        step.meanLoss = loss.template item<double>();
        if (!std::isfinite(step.meanLoss))
            return step;
        step.tokens = static_cast<double>(y.numel());
        step.loss = step.meanLoss * step.tokens;
        epochLoss_ = epochLoss_.defined() ? epochLoss_ + loss * step.tokens : loss * step.tokens;
        epochTokens_ += step.tokens;
        if (index + 1 < static_cast<std::int64_t>(batches_.size()))
            return step;
        d_.optimizer->zero_grad();
        (epochLoss_ / epochTokens_).backward();
        epochLoss_ = torch::Tensor();
        step.gradNorm = lm::clipGradNorm(params_, cfg_.train.clip);
        if (std::isfinite(*step.gradNorm))
            d_.optimizer->step();
        return step;
    }

    void afterBatch(int epoch, std::int64_t index, const Step& step) override
    {
        if (!step.gradNorm)
            return;  // a batch of an undetached epoch: no update of its own
        observer_.onBatch({epoch, index, step.meanLoss, *step.gradNorm, cfg_.train.clip > 0 && *step.gradNorm > cfg_.train.clip});
    }

    std::optional<std::string> endEpoch(const Epoch& e) override
    {
        keepWeights();
        result_.perplexity = std::exp(e.lossSum / e.tokens);
        // A model far worse than guessing uniformly (perplexity = vocabulary size)
        // has blown up even while each loss is still finite: lr 10 on an RNN ends
        // near 1e22. Report that as divergence rather than a finished run.
        const double limit = kDivergedPerplexityFactor * static_cast<double>(d_.corpus.vocab.size());
        const bool blownUp = !(result_.perplexity <= limit);
        EpochStats stats;
        stats.epoch = e.epoch;
        stats.epochs = e.epochs;
        stats.perplexity = result_.perplexity;
        stats.heldoutPerplexity = d_.heldoutPerplexity();
        result_.heldoutPerplexity = stats.heldoutPerplexity;
        stats.tokensPerSecond = e.tokens / e.seconds;
        // Counted in the run's epochs: a resumed or continued run samples
        // where (and what) an uninterrupted one does.
        const int runEpoch = e.epoch + d_.epochsBefore;
        if ((cfg_.sample.every > 0 && runEpoch % cfg_.sample.every == 0) || e.epoch == e.epochs || blownUp) {
            stats.hasSample = true;
            stats.sample = d_.continueText(cfg_.sample.prefix, cfg_.sample.length, cfg_.sample.temperature,
                                           cfg_.train.seed + static_cast<std::uint64_t>(runEpoch));
            d_.model->train();
        }
        stats.elapsedSeconds = activeSeconds();
        observer_.onEpoch(stats);
        if (!blownUp)
            return std::nullopt;
        const std::string what = message("train.perplexity_limit",
                                         {formatNumber(result_.perplexity, 1, "NaN"), formatNumber(limit, 0),
                                          std::to_string(static_cast<int>(kDivergedPerplexityFactor))})
                                     .text();
        if (cfg_.train.onDivergence == OnDivergence::Stop)
            return what;
        // train.on_divergence: continue: the run goes on (a NaN or infinite
        // loss still ends it, in the loop); the first blow-up is remembered.
        if (result_.blewUpAt == 0) {
            result_.blewUpAt = runEpoch;
            result_.message = message("train.blew_up", {std::to_string(runEpoch), what}).text();
        }
        return std::nullopt;
    }

    // A run stopped in the middle of an epoch goes back to the weights of the
    // last whole one, so that "stopped at epoch N" is the model of epoch N (its
    // curve, its samples and any text written with it afterwards agree).
    // The weights and the data order go back to the last whole epoch, so a
    // stopped run resumed from its checkpoint trains exactly the epochs an
    // uninterrupted run would (the partial epoch had drawn its offset).
    void undoPartialEpoch() override
    {
        d_.rng = rngAtEpochStart_;
        epochLoss_ = torch::Tensor();
        torch::NoGradGuard noGrad;
        for (std::size_t i = 0; i < params_.size(); ++i)
            params_[i].copy_(lastEpochWeights_[i]);
    }

    std::string learningRate() const override { return message("train.learning_rate", {configValue(cfg_, "train.lr")}).text(); }
    int epochsBefore() const override { return d_.epochsBefore; }

    void keepWeights()
    {
        torch::NoGradGuard noGrad;
        lastEpochWeights_.clear();
        for (const auto& p : params_)
            lastEpochWeights_.push_back(p.detach().clone());
    }

    Impl& d_;
    const ExperimentConfig& cfg_;
    TrainingObserver& observer_;
    RunResult& result_;
    RunControl& control_;
    const std::vector<torch::Tensor> params_;
    ExperimentConfig run_;                         // the run's settings as they are now
    ExperimentConfig stored_;                      // as it started, with the live changes in its schedule
    const std::vector<ScheduleEntry> scheduled_;   // the schedule it started with
    bool changed_ = false;
    std::vector<torch::Tensor> lastEpochWeights_;
    std::mt19937_64 rngAtEpochStart_;
    std::vector<lm::Batch> batches_;
    lm::RnnState state_;
    const lm::ForwardPrecision precision_ = lm::forwardPrecisionFor(cfg_.train.precision, cfg_.model.impl, d_.device);
    torch::Tensor epochLoss_;  // train.detach_state: false, the epoch's summed loss so far
    double epochTokens_ = 0;
};

} // namespace

RunResult LmSession::train(TrainingObserver& observer, RunControl& control)
{
    const auto& cfg = impl_->config;
    // OpenMP's thread count belongs to the calling thread: set it on the one
    // that trains (a GUI worker thread, say), not only where the config was read.
    setTrainingThreads(cfg.train.threads);
    RunResult result;
    result.device = impl_->deviceName;
    result.perplexity = std::numeric_limits<double>::quiet_NaN();
    impl_->model->train();
    LmTrainer<Impl> loop(*impl_, observer, control, result);
    const TrainingLoop::Outcome outcome = loop.run();
    result.status = outcome.status;
    result.epochsDone = outcome.epochsDone;
    result.divergedEpoch = outcome.divergedEpoch;
    // Why the loop ended first; a blow-up trained through before it, in brackets.
    if (!outcome.message.empty())
        result.message = result.message.empty() ? outcome.message : outcome.message + " (" + result.message + ")";
    result.tokensPerSecond = outcome.tokensPerSecond;
    if (loop.settingsChanged())
        result.config = loop.runSettings();
    // Samples of whatever the model learned, also after a stop or a divergence
    // (a diverged model's text shows what went wrong).
    for (const std::string& prefix : {cfg.sample.prefix, std::string("traveller")})
        result.samples[prefix] = impl_->continueText(prefix, cfg.sample.length, cfg.sample.temperature, cfg.train.seed);
    impl_->model->train();
    result.seconds = loop.activeSeconds();
    return result;
}

} // namespace traveller
