#include "s2s/S2sModels.h"

#include "cells/Cell.h"
#include "lm/FusedLm.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace traveller::s2s {

namespace {

// The likeliest kAlternatives tokens of a row of log-probabilities (V).
std::vector<std::pair<std::int64_t, double>> likeliest(const torch::Tensor& logp)
{
    const auto top = logp.topk(std::min<std::int64_t>(kAlternatives, logp.size(0)));
    std::vector<std::pair<std::int64_t, double>> out;
    for (std::int64_t j = 0; j < std::get<0>(top).size(0); ++j)
        out.emplace_back(std::get<1>(top)[j].item<std::int64_t>(), std::exp(std::get<0>(top)[j].item<double>()));
    return out;
}

} // namespace

RnnState RnnState::rows(const torch::Tensor& index) const
{
    return {h.index_select(1, index), c.defined() ? c.index_select(1, index) : c};
}

DecoderState DecoderState::rows(const torch::Tensor& index) const
{
    DecoderState s;
    s.rnn = rnn.rows(index);
    s.context = context.index_select(0, index);
    if (encOutputs.defined()) {
        s.encOutputs = encOutputs.index_select(0, index);
        s.encValid = encValid.index_select(0, index);
    }
    return s;
}

// ---------------------------------------------------------------- layers

RecurrentImpl::RecurrentImpl(const Arch& cell, std::int64_t input, std::int64_t hidden, std::int64_t layers,
                             double dropout, bool useFused)
    : fused(useFused), cell_(cell), layers_(layers), hidden_(hidden), dropout_(dropout)
{
    if (cell.info().builtinLayer) {
        builtin_ = cells::cell(cell).builtinLayer(input, hidden, layers, dropout);
        weights_ = register_module(cell.key, builtin_.ptr());
    } else {
        weights_ = register_module(cell.key, lm::RecurrentWeights(cell, input, hidden, layers).ptr());
    }
}

std::vector<torch::Tensor> RecurrentImpl::layerWeights(std::int64_t l) const
{
    const std::string k = std::to_string(l);
    const auto params = weights_->named_parameters(/*recurse=*/false);
    auto find = [&](const std::string& name) {
        const auto* p = params.find(name + k);
        return p ? *p : torch::Tensor();
    };
    return {find("weight_ih_l"), find("weight_hh_l"), find("bias_ih_l"), find("bias_hh_l")};
}

torch::Tensor RecurrentImpl::forward(const torch::Tensor& x, RnnState& state)
{
    const bool useFused = fused && x.device().is_cpu() && x.scalar_type() == torch::kFloat32;
    if (useFused || !cell_.info().builtinLayer)
        return forwardLayers(x, state, useFused);
    cells::State s{state.h, state.c};
    auto out = cells::cell(cell_).runBuiltin(builtin_, x, s);
    state.h = s.h;
    state.c = s.c;
    return out;
}

// What torch::nn::GRU/LSTM compute, layer by layer, through the fused layer
// or the cell's textbook step (cells LibTorch has no layer for): dropout on
// every layer's output but the last, in training mode only.
torch::Tensor RecurrentImpl::forwardLayers(const torch::Tensor& x, RnnState& state, bool useFused)
{
    const cells::Cell& cell = cells::cell(cell_);
    const bool cellState = cell_.info().cellState;
    const auto zeros = torch::zeros({layers_, x.size(1), hidden_}, x.options());
    const auto h0 = state.h.defined() ? state.h : zeros;
    const auto c0 = cellState ? (state.c.defined() ? state.c : zeros) : torch::Tensor();
    const torch::Tensor none = torch::empty({0}, x.options());
    torch::Tensor input = x;
    std::vector<torch::Tensor> hs, cs;
    for (std::int64_t l = 0; l < layers_; ++l) {
        const auto w = layerWeights(l);
        cells::State s{h0[l], cellState ? c0[l] : torch::Tensor()};
        if (useFused) {
            auto out = lm::fusedRecurrentLayer(cell_, input, s.h, cellState ? s.c : none, w[0], w[1], w[2], w[3]);
            input = out[0];
            s = {out[1], cellState ? out[2] : torch::Tensor()};
        } else {
            input = cells::textbookLayer(cell, {w[0], w[1], w[2], w[3]}, input, s);
        }
        if (l + 1 < layers_ && dropout_ > 0 && is_training())
            input = torch::dropout(input, dropout_, true);
        hs.push_back(s.h);
        if (cellState)
            cs.push_back(s.c);
    }
    state.h = torch::stack(hs);
    if (cellState)
        state.c = torch::stack(cs);
    return input;
}

