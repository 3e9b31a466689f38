#include "traveller/core/Training.h"
#include "traveller/core/Format.h"
#include "TrainingLoop.h"
#include "lm/Inspect.h"

#include "Checkpoint.h"
#include "SeedLock.h"

#include "lm/GradClip.h"
#include "lm/LmBatches.h"
#include "lm/LmModels.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Json.h"
#include "traveller/core/RunRules.h"

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

namespace traveller {

namespace {
// Perplexity above this many times the vocabulary size counts as divergence.
constexpr double kDivergedPerplexityFactor = 100.0;
} // namespace

// ---------------------------------------------------------------- control

// The word of the state such a run is stored in (one vocabulary, RunRules.cpp).
std::string toString(RunStatus status) { return toString(storedState(status)); }

void RunControl::requestStop()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
}

void RunControl::pause() { pause_ = true; }

void RunControl::resume()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pause_ = false;
    }
    wake_.notify_all();
}

bool RunControl::proceed()
{
    if (pause_.load()) {
        const auto start = std::chrono::steady_clock::now();
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return !pause_.load() || stop_.load(); });
        const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        pausedSeconds_.store(pausedSeconds_.load() + waited);  // only the trainer's thread writes it
    }
    return !stop_.load();
}

// ---------------------------------------------------------------- runtime

namespace {
// Cores this process may run on: the affinity mask (taskset, cgroups' cpusets),
// not hardware_concurrency(), which counts every core of the machine and would
// oversubscribe a pinned process many times over.
int usableCores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}
} // namespace

namespace {

// Each batch allocates and frees the same few megabyte-sized tensors (the
// fused layers' gates and states, their gradients). Above glibc's mmap
// threshold each one is a fresh mapping whose pages fault in on first touch
// and go back to the kernel on free: on a VM that made the book's GRU run at
// 36k tokens/s instead of 86-99k (same binary, same numbers; PERFORMANCE.md).
// Kept in the heap instead, they are reused from batch to batch. Process-wide
// and set once, before the first training of either front end.
//
// The first touch of a page costs too: about 12 us per 4 KiB page on the 2-core
// VM (150 MB of fresh memory, 0.45 s), more than the arithmetic of a Lens reading
// at hidden 1024, which touches ~150 MB. Where transparent huge pages are
// "madvise" (Debian's default), the heap's next 224 MiB are advised as huge
// pages: grown by seven 32 MiB blocks (nothing is touched but their headers),
// advised, and freed back into the heap, which keeps them (under the trim
// threshold). A 2 MiB page then faults in where 512 small ones did: 150 MB of
// fresh memory in 0.04 s (bench/lens_floor.cpp; PERFORMANCE.md, "The Lens").
// Only the main thread's heap: other threads have their own arenas.
void adviseHugePagesForTheHeap()
{
#ifdef MADV_HUGEPAGE
    constexpr std::size_t kBlock = std::size_t(32) << 20, kBlocks = 7;
    constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
    void* blocks[kBlocks] = {};
    for (auto& b : blocks)
        b = std::malloc(kBlock);
    for (void* b : blocks) {
        if (!b)
            continue;
        const auto begin = (reinterpret_cast<std::uintptr_t>(b) + kHuge - 1) & ~(kHuge - 1);
        const auto end = (reinterpret_cast<std::uintptr_t>(b) + kBlock) & ~(kHuge - 1);
        if (end > begin)
            madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice: failure is harmless
    }
    for (void* b : blocks)
        std::free(b);
#endif
}

void keepBatchBuffersInTheHeap()
{
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 64 << 20);   // allocations up to 64 MiB from the heap
        mallopt(M_TRIM_THRESHOLD, 256 << 20);  // and up to 256 MiB of free heap kept for reuse
        adviseHugePagesForTheHeap();
    });
}

} // namespace

int setTrainingThreads(int threads)
{
    keepBatchBuffersInTheHeap();
    const int n = threads > 0 ? threads : usableCores();
    at::set_num_threads(n);
    return n;
}

int trainingThreads() { return at::get_num_threads(); }

bool cudaSupportCompiled() { return at::hasCUDA(); }

std::string torchVersion() { return TORCH_VERSION; }

std::string blasLibrary()
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string path = line.substr(slash);
        const std::string file = path.substr(path.rfind('/') + 1);
        if (file.rfind("libopenblas", 0) == 0 || file.rfind("libblas", 0) == 0 || file.rfind("libmkl", 0) == 0) {
            std::error_code ec;
            const std::string real = std::filesystem::canonical(path, ec).string();
            const std::string shown = ec ? path : real;
            if (shown.find("openblas") != std::string::npos) {
                const auto dir = std::filesystem::path(shown).parent_path().filename().string();
                return "OpenBLAS (" + dir + ")";
            }
            if (shown.find("mkl") != std::string::npos)
                return "Intel MKL (" + shown + ")";
            return "reference BLAS (" + shown + "): about 12x slower, install libopenblas0-openmp";
        }
    }
    return "linked statically or not loaded yet";
}

