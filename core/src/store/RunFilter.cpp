#include "traveller/core/store/RunFilter.h"

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Messages.h"
#include "traveller/core/store/RunRules.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

namespace traveller {

namespace {

// The run's own fields a filter can name, beside the settings.
const std::vector<std::string>& runFields()
{
    static const std::vector<std::string> fields{"id", "status", "sweep", "name", "label", "epochs", "perplexity"};
    return fields;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool contains(const std::string& haystack, const std::string& needle)
{
    return lower(haystack).find(lower(needle)) != std::string::npos;
}

// A key as written ("lr", "cell", "train.lr") to a schema key or a run field.
std::string resolveKey(const std::string& written)
{
    if (written == "cell" || written == "arch")
        return "model.arch";
    if (std::find(runFields().begin(), runFields().end(), written) != runFields().end())
        return written;
    std::vector<std::string> byLastPart;
    for (const auto& k : configSchema()) {
        if (k.key == written)
            return written;
        if (k.key.substr(k.key.rfind('.') + 1) == written)
            byLastPart.push_back(k.key);
    }
    if (byLastPart.size() == 1)
        return byLastPart.front();
    std::vector<std::string> names{"cell"};
    names.insert(names.end(), runFields().begin(), runFields().end());
    for (const auto& k : configSchema())
        names.push_back(k.key.substr(k.key.rfind('.') + 1));
    std::string known;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) == names.begin() + static_cast<std::ptrdiff_t>(i))
            known += (known.empty() ? "" : ", ") + names[i];
    throw Error(message("filter.unknown_key", {written, known}));
}

bool number(const std::string& text, double* out)
{
    if (text.empty())
        return false;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (*end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

std::string fieldValue(const StoredRun& run, const std::string& key)
{
    if (key == "id")
        return std::to_string(run.id);
    if (key == "status")
        return toString(run.state);
    if (key == "sweep")
        return run.sweep;
    if (key == "name")
        return run.name;
    if (key == "label")
        return run.label;
    if (key == "epochs")
        return std::to_string(run.epochsDone);
    if (key == "perplexity") {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", run.perplexity);
        return std::isfinite(run.perplexity) ? buf : "";
    }
    if (run.isTranslation())
        return "";
    try {
        return configValue(run.config(), key);
    } catch (const ConfigError&) {
        return "";
    }
}

bool compare(const std::string& left, const std::string& op, const std::string& right)
{
    double a = 0, b = 0;
    if (number(left, &a) && number(right, &b)) {
        if (op == "=")
            return a == b;
        if (op == "!=")
            return a != b;
        if (op == "<")
            return a < b;
        if (op == "<=")
            return a <= b;
        if (op == ">")
            return a > b;
        return a >= b;
    }
    if (op == "=")
        return lower(left) == lower(right);
    if (op == "!=")
        return lower(left) != lower(right);
    if (left.empty())
        return false;  // a run without the value is neither above nor below
    const int c = lower(left).compare(lower(right));
    return op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
}

} // namespace

RunFilter parseRunFilter(const std::string& text)
{
    RunFilter filter;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        if (i >= text.size())
            break;
        std::size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])))
            ++j;
        const std::string word = text.substr(i, j - i);
        i = j;
        RunFilterTerm term;
        if (word.size() > 1 && word[0] == '#') {
            term.kind = RunFilterTerm::Kind::Tag;
            term.value = word.substr(1);
        } else if (word.rfind("family:", 0) == 0) {
            term.kind = RunFilterTerm::Kind::Family;
            term.value = word.substr(7);
            double id = 0;
            if (!number(term.value, &id) || id < 1 || id != std::floor(id))
                throw Error(message("filter.empty_value", {word}));
        } else if (word.rfind("tag:", 0) == 0 || word.rfind("note:", 0) == 0) {
            const bool tag = word[0] == 't';
            term.kind = tag ? RunFilterTerm::Kind::Tag : RunFilterTerm::Kind::Note;
            term.value = word.substr(tag ? 4 : 5);
            if (term.value.empty())
                throw Error(message("filter.empty_value", {word}));
        } else if (const auto at = word.find_first_of("=<>!"); at != std::string::npos && at > 0) {
            std::size_t opEnd = at + 1;
            if (opEnd < word.size() && word[opEnd] == '=' && word[at] != '=')
                ++opEnd;
            term.kind = RunFilterTerm::Kind::Compare;
            term.op = word.substr(at, opEnd - at);
            if (term.op == "!")
                throw Error(message("filter.empty_value", {word}));
            term.key = resolveKey(word.substr(0, at));
            term.value = word.substr(opEnd);
            if (term.value.empty())
                throw Error(message("filter.empty_value", {word}));
        } else {
            term.value = word;
        }
        filter.terms.push_back(std::move(term));
    }
    return filter;
}

