#include "ChartImage.h"

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

std::string formatTick(double v)
{
    char buf[32];
    if (std::fabs(v) >= 1e5 || (std::fabs(v) < 1e-3 && v != 0))
        std::snprintf(buf, sizeof buf, "%.0e", v);
    else
        std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// 1, 2 or 5 times a power of ten, near `raw`.
double niceStep(double raw)
{
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / power;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
}

std::vector<double> linearTicks(double lo, double hi, int target)
{
    std::vector<double> ticks;
    if (!(hi > lo))
        return {lo};
    const double step = niceStep((hi - lo) / target);
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
        ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
    return ticks;
}

std::vector<double> logTicks(double lo, double hi)
{
    if (hi / lo < 10)
        return linearTicks(lo, hi, 5);
    std::vector<double> ticks;
    for (int k = static_cast<int>(std::floor(std::log10(lo))); k <= static_cast<int>(std::ceil(std::log10(hi))); ++k)
        for (double m : {1.0, 2.0, 5.0}) {
            const double t = m * std::pow(10.0, k);
            if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9))
                ticks.push_back(t);
        }
    if (ticks.size() > 12)
        ticks.erase(std::remove_if(ticks.begin(), ticks.end(),
                                   [](double t) {
                                       const double m = t / std::pow(10.0, std::floor(std::log10(t) + 1e-9));
                                       return std::fabs(m - 1) > 1e-6;
                                   }),
                    ticks.end());
    return ticks;
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

    // Data ranges (non-finite and non-positive-on-log values are skipped).
    double xMin = std::numeric_limits<double>::infinity(), xMax = -xMin, yMin = xMin, yMax = -xMin;
    for (const auto& s : spec.series)
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            double y = s.y[i];
            if (!std::isfinite(s.x[i]) || std::isnan(y) || (spec.logY && y <= 0))
                continue;
            if (spec.yCap > 0)
                y = std::min(y, spec.yCap);
            if (!std::isfinite(y))
                continue;
            xMin = std::min(xMin, s.x[i]);
            xMax = std::max(xMax, s.x[i]);
            yMin = std::min(yMin, y);
            yMax = std::max(yMax, y);
        }
    const bool empty = !std::isfinite(xMin);
    if (empty) {
        xMin = 0, xMax = 1, yMin = 1, yMax = 10;
    }
    if (xMax <= xMin)
        xMax = xMin + 1;
    if (yMax <= yMin) {
        yMax = spec.logY ? yMin * 1.1 : yMin + 1;
        yMin = spec.logY ? yMin / 1.1 : yMin - 1;
    }
    // A little air above and below the curves.
    if (spec.logY) {
        const double pad = (std::log(yMax) - std::log(yMin)) * 0.04;
        yMin = std::exp(std::log(yMin) - pad);
        yMax = std::exp(std::log(yMax) + pad);
    } else {
        const double pad = (yMax - yMin) * 0.04;
        yMin -= pad;
        yMax += pad;
    }
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
        const std::string label = formatTick(t);
        image.drawText(left - 6 - Image::textWidth(label), y - th / 2, label, kInk);
    }
    for (double t : linearTicks(xMin, xMax, 8)) {
        const int x = static_cast<int>(std::lround(px(t)));
        image.fillRect(x, top, 1, plotH, kGrid);
        const std::string label = formatTick(t);
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
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
        const auto& s = spec.series[k];
        std::vector<std::pair<double, double>> pts;
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            double y = s.y[i];
            if (std::isnan(y) || (spec.logY && y <= 0))
                continue;
            if (spec.yCap > 0 || !std::isfinite(y))
                y = std::min(y, spec.yCap > 0 ? spec.yCap : yMax);
            pts.emplace_back(px(s.x[i]), py(std::clamp(y, yMin, yMax)));
        }
        if (pts.empty())
            continue;
        std::fill(coverage.begin(), coverage.end(), 0.0f);
        strokePolyline(coverage, width, height, pts, 2.0);
        if (s.highlight)
            strokePolyline(coverage, width, height, {pts.back()}, 7.0);
        const std::uint32_t color = seriesColor(k);
        for (int y = top - 3; y <= top + plotH + 3; ++y)
            for (int x = left - 3; x <= left + plotW + 3; ++x)
                if (x >= 0 && y >= 0 && x < width && y < height)
                    image.blend(x, y, color,
                                coverage[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                                         static_cast<std::size_t>(x)]);
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
        image.fillRect(lx, y + th / 2 - 2, 18, 4, seriesColor(k));
        std::string name = spec.series[k].name;
        if (name.size() > maxChars)
            name = name.substr(0, maxChars - 3) + "...";
        image.drawText(lx + 24, y, name, kInk);
    }
    return image;
}

} // namespace traveller::chart
