// A language-model session (LmSession, Training.h): building it from an
// experiment, its text, held-out perplexity and the Lens's reading.
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
#include <algorithm>
#include <cmath>
#include <limits>
#include <malloc.h>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include "lm/LmSessionImpl.h"

namespace traveller {

LmSession::LmSession(const ExperimentConfig& config, const std::string& dataDir) : impl_(std::make_unique<Impl>())
{
    {
        // A resumed run's session trains the epochs left while its schedule
        // counts the run's (the file, --set and the library checked those).
        ExperimentConfig checked = config;
        for (const ScheduleEntry& e : checked.train.schedule)
            checked.train.epochs = std::max(checked.train.epochs, e.epoch);
        validate(checked);
    }
    impl_->config = config;
    impl_->deviceName = resolveDeviceSpec(config.train.device);
    impl_->device = torch::Device(impl_->deviceName);
    impl_->corpus = loadCorpus(config.data, dataDir);
    impl_->batches = std::make_unique<lm::LmBatches>(impl_->corpus.ids, config.data.batchSize,
                                                      config.data.numSteps, config.data.sampling);
    // A scheduled change lands before a batch of its epoch, or at its end
    // (batch = the epoch's batch count: a live change made during its last batch).
    for (std::size_t i = 0; i < config.train.schedule.size(); ++i)
        if (config.train.schedule[i].batch > impl_->batches->minBatches())
            throw ConfigError("train.schedule[" + std::to_string(i) + "].batch", 0, 0,
                              message("schedule.batch_beyond", {std::to_string(config.train.schedule[i].batch),
                                                                std::to_string(impl_->batches->minBatches())}));
    // Refuses bf16 on a CPU without it, before any training.
    lm::forwardPrecisionFor(config.train.precision, config.model.impl, impl_->device);
    if (!config.train.detachState) {
        // Back-propagation through the whole epoch keeps every time step's
        // activations and logits: say what that costs, refuse beyond a limit.
        if (config.data.sampling != Sampling::Sequential)
            throw ConfigError("train.detach_state", 0, 0, message("train.detach_random"));
        const std::int64_t steps = impl_->batches->minBatches() * config.data.numSteps;
        const std::int64_t perStep = config.data.batchSize *
                                     (static_cast<std::int64_t>(config.model.hidden) *
                                          (config.model.arch.info().gates + 3) * config.model.layers +
                                      3 * static_cast<std::int64_t>(impl_->corpus.vocab.size()));
        const double bytes = 4.0 * static_cast<double>(steps) * static_cast<double>(perStep);
        if (bytes > static_cast<double>(kMaxUndetachedBytes))
            throw ConfigError("train.detach_state", 0, 0,
                              message("train.detach_too_big",
                                      {std::to_string(steps), std::to_string(config.data.batchSize),
                                       formatNumber(bytes / (1 << 30), 1), std::to_string(kMaxUndetachedBytes >> 30)}));
    }
    // Seed before building the model: its initial weights come from this stream.
    {
        std::lock_guard lock(seedLock());
        torch::manual_seed(config.train.seed);
        impl_->model = lm::makeLanguageModel(config.model, impl_->corpus.vocab.size(), impl_->device);
    }
    impl_->rng.seed(config.train.seed);
    if (config.train.optimizer == Optimizer::Sgd)
        impl_->optimizer = std::make_unique<torch::optim::SGD>(impl_->model->parameters(),
                                                               torch::optim::SGDOptions(config.train.lr));
    else
        impl_->optimizer = std::make_unique<torch::optim::Adam>(impl_->model->parameters(),
                                                                torch::optim::AdamOptions(config.train.lr));
}

LmSession::~LmSession() = default;

const ExperimentConfig& LmSession::config() const { return impl_->config; }
const Corpus& LmSession::corpus() const { return impl_->corpus; }
std::string LmSession::device() const { return impl_->deviceName; }
std::int64_t LmSession::batchesPerEpoch() const { return impl_->batches->minBatches(); }

std::int64_t LmSession::parameterCount() const
{
    std::int64_t n = 0;
    for (const auto& p : impl_->model->parameters())
        n += p.numel();
    return n;
}


// The perplexity of the held-out tokens (data.heldout) under the current
// weights: split into batch_size contiguous streams read num_steps at a time
// with the state carried, as sequential training batches are, without
// gradients. NaN without held-out tokens.
double LmSession::Impl::heldoutPerplexity()
{
    const auto& h = corpus.heldout;
    if (h.size() < 2)
        return std::numeric_limits<double>::quiet_NaN();
    torch::NoGradGuard noGrad;
    model->eval();
    const auto predictions = static_cast<std::int64_t>(h.size()) - 1;
    const std::int64_t streams = std::min<std::int64_t>(config.data.batchSize, predictions);
    const std::int64_t length = predictions / streams;
    auto x = torch::empty({streams, length}, torch::kInt64);
    auto y = torch::empty({streams, length}, torch::kInt64);
    auto* px = x.data_ptr<std::int64_t>();
    auto* py = y.data_ptr<std::int64_t>();
    for (std::int64_t b = 0; b < streams; ++b)
        for (std::int64_t t = 0; t < length; ++t) {
            px[b * length + t] = h[static_cast<std::size_t>(b * length + t)];
            py[b * length + t] = h[static_cast<std::size_t>(b * length + t + 1)];
        }
    auto state = model->initialState(streams, device);
    double lossSum = 0;
    const std::int64_t steps = std::max(1, config.data.numSteps);
    for (std::int64_t t0 = 0; t0 < length; t0 += steps) {
        const std::int64_t n = std::min(steps, length - t0);
        const auto xs = x.narrow(1, t0, n).contiguous().to(device);
        const auto ys = y.narrow(1, t0, n).to(device);
        const auto logits = model->forward(xs, state);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, ys.t().reshape(-1),
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
    }
    model->train();
    return std::exp(lossSum / static_cast<double>(streams * length));
}

std::string LmSession::Impl::continueText(const std::string& prefix, int length, double temperature,
                                          std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    model->eval();
    const TokenKind kind = config.data.tokens;
    auto tokens = tokenizePrefix(prefix, kind, config.data.normalize);
    if (tokens.empty())
        tokens.push_back(kind == TokenKind::Char ? " " : "<unk>");
    std::vector<std::int64_t> ids;
    for (const auto& t : tokens)
        ids.push_back(corpus.vocab.index(t));
    std::mt19937_64 sampler(seed);
    auto state = model->initialState(1, device);
    auto step = [&](std::int64_t id) {
        const auto x = torch::full({1, 1}, id, torch::TensorOptions().dtype(torch::kInt64).device(device));
        return model->forward(x, state).reshape({-1}).to(torch::kCPU);  // (V)
    };
    // Warm up on the prefix (the book's predict_ch8), then extend it.
    for (std::size_t i = 0; i + 1 < ids.size(); ++i)
        step(ids[i]);
    std::int64_t last = ids.back();
    for (int i = 0; i < length; ++i) {
        const auto logits = step(last);
        std::int64_t next;
        if (temperature <= 0) {
            next = logits.argmax().item<std::int64_t>();
        } else {
            const auto probs = torch::softmax(logits.to(torch::kFloat64) / temperature, 0).contiguous();
            const double* p = probs.data_ptr<double>();
            std::discrete_distribution<std::int64_t> pick(p, p + probs.numel());
            next = pick(sampler);
        }
        ids.push_back(next);
        last = next;
    }
    std::vector<std::string> out;
    for (auto id : ids)
        out.push_back(corpus.vocab.token(id));
    return joinTokens(out, kind);
}

std::string LmSession::generate(const std::string& prefix, int length, double temperature, std::uint64_t seed)
{
    setTrainingThreads(impl_->config.train.threads);
    const std::string text = impl_->continueText(prefix, length, temperature, seed);
    impl_->model->train();
    return text;
}


Inspection LmSession::inspect(const std::string& text, const InspectOptions& options)
{
    const auto& cfg = impl_->config;
    return lm::inspectModel(*impl_->model, impl_->corpus.vocab, tokenizePrefix(text, cfg.data.tokens, cfg.data.normalize),
                            options);
}

} // namespace traveller
