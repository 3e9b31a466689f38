// Reading lesson files (Lesson.h): the shipped lessons, both languages, and
// every mistake a teacher could make reported at its line and column with a
// catalogue code (the window shows it in its language).
#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/store/RunRecord.h"
#include "traveller/core/lesson/Lesson.h"
#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>

using namespace traveller;
using namespace traveller::lesson;

namespace {

// The error parseLesson throws for `yaml` (fails the test when none is).
ConfigError errorOf(const std::string& yaml, const std::string& folder = "")
{
    try {
        parseLesson(yaml, "t.traveller-lesson", folder);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << yaml;
    return ConfigError("", 0, 0, "none");
}

std::string shipped(const std::string& name)
{
    return std::string(TRAVELLER_SOURCE_DIR) + "/resources/lessons/" + name + ".traveller-lesson";
}

} // namespace

TEST(Lesson, ShippedLessonsReadInBothLanguages)
{
    for (const char* name : {"why-gates", "temperature", "teacher-forcing-and-beam-search"}) {
        SCOPED_TRACE(name);
        const Lesson l = loadLesson(shipped(name));
        EXPECT_EQ(l.name, name);
        EXPECT_FALSE(l.title.en.empty());
        EXPECT_FALSE(l.title.zhCN.empty());
        EXPECT_NE(l.title.of("en"), l.title.of("zh_CN"));
        EXPECT_FALSE(l.book.empty());
        for (const BookSection& b : l.book) {
            EXPECT_FALSE(b.d2l.empty());
            EXPECT_FALSE(b.d2lZh.empty());
        }
        ASSERT_FALSE(l.steps.empty());
        for (const LessonStep& s : l.steps) {
            EXPECT_FALSE(s.title.en.empty());
            EXPECT_FALSE(s.title.zhCN.empty());
            EXPECT_FALSE(s.text.zhCN.empty());
            EXPECT_EQ(s.question.en.empty(), s.question.zhCN.empty());
            for (const LockedControl& c : s.lock)
                EXPECT_FALSE(c.why.zhCN.empty()) << c.control;
        }
    }
}

TEST(Lesson, WhyGatesTrainsThreeCellsAtLearningRateTenThenLooksAtTheForgetGate)
{
    const Lesson l = loadLesson(shipped("why-gates"));
    ASSERT_EQ(l.steps.size(), 2u);
    ASSERT_EQ(l.steps[0].runs.size(), 3u);
    for (const LessonRun& r : l.steps[0].runs) {
        EXPECT_EQ(r.kind, PresetKind::Experiment);
        EXPECT_TRUE(std::filesystem::is_regular_file(r.path)) << r.path;
        bool lr10 = false, short_ = false;
        for (const auto& [k, v] : r.set) {
            lr10 |= k == "train.lr" && v == "10";
            short_ |= k == "train.epochs" && std::stoi(v) <= 100;
        }
        EXPECT_TRUE(lr10 && short_) << r.label;
    }
    ASSERT_TRUE(l.steps[1].lens);
    EXPECT_EQ(l.steps[1].lens->run, "LSTM");
    EXPECT_EQ(l.steps[1].lens->value, "f");
    EXPECT_EQ(l.steps[1].shownTabs(), std::vector<std::string>{"lens"});
}

TEST(Lesson, TemperatureSamplesOneModelAtFourTemperatures)
{
    const Lesson l = loadLesson(shipped("temperature"));
    std::vector<double> temperatures;
    for (const LessonStep& s : l.steps)
        if (s.sample)
            temperatures.push_back(s.sample->temperature);
    EXPECT_EQ(temperatures, (std::vector<double>{0.1, 0.5, 1, 2}));
    ASSERT_NE(l.run("GRU"), nullptr);
}

TEST(Lesson, TeacherForcingTrainsTheBooksSeq2seqAndChangesTheBeam)
{
    const Lesson l = loadLesson(shipped("teacher-forcing-and-beam-search"));
    ASSERT_NE(l.run("seq2seq"), nullptr);
    EXPECT_EQ(l.run("seq2seq")->kind, PresetKind::Translation);
    std::vector<std::string> beams;
    for (const LessonStep& s : l.steps)
        for (const FixedSetting& f : s.set)
            if (f.key == "eval.beam") {
                EXPECT_TRUE(f.translation);
                beams.push_back(f.value);
            }
    EXPECT_EQ(beams, (std::vector<std::string>{"1", "1", "3"}));
}

TEST(Lesson, TextFallsBackToTheOtherLanguage)
{
    const Lesson l = parseLesson("title: {en: Only English}\nsteps:\n  - title: {zh_CN: 只有中文}\n");
    EXPECT_EQ(l.title.of("zh_CN"), "Only English");
    EXPECT_EQ(l.steps[0].title.of("en"), "只有中文");
    const Lesson both = parseLesson("title: Same\nsteps:\n  - title: x\n");
    EXPECT_EQ(both.title.of("en"), "Same");
    EXPECT_EQ(both.title.of("zh_CN"), "Same");
}

TEST(Lesson, UnknownKeyNamesItsLineAndTheKnownKeys)
{
    const ConfigError e = errorOf("title: x\nsteps:\n  - title: a\n    colour: red\n");
    EXPECT_EQ(e.key(), "steps[0].colour");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 5);
    EXPECT_EQ(e.message().code, "config.unknown_key_expected");
    EXPECT_EQ(e.source(), "t.traveller-lesson");
    EXPECT_NE(std::string(e.what()).find("line 4, column 5"), std::string::npos);
    EXPECT_EQ(errorOf("title: x\nsteps: [{title: a}]\nauthor: me\n").key(), "author");
    EXPECT_EQ(errorOf("title: {en: a, fr: b}\nsteps: [{title: a}]\n").key(), "title.fr");
}

