#include "traveller/core/chart/ChartScale.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <utility>

namespace traveller::chart {

namespace {

double outlierFactor(Scale scale) { return scale == Scale::Log ? kLogOutlierFactor : kLinearOutlierFactor; }

// A series' level: the value 90 % of its points stay under (its early,
// high part included, so a falling loss curve is not cut at its start).
double level(std::vector<double> values)
{
    if (values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    const std::size_t k = std::min(values.size() - 1, values.size() * 9 / 10);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
}

} // namespace

YView yView(const std::vector<std::vector<double>>& series, Scale scale)
{
    const bool log = scale == Scale::Log;
    double reference = std::numeric_limits<double>::infinity();
    for (const auto& s : series) {
        std::vector<double> usable;
        usable.reserve(s.size());
        for (double y : s)
            if (std::isfinite(y) && std::fabs(y) <= kDisplayLimit && (!log || y > 0))
                usable.push_back(std::fabs(y));
        const double l = level(std::move(usable));
        if (l > 0)
            reference = std::min(reference, l);
    }
    YView view;
    view.clipAbove = std::isfinite(reference) ? std::min(kDisplayLimit, reference * outlierFactor(scale)) : kDisplayLimit;
    // A log axis shows twelve decades at most; a linear one is symmetric.
    view.clipBelow = log ? view.clipAbove * 1e-12 : -view.clipAbove;

    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& s : series)
        for (double y : s)
            if (y >= view.clipBelow && y <= view.clipAbove && (!log || y > 0)) {
                lo = std::min(lo, y);
                hi = std::max(hi, y);
            }
    if (!std::isfinite(lo)) {
        // Nothing in range (only NaN, or only clipped values): a unit range,
        // with whatever is clipped drawn at its edges.
        view.lo = log ? 1 : 0;
        view.hi = log ? 10 : 1;
        view.empty = true;
        for (const auto& s : series)
            for (double y : s)
                view.empty = view.empty && std::isnan(y);
        return view;
    }
    view.empty = false;
    if (log) {
        if (hi <= lo) {
            lo /= 2;
            hi *= 2;
        } else {
            lo /= 1.2;
            hi *= 1.2;
        }
    } else {
        const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::fabs(hi) * 0.1, 1e-9);
        // Quantities that cannot be negative (perplexity, a norm, BLEU) keep 0 as their floor.
        lo = lo >= 0 ? std::max(0.0, lo - pad) : lo - pad;
        hi += pad;
    }
    view.lo = lo;
    view.hi = hi;
    return view;
}

double displayY(double y, const YView& view, Scale scale, bool* clipped)
{
    if (clipped)
        *clipped = false;
    if (std::isnan(y))
        return y;
    const bool below = y < view.clipBelow || (scale == Scale::Log && y <= 0);
    const bool above = y > view.clipAbove;
    if (clipped)
        *clipped = below || above;
    if (above)
        return view.hi;
    if (below)
        return view.lo;
    return std::clamp(y, view.lo, view.hi);
}

std::pair<double, double> xRange(const std::vector<double>& xs, bool integer)
{
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double x : xs)
        if (std::isfinite(x) && std::fabs(x) <= kDisplayLimit) {
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    if (!std::isfinite(lo))
        return {0, 1};
    if (integer) {
        lo = std::floor(lo);
        hi = std::max(std::ceil(hi), lo + 1);
    } else if (hi <= lo) {
        const double pad = std::max(std::fabs(lo) * 0.1, 0.5);
        lo -= pad;
        hi += pad;
    }
    return {lo, hi};
}

double niceStep(double lo, double hi, int target, bool integer)
{
    const double span = hi - lo;
    if (!(span > 0) || !std::isfinite(span))
        return 1;
    const double raw = span / std::max(1, target);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / power;
    double step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
    if (integer)
        step = std::max(1.0, std::round(step));
    while (span / step > kMaxTicks)
        step *= 2;
    return step;
}

std::vector<double> linearTicks(double lo, double hi, int target, bool integer)
{
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
        return std::isfinite(lo) ? std::vector<double>{lo} : std::vector<double>{};
    const double step = niceStep(lo, hi, target, integer);
    std::vector<double> ticks;
    const double first = std::ceil(lo / step - 1e-9);
    for (int i = 0; i <= kMaxTicks; ++i) {
        const double t = (first + i) * step;
        if (t > hi + step * 1e-9)
            break;
        ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
    }
    return ticks;
}

