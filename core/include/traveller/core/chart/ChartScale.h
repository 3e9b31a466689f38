// The one rule for the value axis of every chart Traveller draws: the
// window's Qt charts (ui/LineChart) and the reports' SVG charts (ChartSvg).
//
// A chart must draw anything a run can produce — 1e11 from a diverged run
// next to perplexities of 1–30, 1e30, inf, NaN, one point — in bounded time
// and memory. So the range is chosen from the ordinary values only, and the
// rest is drawn clipped at the plot's edge and marked:
//  - a series' "level" is the value 90 % of its points stay under; the
//    reference level is the lowest positive level among the series;
//  - a value more than kLinearOutlierFactor (log axis: kLogOutlierFactor)
//    times the reference level, beyond ±kDisplayLimit, or ±inf is out of
//    range: drawn at the plot's edge;
//  - the axis covers the in-range values with a little air, and its ticks
//    are computed here, a bounded number of them.
// No Qt, no LibTorch: plain numbers in, plain numbers out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace traveller::chart {

// Values beyond this many times the lowest series' level are clipped: three
// orders of magnitude on a linear axis (a seq2seq loss falls ~300x from its
// first epoch, a gradient norm spikes ~50x: both stay drawn), six on a log axis.
constexpr double kLinearOutlierFactor = 1000.0;
constexpr double kLogOutlierFactor = 1e6;
// Nothing beyond this magnitude is handed to a drawing library (float
// precision, tick loops, label widths).
constexpr double kDisplayLimit = 1e15;
// No axis gets more ticks than this.
constexpr int kMaxTicks = 12;

enum class Scale { Linear, Log };

struct YView {
    double lo = 0;         // the axis range
    double hi = 1;
    double clipAbove = 0;  // values above are out of range (drawn at hi, marked)
    double clipBelow = 0;  // values below are out of range (drawn at lo, marked); log: <= 0 too
    bool empty = true;     // no drawable value at all
};

// The y range for these series (one vector of y values each; NaN ignored).
YView yView(const std::vector<std::vector<double>>& series, Scale scale);

// Where to draw y on an axis with this view: clamped into [lo, hi]. NaN stays
// NaN (not drawn). `clipped` tells whether the value was out of range.
double displayY(double y, const YView& view, Scale scale, bool* clipped = nullptr);

// A series as a chart draws it: its points with a drawable x (finite, within
// kDisplayLimit), each y placed by displayY (NaN at the top edge), the ones
// out of range listed, and the most extreme of those (for the note under the
// chart). The window's charts and the reports' SVG share this.
struct PlacedSeries {
    std::vector<std::pair<double, double>> points;  // (x, y as drawn)
    std::vector<std::size_t> outOfRange;           // indexes into points
    std::vector<std::size_t> source;               // the index of each point in the input
    double worst = 0;                              // the extreme out-of-range value as given
    bool worstIsNan = false;
};
PlacedSeries placePoints(const std::vector<double>& xs, const std::vector<double>& ys, const YView& view, Scale scale);

// An x range [lo, hi] with hi > lo for these values (non-finite ignored);
// `integer` widens a single point to a whole step.
std::pair<double, double> xRange(const std::vector<double>& xs, bool integer);

// 1, 2 or 5 times a power of ten, about (hi - lo) / target, at least 1 when
// `integer`; a step that keeps the tick count within kMaxTicks.
double niceStep(double lo, double hi, int target, bool integer = false);

// Ticks for a linear axis: multiples of niceStep within [lo, hi]; never more
// than kMaxTicks + 1.
std::vector<double> linearTicks(double lo, double hi, int target, bool integer = false);

// Ticks of a log axis, all round numbers a class reads at a glance: powers of
// ten (every few decades over many), else 1, 2, 5 per decade, else, for
// ranges under a decade or two, the round steps of a linear axis (10, 15, 20).
// At least three where the range allows, about `target` of them, never more
// than kMaxTicks + 1.
std::vector<double> logTicks(double lo, double hi, int target = 6);

// A tick or value label that stays short: 12.5, 0.002, 1.65e+11.
std::string formatValue(double v);
// A tick's label, as short as its round value allows: 20, 0.5, 1.5e11, 1e-5.
std::string formatTick(double v);

// The colours of series drawn together, in the window's charts and in the
// reports alike: the series at `position` (0-based, in the order they are
// drawn) takes that colour of a qualitative palette (Tableau 10), so up to
// kPaletteSize runs drawn together never share a colour, whatever their ids
// in the library (any rule by id gives runs 3, 13 and 23 one colour).
constexpr std::size_t kPaletteSize = 10;
std::uint32_t seriesColor(std::size_t position);

} // namespace traveller::chart
