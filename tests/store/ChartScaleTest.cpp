// The one axis rule of every chart (window and reports): the ordinary values
// set the range, what a diverged run produces is clipped, ticks are bounded.
#include "traveller/core/ChartScale.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace traveller::chart;

namespace {
const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

TEST(ChartScale, ADivergedRunIsClippedBesideNormalOnes)
{
    const std::vector<std::vector<double>> series = {{28, 15, 9.5, 6, 4.1, 3.2, 2.5}, {1.65e11}, {1e30, kInf}, {kNaN, 7}};
    for (Scale scale : {Scale::Linear, Scale::Log}) {
        const YView v = yView(series, scale);
        EXPECT_FALSE(v.empty);
        EXPECT_GT(v.hi, 28);
        EXPECT_LT(v.hi, 40);
        EXPECT_LE(v.lo, 2.5);
        bool clipped = false;
        EXPECT_DOUBLE_EQ(displayY(1.65e11, v, scale, &clipped), v.hi);
        EXPECT_TRUE(clipped);
        EXPECT_DOUBLE_EQ(displayY(kInf, v, scale, &clipped), v.hi);
        EXPECT_TRUE(clipped);
        EXPECT_DOUBLE_EQ(displayY(9.5, v, scale, &clipped), 9.5);
        EXPECT_FALSE(clipped);
        EXPECT_TRUE(std::isnan(displayY(kNaN, v, scale)));
    }
    // Log: non-positive values are out of range too.
    bool clipped = false;
    const YView v = yView(series, Scale::Log);
    EXPECT_DOUBLE_EQ(displayY(0, v, Scale::Log, &clipped), v.lo);
    EXPECT_TRUE(clipped);
}

TEST(ChartScale, ALoneDivergedRunIsShownAtItsOwnScale)
{
    const YView v = yView({{1.65e11}}, Scale::Linear);
    EXPECT_LT(v.lo, 1.65e11);
    EXPECT_GT(v.hi, 1.65e11);
    bool clipped = true;
    displayY(1.65e11, v, Scale::Linear, &clipped);
    EXPECT_FALSE(clipped);
    const auto ticks = linearTicks(v.lo, v.hi, 5);
    EXPECT_GE(ticks.size(), 2u);
    EXPECT_LE(ticks.size(), static_cast<std::size_t>(kMaxTicks + 1));
}

TEST(ChartScale, AFallingLossIsNotCutAtItsStart)
{
    // A seq2seq loss: high for a few epochs, then near zero for hundreds.
    std::vector<double> loss = {5.3, 3.1, 1.9, 1.2, 0.8};
    for (int i = 0; i < 295; ++i)
        loss.push_back(0.05);
    const YView v = yView({loss}, Scale::Linear);
    bool clipped = true;
    displayY(5.3, v, Scale::Linear, &clipped);
    EXPECT_FALSE(clipped);
    EXPECT_GE(v.hi, 5.3);
}

TEST(ChartScale, NothingDrawableGivesAUnitRange)
{
    const YView v = yView({{kNaN}, {}}, Scale::Linear);
    EXPECT_TRUE(v.empty);
    EXPECT_LT(v.lo, v.hi);
    const YView w = yView({{kInf}}, Scale::Log);
    EXPECT_FALSE(w.empty);  // something to mark at the edge
    EXPECT_LT(w.lo, w.hi);
}

TEST(ChartScale, TicksAreBoundedWhateverTheRange)
{
    for (auto [lo, hi] : {std::pair{0.0, 1e-300}, std::pair{0.0, 1e15}, std::pair{1.65e11, 1.65e11 + 1e-3},
                          std::pair{-5.0, 5.0}, std::pair{0.0, 3.0}}) {
        const auto ticks = linearTicks(lo, hi, 5);
        EXPECT_LE(ticks.size(), static_cast<std::size_t>(kMaxTicks + 1)) << lo << " " << hi;
        for (double t : ticks) {
            EXPECT_GE(t, lo - std::abs(hi - lo) * 1e-6);
            EXPECT_LE(t, hi + std::abs(hi - lo) * 1e-6);
        }
    }
    EXPECT_LE(logTicks(1e-12, 1e15).size(), static_cast<std::size_t>(kMaxTicks + 1));
    EXPECT_GE(logTicks(10, 23).size(), 3u);  // 11.3, 16, 22.6
    EXPECT_GE(logTicks(1, 30).size(), 3u);
    // Epochs and words are counted: whole steps.
    for (double t : linearTicks(3, 4, 6, true))
        EXPECT_EQ(t, std::round(t));
    EXPECT_EQ(xRange({7}, true), std::make_pair(7.0, 8.0));
}

TEST(ChartScale, LabelsStayShort)
{
    EXPECT_EQ(formatValue(1.65449250185999e11), "1.65e+11");
    EXPECT_EQ(formatValue(12.5), "12.5");
    EXPECT_EQ(formatValue(kInf), "inf");
    EXPECT_EQ(formatValue(kNaN), "NaN");
}