namespace {

// The round numbers m·10^k within [lo, hi], m in `mantissas`, k a multiple of
// `every` (so that 1 stays a tick); stops past kMaxTicks + 1.
std::vector<double> decadeTicks(double lo, double hi, std::initializer_list<double> mantissas, int every)
{
    std::vector<double> ticks;
    const int first = static_cast<int>(std::floor(std::log10(lo)));
    const int last = static_cast<int>(std::ceil(std::log10(hi)));
    for (int k = first; k <= last; ++k) {
        if (((k % every) + every) % every != 0)
            continue;
        for (double m : mantissas) {
            const double t = m * std::pow(10.0, k);
            if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9))
                ticks.push_back(t);
            if (ticks.size() > static_cast<std::size_t>(kMaxTicks))
                return ticks;
        }
    }
    return ticks;
}

} // namespace

std::vector<double> logTicks(double lo, double hi, int target)
{
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
        return {};
    const std::size_t most = static_cast<std::size_t>(std::clamp(target, 3, kMaxTicks));
    const std::vector<double> fine = decadeTicks(lo, hi, {1, 2, 5}, 1);
    if (fine.size() < 3) {  // within a decade or two: round linear steps
        // As many as `target` asks, fewer rather than more, but three if the
        // next coarser step would leave two.
        std::vector<double> denser;
        for (int t = static_cast<int>(most); t >= 1; --t) {
            std::vector<double> steps = linearTicks(lo, hi, t);
            if (steps.size() <= most)
                return steps.size() < 3 && !denser.empty() ? denser : steps;
            denser = std::move(steps);
        }
        return denser;
    }
    if (fine.size() <= most)
        return fine;
    if (std::vector<double> thirds = decadeTicks(lo, hi, {1, 3}, 1); thirds.size() >= 3 && thirds.size() <= most)
        return thirds;
    // Many decades: the powers of ten, every `every` decades.
    for (int every = 1;; ++every)
        if (std::vector<double> powers = decadeTicks(lo, hi, {1}, every); powers.size() <= most)
            return powers;
}

std::uint32_t seriesColor(std::size_t position)
{
    // Tableau 10 (matplotlib's default cycle), red second: the lab's reports
    // colour their series in this order too.
    static constexpr std::uint32_t kPalette[kPaletteSize] = {0x1f77b4, 0xd62728, 0x2ca02c, 0xff7f0e, 0x9467bd,
                                                             0x8c564b, 0xe377c2, 0x17becf, 0xbcbd22, 0x7f7f7f};
    return kPalette[position % kPaletteSize];
}

PlacedSeries placePoints(const std::vector<double>& xs, const std::vector<double>& ys, const YView& view, Scale scale)
{
    PlacedSeries out;
    const std::size_t n = std::min(xs.size(), ys.size());
    out.points.reserve(n);
    out.source.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(xs[i]) || std::fabs(xs[i]) > kDisplayLimit)
            continue;
        bool clipped = false;
        double y = displayY(ys[i], view, scale, &clipped);
        if (std::isnan(y)) {  // NaN: drawn at the top, marked like any out-of-range value
            y = view.hi;
            clipped = true;
        }
        if (clipped) {
            out.outOfRange.push_back(out.points.size());
            if (std::isnan(ys[i]))
                out.worstIsNan = out.worstIsNan || out.worst == 0;
            else if (std::fabs(ys[i]) > std::fabs(out.worst) || out.worstIsNan) {
                out.worst = ys[i];
                out.worstIsNan = false;
            }
        }
        out.points.emplace_back(xs[i], y);
        out.source.push_back(i);
    }
    return out;
}

std::string formatValue(double v)
{
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    char buf[32];
    const double a = std::fabs(v);
    if (a >= 1e5 || (a < 1e-3 && v != 0))
        std::snprintf(buf, sizeof buf, "%.3g", v);
    else
        std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

std::string formatTick(double v)
{
    if (!std::isfinite(v))
        return formatValue(v);
    if (v == 0)
        return "0";
    // The fewest digits that give the value back (to float noise: 0.1 + 0.2).
    const double a = std::fabs(v);
    const bool exponent = a >= 1e5 || a < 1e-3;
    char buf[40];
    for (int digits = 0; digits <= 12; ++digits) {
        std::snprintf(buf, sizeof buf, exponent ? "%.*e" : "%.*f", digits, v);
        if (std::fabs(std::strtod(buf, nullptr) - v) <= a * 1e-9)
            break;
    }
    if (!exponent)
        return buf;
    // "1.5e+11" -> "1.5e11", "1e-05" -> "1e-5".
    const std::string text = buf;
    const std::size_t e = text.find('e');
    return text.substr(0, e + 1) + std::to_string(std::stoi(text.substr(e + 1)));
}

} // namespace traveller::chart
