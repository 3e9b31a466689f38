// The gated recurrent unit (d2l 10.2, "Gated Recurrent Units"):
//
//   R_t = σ(X_t W_xr + H_{t-1} W_hr + b_r)               reset gate
//   Z_t = σ(X_t W_xz + H_{t-1} W_hz + b_z)               update gate
//   H̃_t = tanh(X_t W_xh + (R_t ⊙ H_{t-1}) W_hh + b_h)    candidate
//   H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t
//
// As LibTorch computes it ("linear before reset"), so that the builtin layer,
// this step and the fused kernels agree to the last bit of the tests: the
// reset gate multiplies H_{t-1} W_hh + b_hh, not H_{t-1} alone. Blocks r, z, n
// (n is the book's H̃).
#include "cells/Cell.h"

#include "cells/Kernels.h"

namespace traveller::cells {

namespace {

// r = s(xr + hr), z = s(xz + hz), n = tanh(xn + r * hn), h = (1 - z) n + z h_prev.
// Saves r, z, n in gates (B, 3H) and hn (B, H) for the backward pass.
TRAVELLER_CLONES void forwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                  const float* __restrict hp, const float* __restrict hPrev, float* __restrict h,
                                  float* __restrict gates, float* __restrict hn)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* x = xp + b * 3 * H;
        const float* g = hp + b * 3 * H;
        float* s = gates + b * 3 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const float r = fm::sigmoid(x[j] + g[j]);
            const float z = fm::sigmoid(x[H + j] + g[H + j]);
            const float n = fm::tanh(x[2 * H + j] + r * g[2 * H + j]);
            s[j] = r;
            s[H + j] = z;
            s[2 * H + j] = n;
            hn[b * H + j] = g[2 * H + j];
            h[b * H + j] = (1.0f - z) * n + z * hPrev[b * H + j];
        }
    }
}

// From dh (incoming, plus dY) to the pre-activation gradients: dgi for the input
// side, dgh for the hidden side (they differ in the n block: dgh_n = dgi_n * r),
// and the direct part of dh_prev (dh * z); the GEMM part is added by the layer.
TRAVELLER_CLONES void backwardRows(std::int64_t begin, std::int64_t end, std::int64_t H,
                                   const float* __restrict gates, const float* __restrict hn,
                                   const float* __restrict hPrev, const float* __restrict dhIn,
                                   const float* __restrict dy, float* __restrict dgi, float* __restrict dgh,
                                   float* __restrict dhPrevDirect)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* s = gates + b * 3 * H;
        float* di = dgi + b * 3 * H;
        float* dg = dgh + b * 3 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            const float r = s[j], z = s[H + j], n = s[2 * H + j];
            const float dh = dhIn[k] + dy[k];
            const float dn = dh * (1.0f - z) * (1.0f - n * n);
            const float dz = dh * (hPrev[k] - n) * z * (1.0f - z);
            const float dr = dn * hn[k] * r * (1.0f - r);
            di[j] = dr;
            di[H + j] = dz;
            di[2 * H + j] = dn;
            dg[j] = dr;
            dg[H + j] = dz;
            dg[2 * H + j] = dn * r;
            dhPrevDirect[k] = dh * z;
        }
    }
}

class Gru final : public Cell {
public:
    const CellInfo& info() const override
    {
        static const CellInfo i{"gru", "GRU", "Gated recurrent unit: reset gate r, update gate z, candidate n", 3,
                                {"r", "z", "n"}, {"r", "z", "n"}, false, true, true,
                                {"r = σ(…) = {r}", "z = σ(…) = {z}", "n = tanh(… + r·(…))", "  = {n}",
                                 "h = (1 − z)·n + z·h_prev", "  = (1 − {z})·{n*}", "    + {z}·{h_prev*}", "  = {h}"}};
        return i;
    }

    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& hp, const State& prev) const override
    {
        const auto xi = xp.chunk(3, 1);  // X W_x· + b_x·, each (B, H)
        const auto hi = hp.chunk(3, 1);  // H W_h· + b_h·
        const auto r = torch::sigmoid(xi[0] + hi[0]);
        const auto z = torch::sigmoid(xi[1] + hi[1]);
        const auto n = torch::tanh(xi[2] + r * hi[2]);
        const auto h = z * prev.h + (1 - z) * n;
        return {{h, {}}, {r, z, n}};
    }

    torch::nn::AnyModule builtinLayer(std::int64_t input, std::int64_t hidden, std::int64_t layers,
                                      double dropout) const override
    {
        return torch::nn::AnyModule(
            torch::nn::GRU(torch::nn::GRUOptions(input, hidden).num_layers(layers).dropout(dropout)));
    }

    torch::Tensor runBuiltin(torch::nn::AnyModule& layer, const torch::Tensor& x, State& state) const override
    {
        auto& gru = *layer.get<torch::nn::GRU>();
        auto [out, h] = state.h.defined() ? gru.forward(x, state.h) : gru.forward(x);
        state.h = h;
        return out;
    }

    FusedLayout fusedLayout() const override { return {true, true, true, true}; }

    void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const override
    {
        forwardRows(begin, end, a.H, a.xp, a.hp, a.hPrev, a.h, a.gates, a.extra);
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        backwardRows(begin, end, a.H, a.gates, a.extra, a.hPrev, a.dhIn, a.dy, a.dgi, a.dgh, a.direct);
    }
};

} // namespace

const Cell& gruCell()
{
    static const Gru c;
    return c;
}

} // namespace traveller::cells
