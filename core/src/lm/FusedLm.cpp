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

// Rows of a batch never meet inside a recurrent layer: row b of h_t depends
// on row b of h_{t-1} only, and so back through time. So each thread can run
// every step for its own rows, with no barrier between steps, where the
// per-step product is reentrant (ours): a step of hidden 256 is ~30 µs of
// work, and two parallel regions a step (product, gate pass) cost their
// fork and join, and the spinning while one thread finishes. At least
// kRowsPerThread rows a thread (the micro-kernel's 8 rows).
constexpr std::int64_t kRowsPerThread = 8;

// Every step of a sequence, t = 0 .. T-1 (forward: product, then gates) or
// T-1 .. 0 (backward: gates, then product), each as f(t, r0, r1, i) for
// batch rows r0..r1, i the steps done before it. rowsApart: each thread all
// steps for its rows (the products reentrant); else step by step, the
// product over all rows (split over panels inside) and the gate pass split
// over rows (forRows).
template <typename Gates, typename Product>
void throughTime(bool rowsApart, bool backward, std::int64_t T, std::int64_t B, std::int64_t rowWidth,
                 const Gates& gates, const Product& product)
{
    const auto stepAt = [&](std::int64_t i) { return backward ? T - 1 - i : i; };
    if (rowsApart) {
        at::parallel_for(0, B, kRowsPerThread, [&](std::int64_t r0, std::int64_t r1) {
            for (std::int64_t i = 0; i < T; ++i) {
                if (!backward)
                    product(stepAt(i), r0, r1, i);
                gates(stepAt(i), r0, r1, i);
                if (backward)
                    product(stepAt(i), r0, r1, i);
            }
        });
        return;
    }
    for (std::int64_t i = 0; i < T; ++i) {
        if (!backward)
            product(stepAt(i), 0, B, i);
        forRows(B, rowWidth, [&](std::int64_t r0, std::int64_t r1) { gates(stepAt(i), r0, r1, i); });
        if (backward)
            product(stepAt(i), 0, B, i);
    }
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
        : side_(side), rounding_(mode != MatmulMode::Fp32), batchRows_(batch)
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

    // C (m, n) = A (m, k) · op(W) (+ bias (n) or addend (m, n), or neither);
    // every matrix contiguous. Pointers, not tensors: the step loops call
    // this 2·T times a batch, and a tensor view costs a dispatch each.
    void run(const float* a, std::int64_t m, std::int64_t k, const float* bias, const float* addend, float* c,
             std::int64_t n)
    {
        if (rounding_) {
            rounded_.resize(static_cast<std::size_t>(m * k));
            roundToBf16(a, rounded_.data(), m * k);
            a = rounded_.data();
        }
        switch (kind_) {
        case Kind::Bf16Packed:
            bf16_.multiply(a, m, k, bias, addend, c, n);
            return;
        case Kind::Fp32Packed:
            fp32_.multiply(a, m, k, bias, addend, c, n);
            return;
        case Kind::Torch:
            break;
        }
        const auto in = torch::from_blob(const_cast<float*>(a), {m, k});
        auto out = torch::from_blob(c, {m, n});
        const torch::Tensor w = side_ == WeightSide::Rows ? w_.t() : w_;
        if (bias)
            at::addmm_out(out, torch::from_blob(const_cast<float*>(bias), {n}), in, w);
        else if (addend)
            at::addmm_out(out, torch::from_blob(const_cast<float*>(addend), {m, n}), in, w);
        else
            at::mm_out(out, in, w);
    }

    // True when the product takes A as bf16 pairs (runPairs): our bf16
    // kernel. The layer then converts A's rows in its gate pass (PairRows).
    bool takesPairs() const { return kind_ == Kind::Bf16Packed; }
    // True when threads may run() it at once on different rows: our float32
    // kernel, which keeps nothing between calls. (runPairs always may; run()
    // on the bf16 kernel keeps A's copy in the object.)
    bool reentrant() const { return kind_ == Kind::Fp32Packed && !rounding_; }

    void runPairs(const std::uint32_t* a, std::int64_t m, std::int64_t ldPairs, const float* bias,
                  const float* addend, float* c, std::int64_t n) const
    {
        TORCH_INTERNAL_ASSERT(takesPairs());
        bf16_.multiplyPairs(a, m, ldPairs, bias, addend, c, n, batchRows_);
    }

private:
    enum class Kind { Torch, Fp32Packed, Bf16Packed };
    Kind kind_ = Kind::Torch;
    WeightSide side_;
    bool rounding_;             // A rounded to bf16 before a float32 product
    std::int64_t batchRows_;    // the batch's rows: which bf16 kernel, whatever rows a thread takes
    torch::Tensor w_;           // W contiguous (bf16 values when rounding_)
    std::vector<float> rounded_;  // A's rounded copy
    PackedWeights fp32_;
    PackedWeightsBf16 bf16_;
};

