// The machinery behind the YAML schemas (experiments, translations): one
// Field per dotted key knows how to read its YAML text into a config, check
// it, and write it back. Errors are ConfigError with the key and position.
// Internal to the core.
#pragma once

#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"  // ConfigKeyInfo
#include "io/YamlWalk.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace traveller::config {

[[noreturn]] inline void fail(const std::string& key, int line, int column, const std::string& what)
{
    throw ConfigError(key, line, column, what);
}

[[noreturn]] inline void fail(const std::string& key, int line, int column, const Message& what)
{
    throw ConfigError(key, line, column, what);
}

inline long long parseInt(const std::string& text, const std::string& key, int line, int column, long long lo,
                          long long hi)
{
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || end == text.c_str() || *end != '\0' || errno == ERANGE)
        fail(key, line, column, message("config.integer", {text}));
    if (value < lo || value > hi)
        fail(key, line, column, message("config.int_range", {std::to_string(lo), std::to_string(hi), text}));
    return value;
}

inline double parseFloat(const std::string& text, const std::string& key, int line, int column, double lo,
                         double hi, bool loInclusive)
{
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end == text.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
        fail(key, line, column, message("config.number", {text}));
    if (value < lo || (!loInclusive && value == lo) || value > hi) {
        std::ostringstream low, high;
        low << lo;
        high << hi;
        if (hi < std::numeric_limits<double>::max())
            fail(key, line, column,
                 message(loInclusive ? "config.at_least_at_most" : "config.greater_than_at_most",
                         {low.str(), high.str(), text}));
        fail(key, line, column, message(loInclusive ? "config.at_least" : "config.greater_than", {low.str(), text}));
    }
    return value;
}

inline std::string formatFloat(double value)
{
    std::ostringstream out;
    out.precision(10);
    out << value;
    return out.str();
}

template <typename Config>
struct Field {
    ConfigKeyInfo info;
    // (config, YAML text, dotted key, line, column): parses, checks, stores.
    std::function<void(Config&, const std::string&, const std::string&, int, int)> set;
    std::function<std::string(const Config&)> get;
};

// Builders of the fields of one config type; `ref` selects the member.
template <typename Config>
struct Fields {
    template <typename T>
    using Ref = std::function<T&(Config&)>;

    template <typename T>
    static const T& cref(const Ref<T>& ref, const Config& cfg)
    {
        return ref(const_cast<Config&>(cfg));
    }

    template <typename Int>
    static Field<Config> intField(std::string key, Ref<Int> ref, long long lo, long long hi, std::string help)
    {
        const Config defaults{};
        return {{std::move(key), "int", std::to_string(cref(ref, defaults)), std::move(help), static_cast<double>(lo),
                 static_cast<double>(hi), false},
                [ref, lo, hi](Config& c, const std::string& t, const std::string& k, int l, int col) {
                    ref(c) = static_cast<Int>(parseInt(t, k, l, col, lo, hi));
                },
                [ref](const Config& c) { return std::to_string(cref(ref, c)); }};
    }

    static Field<Config> floatField(std::string key, Ref<double> ref, double lo, bool loInclusive, double hi,
                                    std::string help)
    {
        const Config defaults{};
        return {{std::move(key), "float", formatFloat(cref(ref, defaults)), std::move(help), lo, hi, !loInclusive},
                [ref, lo, hi, loInclusive](Config& c, const std::string& t, const std::string& k, int l, int col) {
                    ref(c) = parseFloat(t, k, l, col, lo, hi, loInclusive);
                },
                [ref](const Config& c) { return formatFloat(cref(ref, c)); }};
    }

    static Field<Config> stringField(std::string key, Ref<std::string> ref, bool allowEmpty, std::string help)
    {
        const Config defaults{};
        const std::string def = cref(ref, defaults);
        return {{std::move(key), "string", def.empty() ? "\"\"" : def, std::move(help)},
                [ref, allowEmpty](Config& c, const std::string& t, const std::string& k, int l, int col) {
                    if (!allowEmpty && t.empty())
                        fail(k, l, col, message("config.not_empty"));
                    ref(c) = t;
                },
                [ref](const Config& c) { return cref(ref, c); }};
    }