TEST(Lesson, MissingPresetNamesThePresetsThereAre)
{
    const ConfigError e = errorOf("title: x\nsteps:\n  - title: a\n    runs:\n      - {preset: book-nope}\n");
    EXPECT_EQ(e.message().code, "lesson.no_preset");
    EXPECT_EQ(e.line(), 5);
    ASSERT_EQ(e.message().args.size(), 2u);
    EXPECT_EQ(e.message().args[0], "book-nope");
    EXPECT_NE(e.message().args[1].find("book-lstm"), std::string::npos);
}

TEST(Lesson, HidingWhatAStepNeedsIsRefusedAtTheHideEntry)
{
    const ConfigError hidden =
        errorOf("title: x\nsteps:\n  - title: a\n    hide: [trainButton, samplesView]\n    needs: [samplesView]\n");
    EXPECT_EQ(hidden.message().code, "lesson.hides_needed");
    EXPECT_EQ(hidden.line(), 4);
    EXPECT_EQ(hidden.column(), 25);  // at samplesView, not at the list
    const ConfigError locked = errorOf(
        "title: x\nsteps:\n  - title: a\n    lock:\n      translateButton: {en: no}\n    needs: [translateButton]\n");
    EXPECT_EQ(locked.message().code, "lesson.locks_needed");
    EXPECT_EQ(locked.line(), 5);
    // A run trains in its tab: a step that hides the tab cannot show it.
    const ConfigError tab =
        errorOf("title: x\nsteps:\n  - title: a\n    tabs: [runs]\n    runs: [{preset: book-gru}]\n");
    EXPECT_EQ(tab.message().code, "lesson.tab_needed");
    EXPECT_EQ(tab.line(), 4);
    EXPECT_EQ(tab.message().args.at(0), "language_model");
    EXPECT_EQ(errorOf("title: x\nsteps:\n  - title: a\n    tabs: [translate]\n    set: {sample.temperature: 2}\n")
                  .message()
                  .code,
              "lesson.tab_needed");
}

