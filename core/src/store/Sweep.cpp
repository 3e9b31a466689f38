#include "traveller/core/store/Sweep.h"

#include "traveller/core/Errors.h"
#include "ConfigFields.h"
#include "Schedule.h"
#include "io/YamlWalk.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace traveller {

namespace {

namespace fs = std::filesystem;

using Setting = std::pair<std::string, std::string>;

using yaml::columnOf;
using yaml::lineOf;

std::string knownKeys()
{
    std::string all;
    for (const auto& k : configSchema())
        all += (all.empty() ? "" : ", ") + k.key;
    return all;
}

// A value's text: a scalar's own, a list (train.schedule) as one line of
// flow YAML.
std::string valueText(const YAML::Node& value)
{
    if (value.IsScalar())
        return value.Scalar();
    YAML::Emitter out;
    out << YAML::Flow << value;
    return out.c_str();
}

// Applies one dotted key: an unknown key is reported where the key is written,
// a bad value where the value is.
void applySetting(ExperimentConfig& config, const YAML::Node& keyNode, const YAML::Node& valueNode)
{
    if (!keyNode.IsScalar())
        throw ConfigError("", lineOf(keyNode), columnOf(keyNode), "keys must be dotted names such as train.lr");
    const std::string key = keyNode.Scalar();
    bool known = false;
    for (const auto& k : configSchema())
        known = known || k.key == key;
    if (!known)
        throw ConfigError(key, lineOf(keyNode), columnOf(keyNode), message("config.unknown_key_known", {knownKeys()}));
    // A schedule is a list: one grid value of train.schedule is a whole one.
    if (key == "train.schedule" && valueNode.IsSequence()) {
        config.train.schedule = config::parseSchedule(valueNode, key);
        return;
    }
    if (!valueNode.IsScalar())
        throw ConfigError(key, lineOf(valueNode), columnOf(valueNode), message("config.single_value"));
    setConfigValue(config, key, valueNode.Scalar(), lineOf(valueNode), columnOf(valueNode));
}

// The keys of a grid, set or variant mapping, each a plain name given once
// (yaml::forEachEntry); what they name is checked where they are applied.
void rejectDuplicateKeys(const YAML::Node& map)
{
    yaml::forEachEntry(map, "", {}, [](const std::string&, const YAML::Node&, const YAML::Node&) {});
}

std::string shortKey(const std::string& key) { return key.substr(key.rfind('.') + 1); }

std::string labelOf(const std::vector<Setting>& settings)
{
    std::string out;
    for (const auto& [key, value] : settings)
        out += (out.empty() ? "" : " ") + shortKey(key) + "=" + value;
    return out;
}

// The inline `base:` mapping as text of its own, padded so that the experiment
// parser reports the sweep file's own lines and columns.
std::string inlineBaseText(const std::string& text, const YAML::Node& keyNode, const YAML::Node& valueNode)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    const auto first = static_cast<std::size_t>(valueNode.Mark().line);
    const auto keyColumn = static_cast<std::size_t>(keyNode.Mark().column);
    std::string out(first, '\n');
    if (first >= lines.size())
        return out;
    out += std::string(static_cast<std::size_t>(valueNode.Mark().column), ' ') +
           lines[first].substr(static_cast<std::size_t>(valueNode.Mark().column)) + "\n";
    for (std::size_t i = first + 1; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        const auto indent = line.find_first_not_of(' ');
        if (indent != std::string::npos && line[indent] != '#' && indent <= keyColumn)
            break;  // the next key of the sweep file
        out += line + "\n";
    }
    return out;
}

struct Parsed {
    std::string name;
    ExperimentConfig base;
    std::vector<std::pair<std::string, std::vector<YAML::Node>>> grid;  // key -> value nodes
    std::vector<YAML::Node> gridKeys;
    std::vector<YAML::Node> variants;
};

