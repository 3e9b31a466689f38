#include "Commands.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

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

double schemaNumber(const std::string& option, const std::string& text, const ConfigKeyInfo& key)
{
    if (key.type == "int") {
        // A double holds int64's ends only roughly: past 2^62, the long's own.
        const auto bound = [](double v) {
            return v >= 0x1p62 ? LONG_MAX : v <= -0x1p62 ? LONG_MIN : static_cast<long>(v);
        };
        return wholeNumber(option, text, bound(key.minimum), bound(key.maximum));
    }
    if (key.type != "float")
        throw std::logic_error(key.key + " is not a number of the schema");
    const double x = decimalNumber(option, text, key.minimum, key.maximum);
    if (key.minimumExclusive && x == key.minimum) {
        char above[64];
        std::snprintf(above, sizeof above, "%g", key.minimum);
        throw UsageError(option + " must be greater than " + above + ", got '" + text + "'");
    }
    return x;
}

int threadsOption(const std::string& text)
{
    return static_cast<int>(schemaNumber("--threads", text, schemaKey(configSchema(), "train.threads")));
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
