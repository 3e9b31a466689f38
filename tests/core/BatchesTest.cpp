// Minibatches: shapes, the one-token shift, and continuity of sequential rows.
// The corpus is 0..N-1 so every id is its own position.
#include "lm/LmBatches.h"
#include "traveller/core/Errors.h"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

using namespace traveller;
using traveller::lm::LmBatches;

namespace {
std::vector<std::int64_t> positions(std::int64_t n)
{
    std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
    std::iota(ids.begin(), ids.end(), 0);
    return ids;
}
} // namespace

TEST(Batches, SequentialShapesShiftAndContinuity)
{
    const LmBatches batches(positions(10000), 32, 35, Sampling::Sequential);
    std::mt19937_64 rng(0);
    for (int epoch = 0; epoch < 5; ++epoch) {
        const auto epochBatches = batches.epoch(rng);
        ASSERT_GE(static_cast<std::int64_t>(epochBatches.size()), batches.minBatches());
        const std::int64_t offset = epochBatches[0].x[0][0].item<std::int64_t>();
        EXPECT_GE(offset, 0);
        EXPECT_LE(offset, 35);
        // The book: ((N - offset - 1) // B) * B tokens, B rows, (that / B) // T batches.
        const std::int64_t perRow = ((10000 - offset - 1) / 32 * 32) / 32;
        EXPECT_EQ(static_cast<std::int64_t>(epochBatches.size()), perRow / 35);
        for (std::size_t i = 0; i < epochBatches.size(); ++i) {
            const auto& b = epochBatches[i];
            ASSERT_EQ(b.x.sizes(), (std::vector<std::int64_t>{32, 35}));
            ASSERT_EQ(b.y.sizes(), b.x.sizes());
            EXPECT_TRUE(torch::equal(b.y, b.x + 1)) << "Y is X one token ahead";
            // Row r of a batch continues row r of the previous batch.
            if (i > 0)
                EXPECT_TRUE(torch::equal(b.x.select(1, 0), epochBatches[i - 1].x.select(1, 34) + 1));
            // Rows are consecutive slices of one stream.
            EXPECT_TRUE(torch::equal(b.x.select(1, 0).slice(0, 1) - b.x.select(1, 0).slice(0, 0, 31),
                                     torch::full({31}, perRow, torch::kInt64)));
        }
    }
}

TEST(Batches, SequentialOffsetsVary)
{
    const LmBatches batches(positions(10000), 32, 35, Sampling::Sequential);
    std::mt19937_64 rng(7);
    std::set<std::int64_t> offsets;
    for (int epoch = 0; epoch < 50; ++epoch)
        offsets.insert(batches.epoch(rng)[0].x[0][0].item<std::int64_t>());
    EXPECT_GT(offsets.size(), 10u);
}

TEST(Batches, RandomSamplingShuffledNonOverlapping)
{
    const LmBatches batches(positions(2000), 8, 10, Sampling::Random);
    std::mt19937_64 rng(1);
    const auto epochBatches = batches.epoch(rng);
    const std::int64_t offset = epochBatches[0].x[0][0].item<std::int64_t>() % 10;
    EXPECT_EQ(static_cast<std::int64_t>(epochBatches.size()), ((2000 - offset - 1) / 10) / 8);
    std::set<std::int64_t> starts;
    bool ordered = true;
    std::int64_t previous = -1;
    for (const auto& b : epochBatches) {
        ASSERT_EQ(b.x.sizes(), (std::vector<std::int64_t>{8, 10}));
        EXPECT_TRUE(torch::equal(b.y, b.x + 1));
        for (int r = 0; r < 8; ++r) {
            const std::int64_t s = b.x[r][0].item<std::int64_t>();
            EXPECT_EQ((s - offset) % 10, 0) << "subsequences start on the step grid";
            EXPECT_TRUE(starts.insert(s).second) << "each subsequence is used once";
            EXPECT_TRUE(torch::equal(b.x[r], torch::arange(s, s + 10)));
            ordered = ordered && s > previous;
            previous = s;
        }
    }
    EXPECT_FALSE(ordered) << "random sampling shuffles the subsequences";
}

TEST(Batches, TooSmallCorpusIsAClearError)
{
    try {
        LmBatches(positions(500), 32, 35, Sampling::Sequential);
        FAIL() << "expected CorpusError";
    } catch (const CorpusError& e) {
        EXPECT_EQ(e.message().code, "corpus.batch_too_big") << e.what();
        ASSERT_EQ(e.message().args.size(), 3u) << e.what();
        EXPECT_EQ(e.message().args[1], "32") << e.what();  // the batch size
        EXPECT_EQ(e.message().args[2], "35") << e.what();  // the steps
    }
}
