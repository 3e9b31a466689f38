// The fast CPU path. Each recurrent layer is one autograd node whose forward
// and backward through time are written by hand:
//   forward:  the input projection of all T steps in one lookup (one-hot input)
//             or one large GEMM; per step one skinny GEMM h W_hh^T and one
//             fused, vectorised pass over the gates;
//   backward: per step one skinny GEMM dG W_hh and one fused pass; the weight
//             gradients for all steps in one large GEMM each at the end,
//             instead of one small GEMM per step as autograd would do.
// The per-cell part (the gate pass of one step, forward and backward) is the
// cell's own (core/src/cells/); this file is the layer around it. Same
// parameter layout as LibTorch (see LmModels.h); the tests check outputs and
// gradients against each cell's textbook step and torch::nn's layers.
//
// Shapes: T steps, B batch, H hidden, G gate blocks (CellInfo::gates), In input size.
#include "lm/FusedLm.h"

#include "cells/Cell.h"
#include "lm/Precision.h"
#include "lm/SkinnyGemm.h"

#include <ATen/Parallel.h>

#include <optional>

namespace traveller::lm {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Rows of the batch per parallel task: a step's gate pass is split once it
// has 16k gate values per thread (the book's GRU and LSTM at hidden 256: 32 x
// 768 and 32 x 1024 split in two; the RNN's 32 x 256 stays on one thread).
// Measured A/B with OpenMP working: 16k per task beat 64k by ~8 % (LSTM-256,
// GRU-256, 2 threads).
std::int64_t rowGrain(std::int64_t rowWidth) { return std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, rowWidth)); }

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

// How W enters the per-step product: W (N, K) as C = A · Wᵀ (h W_hhᵀ), or
// W (K, N) as C = A · W (dG W_hh).
enum class WeightSide { Rows, Columns };

// The per-step product of one sequence, C = A · op(W) (+ bias or addend), in
// the layer's precision: W packed once (SkinnyGemm.h), float32 or bf16 pairs;
// LibTorch's GEMM where the CPU lacks AVX-512 and for a single row or step
// (writing text feeds one character at a time: packing would cost more than
// the product). bf16 without our bf16 kernel (a few rows, or the emulated
// path) rounds W and A to bf16 and multiplies in float32: the same products
// with float32 accumulation.
class StepProduct {
public:
    StepProduct(MatmulMode mode, const torch::Tensor& w, WeightSide side, std::int64_t steps, std::int64_t batch)
        : side_(side), rounding_(mode != MatmulMode::Fp32)
    {
        const bool worth = worthPacking(steps, batch);
        const std::int64_t rows = w.size(0), cols = w.size(1);
        if (mode == MatmulMode::Bf16 && worth && PackedWeightsBf16::supported()) {
            kind_ = Kind::Bf16Packed;
            rounding_ = false;  // the kernel rounds
            w_ = w.contiguous();
            if (side == WeightSide::Rows)
                bf16_.packRows(cptr(w_), rows, cols, cols);
            else
                bf16_.packColumns(cptr(w_), rows, cols, cols);
            return;
        }
        w_ = rounding_ ? roundedToBf16(w) : w.contiguous();
        if (worth && PackedWeights::supported()) {
            kind_ = Kind::Fp32Packed;
            if (side == WeightSide::Rows)
                fp32_.packRows(cptr(w_), rows, cols, cols);
            else
                fp32_.packColumns(cptr(w_), rows, cols, cols);
        }
    }

