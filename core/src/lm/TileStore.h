// What both per-step GEMMs share. storeTile: the end of both micro-kernels (SkinnyGemm.cpp's float32 one,
// SkinnyGemmBf16.cpp's bf16 one): Rows x 32 float32 accumulators, plus the
// bias and the addend, stored into C with masks for a partial last panel
// (`cols` < 32). Inlined into each kernel, which carries its own target.
#pragma once

#include <ATen/Parallel.h>

#include <immintrin.h>

#include <algorithm>

#include <cstdint>

namespace traveller::lm {

template <int Rows>
__attribute__((always_inline, target("avx512f"))) inline void storeTile(__m512 (&acc)[Rows][2], const float* bias,
                                                                        const float* addend, std::int64_t ldAddend,
                                                                        float* c, std::int64_t ldc, std::int64_t cols)
{
    const __mmask16 m0 = cols >= 16 ? __mmask16(0xffff) : __mmask16((1u << cols) - 1);
    const __mmask16 m1 = cols >= 32 ? __mmask16(0xffff) : cols <= 16 ? __mmask16(0) : __mmask16((1u << (cols - 16)) - 1);
    __m512 bias0 = _mm512_setzero_ps(), bias1 = _mm512_setzero_ps();
    if (bias) {
        bias0 = _mm512_maskz_loadu_ps(m0, bias);
        bias1 = _mm512_maskz_loadu_ps(m1, bias + 16);
    }
    for (int r = 0; r < Rows; ++r) {
        __m512 v0 = _mm512_add_ps(acc[r][0], bias0);
        __m512 v1 = _mm512_add_ps(acc[r][1], bias1);
        if (addend) {
            v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, addend + r * ldAddend));
            v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, addend + r * ldAddend + 16));
        }
        _mm512_mask_storeu_ps(c + r * ldc, m0, v0);
        _mm512_mask_storeu_ps(c + r * ldc + 16, m1, v1);
    }
}

// Runs run(begin, end) over `count` panels of `work` multiply-adds each, on
// LibTorch's intra-op threads once a second thread pays off: from about a
// million multiply-adds (~20 us).
template <class Run>
inline void overPanels(std::int64_t count, std::int64_t work, const Run& run)
{
    const std::int64_t grain = std::max<std::int64_t>(1, (1 << 20) / std::max<std::int64_t>(1, work));
    if (count <= grain)
        run(0, count);
    else
        at::parallel_for(0, count, grain, run);
}

} // namespace traveller::lm
