#include "lm/LmModels.h"

#include "lm/FusedLm.h"

#include <cmath>

namespace traveller::lm {

LanguageModel::LanguageModel(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers,
                             std::int64_t embedding)
    : arch_(std::move(arch)), vocab_(vocab), hidden_(hidden), layers_(layers)
{
    if (embedding > 0)
        embedding_ = register_module("embedding", torch::nn::Embedding(vocab, embedding));
}

torch::Tensor LanguageModel::firstLayerInput(const torch::Tensor& x)
{
    if (embedding_)
        return embedding_->forward(x.t());                    // (T, B, E)
    return torch::one_hot(x.t(), vocab_).to(torch::kFloat32);  // (T, B, V), as the book feeds its layers
}

RnnState LanguageModel::initialState(std::int64_t batch, const torch::Device& device) const
{
    auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    RnnState s;
    s.h = torch::zeros({layers_, batch, hidden_}, opts);
    if (arch_.info().cellState)
        s.c = torch::zeros({layers_, batch, hidden_}, opts);
    return s;
}

// ---------------------------------------------------------------- built-in

BuiltinLm::BuiltinLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers, std::int64_t embedding)
    : LanguageModel(arch, vocab, hidden, layers, embedding)
{
    rnn_ = cells::cell(arch_).builtinLayer(inputSize(), hidden, layers, 0.0);
    register_module("rnn", rnn_.ptr());
    head_ = register_module("head", torch::nn::Linear(hidden, vocab));
}

torch::Tensor BuiltinLm::forward(const torch::Tensor& x, RnnState& state)
{
    const auto inputs = firstLayerInput(x);  // (T, B, V) one-hot, or (T, B, E)
    cells::State s{state.h, state.c};
    const auto out = cells::cell(arch_).runBuiltin(rnn_, inputs, s);
    state.h = s.h;
    state.c = s.c;
    return head_->forward(out.reshape({-1, hidden_}));  // (T*B, V)
}

// ---------------------------------------------------------------- weights

RecurrentWeightsImpl::RecurrentWeightsImpl(Arch arch, std::int64_t input, std::int64_t hidden, std::int64_t layers)
{
    // LibTorch's initialisation: U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias.
    const double bound = 1.0 / std::sqrt(static_cast<double>(hidden));
    const CellInfo& info = arch.info();
    const std::int64_t gh = info.gates * hidden;
    for (std::int64_t l = 0; l < layers; ++l) {
        const std::int64_t in = l == 0 ? input : hidden;
        const std::string k = std::to_string(l);
        wIh.push_back(register_parameter("weight_ih_l" + k, torch::empty({gh, in}).uniform_(-bound, bound)));
        if (info.hiddenWeights)
            wHh.push_back(register_parameter("weight_hh_l" + k, torch::empty({gh, hidden}).uniform_(-bound, bound)));
        bIh.push_back(register_parameter("bias_ih_l" + k, torch::empty({gh}).uniform_(-bound, bound)));
        if (info.hiddenWeights)
            bHh.push_back(register_parameter("bias_hh_l" + k, torch::empty({gh}).uniform_(-bound, bound)));
    }
}

cells::LayerWeights RecurrentWeightsImpl::layer(std::int64_t l) const
{
    const auto i = static_cast<std::size_t>(l);
    return {wIh[i], wHh.empty() ? torch::Tensor() : wHh[i], bIh[i], bHh.empty() ? torch::Tensor() : bHh[i]};
}

// ---------------------------------------------------------------- scratch

ScratchLm::ScratchLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers, std::int64_t embedding)
    : LanguageModel(arch, vocab, hidden, layers, embedding)
{
    rnn_ = register_module("rnn", RecurrentWeights(arch_, inputSize(), hidden, layers));
    head_ = register_module("head", torch::nn::Linear(hidden, vocab));
}

torch::Tensor ScratchLm::forward(const torch::Tensor& x, RnnState& state)
{
    const cells::Cell& cell = cells::cell(arch_);
    auto inputs = firstLayerInput(x);  // (T, B, V) or (T, B, E)
    std::vector<torch::Tensor> hs, cs;
    for (std::int64_t l = 0; l < layers_; ++l) {
        cells::State s{state.h[l], state.c.defined() ? state.c[l] : torch::Tensor()};
        inputs = cells::textbookLayer(cell, rnn_->layer(l), inputs, s);  // (T, B, H): the next layer's input
        hs.push_back(s.h);
        if (s.c.defined())
            cs.push_back(s.c);
    }
    state.h = torch::stack(hs);
    if (!cs.empty())
        state.c = torch::stack(cs);
    return head_->forward(inputs.reshape({-1, hidden_}));
}

std::shared_ptr<LanguageModel> makeLanguageModel(const ModelConfig& config, std::int64_t vocab,
                                                 const torch::Device& device)
{
    std::shared_ptr<LanguageModel> model;
    switch (config.impl) {
    case Impl::Builtin:
        // Cells LibTorch has no layer for run their textbook step.
        if (config.arch.info().builtinLayer)
            model = std::make_shared<BuiltinLm>(config.arch, vocab, config.hidden, config.layers, config.embedding);
        else
            model = std::make_shared<ScratchLm>(config.arch, vocab, config.hidden, config.layers, config.embedding);
        break;
    case Impl::Scratch:
        model = std::make_shared<ScratchLm>(config.arch, vocab, config.hidden, config.layers, config.embedding);
        break;
    case Impl::Fused:
        model = makeFusedLm(config.arch, vocab, config.hidden, config.layers, device, config.embedding);
        break;
    }
    model->to(device);
    return model;
}

} // namespace traveller::lm
