// How Traveller writes a number or a duration for people: the CLI's tables
// and progress lines, the window's tables and status bar, the reports. One
// rule, so a diverged run's 1.23e+11 and a 1:02:03 training time read the
// same everywhere. No Qt, no LibTorch.
#pragma once

#include <string>

namespace traveller {

// `decimals` after the point (12.345); from a million up, three significant
// digits (1.23e+11: a diverged run's perplexity stays in its column); NaN and
// ±inf give `missing`.
std::string formatNumber(double value, int decimals, const std::string& missing = "—");

// "12.3 s" under a minute, then "m:ss", then "h:mm:ss"; a negative, NaN or
// absurd (over ~3 years) duration gives "—".
std::string formatDuration(double seconds);

// The time now, in UTC, through strftime's `format` (default ISO 8601:
// "2026-11-29T02:35:22Z"): every timestamp the core writes.
std::string utcNow(const char* format = "%Y-%m-%dT%H:%M:%SZ");

} // namespace traveller
