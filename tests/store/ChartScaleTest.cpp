// The one axis rule of every chart (window and reports): the ordinary values
// set the range, what a diverged run produces is clipped, ticks are bounded.
#include "traveller/core/chart/ChartScale.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
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
    EXPECT_GE(logTicks(10, 23).size(), 3u);
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

// A log axis is labelled at round numbers (1, 2, 5, 10, 20, 50 ..., or the
// round steps of a linear axis within a decade), written short: never the
// powers of 2^(1/4) it used to show (11.31, 22.63, 2.749e+11).
TEST(ChartScale, LogTicksAreRoundNumbers)
{
    // A tick is round when it has at most three significant digits (1.15
    // between 0.9 and 1.4 in steps of 0.05).
    auto round = [](double t) {
        const double scale = std::pow(10.0, std::floor(std::log10(t)) - 2);
        return std::fabs(t / scale - std::round(t / scale)) < 1e-6;
    };
    for (auto [lo, hi] : {std::pair{10.0, 23.0}, std::pair{2.4, 28.0}, std::pair{1.0, 30.0}, std::pair{8.3e10, 3.3e11},
                          std::pair{1.2e11, 2.7e11}, std::pair{0.9, 1.4}, std::pair{1e-12, 1e15},
                          std::pair{0.5, 3000.0}, std::pair{3.0, 9.0}}) {
        for (int target : {2, 3, 6, 12}) {
            const auto ticks = logTicks(lo, hi, target);
            // Three labels at least where the plot has room for them.
            EXPECT_GE(ticks.size(), target >= 6 && hi / lo > 1.5 ? 3u : 2u) << lo << " " << hi << " " << target;
            EXPECT_LE(ticks.size(), static_cast<std::size_t>(std::max(3, target) + 1)) << lo << " " << hi;
            for (double t : ticks) {
                EXPECT_TRUE(round(t)) << t << " in " << lo << " " << hi;
                EXPECT_GE(t, lo * (1 - 1e-9));
                EXPECT_LE(t, hi * (1 + 1e-9));
                EXPECT_LE(formatTick(t).size(), 6u) << formatTick(t);
            }
        }
    }
    EXPECT_EQ(logTicks(2.4, 28.0), (std::vector<double>{5, 10, 20}));
    EXPECT_EQ(logTicks(1.0, 1000.0, 4), (std::vector<double>{1, 10, 100, 1000}));
}

TEST(ChartScale, TickLabelsAreShort)
{
    EXPECT_EQ(formatTick(20), "20");
    EXPECT_EQ(formatTick(0.5), "0.5");
    EXPECT_EQ(formatTick(0.1 + 0.2), "0.3");
    EXPECT_EQ(formatTick(3e11), "3e11");
    EXPECT_EQ(formatTick(1.5e11), "1.5e11");
    EXPECT_EQ(formatTick(1e-5), "1e-5");
    EXPECT_EQ(formatTick(-2.5), "-2.5");
    EXPECT_EQ(formatTick(0), "0");
}

// Runs drawn together have colours of their own, whatever their library ids:
// the lab's RNN, GRU and LSTM were runs 3, 13 and 23, all one green by id.
TEST(ChartScale, SeriesDrawnTogetherHaveDistinctColours)
{
    std::set<std::uint32_t> colours;
    for (std::size_t k = 0; k < kPaletteSize; ++k)
        colours.insert(seriesColor(k));
    EXPECT_EQ(colours.size(), kPaletteSize);
    EXPECT_EQ(seriesColor(kPaletteSize), seriesColor(0));  // the eleventh starts over
}
