// Long short-term memory (d2l 10.1, "Long Short-Term Memory"):
//
//   I_t = σ(X_t W_xi + H_{t-1} W_hi + b_i)      input gate
//   F_t = σ(X_t W_xf + H_{t-1} W_hf + b_f)      forget gate
//   C̃_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)   candidate memory
//   O_t = σ(X_t W_xo + H_{t-1} W_ho + b_o)      output gate
//   C_t = F_t ⊙ C_{t-1} + I_t ⊙ C̃_t
//   H_t = O_t ⊙ tanh(C_t)
//
// LibTorch's block order i, f, g, o (g is the book's C̃).
#include "cells/Cell.h"

#include "cells/Kernels.h"

namespace traveller::cells {

namespace {

// i, f, o = s(.), g = tanh(.); c = f c_prev + i g; h = o tanh(c). Saves i, f, g, o and c.
TRAVELLER_CLONES void forwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                  const float* __restrict hp, const float* __restrict cPrev, float* __restrict h,
                                  float* __restrict c, float* __restrict gates)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* x = xp + b * 4 * H;
        const float* g = hp + b * 4 * H;
        float* s = gates + b * 4 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const float i = fm::sigmoid(x[j] + g[j]);
            const float f = fm::sigmoid(x[H + j] + g[H + j]);
            const float gg = fm::tanh(x[2 * H + j] + g[2 * H + j]);
            const float o = fm::sigmoid(x[3 * H + j] + g[3 * H + j]);
            const float cv = f * cPrev[b * H + j] + i * gg;
            s[j] = i;
            s[H + j] = f;
            s[2 * H + j] = gg;
            s[3 * H + j] = o;
            c[b * H + j] = cv;
            h[b * H + j] = o * fm::tanh(cv);
        }
    }
}

// dc accumulates across steps in place: on return it holds dc_prev.
TRAVELLER_CLONES void backwardRows(std::int64_t begin, std::int64_t end, std::int64_t H,
                                   const float* __restrict gates, const float* __restrict c,
                                   const float* __restrict cPrev, const float* __restrict dhIn,
                                   const float* __restrict dy, float* __restrict dc, float* __restrict dpre)
{
    for (std::int64_t b = begin; b < end; ++b) {
        const float* s = gates + b * 4 * H;
        float* d = dpre + b * 4 * H;
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            const float i = s[j], f = s[H + j], g = s[2 * H + j], o = s[3 * H + j];
            const float tc = fm::tanh(c[k]);
            const float dh = dhIn[k] + dy[k];
            const float dct = dc[k] + dh * o * (1.0f - tc * tc);
            d[j] = dct * g * i * (1.0f - i);
            d[H + j] = dct * cPrev[k] * f * (1.0f - f);
            d[2 * H + j] = dct * i * (1.0f - g * g);
            d[3 * H + j] = dh * tc * o * (1.0f - o);
            dc[k] = dct * f;
        }
    }
}

class Lstm final : public Cell {
public:
    const CellInfo& info() const override
    {
        static const CellInfo i{"lstm", "LSTM",
                                "Long short-term memory: input, forget and output gates, a memory cell c", 4,
                                {"i", "f", "g", "o"}, {"i", "f", "g", "o", "c"}, true, true, true,
                                {"i = σ(…) = {i}", "f = σ(…) = {f}", "g = tanh(…) = {g}", "o = σ(…) = {o}",
                                 "c = f·c_prev + i·g", "  = {f}·{c_prev*}", "    + {i}·{g*}", "  = {c}",
                                 "h = o·tanh(c)", "  = {o}·tanh({c})", "  = {h}"}};
        return i;
    }

    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& hp, const State& prev) const override
    {
        const auto gates = (xp + hp).chunk(4, 1);
        const auto i = torch::sigmoid(gates[0]);
        const auto f = torch::sigmoid(gates[1]);
        const auto g = torch::tanh(gates[2]);  // C̃
        const auto o = torch::sigmoid(gates[3]);
        const auto c = f * prev.c + i * g;
        const auto h = o * torch::tanh(c);
        return {{h, c}, {i, f, g, o, c}};
    }

    torch::nn::AnyModule builtinLayer(std::int64_t input, std::int64_t hidden, std::int64_t layers,
                                      double dropout) const override
    {
        return torch::nn::AnyModule(
            torch::nn::LSTM(torch::nn::LSTMOptions(input, hidden).num_layers(layers).dropout(dropout)));
    }

    torch::Tensor runBuiltin(torch::nn::AnyModule& layer, const torch::Tensor& x, State& state) const override
    {
        auto& lstm = *layer.get<torch::nn::LSTM>();
        auto [out, hc] = state.h.defined() ? lstm.forward(x, std::make_tuple(state.h, state.c)) : lstm.forward(x);
        state.h = std::get<0>(hc);
        state.c = std::get<1>(hc);
        return out;
    }

    FusedLayout fusedLayout() const override { return {true, true, false, false}; }

    void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const override
    {
        forwardRows(begin, end, a.H, a.xp, a.hp, a.cPrev, a.h, a.extra, a.gates);
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        backwardRows(begin, end, a.H, a.gates, a.extra, a.extraPrev, a.dhIn, a.dy, a.dc, a.dgi);
    }
};

} // namespace

const Cell& lstmCell()
{
    static const Lstm c;
    return c;
}

} // namespace traveller::cells
