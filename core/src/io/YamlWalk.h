// One way to walk the mappings of every YAML file Traveller reads
// (experiments, translations, sweeps, the lab's references): positions are
// 1-based, a key must be a plain name and appear once, a name the mapping
// does not know lists the ones it does. Each parser says what a key means;
// this says which keys there are. Internal to the core.
#pragma once

#include "traveller/core/Errors.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace traveller::yaml {

inline int lineOf(const YAML::Node& node) { return node.Mark().line + 1; }
inline int columnOf(const YAML::Node& node) { return node.Mark().column + 1; }

// `prefix.name`, or `name` at the top.
inline std::string dotted(const std::string& prefix, const std::string& name)
{
    return prefix.empty() ? name : prefix + "." + name;
}

// Visits each entry of `mapping` in order as visit(name, keyNode, valueNode).
// Refused, as a ConfigError at the key: a key that is not a plain name, a
// name given twice (YAML keeps both of `{epochs: 1, epochs: 2}`; which one
// counts is no one's guess to make) and, when `known` is not empty, a name
// not in it. `prefix` is the dotted path of the mapping, for the messages.
template <typename Visit>
void forEachEntry(const YAML::Node& mapping, const std::string& prefix, const std::vector<std::string>& known,
                  const Visit& visit)
{
    std::set<std::string> seen;
    // yaml-cpp's iterator hands out a temporary pair: the nodes are copied
    // (cheap handles), never bound by reference to the dying temporary.
    for (auto it = mapping.begin(); it != mapping.end(); ++it) {
        const YAML::Node keyNode = it->first;
        const YAML::Node value = it->second;
        if (!keyNode.IsScalar())
            throw ConfigError(prefix, lineOf(keyNode), columnOf(keyNode), message("config.plain_key"));
        const std::string name = keyNode.Scalar();
        const std::string key = dotted(prefix, name);
        if (!seen.insert(name).second)
            throw ConfigError(key, lineOf(keyNode), columnOf(keyNode), message("config.duplicate_key"));
        if (!known.empty() && std::find(known.begin(), known.end(), name) == known.end()) {
            std::string list;
            for (const std::string& k : known)
                list += (list.empty() ? "" : ", ") + k;
            throw ConfigError(key, lineOf(keyNode), columnOf(keyNode), message("config.unknown_key_expected", {list}));
        }
        visit(name, keyNode, value);
    }
}

} // namespace traveller::yaml
