// Smoothing a curve for display only: the stored values never change, a chart
// draws the smoothed line over the raw one and its exports say so. Two ways,
// both ignoring what cannot be averaged (NaN, ±inf, which stay as they are):
// - an exponential moving average debiased as TensorBoard's: s_t is the
//   weighted mean of the values so far with weights w^(t-k), divided by the
//   weights' sum (1 - w^n), so a constant curve stays that constant from its
//   first point on instead of rising from zero;
// - a centred moving average: the mean of the finite values within `window`
//   points centred on each (half a window each side, fewer at the ends).
// No Qt, no LibTorch.
#pragma once

#include <string>
#include <vector>

namespace traveller::chart {

enum class Smoothing { None, Ema, Centred };

// What a chart is asked to draw: `weight` in [0, 1) for the EMA (0: none),
// `window` (odd, >= 1) for the centred average (1: none).
struct SmoothingSpec {
    Smoothing kind = Smoothing::None;
    double weight = 0.6;
    int window = 5;
    // Whether drawing it changes anything.
    bool active() const;
};

constexpr double kMaxEmaWeight = 0.999;
constexpr int kMaxWindow = 101;

std::vector<double> emaSmoothed(const std::vector<double>& ys, double weight);
std::vector<double> centredSmoothed(const std::vector<double>& ys, int window);
std::vector<double> smoothed(const std::vector<double>& ys, const SmoothingSpec& spec);

// A name for files (a CSV column): "ema_0.6", "centred_5", "" when inactive.
std::string smoothingTag(const SmoothingSpec& spec);

} // namespace traveller::chart
