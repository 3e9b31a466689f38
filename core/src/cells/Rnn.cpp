// The plain recurrent cell (d2l 9.4–9.5, "Recurrent Neural Networks"):
//
//   H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)
//
// In LibTorch's layout W_xh is W_ih^T and b_h is b_ih + b_hh; one gate block.
#include "cells/Cell.h"

#include "cells/Kernels.h"

namespace traveller::cells {

namespace {

// h = tanh(xp + hp)
TRAVELLER_CLONES void forwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                  const float* __restrict hp, float* __restrict h)
{
    for (std::int64_t b = begin; b < end; ++b)
        for (std::int64_t j = 0; j < H; ++j)
            h[b * H + j] = fm::tanh(xp[b * H + j] + hp[b * H + j]);
}

// dpre = (dh + dy) * (1 - h^2)
TRAVELLER_CLONES void backwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict h,
                                   const float* __restrict dh, const float* __restrict dy, float* __restrict dpre)
{
    for (std::int64_t b = begin; b < end; ++b)
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            const float hv = h[k];
            dpre[k] = (dh[k] + dy[k]) * (1.0f - hv * hv);
        }
}

class Rnn final : public Cell {
public:
    const CellInfo& info() const override
    {
        static const CellInfo i{"rnn", "RNN", "The plain recurrent cell: h = tanh(x W_xh + h W_hh + b)", 1,
                                {"h"}, {"a"}, false, true, true,
                                {"a = x·W_xh", "    + h_prev·W_hh + b", "  = {a}", "h = tanh(a) = {h}"}};
        return i;
    }

    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& hp, const State& /*prev*/) const override
    {
        const auto a = xp + hp;  // pre-activation
        const auto h = torch::tanh(a);
        return {{h, {}}, {a}};
    }

    torch::nn::AnyModule builtinLayer(std::int64_t input, std::int64_t hidden, std::int64_t layers,
                                      double dropout) const override
    {
        return torch::nn::AnyModule(
            torch::nn::RNN(torch::nn::RNNOptions(input, hidden).num_layers(layers).dropout(dropout)));
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
        forwardRows(begin, end, a.H, a.xp, a.hp, a.h);
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        backwardRows(begin, end, a.H, a.h, a.dhIn, a.dy, a.dgi);
    }
};

} // namespace

const Cell& rnnCell()
{
    static const Rnn c;
    return c;
}

} // namespace traveller::cells
