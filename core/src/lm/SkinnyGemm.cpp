#include "lm/SkinnyGemm.h"
#include "lm/TileStore.h"

#include <ATen/Parallel.h>

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace traveller::lm {

namespace {

constexpr std::int64_t kPanel = 32;  // columns per panel: two 16-float vectors
constexpr std::int64_t kRows = 8;    // rows of A per micro-kernel call

// C[0..rows) x [0..cols) of one panel: `rows` <= 8 and `cols` <= 32 (masked
// stores for a partial last panel).
// A (rows, k) row-major, lda apart; or, ATransposed, Aᵀ (k, rows) row-major,
// lda apart (a weight gradient's A packed 8 columns at a time).
template <int Rows, bool ATransposed = false>
__attribute__((target("avx512f"))) void microKernel(const float* __restrict a, std::int64_t lda,
                                                    const float* __restrict panel, std::int64_t k,
                                                    const float* bias, const float* addend, std::int64_t ldAddend,
                                                    float* c, std::int64_t ldc, std::int64_t cols)
{
    __m512 acc[Rows][2];
    for (int r = 0; r < Rows; ++r) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
    }
    for (std::int64_t i = 0; i < k; ++i) {
        const __m512 b0 = _mm512_load_ps(panel + i * kPanel);
        const __m512 b1 = _mm512_load_ps(panel + i * kPanel + 16);
        for (int r = 0; r < Rows; ++r) {
            const __m512 av = _mm512_set1_ps(ATransposed ? a[i * lda + r] : a[r * lda + i]);
            acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
        }
    }
    storeTile<Rows>(acc, bias, addend, ldAddend, c, ldc, cols);
}

// dst[i][j] = src[j][i] for a 16 x 16 block: rows of src lds apart, rows of
// dst ldd apart. Unpacks, then 128-bit lane shuffles, in registers; the
// masked forms with every lane selected, because GCC 12's unmasked ones start
// from an undefined vector and warn that it is used uninitialized (GCC bug
// 105593).
__attribute__((target("avx512f"))) void transpose16(const float* src, std::int64_t lds, float* dst, std::int64_t ldd)
{
    __m512 r[16], t[16];
    for (int j = 0; j < 16; ++j)
        r[j] = _mm512_loadu_ps(src + j * lds);
    for (int j = 0; j < 16; j += 2) {
        t[j] = _mm512_mask_unpacklo_ps(r[j], 0xFFFF, r[j], r[j + 1]);
        t[j + 1] = _mm512_mask_unpackhi_ps(r[j], 0xFFFF, r[j], r[j + 1]);
    }
    for (int j = 0; j < 16; j += 4) {
        const __m512d a = _mm512_castps_pd(t[j]), b = _mm512_castps_pd(t[j + 1]);
        const __m512d c = _mm512_castps_pd(t[j + 2]), d = _mm512_castps_pd(t[j + 3]);
        r[j] = _mm512_castpd_ps(_mm512_mask_unpacklo_pd(a, 0xFF, a, c));
        r[j + 1] = _mm512_castpd_ps(_mm512_mask_unpackhi_pd(a, 0xFF, a, c));
        r[j + 2] = _mm512_castpd_ps(_mm512_mask_unpacklo_pd(b, 0xFF, b, d));
        r[j + 3] = _mm512_castpd_ps(_mm512_mask_unpackhi_pd(b, 0xFF, b, d));
    }
    for (int j = 0; j < 16; j += 8)
        for (int q = 0; q < 4; ++q) {
            t[j + q] = _mm512_mask_shuffle_f32x4(r[j + q], 0xFFFF, r[j + q], r[j + q + 4], 0x88);
            t[j + q + 4] = _mm512_mask_shuffle_f32x4(r[j + q], 0xFFFF, r[j + q], r[j + q + 4], 0xdd);
        }
    for (int q = 0; q < 8; ++q) {
        r[q] = _mm512_mask_shuffle_f32x4(t[q], 0xFFFF, t[q], t[q + 8], 0x88);
        r[q + 8] = _mm512_mask_shuffle_f32x4(t[q], 0xFFFF, t[q], t[q + 8], 0xdd);
    }
    for (int i = 0; i < 16; ++i)
        _mm512_storeu_ps(dst + i * ldd, r[i]);
}

using Kernel = void (*)(const float*, std::int64_t, const float*, std::int64_t, const float*, const float*,
                        std::int64_t, float*, std::int64_t, std::int64_t);
constexpr Kernel kKernels[kRows + 1] = {nullptr,         microKernel<1>, microKernel<2>, microKernel<3>, microKernel<4>,
                                        microKernel<5>,  microKernel<6>, microKernel<7>, microKernel<8>};
constexpr Kernel kKernelsOfAT[kRows + 1] = {nullptr,
                                            microKernel<1, true>,
                                            microKernel<2, true>,
                                            microKernel<3, true>,
                                            microKernel<4, true>,
                                            microKernel<5, true>,
                                            microKernel<6, true>,
                                            microKernel<7, true>,
                                            microKernel<8, true>};

// Rows of C a task computes in a weight gradient: A's 64 columns packed
// (K x 8 floats per block of 8) stay in L2 beside one panel of X.
constexpr std::int64_t kGradientChunk = 64;
// ... and K a block at a time: 64 x 1024 floats of A (256 KB), at most.
constexpr std::int64_t kGradientDepth = 1024;

// Columns r0 .. r0 + rows of A (k, ·), lda apart, as blocks of 8: block j,
// row i at out[j * 8 * k + i * 8] (zero beyond rows).
__attribute__((target("avx512f"))) void packColumnsOfA(const float* a, std::int64_t lda, std::int64_t k,
                                                        std::int64_t r0, std::int64_t rows, float* out)
{
    const std::int64_t blocks = (rows + kRows - 1) / kRows;
    for (std::int64_t i = 0; i < k; ++i) {
        const float* src = a + i * lda + r0;
        for (std::int64_t j = 0; j < blocks; ++j) {
            const std::int64_t width = std::min(kRows, rows - j * kRows);
            float* dst = out + j * kRows * k + i * kRows;
            if (width == kRows) {
                _mm256_storeu_ps(dst, _mm256_loadu_ps(src + j * kRows));
            } else {
                std::copy_n(src + j * kRows, width, dst);
                std::fill(dst + width, dst + kRows, 0.0f);
            }
        }
    }
}

// AVX-512 CPUs only. An AVX2 variant of this kernel (6 x 16 accumulators) ran
// at two thirds of OpenBLAS's own AVX2 kernel (OPENBLAS_CORETYPE=Haswell) on
// these shapes, so CPUs without AVX-512 keep LibTorch's GEMM.
// TRAVELLER_PACKED_GEMM=0 turns the packed path off, for A/B measurements.
bool usePacked()
{
    static const bool use = [] {
        const char* env = std::getenv("TRAVELLER_PACKED_GEMM");
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && !(env && std::string(env) == "0");
    }();
    return use;
}

} // namespace