TEST(Lesson, SettingsAreTheSchemasAndCheckedByIt)
{
    const ConfigError bad = errorOf("title: x\nsteps:\n  - title: a\n    set: {train.lr: -1}\n");
    EXPECT_EQ(bad.key(), "steps[0].set.train.lr");
    EXPECT_EQ(bad.line(), 4);
    EXPECT_EQ(bad.column(), 21);
    const ConfigError unknown = errorOf("title: x\nsteps:\n  - title: a\n    set: {train.speed: 2}\n");
    EXPECT_EQ(unknown.message().code, "lesson.unknown_setting");
    const ConfigError run =
        errorOf("title: x\nsteps:\n  - title: a\n    runs:\n      - {preset: book-gru, set: {model.arch: cnn}}\n");
    EXPECT_EQ(run.key(), "steps[0].runs[0].set.model.arch");
    EXPECT_EQ(run.line(), 5);
    const Lesson ok =
        parseLesson("title: x\nsteps:\n  - title: a\n    tabs: [translate]\n    set: {eval.beam: 4, train.epochs: 20}\n");
    ASSERT_EQ(ok.steps[0].set.size(), 2u);
    EXPECT_TRUE(ok.steps[0].set[0].translation);
    EXPECT_TRUE(ok.steps[0].set[1].translation);  // in both schemas: the tab the step shows decides
    const Lesson lm = parseLesson("title: x\nsteps:\n  - title: a\n    set: {train.epochs: 20}\n");
    EXPECT_FALSE(lm.steps[0].set[0].translation);
}

TEST(Lesson, RunsTheLensAndTheChecksNameMustExist)
{
    const char* lens = "title: x\nsteps:\n  - title: a\n    runs: [{label: G, preset: book-gru}]\n"
                       "  - title: b\n    lens: {run: G, text: abc, value: f}\n";
    const ConfigError gate = errorOf(lens);
    EXPECT_EQ(gate.message().code, "lesson.lens_value");  // a GRU has no forget gate
    EXPECT_EQ(gate.line(), 6);
    EXPECT_EQ(errorOf("title: x\nsteps:\n  - title: b\n    lens: {run: nobody, text: abc}\n").message().code,
              "lesson.unknown_run");
    EXPECT_EQ(errorOf("title: x\nsteps:\n  - title: b\n    checks: [{run: nobody, metric: loss, value: 1}]\n")
                  .message()
                  .code,
              "lesson.unknown_run");
    EXPECT_EQ(errorOf("title: x\nsteps:\n  - title: b\n    checks: [{run: a, metric: speed, value: 1}]\n")
                  .message()
                  .code,
              "lab.unknown_metric");
    EXPECT_EQ(errorOf("title: x\nsteps:\n  - title: a\n    runs: [{preset: book-gru}, {preset: book-gru}]\n")
                  .message()
                  .code,
              "lesson.duplicate_run");
    EXPECT_EQ(errorOf("title: x\nsteps:\n  - title: a\n    tabs: [lens, chat]\n").message().code, "lesson.unknown_tab");
}

TEST(Lesson, ALibraryBesideTheLessonIsWhereItsRunsAreOpened)
{
    TestLibrary lib;
    const char* open = "title: x\nlibrary: shipped\nsteps:\n  - title: a\n    tabs: [runs]\n    runs: [{open: gone}]\n";
    EXPECT_EQ(errorOf(open, lib.str()).message().code, "lesson.library_missing");
    { RunStore store((lib.path() / "shipped").string()); }
    const ConfigError e = errorOf(open, lib.str());
    EXPECT_EQ(e.message().code, "lesson.no_library_run");
    EXPECT_EQ(e.line(), 6);
    EXPECT_EQ(errorOf("title: x\nsteps:\n  - title: a\n    runs: [{open: gone}]\n").message().code, "lesson.no_library");
}

