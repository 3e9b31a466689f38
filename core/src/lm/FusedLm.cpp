// The fast CPU path. Each recurrent layer is one autograd node whose forward
// and backward through time are written by hand:
//   forward:  the input projection of all T steps in one lookup (one-hot input)
//             or one large GEMM; per step one skinny GEMM h W_hh^T and one
//             fused, vectorised pass over the gates;
//   backward: per step one skinny GEMM dG W_hh and one fused pass; the weight
//             gradients for all steps in one large GEMM each at the end,
//             instead of one small GEMM per step as autograd would do.
// Same parameter layout and gate order as LibTorch (see LmModels.h); the tests
// check outputs and gradients against torch::nn::RNN/GRU/LSTM.
//
// Shapes: T steps, B batch, H hidden, G gates (RNN 1, GRU 3, LSTM 4), In input size.
#include "lm/FusedLm.h"

#include "lm/FastMath.h"
#include "lm/SkinnyGemm.h"

#include <ATen/Parallel.h>

namespace traveller::lm {

namespace {

namespace fm = fastmath;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows of the batch per parallel task: a step's gate pass is split once it
// has 16k gate values per thread (the book's GRU and LSTM at hidden 256: 32 x
// 768 and 32 x 1024 split in two; the RNN's 32 x 256 stays on one thread).
// Measured A/B with OpenMP working: 16k per task beat 64k by ~8 % (LSTM-256,
// GRU-256, 2 threads).
std::int64_t rowGrain(std::int64_t rowWidth) { return std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, rowWidth)); }

// ---------------------------------------------------------------- step kernels
// Each processes rows [begin, end) of one time step. xp: input projection incl.
// b_ih (B, G*H); hp: h_{t-1} W_hh^T + b_hh (B, G*H).

// target_clones dispatches through an ifunc resolver that the dynamic loader
// runs before a sanitizer's runtime is up (TSan crashes at start-up), so a
// sanitizer build compiles the kernels once, for the baseline CPU.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(TRAVELLER_NO_TARGET_CLONES)
#define TRAVELLER_CLONES
#else
#define TRAVELLER_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif

// h = tanh(xp + hp)
TRAVELLER_CLONES void rnnForwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                     const float* __restrict hp, float* __restrict h)
{
    for (std::int64_t b = begin; b < end; ++b)
        for (std::int64_t j = 0; j < H; ++j)
            h[b * H + j] = fm::tanh(xp[b * H + j] + hp[b * H + j]);
}

// dpre = (dh + dY) * (1 - h^2)
TRAVELLER_CLONES void rnnBackwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict h,
                                      const float* __restrict dh, const float* __restrict dy, float* __restrict dpre)
{
    for (std::int64_t b = begin; b < end; ++b)
        for (std::int64_t j = 0; j < H; ++j) {
            const std::int64_t k = b * H + j;
            const float hv = h[k];
            dpre[k] = (dh[k] + dy[k]) * (1.0f - hv * hv);
        }
}

// r = s(xr + hr), z = s(xz + hz), n = tanh(xn + r * hn), h = (1 - z) n + z h_prev.
// Saves r, z, n in gates (B, 3H) and hn (B, H) for the backward pass.
TRAVELLER_CLONES void gruForwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                     const float* __restrict hp, const float* __restrict hPrev, float* __restrict h, float* __restrict gates, float* __restrict hn)
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
// and the direct part of dh_prev (dh * z); the GEMM part is added by the caller.
TRAVELLER_CLONES void gruBackwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict gates,
                                      const float* __restrict hn, const float* __restrict hPrev, const float* __restrict dhIn, const float* __restrict dy,
                                      float* __restrict dgi, float* __restrict dgh, float* __restrict dhPrevDirect)
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

// i, f, o = s(.), g = tanh(.); c = f c_prev + i g; h = o tanh(c). Saves i, f, g, o and c.
TRAVELLER_CLONES void lstmForwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict xp,
                                      const float* __restrict hp, const float* __restrict cPrev, float* __restrict h, float* __restrict c, float* __restrict gates)
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
TRAVELLER_CLONES void lstmBackwardRows(std::int64_t begin, std::int64_t end, std::int64_t H, const float* __restrict gates,
                                       const float* __restrict c, const float* __restrict cPrev, const float* __restrict dhIn, const float* __restrict dy,
                                       float* __restrict dc, float* __restrict dpre)
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

