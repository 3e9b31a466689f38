#include "traveller/core/s2s/Translation.h"

#include "TrainingLoop.h"

#include "Checkpoint.h"
#include "SeedLock.h"

#include "lm/Precision.h"
#include "s2s/S2sModels.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Messages.h"

#include <algorithm>
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
    // Refuses bf16 on a CPU without it, before any training.
    lm::forwardPrecisionFor(config.train.precision, config.model.impl, d.device);
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

namespace {

// The encoder-decoder's part of the training loop: a shuffled batch of
// sentence pairs with teacher forcing, the masked cross-entropy, clipping;
// an epoch's loss per sequence and per token. (A template so that it can
// hold the session's private Impl.)
template <class Impl>
class S2sTrainer : public TrainingLoop {
public:
    S2sTrainer(Impl& d, TranslationObserver& observer, RunControl& control, TranslationRunResult& result)
        : TrainingLoop(control, d.config.train.epochs), d_(d), observer_(observer), result_(result), control_(control),
          params_(d.model->parameters())
    {
    }

private:
    // A live change lands before the next batch; one the run cannot take is
    // refused (RunControl::changeRefused) and the run goes on as it was.
    void beforeBatch(int epoch, std::int64_t index) override
    {
        for (const auto& [key, value] : control_.takeChanges()) {
            try {
                change(epoch, index, key, value);
                control_.setChangeRefused("");
            } catch (const ConfigError& e) {
                control_.setChangeRefused(e.what());
            }
        }
    }

    void change(int epoch, std::int64_t index, const std::string& key, const std::string& value)
    {
        const auto& live = translationLiveKeys();
        if (std::find(live.begin(), live.end(), key) == live.end()) {
            std::string list;
            for (const auto& k : live)
                list += (list.empty() ? "" : ", ") + k;
            throw ConfigError(key, 0, 0, message("train.not_live", {list}));
        }
        TranslationConfig changed = d_.config;
        setTranslationValue(changed, key, value);
        if (key == "train.epochs" && changed.train.epochs < epoch)
            throw ConfigError(key, 0, 0, message("train.epochs_below", {std::to_string(epoch), value}));
        const std::string from = translationValue(d_.config, key), to = translationValue(changed, key);
        if (from == to)
            return;
        d_.config = changed;
        if (key == "train.lr")
            for (auto& group : d_.optimizer->param_groups())
                group.options().set_lr(changed.train.lr);
        if (key == "train.epochs")
            setEpochs(changed.train.epochs);
        const SettingEvent event{epoch, index, key, from, to, true};
        result_.events.push_back(event);
        observer_.onSettingChanged(event);
    }

    void beginEpoch(int) override
    {
        // A fresh shuffle each epoch, the last batch possibly short (the book's DataLoader).
        order_ = torch::randperm(d_.x.size(0), torch::TensorOptions().dtype(torch::kInt64)).to(d_.device);
    }

    // Logits (B, T, V) of a batch under teacher forcing: <bos> then the
    // target shifted right; with train.teacher_forcing < 1, step by step,
    // each next input the reference's word with that probability, else the
    // model's own guess (no gradient through the choice).
    torch::Tensor forwardLogits(const torch::Tensor& x, const torch::Tensor& xValid, const torch::Tensor& y)
    {
        const std::int64_t batch = x.size(0), steps = y.size(1);
        const auto longOptions = torch::TensorOptions().dtype(torch::kInt64).device(d_.device);
        const auto bos = torch::full({batch, 1}, d_.bos, longOptions);
        const double forcing = d_.config.train.teacherForcing;
        if (forcing >= 1.0)
            return d_.model->forward(x, xValid, torch::cat({bos, y.slice(1, 0, steps - 1)}, 1));
        auto state = d_.model->encode(x, xValid);
        auto input = bos;
        std::vector<torch::Tensor> outputs;
        for (std::int64_t t = 0; t < steps; ++t) {
            outputs.push_back(d_.model->decoder(input, state));  // (B, 1, V)
            if (t + 1 == steps)
                break;
            const auto guess = outputs.back().argmax(-1).detach();
            const auto teacher = torch::rand({batch, 1}, torch::TensorOptions().device(d_.device)) < forcing;
            input = torch::where(teacher, y.slice(1, t, t + 1), guess);
        }
        return torch::cat(outputs, 1);
    }