TEST(Lesson, BadYamlAndNoStepsAreOneMessageEach)
{
    EXPECT_EQ(errorOf("title: [x\n").message().code, "config.malformed_yaml");
    EXPECT_EQ(errorOf("title: x\n").message().code, "lesson.no_steps");
    EXPECT_EQ(errorOf("title: x\nsteps: []\n").message().code, "lesson.no_steps");
    EXPECT_EQ(errorOf("steps: [{title: a}]\n").message().code, "lesson.missing");
    EXPECT_EQ(errorOf("title: x\npresentation: maybe\nsteps: [{title: a}]\n").message().code, "config.boolean");
    try {
        loadLesson("/nonexistent/x.traveller-lesson");
        ADD_FAILURE();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "lesson.cannot_open");
    }
}

TEST(Lesson, AnswersAreKeptInTheLibraryByLessonAndStep)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        store.setLessonAnswer("why-gates", 0, "the RNN");
        store.setLessonAnswer("why-gates", 1, "at spaces");
        store.setLessonAnswer("temperature", 0, "other");
        store.setLessonAnswer("why-gates", 1, "after a word");
    }
    RunStore store(lib.str());
    const auto a = store.lessonAnswers("why-gates");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a.at(0), "the RNN");
    EXPECT_EQ(a.at(1), "after a word");
    store.setLessonAnswer("why-gates", 0, "");
    EXPECT_EQ(store.lessonAnswers("why-gates").size(), 1u);
    EXPECT_TRUE(store.lessonAnswers("nothing").empty());
}

TEST(Lesson, ShippedLessonsAreFoundByName)
{
    const std::string path = resolveLesson("why-gates");
    ASSERT_FALSE(path.empty());
    EXPECT_EQ(std::filesystem::path(path).filename(), "why-gates.traveller-lesson");
    EXPECT_TRUE(resolveLesson("no-such-lesson").empty());
    EXPECT_GE(shippedLessons().size(), 3u);
}

TEST(Lesson, TheReportHasTheAnswersInEitherLanguage)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const Lesson l = loadLesson(shipped("why-gates"));
    store.setLessonAnswer("why-gates", 0, "the *RNN* jumps");
    const std::string en = lessonReport(l, store, "en");
    EXPECT_NE(en.find("# Report of the lesson: Why gates?"), std::string::npos) << en;
    EXPECT_NE(en.find("the \\*RNN\\* jumps"), std::string::npos) << en;  // Markdown-escaped
    EXPECT_NE(en.find("*no answer yet*"), std::string::npos) << en;       // step 2
    EXPECT_NE(en.find("not measured yet"), std::string::npos) << en;      // no LSTM run in the library
    const std::string zh = lessonReport(l, store, "zh_CN");
    EXPECT_NE(zh.find("为什么需要门控？"), std::string::npos);
    EXPECT_NE(zh.find("**回答**"), std::string::npos);
    EXPECT_NE(zh.find("第 2 步"), std::string::npos);
}

namespace {

// A tiny run named `name`, trained into the library at `folder`.
std::int64_t trainNamed(const std::string& folder, const std::string& name, const std::string& hidden = "16")
{
    RunStore store(folder);
    NewRun n;
    n.config = parseExperimentYaml(kTinyExperiment);
    setConfigValue(n.config, "train.epochs", "2");
    setConfigValue(n.config, "model.hidden", hidden);
    n.name = name;
    const std::int64_t id = store.createRun(n);
    RecordOptions options;
    options.dataDir = resolveDataDir();
    TrainingObserver quiet;
    RunControl control;
    EXPECT_EQ(trainRecordedRun(store, id, options, quiet, control).status, RunStatus::Finished);
    return id;
}

std::string openCode(RunStore& target, const Lesson& l, const std::string& name)
{
    try {
        openLessonRun(target, l, name);
    } catch (const Error& e) {
        return e.message().code;
    }
    return "";
}

// What `lesson check` says of the lesson's library runs: "" when all is well.
std::string checkCode(const Lesson& l)
{
    try {
        checkLibraryRuns(l);
    } catch (const Error& e) {
        return e.message().code;
    }
    return "";
}

} // namespace

