// PackedWeightsBf16 (SkinnyGemm.h): the per-step product in bfloat16 with
// float32 accumulation. The kernels carry their own target attributes, so
// nothing here runs AVX512-BF16 code unless supported() said the CPU has it,
// nor AMX code unless tilesReady() did.
#include "lm/AmxTiles.h"
#include "lm/Precision.h"
#include "lm/SkinnyGemm.h"
#include "lm/TileStore.h"

#include <ATen/Parallel.h>

#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <random>

#define TRAVELLER_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

namespace traveller::lm {

namespace {

constexpr std::int64_t kPanel = 32;  // columns per panel: two vectors of 16 bf16 pairs
constexpr std::int64_t kRows = 8;    // rows of A per micro-kernel call

std::uint32_t pairOf(float even, float odd)
{
    return static_cast<std::uint32_t>(bf16Bits(even)) | static_cast<std::uint32_t>(bf16Bits(odd)) << 16;
}

// C[0..Rows) x [0..cols) of one panel from A's bf16 pairs (rows ldPairs
// apart) and the panel's `pairs` pairs.
template <int Rows>
TRAVELLER_BF16_TARGET void microKernel(const std::uint32_t* __restrict a, std::int64_t ldPairs,
                                       const std::uint32_t* __restrict panel, std::int64_t pairs, const float* bias,
                                       const float* addend, std::int64_t ldAddend, float* c, std::int64_t ldc,
                                       std::int64_t cols)
{
    __m512 acc[Rows][2];
    for (int r = 0; r < Rows; ++r) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
    }
    for (std::int64_t i = 0; i < pairs; ++i) {
        const __m512bh b0 = (__m512bh)_mm512_load_si512(panel + i * kPanel);
        const __m512bh b1 = (__m512bh)_mm512_load_si512(panel + i * kPanel + 16);
        for (int r = 0; r < Rows; ++r) {
            const __m512bh av = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[r * ldPairs + i]));
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], av, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], av, b1);
        }
    }
    storeTile<Rows>(acc, bias, addend, ldAddend, c, ldc, cols);
}

// One row of A (k floats) as bf16 pairs, 32 floats per conversion (ties to
// even, as bf16Bits), the odd last one paired with zero.
TRAVELLER_BF16_TARGET void convertRow(const float* __restrict a, std::int64_t k, std::uint32_t* __restrict out)
{
    std::int64_t i = 0;
    for (; i + 32 <= k; i += 32) {
        const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(a + i));
        _mm512_storeu_si512(out + i / 2, (__m512i)v);
    }
    for (; i + 1 < k; i += 2)
        out[i / 2] = pairOf(a[i], a[i + 1]);
    if (i < k)
        out[i / 2] = pairOf(a[i], 0.0f);
}

// Pairs (even[j], odd[j]) of `cols` <= 32 columns of two rows (odd may be
// null: zeros), 16 at a time; zero beyond cols.
TRAVELLER_BF16_TARGET void pairColumns(const float* even, const float* odd, std::int64_t cols, std::uint32_t* out)
{
    for (std::int64_t j = 0; j < kPanel; j += 16) {
        const std::int64_t left = std::max<std::int64_t>(0, std::min<std::int64_t>(16, cols - j));
        const __mmask16 mask = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
        const __m512 e = _mm512_maskz_loadu_ps(mask, even + j);
        const __m512 o = odd ? _mm512_maskz_loadu_ps(mask, odd + j) : _mm512_setzero_ps();
        // The maskz forms with every lane: GCC 12's unmasked ones warn (bug 105593, as in SkinnyGemm.cpp).
        const __m512i lo = _mm512_maskz_cvtepu16_epi32(0xffff, (__m256i)_mm512_cvtneps_pbh(e));
        const __m512i hi =
            _mm512_maskz_slli_epi32(0xffff, _mm512_maskz_cvtepu16_epi32(0xffff, (__m256i)_mm512_cvtneps_pbh(o)), 16);
        _mm512_store_si512(out + j, _mm512_or_si512(lo, hi));
    }
}

