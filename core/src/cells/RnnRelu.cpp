// The plain recurrent cell with ReLU in place of tanh (the exercise of d2l
// 9.5, "Recurrent Neural Network Implementation from Scratch": "what happens
// if you replace tanh with ReLU?"):
//
//   H_t = max(0, X_t W_xh + H_{t-1} W_hh + b_h)
//
// LibTorch's RNN layer computes it with nonlinearity kReLU. Unbounded, so
// its state can grow from step to step where tanh keeps it in (-1, 1).
#include "cells/Kernels.h"
#include "cells/PlainRnn.h"

namespace traveller::cells {

namespace {

// h = max(0, xp + hp)
TRAVELLER_CLONES void forwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                  const float* __restrict hp, float* __restrict h)
{
    for (std::int64_t b = begin; b < end; ++b)
        for (std::int64_t j = 0; j < H; ++j) {
            const float a = xp[b * H + j] + hp[b * H + j];
            h[b * H + j] = a > 0.0f ? a : 0.0f;
        }
}

// dpre = (dh + dy) where h > 0, else 0
TRAVELLER_CLONES void backwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict h,
                                   const float* __restrict dh, const float* __restrict dy, float* __restrict dpre)
{
    for (std::int64_t b = begin; b < end; ++b)
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            dpre[k] = h[k] > 0.0f ? dh[k] + dy[k] : 0.0f;
        }
}

} // namespace

const Cell& rnnReluCell()
{
    static const PlainRnn c({CellInfo{"rnn-relu", "RNN (ReLU)",
                                       "The plain recurrent cell with ReLU instead of tanh: h = max(0, x W_xh + h W_hh + b)",
                                       1,
                                       {"h"}, {"a"}, false, true, true,
                                       {"a = x·W_xh", "    + h_prev·W_hh + b", "  = {a}", "h = max(0, a) = {h}"}},
                             torch::kReLU,
                             [](const torch::Tensor& a) { return torch::relu(a); },
                             forwardRows,
                             backwardRows});
    return c;
}

} // namespace traveller::cells