bool matches(const RunFilter& filter, const StoredRun& run)
{
    for (const RunFilterTerm& t : filter.terms) {
        switch (t.kind) {
        case RunFilterTerm::Kind::Tag:
            if (std::none_of(run.tags.begin(), run.tags.end(), [&](const std::string& tag) { return lower(tag) == lower(t.value); }))
                return false;
            break;
        case RunFilterTerm::Kind::Note:
            if (!contains(run.note, t.value))
                return false;
            break;
        case RunFilterTerm::Kind::Compare:
            if (!compare(fieldValue(run, t.key), t.op, t.value))
                return false;
            break;
        case RunFilterTerm::Kind::Family:
            break;  // filterRuns: it needs the other runs
        case RunFilterTerm::Kind::Text: {
            bool found = contains(run.name, t.value) || contains(run.label, t.value) || contains(run.sweep, t.value) ||
                         contains(run.note, t.value) || contains(toString(run.state), t.value) ||
                         contains(stateLabel(run.state, run.blewUpAt), t.value) ||
                         std::to_string(run.id) == t.value;
            for (const auto& tag : run.tags)
                found = found || contains(tag, t.value);
            if (!found)
                return false;
            break;
        }
        }
    }
    return true;
}

std::vector<std::int64_t> familyOf(std::int64_t id, const std::vector<StoredRun>& runs)
{
    std::map<std::int64_t, const StoredRun*> byId;
    for (const StoredRun& r : runs)
        byId[r.id] = &r;
    // Up to the root that is still there (a cycle cannot be written; it is cut).
    std::int64_t root = id;
    for (std::size_t steps = 0; steps < runs.size(); ++steps) {
        const auto found = byId.find(root);
        if (found == byId.end() || found->second->parentId <= 0 || !byId.count(found->second->parentId))
            break;
        root = found->second->parentId;
    }
    // Down: every run whose chain of parents reaches the root.
    std::vector<std::int64_t> out;
    for (const StoredRun& r : runs) {
        std::int64_t at = r.id;
        for (std::size_t steps = 0; steps <= runs.size() && at > 0; ++steps) {
            if (at == root) {
                out.push_back(r.id);
                break;
            }
            const auto found = byId.find(at);
            at = found == byId.end() ? 0 : found->second->parentId;
        }
    }
    return out;
}

std::vector<StoredRun> filterRuns(const RunFilter& filter, const std::vector<StoredRun>& runs)
{
    std::vector<std::vector<std::int64_t>> families;
    for (const RunFilterTerm& t : filter.terms)
        if (t.kind == RunFilterTerm::Kind::Family)
            families.push_back(familyOf(std::stoll(t.value), runs));
    std::vector<StoredRun> out;
    for (const StoredRun& r : runs) {
        bool in = matches(filter, r);
        for (const auto& family : families)
            in = in && std::find(family.begin(), family.end(), r.id) != family.end();
        if (in)
            out.push_back(r);
    }
    return out;
}

} // namespace traveller
