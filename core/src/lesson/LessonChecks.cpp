// A lesson's steps checked as a whole (Lesson.h): their reference checks,
// and that each step shows what it needs. A step needs the tab of each run it
// trains (language_model, translate) or opens (runs), the lens tab for its
// Lens, the language_model tab and the samples for its sample, and every
// control it names in `needs:`; hiding or locking one of those is the
// mistake a teacher would find only in front of the class.
#include "LessonChecks.h"

#include "io/YamlWalk.h"
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/cells/Cells.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace traveller::lesson {

using yaml::columnOf;
using yaml::lineOf;

namespace {

[[noreturn]] void fail(const std::string& key, const YAML::Node& at, const Message& m)
{
    throw ConfigError(key, lineOf(at), columnOf(at), m);
}

// `node[field]` when the step has it, else the step itself (a missing key has no position).
YAML::Node where(const YAML::Node& node, const char* field)
{
    return node[field] ? node[field] : node;
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const std::string& s : items)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

bool contains(const std::vector<std::string>& list, const std::string& item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

double number(const YAML::Node& node, const std::string& key)
{
    if (!node.IsScalar())
        fail(key, node, message("lab.expected_number"));
    const std::string t = node.Scalar();
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end || !std::isfinite(v))
        fail(key, node, message("config.number", {t}));
    return v;
}

LessonCheck parseCheck(const YAML::Node& item, const std::string& key)
{
    if (!item.IsMap())
        fail(key, item, message("lesson.expected_check"));
    LessonCheck c;
    bool haveValue = false;
    yaml::forEachEntry(item, key, {"run", "metric", "value", "tolerance", "sentence"},
                       [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
                           const std::string k = key + "." + name;
                           if ((name == "run" || name == "metric" || name == "sentence") && !v.IsScalar())
                               fail(k, v, message("config.single_value"));
                           if (name == "run") {
                               c.run = v.Scalar();
                           } else if (name == "metric") {
                               c.check.metric = v.Scalar();
                               static const std::vector<std::string> known{"perplexity", "heldout_perplexity",
                                                                           "loss", "bleu", "heldout_bleu"};
                               if (!contains(known, c.check.metric))
                                   fail(k, v, message("lab.unknown_metric", {c.check.metric}));
                           } else if (name == "value") {
                               c.check.value = number(v, k);
                               haveValue = true;
                           } else if (name == "tolerance") {
                               c.check.tolerance = number(v, k);
                               if (c.check.tolerance < 0)
                                   fail(k, v, message("lab.not_negative"));
                           } else {
                               c.check.sentence = v.Scalar();
                           }
                       });
    for (const char* required : {"run", "metric"})
        if (!item[required])
            fail(key, item, message("lesson.missing", {required}));
    if (!haveValue)
        fail(key, item, message("lesson.missing", {"value"}));
    if (!c.check.sentence.empty() && c.check.metric != "bleu")
        fail(key + ".sentence", where(item, "sentence"), message("lab.sentence_not_bleu"));
    return c;
}

// The node of `name` in a list (or the scalar itself) under `step[field]`.
YAML::Node entryNode(const YAML::Node& step, const std::string& field, const std::string& name)
{
    const YAML::Node list = where(step, field.c_str());
    if (list.IsScalar())
        return list;
    if (list.IsMap()) {
        for (auto it = list.begin(); it != list.end(); ++it)
            if (it->first.IsScalar() && it->first.Scalar() == name) {
                const YAML::Node k = it->first;
                return k;
            }
        return list;
    }
    for (std::size_t i = 0; i < list.size(); ++i)
        if (list[i].IsScalar() && list[i].Scalar() == name)
            return list[i];
    return list;
}

struct Need {
    std::string what;  // a tab id or an objectName
    std::string why;   // "run LSTM", "lens", "needs"
};

void checkTabs(const LessonStep& step, const YAML::Node& node, const std::string& key)
{
    for (std::size_t i = 0; i < step.tabs.size(); ++i)
        if (!contains(lessonTabs(), step.tabs[i]))
            fail(key + ".tabs", entryNode(node, "tabs", step.tabs[i]),
                 message("lesson.unknown_tab", {step.tabs[i], joined(lessonTabs())}));
    if (!step.open.empty() && !contains(step.shownTabs(), step.open))
        fail(key + ".open", where(node, "open"), message("lesson.open_hidden", {step.open}));
}

std::vector<Need> neededTabs(const LessonStep& step)
{
    std::vector<Need> out;
    for (const LessonRun& r : step.runs) {
        if (!r.open.empty())
            out.push_back({"runs", r.label});
        else
            out.push_back({r.kind == PresetKind::Translation ? "translate" : "language_model", r.label});
    }
    if (step.lens)
        out.push_back({"lens", "lens"});
    if (step.sample)
        out.push_back({"language_model", "sample"});
    for (const FixedSetting& s : step.set)
        out.push_back({s.translation ? "translate" : "language_model", s.key});
    return out;
}

void checkLens(const Lesson& lesson, const LessonStep& step, const YAML::Node& node, const std::string& key)
{
    if (!step.lens)
        return;
    const LessonRun* run = lesson.run(step.lens->run);
    if (!run || run->kind != PresetKind::Experiment)
        fail(key + ".lens.run", where(node["lens"], "run"), message("lesson.unknown_run", {step.lens->run}));
    if (run->preset.empty())
        return;  // a library run's cell is known when it is opened
    ExperimentConfig config = loadExperimentFile(run->path);
    for (const auto& [k, v] : run->set)
        setConfigValue(config, k, v);
    const CellInfo& cell = config.model.arch.info();
    std::vector<std::string> values = cell.inspected;
    values.insert(values.begin(), "h");
    if (!contains(values, step.lens->value))
        fail(key + ".lens.value", where(node["lens"], "value"),
             message("lesson.lens_value", {step.lens->value, cell.name, joined(values)}));
}

} // namespace

std::vector<LessonCheck> parseLessonChecks(const YAML::Node& node, const std::string& key)
{
    if (!node.IsSequence())
        fail(key, node, message("lesson.expected_list", {"checks"}));
    std::vector<LessonCheck> out;
    for (std::size_t i = 0; i < node.size(); ++i)
        out.push_back(parseCheck(node[i], key + "[" + std::to_string(i) + "]"));
    return out;
}

void checkLessonStep(const Lesson& lesson, const LessonStep& step, const YAML::Node& node, const std::string& key)
{
    checkTabs(step, node, key);
    for (const LessonRun& r : step.runs)
        if (lesson.run(r.label) != &r)
            fail(key + ".runs", where(node, "runs"), message("lesson.duplicate_run", {r.label}));
    const std::vector<std::string> shown = step.shownTabs();
    for (const Need& n : neededTabs(step))
        if (!contains(shown, n.what))
            fail(key + ".tabs", where(node, "tabs"), message("lesson.tab_needed", {n.what, n.why}));
    for (const std::string& control : step.needs) {
        if (step.hides(control))
            fail(key + ".hide", entryNode(node, "hide", control), message("lesson.hides_needed", {control}));
        for (const LockedControl& l : step.lock)
            if (l.control == control)
                fail(key + ".lock", entryNode(node, "lock", control), message("lesson.locks_needed", {control}));
    }
    checkLens(lesson, step, node, key);
    for (std::size_t i = 0; i < step.checks.size(); ++i)
        if (!lesson.run(step.checks[i].run))
            fail(key + ".checks[" + std::to_string(i) + "].run", where(node["checks"][i], "run"),
                 message("lesson.unknown_run", {step.checks[i].run}));
}

} // namespace traveller::lesson