#undef TRAVELLER_CLONES

template <typename F>
void forRows(std::int64_t rows, std::int64_t rowWidth, const F& f)
{
    at::parallel_for(0, rows, rowGrain(rowWidth), f);
}

// Packing reads and writes W_hh once; the products it serves do 2·T·B
// multiply-adds per weight. Below a few steps of a batch, packing dominates.
bool worthPacking(std::int64_t steps, std::int64_t batch) { return steps * batch >= 64; }

float* ptr(torch::Tensor& t) { return t.data_ptr<float>(); }
const float* cptr(const torch::Tensor& t) { return t.data_ptr<float>(); }

// ---------------------------------------------------------------- the layer

// Inputs: x (T, B) int64 token ids (first layer: one-hot input as a column
// lookup) or (T, B, In) float; h0, c0 (B, H) (c0 empty unless LSTM); LibTorch's
// four weights. Outputs: Y (T, B, H), hT (B, H), cT (B, H) or empty.
class FusedLayer : public torch::autograd::Function<FusedLayer> {
public:
    static variable_list forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& h0,
                                 const torch::Tensor& c0, const torch::Tensor& wIh, const torch::Tensor& wHh,
                                 const torch::Tensor& bIh, const torch::Tensor& bHh, std::int64_t archCode)
    {
        const auto arch = static_cast<Arch>(archCode);
        const bool ids = x.scalar_type() == torch::kInt64;
        const std::int64_t T = x.size(0), B = x.size(1), H = wHh.size(1), GH = wHh.size(0);
        const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);

        // Input projections of every step at once: (T*B, G*H), b_ih included.
        torch::Tensor xp;
        if (ids)
            xp = wIh.t().index_select(0, x.reshape({-1})).add_(bIh);  // column lookup == one-hot GEMM
        else
            xp = torch::addmm(bIh, x.reshape({T * B, -1}), wIh.t());
        xp = xp.contiguous();

        auto y = torch::empty({T, B, H}, f32);
        auto gates = arch == Arch::Rnn ? torch::Tensor() : torch::empty({T, B, GH}, f32);
        auto extra = arch == Arch::Rnn ? torch::Tensor() : torch::empty({T, B, H}, f32);  // GRU: hn, LSTM: c
        auto hp = torch::empty({B, GH}, f32);
        const auto wHhT = wHh.t();
        auto hPrev = h0.contiguous();
        auto cPrev = arch == Arch::Lstm ? c0.contiguous() : torch::Tensor();
        // W_hh packed once for all T steps (see SkinnyGemm.h); LibTorch's GEMM
        // where the CPU lacks AVX-512, and for a single row or step (writing
        // text feeds one character at a time: packing would cost more than the
        // product).
        PackedWeights packed;
        const bool own = PackedWeights::supported() && worthPacking(T, B);
        const auto wHhC = wHh.contiguous();
        const auto bHhC = bHh.contiguous();
        if (own)
            packed.packRows(cptr(wHhC), GH, H, H);
        for (std::int64_t t = 0; t < T; ++t) {
            if (own)
                packed.multiply(cptr(hPrev), B, H, cptr(bHhC), nullptr, ptr(hp), GH);
            else
                at::addmm_out(hp, bHh, hPrev, wHhT);
            auto yt = y[t];
            const float* xpt = cptr(xp) + t * B * GH;
            switch (arch) {
            case Arch::Rnn:
                forRows(B, GH, [&](std::int64_t b0, std::int64_t b1) { rnnForwardRows(b0, b1, H, xpt, cptr(hp), ptr(yt)); });
                break;
            case Arch::Gru: {
                auto gt = gates[t];
                auto nt = extra[t];
                forRows(B, GH, [&](std::int64_t b0, std::int64_t b1) {
                    gruForwardRows(b0, b1, H, xpt, cptr(hp), cptr(hPrev), ptr(yt), ptr(gt), ptr(nt));
                });
                break;
            }
            case Arch::Lstm: {
                auto gt = gates[t];
                auto ct = extra[t];
                forRows(B, GH, [&](std::int64_t b0, std::int64_t b1) {
                    lstmForwardRows(b0, b1, H, xpt, cptr(hp), cptr(cPrev), ptr(yt), ptr(ct), ptr(gt));
                });
                cPrev = ct;
                break;
            }
            }
            hPrev = yt;
        }
        ctx->save_for_backward({x, h0, c0, wIh, wHh, y});
        ctx->saved_data["arch"] = archCode;
        ctx->saved_data["gates"] = gates;
        ctx->saved_data["extra"] = extra;
        const auto cT = arch == Arch::Lstm ? extra[T - 1].clone() : torch::empty({0}, f32);
        return {y, y[T - 1].clone(), cT};
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &x = saved[0], &h0 = saved[1], &c0 = saved[2], &wIh = saved[3], &wHh = saved[4], &y = saved[5];
        const auto arch = static_cast<Arch>(ctx->saved_data["arch"].toInt());
        const auto gates = ctx->saved_data["gates"].toTensor();
        const auto extra = ctx->saved_data["extra"].toTensor();
        const bool ids = x.scalar_type() == torch::kInt64;
        const std::int64_t T = x.size(0), B = x.size(1), H = wHh.size(1), GH = wHh.size(0);
        const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);

        const auto dy = grads[0].contiguous();                 // (T, B, H)
        auto dh = grads[1].defined() ? grads[1].contiguous().clone() : torch::zeros({B, H}, f32);
        auto dc = arch == Arch::Lstm && grads[2].defined() && grads[2].numel() > 0 ? grads[2].contiguous().clone()
                                                                                   : torch::zeros({B, H}, f32);
        // Pre-activation gradients of every step, kept for the weight GEMMs.
        auto dgi = torch::empty({T, B, GH}, f32);
        auto dgh = arch == Arch::Gru ? torch::empty({T, B, GH}, f32) : dgi;  // same unless GRU
        auto direct = torch::empty({B, H}, f32);
        auto next = torch::empty({B, H}, f32);
        // dG W_hh at every step: W_hh packed once (see SkinnyGemm.h).
        PackedWeights packed;
        const bool own = PackedWeights::supported() && worthPacking(T, B);
        const auto wHhC = wHh.contiguous();
        if (own)
            packed.packColumns(cptr(wHhC), GH, H, H);
        const auto stepProduct = [&](const torch::Tensor& dg, torch::Tensor& out, const torch::Tensor* addend) {
            if (own)
                packed.multiply(cptr(dg), B, GH, nullptr, addend ? cptr(*addend) : nullptr, ptr(out), H);
            else if (addend)
                at::addmm_out(out, *addend, dg, wHh);
            else
                at::mm_out(out, dg, wHh);
        };
        for (std::int64_t t = T - 1; t >= 0; --t) {
            const auto hPrev = t > 0 ? y[t - 1] : h0;
            const float* dyt = cptr(dy) + t * B * H;
            auto dgit = dgi[t];
            auto dght = dgh[t];
            switch (arch) {
            case Arch::Rnn: {
                const auto yt = y[t];
                forRows(B, GH, [&](std::int64_t b0, std::int64_t b1) {
                    rnnBackwardRows(b0, b1, H, cptr(yt), cptr(dh), dyt, ptr(dgit));
                });
                stepProduct(dgit, next, nullptr);
                break;
            }
            case Arch::Gru: {
                const auto gt = gates[t];
                const auto nt = extra[t];
                forRows(B, GH, [&](std::int64_t b0, std::int64_t b1) {
                    gruBackwardRows(b0, b1, H, cptr(gt), cptr(nt), cptr(hPrev), cptr(dh), dyt, ptr(dgit), ptr(dght),
                                    ptr(direct));
                });
                stepProduct(dght, next, &direct);
                break;
            }
            case Arch::Lstm: {
                const auto gt = gates[t];
                const auto ct = extra[t];
                const auto cPrev = t > 0 ? extra[t - 1] : c0.contiguous();
                forRows(B, GH, [&](std::int64_t b0, std::int64_t b1) {
                    lstmBackwardRows(b0, b1, H, cptr(gt), cptr(ct), cptr(cPrev), cptr(dh), dyt, ptr(dc), ptr(dgit));
                });
                stepProduct(dgit, next, nullptr);
                break;
            }
            }
            std::swap(dh, next);
        }

        // Weight gradients over all steps: one large GEMM each.
        auto hPrevAll = torch::empty({T, B, H}, f32);  // h_{t-1} for every t
        hPrevAll[0].copy_(h0);
        if (T > 1)
            hPrevAll.narrow(0, 1, T - 1).copy_(y.narrow(0, 0, T - 1));
        const auto dgi2 = dgi.view({T * B, GH});
        const auto dgh2 = dgh.view({T * B, GH});
        const auto dWhh = torch::mm(dgh2.t(), hPrevAll.view({T * B, H}));
        const auto dbHh = dgh2.sum(0);
        const auto dbIh = dgi2.sum(0);
        torch::Tensor dWih, dx;
        if (ids) {
            // One-hot input: each step adds its gate gradients to its token's column.
            dWih = torch::zeros({wIh.size(1), GH}, f32).index_add_(0, x.reshape({-1}), dgi2).t();
        } else {
            const auto x2 = x.reshape({T * B, -1});
            dWih = torch::mm(dgi2.t(), x2);
            dx = torch::mm(dgi2, wIh).view(x.sizes());
        }
        const auto dc0 = arch == Arch::Lstm ? dc : torch::Tensor();
        return {dx, dh, dc0, dWih, dWhh, dbIh, dbHh, torch::Tensor()};
    }
};

