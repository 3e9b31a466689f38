#include "ChartImage.h"

#include "traveller/core/ChartScale.h"
#include "traveller/core/Errors.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace traveller::chart {

namespace {

#include "ChartFont.inc"

constexpr std::uint32_t kInk = 0x202124;
constexpr std::uint32_t kGrid = 0xe3e5e8;
constexpr std::uint32_t kAxis = 0x80868b;

// Ten hues that stay apart on white (Tableau 10).
constexpr std::uint32_t kPalette[] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
                                      0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac};

void putBigEndian(std::string& out, std::uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void putChunk(std::string& out, const char* type, const std::string& data)
{
    putBigEndian(out, static_cast<std::uint32_t>(data.size()));
    const std::string typed = std::string(type, 4) + data;
    out += typed;
    putBigEndian(out, static_cast<std::uint32_t>(
                          crc32(0, reinterpret_cast<const Bytef*>(typed.data()), static_cast<uInt>(typed.size()))));
}

// Coverage of a polyline `width` pixels wide, anti-aliased by distance.
void strokePolyline(std::vector<float>& coverage, int w, int h, const std::vector<std::pair<double, double>>& pts,
                    double width)
{
    const double half = width / 2;
    auto cover = [&](double px, double py) {
        const int x = static_cast<int>(std::lround(px)), y = static_cast<int>(std::lround(py));
        for (int yy = y - 2; yy <= y + 2; ++yy)
            for (int xx = x - 2; xx <= x + 2; ++xx) {
                if (xx < 0 || yy < 0 || xx >= w || yy >= h)
                    continue;
                const double d = std::hypot(xx - px, yy - py);
                const float c = static_cast<float>(std::clamp(half + 0.5 - d, 0.0, 1.0));
                float& cell = coverage[static_cast<std::size_t>(yy) * static_cast<std::size_t>(w) +
                                       static_cast<std::size_t>(xx)];
                cell = std::max(cell, c);
            }
    };
    if (pts.size() == 1)
        cover(pts[0].first, pts[0].second);
    for (std::size_t i = 1; i < pts.size(); ++i) {
        const auto [x0, y0] = pts[i - 1];
        const auto [x1, y1] = pts[i];
        const int steps = std::max(1, static_cast<int>(std::ceil(std::hypot(x1 - x0, y1 - y0) * 3)));
        for (int s = 0; s <= steps; ++s) {
            const double t = static_cast<double>(s) / steps;
            cover(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
        }
    }
}

} // namespace

std::uint32_t seriesColor(std::size_t index) { return kPalette[index % (sizeof kPalette / sizeof kPalette[0])]; }

Image::Image(int width, int height, std::uint32_t rgb) : width_(width), height_(height)
{
    rgb_.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    fillRect(0, 0, width, height, rgb);
}

std::uint32_t Image::pixel(int x, int y) const
{
    const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)) * 3;
    return (static_cast<std::uint32_t>(rgb_[i]) << 16) | (static_cast<std::uint32_t>(rgb_[i + 1]) << 8) | rgb_[i + 2];
}

void Image::blend(int x, int y, std::uint32_t rgb, double alpha)
{
    if (x < 0 || y < 0 || x >= width_ || y >= height_ || alpha <= 0)
        return;
    alpha = std::min(alpha, 1.0);
    const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)) * 3;
    for (int c = 0; c < 3; ++c) {
        const double src = (rgb >> (16 - 8 * c)) & 0xff;
        rgb_[i + static_cast<std::size_t>(c)] =
            static_cast<std::uint8_t>(std::lround(rgb_[i + static_cast<std::size_t>(c)] * (1 - alpha) + src * alpha));
    }
}

void Image::fillRect(int x, int y, int w, int h, std::uint32_t rgb)
{
    for (int yy = std::max(0, y); yy < std::min(height_, y + h); ++yy)
        for (int xx = std::max(0, x); xx < std::min(width_, x + w); ++xx)
            blend(xx, yy, rgb, 1.0);
}

int Image::textWidth(const std::string& text) { return static_cast<int>(text.size()) * kGlyphWidth; }
int Image::textHeight() { return kGlyphHeight; }

int Image::drawText(int x, int y, const std::string& text, std::uint32_t rgb)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const char* glyph = kGlyphs[(c >= 32 && c < 127 ? c : '?') - 32];
        for (int gy = 0; gy < kGlyphHeight; ++gy)
            for (int gx = 0; gx < kGlyphWidth; ++gx) {
                const char h = glyph[gy * kGlyphWidth + gx];
                const int level = h <= '9' ? h - '0' : h - 'a' + 10;
                blend(x + static_cast<int>(i) * kGlyphWidth + gx, y + gy, rgb, level / 15.0);
            }
    }
    return textWidth(text);
}

std::string Image::png() const
{
    std::string raw;
    raw.reserve(static_cast<std::size_t>(height_) * (static_cast<std::size_t>(width_) * 3 + 1));
    for (int y = 0; y < height_; ++y) {
        raw.push_back('\0');  // filter: none
        raw.append(reinterpret_cast<const char*>(rgb_.data()) + static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) * 3,
                   static_cast<std::size_t>(width_) * 3);
    }
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                  static_cast<uLong>(raw.size()), 9) != Z_OK)
        throw Error("cannot compress the chart image");
    packed.resize(size);

    std::string out("\x89PNG\r\n\x1a\n", 8);
    std::string header;
    putBigEndian(header, static_cast<std::uint32_t>(width_));
    putBigEndian(header, static_cast<std::uint32_t>(height_));
    header += std::string("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, no filter method, no interlace
    putChunk(out, "IHDR", header);
    putChunk(out, "IDAT", packed);
    putChunk(out, "IEND", "");
    return out;
}