// Rows that will be A of a bf16 per-step product, kept as bf16 pairs: item i
// of `count`, row r of `rows`, `width` values (zero-padded to even). The
// layer converts each row where it writes it, inside its parallel gate pass,
// so the product takes them as they are (no conversion on one thread while
// the others wait), and the weight gradient reads the same bf16 values (what
// mmIn would round them to) as one matrix.
class PairRows {
public:
    PairRows(std::int64_t count, std::int64_t rows, std::int64_t width)
        : PairRows(torch::empty({count, rows, (width + 1) / 2 * 2}, torch::kBFloat16), width)
    {
    }
    PairRows(const torch::Tensor& values, std::int64_t width)
        : values_(values), base_(reinterpret_cast<std::uint32_t*>(values_.data_ptr<at::BFloat16>())),
          pairs_((width + 1) / 2), rows_(values.size(1)), width_(width)
    {
    }

    std::int64_t pairs() const { return pairs_; }
    const torch::Tensor& values() const { return values_; }
    const std::uint32_t* at(std::int64_t item) const { return base_ + item * rows_ * pairs_; }
    // Rows r0..r1 of `source` (rows x width floats, row-major) into item `item`.
    void convert(const float* source, std::int64_t item, std::int64_t r0, std::int64_t r1) const
    {
        std::uint32_t* out = base_ + item * rows_ * pairs_;
        for (std::int64_t r = r0; r < r1; ++r)
            PackedWeightsBf16::toPairs(source + r * width_, width_, out + r * pairs_);
    }
    // Items first .. first + count as one (count · rows, width) bf16 matrix.
    torch::Tensor matrix(std::int64_t first, std::int64_t count) const
    {
        return values_.narrow(0, first, count).reshape({count * rows_, 2 * pairs_}).narrow(1, 0, width_);
    }

private:
    torch::Tensor values_;  // (count, rows, 2 * pairs) bf16
    std::uint32_t* base_;
    std::int64_t pairs_, rows_, width_;
};

// The input projections of every step at once: (T·B, G·H), b_ih included.
torch::Tensor inputProjections(MatmulMode mode, const torch::Tensor& x, const torch::Tensor& wIh,
                               const torch::Tensor& bIh)
{
    const std::int64_t T = x.size(0), B = x.size(1);
    torch::Tensor xp;
    if (x.scalar_type() == torch::kInt64)  // one-hot: rows of (W_ihᵀ + b_ih), a vocabulary's rows, contiguous
        xp = (wIh.t() + bIh).index_select(0, x.reshape({-1}));
    else if (mode == MatmulMode::Fp32)
        xp = torch::addmm(bIh, x.reshape({T * B, -1}), wIh.t());
    else
        xp = mmIn(mode, x.reshape({T * B, -1}), wIh.t()).add_(bIh);
    return xp.contiguous();
}

// The gradient arriving at a layer's last state (dh_T or dc_T), as a buffer
// the backward may write: zeros where nothing arrives.
torch::Tensor arrivingGradient(const torch::Tensor& g, std::int64_t B, std::int64_t H)
{
    if (g.defined() && g.numel() > 0)
        return g.contiguous().clone();
    return torch::zeros({B, H}, torch::kFloat32);
}