// Issue 29.1: `open:` copies a run of the lesson's own library into the
// student's once, weights included; a hostile library reaches nothing.
TEST(Lesson, AnOpenedRunIsCopiedOnceWithItsWeights)
{
    namespace fs = std::filesystem;
    TestLibrary lib;
    const std::string shippedLib = (lib.path() / "shipped").string();
    const std::int64_t sourceId = trainNamed(shippedLib, "GRU tiny");
    const Lesson l = parseLesson("title: x\nlibrary: shipped\nsteps:\n  - title: a\n    tabs: [runs]\n"
                                 "    runs: [{open: GRU tiny, label: G}]\n",
                                 "t.traveller-lesson", lib.str());
    RunStore source(shippedLib);
    RunStore target((lib.path() / "mine").string());
    const std::int64_t id = openLessonRun(target, l, "GRU tiny");
    const StoredRun copied = target.run(id);
    EXPECT_EQ(copied.name, "GRU tiny");
    EXPECT_EQ(copied.state, StoredState::Finished);
    EXPECT_EQ(copied.epochsDone, 2);
    EXPECT_EQ(target.epochs(id).size(), source.epochs(sourceId).size());
    EXPECT_DOUBLE_EQ(copied.perplexity, source.run(sourceId).perplexity);
    EXPECT_EQ(checkpointFileEpoch(target.checkpointPath(id)), 2);
    EXPECT_EQ(openLessonRun(target, l, "GRU tiny"), id);  // the same run each later time
    EXPECT_EQ(target.runs().size(), 1u);
    EXPECT_EQ(openCode(target, l, "gone"), "lesson.no_library_run");

    // A link where the weights go is never followed; weights of other
    // settings are refused; nothing is written either time.
    const std::int64_t other = trainNamed(shippedLib, "other");
    const std::string weights = source.checkpointPath(other);
    const std::string secret = (lib.path() / "secret.pt").string();
    fs::copy_file(target.checkpointPath(id), secret);
    fs::remove(weights);
    fs::create_symlink(secret, weights);
    RunStore target2((lib.path() / "theirs").string());
    EXPECT_NE(openCode(target2, l, "other"), "");
    EXPECT_TRUE(target2.runs().empty());
    // `lesson check` finds the same without copying anything: the good run
    // passes, the link is refused, and so are weights of other settings.
    const Lesson opensOther = parseLesson("title: x\nlibrary: shipped\nsteps:\n  - title: a\n    tabs: [runs]\n"
                                          "    runs: [{open: GRU tiny, label: G}, {open: other}]\n",
                                          "t.traveller-lesson", lib.str());
    EXPECT_EQ(checkCode(l), "");
    EXPECT_NE(checkCode(opensOther), "");
    fs::remove(weights);
    const std::string widerLib = (lib.path() / "wider").string();
    const std::int64_t wider = trainNamed(widerLib, "wider", "24");
    fs::copy_file(RunStore(widerLib).checkpointPath(wider), weights);
    EXPECT_EQ(openCode(target2, l, "other"), "lesson.open_weights");
    EXPECT_EQ(checkCode(opensOther), "lesson.open_weights");
    EXPECT_TRUE(target2.runs().empty());
    if (fs::exists(lib.path() / "theirs" / "checkpoints"))
        for (const auto& entry : fs::directory_iterator(lib.path() / "theirs" / "checkpoints"))
            ADD_FAILURE() << "left behind: " << entry.path();
}

