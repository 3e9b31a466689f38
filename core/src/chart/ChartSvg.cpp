#include "ChartSvg.h"

#include "traveller/core/chart/ChartScale.h"
#include "traveller/core/io/Escape.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace traveller::chart {

namespace {

constexpr const char* kInk = "#202124";
constexpr const char* kGrid = "#e3e5e8";
constexpr const char* kAxis = "#80868b";
constexpr const char* kAlarm = "#b00020";
constexpr int kFontSize = 13;
constexpr int kLegendWidth = 280;  // the list of names right of the plot
// An average glyph of the sans face at kFontSize, for fitting legend names.
constexpr double kCharWidth = 7.2;

std::string hex(std::uint32_t rgb)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%06x", static_cast<unsigned>(rgb & 0xffffff));
    return buf;
}

// Coordinates to a tenth of a unit: exact enough for any screen, short text.
std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string text(double x, double y, const std::string& content, const char* anchor, const char* fill,
                 const std::string& extra = "")
{
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" fill=\"" + fill + "\"" +
           extra + ">" + xmlEscaped(content) + "</text>\n";
}

// A series' marks: a triangle on its curve at each mark's x (the last point
// at or before it) with the mark's label above, small.
template <class Px, class Py>
std::string marksSvg(const Series& s, const PlacedSeries& placed, const Px& px, const Py& py)
{
    std::string out;
    for (const Mark& m : s.marks) {
        const std::pair<double, double>* at = nullptr;
        for (const auto& p : placed.points)
            if (p.first <= m.x)
                at = &p;
        if (!at)
            continue;
        const double x = px(at->first), y = py(at->second);
        out += "<path d=\"M" + num(x) + "," + num(y - 3) + " l-5,-9 h10 z\"><title>" + xmlEscaped(m.label) +
               "</title></path>\n";
        out += text(x, y - 15, m.label, "middle", "#333333", " font-size=\"11\" stroke=\"none\"");
    }
    return out;
}

// Cuts clean text (Escape.h) at a character boundary so a long Chinese name
// stays valid text.
std::string shortened(const std::string& name, std::size_t maxChars)
{
    std::size_t chars = 0, i = 0;
    for (; i < name.size(); ++i)
        if ((static_cast<unsigned char>(name[i]) & 0xc0) != 0x80 && ++chars > maxChars)
            break;
    if (i >= name.size())
        return name;
    std::size_t cut = i;
    for (int back = 0; back < 3 && cut > 0;) {  // room for the ellipsis
        --cut;
        if ((static_cast<unsigned char>(name[cut]) & 0xc0) != 0x80)
            ++back;
    }
    return name.substr(0, cut) + "…";
}

// `name` in lines of at most `maxChars` characters, broken after a space
// where one is near the end of a line, else anywhere (a long Chinese name);
// the last of `maxLines` lines ends in "…" if the name goes on.
std::vector<std::string> wrapped(const std::string& name, std::size_t maxChars, std::size_t maxLines)
{
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < name.size()) {
        if (lines.size() + 1 == maxLines) {
            lines.push_back(shortened(name.substr(at), maxChars));
            break;
        }
        // The byte offset after maxChars characters, and after the last space within them.
        std::size_t end = at, chars = 0, space = std::string::npos;
        while (end < name.size() && chars < maxChars) {
            ++end;
            while (end < name.size() && (static_cast<unsigned char>(name[end]) & 0xc0) == 0x80)
                ++end;
            ++chars;
            if (name[end - 1] == ' ')
                space = end;
        }
        if (end < name.size() && space != std::string::npos && chars > 0 && space - at > (end - at) / 2)
            end = space;
        lines.push_back(name.substr(at, end - at));
        at = end;
    }
    return lines;
}

// The legend at x = `left`, from `top` down: each name whole on up to
// three lines, as many entries as fit above `bottom`, then a count of the rest.
std::string legendSvg(const LineChartSpec& spec, int left, int top, int bottom)
{
    std::string svg;
    const int lineH = kFontSize + 6;
    const auto maxChars = static_cast<std::size_t>((kLegendWidth - 30) / kCharWidth);
    int y = top;
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
        const auto& s = spec.series[k];
        const std::vector<std::string> lines = wrapped(cleanText(s.name), maxChars, 3);
        const int needed = static_cast<int>(lines.size()) * lineH + (k + 1 < spec.series.size() ? 2 * lineH : 0);
        if (y + needed > bottom - 10) {
            const std::string rest = "… and " + std::to_string(spec.series.size() - k) + " more";
            svg += text(left, y + kFontSize, rest, "start", kAxis);
            break;
        }
        svg += "<rect x=\"" + num(left) + "\" y=\"" + num(y + kFontSize / 2.0 - 2) +
               "\" width=\"18\" height=\"4\" fill=\"" + hex(s.color ? s.color : seriesColor(k)) + "\"/>\n";
        for (const std::string& line : lines) {
            svg += text(left + 24, y + kFontSize, line, "start", kInk);
            y += lineH;
        }
        y += 4;
    }
    return svg;
}

} // namespace