    static Field<Config> boolField(std::string key, Ref<bool> ref, std::string help)
    {
        const Config defaults{};
        return {{std::move(key), "true|false", cref(ref, defaults) ? "true" : "false", std::move(help)},
                [ref](Config& c, const std::string& t, const std::string& k, int l, int col) {
                    if (t == "true")
                        ref(c) = true;
                    else if (t == "false")
                        ref(c) = false;
                    else
                        fail(k, l, col, message("config.boolean", {t}));
                },
                [ref](const Config& c) { return std::string(cref(ref, c) ? "true" : "false"); }};
    }

    template <typename Enum>
    static Field<Config> enumField(std::string key, std::vector<std::pair<const char*, Enum>> choices, Ref<Enum> ref,
                                   std::string help)
    {
        std::string type, def;
        const Config defaults{};
        for (const auto& [name, value] : choices) {
            type += (type.empty() ? "" : "|") + std::string(name);
            if (value == cref(ref, defaults))
                def = name;
        }
        return {{std::move(key), type, def, std::move(help)},
                [choices, ref, type](Config& c, const std::string& t, const std::string& k, int l, int col) {
                    for (const auto& [name, value] : choices)
                        if (t == name) {
                            ref(c) = value;
                            return;
                        }
                    fail(k, l, col, message("config.one_of", {type, t}));
                },
                [choices, ref](const Config& c) {
                    for (const auto& [name, value] : choices)
                        if (value == cref(ref, c))
                            return std::string(name);
                    return std::string();
                }};
    }
};

// The registry's cells as enumField choices: "rnn" -> Arch{"rnn"}, ...
inline std::vector<std::pair<const char*, Arch>> cellChoices()
{
    std::vector<std::pair<const char*, Arch>> choices;
    for (const CellInfo& c : cellCatalogue())
        choices.emplace_back(c.key.c_str(), Arch{c.key});
    return choices;
}

template <typename Config>
const Field<Config>* findField(const std::vector<Field<Config>>& fields, const std::string& key)
{
    for (const auto& f : fields)
        if (f.info.key == key)
            return &f;
    return nullptr;
}

// Every field's current value through its own setter, on a copy: a config
// built in code (the window's forms, the lab, lessons, imports) is held to
// the ranges and choices YAML and --set are held to, by the same rule.
template <typename Config>
void checkFields(const std::vector<Field<Config>>& fields, const Config& config)
{
    Config scratch = config;
    for (const auto& f : fields)
        f.set(scratch, f.get(config), f.info.key, 0, 0);
}

// "arch, impl, hidden" for prefix "model"; the top-level names for "".
template <typename Config>
std::string knownKeysUnder(const std::vector<Field<Config>>& fields, const std::string& prefix)
{
    std::string out;
    for (const auto& f : fields) {
        const std::string& k = f.info.key;
        if (!prefix.empty() && k.rfind(prefix + ".", 0) != 0)
            continue;
        const std::string rest = prefix.empty() ? k : k.substr(prefix.size() + 1);
        const std::string shown = rest.substr(0, rest.find('.'));
        if ((", " + out + ",").find(", " + shown + ",") == std::string::npos)
            out += (out.empty() ? "" : ", ") + shown;
    }
    return out;
}

template <typename Config>
bool isSection(const std::vector<Field<Config>>& fields, const std::string& key)
{
    for (const auto& f : fields)
        if (f.info.key.rfind(key + ".", 0) == 0)
            return true;
    return false;
}