namespace {
// "NVIDIA H100 80GB HBM3 (79.2 GiB)" through the CUDA driver API, loaded at run
// time so core needs no CUDA headers; empty when the driver is not there.
std::string cudaDeviceDescription(int index)
{
    using InitFn = int (*)(unsigned);
    using GetFn = int (*)(int*, int);
    using NameFn = int (*)(char*, int, int);
    using MemFn = int (*)(std::size_t*, int);
    void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!lib)
        return {};
    auto init = reinterpret_cast<InitFn>(dlsym(lib, "cuInit"));
    auto get = reinterpret_cast<GetFn>(dlsym(lib, "cuDeviceGet"));
    auto name = reinterpret_cast<NameFn>(dlsym(lib, "cuDeviceGetName"));
    auto mem = reinterpret_cast<MemFn>(dlsym(lib, "cuDeviceTotalMem_v2"));
    std::string out;
    int device = 0;
    char buffer[256] = {};
    if (init && get && name && init(0) == 0 && get(&device, index) == 0 &&
        name(buffer, sizeof buffer - 1, device) == 0) {
        out = buffer;
        std::size_t bytes = 0;
        if (mem && mem(&bytes, device) == 0 && bytes > 0) {
            char gib[32];
            std::snprintf(gib, sizeof gib, " (%.1f GiB)", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
            out += gib;
        }
    }
    dlclose(lib);
    return out;
}
} // namespace

std::vector<DeviceInfo> availableDevices()
{
    std::vector<DeviceInfo> out;
    const int threads = trainingThreads();
    out.push_back({"cpu", "CPU (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)")});
    if (torch::cuda::is_available()) {
        const auto count = torch::cuda::device_count();
        for (std::size_t i = 0; i < count; ++i) {
            const std::string id = "cuda:" + std::to_string(i);
            const std::string name = cudaDeviceDescription(static_cast<int>(i));
            out.push_back({id, id + " \u2014 " + (name.empty() ? "CUDA GPU" : name)});
        }
    }
    return out;
}

std::string resolveDeviceSpec(const std::string& spec)
{
    if (spec == "cpu")
        return "cpu";
    if (spec == "auto")
        return torch::cuda::is_available() ? "cuda:0" : "cpu";
    std::string s = spec == "cuda" ? "cuda:0" : spec;
    if (s.rfind("cuda:", 0) != 0 || s.size() == 5 ||
        s.find_first_not_of("0123456789", 5) != std::string::npos)
        throw DeviceError(message("device.unknown", {spec}));
    const long index = std::stol(s.substr(5));
    if (!at::hasCUDA())
        throw DeviceError(message("device.no_cuda_build", {s}));
    const auto count = static_cast<long>(torch::cuda::device_count());
    if (count == 0)
        throw DeviceError(message("device.no_gpu", {s}));
    if (index >= count)
        throw DeviceError(message("device.index", {s, std::to_string(count),
                                                   "cuda:0" + (count > 1 ? "..cuda:" + std::to_string(count - 1) : "")}));
    return s;
}

// ---------------------------------------------------------------- session

struct LmSession::Impl {
    ExperimentConfig config;
    // Epochs the loaded checkpoint had trained: this session's epoch 1 is the
    // run's epochsBefore + 1 (sample intervals and their seeds count the run's).
    int epochsBefore = 0;
    Corpus corpus;
    std::string deviceName;
    torch::Device device{torch::kCPU};
    std::shared_ptr<lm::LanguageModel> model;
    std::unique_ptr<lm::LmBatches> batches;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    std::mt19937_64 rng;

    std::string continueText(const std::string& prefix, int length, double temperature, std::uint64_t seed);
    double heldoutPerplexity();
};