// Rows x cols of a 32 x 32 float block (the tiles' C) plus bias and addend
// into C, a row at a time through the micro-kernels' store.
TRAVELLER_BF16_TARGET void storeBlock(const float* block, std::int64_t rows, const float* bias, const float* addend,
                                      float* c, std::int64_t ldc, std::int64_t cols)
{
    for (std::int64_t r = 0; r < rows; ++r) {
        __m512 acc[1][2] = {{_mm512_load_ps(block + r * kPanel), _mm512_load_ps(block + r * kPanel + 16)}};
        storeTile<1>(acc, bias, addend ? addend + r * ldc : nullptr, ldc, c + r * ldc, ldc, cols);
    }
}

using Kernel = void (*)(const std::uint32_t*, std::int64_t, const std::uint32_t*, std::int64_t, const float*,
                        const float*, std::int64_t, float*, std::int64_t, std::int64_t);
constexpr Kernel kKernels[kRows + 1] = {nullptr,        microKernel<1>, microKernel<2>, microKernel<3>, microKernel<4>,
                                        microKernel<5>, microKernel<6>, microKernel<7>, microKernel<8>};

} // namespace

bool PackedWeightsBf16::supported()
{
    const Bf16Path path = bf16Path();
    return path == Bf16Path::Amx || path == Bf16Path::Avx512Bf16;
}

std::uint32_t* PackedWeightsBf16::panels() const
{
    auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
    address = (address + 63) & ~static_cast<std::uintptr_t>(63);
    return reinterpret_cast<std::uint32_t*>(address);
}

std::int64_t PackedWeightsBf16::reserve(std::int64_t n, std::int64_t k)
{
    n_ = n;
    k_ = k;
    pairs_ = (k + 1) / 2;
    blockPairs_ = (pairs_ + amx::kBlockPairs - 1) / amx::kBlockPairs * amx::kBlockPairs;
    a_.clear();
    const std::int64_t count = (n + kPanel - 1) / kPanel;
    storage_.assign(static_cast<std::size_t>(count * blockPairs_ * kPanel + 16), 0u);  // + room to align
    return count;
}

// W (N, K): panel column j, pair i = (W[j][2i], W[j][2i+1]), two neighbours
// of one row.
void PackedWeightsBf16::packRows(const float* w, std::int64_t n, std::int64_t k, std::int64_t ldw)
{
    const std::int64_t count = reserve(n, k);
    std::uint32_t* out = panels();
    at::parallel_for(0, count, 1, [&](std::int64_t p0, std::int64_t p1) {
        for (std::int64_t p = p0; p < p1; ++p) {
            const std::int64_t cols = std::min(kPanel, n - p * kPanel);
            std::uint32_t* dst = out + p * blockPairs_ * kPanel;
            std::vector<std::uint32_t> row(static_cast<std::size_t>(pairs_));
            for (std::int64_t j = 0; j < cols; ++j) {
                convertRow(w + (p * kPanel + j) * ldw, k, row.data());
                for (std::int64_t i = 0; i < pairs_; ++i)
                    dst[i * kPanel + j] = row[static_cast<std::size_t>(i)];
            }
        }
    });
}

// W (K, N): panel column j, pair i = (W[2i][j], W[2i+1][j]), two rows.
void PackedWeightsBf16::packColumns(const float* w, std::int64_t k, std::int64_t n, std::int64_t ldw)
{
    const std::int64_t count = reserve(n, k);
    std::uint32_t* out = panels();
    at::parallel_for(0, count, 1, [&](std::int64_t p0, std::int64_t p1) {
        for (std::int64_t p = p0; p < p1; ++p) {
            const std::int64_t col = p * kPanel;
            const std::int64_t cols = std::min(kPanel, n - col);
            std::uint32_t* dst = out + p * blockPairs_ * kPanel;
            for (std::int64_t i = 0; i < pairs_; ++i) {
                const float* even = w + 2 * i * ldw + col;
                pairColumns(even, 2 * i + 1 < k ? even + ldw : nullptr, cols, dst + i * kPanel);
            }
        }
    });
}

void PackedWeightsBf16::toPairs(const float* a, std::int64_t k, std::uint32_t* out) { convertRow(a, k, out); }

