#include "lm/LmModels.h"

#include "lm/FusedLm.h"

#include <cmath>

namespace traveller::lm {

int gateCount(Arch arch)
{
    switch (arch) {
    case Arch::Rnn: return 1;
    case Arch::Gru: return 3;
    case Arch::Lstm: return 4;
    }
    return 1;
}

LanguageModel::LanguageModel(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers)
    : arch_(arch), vocab_(vocab), hidden_(hidden), layers_(layers)
{
}

RnnState LanguageModel::initialState(std::int64_t batch, const torch::Device& device) const
{
    auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    RnnState s;
    s.h = torch::zeros({layers_, batch, hidden_}, opts);
    if (arch_ == Arch::Lstm)
        s.c = torch::zeros({layers_, batch, hidden_}, opts);
    return s;
}

// ---------------------------------------------------------------- built-in

BuiltinLm::BuiltinLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers)
    : LanguageModel(arch, vocab, hidden, layers)
{
    switch (arch) {
    case Arch::Rnn:
        rnn_ = register_module("rnn", torch::nn::RNN(torch::nn::RNNOptions(vocab, hidden).num_layers(layers)));
        break;
    case Arch::Gru:
        gru_ = register_module("rnn", torch::nn::GRU(torch::nn::GRUOptions(vocab, hidden).num_layers(layers)));
        break;
    case Arch::Lstm:
        lstm_ = register_module("rnn", torch::nn::LSTM(torch::nn::LSTMOptions(vocab, hidden).num_layers(layers)));
        break;
    }
    head_ = register_module("head", torch::nn::Linear(hidden, vocab));
}

torch::Tensor BuiltinLm::forward(const torch::Tensor& x, RnnState& state)
{
    // (B, T) -> one-hot (T, B, V), as the book feeds its layers.
    const auto inputs = torch::one_hot(x.t(), vocab_).to(torch::kFloat32);
    torch::Tensor out;
    switch (arch_) {
    case Arch::Rnn: std::tie(out, state.h) = rnn_->forward(inputs, state.h); break;
    case Arch::Gru: std::tie(out, state.h) = gru_->forward(inputs, state.h); break;
    case Arch::Lstm: {
        std::tuple<torch::Tensor, torch::Tensor> hc;
        std::tie(out, hc) = lstm_->forward(inputs, std::make_tuple(state.h, state.c));
        state.h = std::get<0>(hc);
        state.c = std::get<1>(hc);
        break;
    }
    }
    return head_->forward(out.reshape({-1, hidden_}));  // (T*B, V)
}

// ---------------------------------------------------------------- weights

RecurrentWeightsImpl::RecurrentWeightsImpl(Arch arch, std::int64_t input, std::int64_t hidden, std::int64_t layers)
{
    // LibTorch's initialisation: U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias.
    const double bound = 1.0 / std::sqrt(static_cast<double>(hidden));
    const std::int64_t gh = gateCount(arch) * hidden;
    for (std::int64_t l = 0; l < layers; ++l) {
        const std::int64_t in = l == 0 ? input : hidden;
        const std::string k = std::to_string(l);
        wIh.push_back(register_parameter("weight_ih_l" + k, torch::empty({gh, in}).uniform_(-bound, bound)));
        wHh.push_back(register_parameter("weight_hh_l" + k, torch::empty({gh, hidden}).uniform_(-bound, bound)));
        bIh.push_back(register_parameter("bias_ih_l" + k, torch::empty({gh}).uniform_(-bound, bound)));
        bHh.push_back(register_parameter("bias_hh_l" + k, torch::empty({gh}).uniform_(-bound, bound)));
    }
}

// ---------------------------------------------------------------- scratch

ScratchLm::ScratchLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers)
    : LanguageModel(arch, vocab, hidden, layers)
{
    rnn_ = register_module("rnn", RecurrentWeights(arch, vocab, hidden, layers));
    head_ = register_module("head", torch::nn::Linear(hidden, vocab));
}

