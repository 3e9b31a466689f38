// A cell's step equations with one unit's values filled in (CellInfo::equations):
// the Lens shows them for the character and unit a student picks. Torch-free.
#include "traveller/core/cells/Cells.h"

#include "traveller/core/Errors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace traveller {

namespace {

std::string threeDecimals(double v)
{
    if (!std::isfinite(v))
        return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.3f", v);
    return buffer;
}

} // namespace

std::vector<std::string> equationNames(const CellInfo& cell)
{
    std::vector<std::string> names = cell.inspected;
    names.push_back("h");
    names.push_back("h_prev");
    if (cell.cellState)
        names.push_back("c_prev");
    return names;
}

std::vector<std::string> stepEquations(const CellInfo& cell, const std::function<double(const std::string&)>& value)
{
    const std::vector<std::string> names = equationNames(cell);
    std::vector<std::string> lines;
    lines.reserve(cell.equations.size());
    for (const std::string& pattern : cell.equations) {
        std::string line;
        std::size_t at = 0;
        while (at < pattern.size()) {
            const std::size_t open = pattern.find('{', at);
            if (open == std::string::npos) {
                line += pattern.substr(at);
                break;
            }
            const std::size_t close = pattern.find('}', open);
            if (close == std::string::npos)
                throw Error("the " + cell.name + " cell's equation \"" + pattern + "\" has an unclosed {");
            line += pattern.substr(at, open - at);
            std::string name = pattern.substr(open + 1, close - open - 1);
            const bool asFactor = !name.empty() && name.back() == '*';
            if (asFactor)
                name.pop_back();
            if (std::find(names.begin(), names.end(), name) == names.end())
                throw Error("the " + cell.name + " cell's equation \"" + pattern + "\" names {" + name +
                            "}, which the cell does not expose");
            const double v = value(name);
            const std::string number = threeDecimals(v);
            line += asFactor && v < 0 ? "(" + number + ")" : number;
            at = close + 1;
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

} // namespace traveller
