// The plain recurrent cell (d2l 9.4–9.5, "Recurrent Neural Networks"):
//
//   H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)
//
// In LibTorch's layout W_xh is W_ih^T and b_h is b_ih + b_hh; one gate block.
#include "cells/Kernels.h"
#include "cells/PlainRnn.h"

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

} // namespace

const Cell& rnnCell()
{
    static const PlainRnn c({CellInfo{"rnn", "RNN", "The plain recurrent cell: h = tanh(x W_xh + h W_hh + b)", 1,
                                       {"h"}, {"a"}, false, true, true,
                                       {"a = x·W_xh", "    + h_prev·W_hh + b", "  = {a}", "h = tanh(a) = {h}"}},
                             torch::kTanh,
                             [](const torch::Tensor& a) { return torch::tanh(a); },
                             forwardRows,
                             backwardRows});
    return c;
}

} // namespace traveller::cells
