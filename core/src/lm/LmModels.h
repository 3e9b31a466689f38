// Character/word language models: a recurrent body over one-hot tokens and a
// linear head. Three interchangeable bodies share one parameter layout
// (LibTorch's: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k};
// blocks stacked as the cell says, e.g. r,z,n for GRU and i,f,g,o for LSTM),
// so weights copy between them by name and tests can check that they compute
// the same thing. What a cell computes is its own (core/src/cells/).
//
// Dimensions: B batch, T time steps, V vocabulary, H hidden units, L layers,
// G gate blocks per cell (CellInfo::gates).
#pragma once

#include "cells/Cell.h"
#include "traveller/core/ExperimentConfig.h"

#include <torch/torch.h>

#include <memory>

namespace traveller::lm {

// Recurrent state: h (L, B, H); c (L, B, H) for cells with a cell state (LSTM), undefined otherwise.
struct RnnState {
    torch::Tensor h;
    torch::Tensor c;
    bool defined() const { return h.defined(); }
    RnnState detached() const { return {h.detach(), c.defined() ? c.detach() : c}; }
};

class LanguageModel : public torch::nn::Module {
public:
    // embedding > 0: a learned embedding of that many dimensions feeds the
    // first layer instead of one-hot vectors (model.embedding, the exercise).
    LanguageModel(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers, std::int64_t embedding = 0);

    // X: (B, T) int64 -> logits (T*B, V), time-major like the book; updates state.
    virtual torch::Tensor forward(const torch::Tensor& x, RnnState& state) = 0;
    RnnState initialState(std::int64_t batch, const torch::Device& device) const;

    Arch arch() const { return arch_; }
    std::int64_t vocab() const { return vocab_; }
    std::int64_t hidden() const { return hidden_; }
    std::int64_t layers() const { return layers_; }
    // What the first layer reads per token: the embedding's size, else V.
    std::int64_t inputSize() const { return embedding_ ? embedding_->options.embedding_dim() : vocab_; }

protected:
    // X (B, T) ids -> the first layer's input (T, B, inputSize()): one-hot
    // vectors (the book) or the learned embedding's rows.
    torch::Tensor firstLayerInput(const torch::Tensor& x);
    torch::nn::Embedding embedding_{nullptr};

    Arch arch_;
    std::int64_t vocab_;
    std::int64_t hidden_;
    std::int64_t layers_;
};

// LibTorch's layer for the cell (torch::nn::RNN / GRU / LSTM) on one-hot
// input, as the book's concise version. Only for cells that have one.
class BuiltinLm : public LanguageModel {
public:
    BuiltinLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers, std::int64_t embedding = 0);
    torch::Tensor forward(const torch::Tensor& x, RnnState& state) override;

private:
    torch::nn::AnyModule rnn_;
    torch::nn::Linear head_{nullptr};
};

// Parameters of a stack of cells in LibTorch's layout, for the hand-written
// bodies; LibTorch's initialisation, U(-1/sqrt(H), 1/sqrt(H)). Cells without
// hidden weights have no weight_hh / bias_hh.
struct RecurrentWeightsImpl : torch::nn::Module {
    RecurrentWeightsImpl(Arch arch, std::int64_t input, std::int64_t hidden, std::int64_t layers);
    cells::LayerWeights layer(std::int64_t l) const;
    std::vector<torch::Tensor> wIh, wHh, bIh, bHh;  // per layer: (G*H, in), (G*H, H), (G*H), (G*H)
};
TORCH_MODULE(RecurrentWeights);

// The cells' textbook steps, one time step at a time, for students to read.
class ScratchLm : public LanguageModel {
public:
    ScratchLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers, std::int64_t embedding = 0);
    torch::Tensor forward(const torch::Tensor& x, RnnState& state) override;

private:
    RecurrentWeights rnn_{nullptr};
    torch::nn::Linear head_{nullptr};
};

std::shared_ptr<LanguageModel> makeLanguageModel(const ModelConfig& config, std::int64_t vocab,
                                                 const torch::Device& device);

} // namespace traveller::lm