    // a (M, K) contiguous; c (M, N) contiguous; bias (N) or addend (M, N) or neither.
    void run(const torch::Tensor& a, const torch::Tensor* bias, const torch::Tensor* addend, torch::Tensor& c)
    {
        const torch::Tensor* in = &a;
        if (rounding_) {
            if (!rounded_.defined() || rounded_.sizes() != a.sizes())
                rounded_ = torch::empty_like(a);
            roundToBf16(cptr(a), ptr(rounded_), a.numel());
            in = &rounded_;
        }
        const std::int64_t m = a.size(0), k = a.size(1), n = c.size(1);
        const float* b = bias ? cptr(*bias) : nullptr;
        const float* add = addend ? cptr(*addend) : nullptr;
        switch (kind_) {
        case Kind::Bf16Packed:
            bf16_.multiply(cptr(*in), m, k, b, add, ptr(c), n);
            return;
        case Kind::Fp32Packed:
            fp32_.multiply(cptr(*in), m, k, b, add, ptr(c), n);
            return;
        case Kind::Torch:
            break;
        }
        const torch::Tensor w = side_ == WeightSide::Rows ? w_.t() : w_;
        if (bias || addend)
            at::addmm_out(c, bias ? *bias : *addend, *in, w);
        else
            at::mm_out(c, *in, w);
    }

private:
    enum class Kind { Torch, Fp32Packed, Bf16Packed };
    Kind kind_ = Kind::Torch;
    WeightSide side_;
    bool rounding_;             // A rounded to bf16 before a float32 product
    torch::Tensor w_;           // W contiguous (bf16 values when rounding_)
    torch::Tensor rounded_;     // A's rounded copy
    PackedWeights fp32_;
    PackedWeightsBf16 bf16_;
};

// ---------------------------------------------------------------- the layer