// `--set key=value` and the GUI's fields: unknown keys list the known ones;
// YAML-quoted text ("the time") is accepted as in a file.
template <typename Config>
void setValue(const std::vector<Field<Config>>& fields, Config& config, const std::string& key,
              const std::string& valueText, int line, int column)
{
    const Field<Config>* field = findField(fields, key);
    if (!field) {
        std::string all;
        for (const auto& f : fields)
            all += (all.empty() ? "" : ", ") + f.info.key;
        fail(key, line, column, message("config.unknown_key_known", {all}));
    }
    std::string text = valueText;
    if (text.size() >= 2 && ((text.front() == '"' && text.back() == '"') || (text.front() == '\'' && text.back() == '\'')))
        text = text.substr(1, text.size() - 2);
    field->set(config, text, key, line, column);
}

template <typename Config>
std::string value(const std::vector<Field<Config>>& fields, const Config& config, const std::string& key)
{
    const Field<Config>* field = findField(fields, key);
    if (!field)
        throw ConfigError(key, 0, 0, message("config.unknown_key"));
    return field->get(config);
}

// The one walk of an experiment-like YAML mapping into a config through its
// fields (experiments, translations): sections recursed into (an empty one
// keeps its defaults), each scalar handed to its field, the keys checked by
// yaml::forEachEntry. A preset's top-level `reference:` is the lab's (Lab.h)
// and skipped; `special(cfg, key, value)` takes the keys that are not
// fields (a translation's task and eval.pairs) and says whether it did.
template <typename Config, typename Special>
void walk(const std::vector<Field<Config>>& fields, Config& cfg, const YAML::Node& node, const std::string& prefix,
          const Special& special)
{
    yaml::forEachEntry(node, prefix, {}, [&](const std::string& name, const YAML::Node& keyNode, const YAML::Node& value) {
        const std::string key = yaml::dotted(prefix, name);
        if ((prefix.empty() && name == "reference") || special(cfg, key, value))
            return;
        const int line = yaml::lineOf(keyNode);
        const int column = yaml::columnOf(keyNode);
        if (isSection(fields, key)) {
            if (value.IsNull())
                return;
            if (!value.IsMap())
                fail(key, line, column, message("config.expected_mapping", {knownKeysUnder(fields, key)}));
            walk(fields, cfg, value, key, special);
            return;
        }
        const Field<Config>* field = findField(fields, key);
        if (!field)
            fail(key, line, column, message("config.unknown_key_expected", {knownKeysUnder(fields, prefix)}));
        if (!value.IsScalar())
            fail(key, yaml::lineOf(value), yaml::columnOf(value), message("config.single_value_of", {field->info.type}));
        field->set(cfg, value.Scalar(), key, yaml::lineOf(value), yaml::columnOf(value));
    });
}

inline std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError("", 0, 0, message("config.cannot_open_experiment"), path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Parses with `parse`, attributing any ConfigError to sourceName (a file path).
template <typename Parse>
auto parseAttributed(const Parse& parse, const std::string& text, const std::string& sourceName)
{
    try {
        return parse(text);
    } catch (const ConfigError& e) {
        if (sourceName.empty())
            throw;
        throw e.inSource(sourceName);
    }
}

// Writes the dotted keys as nested sections; leaves the last section open so
// the caller can add to it, and returns whether one was opened.
template <typename Config>
bool emitSections(YAML::Emitter& out, const std::vector<Field<Config>>& fields, const Config& config,
                  const std::function<void(YAML::Emitter&, const std::string& section)>& closing = {})
{
    std::string section;
    for (const auto& f : fields) {
        const std::string& key = f.info.key;
        const auto dot = key.find('.');
        if (dot == std::string::npos)
            continue;
        const std::string sec = key.substr(0, dot);
        if (sec != section) {
            if (!section.empty() && closing)
                closing(out, section);  // keys of the section that are not fields (a list)
            if (!section.empty())
                out << YAML::EndMap;
            out << YAML::Key << sec << YAML::Value << YAML::BeginMap;
            section = sec;
        }
        out << YAML::Key << key.substr(dot + 1) << YAML::Value;
        if (f.info.type == "string")
            out << YAML::DoubleQuoted << f.get(config);
        else
            out << f.get(config);
    }
    if (!section.empty() && closing)
        closing(out, section);
    return !section.empty();
}

} // namespace traveller::config
