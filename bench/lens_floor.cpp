// The floors under a Lens reading at hidden 1024 (docs/PERFORMANCE.md, "The
// Lens"), measured apart from Traveller:
//
//   g++ -O2 -fopenmp bench/lens_floor.cpp -o /tmp/lens_floor
//   /tmp/lens_floor gemv            # 1,000 GEMVs against a packed 3072 x 1024 W_hh
//   /tmp/lens_floor faults          # 150 MB of fresh memory, first touch
//   /tmp/lens_floor faults advise   # the same after the heap advice of setTrainingThreads
//
// gemv: the AVX-512 panel layout of core/src/lm/SkinnyGemm.cpp (32 columns a
// panel) at batch 1, three ways: two accumulator chains (the shipped kernel),
// eight chains, and the panels walked back and forth from one character to the
// next (the tail of the last walk may still be in L2). On 1 and 2 threads;
// GB/s counts W_hh read once per character.
// faults: run each in a fresh process; the first round pays the page faults.
#include <immintrin.h>
#include <malloc.h>
#include <omp.h>
#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr long kPanel = 32, kN = 3072, kK = 1024, kSteps = 1000;

__attribute__((target("avx512f"))) void twoChains(const float* a, const float* panel, float* c)
{
    __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps();
    for (long i = 0; i < kK; ++i) {
        const __m512 av = _mm512_set1_ps(a[i]);
        c0 = _mm512_fmadd_ps(av, _mm512_load_ps(panel + i * kPanel), c0);
        c1 = _mm512_fmadd_ps(av, _mm512_load_ps(panel + i * kPanel + 16), c1);
    }
    _mm512_storeu_ps(c, c0);
    _mm512_storeu_ps(c + 16, c1);
}

__attribute__((target("avx512f"))) void eightChains(const float* a, const float* panel, float* c)
{
    __m512 acc[4][2];
    for (auto& pair : acc)
        pair[0] = pair[1] = _mm512_setzero_ps();
    for (long i = 0; i < kK; i += 4)
        for (int s = 0; s < 4; ++s) {
            const __m512 av = _mm512_set1_ps(a[i + s]);
            acc[s][0] = _mm512_fmadd_ps(av, _mm512_load_ps(panel + (i + s) * kPanel), acc[s][0]);
            acc[s][1] = _mm512_fmadd_ps(av, _mm512_load_ps(panel + (i + s) * kPanel + 16), acc[s][1]);
        }
    for (int half = 0; half < 2; ++half)
        _mm512_storeu_ps(c + 16 * half, _mm512_add_ps(_mm512_add_ps(acc[0][half], acc[1][half]),
                                                      _mm512_add_ps(acc[2][half], acc[3][half])));
}

// Row-major W (N, K) as the model stores it, no packing: each output is the
// dot product of one row with h, four rows at a time (four streams, one h).
__attribute__((target("avx512f"))) void fourRows(const float* h, const float* w, float* c)
{
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (long i = 0; i < kK; i += 16) {
        const __m512 hv = _mm512_loadu_ps(h + i);
        for (int r = 0; r < 4; ++r)
            acc[r] = _mm512_fmadd_ps(_mm512_load_ps(w + r * kK + i), hv, acc[r]);
    }
    for (int r = 0; r < 4; ++r)
        c[r] = _mm512_reduce_add_ps(acc[r]);
}

__attribute__((target("avx512f"))) void eightRows(const float* h, const float* w, float* c)
{
    __m512 acc[8];
    for (auto& a : acc)
        a = _mm512_setzero_ps();
    for (long i = 0; i < kK; i += 16) {
        const __m512 hv = _mm512_loadu_ps(h + i);
        for (int r = 0; r < 8; ++r)
            acc[r] = _mm512_fmadd_ps(_mm512_load_ps(w + r * kK + i), hv, acc[r]);
    }
    for (int r = 0; r < 8; ++r)
        c[r] = _mm512_reduce_add_ps(acc[r]);
}

