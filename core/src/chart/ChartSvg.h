// A line chart written as SVG text, for reports made without Qt (the CLI's
// `runs export --markdown`, the Runs tab's report). Internal to the core.
// Any Markdown viewer, browser or slide tool shows it, it scales to a
// projector, and its numbers and names stay text: every text in it goes
// through xmlEscaped (Escape.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace traveller::chart {

// A labelled point on a curve: a setting that changed while the run trained
// ("lr 1→0.3"), drawn on the curve at its x (the last point at or before it).
struct Mark {
    double x = 0;
    std::string label;
};

struct Series {
    std::string name;
    std::vector<double> x, y;
    std::vector<Mark> marks;
    bool highlight = false;  // drawn with a marker at its last point (a diverged run, say)
    std::uint32_t color = 0; // 0xRRGGBB; 0: seriesColor(index)
};

struct LineChartSpec {
    std::string title;
    std::string xLabel;
    std::string yLabel;
    bool logY = true;
    std::vector<Series> series;
    // Under the plot when points lie outside the axis; {0} is their count
    // (the lab report passes its language's text).
    std::string clippedNote = "{0} point(s) outside the axis, drawn at its edge";
};

// The series as polylines with axes, ticks, grid and a legend: a complete
// SVG 1.1 document `width` x `height` user units large.
std::string lineChartSvg(const LineChartSpec& spec, int width = 960, int height = 540);

} // namespace traveller::chart