bool PackedWeights::supported() { return usePacked(); }

const char* PackedWeights::kernelName() { return usePacked() ? "avx512" : "none"; }

float* PackedWeights::panels() const
{
    auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
    address = (address + 63) & ~static_cast<std::uintptr_t>(63);
    return reinterpret_cast<float*>(address);
}

std::int64_t PackedWeights::reserve(std::int64_t n, std::int64_t k)
{
    n_ = n;
    k_ = k;
    const std::int64_t count = (n + kPanel - 1) / kPanel;
    storage_.resize(static_cast<std::size_t>(count * k * kPanel + 16));  // + room to align
    return count;
}

void PackedWeights::packRows(const float* w, std::int64_t n, std::int64_t k, std::int64_t ldw)
{
    const std::int64_t count = reserve(n, k);
    float* out = panels();
    for (std::int64_t p = 0; p < count; ++p) {
        const std::int64_t cols = std::min(kPanel, n - p * kPanel);
        const float* rows = w + p * kPanel * ldw;
        float* dst = out + p * k * kPanel;
        // Row i of the panel gathers column i of 32 rows of W. A full panel
        // goes 16 i's at a time, as two 16 x 16 transposes in registers (a
        // Lens reading packs W_hh afresh: 12.6 MB at hidden 1024, 4.4 ms one
        // element at a time, 2.0 ms so); the rest one element at a time, the
        // 32 source rows read in step, the panel written in order.
        std::int64_t i = 0;
        if (cols == kPanel && usePacked())
            for (; i + 16 <= k; i += 16) {
                transpose16(rows + i, ldw, dst + i * kPanel, kPanel);
                transpose16(rows + 16 * ldw + i, ldw, dst + i * kPanel + 16, kPanel);
            }
        for (; i < k; ++i) {
            for (std::int64_t j = 0; j < cols; ++j)
                dst[i * kPanel + j] = rows[j * ldw + i];
            for (std::int64_t j = cols; j < kPanel; ++j)
                dst[i * kPanel + j] = 0.0f;
        }
    }
}