namespace {

// h_t = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)
torch::Tensor rnnCell(const torch::Tensor& x, const torch::Tensor& h, const torch::Tensor& wIh,
                      const torch::Tensor& wHh, const torch::Tensor& bIh, const torch::Tensor& bHh)
{
    return torch::tanh(torch::addmm(bIh, x, wIh.t()) + torch::addmm(bHh, h, wHh.t()));
}

// LibTorch's GRU ("linear before reset"):
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)      reset gate
//   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)      update gate
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))   candidate
//   h' = (1 - z) * n + z * h
torch::Tensor gruCell(const torch::Tensor& x, const torch::Tensor& h, const torch::Tensor& wIh,
                      const torch::Tensor& wHh, const torch::Tensor& bIh, const torch::Tensor& bHh)
{
    const auto gi = torch::addmm(bIh, x, wIh.t()).chunk(3, 1);  // each (B, H)
    const auto gh = torch::addmm(bHh, h, wHh.t()).chunk(3, 1);
    const auto r = torch::sigmoid(gi[0] + gh[0]);
    const auto z = torch::sigmoid(gi[1] + gh[1]);
    const auto n = torch::tanh(gi[2] + r * gh[2]);
    return (1 - z) * n + z * h;
}

// LSTM: i, f, o = sigmoid(...), g = tanh(...) (input, forget, output gates, candidate);
//   c' = f * c + i * g,  h' = o * tanh(c')
std::pair<torch::Tensor, torch::Tensor> lstmCell(const torch::Tensor& x, const torch::Tensor& h,
                                                 const torch::Tensor& c, const torch::Tensor& wIh,
                                                 const torch::Tensor& wHh, const torch::Tensor& bIh,
                                                 const torch::Tensor& bHh)
{
    const auto gates = (torch::addmm(bIh, x, wIh.t()) + torch::addmm(bHh, h, wHh.t())).chunk(4, 1);
    const auto i = torch::sigmoid(gates[0]);
    const auto f = torch::sigmoid(gates[1]);
    const auto g = torch::tanh(gates[2]);
    const auto o = torch::sigmoid(gates[3]);
    const auto cNext = f * c + i * g;
    return {o * torch::tanh(cNext), cNext};
}

} // namespace

torch::Tensor ScratchLm::forward(const torch::Tensor& x, RnnState& state)
{
    auto inputs = torch::one_hot(x.t(), vocab_).to(torch::kFloat32);  // (T, B, V)
    const std::int64_t steps = inputs.size(0);
    std::vector<torch::Tensor> hs, cs;
    for (std::int64_t l = 0; l < layers_; ++l) {
        auto h = state.h[l];  // (B, H)
        torch::Tensor c = arch_ == Arch::Lstm ? state.c[l] : torch::Tensor();
        std::vector<torch::Tensor> outputs;
        outputs.reserve(static_cast<std::size_t>(steps));
        for (std::int64_t t = 0; t < steps; ++t) {
            const auto& xt = inputs[t];  // (B, in)
            switch (arch_) {
            case Arch::Rnn: h = rnnCell(xt, h, rnn_->wIh[l], rnn_->wHh[l], rnn_->bIh[l], rnn_->bHh[l]); break;
            case Arch::Gru: h = gruCell(xt, h, rnn_->wIh[l], rnn_->wHh[l], rnn_->bIh[l], rnn_->bHh[l]); break;
            case Arch::Lstm:
                std::tie(h, c) = lstmCell(xt, h, c, rnn_->wIh[l], rnn_->wHh[l], rnn_->bIh[l], rnn_->bHh[l]);
                break;
            }
            outputs.push_back(h);
        }
        inputs = torch::stack(outputs);  // (T, B, H): the next layer's input
        hs.push_back(h);
        if (c.defined())
            cs.push_back(c);
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
    case Impl::Builtin: model = std::make_shared<BuiltinLm>(config.arch, vocab, config.hidden, config.layers); break;
    case Impl::Scratch: model = std::make_shared<ScratchLm>(config.arch, vocab, config.hidden, config.layers); break;
    case Impl::Fused: model = makeFusedLm(config.arch, vocab, config.hidden, config.layers, device); break;
    }
    model->to(device);
    return model;
}

} // namespace traveller::lm