Sweep expand(const Parsed& p)
{
    Sweep sweep;
    sweep.name = p.name;
    sweep.base = p.base;

    // Every grid point as settings, the last key varying fastest.
    std::vector<std::vector<std::pair<std::size_t, YAML::Node>>> points{{}};
    for (std::size_t k = 0; k < p.grid.size(); ++k) {
        std::vector<std::vector<std::pair<std::size_t, YAML::Node>>> next;
        for (const auto& point : points)
            for (const auto& value : p.grid[k].second) {
                auto extended = point;
                extended.emplace_back(k, value);
                next.push_back(std::move(extended));
            }
        points = std::move(next);
    }

    std::vector<YAML::Node> variants = p.variants;
    const bool noVariants = variants.empty();
    if (noVariants)
        variants.emplace_back(YAML::NodeType::Map);
    for (const auto& variant : variants) {
        ExperimentConfig variantConfig = p.base;
        std::vector<Setting> variantSettings;
        std::string variantName;
        for (const auto& entry : variant) {
            const YAML::Node keyNode = entry.first;
            const YAML::Node valueNode = entry.second;
            if (keyNode.IsScalar() && keyNode.Scalar() == "name") {
                if (!valueNode.IsScalar())
                    throw ConfigError("name", lineOf(valueNode), columnOf(valueNode), message("config.single_value"));
                variantName = valueNode.Scalar();
                continue;
            }
            applySetting(variantConfig, keyNode, valueNode);
            variantSettings.emplace_back(keyNode.Scalar(), valueText(valueNode));
        }
        for (const auto& point : points) {
            SweepRun run;
            run.config = variantConfig;
            run.settings = variantSettings;
            std::vector<Setting> gridSettings;
            for (const auto& [k, value] : point) {
                applySetting(run.config, p.gridKeys[k], value);
                gridSettings.emplace_back(p.grid[k].first, valueText(value));
            }
            run.settings.insert(run.settings.end(), gridSettings.begin(), gridSettings.end());
            const std::string head = variantName.empty() ? labelOf(variantSettings) : variantName;
            const std::string tail = labelOf(gridSettings);
            run.label = head.empty() ? tail : tail.empty() ? head : head + " " + tail;
            if (run.label.empty())
                run.label = "base";
            // A name belongs to the settings it was written for: the variant's
            // own name, extended by the grid keys; the base's name only for a
            // run that is the base's run. Otherwise the name is derived from
            // the settings, with the label when it names more than they do.
            if (!variantName.empty()) {
                run.config.name = tail.empty() ? variantName : variantName + " " + tail;
            } else if (!sameRun(run.config, p.base)) {
                run.config.name.clear();
                bool derivedSaysAll = true;
                for (const auto& [key, value] : run.settings)
                    derivedSaysAll = derivedSaysAll && (key == "model.arch" || key == "model.impl" ||
                                                        key == "model.hidden" || key == "model.layers" ||
                                                        key == "train.lr" || key == "train.epochs");
                if (!derivedSaysAll)
                    run.config.name = run.config.displayName() + " " + run.label;
            } else if (!run.config.name.empty() && !tail.empty()) {
                run.config.name += " " + tail;  // the base's run, on another seed or device
            }
            try {
                validate(run.config);
            } catch (const ConfigError& e) {
                throw ConfigError(e.key(), lineOf(variant), columnOf(variant), e.detail() + " (run " + run.label + ")");
            }
            sweep.runs.push_back(std::move(run));
        }
    }
    return sweep;
}

// `repeat: N` is a grid axis of its own, train.seed: [0, 1, ..., N-1], varying
// fastest (each setting's seeds side by side, "lr=1 seed=2"). A grid that
// sets train.seed already says which seeds; both at once is refused.
void addSeedAxis(Parsed& p, const YAML::Node& repeat)
{
    if (!repeat.IsScalar())
        throw ConfigError("repeat", lineOf(repeat), columnOf(repeat), message("config.single_value"));
    const auto n = config::parseInt(repeat.Scalar(), "repeat", lineOf(repeat), columnOf(repeat), 1, kMaxSweepRuns);
    for (const auto& [key, values] : p.grid)
        if (key == "train.seed")
            throw ConfigError("repeat", lineOf(repeat), columnOf(repeat), message("sweep.repeat_and_seed_grid"));
    const YAML::Node key("train.seed");
    std::vector<YAML::Node> seeds;
    for (long long seed = 0; seed < n; ++seed)
        seeds.emplace_back(std::to_string(seed));
    p.grid.emplace_back("train.seed", std::move(seeds));
    p.gridKeys.push_back(key);
}