void rows()
{
    float* w = static_cast<float*>(std::aligned_alloc(64, kN * kK * sizeof(float)));
    for (long i = 0; i < kN * kK; ++i)
        w[i] = static_cast<float>(i % 7) * 0.001f;
    std::vector<float> h(kK, 0.5f), c(kN);
    for (int variant = 0; variant < 2; ++variant)
        for (int threads : {1, 2}) {
            const long block = variant == 0 ? 4 : 8;
            omp_set_num_threads(threads);
            const auto start = std::chrono::steady_clock::now();
            for (long step = 0; step < kSteps; ++step) {
#pragma omp parallel
                {
                    const long t = omp_get_thread_num(), n = omp_get_num_threads(), blocks = kN / block;
                    for (long b = blocks * t / n; b < blocks * (t + 1) / n; ++b)
                        (variant == 0 ? fourRows : eightRows)(h.data(), w + b * block * kK, c.data() + b * block);
                }
                h[step % kK] = c[step % kN] * 1e-3f;
            }
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::printf("%-15s %d thread(s): %.3f s per 1,000 GEMVs, %.0f GB/s\n", variant == 0 ? "four rows" : "eight rows",
                        threads, s, kSteps * kN * kK * sizeof(float) / s / 1e9);
        }
    std::free(w);
}

void gemv()
{
    const long panels = kN / kPanel;
    float* packed = static_cast<float*>(std::aligned_alloc(64, kN * kK * sizeof(float)));
    for (long i = 0; i < kN * kK; ++i)
        packed[i] = static_cast<float>(i % 7) * 0.001f;
    std::vector<float> h(kK, 0.5f), c(kN);
    const char* names[] = {"two chains", "eight chains", "back and forth"};
    for (int variant = 0; variant < 3; ++variant)
        for (int threads : {1, 2}) {
            omp_set_num_threads(threads);
            const auto start = std::chrono::steady_clock::now();
            for (long step = 0; step < kSteps; ++step) {
#pragma omp parallel
                {
                    const long t = omp_get_thread_num(), n = omp_get_num_threads();
                    const long p0 = panels * t / n, p1 = panels * (t + 1) / n;
                    for (long i = 0; i < p1 - p0; ++i) {
                        const long p = variant == 2 && step % 2 ? p1 - 1 - i : p0 + i;
                        (variant == 1 ? eightChains : twoChains)(h.data(), packed + p * kK * kPanel, c.data() + p * kPanel);
                    }
                }
                h[step % kK] = c[step % kN] * 1e-3f;  // the next character depends on this one
            }
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::printf("%-15s %d thread(s): %.3f s per 1,000 GEMVs, %.0f GB/s\n", names[variant], threads, s,
                        kSteps * kN * kK * sizeof(float) / s / 1e9);
        }
    std::free(packed);
}

void faults(bool advise)
{
    mallopt(M_MMAP_THRESHOLD, 64 << 20);  // as setTrainingThreads does
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    if (advise) {  // adviseHugePagesForTheHeap() in core/src/lm/Runtime.cpp
        constexpr std::size_t kBlock = std::size_t(32) << 20;
        constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
        void* blocks[7];
        for (auto& b : blocks)
            b = std::malloc(kBlock);
        for (void* b : blocks) {
            const auto lo = (reinterpret_cast<std::uintptr_t>(b) + kHuge - 1) & ~(kHuge - 1);
            const auto hi = (reinterpret_cast<std::uintptr_t>(b) + kBlock) & ~(kHuge - 1);
            madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
        }
        for (void* b : blocks)
            std::free(b);
    }
    for (int round = 0; round < 2; ++round) {
        const auto start = std::chrono::steady_clock::now();
        char* blocks[10];
        for (auto& b : blocks) {
            b = static_cast<char*>(std::malloc(15 << 20));
            std::memset(b, 1, 15 << 20);
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%s, round %d: 150 MB touched in %.4f s\n", advise ? "advised" : "plain", round + 1, s);
        for (char* b : blocks)
            std::free(b);
    }
}

} // namespace

int main(int argc, char** argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "gemv" && __builtin_cpu_supports("avx512f")) {
        gemv();
    } else if (mode == "rows" && __builtin_cpu_supports("avx512f")) {
        rows();
    } else if (mode == "faults") {
        faults(argc > 2 && std::string(argv[2]) == "advise");
    } else {
        std::fprintf(stderr, "usage: lens_floor gemv | faults [advise]   (gemv needs AVX-512)\n");
        return 2;
    }
    return 0;
}