EncoderImpl::EncoderImpl(const S2sModelConfig& config, std::int64_t vocab)
    : embedding(register_module("embedding", torch::nn::Embedding(vocab, config.embed))),
      rnn(register_module("rnn", Recurrent(config.cell, config.embed, config.hidden, config.layers, config.dropout,
                                            config.impl == Impl::Fused)))
{
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& x, RnnState& state)
{
    const auto e = embedding(x).permute({1, 0, 2});  // (T, B, E)
    state = {};
    return rnn(e, state);  // (T, B, H)
}

torch::Tensor maskedSoftmax(const torch::Tensor& scores, const torch::Tensor& valid)
{
    const auto k = scores.size(-1);
    const auto positions = torch::arange(k, valid.options()).view({1, 1, k});
    const auto keep = positions < valid.view({-1, 1, 1});  // (B, 1, K)
    return torch::softmax(scores.masked_fill(keep.logical_not(), -1e6), -1);
}

AdditiveAttentionImpl::AdditiveAttentionImpl(std::int64_t keySize, std::int64_t querySize, std::int64_t hidden,
                                             double dropoutRate)
    : wK(register_module("W_k", torch::nn::Linear(torch::nn::LinearOptions(keySize, hidden).bias(false)))),
      wQ(register_module("W_q", torch::nn::Linear(torch::nn::LinearOptions(querySize, hidden).bias(false)))),
      wV(register_module("w_v", torch::nn::Linear(torch::nn::LinearOptions(hidden, 1).bias(false)))),
      dropout(register_module("dropout", torch::nn::Dropout(dropoutRate)))
{
}

torch::Tensor AdditiveAttentionImpl::forward(const torch::Tensor& queries, const torch::Tensor& keys,
                                             const torch::Tensor& values, const torch::Tensor& valid,
                                             torch::Tensor& weights)
{
    // (B, Q, 1, H) + (B, 1, K, H) -> (B, Q, K, H)
    const auto features = torch::tanh(wQ(queries).unsqueeze(2) + wK(keys).unsqueeze(1));
    const auto scores = wV(features).squeeze(-1);  // (B, Q, K)
    weights = maskedSoftmax(scores, valid);
    return torch::bmm(dropout(weights), values);   // (B, Q, H)
}

DecoderImpl::DecoderImpl(const S2sModelConfig& config, std::int64_t vocab)
    : kind(config.decoder),
      contextSource(config.context),
      embedding(register_module("embedding", torch::nn::Embedding(vocab, config.embed))),
      rnn(register_module("rnn", Recurrent(config.cell, config.embed + config.hidden, config.hidden, config.layers,
                                           config.dropout, config.impl == Impl::Fused))),
      dense(register_module("dense", torch::nn::Linear(config.hidden, vocab)))
{
    if (kind == S2sDecoder::Attention)
        attention = register_module("attention", AdditiveAttention(config.hidden, config.hidden, config.hidden,
                                                                   config.dropout));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& y, DecoderState& state, torch::Tensor* weightsOut)
{
    const auto e = embedding(y).permute({1, 0, 2});  // (T, B, E)
    const auto steps = e.size(0);
    if (kind == S2sDecoder::Plain) {
        // The book reads state[-1] at every call: during step-by-step prediction
        // that is the decoder's own latest top-layer state, not the encoder's.
        const auto& ctx = contextSource == ContextSource::Book ? state.rnn.h[-1] : state.context;  // (B, H)
        const auto input = torch::cat({e, ctx.unsqueeze(0).expand({steps, ctx.size(0), ctx.size(1)})}, 2);
        const auto out = rnn(input, state.rnn);     // (T, B, H)
        return dense(out).permute({1, 0, 2});       // (B, T, V)
    }
    // Bahdanau: query each step with the decoder's top-layer state.
    std::vector<torch::Tensor> outputs, weights;
    outputs.reserve(static_cast<std::size_t>(steps));
    for (std::int64_t t = 0; t < steps; ++t) {
        const auto query = state.rnn.h[-1].unsqueeze(1);  // (B, 1, H)
        torch::Tensor w;
        const auto ctx = attention(query, state.encOutputs, state.encOutputs, state.encValid, w);  // (B, 1, H)
        const auto input = torch::cat({ctx, e[t].unsqueeze(1)}, -1).permute({1, 0, 2});       // (1, B, H + E)
        outputs.push_back(rnn(input, state.rnn));
        weights.push_back(w);
    }
    if (weightsOut)
        *weightsOut = torch::cat(weights, 1);  // (B, T, K)
    return dense(torch::cat(outputs, 0)).permute({1, 0, 2});
}