// dGᵀ · X over a sequence's T·B rows (dG (T·B, M), X (T·B, N)): a weight
// gradient. float32 on AVX-512 by our kernel from dG as the steps wrote it
// (PackedWeights::multiplyTransposedA), else LibTorch's GEMM in `mode`.
torch::Tensor gradientProduct(MatmulMode mode, const torch::Tensor& dg, const torch::Tensor& x)
{
    const std::int64_t rows = dg.size(0), m = dg.size(1), n = x.size(1);
    if (mode != MatmulMode::Fp32 || rows < 64 || !PackedWeights::supported())
        return mmIn(mode, dg.t(), x);
    const auto dgc = dg.contiguous(), xc = x.contiguous();
    PackedWeights packed;
    packed.packColumns(cptr(xc), rows, n, n);
    auto out = torch::empty({m, n}, torch::kFloat32);
    packed.multiplyTransposedA(cptr(dgc), m, m, ptr(out), n);
    return out;
}

struct WeightGradients {
    torch::Tensor wIh, wHh, bIh, bHh, x;  // dW_ih, dW_hh, db_ih, db_hh, dx
};

// The weight gradients over all T steps, one large GEMM each, from the
// pre-activation gradients dG_i, dG_h (T, B, G·H), the input x and the
// states y (h0 before them); with our bf16 kernel dG_h and h_{t-1} come as
// the bf16 pairs the step products used.
WeightGradients weightGradients(MatmulMode mode, const torch::Tensor& x, const torch::Tensor& h0,
                                const torch::Tensor& wIh, const torch::Tensor& y, const torch::Tensor& dgi,
                                const torch::Tensor& dgh, bool recurrentWeights, const std::optional<PairRows>& dgPairs,
                                const std::optional<PairRows>& hPairs)
{
    const std::int64_t T = x.size(0), B = x.size(1), H = h0.size(1), GH = wIh.size(0);
    WeightGradients g;
    const auto dgi2 = dgi.view({T * B, GH});
    g.bIh = dgi2.sum(0);
    if (recurrentWeights) {
        const auto dgh2 = dgh.view({T * B, GH});
        g.bHh = dgh2.sum(0);
        if (dgPairs) {
            // The same bf16 values mmIn would make, already made (PairRows).
            g.wHh = torch::mm(dgPairs->matrix(0, T).t(), hPairs->matrix(0, T)).to(torch::kFloat32);
        } else {
            auto hPrevAll = torch::empty({T, B, H}, torch::kFloat32);  // h_{t-1} for every t
            hPrevAll[0].copy_(h0);
            if (T > 1)
                hPrevAll.narrow(0, 1, T - 1).copy_(y.narrow(0, 0, T - 1));
            g.wHh = gradientProduct(mode, dgh2, hPrevAll.view({T * B, H}));
        }
    }
    if (x.scalar_type() == torch::kInt64) {
        // One-hot input: each step adds its gate gradients to its token's column.
        g.wIh = torch::zeros({wIh.size(1), GH}, torch::kFloat32).index_add_(0, x.reshape({-1}), dgi2).t();
    } else {
        const auto x2 = x.reshape({T * B, -1});
        g.wIh = gradientProduct(mode, dgi2, x2);
        g.x = mmIn(mode, dgi2, wIh).view(x.sizes());
    }
    return g;
}

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
        const std::int64_t T = x.size(0), B = x.size(1), H = h0.size(1), GH = wIh.size(0);
        const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
        const MatmulMode mode = currentMatmulMode();  // the batch's scope; the backward keeps it

        const auto xp = inputProjections(mode, x, wIh, bIh);

        auto y = torch::empty({T, B, H}, f32);
        auto gates = layout.savesGates ? torch::empty({T, B, GH}, f32) : torch::Tensor();
        auto extra = layout.savesExtra ? torch::empty({T, B, H}, f32) : torch::Tensor();  // GRU: hn, LSTM: c
        auto hp = recurrentWeights ? torch::empty({B, GH}, f32) : torch::Tensor();
        const auto h0c = h0.contiguous();
        const auto c0c = cellState ? c0.contiguous() : torch::Tensor();
        // h W_hh^T + b_hh at every step, W_hh packed once for all T steps.
        std::optional<StepProduct> product;
        const auto bHhC = recurrentWeights ? bHh.contiguous() : torch::Tensor();
        if (recurrentWeights)
            product.emplace(mode, wHh, WeightSide::Rows, T, B);
        // With our bf16 kernel: h_{t-1} of every step as bf16 pairs (item t).
        std::optional<PairRows> hPairs;
        if (product && product->takesPairs()) {
            hPairs.emplace(T, B, H);
            hPairs->convert(cptr(h0c), 0, 0, B);
        }
        // Step t's rows by pointer (a tensor view per step costs a dispatch).
        float* const yData = ptr(y);
        float* const gatesData = gates.defined() ? ptr(gates) : nullptr;
        float* const extraData = extra.defined() ? ptr(extra) : nullptr;
        float* const hpData = recurrentWeights ? ptr(hp) : nullptr;
        const float* const bHhData = recurrentWeights ? cptr(bHhC) : nullptr;
        const float* const xpData = cptr(xp);
        const float* const h0Data = cptr(h0c);
        const float* const c0Data = cellState ? cptr(c0c) : nullptr;
        const std::int64_t rowsH = B * H, rowsG = B * GH;
        // Step t for batch rows r0..r1: h_{t-1} W_hhᵀ + b_hh, then the gate pass.
        const auto productRows = [&](std::int64_t t, std::int64_t r0, std::int64_t r1, std::int64_t) {
            if (hPairs)
                product->runPairs(hPairs->at(t) + r0 * hPairs->pairs(), r1 - r0, hPairs->pairs(), bHhData, nullptr,
                                  hpData + r0 * GH, GH);
            else if (product)
                product->run((t > 0 ? yData + (t - 1) * rowsH : h0Data) + r0 * H, r1 - r0, H, bHhData, nullptr,
                             hpData + r0 * GH, GH);
        };
        const auto gateRows = [&](std::int64_t t, std::int64_t r0, std::int64_t r1, std::int64_t) {
            cells::FusedForward step;
            step.H = H;
            step.xp = xpData + t * rowsG;
            step.hp = hpData;
            step.hPrev = t > 0 ? yData + (t - 1) * rowsH : h0Data;
            step.cPrev = cellState ? (t > 0 ? extraData + (t - 1) * rowsH : c0Data) : nullptr;
            step.h = yData + t * rowsH;
            step.gates = gatesData ? gatesData + t * rowsG : nullptr;
            step.extra = extraData ? extraData + t * rowsH : nullptr;
            cell.fusedForward(step, r0, r1);
            if (hPairs && t + 1 < T)
                hPairs->convert(step.h, t + 1, r0, r1);
        };
        throughTime(!product || product->reentrant() || hPairs.has_value(), false, T, B, GH, gateRows, productRows);
        ctx->save_for_backward({x, h0, c0, wIh, wHh, y});
        ctx->saved_data["cell"] = cellCode;
        ctx->saved_data["mode"] = static_cast<std::int64_t>(mode);
        ctx->saved_data["gates"] = gates;
        ctx->saved_data["extra"] = extra;
        ctx->saved_data["hPairs"] = hPairs ? hPairs->values() : torch::Tensor();
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
        const std::int64_t T = x.size(0), B = x.size(1), H = h0.size(1), GH = wIh.size(0);
        const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
        const auto mode = static_cast<MatmulMode>(ctx->saved_data["mode"].toInt());

        const auto dy = grads[0].contiguous();                 // (T, B, H)
        auto dh = arrivingGradient(grads[1], B, H);
        auto dc = cellState ? arrivingGradient(grads[2], B, H) : torch::zeros({B, H}, f32);
        // Pre-activation gradients of every step, kept for the weight GEMMs.
        auto dgi = torch::empty({T, B, GH}, f32);
        auto dgh = layout.separateHiddenGradient ? torch::empty({T, B, GH}, f32) : dgi;
        auto direct = torch::empty({B, H}, f32);
        auto next = torch::empty({B, H}, f32);
        // dG W_hh at every step: W_hh packed once (see SkinnyGemm.h).
        std::optional<StepProduct> product;
        if (recurrentWeights)
            product.emplace(mode, wHh, WeightSide::Columns, T, B);
        // With our bf16 kernel: dG_h of every step as bf16 pairs, and the
        // forward's h_{t-1} in the same form, for the step products and dW_hh.
        const auto savedPairs = ctx->saved_data["hPairs"].toTensor();
        std::optional<PairRows> dgPairs, hPairs;
        if (product && product->takesPairs() && savedPairs.defined()) {
            dgPairs.emplace(T, B, GH);
            hPairs.emplace(savedPairs, H);
        }
        const auto h0c = h0.contiguous();
        const auto c0c = cellState ? c0.contiguous() : torch::Tensor();
        const float* const yData = cptr(y);
        const float* const gatesData = gates.defined() ? cptr(gates) : nullptr;
        const float* const extraData = extra.defined() ? cptr(extra) : nullptr;
        float* const dgiData = ptr(dgi);
        float* const dghData = ptr(dgh);
        float* const directData = ptr(direct);
        float* const dhBuffers[2] = {ptr(dh), ptr(next)};  // dh of step t in one, dh_prev written to the other
        const float* const dyData = cptr(dy);
        float* const dcData = ptr(dc);
        const float* const h0Data = cptr(h0c);
        const float* const c0Data = cellState ? cptr(c0c) : nullptr;
        const std::int64_t rowsH = B * H, rowsG = B * GH;
        // Step t for batch rows r0..r1: the gate pass from dhIn, then
        // dh_prev = dG_h W_hh (+ the direct part; without hidden weights only that).
        const auto gateRows = [&](std::int64_t t, std::int64_t r0, std::int64_t r1, std::int64_t done) {
            const float* dhIn = dhBuffers[done % 2];
            cells::FusedBackward step;
            step.H = H;
            step.gates = gatesData ? gatesData + t * rowsG : nullptr;
            step.extra = extraData ? extraData + t * rowsH : nullptr;
            step.extraPrev = cellState ? (t > 0 ? extraData + (t - 1) * rowsH : c0Data) : nullptr;
            step.h = yData + t * rowsH;
            step.hPrev = t > 0 ? yData + (t - 1) * rowsH : h0Data;
            step.dhIn = dhIn;
            step.dy = dyData + t * rowsH;
            step.dc = dcData;
            step.dgi = dgiData + t * rowsG;
            step.dgh = dghData + t * rowsG;
            step.direct = directData;
            cell.fusedBackward(step, r0, r1);
            if (dgPairs)
                dgPairs->convert(step.dgh, t, r0, r1);
        };
        const auto productRows = [&](std::int64_t t, std::int64_t r0, std::int64_t r1, std::int64_t done) {
            float* dhPrev = dhBuffers[(done + 1) % 2];
            const float* addend = layout.directHiddenGradient ? directData + r0 * H : nullptr;
            if (!product)
                std::copy_n(directData + r0 * H, (r1 - r0) * H, dhPrev + r0 * H);
            else if (dgPairs)
                product->runPairs(dgPairs->at(t) + r0 * dgPairs->pairs(), r1 - r0, dgPairs->pairs(), nullptr, addend,
                                  dhPrev + r0 * H, H);
            else
                product->run(dghData + t * rowsG + r0 * GH, r1 - r0, GH, nullptr, addend, dhPrev + r0 * H, H);
        };
        throughTime(!product || product->reentrant() || dgPairs.has_value(), true, T, B, GH, gateRows, productRows);
        if (T % 2 == 1)
            std::swap(dh, next);  // dh_prev of the first step is in dh
        const auto [dWih, dWhh, dbIh, dbHh, dx] =
            weightGradients(mode, x, h0c, wIh, y, dgi, dgh, recurrentWeights, dgPairs, hPairs);
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