Image drawLineChart(const LineChartSpec& spec, int width, int height)
{
    Image image(width, height);
    const int legendWidth = 280;
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
    const bool empty = view.empty;
    const auto [xMin, xMax] = xRange(xs, true);
    const double yMin = view.lo, yMax = view.hi;
    auto px = [&](double x) { return left + (x - xMin) / (xMax - xMin) * plotW; };
    auto py = [&](double y) {
        const double t = spec.logY ? (std::log(y) - std::log(yMin)) / (std::log(yMax) - std::log(yMin))
                                   : (y - yMin) / (yMax - yMin);
        return top + (1 - t) * plotH;
    };

    // Grid and tick labels.
    const int th = Image::textHeight();
    for (double t : spec.logY ? logTicks(yMin, yMax) : linearTicks(yMin, yMax, 6)) {
        const int y = static_cast<int>(std::lround(py(t)));
        image.fillRect(left, y, plotW, 1, kGrid);
        const std::string label = formatValue(t);
        image.drawText(left - 6 - Image::textWidth(label), y - th / 2, label, kInk);
    }
    for (double t : linearTicks(xMin, xMax, 8, true)) {
        const int x = static_cast<int>(std::lround(px(t)));
        image.fillRect(x, top, 1, plotH, kGrid);
        const std::string label = formatValue(t);
        image.drawText(x - Image::textWidth(label) / 2, top + plotH + 6, label, kInk);
    }
    image.fillRect(left, top, 1, plotH + 1, kAxis);
    image.fillRect(left, top + plotH, plotW + 1, 1, kAxis);
    image.drawText(left, 12, spec.title, kInk);
    image.drawText(left + plotW / 2 - Image::textWidth(spec.xLabel) / 2, top + plotH + 28, spec.xLabel, kInk);
    image.drawText(8, 12 + th + 4, spec.yLabel, kAxis);
    if (empty)
        image.drawText(left + plotW / 2 - Image::textWidth("no epochs recorded") / 2, top + plotH / 2,
                       "no epochs recorded", kAxis);

    // Curves, each through its own coverage mask so overlapping segments of one
    // series do not darken each other.
    std::vector<float> coverage(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    std::size_t clippedTotal = 0;
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
        const auto& s = spec.series[k];
        std::vector<std::pair<double, double>> pts;
        std::vector<std::pair<double, double>> clipped;
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.x[i]) || std::fabs(s.x[i]) > kDisplayLimit)
                continue;
            bool out = false;
            double y = displayY(s.y[i], view, scale, &out);
            if (std::isnan(y)) {
                y = yMax;
                out = true;
            }
            pts.emplace_back(px(s.x[i]), py(y));
            if (out)
                clipped.push_back(pts.back());
        }
        if (pts.empty())
            continue;
        std::fill(coverage.begin(), coverage.end(), 0.0f);
        strokePolyline(coverage, width, height, pts, 2.0);
        if (s.highlight)
            strokePolyline(coverage, width, height, {pts.back()}, 7.0);
        // Out-of-range points: a bigger dot at the edge, counted under the plot.
        for (const auto& c : clipped)
            strokePolyline(coverage, width, height, {c}, 9.0);
        clippedTotal += clipped.size();
        const std::uint32_t color = s.color ? s.color : seriesColor(k);
        for (int y = top - 3; y <= top + plotH + 3; ++y)
            for (int x = left - 3; x <= left + plotW + 3; ++x)
                if (x >= 0 && y >= 0 && x < width && y < height)
                    image.blend(x, y, color,
                                coverage[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                                         static_cast<std::size_t>(x)]);
    }

    if (clippedTotal > 0) {
        const std::string note = std::to_string(clippedTotal) + " point(s) outside the axis, drawn at its edge";
        image.drawText(left + plotW - Image::textWidth(note), top + plotH + 28, note, 0xb00020);
    }

    // Legend: as many entries as fit, then a count of the rest.
    const int lx = width - legendWidth, lineH = th + 4;
    const int fit = std::max(1, (height - top) / lineH - 1);
    const std::size_t maxChars = static_cast<std::size_t>((legendWidth - 30) / Image::textWidth("M"));
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
        const int y = top + static_cast<int>(k) * lineH;
        if (static_cast<int>(k) == fit - 1 && spec.series.size() > static_cast<std::size_t>(fit)) {
            image.drawText(lx, y, "... and " + std::to_string(spec.series.size() - k) + " more", kAxis);
            break;
        }
        image.fillRect(lx, y + th / 2 - 2, 18, 4, spec.series[k].color ? spec.series[k].color : seriesColor(k));
        std::string name = spec.series[k].name;
        if (name.size() > maxChars)
            name = name.substr(0, maxChars - 3) + "...";
        image.drawText(lx + 24, y, name, kInk);
    }
    return image;
}

} // namespace traveller::chart