// Inputs: x (T, B) int64 token ids (first layer: one-hot input as a column
// lookup) or (T, B, In) float; h0, c0 (B, H) (c0 empty unless the cell has a
// cell state); LibTorch's four weights (W_hh and b_hh empty for cells without
// hidden weights); the cell's registry index. Outputs: Y (T, B, H), hT (B, H),
// cT (B, H) or empty.
class FusedLayer : public torch::autograd::Function<FusedLayer> {
public:
    static variable_list forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& h0,
                                 const torch::Tensor& c0, const torch::Tensor& wIh, const torch::Tensor& wHh,
                                 const torch::Tensor& bIh, const torch::Tensor& bHh, std::int64_t cellCode)
    {
        const cells::Cell& cell = cells::cellAt(cellCode);
        const cells::FusedLayout layout = cell.fusedLayout();
        const bool recurrentWeights = cell.info().hiddenWeights;
        const bool cellState = cell.info().cellState;
        const bool ids = x.scalar_type() == torch::kInt64;
        const std::int64_t T = x.size(0), B = x.size(1), H = h0.size(1), GH = wIh.size(0);
        const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
        const MatmulMode mode = currentMatmulMode();  // the batch's scope; the backward keeps it

        // Input projections of every step at once: (T*B, G*H), b_ih included.
        torch::Tensor xp;
        if (ids)
            xp = wIh.t().index_select(0, x.reshape({-1})).add_(bIh);  // column lookup == one-hot GEMM
        else if (mode == MatmulMode::Fp32)
            xp = torch::addmm(bIh, x.reshape({T * B, -1}), wIh.t());
        else
            xp = mmIn(mode, x.reshape({T * B, -1}), wIh.t()).add_(bIh);
        xp = xp.contiguous();

        auto y = torch::empty({T, B, H}, f32);
        auto gates = layout.savesGates ? torch::empty({T, B, GH}, f32) : torch::Tensor();
        auto extra = layout.savesExtra ? torch::empty({T, B, H}, f32) : torch::Tensor();  // GRU: hn, LSTM: c
        auto hp = recurrentWeights ? torch::empty({B, GH}, f32) : torch::Tensor();
        auto hPrev = h0.contiguous();
        auto cPrev = cellState ? c0.contiguous() : torch::Tensor();
        // h W_hh^T + b_hh at every step, W_hh packed once for all T steps.
        std::optional<StepProduct> product;
        const auto bHhC = recurrentWeights ? bHh.contiguous() : torch::Tensor();
        if (recurrentWeights)
            product.emplace(mode, wHh, WeightSide::Rows, T, B);
        for (std::int64_t t = 0; t < T; ++t) {
            if (product)
                product->run(hPrev, &bHhC, nullptr, hp);
            auto yt = y[t];
            auto gt = gates.defined() ? gates[t] : torch::Tensor();
            auto et = extra.defined() ? extra[t] : torch::Tensor();
            cells::FusedForward step;
            step.H = H;
            step.xp = cptr(xp) + t * B * GH;
            step.hp = recurrentWeights ? cptr(hp) : nullptr;
            step.hPrev = cptr(hPrev);
            step.cPrev = cellState ? cptr(cPrev) : nullptr;
            step.h = ptr(yt);
            step.gates = gt.defined() ? ptr(gt) : nullptr;
            step.extra = et.defined() ? ptr(et) : nullptr;
            forRows(B, GH, [&](std::int64_t b0, std::int64_t b1) { cell.fusedForward(step, b0, b1); });
            if (cellState)
                cPrev = et;
            hPrev = yt;
        }
        ctx->save_for_backward({x, h0, c0, wIh, wHh, y});
        ctx->saved_data["cell"] = cellCode;
        ctx->saved_data["mode"] = static_cast<std::int64_t>(mode);
        ctx->saved_data["gates"] = gates;
        ctx->saved_data["extra"] = extra;
        const auto cT = cellState ? extra[T - 1].clone() : torch::empty({0}, f32);
        return {y, y[T - 1].clone(), cT};
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &x = saved[0], &h0 = saved[1], &c0 = saved[2], &wIh = saved[3], &wHh = saved[4], &y = saved[5];
        const cells::Cell& cell = cells::cellAt(ctx->saved_data["cell"].toInt());
        const cells::FusedLayout layout = cell.fusedLayout();
        const bool recurrentWeights = cell.info().hiddenWeights;
        const bool cellState = cell.info().cellState;
        const auto gates = ctx->saved_data["gates"].toTensor();
        const auto extra = ctx->saved_data["extra"].toTensor();
        const bool ids = x.scalar_type() == torch::kInt64;
        const std::int64_t T = x.size(0), B = x.size(1), H = h0.size(1), GH = wIh.size(0);
        const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
        const auto mode = static_cast<MatmulMode>(ctx->saved_data["mode"].toInt());

        const auto dy = grads[0].contiguous();                 // (T, B, H)
        auto dh = grads[1].defined() ? grads[1].contiguous().clone() : torch::zeros({B, H}, f32);
        auto dc = cellState && grads[2].defined() && grads[2].numel() > 0 ? grads[2].contiguous().clone()
                                                                         : torch::zeros({B, H}, f32);
        // Pre-activation gradients of every step, kept for the weight GEMMs.
        auto dgi = torch::empty({T, B, GH}, f32);
        auto dgh = layout.separateHiddenGradient ? torch::empty({T, B, GH}, f32) : dgi;
        auto direct = torch::empty({B, H}, f32);
        auto next = torch::empty({B, H}, f32);
        // dG W_hh at every step: W_hh packed once (see SkinnyGemm.h).
        std::optional<StepProduct> product;
        if (recurrentWeights)
            product.emplace(mode, wHh, WeightSide::Columns, T, B);
        // dh_prev = dG_h W_hh (+ the direct part); without hidden weights only the direct part.
        const auto stepProduct = [&](const torch::Tensor& dg, torch::Tensor& out, const torch::Tensor* addend) {
            if (!product)
                out.copy_(*addend);
            else
                product->run(dg, nullptr, addend, out);
        };
        const auto c0c = cellState ? c0.contiguous() : torch::Tensor();
        for (std::int64_t t = T - 1; t >= 0; --t) {
            const auto hPrev = t > 0 ? y[t - 1] : h0.contiguous();
            const auto yt = y[t];
            auto dgit = dgi[t];
            auto dght = dgh[t];
            const auto gt = gates.defined() ? gates[t] : torch::Tensor();
            const auto et = extra.defined() ? extra[t] : torch::Tensor();
            const auto ePrev = cellState ? (t > 0 ? extra[t - 1] : c0c) : torch::Tensor();
            cells::FusedBackward step;
            step.H = H;
            step.gates = gt.defined() ? cptr(gt) : nullptr;
            step.extra = et.defined() ? cptr(et) : nullptr;
            step.extraPrev = ePrev.defined() ? cptr(ePrev) : nullptr;
            step.h = cptr(yt);
            step.hPrev = cptr(hPrev);
            step.dhIn = cptr(dh);
            step.dy = cptr(dy) + t * B * H;
            step.dc = ptr(dc);
            step.dgi = ptr(dgit);
            step.dgh = ptr(dght);
            step.direct = ptr(direct);
            forRows(B, GH, [&](std::int64_t b0, std::int64_t b1) { cell.fusedBackward(step, b0, b1); });
            stepProduct(dght, next, layout.directHiddenGradient ? &direct : nullptr);
            std::swap(dh, next);
        }

        // Weight gradients over all steps: one large GEMM each.
        const auto dgi2 = dgi.view({T * B, GH});
        const auto dbIh = dgi2.sum(0);
        torch::Tensor dWhh, dbHh;
        if (recurrentWeights) {
            auto hPrevAll = torch::empty({T, B, H}, f32);  // h_{t-1} for every t
            hPrevAll[0].copy_(h0);
            if (T > 1)
                hPrevAll.narrow(0, 1, T - 1).copy_(y.narrow(0, 0, T - 1));
            const auto dgh2 = dgh.view({T * B, GH});
            dWhh = mmIn(mode, dgh2.t(), hPrevAll.view({T * B, H}));
            dbHh = dgh2.sum(0);
        }
        torch::Tensor dWih, dx;
        if (ids) {
            // One-hot input: each step adds its gate gradients to its token's column.
            dWih = torch::zeros({wIh.size(1), GH}, f32).index_add_(0, x.reshape({-1}), dgi2).t();
        } else {
            const auto x2 = x.reshape({T * B, -1});
            dWih = mmIn(mode, dgi2.t(), x2);
            dx = mmIn(mode, dgi2, wIh).view(x.sizes());
        }
        const auto dc0 = cellState ? dc : torch::Tensor();
        return {dx, dh, dc0, dWih, dWhh, dbIh, dbHh, torch::Tensor()};
    }
};