// Issue 29.3: what File → Save as lesson… writes reads back as it was: every
// shipped lesson through lessonYaml and parseLesson; the window's runs become
// a preset with the settings that differ on top.
TEST(Lesson, AWrittenLessonReadsBackAsItWas)
{
    for (const char* name : {"why-gates", "temperature", "teacher-forcing-and-beam-search"}) {
        SCOPED_TRACE(name);
        const Lesson a = loadLesson(shipped(name));
        const std::string yaml = lessonYaml(a);
        const Lesson b = parseLesson(yaml, "again.traveller-lesson");
        EXPECT_EQ(b.title.en, a.title.en);
        EXPECT_EQ(b.title.zhCN, a.title.zhCN);
        EXPECT_EQ(b.book.size(), a.book.size());
        EXPECT_EQ(b.presentation, a.presentation);
        ASSERT_EQ(b.steps.size(), a.steps.size()) << yaml;
        for (std::size_t i = 0; i < a.steps.size(); ++i) {
            const LessonStep& x = a.steps[i];
            const LessonStep& y = b.steps[i];
            EXPECT_EQ(y.text.zhCN, x.text.zhCN);
            EXPECT_EQ(y.question.en, x.question.en);
            EXPECT_EQ(y.tabs, x.tabs);
            EXPECT_EQ(y.hide, x.hide);
            ASSERT_EQ(y.lock.size(), x.lock.size());
            for (std::size_t k = 0; k < x.lock.size(); ++k)
                EXPECT_EQ(y.lock[k].why.zhCN, x.lock[k].why.zhCN);
            ASSERT_EQ(y.set.size(), x.set.size());
            for (std::size_t k = 0; k < x.set.size(); ++k)
                EXPECT_EQ(y.set[k].key + "=" + y.set[k].value, x.set[k].key + "=" + x.set[k].value);
            ASSERT_EQ(y.runs.size(), x.runs.size());
            for (std::size_t k = 0; k < x.runs.size(); ++k) {
                EXPECT_EQ(y.runs[k].label, x.runs[k].label);
                EXPECT_EQ(y.runs[k].preset, x.runs[k].preset);
                EXPECT_EQ(y.runs[k].set, x.runs[k].set);
            }
            EXPECT_EQ(y.lens.has_value(), x.lens.has_value());
            EXPECT_EQ(y.sample.has_value(), x.sample.has_value());
            ASSERT_EQ(y.checks.size(), x.checks.size());
            for (std::size_t k = 0; k < x.checks.size(); ++k)
                EXPECT_DOUBLE_EQ(y.checks[k].check.value, x.checks[k].check.value);
        }
    }
    ExperimentConfig c = loadExperimentFile(resolvePreset("book-lstm", PresetKind::Experiment));
    setConfigValue(c, "train.lr", "10");
    setConfigValue(c, "train.epochs", "50");
    setConfigValue(c, "train.threads", "2");
    const LessonRun r = lessonRunFor(c, "LSTM at 10");
    EXPECT_EQ(r.preset, "book-lstm");
    EXPECT_EQ(r.label, "LSTM at 10");
    EXPECT_EQ(r.set, (std::vector<std::pair<std::string, std::string>>{{"train.epochs", "50"}, {"train.lr", "10"}}));
}

// A FIFO named as the lesson is refused at once (never waited on), and so is
// one named as the report's output: nothing blocks, nothing is replaced.
TEST(Lesson, APipeIsRefusedAtOnceAsLessonOrReport)
{
    namespace fs = std::filesystem;
    TestLibrary lib;
    const std::string pipe = (lib.path() / "class.traveller-lesson").string();
    ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
    try {
        loadLesson(pipe);
        ADD_FAILURE() << "a FIFO was read as a lesson";
    } catch (const Error& e) {
        EXPECT_EQ(e.message().code, "file.not_regular");
    }
    const CliResult r = cli("lesson report temperature --library " + lib.str() + " --output " + pipe);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(fs::is_fifo(pipe));
}