Seq2SeqImpl::Seq2SeqImpl(const S2sModelConfig& config, std::int64_t sourceVocab, std::int64_t targetVocab)
    : encoder(register_module("encoder", Encoder(config, sourceVocab))),
      decoder(register_module("decoder", Decoder(config, targetVocab)))
{
}

DecoderState Seq2SeqImpl::encode(const torch::Tensor& x, const torch::Tensor& xValid)
{
    DecoderState s;
    const auto outputs = encoder(x, s.rnn);  // (T, B, H)
    s.context = s.rnn.h[-1];
    if (decoder->kind == S2sDecoder::Attention) {
        s.encOutputs = outputs.permute({1, 0, 2});
        s.encValid = xValid;
    }
    return s;
}

torch::Tensor Seq2SeqImpl::forward(const torch::Tensor& x, const torch::Tensor& xValid,
                                   const torch::Tensor& decoderInput)
{
    auto state = encode(x, xValid);
    return decoder(decoderInput, state);
}

void xavierInit(torch::nn::Module& module)
{
    torch::NoGradGuard noGrad;
    for (auto& m : module.modules(/*include_self=*/true)) {
        // A recurrent stack's parameters sit in its layer module, whichever
        // cell it is: visited through the stack, in the layer's order.
        const bool linear = m->as<torch::nn::Linear>() != nullptr;
        const bool recurrent = m->as<RecurrentImpl>() != nullptr;
        if (!linear && !recurrent)
            continue;
        for (auto& p : m->named_parameters(/*recurse=*/recurrent))
            if (p.key().find("weight") != std::string::npos)
                torch::nn::init::xavier_uniform_(p.value());
    }
}

torch::Tensor sequenceMask(const torch::Tensor& valid, std::int64_t steps)
{
    return torch::arange(steps, valid.options()).unsqueeze(0) < valid.unsqueeze(1);
}

torch::Tensor maskedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& valid)
{
    const auto steps = labels.size(1);
    const auto perToken = torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}), labels.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone)).view({-1, steps});  // (B, T)
    return (perToken * sequenceMask(valid, steps).to(perToken.dtype())).mean(1);
}

// ---------------------------------------------------------------- decoding

namespace {

std::vector<float> attentionRow(const torch::Tensor& weights, std::int64_t row, std::int64_t valid)
{
    // weights: (N, 1, K) on any device
    const auto w = weights[row][0].slice(0, 0, valid).to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
}

torch::Tensor idTensor(const std::vector<std::int64_t>& ids, const torch::Device& device)
{
    return torch::tensor(ids, torch::TensorOptions().dtype(torch::kInt64)).to(device);
}

} // namespace

Decoded greedyDecode(Seq2Seq& model, const torch::Tensor& source, std::int64_t valid, std::int64_t bos,
                     std::int64_t eos, int maxSteps)
{
    torch::NoGradGuard noGrad;
    const auto device = source.device();
    auto state = model->encode(source, idTensor({valid}, device));
    Decoded out;
    std::int64_t last = bos;
    const std::int64_t k = std::min<std::int64_t>(valid, source.size(1));
    for (int step = 0; step < maxSteps; ++step) {
        torch::Tensor weights;
        const auto logits = model->decoder(idTensor({last}, device).view({1, 1}), state, &weights);  // (1, 1, V)
        const auto logp = torch::log_softmax(logits.view({-1}).to(torch::kFloat64), 0).to(torch::kCPU);
        last = logp.argmax().item<std::int64_t>();
        out.logProbability += logp[last].item<double>();
        out.alternatives.push_back(likeliest(logp));
        out.tree.push_back({static_cast<int>(out.tree.size()) - 1, step, last, out.logProbability, last == eos});
        out.path.push_back(static_cast<int>(out.tree.size()) - 1);
        if (last == eos)
            break;
        out.ids.push_back(last);
        if (weights.defined())
            out.attention.push_back(attentionRow(weights, 0, k));
    }
    return out;
}

