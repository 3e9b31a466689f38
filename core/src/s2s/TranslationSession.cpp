#include "traveller/core/Translation.h"

#include "Checkpoint.h"
#include "SeedLock.h"

#include "s2s/S2sModels.h"
#include "traveller/core/Errors.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace traveller {

struct TranslationSession::Impl {
    TranslationConfig config;
    TranslationCorpus corpus;
    std::string deviceName;
    torch::Device device{torch::kCPU};
    s2s::Seq2Seq model{nullptr};
    std::unique_ptr<torch::optim::Adam> optimizer;
    // Whole training set on the device: X, Y (N, T) int64; valid lengths (N).
    torch::Tensor x, xValid, y, yValid;
    std::int64_t bos = 0, eos = 0, pad = 0;

    Translation translate(const std::string& sentence, int beam);
};

TranslationSession::TranslationSession(const TranslationConfig& config, const std::string& dataDir)
    : impl_(std::make_unique<Impl>())
{
    validate(config);
    auto& d = *impl_;
    d.config = config;
    d.deviceName = resolveDeviceSpec(config.train.device);
    d.device = torch::Device(d.deviceName);
    d.corpus = loadTranslationCorpus(config.data, dataDir);
    d.bos = d.corpus.targetVocab.index("<bos>");
    d.eos = d.corpus.targetVocab.index("<eos>");
    d.pad = d.corpus.targetVocab.index("<pad>");

    auto toTensors = [&](const std::vector<Tokens>& side, const Vocab& vocab, torch::Tensor& ids, torch::Tensor& valid) {
        const auto padded = padSequences(side, vocab, config.data.numSteps);
        std::vector<std::int64_t> flat;
        for (const auto& row : padded.ids)
            flat.insert(flat.end(), row.begin(), row.end());
        const auto n = static_cast<std::int64_t>(padded.ids.size());
        ids = torch::tensor(flat, torch::kInt64).view({n, config.data.numSteps}).to(d.device);
        valid = torch::tensor(padded.validLengths, torch::kInt64).to(d.device);
    };
    toTensors(d.corpus.source, d.corpus.sourceVocab, d.x, d.xValid);
    toTensors(d.corpus.target, d.corpus.targetVocab, d.y, d.yValid);

    // Seed before building the model: its initial weights come from this stream.
    {
        std::lock_guard lock(seedLock());
        torch::manual_seed(config.train.seed);
        d.model = s2s::Seq2Seq(config.model, d.corpus.sourceVocab.size(), d.corpus.targetVocab.size());
        s2s::xavierInit(*d.model);
    }
    d.model->to(d.device);
    d.optimizer = std::make_unique<torch::optim::Adam>(d.model->parameters(), torch::optim::AdamOptions(config.train.lr));
}

TranslationSession::~TranslationSession() = default;

const TranslationConfig& TranslationSession::config() const { return impl_->config; }
const TranslationCorpus& TranslationSession::corpus() const { return impl_->corpus; }
std::string TranslationSession::device() const { return impl_->deviceName; }

std::int64_t TranslationSession::parameterCount() const
{
    std::int64_t n = 0;
    for (const auto& p : impl_->model->parameters())
        n += p.numel();
    return n;
}