namespace {

// The tiles take 16 rows of A at a time: fewer rows (a short last batch,
// writing one character at a time) stay with vdpbf16ps.
PackedWeightsBf16::Kernel kernelFor(std::int64_t m)
{
    return m >= 16 && PackedWeightsBf16::tilesReady() ? PackedWeightsBf16::Kernel::Tiles
                                                      : PackedWeightsBf16::Kernel::Vdpbf16ps;
}

} // namespace

void PackedWeightsBf16::multiply(const float* a, std::int64_t m, std::int64_t lda, const float* bias,
                                 const float* addend, float* c, std::int64_t ldc) const
{
    multiplyWith(kernelFor(m), a, m, lda, bias, addend, c, ldc);
}

void PackedWeightsBf16::multiplyWith(Kernel kernel, const float* a, std::int64_t m, std::int64_t lda,
                                     const float* bias, const float* addend, float* c, std::int64_t ldc) const
{
    a_.resize(static_cast<std::size_t>(m * pairs_));
    for (std::int64_t r = 0; r < m; ++r)
        convertRow(a + r * lda, k_, a_.data() + r * pairs_);
    multiplyPairsWith(kernel, a_.data(), m, pairs_, bias, addend, c, ldc);
}

void PackedWeightsBf16::multiplyPairs(const std::uint32_t* aPairs, std::int64_t m, std::int64_t ldPairs,
                                      const float* bias, const float* addend, float* c, std::int64_t ldc,
                                      std::int64_t kernelRows) const
{
    multiplyPairsWith(kernelFor(kernelRows >= 0 ? kernelRows : m), aPairs, m, ldPairs, bias, addend, c, ldc);
}

void PackedWeightsBf16::multiplyPairsWith(Kernel kernel, const std::uint32_t* aPairs, std::int64_t m,
                                          std::int64_t ldPairs, const float* bias, const float* addend, float* c,
                                          std::int64_t ldc) const
{
    if (kernel == Kernel::Tiles) {
        multiplyOnTiles<amx::AmxTiles>(aPairs, m, ldPairs, bias, addend, c, ldc);
        return;
    }
    if (kernel == Kernel::EmulatedTiles) {
        multiplyOnTiles<amx::EmulatedTiles>(aPairs, m, ldPairs, bias, addend, c, ldc);
        return;
    }
    const std::int64_t count = (n_ + kPanel - 1) / kPanel;
    const std::uint32_t* packed = panels();
    auto run = [&](std::int64_t p0, std::int64_t p1) {
        for (std::int64_t p = p0; p < p1; ++p) {
            const std::int64_t col = p * kPanel;
            const std::int64_t cols = std::min(kPanel, n_ - col);
            const std::uint32_t* panel = packed + p * blockPairs_ * kPanel;
            for (std::int64_t r = 0; r < m; r += kRows) {
                const std::int64_t rows = std::min(kRows, m - r);
                kKernels[rows](aPairs + r * ldPairs, ldPairs, panel, pairs_, bias ? bias + col : nullptr,
                               addend ? addend + r * ldc + col : nullptr, ldc, c + r * ldc + col, ldc, cols);
            }
        }
    };
    overPanels(count, m * pairs_ * 2 * kPanel, run);
}