// Autograd functions take defined tensors only: a cell without hidden weights
// passes empty ones.
torch::Tensor orEmpty(const torch::Tensor& t) { return t.defined() ? t : torch::empty({0}); }

class FusedLm : public LanguageModel {
public:
    FusedLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers, std::int64_t embedding)
        : LanguageModel(arch, vocab, hidden, layers, embedding)
    {
        rnn_ = register_module("rnn", RecurrentWeights(arch, inputSize(), hidden, layers));
        head_ = register_module("head", torch::nn::Linear(hidden, vocab));
    }

    torch::Tensor forward(const torch::Tensor& x, RnnState& state) override
    {
        // (T, B) ids for the first layer (a one-hot product is a row lookup),
        // or the learned embedding's (T, B, E) rows.
        torch::Tensor input = embedding_ ? embedding_->forward(x.t().contiguous()).contiguous() : x.t().contiguous();
        const torch::Tensor none = torch::empty({0});
        std::vector<torch::Tensor> hs, cs;
        for (std::int64_t l = 0; l < layers_; ++l) {
            const auto c0 = cellState_ ? state.c[l] : none;
            const auto w = rnn_->layer(l);
            auto out = FusedLayer::apply(input, state.h[l], c0, w.wIh, orEmpty(w.wHh), w.bIh, orEmpty(w.bHh), cellCode_);
            input = out[0];  // (T, B, H)
            hs.push_back(out[1]);
            if (cellState_)
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
    const std::int64_t cellCode_ = cells::cellIndex(arch_);  // looked up once, not per batch
    const bool cellState_ = arch_.info().cellState;
};

} // namespace

std::vector<torch::Tensor> fusedRecurrentLayer(Arch arch, const torch::Tensor& x, const torch::Tensor& h0,
                                               const torch::Tensor& c0, const torch::Tensor& wIh,
                                               const torch::Tensor& wHh, const torch::Tensor& bIh,
                                               const torch::Tensor& bHh)
{
    return FusedLayer::apply(x, h0, c0, wIh, orEmpty(wHh), bIh, orEmpty(bHh), cells::cellIndex(arch));
}

std::shared_ptr<LanguageModel> makeFusedLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers,
                                           const torch::Device& device, std::int64_t embedding)
{
    // LibTorch's own layers are already fused on GPUs (cuDNN); a cell it has
    // no layer for runs its textbook step there.
    if (!device.is_cpu())
        return arch.info().builtinLayer
                   ? std::shared_ptr<LanguageModel>(std::make_shared<BuiltinLm>(arch, vocab, hidden, layers, embedding))
                   : std::make_shared<ScratchLm>(arch, vocab, hidden, layers, embedding);
    return std::make_shared<FusedLm>(arch, vocab, hidden, layers, embedding);
}

} // namespace traveller::lm
