#include "lm/LmBatches.h"

#include "traveller/core/Errors.h"

#include <algorithm>
#include <numeric>

namespace traveller::lm {

namespace {
// Python's random.randint(lo, hi): inclusive on both ends.
std::int64_t randint(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi)
{
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

std::int64_t sequentialBatches(std::int64_t n, int offset, int batch, int steps)
{
    const std::int64_t tokens = ((n - offset - 1) / batch) * batch;
    return tokens <= 0 ? 0 : (tokens / batch) / steps;
}

std::int64_t randomBatches(std::int64_t n, int offset, int batch, int steps)
{
    const std::int64_t subseqs = (n - offset - 1) / steps;
    return subseqs <= 0 ? 0 : subseqs / batch;
}
} // namespace

LmBatches::LmBatches(std::vector<std::int64_t> ids, int batchSize, int numSteps, Sampling sampling)
    : ids_(std::move(ids)), batchSize_(batchSize), numSteps_(numSteps), sampling_(sampling)
{
    if (minBatches() < 1)
        throw CorpusError("corpus", message("corpus.batch_too_big", {std::to_string(ids_.size()),
                                                                     std::to_string(batchSize_),
                                                                     std::to_string(numSteps_)}));
}

std::int64_t LmBatches::minBatches() const
{
    const auto n = static_cast<std::int64_t>(ids_.size());
    return sampling_ == Sampling::Sequential ? sequentialBatches(n, numSteps_, batchSize_, numSteps_)
                                             : randomBatches(n, numSteps_ - 1, batchSize_, numSteps_);
}

std::vector<Batch> LmBatches::epoch(std::mt19937_64& rng) const
{
    const auto n = static_cast<std::int64_t>(ids_.size());
    const auto B = static_cast<std::int64_t>(batchSize_);
    const auto T = static_cast<std::int64_t>(numSteps_);
    std::vector<Batch> out;
    if (sampling_ == Sampling::Sequential) {
        // Each row is one contiguous stream; batch i+1 continues batch i row by row.
        const std::int64_t offset = randint(rng, 0, T);
        const std::int64_t tokens = ((n - offset - 1) / B) * B;
        const auto xs = torch::from_blob(const_cast<std::int64_t*>(ids_.data()) + offset, {B, tokens / B},
                                         torch::kInt64);
        const auto ys = torch::from_blob(const_cast<std::int64_t*>(ids_.data()) + offset + 1, {B, tokens / B},
                                         torch::kInt64);
        const std::int64_t batches = (tokens / B) / T;
        for (std::int64_t i = 0; i < batches; ++i)
            out.push_back({xs.narrow(1, i * T, T).clone(), ys.narrow(1, i * T, T).clone()});
    } else {
        // Random non-overlapping subsequences; neighbours in a batch are unrelated.
        const std::int64_t offset = randint(rng, 0, T - 1);
        const std::int64_t subseqs = (n - offset - 1) / T;
        std::vector<std::int64_t> starts(static_cast<std::size_t>(subseqs));
        for (std::int64_t i = 0; i < subseqs; ++i)
            starts[static_cast<std::size_t>(i)] = offset + i * T;
        std::shuffle(starts.begin(), starts.end(), rng);
        const std::int64_t batches = subseqs / B;
        for (std::int64_t b = 0; b < batches; ++b) {
            auto x = torch::empty({B, T}, torch::kInt64);
            auto y = torch::empty({B, T}, torch::kInt64);
            auto* px = x.data_ptr<std::int64_t>();
            auto* py = y.data_ptr<std::int64_t>();
            for (std::int64_t r = 0; r < B; ++r) {
                const std::int64_t s = starts[static_cast<std::size_t>(b * B + r)];
                std::copy_n(ids_.data() + s, T, px + r * T);
                std::copy_n(ids_.data() + s + 1, T, py + r * T);
            }
            out.push_back({x, y});
        }
    }
    return out;
}

} // namespace traveller::lm
