// Measurements for `traveller-cli bench`: the machine's matrix-product rate
// (the ceiling a recurrent layer can approach) and the useful work per token.
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <cstdint>

namespace traveller {

// float32 (m x k) * (k x n) products on the CPU with the current thread count,
// repeated for at least minSeconds after a warm-up; returns GFLOP/s.
double measureGemmGflops(std::int64_t m, std::int64_t k, std::int64_t n, double minSeconds = 0.5);

// Useful FLOPs per training token (forward + backward = 3 x forward), counting
// the one-hot input product as the book computes it:
//   3 * 2 * (V*G*H + (L-1)*H*G*H + L*H*G*H + H*V)
// for vocabulary V, hidden H, layers L, gates G (RNN 1, GRU 3, LSTM 4).
// The fused layers' per-step product kernel on this CPU: "avx512", "avx2" or
// "none" (LibTorch's GEMM); see core/src/lm/SkinnyGemm.h.
const char* recurrentGemmKernel();

double lmFlopsPerToken(const Arch& arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers);

} // namespace traveller