// `base:`: an experiment file (relative to the sweep file) or one written
// inline (parsed with the sweep file's own lines and columns).
void readBase(Parsed& p, const std::string& text, const std::string& baseDir, const YAML::Node& keyNode,
              const YAML::Node& value)
{
    const std::string key = "base";
    if (value.IsScalar()) {
        fs::path path = value.Scalar();
        if (path.is_relative() && !baseDir.empty())
            path = fs::path(baseDir) / path;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            throw ConfigError(key, lineOf(value), columnOf(value),
                              "no experiment file '" + path.string() + "'");
        p.base = loadExperimentFile(path.string());
    } else if (value.IsMap()) {
        p.base = parseExperimentYaml(inlineBaseText(text, keyNode, value));
    } else if (!value.IsNull()) {
        throw ConfigError(key, lineOf(value), columnOf(value),
                          "expected an experiment mapping or the path of an experiment file");
    }
}

// `grid:`: dotted keys to lists of values, every value checked against the
// base before anything is recorded.
void readGrid(Parsed& p, const YAML::Node& value)
{
    const std::string key = "grid";
    if (!value.IsMap())
        throw ConfigError(key, lineOf(value), columnOf(value),
                          "expected a mapping of dotted keys to lists, e.g. train.lr: [0.1, 1]");
    rejectDuplicateKeys(value);
    for (const auto& g : value) {
        const YAML::Node gridKeyNode = g.first;
        const YAML::Node gridValues = g.second;
        const std::string gridKey = gridKeyNode.IsScalar() ? gridKeyNode.Scalar() : "";
        if (!gridValues.IsSequence() || gridValues.size() == 0)
            throw ConfigError(gridKey, lineOf(gridValues), columnOf(gridValues),
                              "expected a non-empty list of values, e.g. [0.1, 1]");
        ExperimentConfig probe = p.base;
        std::vector<YAML::Node> values;
        for (const auto& v : gridValues) {
            applySetting(probe, gridKeyNode, v);  // reject bad keys and values before running anything
            values.push_back(v);
        }
        p.grid.emplace_back(gridKey, std::move(values));
        p.gridKeys.push_back(gridKeyNode);
    }
}

