#include "traveller/core/chart/Smoothing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace traveller::chart {

bool SmoothingSpec::active() const
{
    return (kind == Smoothing::Ema && weight > 0) || (kind == Smoothing::Centred && window > 1);
}

std::vector<double> emaSmoothed(const std::vector<double>& ys, double weight)
{
    const double w = std::clamp(std::isfinite(weight) ? weight : 0.0, 0.0, kMaxEmaWeight);
    std::vector<double> out(ys.size());
    double last = 0;       // the undebiased average of the finite values so far
    double debias = 1;     // w^n over the n finite values so far
    for (std::size_t i = 0; i < ys.size(); ++i) {
        const double y = ys[i];
        if (!std::isfinite(y)) {
            out[i] = y;  // a gap or a blow-up is shown as it is, and not averaged in
            continue;
        }
        last = last * w + (1 - w) * y;
        debias *= w;
        out[i] = last / (1 - debias);
    }
    return out;
}

std::vector<double> centredSmoothed(const std::vector<double>& ys, int window)
{
    const int half = std::clamp(window, 1, kMaxWindow) / 2;
    const auto n = static_cast<std::ptrdiff_t>(ys.size());
    std::vector<double> out(ys.size());
    for (std::ptrdiff_t i = 0; i < n; ++i) {
        if (!std::isfinite(ys[static_cast<std::size_t>(i)])) {
            out[static_cast<std::size_t>(i)] = ys[static_cast<std::size_t>(i)];
            continue;
        }
        double sum = 0;
        int count = 0;
        for (std::ptrdiff_t k = std::max<std::ptrdiff_t>(0, i - half); k <= std::min(n - 1, i + half); ++k)
            if (std::isfinite(ys[static_cast<std::size_t>(k)])) {
                sum += ys[static_cast<std::size_t>(k)];
                ++count;
            }
        out[static_cast<std::size_t>(i)] = sum / count;  // count >= 1: ys[i] itself
    }
    return out;
}

std::vector<double> smoothed(const std::vector<double>& ys, const SmoothingSpec& spec)
{
    if (!spec.active())
        return ys;
    return spec.kind == Smoothing::Ema ? emaSmoothed(ys, spec.weight) : centredSmoothed(ys, spec.window);
}

std::string smoothingTag(const SmoothingSpec& spec)
{
    if (!spec.active())
        return {};
    char text[48];
    if (spec.kind == Smoothing::Ema)
        std::snprintf(text, sizeof text, "ema_%g", spec.weight);
    else
        std::snprintf(text, sizeof text, "centred_%d", std::clamp(spec.window, 1, kMaxWindow) / 2 * 2 + 1);
    return text;
}

} // namespace traveller::chart
