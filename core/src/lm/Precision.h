// train.precision inside the fused layers: which way their products are
// computed, set for a training batch's forward by a scope (as
// torch.autocast is) and kept by each layer for its backward.
//
//   Fp32          float32 products (the default);
//   Bf16          inputs rounded to bfloat16, float32 accumulation: the
//                 per-step products by our vdpbf16ps kernel
//                 (SkinnyGemmBf16.cpp), the large ones by LibTorch's bf16 GEMM
//                 (oneDNN; its result is rounded to bf16, as under autocast);
//   Bf16Emulated  the same roundings, float32 products on any CPU (tests).
#pragma once

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/lm/Precision.h"

#include <torch/torch.h>

#include <cstdint>

namespace traveller::lm {

enum class MatmulMode { Fp32, Bf16, Bf16Emulated };

// Fp32 for Precision::Fp32; for Bf16 the process's path (bf16Path()): Bf16 on
// AMX or AVX512-BF16, Bf16Emulated when TRAVELLER_BF16=emulate; throws
// ConfigError(train.precision, "train.bf16_unavailable") on a CPU with neither.
MatmulMode matmulModeFor(Precision precision);
// The calling thread's mode (Fp32 outside any scope).
MatmulMode currentMatmulMode();

class PrecisionScope {
public:
    explicit PrecisionScope(Precision precision) : PrecisionScope(matmulModeFor(precision)) {}
    explicit PrecisionScope(MatmulMode mode);
    ~PrecisionScope();
    PrecisionScope(const PrecisionScope&) = delete;
    PrecisionScope& operator=(const PrecisionScope&) = delete;

private:
    MatmulMode previous_;
};

// What a training batch's forward runs under for train.precision, one rule for
// the language model and the translation runs:
//   - the fused layers on the CPU compute their own products in the batch's
//     MatmulMode (above); the rest of such a model (head, embedding,
//     attention) stays float32;
//   - everything LibTorch computes itself — impl builtin or scratch on the
//     CPU, any model on a GPU (where the fused layers hand over to LibTorch's)
//     — runs under LibTorch's autocast in bf16, as torch.autocast does: its
//     products (mm, linear, matmul) in bf16, what autocast keeps float32
//     (the loss, softmax) float32; on a GPU, CUDA autocast.
// The weights, their gradients, the optimizer and clipping stay float32.
struct ForwardPrecision {
    MatmulMode fused = MatmulMode::Fp32;
    bool autocast = false;  // LibTorch's autocast in bf16 for `device`'s type
    bool cuda = false;
};
// Throws ConfigError(train.precision, train.bf16_unavailable) for bf16 on a
// CPU without a bf16 path; a GPU run takes the GPU's word.
ForwardPrecision forwardPrecisionFor(Precision precision, Impl impl, const torch::Device& device);

// Sets both for a forward (and its loss): the fused layers' mode and, where
// the rule says so, LibTorch's autocast, restored after. Autocast's cache of
// bf16 weight copies is cleared when the outermost scope ends, as
// torch.autocast's exit does, so an updated weight is never read stale.
class ForwardScope {
public:
    explicit ForwardScope(const ForwardPrecision& precision);
    ~ForwardScope();
    ForwardScope(const ForwardScope&) = delete;
    ForwardScope& operator=(const ForwardScope&) = delete;

private:
    PrecisionScope fused_;
    bool autocast_;
    bool cuda_;
    bool wasEnabled_ = false;
    at::ScalarType wasDtype_ = at::kFloat;
};

// Round to the nearest bfloat16, ties to even, of the float32 bits (what
// vcvtne2ps2bf16 does; NaN stays NaN); the result as a float32.
float roundToBf16(float x);
std::uint16_t bf16Bits(float x);
void roundToBf16(const float* in, float* out, std::int64_t n);
// A float32 copy of t (any layout) whose values are bf16 values.
torch::Tensor roundedToBf16(const torch::Tensor& t);

// a (M, K) · b (K, N) in `mode`, float32 result. Bf16: LibTorch's bf16 GEMM;
// Bf16Emulated: rounded inputs and output around a float32 GEMM.
torch::Tensor mmIn(MatmulMode mode, const torch::Tensor& a, const torch::Tensor& b);

} // namespace traveller::lm
