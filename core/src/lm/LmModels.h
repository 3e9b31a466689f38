// Character/word language models: a recurrent body over one-hot tokens and a
// linear head. Three interchangeable bodies share one parameter layout
// (LibTorch's: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k};
// gates stacked r,z,n for GRU and i,f,g,o for LSTM), so weights copy between
// them by name and tests can check that they compute the same thing.
//
// Dimensions: B batch, T time steps, V vocabulary, H hidden units, L layers,
// G gates per cell (RNN 1, GRU 3, LSTM 4).
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <torch/torch.h>

#include <memory>

namespace traveller::lm {

// Recurrent state: h (L, B, H); c (L, B, H) for LSTM, undefined otherwise.
struct RnnState {
    torch::Tensor h;
    torch::Tensor c;
    bool defined() const { return h.defined(); }
    RnnState detached() const { return {h.detach(), c.defined() ? c.detach() : c}; }
};

int gateCount(Arch arch);

class LanguageModel : public torch::nn::Module {
public:
    LanguageModel(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers);

    // X: (B, T) int64 -> logits (T*B, V), time-major like the book; updates state.
    virtual torch::Tensor forward(const torch::Tensor& x, RnnState& state) = 0;
    RnnState initialState(std::int64_t batch, const torch::Device& device) const;

    Arch arch() const { return arch_; }
    std::int64_t vocab() const { return vocab_; }
    std::int64_t hidden() const { return hidden_; }
    std::int64_t layers() const { return layers_; }

protected:
    Arch arch_;
    std::int64_t vocab_;
    std::int64_t hidden_;
    std::int64_t layers_;
};

// torch::nn::RNN / GRU / LSTM on one-hot input, as the book's concise version.
class BuiltinLm : public LanguageModel {
public:
    BuiltinLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers);
    torch::Tensor forward(const torch::Tensor& x, RnnState& state) override;

private:
    torch::nn::RNN rnn_{nullptr};
    torch::nn::GRU gru_{nullptr};
    torch::nn::LSTM lstm_{nullptr};
    torch::nn::Linear head_{nullptr};
};

// Parameters of a stack of cells in LibTorch's layout, for the hand-written bodies.
struct RecurrentWeightsImpl : torch::nn::Module {
    RecurrentWeightsImpl(Arch arch, std::int64_t input, std::int64_t hidden, std::int64_t layers);
    std::vector<torch::Tensor> wIh, wHh, bIh, bHh;  // per layer: (G*H, in), (G*H, H), (G*H), (G*H)
};
TORCH_MODULE(RecurrentWeights);

// Cells written gate by gate, one time step at a time, for students to read.
class ScratchLm : public LanguageModel {
public:
    ScratchLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers);
    torch::Tensor forward(const torch::Tensor& x, RnnState& state) override;

private:
    RecurrentWeights rnn_{nullptr};
    torch::nn::Linear head_{nullptr};
};

std::shared_ptr<LanguageModel> makeLanguageModel(const ModelConfig& config, std::int64_t vocab,
                                                 const torch::Device& device);

} // namespace traveller::lm