Sweep parseRoot(const std::string& text, const std::string& baseDir)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError("", e.mark.line + 1, e.mark.column + 1, message("config.malformed_yaml", {e.msg}));
    }
    if (!root.IsMap())
        throw ConfigError("", root.IsNull() ? 0 : lineOf(root), root.IsNull() ? 0 : columnOf(root),
                          "a sweep file must be a mapping with base and grid and/or variants");
    Parsed p;
    bool haveBase = false;
    YAML::Node setNode;
    YAML::Node runsNode;  // where the run count is reported: grid, else variants
    YAML::Node repeatNode;  // `repeat: N`: every run on seeds 0..N-1
    bool haveRepeat = false;
    yaml::forEachEntry(root, "", {"name", "base", "set", "grid", "variants", "repeat"}, [&](const std::string& key,
                                                                                  const YAML::Node& keyNode,
                                                                                  const YAML::Node& value) {
        if (key == "repeat") {
            haveRepeat = true;
            repeatNode = value;
            if (!runsNode)
                runsNode = keyNode;
        } else if (key == "name") {
            if (!value.IsScalar())
                throw ConfigError(key, lineOf(value), columnOf(value), message("config.single_value"));
            p.name = value.Scalar();
        } else if (key == "base") {
            haveBase = true;
            readBase(p, text, baseDir, keyNode, value);
        } else if (key == "grid") {
            runsNode = keyNode;
            readGrid(p, value);
        } else if (key == "set") {
            if (!value.IsMap())
                throw ConfigError(key, lineOf(value), columnOf(value),
                                  "expected a mapping of dotted keys to values, e.g. {train.epochs: 50}");
            rejectDuplicateKeys(value);
            setNode = value;
        } else if (key == "variants") {
            if (!value.IsSequence())
                throw ConfigError(key, lineOf(value), columnOf(value), "expected a list of mappings of dotted keys");
            for (const auto& v : value) {
                if (!v.IsMap())
                    throw ConfigError(key, lineOf(v), columnOf(v),
                                      "each variant must be a mapping of dotted keys, e.g. {model.arch: gru}");
                rejectDuplicateKeys(v);
                p.variants.push_back(v);
            }
            if (!runsNode)
                runsNode = keyNode;
        }
    });
    if (!haveBase)
        throw ConfigError("base", 0, 0, "missing: give an experiment inline or the path of an experiment file");
    if (haveRepeat)
        addSeedAxis(p, repeatNode);
    // Counted before a single run is built or recorded: a grid of 10^7 runs
    // would otherwise exhaust memory, and 10^6 fill the library with queued rows.
    std::uint64_t runs = p.variants.empty() ? 1 : p.variants.size();
    bool overflow = false;
    for (const auto& [key, values] : p.grid) {
        if (runs > std::numeric_limits<std::uint64_t>::max() / values.size())
            overflow = true;
        else
            runs *= values.size();
    }
    if (overflow || runs > kMaxSweepRuns) {
        const std::string limit = std::to_string(kMaxSweepRuns);
        throw ConfigError(runsNode.IsScalar() ? runsNode.Scalar() : "grid", lineOf(runsNode), columnOf(runsNode),
                          overflow ? message("sweep.too_many_runs_overflow", {limit})
                                   : message("sweep.too_many_runs", {std::to_string(runs), limit}));
    }
    // Overrides of the base (`set:`): its name stays only if they leave the run as it was.
    if (setNode) {
        const ExperimentConfig original = p.base;
        for (const auto& entry : setNode) {
            const YAML::Node k = entry.first;
            const YAML::Node v = entry.second;
            applySetting(p.base, k, v);
        }
        p.base.name = nameFor(original, p.base);
    }
    return expand(p);
}

} // namespace

std::string rebaseSweepText(const std::string& text, const std::string& fromDir, const std::string& toDir)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception&) {
        return text;  // parseSweepYaml reports it
    }
    if (!root.IsMap())
        return text;
    for (const auto& entry : root) {
        if (!entry.first.IsScalar() || entry.first.Scalar() != "base" || !entry.second.IsScalar())
            continue;
        const fs::path path = entry.second.Scalar();
        if (path.is_absolute() || fromDir.empty())
            return text;
        std::error_code ec;
        const fs::path absolute = fs::weakly_canonical(fs::path(fromDir) / path, ec);
        fs::path target = toDir.empty() ? absolute : absolute.lexically_relative(fs::weakly_canonical(toDir, ec));
        if (target.empty())
            target = absolute;
        // Replace the value where it is written, keeping every other byte.
        std::size_t offset = 0;
        for (int line = 0; line < entry.second.Mark().line; ++line)
            offset = text.find('\n', offset) + 1;
        offset += static_cast<std::size_t>(entry.second.Mark().column);
        std::size_t end = text.find_first_of("\n#", offset);
        if (end == std::string::npos)
            end = text.size();
        while (end > offset && (text[end - 1] == ' ' || text[end - 1] == '\t'))
            --end;
        return text.substr(0, offset) + target.string() + text.substr(end);
    }
    return text;
}

Sweep parseSweepYaml(const std::string& text, const std::string& sourceName, const std::string& baseDir)
{
    try {
        Sweep sweep = parseRoot(text, baseDir);
        if (sweep.name.empty())
            sweep.name = sourceName.empty() ? "sweep" : fs::path(sourceName).stem().string();
        return sweep;
    } catch (const ConfigError& e) {
        if (sourceName.empty() || !e.source().empty())
            throw;
        throw e.inSource(sourceName);
    }
}

Sweep loadSweepFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError("", 0, 0, message("config.cannot_open_sweep"), path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parseSweepYaml(buffer.str(), path, fs::path(path).parent_path().string());
}

} // namespace traveller
