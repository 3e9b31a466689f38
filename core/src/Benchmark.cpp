#include "traveller/core/lm/Benchmark.h"

#include "lm/SkinnyGemm.h"

#include <torch/torch.h>

#include <chrono>

namespace traveller {

double measureGemmGflops(std::int64_t m, std::int64_t k, std::int64_t n, double minSeconds)
{
    torch::NoGradGuard noGrad;
    const auto a = torch::randn({m, k});
    const auto b = torch::randn({k, n});
    auto c = torch::empty({m, n});
    for (int i = 0; i < 5; ++i)
        at::mm_out(c, a, b);
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    std::int64_t reps = 0;
    double elapsed = 0;
    while (elapsed < minSeconds) {
        for (int i = 0; i < 10; ++i)
            at::mm_out(c, a, b);
        reps += 10;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return 2.0 * static_cast<double>(m * k * n) * static_cast<double>(reps) / elapsed / 1e9;
}

const char* recurrentGemmKernel() { return lm::PackedWeights::kernelName(); }

double lmFlopsPerToken(const Arch& arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers)
{
    const CellInfo& cell = arch.info();
    const double g = cell.gates;
    const double v = static_cast<double>(vocab), h = static_cast<double>(hidden), l = static_cast<double>(layers);
    // Input products (one-hot counted as the book's GEMM), hidden products
    // where the cell has W_hh, and the head.
    const double recurrent = cell.hiddenWeights ? l * h * g * h : 0.0;
    const double forward = v * g * h + (l - 1) * h * g * h + recurrent + h * v;
    return 3.0 * 2.0 * forward;
}

} // namespace traveller
