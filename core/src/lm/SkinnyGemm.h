// The per-step product of a recurrent layer, C = A · Wᵀ (+ bias or addend),
// with few rows in A (the batch: 32) and a weight matrix W that stays the same
// for all the steps of a sequence. OpenBLAS repacks W at every call and reaches
// about two thirds of its large-matrix rate on such shapes; here W is packed
// once per sequence into 32-column panels and an AVX-512 micro-kernel (8 rows ×
// 32 columns of accumulators) streams each panel once per step.
//
// Shapes: A (M, K) row-major with leading dimension lda; W given either as
// (N, K) row-major ("weights", as W_hh for h W_hhᵀ) or as (K, N) row-major
// ("transposed", as W_hh for dG W_hh); C (M, N) row-major.
#pragma once

#include <cstdint>
#include <vector>

namespace traveller::lm {

class PackedWeights {
public:
    // True when this CPU has AVX-512F (and TRAVELLER_PACKED_GEMM is not 0);
    // otherwise the callers use LibTorch's GEMM.
    static bool supported();
    // "avx512" or "none".
    static const char* kernelName();

    // W (N, K), row-major: C = A · Wᵀ.
    void packRows(const float* w, std::int64_t n, std::int64_t k, std::int64_t ldw);
    // W (K, N), row-major: C = A · W.
    void packColumns(const float* w, std::int64_t k, std::int64_t n, std::int64_t ldw);

    std::int64_t n() const { return n_; }
    std::int64_t k() const { return k_; }

    // C = A · Wᵀ + bias (N, may be null) + addend (M × N with leading dimension
    // ldc, may be null; may equal C). Splits the panels over LibTorch's intra-op
    // threads when the product is large enough to pay for waking them.
    void multiply(const float* a, std::int64_t m, std::int64_t lda, const float* bias, const float* addend,
                  float* c, std::int64_t ldc) const;
    // C (m, N) = Aᵀ · W, A (K, m) row-major lda apart, W (K, N) packed by
    // packColumns: a weight gradient dW = dGᵀ · X summed over a sequence's
    // T·B rows, A = dG as the step loop wrote it. Tasks of 64 rows of C, A's
    // columns packed per task (OpenBLAS packs the transposed operand too, and
    // ran these shapes at about 60 % of this kernel's rate).
    void multiplyTransposedA(const float* a, std::int64_t m, std::int64_t lda, float* c, std::int64_t ldc) const;

private:
    std::int64_t n_ = 0;
    std::int64_t k_ = 0;
    std::int64_t reserve(std::int64_t n, std::int64_t k);  // sizes storage_; returns the panel count
    float* panels() const;       // 64-byte aligned start within storage_
    std::vector<float> storage_;  // panel p, row k: 32 floats (zero beyond n)
};

// The same product with W and A rounded to bfloat16 (ties to even) and float32
// accumulation, by vdpbf16ps (SkinnyGemmBf16.cpp): W packed once per sequence
// into 32-column panels of bf16 pairs (rows 2i and 2i+1 of the product's K
// side interleaved, zero beyond K and n; a panel's pair rows padded to whole
// blocks of 16 for the tiles), A converted to bf16 pairs at each call. Each
// instruction does 32 multiply-adds, twice the float32 FMA's. On a CPU with
// AMX tiles the same panels feed tdpbf16ps (AmxTiles.h) for 16 rows of A or
// more, once the tiles were granted to the process and the kernel checked
// against the vdpbf16ps one (tilesReady()).
class PackedWeightsBf16 {
public:
    // True when this CPU has AVX512-BF16 (the kernel's only requirement).
    static bool supported();
    // True when the per-step products run on AMX tiles: the CPU has them
    // (bf16Path() == Amx), Linux granted them to this process and the tile
    // kernel gave the vdpbf16ps kernel's result on a ragged product. Decided
    // once per process; tilesState() says which of these stopped it.
    static bool tilesReady();
    static const char* tilesState();

    void packRows(const float* w, std::int64_t n, std::int64_t k, std::int64_t ldw);
    void packColumns(const float* w, std::int64_t k, std::int64_t n, std::int64_t ldw);

    std::int64_t n() const { return n_; }
    std::int64_t k() const { return k_; }

    // As PackedWeights::multiply. Not to be called concurrently on one object
    // (A's bf16 copy is kept in the object between calls); multiplyPairs may be.
    void multiply(const float* a, std::int64_t m, std::int64_t lda, const float* bias, const float* addend,
                  float* c, std::int64_t ldc) const;
    // The same through one kernel: vdpbf16ps, or the tile kernel on
    // emulated tiles (what the manual says each AMX instruction does, in
    // C++: any CPU with AVX512-BF16; for tests) or on the CPU's tiles (only
    // where tilesReady()).
    enum class Kernel { Vdpbf16ps, EmulatedTiles, Tiles };
    void multiplyWith(Kernel kernel, const float* a, std::int64_t m, std::int64_t lda, const float* bias,
                      const float* addend, float* c, std::int64_t ldc) const;

    // The same with A already as bf16 pairs (toPairs; m rows, ldPairs pairs
    // apart): a caller that writes A's rows in a parallel pass of its own (a
    // layer's gate pass) converts them there, instead of here on one thread
    // while the others wait.
    // kernelRows (default m): the rows that choose the kernel (tiles from 16
    // rows), so that threads sharing a batch's rows use one kernel and the
    // result does not depend on the thread count.
    void multiplyPairs(const std::uint32_t* aPairs, std::int64_t m, std::int64_t ldPairs, const float* bias,
                       const float* addend, float* c, std::int64_t ldc, std::int64_t kernelRows = -1) const;
    void multiplyPairsWith(Kernel kernel, const std::uint32_t* aPairs, std::int64_t m, std::int64_t ldPairs,
                           const float* bias, const float* addend, float* c, std::int64_t ldc) const;
    // One row of k floats as (k + 1) / 2 bf16 pairs (ties to even, as
    // bf16Bits; the odd last one paired with zero): A's conversion. Only
    // where supported().
    static void toPairs(const float* a, std::int64_t k, std::uint32_t* out);

private:
    std::int64_t n_ = 0;
    std::int64_t k_ = 0;
    std::int64_t pairs_ = 0;        // (k + 1) / 2
    std::int64_t blockPairs_ = 0;   // pairs_ rounded up to 16: a panel's pair rows
    std::int64_t reserve(std::int64_t n, std::int64_t k);
    std::uint32_t* panels() const;            // 64-byte aligned start within storage_
    std::vector<std::uint32_t> storage_;      // panel p, pair i: 32 columns x (bf16 of row 2i, of row 2i+1)
    mutable std::vector<std::uint32_t> a_;    // A as bf16 pairs, m x pairs_
    template <class Tiles>
    void multiplyOnTiles(const std::uint32_t* aPairs, std::int64_t m, std::int64_t ldPairs, const float* bias,
                         const float* addend, float* c, std::int64_t ldc) const;
};

} // namespace traveller::lm