TranslationRunResult TranslationSession::train(TranslationObserver& observer, RunControl& control)
{
    using Clock = std::chrono::steady_clock;
    auto& d = *impl_;
    const auto& cfg = d.config;
    const auto params = d.model->parameters();
    const auto runStart = Clock::now();
    const double pausedAtStart = control.pausedSeconds();
    // Wall time without the pauses: a paused run is not training.
    auto activeSeconds = [&] {
        return std::chrono::duration<double>(Clock::now() - runStart).count() - (control.pausedSeconds() - pausedAtStart);
    };
    const auto n = d.x.size(0);
    const auto steps = d.x.size(1);
    const auto batchSize = static_cast<std::int64_t>(cfg.train.batchSize);
    const auto longOptions = torch::TensorOptions().dtype(torch::kInt64).device(d.device);

    TranslationRunResult result;
    result.device = d.deviceName;
    result.loss = result.tokenLoss = std::numeric_limits<double>::quiet_NaN();
    double trainSeconds = 0;
    double trainTokens = 0;
    d.model->train();

    for (int epoch = 1; epoch <= cfg.train.epochs && result.status == RunStatus::Finished; ++epoch) {
        if (!control.proceed()) {
            result.status = RunStatus::Stopped;
            break;
        }
        const auto epochStart = Clock::now();
        const double pausedAtEpochStart = control.pausedSeconds();
        // A fresh shuffle each epoch, the last batch possibly short (the book's DataLoader).
        const auto order = torch::randperm(n, torch::TensorOptions().dtype(torch::kInt64)).to(d.device);
        double lossSum = 0, tokens = 0;
        bool stopped = false;
        for (std::int64_t start = 0; start < n; start += batchSize) {
            const auto idx = order.slice(0, start, std::min(n, start + batchSize));
            const auto x = d.x.index_select(0, idx), xValid = d.xValid.index_select(0, idx);
            const auto y = d.y.index_select(0, idx), yValid = d.yValid.index_select(0, idx);
            // Teacher forcing: <bos> then the target shifted right.
            const auto decoderInput = torch::cat({torch::full({idx.size(0), 1}, d.bos, longOptions), y.slice(1, 0, steps - 1)}, 1);
            const auto logits = d.model->forward(x, xValid, decoderInput);  // (B, T, V)
            const auto loss = s2s::maskedCrossEntropy(logits, y, yValid).sum();
            d.optimizer->zero_grad();
            loss.backward();
            if (cfg.train.clip > 0)
                torch::nn::utils::clip_grad_norm_(params, cfg.train.clip);
            const double lossValue = loss.item<double>();
            if (!std::isfinite(lossValue)) {
                result.status = RunStatus::Diverged;
                result.message = "diverged at epoch " + std::to_string(epoch) + ": the loss became " +
                                 (std::isnan(lossValue) ? "NaN" : "infinite") + " (learning rate too high?)";
                break;
            }
            d.optimizer->step();
            lossSum += lossValue;
            tokens += static_cast<double>(yValid.sum().item<std::int64_t>());
            if (!control.proceed()) {
                stopped = true;
                break;
            }
        }
        if (result.status == RunStatus::Diverged)
            break;
        const double seconds = std::chrono::duration<double>(Clock::now() - epochStart).count() -
                               (control.pausedSeconds() - pausedAtEpochStart);
        trainSeconds += seconds;
        trainTokens += tokens;
        if (stopped) {
            result.status = RunStatus::Stopped;
            break;
        }
        result.epochsDone = epoch;
        result.loss = lossSum / tokens;
        // Each sequence's loss is a mean over all T positions: times T it is per token.
        result.tokenLoss = result.loss * static_cast<double>(steps);
        TranslationEpochStats stats;
        stats.epoch = epoch;
        stats.epochs = cfg.train.epochs;
        stats.loss = result.loss;
        stats.tokenLoss = result.tokenLoss;
        stats.tokensPerSecond = tokens / seconds;
        stats.elapsedSeconds = activeSeconds();
        observer.onEpoch(stats);
    }
    result.tokensPerSecond = trainSeconds > 0 ? trainTokens / trainSeconds : 0;
    result.seconds = activeSeconds();
    return result;
}

Translation TranslationSession::Impl::translate(const std::string& sentence, int beam)
{
    const int numSteps = config.data.numSteps;
    Translation t;
    t.source = sentence;
    const auto words = splitTokens(preprocessNmt(sentence));
    std::vector<std::int64_t> ids;
    for (const auto& w : words) {
        const auto id = corpus.sourceVocab.index(w);
        if (id == 0 && w != "<unk>")
            t.unknownWords.push_back(w);
        if (static_cast<int>(ids.size()) < numSteps) {
            ids.push_back(id);
            t.sourceTokens.push_back(w);
        }
    }
    if (static_cast<int>(ids.size()) < numSteps) {
        ids.push_back(corpus.sourceVocab.index("<eos>"));
        t.sourceTokens.push_back("<eos>");
    }
    const auto valid = static_cast<std::int64_t>(ids.size());
    ids.resize(static_cast<std::size_t>(numSteps), corpus.sourceVocab.index("<pad>"));
    const auto source = torch::tensor(ids, torch::kInt64).view({1, numSteps}).to(device);

    model->eval();
    const auto decoded = beam <= 1 ? s2s::greedyDecode(model, source, valid, bos, eos, numSteps)
                                   : s2s::beamDecode(model, source, valid, bos, eos, numSteps, beam,
                                                     config.eval.lengthPenalty);
    model->train();
    for (auto id : decoded.ids)
        t.tokens.push_back(corpus.targetVocab.token(id));
    t.text = joinWords(t.tokens);
    t.attention = decoded.attention;
    t.logProbability = decoded.logProbability;
    return t;
}

Translation TranslationSession::translate(const std::string& sentence, int beam)
{
    return impl_->translate(sentence, beam > 0 ? beam : impl_->config.eval.beam);
}

Evaluation TranslationSession::evaluate(const std::vector<TranslationPair>& pairs, int beam)
{
    Evaluation e;
    std::vector<Tokens> hyps, refs;
    for (const auto& p : pairs) {
        const auto t = translate(p.source, beam);
        // Score against the reference as the corpus was prepared.
        const auto ref = splitTokens(preprocessNmt(p.reference));
        e.rows.push_back({p.source, t.text, joinWords(ref), sentenceBleu(t.tokens, ref, impl_->config.eval.bleuOrder)});
        hyps.push_back(t.tokens);
        refs.push_back(ref);
    }
    e.corpus = corpusBleu(hyps, refs);
    e.byLength = bleuByLength(e.rows);
    return e;
}

Evaluation TranslationSession::evaluateHeldout(int beam)
{
    return evaluate(impl_->corpus.heldout, beam);
}

void TranslationSession::saveCheckpoint(const std::string& path)
{
    saveCheckpointFile(*impl_->model, *impl_->optimizer, path);
}

void TranslationSession::loadCheckpoint(const std::string& path)
{
    loadCheckpointFile(*impl_->model, *impl_->optimizer, path, impl_->device);
}

} // namespace traveller
