// The two halves of the GRU (the exercise of d2l 10.2, "Gated Recurrent
// Units": "what happens if you implement only parts of a GRU, e.g. with only
// a reset gate or only an update gate?"). Each is the book's GRU with the
// other gate held open, in LibTorch's "linear before reset" form as Gru.cpp:
//
//   reset gate only (gru-reset):  z = 0
//     R_t = σ(X_t W_xr + H_{t-1} W_hr + b_r)
//     H_t = H̃_t = tanh(X_t W_xh + R_t ⊙ (H_{t-1} W_hh + b_hh) + b_xh)
//
//   update gate only (gru-update):  r = 1
//     Z_t = σ(X_t W_xz + H_{t-1} W_hz + b_z)
//     H̃_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)
//     H_t = Z_t ⊙ H_{t-1} + (1 − Z_t) ⊙ H̃_t
//
// LibTorch has no layer for either: impl builtin runs the textbook step.
#include "cells/Cell.h"

#include "cells/Kernels.h"

namespace traveller::cells {

namespace {

// ---------------------------------------------------------------- reset only

// r = s(xr + hr), n = tanh(xn + r * hn), h = n. Saves r, n in gates (B, 2H)
// and hn (B, H).
TRAVELLER_CLONES void resetForward(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                   const float* __restrict hp, float* __restrict h, float* __restrict gates,
                                   float* __restrict hn)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* x = xp + b * 2 * H;
        const float* g = hp + b * 2 * H;
        float* s = gates + b * 2 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const float r = fm::sigmoid(x[j] + g[j]);
            const float n = fm::tanh(x[H + j] + r * g[H + j]);
            s[j] = r;
            s[H + j] = n;
            hn[b * H + j] = g[H + j];
            h[b * H + j] = n;
        }
    }
}

// dn = dh (1 - n^2), dr = dn hn r (1 - r); the hidden side's n block is dn r.
// h does not depend on h_prev directly: every path goes through W_hh.
TRAVELLER_CLONES void resetBackward(std::int64_t begin, std::int64_t end, std::int64_t H,
                                    const float* __restrict gates, const float* __restrict hn,
                                    const float* __restrict dhIn, const float* __restrict dy, float* __restrict dgi,
                                    float* __restrict dgh)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* s = gates + b * 2 * H;
        float* di = dgi + b * 2 * H;
        float* dg = dgh + b * 2 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            const float r = s[j], n = s[H + j];
            const float dn = (dhIn[k] + dy[k]) * (1.0f - n * n);
            const float dr = dn * hn[k] * r * (1.0f - r);
            di[j] = dr;
            di[H + j] = dn;
            dg[j] = dr;
            dg[H + j] = dn * r;
        }
    }
}

class GruReset final : public Cell {
public:
    const CellInfo& info() const override
    {
        static const CellInfo i{"gru-reset", "GRU (reset gate only)",
                                "A GRU with only its reset gate r (the update gate held at 0): h = n", 2,
                                {"r", "n"}, {"r", "n"}, false, true, false,
                                {"r = σ(…) = {r}", "n = tanh(… + r·(…))", "  = {n}", "h = n  (no update gate)",
                                 "  = {h}"}};
        return i;
    }

    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& hp, const State& /*prev*/) const override
    {
        const auto xi = xp.chunk(2, 1);
        const auto hi = hp.chunk(2, 1);
        const auto r = torch::sigmoid(xi[0] + hi[0]);
        const auto n = torch::tanh(xi[1] + r * hi[1]);
        return {{n, {}}, {r, n}};
    }

    FusedLayout fusedLayout() const override { return {true, true, true, false}; }

    void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const override
    {
        resetForward(begin, end, a.H, a.xp, a.hp, a.h, a.gates, a.extra);
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        resetBackward(begin, end, a.H, a.gates, a.extra, a.dhIn, a.dy, a.dgi, a.dgh);
    }
};

// ---------------------------------------------------------------- update only

// z = s(xz + hz), n = tanh(xn + hn), h = (1 - z) n + z h_prev. Saves z, n.
TRAVELLER_CLONES void updateForward(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                    const float* __restrict hp, const float* __restrict hPrev, float* __restrict h,
                                    float* __restrict gates)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* x = xp + b * 2 * H;
        const float* g = hp + b * 2 * H;
        float* s = gates + b * 2 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const float z = fm::sigmoid(x[j] + g[j]);
            const float n = fm::tanh(x[H + j] + g[H + j]);
            s[j] = z;
            s[H + j] = n;
            h[b * H + j] = (1.0f - z) * n + z * hPrev[b * H + j];
        }
    }
}

// dn = dh (1 - z)(1 - n^2), dz = dh (h_prev - n) z (1 - z); both products see
// the same pre-activation gradients; dh_prev gets dh z directly.
TRAVELLER_CLONES void updateBackward(std::int64_t begin, std::int64_t end, std::int64_t H,
                                     const float* __restrict gates, const float* __restrict hPrev,
                                     const float* __restrict dhIn, const float* __restrict dy, float* __restrict dgi,
                                     float* __restrict direct)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* s = gates + b * 2 * H;
        float* di = dgi + b * 2 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            const float z = s[j], n = s[H + j];
            const float dh = dhIn[k] + dy[k];
            di[j] = dh * (hPrev[k] - n) * z * (1.0f - z);
            di[H + j] = dh * (1.0f - z) * (1.0f - n * n);
            direct[k] = dh * z;
        }
    }
}

class GruUpdate final : public Cell {
public:
    const CellInfo& info() const override
    {
        static const CellInfo i{"gru-update", "GRU (update gate only)",
                                "A GRU with only its update gate z (the reset gate held at 1)", 2,
                                {"z", "n"}, {"z", "n"}, false, true, false,
                                {"z = σ(…) = {z}", "n = tanh(…)", "  (no reset gate)", "  = {n}",
                                 "h = (1 − z)·n + z·h_prev", "  = (1 − {z})·{n*}", "    + {z}·{h_prev*}", "  = {h}"}};
        return i;
    }

    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& hp, const State& prev) const override
    {
        const auto xi = xp.chunk(2, 1);
        const auto hi = hp.chunk(2, 1);
        const auto z = torch::sigmoid(xi[0] + hi[0]);
        const auto n = torch::tanh(xi[1] + hi[1]);
        return {{z * prev.h + (1 - z) * n, {}}, {z, n}};
    }

    FusedLayout fusedLayout() const override { return {true, false, false, true}; }

    void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const override
    {
        updateForward(begin, end, a.H, a.xp, a.hp, a.hPrev, a.h, a.gates);
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        updateBackward(begin, end, a.H, a.gates, a.hPrev, a.dhIn, a.dy, a.dgi, a.direct);
    }
};

} // namespace

const Cell& gruResetCell()
{
    static const GruReset c;
    return c;
}

const Cell& gruUpdateCell()
{
    static const GruUpdate c;
    return c;
}

} // namespace traveller::cells
