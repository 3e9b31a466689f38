// Reading a lesson file (Lesson.h; the schema in docs/LESSONS.md) with the
// project's one YAML walker: every mapping's keys by forEachEntry, every
// error a ConfigError at its key's line and column, attributed to the file.
#include "traveller/core/lesson/Lesson.h"
#include "traveller/core/io/SafeFile.h"

#include "LessonChecks.h"
#include "io/YamlWalk.h"
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/cells/Cells.h"
#include "traveller/core/s2s/Translation.h"
#include "traveller/core/store/RunStore.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#ifndef TRAVELLER_SOURCE_LESSON_DIR
#define TRAVELLER_SOURCE_LESSON_DIR ""
#endif

namespace fs = std::filesystem;

namespace traveller::lesson {

namespace {
constexpr std::uint64_t kMaxLessonBytes = 8ULL << 20;
} // namespace

using yaml::columnOf;
using yaml::lineOf;

const std::string& LessonText::of(const std::string& lang) const
{
    if (lang.rfind("zh", 0) == 0 && !zhCN.empty())
        return zhCN;
    return en.empty() ? zhCN : en;
}

const std::vector<std::string>& lessonTabs()
{
    static const std::vector<std::string> tabs{"language_model", "translate", "sweeps", "runs", "lens", "lab"};
    return tabs;
}

std::vector<std::string> LessonStep::shownTabs() const { return tabs.empty() ? lessonTabs() : tabs; }

bool LessonStep::hides(const std::string& control) const
{
    return std::find(hide.begin(), hide.end(), control) != hide.end();
}

const LessonRun* Lesson::run(const std::string& label) const
{
    for (const LessonStep& s : steps)
        for (const LessonRun& r : s.runs)
            if (r.label == label)
                return &r;
    return nullptr;
}

namespace {

[[noreturn]] void fail(const std::string& key, const YAML::Node& at, const Message& m)
{
    throw ConfigError(key, lineOf(at), columnOf(at), m);
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const std::string& s : items)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::string scalar(const YAML::Node& node, const std::string& key)
{
    if (!node.IsScalar())
        fail(key, node, message("config.single_value"));
    return node.Scalar();
}

// A plain text (both languages) or {en: ..., zh_CN: ...}.
LessonText text(const YAML::Node& node, const std::string& key)
{
    LessonText out;
    if (node.IsScalar()) {
        out.en = out.zhCN = node.Scalar();
    } else if (node.IsMap()) {
        yaml::forEachEntry(node, key, {"en", "zh_CN"}, [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
            (name == "en" ? out.en : out.zhCN) = scalar(v, key + "." + name);
        });
    } else {
        fail(key, node, message("lesson.expected_text"));
    }
    if (out.empty())
        fail(key, node, message("config.not_empty"));
    return out;
}

std::vector<std::string> names(const YAML::Node& node, const std::string& key)
{
    if (node.IsScalar())
        return {node.Scalar()};
    if (!node.IsSequence())
        fail(key, node, message("lesson.expected_list", {"names"}));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < node.size(); ++i)
        out.push_back(scalar(node[i], key + "[" + std::to_string(i) + "]"));
    return out;
}

bool boolean(const YAML::Node& node, const std::string& key)
{
    const std::string v = scalar(node, key);
    if (v == "true")
        return true;
    if (v == "false")
        return false;
    fail(key, node, message("config.boolean", {v}));
}

double number(const YAML::Node& node, const std::string& key)
{
    const std::string t = scalar(node, key);
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end || !std::isfinite(v))
        fail(key, node, message("config.number", {t}));
    return v;
}

// A ConfigError from the schema's own check, moved to where the lesson says it.
template <typename Apply>
void checked(const std::string& key, const YAML::Node& at, const Apply& apply)
{
    try {
        apply();
    } catch (const ConfigError& e) {
        throw ConfigError(key, lineOf(at), columnOf(at), e.message().code.empty() ? message("config.single_value") : e.message());
    }
}

bool inSchema(const std::vector<ConfigKeyInfo>& schema, const std::string& key)
{
    return std::any_of(schema.begin(), schema.end(), [&](const ConfigKeyInfo& k) { return k.key == key; });
}

