// A line chart drawn into an RGB image and written as PNG, for reports made
// without Qt (the CLI's `runs export --markdown`). Internal to the core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace traveller::chart {

struct Series {
    std::string name;
    std::vector<double> x, y;
    bool highlight = false;  // drawn with a marker at its last point (a diverged run, say)
    std::uint32_t color = 0; // 0xRRGGBB; 0: the palette's colour for its position
};

struct LineChartSpec {
    std::string title;
    std::string xLabel;
    std::string yLabel;
    bool logY = true;
    std::vector<Series> series;
};

// An RGB image, 8 bits per channel, row-major.
class Image {
public:
    Image(int width, int height, std::uint32_t rgb = 0xffffff);
    int width() const { return width_; }
    int height() const { return height_; }
    std::uint32_t pixel(int x, int y) const;
    // Mixes `rgb` into the pixel by `alpha` in [0, 1]; outside the image: nothing.
    void blend(int x, int y, std::uint32_t rgb, double alpha);
    void fillRect(int x, int y, int w, int h, std::uint32_t rgb);
    // Text in a 7x14 monospace face, top-left at (x, y); returns its width.
    int drawText(int x, int y, const std::string& text, std::uint32_t rgb);
    static int textWidth(const std::string& text);
    static int textHeight();
    // The PNG file's bytes (zlib-compressed, no filters). Throws Error.
    std::string png() const;

private:
    int width_;
    int height_;
    std::vector<std::uint8_t> rgb_;
};

// The series as anti-aliased polylines with axes, ticks, grid and a legend.
Image drawLineChart(const LineChartSpec& spec, int width = 960, int height = 540);

// The colour of series `index` (cycles through ten distinct hues).
std::uint32_t seriesColor(std::size_t index);

} // namespace traveller::chart
