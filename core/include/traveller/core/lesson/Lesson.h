// A lesson: a teacher's class in one file (`*.traveller-lesson`, YAML; the
// schema is docs/LESSONS.md). A title and texts in English and 简体中文, the
// book's sections, and steps; each step says which tabs are shown, which
// controls are hidden or locked (by the window's objectNames), which
// settings are fixed, which runs to train or open, what the Lens shows, what
// the student is asked and what a finished run should measure. The CLI
// checks and prints one (`traveller-cli lesson`), the window walks it (the
// lesson bar). Torch-free and Qt-free: the names of tabs and controls are
// plain strings here.
#pragma once

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Presets.h"
#include "traveller/core/lab/Lab.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace traveller::lesson {

// A text in the window's two languages. `of("zh_CN")` is the Chinese, else
// the English; a lesson must give at least one of them.
struct LessonText {
    std::string en;
    std::string zhCN;
    const std::string& of(const std::string& lang) const;
    bool empty() const { return en.empty() && zhCN.empty(); }
};

// A section of the book: d2l (English, d2l.ai) and d2l-zh (zh.d2l.ai) numbers.
struct BookSection {
    std::string d2l;     // "10.1"
    std::string d2lZh;   // "9.2"
    LessonText title;
};

// A control a step locks: disabled, `why` in its tooltip.
struct LockedControl {
    std::string control;  // the widget's (or action's) objectName
    LessonText why;
};

// A fixed setting: a key of configSchema() (the Language model form) or of
// translationSchema() (the Translate form), with its YAML text.
struct FixedSetting {
    std::string key;
    std::string value;
    bool translation = false;  // a translationSchema() key
};

// A run the step trains (a preset, with its own settings on top) or opens
// (by name, from the run library shipped beside the lesson).
struct LessonRun {
    std::string label;   // what the step calls it ("LSTM"); the run's name in the window
    std::string preset;  // a preset's name; empty for a run opened from the library
    std::string path;    // the preset's file, resolved
    PresetKind kind = PresetKind::Experiment;
    std::vector<std::pair<std::string, std::string>> set;  // key -> YAML text, in order
    std::string open;    // a run's name in the lesson's library
};

// What the Lens shows: `run` (a label of this lesson's runs) on `text`, at a
// value the cell exposes ("f": the LSTM's forget gate; "h": the state).
struct LessonLens {
    std::string run;
    std::string text;
    std::string value = "h";
    int unit = 0;
};

// Text written now by the step's trained models: the Language model tab's
// samples, with this prefix, length and temperature.
struct LessonSample {
    std::string prefix;
    int length = 100;
    double temperature = 1.0;
};

// A reference check (Lab.h) on one of the lesson's runs.
struct LessonCheck {
    std::string run;  // a label of the lesson's runs
    ReferenceCheck check;
};

// Tabs, by the ids the lesson file uses: language_model, translate, sweeps,
// runs, lens, lab.
const std::vector<std::string>& lessonTabs();

struct LessonStep {
    LessonText title;
    LessonText text;
    LessonText question;                 // empty: the step asks nothing
    std::vector<std::string> tabs;       // shown (ids of lessonTabs()); empty: every tab
    std::string open;                    // the tab shown first; empty: the first shown
    std::vector<std::string> hide;       // objectNames
    std::vector<LockedControl> lock;
    std::vector<std::string> needs;      // objectNames the step needs reachable
    std::vector<FixedSetting> set;
    std::vector<LessonRun> runs;
    std::optional<LessonLens> lens;
    std::optional<LessonSample> sample;
    std::vector<LessonCheck> checks;
    int line = 0;                        // where the step starts in the file
    // The tabs shown, every one when `tabs` is empty.
    std::vector<std::string> shownTabs() const;
    bool hides(const std::string& control) const;
};

struct Lesson {
    std::string path;     // the file, as given
    std::string name;     // the file's name without .traveller-lesson: the key of its answers
    LessonText title;
    LessonText summary;
    std::vector<BookSection> book;
    bool presentation = false;  // starts in presentation mode
    std::string library;        // the run library shipped beside the lesson (absolute); empty: none
    std::vector<LessonStep> steps;
    // Every run the lesson's steps name, by label (the first step's wins).
    const LessonRun* run(const std::string& label) const;
};

// Reads and checks a lesson file. Throws ConfigError with the dotted key
// (`steps[2].hide[0]`), the line and column and the file: an unknown key, a
// missing preset or library run, a setting the schema refuses, a step that
// hides (or locks) a control or tab it needs.
Lesson loadLesson(const std::string& path);
// `folder`: where a relative `library:` is looked for (the lesson's folder).
Lesson parseLesson(const std::string& yamlText, const std::string& sourceName = "", const std::string& folder = "");

// The folders shipped lessons are looked for in, as presetFolders():
// $TRAVELLER_LESSON_DIR, share/traveller/lessons beside the program, a
// checkout's resources/lessons, the source tree's.
std::vector<std::string> lessonFolders();
// The shipped lessons' files (of the first folder that has any), by name.
std::vector<std::string> shippedLessons();
// `arg` itself when it names a file, else the shipped lesson of that name
// ("why-gates"); empty when neither.
std::string resolveLesson(const std::string& arg);

// The lesson's report as Markdown, in `lang` (en or zh_CN): its title, book
// sections, and each step with its question, the student's answer (kept in
// `store` under the lesson's name) and its checks, measured on the newest
// finished run of the library named as the check's run (the window names
// the lesson's runs by their labels). `traveller-cli lesson report`.
std::string lessonReport(const Lesson& lesson, RunStore& store, const std::string& lang = "en");

// Run `name` of the lesson's own library (`open:`), copied into `target`
// with its epochs, samples and weights the first time (the newest finished
// run of that name); its id in `target` (the same id each later time).
// Throws StoreError with a code: no library, no such run, a translation run,
// weights that are a link, not a checkpoint or of other settings.
std::int64_t openLessonRun(RunStore& target, const Lesson& lesson, const std::string& name);
// What openLessonRun would refuse of each run the lesson opens, found
// without copying anything (`lesson check`): the same StoreErrors.
void checkLibraryRuns(const Lesson& lesson);

// The lesson as a file, in the keys loadLesson reads (File → Save as
// lesson…): parseLesson(lessonYaml(l)) gives `l` back. A lock without a
// reason gets "Fixed for this lesson." (a lesson's texts are never empty).
std::string lessonYaml(const Lesson& lesson);
// The settings of `config` that differ from `from`, as a step's fixed
// settings (not the run's name, device or threads: those are the machine's).
std::vector<FixedSetting> settingsApart(const ExperimentConfig& config, const ExperimentConfig& from);
// A run of these settings as a lesson's run labelled `label`: the experiment
// preset fewest settings away, and those settings on top.
LessonRun lessonRunFor(const ExperimentConfig& config, const std::string& label);

// The lesson's file extension, with its dot.
inline constexpr const char* kLessonExtension = ".traveller-lesson";

} // namespace traveller::lesson
