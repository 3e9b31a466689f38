// Smoothing for display (core/include/traveller/core/chart/Smoothing.h).
#include "traveller/core/chart/Smoothing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace traveller::chart;

namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
} // namespace

TEST(Smoothing, DebiasedEmaOfAConstantIsThatConstantEverywhere)
{
    const std::vector<double> flat(50, 7.25);
    for (double w : {0.0, 0.3, 0.6, 0.9, 0.99}) {
        const auto s = emaSmoothed(flat, w);
        ASSERT_EQ(s.size(), flat.size());
        for (double v : s)
            EXPECT_NEAR(v, 7.25, 1e-9) << "weight " << w;
    }
}

TEST(Smoothing, EmaIsTensorBoardsDebiasedAverage)
{
    const auto s = emaSmoothed({1, 3}, 0.5);
    EXPECT_DOUBLE_EQ(s[0], 1);
    // (0.5·0.5·1 + 0.5·3) / (1 - 0.25) = 1.75 / 0.75
    EXPECT_NEAR(s[1], 1.75 / 0.75, 1e-12);
    EXPECT_EQ(emaSmoothed({4, 8}, 0), (std::vector<double>{4, 8}));
}

TEST(Smoothing, GapsStayGapsAndAreNotAveragedIn)
{
    const auto s = emaSmoothed({2, kNan, 2, kInf, 2}, 0.8);
    EXPECT_DOUBLE_EQ(s[0], 2);
    EXPECT_TRUE(std::isnan(s[1]));
    EXPECT_NEAR(s[2], 2, 1e-12);
    EXPECT_TRUE(std::isinf(s[3]));
    EXPECT_NEAR(s[4], 2, 1e-12);

    const auto c = centredSmoothed({1, kNan, 5, 9}, 3);
    EXPECT_DOUBLE_EQ(c[0], 1);  // its finite neighbours within the window: itself
    EXPECT_TRUE(std::isnan(c[1]));
    EXPECT_DOUBLE_EQ(c[2], 7);  // (5 + 9) / 2
    EXPECT_DOUBLE_EQ(c[3], 7);
}

TEST(Smoothing, CentredAverageTakesHalfAWindowEachSide)
{
    const auto s = centredSmoothed({0, 0, 9, 0, 0, 0, 0}, 3);
    EXPECT_EQ(s, (std::vector<double>{0, 3, 3, 3, 0, 0, 0}));
    const auto wide = centredSmoothed({1, 2, 3, 4, 5}, 5);
    EXPECT_DOUBLE_EQ(wide[0], 2);    // (1 + 2 + 3) / 3
    EXPECT_DOUBLE_EQ(wide[2], 3);    // all five
    EXPECT_DOUBLE_EQ(wide[4], 4);
    EXPECT_EQ(centredSmoothed({1, 2, 3}, 1), (std::vector<double>{1, 2, 3}));
}

TEST(Smoothing, OffChangesNothingAndTagsSayWhat)
{
    const std::vector<double> ys{3, 1, 2};
    EXPECT_EQ(smoothed(ys, {}), ys);
    EXPECT_EQ(smoothed(ys, {Smoothing::Ema, 0, 5}), ys);
    EXPECT_EQ(smoothed(ys, {Smoothing::Centred, 0.6, 1}), ys);
    EXPECT_EQ(smoothingTag({}), "");
    EXPECT_EQ(smoothingTag({Smoothing::Ema, 0.6, 5}), "ema_0.6");
    EXPECT_EQ(smoothingTag({Smoothing::Centred, 0.6, 5}), "centred_5");
    EXPECT_TRUE(smoothed(std::vector<double>{}, {Smoothing::Centred, 0.6, 5}).empty());
}