Decoded beamDecode(Seq2Seq& model, const torch::Tensor& source, std::int64_t valid, std::int64_t bos,
                   std::int64_t eos, int maxSteps, int beam, double lengthPenalty)
{
    torch::NoGradGuard noGrad;
    const auto device = source.device();
    beam = std::max(1, beam);
    struct Hypothesis {
        Decoded decoded;
        bool ended = false;  // emitted <eos>
        int node = -1;       // its last node in the tree
    };
    std::vector<DecodeNode> tree;
    auto state = model->encode(source, idTensor({valid}, device));
    const std::int64_t k = std::min<std::int64_t>(valid, source.size(1));
    std::vector<Hypothesis> live(1), finished;
    std::vector<std::int64_t> lastTokens{bos};
    for (int step = 0; step < maxSteps && !live.empty(); ++step) {
        const auto n = static_cast<std::int64_t>(live.size());
        torch::Tensor weights;
        const auto logits = model->decoder(idTensor(lastTokens, device).view({n, 1}), state, &weights);  // (n, 1, V)
        const auto logp = torch::log_softmax(logits.squeeze(1).to(torch::kFloat64), 1).to(torch::kCPU);  // (n, V)
        const auto top = logp.topk(std::min<std::int64_t>(beam, logp.size(1)), 1);
        const auto values = std::get<0>(top).contiguous();
        const auto indices = std::get<1>(top).contiguous();
        struct Candidate {
            double score;
            std::int64_t row, token;
        };
        std::vector<Candidate> candidates;
        for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = 0; j < values.size(1); ++j)
                candidates.push_back({live[static_cast<std::size_t>(i)].decoded.logProbability +
                                          values[i][j].item<double>(),
                                      i, indices[i][j].item<std::int64_t>()});
        // Stable: among equal scores the earlier hypothesis and the likelier token win, as argmax would.
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
        candidates.resize(std::min<std::size_t>(candidates.size(), static_cast<std::size_t>(beam)));
        std::vector<Hypothesis> next;
        std::vector<std::int64_t> rows, tokens;
        for (const auto& c : candidates) {
            Hypothesis h = live[static_cast<std::size_t>(c.row)];
            h.decoded.logProbability = c.score;
            h.decoded.alternatives.push_back(likeliest(logp[c.row]));
            tree.push_back({h.node, step, c.token, c.score, c.token == eos});
            h.node = static_cast<int>(tree.size()) - 1;
            h.decoded.path.push_back(h.node);
            if (c.token == eos) {
                h.ended = true;
                finished.push_back(std::move(h));
                continue;
            }
            h.decoded.ids.push_back(c.token);
            if (weights.defined())
                h.decoded.attention.push_back(attentionRow(weights, c.row, k));
            next.push_back(std::move(h));
            rows.push_back(c.row);
            tokens.push_back(c.token);
        }
        live = std::move(next);
        lastTokens = std::move(tokens);
        if (!live.empty())
            state = state.rows(idTensor(rows, device));
    }
    for (auto& h : live)
        finished.push_back(std::move(h));
    const Hypothesis* best = nullptr;
    double bestScore = -std::numeric_limits<double>::infinity();
    for (const auto& h : finished) {
        const double length = static_cast<double>(h.decoded.ids.size() + (h.ended ? 1 : 0));
        const double score = h.decoded.logProbability / std::pow(std::max(1.0, length), lengthPenalty);
        if (!best || score > bestScore) {
            best = &h;
            bestScore = score;
        }
    }
    Decoded out = best ? best->decoded : Decoded{};
    out.tree = std::move(tree);
    return out;
}

} // namespace traveller::s2s