    std::optional<Step> trainBatch(int, std::int64_t index) override
    {
        const std::int64_t n = d_.x.size(0), steps = d_.x.size(1);
        const auto batchSize = static_cast<std::int64_t>(d_.config.train.batchSize);
        const std::int64_t start = index * batchSize;
        if (start >= n)
            return std::nullopt;
        const auto idx = order_.slice(0, start, std::min(n, start + batchSize));
        const auto x = d_.x.index_select(0, idx), xValid = d_.xValid.index_select(0, idx);
        const auto y = d_.y.index_select(0, idx), yValid = d_.yValid.index_select(0, idx);
        // Without the mask (the exercise) every position counts, padding included.
        const auto lossValid = d_.config.train.mask ? yValid : torch::full_like(yValid, steps);
        torch::Tensor loss;
        {
            // The forward and its loss in train.precision (lm::ForwardScope);
            // the backward outside: the fused layers kept their mode for it.
            const lm::ForwardScope precision(precision_);
            const auto logits = forwardLogits(x, xValid, y).to(torch::kFloat32);
            loss = s2s::maskedCrossEntropy(logits, y, lossValid).sum();
        }
        d_.optimizer->zero_grad();
        loss.backward();
        Step step;
        if (d_.config.train.clip > 0)
            step.gradNorm = torch::nn::utils::clip_grad_norm_(params_, d_.config.train.clip);
        step.meanLoss = step.loss = loss.template item<double>();  // summed over the batch's sequences
        if (!std::isfinite(step.loss) || (step.gradNorm && !std::isfinite(*step.gradNorm)))
            return step;  // the loop reports the divergence; no update from it
        d_.optimizer->step();
        step.tokens = static_cast<double>(yValid.sum().template item<std::int64_t>());
        return step;
    }

    std::optional<std::string> endEpoch(const Epoch& e) override
    {
        result_.loss = e.lossSum / e.tokens;
        // Each sequence's loss is a mean over all T positions: times T it is per token.
        result_.tokenLoss = result_.loss * static_cast<double>(d_.x.size(1));
        TranslationEpochStats stats;
        stats.epoch = e.epoch;
        stats.epochs = e.epochs;
        stats.loss = result_.loss;
        stats.tokenLoss = result_.tokenLoss;
        stats.tokensPerSecond = e.tokens / e.seconds;
        stats.elapsedSeconds = activeSeconds();
        observer_.onEpoch(stats);
        return std::nullopt;
    }

    std::string learningRate() const override { return "learning rate " + translationValue(d_.config, "train.lr"); }

    Impl& d_;
    TranslationObserver& observer_;
    TranslationRunResult& result_;
    RunControl& control_;
    const std::vector<torch::Tensor> params_;
    const lm::ForwardPrecision precision_ =
        lm::forwardPrecisionFor(d_.config.train.precision, d_.config.model.impl, d_.device);
    torch::Tensor order_;
};

} // namespace

const std::vector<std::string>& translationLiveKeys()
{
    static const std::vector<std::string> keys{"train.lr", "train.clip", "train.teacher_forcing", "train.epochs"};
    return keys;
}

TranslationRunResult TranslationSession::train(TranslationObserver& observer, RunControl& control)
{
    TranslationRunResult result;
    result.device = impl_->deviceName;
    result.loss = result.tokenLoss = std::numeric_limits<double>::quiet_NaN();
    impl_->model->train();
    S2sTrainer<Impl> loop(*impl_, observer, control, result);
    const TrainingLoop::Outcome outcome = loop.run();
    result.status = outcome.status;
    result.epochsDone = outcome.epochsDone;
    result.message = outcome.message;
    result.tokensPerSecond = outcome.tokensPerSecond;
    result.seconds = outcome.seconds;
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
    for (const auto& step : decoded.alternatives) {
        std::vector<Translation::Alternative> row;
        for (const auto& [id, p] : step)
            row.push_back({corpus.targetVocab.token(id), p});
        t.alternatives.push_back(std::move(row));
    }
    for (const auto& n : decoded.tree)
        t.beamTree.push_back({n.parent, n.step, corpus.targetVocab.token(n.token), n.logProbability, n.ended, false});
    for (int node : decoded.path)
        if (node >= 0 && node < static_cast<int>(t.beamTree.size()))
            t.beamTree[static_cast<std::size_t>(node)].chosen = true;
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
