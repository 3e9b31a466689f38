#include "traveller/core/Format.h"

#include <ctime>

#include <cmath>
#include <cstdio>

namespace traveller {

std::string formatNumber(double value, int decimals, const std::string& missing)
{
    if (!std::isfinite(value))
        return missing;
    char buf[64];
    if (std::fabs(value) >= 1e6)
        std::snprintf(buf, sizeof buf, "%.3g", value);
    else
        std::snprintf(buf, sizeof buf, "%.*f", decimals < 0 ? 0 : decimals > 17 ? 17 : decimals, value);
    return buf;
}

std::string formatDuration(double seconds)
{
    if (!(seconds >= 0) || seconds > 1e8)
        return "—";
    char buf[48];
    if (seconds < 59.95) {
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
        return buf;
    }
    const long s = std::lround(seconds);
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

std::string utcNow(const char* format)
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

} // namespace traveller
