// minLSTM (Feng et al. 2024, "Were RNNs All We Needed?", section 3.2): an
// LSTM whose gates and candidate read only the input, with no output gate, no
// separate memory cell and no hidden-to-hidden weights; the two gates are
// normalised so that the state stays on the candidates' scale:
//
//   f_t = σ(Linear_f(x_t))                      forget gate
//   i_t = σ(Linear_i(x_t))                      input gate
//   h̃_t = Linear_h(x_t)                         candidate
//   f'_t = f_t / (f_t + i_t),  i'_t = i_t / (f_t + i_t)
//   h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ h̃_t
//
// Blocks f, i, n (n is h̃) of W_ih and b_ih; no W_hh, b_hh. As for minGRU, the
// recurrence left after the one input GEMM is an elementwise linear scan.
#include "cells/Cell.h"

#include "cells/Kernels.h"

namespace traveller::cells {

namespace {

// f = s(xf), i = s(xi), n = xn; h = (f h_prev + i n) / (f + i). Saves f, i, n.
TRAVELLER_CLONES void forwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                  const float* __restrict hPrev, float* __restrict h, float* __restrict gates)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* x = xp + b * 3 * H;
        float* s = gates + b * 3 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const float f = fm::sigmoid(x[j]);
            const float i = fm::sigmoid(x[H + j]);
            const float n = x[2 * H + j];
            s[j] = f;
            s[H + j] = i;
            s[2 * H + j] = n;
            h[b * H + j] = (f * hPrev[b * H + j] + i * n) / (f + i);
        }
    }
}

// With s = f + i: dh/df = (h_prev - h) / s, dh/di = (n - h) / s, dh/dn = i / s,
// dh/dh_prev = f / s (all of it direct).
TRAVELLER_CLONES void backwardRows(std::int64_t begin, std::int64_t end, std::int64_t H,
                                   const float* __restrict gates, const float* __restrict h,
                                   const float* __restrict hPrev, const float* __restrict dhIn,
                                   const float* __restrict dy, float* __restrict dgi, float* __restrict direct)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* s = gates + b * 3 * H;
        float* d = dgi + b * 3 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            const float f = s[j], i = s[H + j], n = s[2 * H + j];
            const float dh = dhIn[k] + dy[k];
            const float scale = dh / (f + i);
            d[j] = scale * (hPrev[k] - h[k]) * f * (1.0f - f);
            d[H + j] = scale * (n - h[k]) * i * (1.0f - i);
            d[2 * H + j] = scale * i;
            direct[k] = scale * f;
        }
    }
}

class MinLstm final : public Cell {
public:
    const CellInfo& info() const override
    {
        static const CellInfo i{"minlstm", "minLSTM",
                                "minLSTM (Feng et al. 2024): normalised forget and input gates and a candidate "
                                "from the input alone, no hidden-to-hidden weights",
                                3, {"f", "i", "n"}, {"f", "i", "n"}, false, false, false,
                                {"f = σ(x·W_f + b_f)", "i = σ(x·W_i + b_i)", "f′ = f / (f + i) = {f}",
                                 "i′ = i / (f + i) = {i}", "n = x·W_n + b_n = {n}", "h = f′·h_prev + i′·n",
                                 "  = {f}·{h_prev*}", "    + {i}·{n*}", "  = {h}"}};
        return i;
    }

    // Exposes the normalised gates f' and i' (what mixes h_prev and h̃) and h̃.
    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& /*hp: no W_hh*/, const State& prev) const override
    {
        const auto a = xp.chunk(3, 1);  // Linear_f(x), Linear_i(x), Linear_h(x)
        const auto f = torch::sigmoid(a[0]);
        const auto i = torch::sigmoid(a[1]);
        const auto n = a[2];  // h̃
        const auto fn = f / (f + i);
        const auto in = i / (f + i);
        const auto h = fn * prev.h + in * n;
        return {{h, {}}, {fn, in, n}};
    }

    FusedLayout fusedLayout() const override { return {true, false, false, true}; }

    void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const override
    {
        forwardRows(begin, end, a.H, a.xp, a.hPrev, a.h, a.gates);
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        backwardRows(begin, end, a.H, a.gates, a.h, a.hPrev, a.dhIn, a.dy, a.dgi, a.direct);
    }
};

} // namespace

const Cell& minLstmCell()
{
    static const MinLstm c;
    return c;
}

} // namespace traveller::cells