// A's rows as bf16 pairs, blockPairs_ a row (zero beyond K), rows to a
// multiple of 32 (the rows beyond m are zero or left from an earlier call:
// they only reach C's rows beyond m, which are not stored). Each thread
// configures its tiles for its panels and releases them after.
template <class Tiles>
void PackedWeightsBf16::multiplyOnTiles(const std::uint32_t* aPairs, std::int64_t m, std::int64_t ldPairs,
                                        const float* bias, const float* addend, float* c, std::int64_t ldc) const
{
    // A's copy is the calling thread's own: threads may multiply different
    // rows with one PackedWeightsBf16 at once (a layer's rows through time).
    thread_local std::vector<std::uint32_t> tileA;
    const std::int64_t rows = (m + amx::kBlockRows - 1) / amx::kBlockRows * amx::kBlockRows;
    if (static_cast<std::int64_t>(tileA.size()) < rows * blockPairs_)
        tileA.resize(static_cast<std::size_t>(rows * blockPairs_), 0u);
    for (std::int64_t r = 0; r < m; ++r) {  // zero beyond pairs_: the buffer serves every shape
        std::copy_n(aPairs + r * ldPairs, pairs_, tileA.data() + r * blockPairs_);
        std::fill(tileA.data() + r * blockPairs_ + pairs_, tileA.data() + (r + 1) * blockPairs_, 0u);
    }
    const std::int64_t count = (n_ + kPanel - 1) / kPanel;
    const std::uint32_t* packed = panels();
    const std::uint32_t* pairsOfA = tileA.data();
    auto run = [&](std::int64_t p0, std::int64_t p1) {
        const amx::TileConfig config;
        Tiles::configure(config);
        alignas(64) float block[amx::kBlockRows * kPanel];
        for (std::int64_t p = p0; p < p1; ++p) {
            const std::int64_t col = p * kPanel;
            const std::int64_t cols = std::min(kPanel, n_ - col);
            const std::uint32_t* panel = packed + p * blockPairs_ * kPanel;
            for (std::int64_t r = 0; r < m; r += amx::kBlockRows) {
                amx::multiplyBlock<Tiles>(pairsOfA + r * blockPairs_, blockPairs_, panel,
                                          blockPairs_ / amx::kBlockPairs, block);
                storeBlock(block, std::min(amx::kBlockRows, m - r), bias ? bias + col : nullptr,
                           addend ? addend + r * ldc + col : nullptr, c + r * ldc + col, ldc, cols);
            }
        }
        Tiles::release();
    };
    overPanels(count, m * blockPairs_ * 2 * kPanel, run);
}

namespace {

// The tile kernel against the vdpbf16ps one on a ragged product (rows, K and
// columns not whole tiles; 40 x 70 · 70 x 50): the same bf16 products, summed
// in another order.
bool tilesAgree()
{
    const std::int64_t m = 40, k = 70, n = 50;
    std::mt19937 rng(31);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    std::vector<float> w(static_cast<std::size_t>(n * k)), a(static_cast<std::size_t>(m * k)),
        bias(static_cast<std::size_t>(n));
    for (float& x : w)
        x = uniform(rng);
    for (float& x : a)
        x = uniform(rng);
    for (float& x : bias)
        x = uniform(rng);
    PackedWeightsBf16 packed;
    packed.packRows(w.data(), n, k, k);
    std::vector<float> want(static_cast<std::size_t>(m * n)), got(want.size(), std::nanf(""));
    packed.multiplyWith(PackedWeightsBf16::Kernel::Vdpbf16ps, a.data(), m, k, bias.data(), nullptr, want.data(), n);
    packed.multiplyWith(PackedWeightsBf16::Kernel::Tiles, a.data(), m, k, bias.data(), nullptr, got.data(), n);
    for (std::size_t i = 0; i < want.size(); ++i)
        if (!(std::fabs(got[i] - want[i]) <= 1e-4f * (1.0f + std::fabs(want[i]))))
            return false;
    return true;
}

enum class TilesState { NoAmx, NotGranted, Disagrees, Ready };

// Linux hands a process the tiles' 8 KB of state only when asked
// (arch_prctl ARCH_REQ_XCOMP_PERM for XTILEDATA, Linux 5.16 and later).
TilesState tilesOfThisProcess()
{
    static const TilesState state = [] {
        if (bf16Path() != Bf16Path::Amx)
            return TilesState::NoAmx;
        constexpr long kRequestPermission = 0x1023;  // ARCH_REQ_XCOMP_PERM
        constexpr long kTileData = 18;               // XFEATURE_XTILEDATA
        if (syscall(SYS_arch_prctl, kRequestPermission, kTileData) != 0)
            return TilesState::NotGranted;
        return tilesAgree() ? TilesState::Ready : TilesState::Disagrees;
    }();
    return state;
}

} // namespace

bool PackedWeightsBf16::tilesReady() { return tilesOfThisProcess() == TilesState::Ready; }

const char* PackedWeightsBf16::tilesState()
{
    switch (tilesOfThisProcess()) {
    case TilesState::Ready:
        return "tdpbf16ps";
    case TilesState::NotGranted:
        return "tiles not granted by Linux";
    case TilesState::Disagrees:
        return "tile kernel disagreed with vdpbf16ps";
    case TilesState::NoAmx:
        break;
    }
    return "no tiles";
}

} // namespace traveller::lm
