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