class FusedLm : public LanguageModel {
public:
    FusedLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers)
        : LanguageModel(arch, vocab, hidden, layers)
    {
        rnn_ = register_module("rnn", RecurrentWeights(arch, vocab, hidden, layers));
        head_ = register_module("head", torch::nn::Linear(hidden, vocab));
    }

    torch::Tensor forward(const torch::Tensor& x, RnnState& state) override
    {
        torch::Tensor input = x.t().contiguous();  // (T, B) ids for the first layer
        const torch::Tensor none = torch::empty({0});
        std::vector<torch::Tensor> hs, cs;
        for (std::int64_t l = 0; l < layers_; ++l) {
            const auto c0 = arch_ == Arch::Lstm ? state.c[l] : none;
            auto out = FusedLayer::apply(input, state.h[l], c0, rnn_->wIh[l], rnn_->wHh[l], rnn_->bIh[l],
                                         rnn_->bHh[l], static_cast<std::int64_t>(arch_));
            input = out[0];  // (T, B, H)
            hs.push_back(out[1]);
            if (arch_ == Arch::Lstm)
                cs.push_back(out[2]);
        }
        state.h = torch::stack(hs);
        if (!cs.empty())
            state.c = torch::stack(cs);
        return head_->forward(input.reshape({-1, hidden_}));
    }

private:
    RecurrentWeights rnn_{nullptr};
    torch::nn::Linear head_{nullptr};
};

} // namespace

std::vector<torch::Tensor> fusedRecurrentLayer(Arch arch, const torch::Tensor& x, const torch::Tensor& h0,
                                               const torch::Tensor& c0, const torch::Tensor& wIh,
                                               const torch::Tensor& wHh, const torch::Tensor& bIh,
                                               const torch::Tensor& bHh)
{
    return FusedLayer::apply(x, h0, c0, wIh, wHh, bIh, bHh, static_cast<std::int64_t>(arch));
}

std::shared_ptr<LanguageModel> makeFusedLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers,
                                           const torch::Device& device)
{
    // LibTorch's own layers are already fused on GPUs (cuDNN).
    if (!device.is_cpu())
        return std::make_shared<BuiltinLm>(arch, vocab, hidden, layers);
    return std::make_shared<FusedLm>(arch, vocab, hidden, layers);
}

} // namespace traveller::lm