std::string lineChartSvg(const LineChartSpec& spec, int width, int height)
{
    const int legendWidth = kLegendWidth;
    const int left = 70, top = 40, bottom = 50;
    const int right = legendWidth + 20;
    const int plotW = width - left - right, plotH = height - top - bottom;

    // The one axis rule shared with the window (ChartScale.h): the range comes
    // from the ordinary values; a diverged run's 1e11, inf or NaN is drawn at
    // the plot's edge and marked.
    const Scale scale = spec.logY ? Scale::Log : Scale::Linear;
    std::vector<std::vector<double>> ys;
    std::vector<double> xs;
    for (const auto& s : spec.series) {
        ys.emplace_back(s.y.begin(), s.y.begin() + static_cast<std::ptrdiff_t>(std::min(s.x.size(), s.y.size())));
        xs.insert(xs.end(), s.x.begin(), s.x.end());
    }
    const YView view = yView(ys, scale);
    const auto [xMin, xMax] = xRange(xs, true);
    const double yMin = view.lo, yMax = view.hi;
    auto px = [&](double x) { return left + (x - xMin) / (xMax - xMin) * plotW; };
    auto py = [&](double y) {
        const double t = spec.logY ? (std::log(y) - std::log(yMin)) / (std::log(yMax) - std::log(yMin))
                                   : (y - yMin) / (yMax - yMin);
        return top + (1 - t) * plotH;
    };

    std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
                      std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
                      std::to_string(width) + " " + std::to_string(height) + "\" font-family=\"DejaVu Sans, Noto Sans CJK SC, sans-serif\" font-size=\"" +
                      std::to_string(kFontSize) + "\">\n<title>" + xmlEscaped(spec.title) + "</title>\n" +
                      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";

    // Grid and tick labels.
    svg += "<g stroke=\"" + std::string(kGrid) + "\" stroke-width=\"1\">\n";
    std::string labels;
    for (double t : spec.logY ? logTicks(yMin, yMax) : linearTicks(yMin, yMax, 6)) {
        const double y = py(t);
        svg += "<line x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(left + plotW) + "\" y2=\"" + num(y) + "\"/>\n";
        labels += text(left - 6, y + 4, spec.logY ? formatTick(t) : formatValue(t), "end", kInk);
    }
    for (double t : linearTicks(xMin, xMax, 8, true)) {
        const double x = px(t);
        svg += "<line x1=\"" + num(x) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x) + "\" y2=\"" + num(top + plotH) + "\"/>\n";
        labels += text(x, top + plotH + 18, formatValue(t), "middle", kInk);
    }
    svg += "</g>\n" + labels;
    svg += "<polyline fill=\"none\" stroke=\"" + std::string(kAxis) + "\" points=\"" + num(left) + "," + num(top) + " " +
           num(left) + "," + num(top + plotH) + " " + num(left + plotW) + "," + num(top + plotH) + "\"/>\n";
    svg += text(left, 22, spec.title, "start", kInk, " font-weight=\"bold\"");
    svg += text(left + plotW / 2.0, top + plotH + 40, spec.xLabel, "middle", kInk);
    svg += text(16, top + plotH / 2.0, spec.yLabel, "middle", kAxis,
                " transform=\"rotate(-90 16 " + num(top + plotH / 2.0) + ")\"");
    if (view.empty)
        svg += text(left + plotW / 2.0, top + plotH / 2.0, "no epochs recorded", "middle", kAxis);

    // Curves, then the out-of-range points as dots at the edge.
    std::size_t clippedTotal = 0;
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
        const auto& s = spec.series[k];
        const std::string color = hex(s.color ? s.color : seriesColor(k));
        const PlacedSeries placed = placePoints(s.x, s.y, view, scale);
        std::string points, dots;
        for (const auto& [x, y] : placed.points)
            points += (points.empty() ? "" : " ") + num(px(x)) + "," + num(py(y));
        for (std::size_t i : placed.outOfRange)
            dots += "<circle cx=\"" + num(px(placed.points[i].first)) + "\" cy=\"" + num(py(placed.points[i].second)) +
                    "\" r=\"4.5\"/>\n";
        clippedTotal += placed.outOfRange.size();
        const bool any = !placed.points.empty();
        const std::pair<double, double> last =
            any ? std::pair{px(placed.points.back().first), py(placed.points.back().second)} : std::pair{0.0, 0.0};
        if (!any)
            continue;
        svg += "<g fill=\"" + color + "\" stroke=\"" + color + "\">\n<title>" + xmlEscaped(s.name) + "</title>\n";
        svg += "<polyline fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"" + points + "\"/>\n";
        svg += dots;
        if (s.highlight)
            svg += "<circle cx=\"" + num(last.first) + "\" cy=\"" + num(last.second) + "\" r=\"3.5\"/>\n";
        svg += marksSvg(s, placed, px, py);
        svg += "</g>\n";
    }
    if (clippedTotal > 0) {
        std::string note = spec.clippedNote;
        if (const auto at = note.find("{0}"); at != std::string::npos)
            note.replace(at, 3, std::to_string(clippedTotal));
        svg += text(left + plotW, top + plotH + 40, note, "end", kAlarm);
    }

    svg += legendSvg(spec, width - legendWidth, top, height);
    return svg + "</svg>\n";
}

} // namespace traveller::chart