void PackedWeights::packColumns(const float* w, std::int64_t k, std::int64_t n, std::int64_t ldw)
{
    const std::int64_t count = reserve(n, k);
    float* out = panels();
    for (std::int64_t p = 0; p < count; ++p) {
        const std::int64_t cols = std::min(kPanel, n - p * kPanel);
        for (std::int64_t i = 0; i < k; ++i) {
            float* dst = out + (p * k + i) * kPanel;
            std::memcpy(dst, w + i * ldw + p * kPanel, static_cast<std::size_t>(cols) * sizeof(float));
            std::fill(dst + cols, dst + kPanel, 0.0f);
        }
    }
}

void PackedWeights::multiply(const float* a, std::int64_t m, std::int64_t lda, const float* bias, const float* addend,
                             float* c, std::int64_t ldc) const
{
    const std::int64_t count = (n_ + kPanel - 1) / kPanel;
    const float* packed = panels();
    const std::int64_t block = kRows;
    const Kernel* kernels = kKernels;
    auto run = [&](std::int64_t p0, std::int64_t p1) {
        for (std::int64_t p = p0; p < p1; ++p) {
            const std::int64_t col = p * kPanel;
            const std::int64_t cols = std::min(kPanel, n_ - col);
            const float* panel = packed + p * k_ * kPanel;
            for (std::int64_t r = 0; r < m; r += block) {
                const std::int64_t rows = std::min(block, m - r);
                kernels[rows](a + r * lda, lda, panel, k_, bias ? bias + col : nullptr,
                              addend ? addend + r * ldc + col : nullptr, ldc, c + r * ldc + col, ldc, cols);
            }
        }
    };
    overPanels(count, m * k_ * kPanel, run);
}

void PackedWeights::multiplyTransposedA(const float* a, std::int64_t m, std::int64_t lda, float* c,
                                       std::int64_t ldc) const
{
    const std::int64_t panelsCount = (n_ + kPanel - 1) / kPanel;
    const std::int64_t chunks = (m + kGradientChunk - 1) / kGradientChunk;
    const float* packed = panels();
    const std::int64_t depths = (k_ + kGradientDepth - 1) / kGradientDepth;  // even blocks: 1120 = 560 + 560
    const std::int64_t step = (k_ + depths - 1) / std::max<std::int64_t>(1, depths);
    at::parallel_for(0, chunks, 1, [&](std::int64_t c0, std::int64_t c1) {
        // A's columns a block of K at a time (a bounded buffer, L2-sized,
        // whatever T·B is); C accumulates from the second block on.
        thread_local std::vector<float> columns;
        columns.resize(static_cast<std::size_t>(kGradientChunk * kGradientDepth));
        for (std::int64_t chunk = c0; chunk < c1; ++chunk) {
            const std::int64_t r0 = chunk * kGradientChunk, rows = std::min(kGradientChunk, m - r0);
            for (std::int64_t k0 = 0; k0 < k_; k0 += step) {
                const std::int64_t depth = std::min(step, k_ - k0);
                packColumnsOfA(a + k0 * lda, lda, depth, r0, rows, columns.data());
                for (std::int64_t p = 0; p < panelsCount; ++p) {
                    const std::int64_t cols = std::min(kPanel, n_ - p * kPanel);
                    for (std::int64_t j = 0; j * kRows < rows; ++j) {
                        const std::int64_t blockRows = std::min(kRows, rows - j * kRows);
                        float* out = c + (r0 + j * kRows) * ldc + p * kPanel;
                        kKernelsOfAT[blockRows](columns.data() + j * kRows * depth, kRows,
                                                packed + (p * k_ + k0) * kPanel, depth, nullptr,
                                                k0 > 0 ? out : nullptr, ldc, out, ldc, cols);
                    }
                }
            }
        }
    });
}

} // namespace traveller::lm
