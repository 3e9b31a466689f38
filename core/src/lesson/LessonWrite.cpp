// A lesson written as a file (File → Save as lesson…): the same keys
// loadLesson reads (docs/LESSONS.md), so what is saved reads back as it was;
// and the window's runs and settings as a lesson's runs and fixed settings.
#include "traveller/core/lesson/Lesson.h"

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Presets.h"

#include <yaml-cpp/yaml.h>

#include <limits>

namespace traveller::lesson {

namespace {

void text(YAML::Emitter& out, const char* key, const LessonText& t)
{
    if (t.empty())
        return;
    out << YAML::Key << key;
    if (t.en == t.zhCN) {
        out << YAML::Value << t.en;
        return;
    }
    out << YAML::Value << YAML::BeginMap;
    if (!t.en.empty())
        out << YAML::Key << "en" << YAML::Value << t.en;
    if (!t.zhCN.empty())
        out << YAML::Key << "zh_CN" << YAML::Value << t.zhCN;
    out << YAML::EndMap;
}

// A setting's YAML text as a value: a number or a word as it is, a list or
// mapping (a schedule) parsed so that it stays one.
void value(YAML::Emitter& out, const std::string& yamlText)
{
    try {
        const YAML::Node node = YAML::Load(yamlText);
        if (node.IsSequence() || node.IsMap()) {
            out << YAML::Flow << node;
            return;
        }
    } catch (const YAML::Exception&) {
        // plain text: written as a string below
    }
    out << yamlText;
}

void names(YAML::Emitter& out, const char* key, const std::vector<std::string>& list)
{
    if (list.empty())
        return;
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& n : list)
        out << n;
    out << YAML::EndSeq;
}

void runs(YAML::Emitter& out, const std::vector<LessonRun>& list)
{
    if (list.empty())
        return;
    out << YAML::Key << "runs" << YAML::Value << YAML::BeginSeq;
    for (const LessonRun& r : list) {
        out << YAML::BeginMap << YAML::Key << "label" << YAML::Value << r.label;
        if (!r.open.empty())
            out << YAML::Key << "open" << YAML::Value << r.open;
        else
            out << YAML::Key << "preset" << YAML::Value << r.preset;
        if (!r.set.empty()) {
            out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
            for (const auto& [k, v] : r.set) {
                out << YAML::Key << k << YAML::Value;
                value(out, v);
            }
            out << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void extras(YAML::Emitter& out, const LessonStep& s)
{
    if (s.lens) {
        out << YAML::Key << "lens" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "run"
            << YAML::Value << s.lens->run << YAML::Key << "text" << YAML::Value << s.lens->text << YAML::Key << "value"
            << YAML::Value << s.lens->value << YAML::Key << "unit" << YAML::Value << s.lens->unit << YAML::EndMap;
    }
    if (s.sample) {
        out << YAML::Key << "sample" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "prefix"
            << YAML::Value << s.sample->prefix << YAML::Key << "length" << YAML::Value << s.sample->length << YAML::Key
            << "temperature" << YAML::Value << s.sample->temperature << YAML::EndMap;
    }
    if (s.checks.empty())
        return;
    out << YAML::Key << "checks" << YAML::Value << YAML::BeginSeq;
    for (const LessonCheck& c : s.checks) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "run" << YAML::Value << c.run << YAML::Key << "metric"
            << YAML::Value << c.check.metric << YAML::Key << "value" << YAML::Value << c.check.value << YAML::Key
            << "tolerance" << YAML::Value << c.check.tolerance;
        if (!c.check.sentence.empty())
            out << YAML::Key << "sentence" << YAML::Value << c.check.sentence;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void step(YAML::Emitter& out, const LessonStep& s)
{
    out << YAML::BeginMap;
    text(out, "title", s.title);
    text(out, "text", s.text);
    text(out, "question", s.question);
    names(out, "tabs", s.tabs);
    if (!s.open.empty())
        out << YAML::Key << "open" << YAML::Value << s.open;
    names(out, "hide", s.hide);
    if (!s.lock.empty()) {
        out << YAML::Key << "lock" << YAML::Value << YAML::BeginMap;
        for (const LockedControl& l : s.lock)
            text(out, l.control.c_str(), l.why.empty() ? LessonText{"Fixed for this lesson.", "本课中固定。"} : l.why);
        out << YAML::EndMap;
    }
    names(out, "needs", s.needs);
    if (!s.set.empty()) {
        out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
        for (const FixedSetting& f : s.set) {
            out << YAML::Key << f.key << YAML::Value;
            value(out, f.value);
        }
        out << YAML::EndMap;
    }
    runs(out, s.runs);
    extras(out, s);
    out << YAML::EndMap;
}

} // namespace

std::string lessonYaml(const Lesson& lesson)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    text(out, "title", lesson.title);
    text(out, "summary", lesson.summary);
    if (!lesson.book.empty()) {
        out << YAML::Key << "book" << YAML::Value << YAML::BeginSeq;
        for (const BookSection& b : lesson.book) {
            out << YAML::BeginMap << YAML::Key << "d2l" << YAML::Value << b.d2l << YAML::Key << "d2l_zh" << YAML::Value
                << b.d2lZh;
            text(out, "title", b.title);
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    if (lesson.presentation)
        out << YAML::Key << "presentation" << YAML::Value << true;
    out << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
    for (const LessonStep& s : lesson.steps)
        step(out, s);
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

std::vector<FixedSetting> settingsApart(const ExperimentConfig& config, const ExperimentConfig& from)
{
    std::vector<FixedSetting> out;
    for (const ConfigKeyInfo& k : configSchema()) {
        if (k.key == "name" || k.key == "train.device" || k.key == "train.threads")
            continue;  // the window names the run; where it trains is the student's machine's
        const std::string v = configValue(config, k.key);
        if (v != configValue(from, k.key))
            out.push_back({k.key, v, false});
    }
    return out;
}

LessonRun lessonRunFor(const ExperimentConfig& config, const std::string& label)
{
    LessonRun best;
    std::size_t fewest = std::numeric_limits<std::size_t>::max();
    for (const Preset& p : presetsOf(PresetKind::Experiment)) {
        ExperimentConfig preset;
        try {
            preset = loadExperimentFile(p.path);
        } catch (const std::exception&) {
            continue;
        }
        const std::vector<FixedSetting> apart = settingsApart(config, preset);
        if (apart.size() >= fewest)
            continue;
        fewest = apart.size();
        best = LessonRun{};
        best.preset = p.name;
        best.path = p.path;
        for (const FixedSetting& f : apart)
            best.set.emplace_back(f.key, f.value);
    }
    best.label = label;
    return best;
}

} // namespace traveller::lesson