// A key both schemas have (train.epochs, train.lr, …) is the Translate form's
// when the step shows the translate tab and not the language model's.
std::vector<FixedSetting> settings(const YAML::Node& node, const std::string& key, bool translateTab)
{
    if (!node.IsMap())
        fail(key, node, message("config.expected_mapping", {"settings"}));
    std::vector<FixedSetting> out;
    yaml::forEachEntry(node, key, {}, [&](const std::string& name, const YAML::Node& keyNode, const YAML::Node& v) {
        const std::string k = key + "." + name;
        FixedSetting s{name, scalar(v, k), false};
        const bool both = inSchema(configSchema(), name) && inSchema(translationSchema(), name);
        if (inSchema(configSchema(), name) && !(both && translateTab)) {
            ExperimentConfig probe;
            checked(k, v, [&] { setConfigValue(probe, name, s.value); });
        } else if (inSchema(translationSchema(), name)) {
            s.translation = true;
            TranslationConfig probe;
            checked(k, v, [&] { setTranslationValue(probe, name, s.value); });
        } else {
            fail(k, keyNode, message("lesson.unknown_setting"));
        }
        out.push_back(s);
    });
    return out;
}

std::vector<std::string> presetNames()
{
    std::vector<std::string> out;
    for (const Preset& p : presetCatalogue())
        if (p.kind != PresetKind::Sweep)
            out.push_back(p.name);
    return out;
}

// The preset's file and kind; a missing one names the presets there are.
void findPreset(LessonRun& run, const YAML::Node& at, const std::string& key)
{
    for (const Preset& p : presetCatalogue())
        if (p.name == run.preset && p.kind != PresetKind::Sweep) {
            run.path = p.path;
            run.kind = p.kind;
            return;
        }
    fail(key, at, message("lesson.no_preset", {run.preset, joined(presetNames())}));
}

// The run's own settings, checked on its preset's config.
void runSettings(LessonRun& run, const YAML::Node& node, const std::string& key)
{
    if (!node.IsMap())
        fail(key, node, message("config.expected_mapping", {"settings"}));
    ExperimentConfig lm;
    TranslationConfig s2s;
    if (run.kind == PresetKind::Experiment)
        lm = loadExperimentFile(run.path);
    else
        s2s = loadTranslationFile(run.path);
    yaml::forEachEntry(node, key, {}, [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
        const std::string k = key + "." + name;
        const std::string value = scalar(v, k);
        checked(k, v, [&] {
            if (run.kind == PresetKind::Experiment)
                setConfigValue(lm, name, value);
            else
                setTranslationValue(s2s, name, value);
        });
        run.set.emplace_back(name, value);
    });
    checked(key, node, [&] {
        if (run.kind == PresetKind::Experiment)
            validate(lm);
        else
            validate(s2s);
    });
}

struct Context {
    std::string library;                       // absolute, or empty
    std::vector<std::string> libraryRunNames;  // read once
};

LessonRun parseRun(const YAML::Node& node, const std::string& key, const Context& ctx)
{
    if (!node.IsMap())
        fail(key, node, message("lesson.expected_run"));
    LessonRun run;
    YAML::Node setNode;
    bool haveSet = false;
    yaml::forEachEntry(node, key, {"label", "preset", "open", "set"},
                       [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
                           const std::string k = key + "." + name;
                           if (name == "label")
                               run.label = scalar(v, k);
                           else if (name == "preset")
                               run.preset = scalar(v, k);
                           else if (name == "open")
                               run.open = scalar(v, k);
                           else {
                               setNode = v;
                               haveSet = true;
                           }
                       });
    if (run.preset.empty() == run.open.empty())
        fail(key, node, message("lesson.expected_run"));
    if (!run.preset.empty()) {
        findPreset(run, node["preset"], key + ".preset");
    } else {
        if (ctx.library.empty())
            fail(key + ".open", node["open"], message("lesson.no_library"));
        const auto& known = ctx.libraryRunNames;
        if (std::find(known.begin(), known.end(), run.open) == known.end())
            fail(key + ".open", node["open"], message("lesson.no_library_run", {run.open, joined(known)}));
        run.kind = PresetKind::Experiment;
    }
    if (haveSet) {
        if (run.preset.empty())
            fail(key + ".set", setNode, message("lesson.set_on_open"));
        runSettings(run, setNode, key + ".set");
    }
    if (run.label.empty())
        run.label = run.preset.empty() ? run.open : run.preset;
    return run;
}

std::vector<LessonRun> parseRuns(const YAML::Node& node, const std::string& key, const Context& ctx)
{
    if (!node.IsSequence())
        fail(key, node, message("lesson.expected_list", {"runs"}));
    std::vector<LessonRun> out;
    for (std::size_t i = 0; i < node.size(); ++i)
        out.push_back(parseRun(node[i], key + "[" + std::to_string(i) + "]", ctx));
    return out;
}

std::vector<LockedControl> parseLocks(const YAML::Node& node, const std::string& key)
{
    if (!node.IsMap())
        fail(key, node, message("config.expected_mapping", {"control: why"}));
    std::vector<LockedControl> out;
    yaml::forEachEntry(node, key, {}, [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
        out.push_back({name, text(v, key + "." + name)});
    });
    return out;
}

