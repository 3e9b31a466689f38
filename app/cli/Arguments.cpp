#include "Commands.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace traveller::cli {

int wholeNumber(const std::string& option, const std::string& v, long lo, long hi)
{
    char* end = nullptr;
    errno = 0;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || errno == ERANGE || n < lo || n > hi)
        throw UsageError(option + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         ", got '" + v + "'");
    return static_cast<int>(n);
}

double decimalNumber(const std::string& option, const std::string& v, double lo, double hi)
{
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || errno == ERANGE || !std::isfinite(x) || x < lo || x > hi) {
        char range[64];
        std::snprintf(range, sizeof range, "%g to %g", lo, hi);
        throw UsageError(option + " must be a number from " + range + ", got '" + v + "'");
    }
    return x;
}

std::int64_t runId(const std::string& v)
{
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end || errno == ERANGE || n <= 0)
        throw UsageError("expected a run id (see `traveller-cli runs list`), got '" + v + "'");
    return n;
}

std::vector<std::int64_t> runIds(const std::vector<std::string>& items)
{
    constexpr std::int64_t kMaxRunIds = 1'000'000;
    std::vector<std::int64_t> ids;
    for (const auto& item : items) {
        const auto dash = item.find('-');
        if (dash == std::string::npos || dash == 0) {
            ids.push_back(runId(item));
            continue;
        }
        const std::int64_t from = runId(item.substr(0, dash));
        const std::int64_t to = runId(item.substr(dash + 1));
        if (to < from)
            throw UsageError("bad run range '" + item + "': the first id must not exceed the last");
        if (to - from >= kMaxRunIds)
            throw UsageError("run range '" + item + "' names " + std::to_string(to - from + 1) + " runs; at most " +
                             std::to_string(kMaxRunIds) + " at once");
        for (std::int64_t id = from; id <= to; ++id)
            ids.push_back(id);
    }
    return ids;
}

CLI::Option* repeatable(CLI::Option* option)
{
    return option->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

} // namespace traveller::cli
