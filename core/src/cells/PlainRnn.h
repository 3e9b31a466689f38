// The plain recurrent cell's frame, shared by its variants (Rnn.cpp: tanh,
// RnnRelu.cpp: ReLU): one gate block, h = act(x W_xh + h_prev W_hh + b),
// LibTorch's RNN layer with the matching nonlinearity, the pre-activation a
// exposed to the Lens. A variant's file gives its CellInfo, its activation
// and its two fused row loops (compiled there, with their CPU clones).
#pragma once

#include "cells/Cell.h"

#include <utility>

namespace traveller::cells {

struct PlainRnnKind {
    CellInfo info;
    torch::nn::RNNOptions::nonlinearity_t nonlinearity;
    torch::Tensor (*activation)(const torch::Tensor& a);
    // h = act(xp + hp), rows [begin, end)
    void (*forwardRows)(std::int64_t begin, std::int64_t end, std::int64_t H, const float* xp, const float* hp,
                        float* h);
    // dpre = (dh + dy) · act'(a), written in terms of the output h
    void (*backwardRows)(std::int64_t begin, std::int64_t end, std::int64_t H, const float* h, const float* dh,
                         const float* dy, float* dpre);
};

class PlainRnn final : public Cell {
public:
    explicit PlainRnn(PlainRnnKind kind) : kind_(std::move(kind)) {}

    const CellInfo& info() const override { return kind_.info; }

    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& hp, const State& /*prev*/) const override
    {
        const auto a = xp + hp;  // pre-activation
        return {{kind_.activation(a), {}}, {a}};
    }

    torch::nn::AnyModule builtinLayer(std::int64_t input, std::int64_t hidden, std::int64_t layers,
                                      double dropout) const override
    {
        return torch::nn::AnyModule(torch::nn::RNN(
            torch::nn::RNNOptions(input, hidden).num_layers(layers).dropout(dropout).nonlinearity(kind_.nonlinearity)));
    }

    torch::Tensor runBuiltin(torch::nn::AnyModule& layer, const torch::Tensor& x, State& state) const override
    {
        auto& rnn = *layer.get<torch::nn::RNN>();
        auto [out, h] = state.h.defined() ? rnn.forward(x, state.h) : rnn.forward(x);
        state.h = h;
        return out;
    }

    FusedLayout fusedLayout() const override { return {false, false, false, false}; }

    void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const override
    {
        kind_.forwardRows(begin, end, a.H, a.xp, a.hp, a.h);
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        kind_.backwardRows(begin, end, a.H, a.h, a.dhIn, a.dy, a.dgi);
    }

private:
    PlainRnnKind kind_;
};

} // namespace traveller::cells