LmSession::LmSession(const ExperimentConfig& config, const std::string& dataDir) : impl_(std::make_unique<Impl>())
{
    validate(config);
    impl_->config = config;
    impl_->deviceName = resolveDeviceSpec(config.train.device);
    impl_->device = torch::Device(impl_->deviceName);
    impl_->corpus = loadCorpus(config.data, dataDir);
    impl_->batches = std::make_unique<lm::LmBatches>(impl_->corpus.ids, config.data.batchSize,
                                                      config.data.numSteps, config.data.sampling);
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
          params_(d.model->parameters())
    {
        keepWeights();
    }

private:
    void beginEpoch(int) override
    {
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
        const auto logits = d_.model->forward(x, state_);
        const auto loss = torch::nn::functional::cross_entropy(logits, y.t().reshape(-1));
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
        const auto logits = d_.model->forward(x, state_);
        const auto loss = torch::nn::functional::cross_entropy(logits, y.t().reshape(-1));
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
    const std::vector<torch::Tensor> params_;
    std::vector<torch::Tensor> lastEpochWeights_;
    std::mt19937_64 rngAtEpochStart_;
    std::vector<lm::Batch> batches_;
    lm::RnnState state_;
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
    // Samples of whatever the model learned, also after a stop or a divergence
    // (a diverged model's text shows what went wrong).
    for (const std::string& prefix : {cfg.sample.prefix, std::string("traveller")})
        result.samples[prefix] = impl_->continueText(prefix, cfg.sample.length, cfg.sample.temperature, cfg.train.seed);
    impl_->model->train();
    result.seconds = loop.activeSeconds();
    return result;
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

// The checkpoint also keeps the generator of the batches' random offsets, so a
// resumed run reads the same data in the same order as one that never stopped.
// (Dropout's masks come from LibTorch's global generator, which parallel runs
// share; a resumed run with dropout draws other masks from the same law.)
void LmSession::saveCheckpoint(const std::string& path, int epoch)
{
    std::ostringstream rngText;
    rngText << impl_->rng;
    const std::string text = rngText.str();
    auto bytes = torch::empty({static_cast<std::int64_t>(text.size())}, torch::kUInt8);
    std::memcpy(bytes.data_ptr<std::uint8_t>(), text.data(), text.size());
    CheckpointExtras extras{{"data_order_rng", bytes}};
    // The experiment too: a checkpoint file alone can be inspected or trained on.
    const std::string yaml = toYaml(impl_->config);
    auto config = torch::empty({static_cast<std::int64_t>(yaml.size())}, torch::kUInt8);
    std::memcpy(config.data_ptr<std::uint8_t>(), yaml.data(), yaml.size());
    extras[kCheckpointConfigKey] = config;
    if (epoch > 0)
        extras[kCheckpointEpochKey] = torch::tensor(static_cast<std::int64_t>(epoch), torch::kInt64);
    saveCheckpointFile(*impl_->model, *impl_->optimizer, path, extras);
}

int checkpointFileEpoch(const std::string& path)
{
    const torch::Tensor epoch = readCheckpointExtra(path, kCheckpointEpochKey);
    if (!epoch.defined())
        return 0;
    if (epoch.numel() != 1 || epoch.scalar_type() != torch::kInt64 || epoch.item<std::int64_t>() < 1 ||
        epoch.item<std::int64_t>() > std::numeric_limits<int>::max())
        throw Error("checkpoint '" + path + "': its epoch is damaged");
    return static_cast<int>(epoch.item<std::int64_t>());
}

std::string checkpointFileConfig(const std::string& path)
{
    const torch::Tensor bytes = readCheckpointExtra(path, kCheckpointConfigKey);
    if (!bytes.defined() || bytes.scalar_type() != torch::kUInt8 || bytes.dim() != 1)
        return {};
    const torch::Tensor c = bytes.contiguous();
    return std::string(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<std::size_t>(c.numel()));
}

Inspection LmSession::inspect(const std::string& text, const InspectOptions& options)
{
    const auto& cfg = impl_->config;
    return lm::inspectModel(*impl_->model, impl_->corpus.vocab, tokenizePrefix(text, cfg.data.tokens, cfg.data.normalize),
                            options);
}

void LmSession::loadCheckpoint(const std::string& path)
{
    CheckpointExtras extras{{"data_order_rng", torch::Tensor()}};
    loadCheckpointFile(*impl_->model, *impl_->optimizer, path, impl_->device, &extras);
    impl_->epochsBefore = checkpointFileEpoch(path);
    const auto found = extras.find("data_order_rng");
    if (found == extras.end())
        return;  // an older checkpoint: the order restarts from the seed
    const auto bytes = found->second.to(torch::kCPU).contiguous();
    std::istringstream rngText(std::string(reinterpret_cast<const char*>(bytes.data_ptr<std::uint8_t>()),
                                           static_cast<std::size_t>(bytes.numel())));
    std::mt19937_64 rng;
    if (!(rngText >> rng))
        throw Error("cannot load checkpoint '" + path + "': its data-order generator state is damaged");
    impl_->rng = rng;
}

} // namespace traveller