LessonLens parseLens(const YAML::Node& node, const std::string& key)
{
    if (!node.IsMap())
        fail(key, node, message("config.expected_mapping", {"run, text, value, unit"}));
    LessonLens lens;
    yaml::forEachEntry(node, key, {"run", "text", "value", "unit"},
                       [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
                           const std::string k = key + "." + name;
                           if (name == "run")
                               lens.run = scalar(v, k);
                           else if (name == "text")
                               lens.text = scalar(v, k);
                           else if (name == "value")
                               lens.value = scalar(v, k);
                           else
                               lens.unit = static_cast<int>(number(v, k));
                       });
    if (lens.run.empty())
        fail(key, node, message("lesson.missing", {"run"}));
    if (lens.text.empty())
        fail(key, node, message("lesson.missing", {"text"}));
    return lens;
}

LessonSample parseSample(const YAML::Node& node, const std::string& key)
{
    if (!node.IsMap())
        fail(key, node, message("config.expected_mapping", {"prefix, length, temperature"}));
    LessonSample sample;
    ExperimentConfig probe;
    sample.prefix = probe.sample.prefix;
    yaml::forEachEntry(node, key, {"prefix", "length", "temperature"},
                       [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
                           const std::string k = key + "." + name;
                           const std::string value = scalar(v, k);
                           checked(k, v, [&] { setConfigValue(probe, "sample." + name, value); });
                       });
    sample.prefix = probe.sample.prefix;
    sample.length = probe.sample.length;
    sample.temperature = probe.sample.temperature;
    return sample;
}

} // namespace

namespace {

void stepEntry(LessonStep& step, const std::string& name, const YAML::Node& v, const std::string& k,
               const Context& ctx, bool translateTab)
{
    if (name == "title")
        step.title = text(v, k);
    else if (name == "text")
        step.text = text(v, k);
    else if (name == "question")
        step.question = text(v, k);
    else if (name == "tabs")
        step.tabs = names(v, k);
    else if (name == "open")
        step.open = scalar(v, k);
    else if (name == "hide")
        step.hide = names(v, k);
    else if (name == "lock")
        step.lock = parseLocks(v, k);
    else if (name == "needs")
        step.needs = names(v, k);
    else if (name == "set")
        step.set = settings(v, k, translateTab);
    else if (name == "runs")
        step.runs = parseRuns(v, k, ctx);
    else if (name == "lens")
        step.lens = parseLens(v, k);
    else if (name == "sample")
        step.sample = parseSample(v, k);
    else if (name == "checks")
        step.checks = parseLessonChecks(v, k);
}

LessonStep parseStep(const YAML::Node& node, const std::string& key, const Context& ctx)
{
    if (!node.IsMap())
        fail(key, node, message("config.expected_mapping", {"a step's keys"}));
    LessonStep step;
    step.line = lineOf(node);
    bool translateTab = false;
    if (node["tabs"]) {
        const auto tabs = names(node["tabs"], key + ".tabs");
        const auto has = [&](const char* tab) { return std::find(tabs.begin(), tabs.end(), tab) != tabs.end(); };
        translateTab = has("translate") && !has("language_model");
    }
    yaml::forEachEntry(node, key,
                       {"title", "text", "question", "tabs", "open", "hide", "lock", "needs", "set", "runs", "lens",
                        "sample", "checks"},
                       [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
                           stepEntry(step, name, v, key + "." + name, ctx, translateTab);
                       });
    if (step.title.empty())
        fail(key, node, message("lesson.missing", {"title"}));
    return step;
}

std::vector<BookSection> parseBook(const YAML::Node& node, const std::string& key)
{
    if (!node.IsSequence())
        fail(key, node, message("lesson.expected_list", {"{d2l: ..., d2l_zh: ..., title: ...}"}));
    std::vector<BookSection> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const std::string k = key + "[" + std::to_string(i) + "]";
        const YAML::Node item = node[i];
        if (!item.IsMap())
            fail(k, item, message("config.expected_mapping", {"d2l, d2l_zh, title"}));
        BookSection s;
        yaml::forEachEntry(item, k, {"d2l", "d2l_zh", "title"},
                           [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
                               if (name == "title")
                                   s.title = text(v, k + ".title");
                               else
                                   (name == "d2l" ? s.d2l : s.d2lZh) = scalar(v, k + "." + name);
                           });
        if (s.d2l.empty() && s.d2lZh.empty())
            fail(k, item, message("lesson.missing", {"d2l"}));
        out.push_back(s);
    }
    return out;
}

std::vector<std::string> libraryRunNames(const std::string& folder)
{
    std::vector<std::string> out;
    RunStore store(folder);
    for (const StoredRun& r : store.runs())
        out.push_back(r.name);
    return out;
}

