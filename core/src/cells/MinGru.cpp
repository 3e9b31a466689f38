// minGRU (Feng et al. 2024, "Were RNNs All We Needed?", section 3.1): a GRU
// whose gate and candidate read only the input, with no reset gate and no
// hidden-to-hidden weights:
//
//   z_t = σ(Linear_z(x_t))                     update gate
//   h̃_t = Linear_h(x_t)                        candidate
//   h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t
//
// Blocks z, n (n is h̃) of W_ih and b_ih; no W_hh, b_hh. Every step's z and h̃
// come from one GEMM over all steps; what is left of the recurrence is the
// elementwise linear scan h_t = a_t ⊙ h_{t−1} + b_t, with no product by a
// weight matrix in it (the paper runs it as a parallel scan on GPUs; here the
// fused kernel walks it step by step, parallel over the batch rows).
#include "cells/Cell.h"

#include "cells/Kernels.h"

namespace traveller::cells {

namespace {

// z = s(xz), n = xn, h = (1 - z) h_prev + z n. Saves z and n.
TRAVELLER_CLONES void forwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                  const float* __restrict hPrev, float* __restrict h, float* __restrict gates)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* x = xp + b * 2 * H;
        float* s = gates + b * 2 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const float z = fm::sigmoid(x[j]);
            const float n = x[H + j];
            s[j] = z;
            s[H + j] = n;
            h[b * H + j] = (1.0f - z) * hPrev[b * H + j] + z * n;
        }
    }
}

// dz_pre = dh (n - h_prev) z (1 - z), dn = dh z; dh_prev = dh (1 - z), all of it direct.
TRAVELLER_CLONES void backwardRows(std::int64_t begin, std::int64_t end, std::int64_t H,
                                   const float* __restrict gates, const float* __restrict hPrev,
                                   const float* __restrict dhIn, const float* __restrict dy, float* __restrict dgi,
                                   float* __restrict direct)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* s = gates + b * 2 * H;
        float* d = dgi + b * 2 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            const float z = s[j], n = s[H + j];
            const float dh = dhIn[k] + dy[k];
            d[j] = dh * (n - hPrev[k]) * z * (1.0f - z);
            d[H + j] = dh * z;
            direct[k] = dh * (1.0f - z);
        }
    }
}

class MinGru final : public Cell {
public:
    const CellInfo& info() const override
    {
        static const CellInfo i{"mingru", "minGRU",
                                "minGRU (Feng et al. 2024): update gate z and candidate from the input alone, "
                                "no hidden-to-hidden weights",
                                2, {"z", "n"}, {"z", "n"}, false, false, false,
                                {"z = σ(x·W_z + b_z)", "  = {z}", "n = x·W_n + b_n = {n}",
                                 "h = (1 − z)·h_prev + z·n", "  = (1 − {z})·{h_prev*}", "    + {z}·{n*}", "  = {h}"}};
        return i;
    }

    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& /*hp: no W_hh*/, const State& prev) const override
    {
        const auto a = xp.chunk(2, 1);  // Linear_z(x), Linear_h(x)
        const auto z = torch::sigmoid(a[0]);
        const auto n = a[1];  // h̃
        const auto h = (1 - z) * prev.h + z * n;
        return {{h, {}}, {z, n}};
    }

    FusedLayout fusedLayout() const override { return {true, false, false, true}; }

    void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const override
    {
        forwardRows(begin, end, a.H, a.xp, a.hPrev, a.h, a.gates);
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        backwardRows(begin, end, a.H, a.gates, a.hPrev, a.dhIn, a.dy, a.dgi, a.direct);
    }
};

} // namespace

const Cell& minGruCell()
{
    static const MinGru c;
    return c;
}

} // namespace traveller::cells