void readLibrary(Context& ctx, const YAML::Node& v, const std::string& folder)
{
    fs::path p = scalar(v, "library");
    if (p.is_relative())
        p = fs::path(folder.empty() ? "." : folder) / p;
    std::error_code ec;
    p = fs::absolute(p, ec).lexically_normal();
    if (!fs::is_regular_file(p / "runs.sqlite", ec))
        fail("library", v, message("lesson.library_missing", {p.string()}));
    ctx.library = p.string();
    ctx.libraryRunNames = libraryRunNames(ctx.library);
}

Lesson parseRoot(const YAML::Node& root, const std::string& folder)
{
    if (!root.IsMap())
        fail("", root, message("config.expected_mapping", {"title, summary, book, presentation, library, steps"}));
    Lesson lesson;
    Context ctx;
    if (root["library"])
        readLibrary(ctx, root["library"], folder);
    lesson.library = ctx.library;
    YAML::Node stepsNode;
    yaml::forEachEntry(root, "", {"title", "summary", "book", "presentation", "library", "steps"},
                       [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
                           if (name == "title")
                               lesson.title = text(v, name);
                           else if (name == "summary")
                               lesson.summary = text(v, name);
                           else if (name == "book")
                               lesson.book = parseBook(v, name);
                           else if (name == "presentation")
                               lesson.presentation = boolean(v, name);
                           else if (name == "steps")
                               stepsNode = v;
                       });
    if (lesson.title.empty())
        fail("title", root, message("lesson.missing", {"title"}));
    if (!root["steps"])
        fail("steps", root, message("lesson.no_steps"));
    if (!stepsNode.IsSequence() || stepsNode.size() == 0)
        fail("steps", stepsNode, message("lesson.no_steps"));
    for (std::size_t i = 0; i < stepsNode.size(); ++i)
        lesson.steps.push_back(parseStep(stepsNode[i], "steps[" + std::to_string(i) + "]", ctx));
    for (std::size_t i = 0; i < stepsNode.size(); ++i)
        checkLessonStep(lesson, lesson.steps[i], stepsNode[i], "steps[" + std::to_string(i) + "]");
    return lesson;
}

} // namespace

Lesson parseLesson(const std::string& yamlText, const std::string& sourceName, const std::string& folder)
{
    try {
        YAML::Node root;
        try {
            root = YAML::Load(yamlText);
        } catch (const YAML::Exception& e) {
            throw ConfigError("", e.mark.line + 1, e.mark.column + 1, message("config.malformed_yaml", {e.msg}));
        }
        Lesson lesson = parseRoot(root, folder);
        lesson.path = sourceName;
        std::string stem = fs::path(sourceName).filename().string();
        if (const auto dot = stem.rfind(kLessonExtension); dot != std::string::npos && dot > 0)
            stem.erase(dot);
        lesson.name = stem;
        return lesson;
    } catch (const ConfigError& e) {
        throw e.inSource(sourceName);
    }
}

Lesson loadLesson(const std::string& path)
{
    // A plain file of 8 MiB at most (a FIFO, a device or a folder is refused
    // at once, never waited on); a lesson of a hundred steps is 30 KiB.
    std::string text;
    try {
        text = readRegularFile(path, ReadLimits{kMaxLessonBytes, false});
    } catch (const FileError& e) {
        if (e.message().code == "file.missing")
            throw ConfigError("", 0, 0, message("lesson.cannot_open"), path);
        throw;
    }
    std::error_code ec;
    const fs::path folder = fs::absolute(fs::path(path), ec).parent_path();
    return parseLesson(text, path, folder.string());
}

std::vector<std::string> lessonFolders()
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("TRAVELLER_LESSON_DIR"); env && *env)
        dirs.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back((exe.parent_path() / "../share/traveller/lessons").lexically_normal().string());  // installed
        dirs.push_back((exe.parent_path() / "../../resources/lessons").lexically_normal().string());    // build/bin
    }
    if (*TRAVELLER_SOURCE_LESSON_DIR)
        dirs.emplace_back(TRAVELLER_SOURCE_LESSON_DIR);
    return dirs;
}

std::vector<std::string> shippedLessons()
{
    for (const std::string& folder : lessonFolders()) {
        std::error_code ec;
        std::vector<std::string> out;
        for (const auto& entry : fs::directory_iterator(folder, ec))
            if (entry.is_regular_file(ec) && entry.path().extension() == kLessonExtension)
                out.push_back(entry.path().string());
        if (!out.empty()) {
            std::sort(out.begin(), out.end());
            return out;
        }
    }
    return {};
}

std::string resolveLesson(const std::string& arg)
{
    std::error_code ec;
    if (fs::is_regular_file(arg, ec))
        return arg;
    for (const std::string& path : shippedLessons())
        if (fs::path(path).stem().string() == arg)
            return path;
    return {};
}

} // namespace traveller::lesson
