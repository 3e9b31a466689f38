// The lab (Lab.h, LabReport.h): its steps, the presets' reference checks, the
// observations it states from recorded runs, its report in both languages,
// one real (capped) step trained through runLab into a library, the lab
// going on where the library is (planLabStep: finished runs kept, stopped and
// killed ones resumed in their own rows, runs trained elsewhere with the same
// settings counted, --again), and `lab note --file` refusing what it cannot read.
#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/lab/LabReport.h"
#include "traveller/core/Presets.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/io/SafeFile.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Records a finished language-model run of a lab step with `epochs` epochs of
// a perplexity falling to `final` (held-out to `heldout`).
std::int64_t recordRun(RunStore& store, const LabStep& step, const std::string& label, double final, double heldout,
                       const std::string& message = "", LabMode mode = LabMode::Full, int blewUpAt = 0)
{
    NewRun n;
    n.sweep = labSweepName(step, mode);
    n.label = label;
    n.name = step.title + " " + label;
    const std::int64_t id = store.createRun(n);
    for (int e = 1; e <= 5; ++e) {
        StoredEpoch ep;
        ep.epoch = e;
        ep.perplexity = final + (5 - e) * 2.0;
        ep.heldoutPerplexity = heldout + (5 - e) * 1.0;
        ep.tokensPerSecond = 1000;
        ep.elapsedSeconds = e;
        store.appendEpoch(id, ep, 1.0);
    }
    RunResult r;
    r.status = RunStatus::Finished;
    r.epochsDone = 5;
    r.message = message;
    r.blewUpAt = blewUpAt;
    r.samples["time traveller"] = "time traveller " + label + " | a pipe";
    store.finishRun(id, r, 0);
    return id;
}

} // namespace

TEST(Lab, StepsAreTheLabsInOrder)
{
    const auto& steps = labSteps();
    std::vector<std::string> ids;
    for (const auto& s : steps)
        ids.push_back(s.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"1.1", "1.2", "1.3", "1.4", "2", "3"}));
    EXPECT_EQ(findLabStep("gru"), &steps[1]);
    EXPECT_EQ(findLabStep("2"), &steps[4]);
    EXPECT_EQ(findLabStep("nonsense"), nullptr);
    EXPECT_EQ(steps[0].runs.size(), 10u) << "base + 3 epochs + 3 learning rates + 3 hidden sizes";
    EXPECT_TRUE(steps[3].runs.empty()) << "the comparison reads 1.1-1.3";
}

TEST(Lab, StepSweepsCarryTheLabsValues)
{
    const Sweep full = labSweep(*findLabStep("rnn"), LabMode::Full);
    EXPECT_EQ(full.name, "lab 1.1");
    ASSERT_EQ(full.runs.size(), 10u);
    std::map<std::string, ExperimentConfig> byLabel;
    for (const auto& r : full.runs)
        byLabel[r.label] = r.config;
    EXPECT_EQ(byLabel["base"].train.epochs, 500);
    EXPECT_DOUBLE_EQ(byLabel["base"].train.lr, 1.0);
    EXPECT_EQ(byLabel["base"].model.hidden, 256);
    EXPECT_EQ(byLabel["base"].data.heldout, kLabHeldout);
    EXPECT_EQ(byLabel["lr=10"].train.onDivergence, OnDivergence::Continue);
    EXPECT_DOUBLE_EQ(byLabel["lr=10"].train.lr, 10.0);
    EXPECT_EQ(byLabel["epochs=1000"].train.epochs, 1000);
    EXPECT_EQ(byLabel["hidden=1024"].model.hidden, 1024);
    EXPECT_EQ(byLabel["hidden=1024"].train.epochs, 500);

    const Sweep quick = labSweep(*findLabStep("lstm"), LabMode::Quick);
    EXPECT_EQ(quick.name, "lab-quick 1.3");
    for (const auto& r : quick.runs) {
        EXPECT_EQ(r.config.model.arch, Arch::Lstm);
        if (r.label == "base") {
            EXPECT_EQ(r.config.train.epochs, 50);
        }
        // Issue 24, item 6: a label says what was trained.
        if (r.settings.size() == 1 && r.settings[0].first == "train.epochs") {
            EXPECT_EQ(r.label, "epochs=" + std::to_string(r.config.train.epochs));
            EXPECT_EQ(r.settings[0].second, std::to_string(r.config.train.epochs));
        }
    }
    std::set<std::string> quickLabels;
    for (const auto& r : quick.runs)
        quickLabels.insert(r.label);
    EXPECT_EQ(quickLabels.count("epochs=25") + quickLabels.count("epochs=75") + quickLabels.count("epochs=100"), 3u);
    EXPECT_EQ(quickLabels.count("epochs=250"), 0u);
    EXPECT_EQ(labRunLabel(findLabStep("lstm")->runs[1], LabMode::Full), "epochs=250");

    const auto s2s = labTranslations(*findLabStep("seq2seq"), LabMode::Full);
    ASSERT_EQ(s2s.size(), 2u);
    EXPECT_EQ(s2s[0].second.train.epochs, 300);
    EXPECT_EQ(s2s[1].first, "2x256");
    EXPECT_EQ(s2s[1].second.model.hidden, 256);
    EXPECT_EQ(s2s[1].second.model.layers, 2);
}

TEST(Lab, PresetsCarryTheBooksReferences)
{
    const References rnn = loadReferences(resolvePreset("book-rnn", PresetKind::Experiment));
    ASSERT_EQ(rnn.full.size(), 1u);
    EXPECT_EQ(rnn.full[0].metric, "perplexity");
    EXPECT_DOUBLE_EQ(rnn.full[0].value, 1.3);
    EXPECT_FALSE(rnn.quick.empty()) << "the quick lab has its own references";
    for (const char* name : {"book-gru", "book-lstm"}) {
        const References r = loadReferences(resolvePreset(name, PresetKind::Experiment));
        ASSERT_FALSE(r.full.empty()) << name;
        EXPECT_DOUBLE_EQ(r.full[0].value, 1.0) << name;
    }
    const References s2s = loadReferences(resolvePreset("book-seq2seq", PresetKind::Translation));
    int bleuOnes = 0;
    for (const auto& c : s2s.full)
        bleuOnes += c.metric == "bleu" && (c.sentence == "go ." || c.sentence == "i lost .") && c.value == 1.0;
    EXPECT_EQ(bleuOnes, 2);
    // The experiment itself still reads: `reference:` is not a run setting.
    EXPECT_EQ(loadExperimentFile(resolvePreset("book-rnn", PresetKind::Experiment)).model.hidden, 256);
}

TEST(Lab, MalformedReferencesNameTheKey)
{
    EXPECT_TRUE(parseReferences("model: {hidden: 3}\n").full.empty());
    auto expectError = [](const std::string& yaml, const std::string& key, const std::string& code) {
        try {
            parseReferences(yaml);
            ADD_FAILURE() << "accepted: " << yaml;
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.key(), key) << e.what();
            EXPECT_EQ(e.message().code, code) << e.what();
        }
    };
    expectError("reference:\n  checks:\n    - {metric: accuracy, value: 1}\n", "reference.checks[0].metric",
                "lab.unknown_metric");
    expectError("reference:\n  checks:\n    - {metric: perplexity, value: abc}\n", "reference.checks[0].value",
                "config.number");
    expectError("reference:\n  checks:\n    - {metric: perplexity, value: 1, tolerance: -1}\n",
                "reference.checks[0].tolerance", "lab.not_negative");
    expectError("reference:\n  checks:\n    - {metric: perplexity, value: 1, sentence: go .}\n",
                "reference.checks[0].sentence", "lab.sentence_not_bleu");
    expectError("reference:\n  checks:\n    - {metric: perplexity}\n", "reference.checks[0].value",
                "lab.expected_number");
    expectError("reference:\n  checks: 3\n", "reference.checks", "lab.expected_check_list");
    expectError("reference:\n  checks: [3]\n", "reference.checks[0]", "lab.expected_check");
    expectError("reference:\n  checks:\n    - {value: 1}\n", "reference.checks[0].metric", "lab.missing");
    expectError("reference:\n  chekcs: []\n", "reference.chekcs", "config.unknown_key_expected");
    expectError("reference: 3\n", "reference", "lab.expected_reference");
    // The one YAML walk's rules hold here too: a key given twice, a key that
    // is not a plain name (once an uncaught YAML exception) and an unknown one.
    auto expectCode = [](const std::string& yaml, const std::string& key, const std::string& code) {
        try {
            parseReferences(yaml);
            ADD_FAILURE() << "accepted: " << yaml;
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.key(), key) << e.what();
            EXPECT_EQ(e.message().code, code) << e.what();
            EXPECT_GT(e.line(), 0) << e.what();
        }
    };
    expectCode("reference:\n  checks:\n    - {metric: perplexity, value: 1, value: 2}\n", "reference.checks[0].value",
               "config.duplicate_key");
    expectCode("reference:\n  source: a\n  source: b\n", "reference.source", "config.duplicate_key");
    expectCode("reference:\n  checks:\n    - {[metric]: perplexity, value: 1}\n", "reference.checks[0]",
               "config.plain_key");
    expectCode("reference:\n  chekcs: []\n", "reference.chekcs", "config.unknown_key_expected");
}

TEST(Lab, ChecksSayPassFailAndNotYet)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const LabStep& rnn = *findLabStep("rnn");
    const std::vector<ReferenceCheck> checks{{"perplexity", "", 1.3, 0.15}, {"heldout_perplexity", "", 6.0, 0.5}};
    const std::int64_t good = recordRun(store, rnn, "base", 1.302, 7.0);
    const auto results = checkRun(store, store.run(good), checks);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_TRUE(results[0].passed);
    EXPECT_DOUBLE_EQ(results[0].measured, 1.302);
    EXPECT_TRUE(has(results[0].describe(), "✓")) << results[0].describe();
    EXPECT_FALSE(results[1].passed);
    EXPECT_DOUBLE_EQ(results[1].measured, 7.0);
    EXPECT_TRUE(has(results[1].describe(), "✗ 1.000 above")) << results[1].describe();
    EXPECT_TRUE(has(results[1].describe("zh_CN"), "高于")) << results[1].describe("zh_CN");

    NewRun queued;
    queued.sweep = "lab 1.2";
    queued.label = "base";
    const std::int64_t pending = store.createRun(queued);
    const auto notYet = checkRun(store, store.run(pending), checks);
    EXPECT_FALSE(notYet[0].measuredYet());
    EXPECT_FALSE(notYet[0].passed);
    EXPECT_TRUE(has(notYet[0].describe(), "not measured yet"));

    // labChecks reads the preset's references against the newest base run.
    const auto fromPreset = labChecks(store, rnn, LabMode::Full);
    ASSERT_FALSE(fromPreset.empty());
    EXPECT_TRUE(fromPreset[0].passed);
    recordRun(store, rnn, "base", 1.9, 7.0);  // a newer attempt replaces it
    EXPECT_FALSE(labChecks(store, rnn, LabMode::Full)[0].passed);
    EXPECT_EQ(labModeInLibrary(store), LabMode::Full);
}

// The lab's observations, stated from the numbers: a diverged RNN and GRU at
// lr 10 next to an LSTM that trains as well; a hidden size that overfits
// (better on the training text, worse on held-out text) next to one that
// does not.
TEST(Lab, ObservationsStateWhatTheRunsMeasured)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const LabStep& rnn = *findLabStep("rnn");
    const LabStep& lstm = *findLabStep("lstm");
    recordRun(store, rnn, "base", 1.30, 6.0);
    recordRun(store, rnn, "lr=10", 4.2e4, 5.0e4, "blew up at epoch 3: perplexity ...", LabMode::Full, 3);
    recordRun(store, rnn, "hidden=128", 3.0, 5.5);
    recordRun(store, rnn, "hidden=512", 1.10, 7.5);
    recordRun(store, rnn, "hidden=1024", 1.05, 9.0);
    recordRun(store, lstm, "base", 1.05, 4.0);
    recordRun(store, lstm, "lr=10", 1.10, 4.5);

    const auto said = labObservations(store, LabMode::Full);
    auto find = [&](const std::string& part) {
        for (const auto& s : said)
            if (has(s, part))
                return s;
        return std::string();
    };
    const std::string rnnLr = find("RNN at learning rate 10");
    EXPECT_TRUE(has(rnnLr, "diverges")) << rnnLr;
    const std::string lstmLr = find("LSTM at learning rate 10");
    EXPECT_TRUE(has(lstmLr, "trains as well as at learning rate 1")) << lstmLr;
    const std::string hidden = find("RNN: the lowest held-out perplexity");
    EXPECT_TRUE(has(hidden, "at 128 hidden units")) << hidden;
    EXPECT_TRUE(has(hidden, "512 (1.100 / 7.500)")) << hidden;
    EXPECT_TRUE(has(hidden, "1024")) << hidden;
    EXPECT_TRUE(has(hidden, "overfit")) << hidden;
    EXPECT_TRUE(has(find("final perplexities rank"), "LSTM 1.050 < RNN 1.300"));

    const auto zh = labObservations(store, LabMode::Full, "zh_CN");
    ASSERT_EQ(zh.size(), said.size());
    bool overfitZh = false;
    for (const auto& s : zh)
        overfitZh = overfitZh || has(s, "过拟合");
    EXPECT_TRUE(overfitZh);
}

// Issue 24, item 6: the cells' ranking says how long the runs it ranks
// trained, and claims the book's settings only for full runs of the book's
// length; a quick lab's epoch runs are shown (and found) as trained.
TEST(Lab, ObservationsSayAtWhatLengthTheyWereMeasured)
{
    TestLibrary lib;
    RunStore store(lib.str());
    for (const char* key : {"rnn", "gru", "lstm"})
        recordRun(store, *findLabStep(key), "base", std::string(key) == "rnn" ? 7.357 : 10.0, 12.0, "",
                  LabMode::Quick);
    const auto ranking = [&](LabMode mode, const std::string& lang) {
        for (const auto& o : labObservationList(store, mode, lang))
            if (o.kind == LabObservation::Kind::CellRanking)
                return o;
        return LabObservation{};
    };
    const LabObservation quick = ranking(LabMode::Quick, "en");
    ASSERT_FALSE(quick.text.empty());
    EXPECT_EQ(quick.epochs, 5) << "recordRun trains 5 epochs";
    EXPECT_FALSE(quick.bookSettings);
    EXPECT_TRUE(has(quick.text, "RNN 7.357")) << quick.text;
    EXPECT_TRUE(has(quick.text, std::to_string(quick.epochs))) << quick.text;
    EXPECT_FALSE(has(quick.text, labText("the book's settings", "en"))) << quick.text;
    const LabObservation zh = ranking(LabMode::Quick, "zh_CN");
    EXPECT_TRUE(has(zh.text, "5 个迭代周期")) << zh.text;
    EXPECT_FALSE(has(zh.text, "书中的设置")) << zh.text;

    // The quick lab's epoch runs, recorded under the label they trained.
    const LabStep& rnn = *findLabStep("rnn");
    const std::int64_t id = recordRun(store, rnn, labRunLabel(rnn.runs[1], LabMode::Quick), 8.0, 11.0, "", LabMode::Quick);
    const auto runs = labRunsOf(store, rnn, LabMode::Quick);
    ASSERT_TRUE(runs.count("epochs=25"));
    EXPECT_EQ(runs.at("epochs=25").id, id);
}

TEST(Lab, ReportIsWrittenInTheLabsStructureInBothLanguages)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const LabStep& rnn = *findLabStep("rnn");
    recordRun(store, rnn, "base", 1.302, 6.0);
    recordRun(store, rnn, "lr=10", 4.2e4, 5.0e4, "blew up at epoch 3", LabMode::Full, 3);
    recordRun(store, *findLabStep("gru"), "base", 1.04, 5.0);
    store.setLabNote("1.1", "The RNN at lr 10 repeats \"ohc\".\nSecond line.");

    const fs::path md = lib.path() / "report" / "lab.md";
    fs::create_directories(md.parent_path());
    LabReportOptions options;
    options.programVersion = "test";
    const auto written = writeLabReport(store, md.string(), options);
    ASSERT_GE(written.size(), 3u);
    EXPECT_EQ(written[0], md.string());
    const std::string text = readAll(md);
    for (const char* part : {"# RNN lab report", "## Reference checks", "## 1.1 RNN", "### Tuning: learning rate",
                             "## 1.4 Comparison", "## 2 Seq2seq", "## 3 Conclusions", "### What the data says",
                             "perplexity 1.302 ✓", "> The RNN at lr 10 repeats \"ohc\".", "> Second line.",
                             "blew up, trained on", "lab-rnn-base.svg", "a pipe"})
        EXPECT_TRUE(has(text, part)) << part;
    EXPECT_TRUE(has(text, "\\| a pipe")) << "a | in a sample is escaped inside the table";
    for (std::size_t i = 1; i < written.size(); ++i) {
        const std::string svg = readAll(written[i]);
        EXPECT_TRUE(has(svg, "<svg")) << written[i];
        EXPECT_TRUE(has(text, fs::path(written[i]).filename().string())) << "the report links " << written[i];
    }

    options.lang = "zh_CN";
    const fs::path html = lib.path() / "report" / "lab.html";
    const auto one = writeLabReport(store, html.string(), options);
    ASSERT_EQ(one.size(), 1u) << "an HTML report is one file";
    const std::string page = readAll(html);
    for (const char* part : {"<html lang=\"zh-CN\">", "循环神经网络实验报告", "与书中结果的核对", "调参：学习率", "<svg",
                             "发散后继续训练", "数据说明了什么", "The RNN at lr 10 repeats &quot;ohc&quot;."})
        EXPECT_TRUE(has(page, part)) << part;
    EXPECT_FALSE(has(page, "Tuning: learning rate")) << "no untranslated heading";

    EXPECT_THROW(writeLabReport(store, (lib.path() / "lab.pdf").string(), options), Error);
    options.lang = "fr";
    EXPECT_THROW(writeLabReport(store, html.string(), options), Error);
}

// Issue 29.4: the answers students gave in lessons, kept in the same library,
// are in the lab report with the lesson's title and each step's question; a
// lesson whose file is not at hand is named, its answers still there.
TEST(Lab, TheReportHasTheLessonsAnswers)
{
    TestLibrary lib;
    RunStore store(lib.str());
    store.setLessonAnswer("why-gates", 0, "the RNN <jumps>");
    store.setLessonAnswer("a-teachers-own", 2, "gates keep the past");
    const fs::path md = lib.path() / "lab.md";
    LabReportOptions options;
    options.programVersion = "test";
    writeLabReport(store, md.string(), options);
    const std::string text = readAll(md);
    const std::size_t section = text.find("## Lesson answers");
    ASSERT_NE(section, std::string::npos);
    for (const char* part : {"### Why gates?", "Step 1 — ", "the RNN ", "jumps", "### a-teachers-own", "Step 3",
                             "gates keep the past"})
        EXPECT_NE(text.find(part, section), std::string::npos) << part;
    options.lang = "zh_CN";
    const fs::path html = lib.path() / "lab.html";
    writeLabReport(store, html.string(), options);
    const std::string page = readAll(html);
    for (const char* part : {"课程中的回答", "为什么需要门控", "第 1 步", "the RNN &lt;jumps&gt;"})
        EXPECT_TRUE(has(page, part)) << part;
    EXPECT_FALSE(has(page, "<jumps>")) << "an answer is text, never markup";
}

TEST(Lab, NotesAreKeptPerStep)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        store.setLabNote("1.2", "GRU learns faster.");
        store.setLabNote("3", "结论：LSTM 最稳。");
    }
    RunStore store(lib.str());
    auto notes = store.labNotes();
    EXPECT_EQ(notes["1.2"], "GRU learns faster.");
    EXPECT_EQ(notes["3"], "结论：LSTM 最稳。");
    store.setLabNote("1.2", "");
    EXPECT_EQ(store.labNotes().count("1.2"), 0u);
}

TEST(Lab, UnknownStepIsRefusedBeforeAnythingRuns)
{
    TestLibrary lib;
    RunStore store(lib.str());
    LabOptions options;
    options.only = {"1.9"};
    LabObserver quiet;
    RunControl control;
    try {
        runLab(store, options, quiet, control);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        // {0} is the step asked for, {1} the steps there are.
        EXPECT_EQ(e.message().code, "lab.no_step") << e.what();
        ASSERT_EQ(e.message().args.size(), 2u) << e.what();
        EXPECT_EQ(e.message().args[0], "1.9") << e.what();
        EXPECT_TRUE(has(e.message().args[1], "1.1 (rnn)")) << e.what();
    }
    EXPECT_TRUE(store.runs().empty());
}

// One step for real, capped at 2 epochs: every run recorded under the step's
// sweep with its label, held-out perplexity on every epoch, the lr-10 run
// trained through, and the checks read from the recorded base run.
TEST(Lab, RunsAStepIntoTheLibrary)
{
    TestLibrary lib;
    RunStore store(lib.str());
    LabOptions options;
    options.mode = LabMode::Quick;
    options.only = {"rnn"};
    options.epochCap = 2;
    options.sweep.record.dataDir = resolveDataDir("");
    options.sweep.threads = 2;
    options.sweep.chainEpochs = false;  // capped, the epochs variants all train 2 epochs
    struct Seen : LabObserver {
        std::vector<std::string> finished;
        void onRunFinished(const LabStep&, const std::string& label, std::int64_t, const RunResult& r) override
        {
            finished.push_back(label + ":" + toString(r.status));
        }
    } seen;
    RunControl control;
    const auto seconds = runLab(store, options, seen, control);
    ASSERT_EQ(seconds.count("1.1"), 1u);
    EXPECT_GT(seconds.at("1.1"), 0.0);
    EXPECT_EQ(seen.finished.size(), 10u);
    const auto runs = labRunsOf(store, *findLabStep("rnn"), LabMode::Quick);
    ASSERT_EQ(runs.size(), 10u);
    for (const auto& [label, run] : runs) {
        EXPECT_EQ(run.state, StoredState::Finished) << label << ": " << run.message;
        const auto epochs = store.epochs(run.id);
        ASSERT_FALSE(epochs.empty()) << label;
        for (const auto& e : epochs)
            EXPECT_TRUE(std::isfinite(e.heldoutPerplexity)) << label << " epoch " << e.epoch;
    }
    EXPECT_EQ(runs.at("hidden=1024").config().model.hidden, 1024);
    EXPECT_EQ(labModeInLibrary(store), LabMode::Quick);
    const auto checks = labChecks(store, *findLabStep("rnn"), LabMode::Quick);
    ASSERT_FALSE(checks.empty());
    EXPECT_TRUE(checks[0].measuredYet());
    EXPECT_FALSE(checks[0].passed) << "2 epochs are not the quick lab's 50: " << checks[0].describe();
}

namespace {

// The quick lab's RNN step, every run capped at `cap` epochs.
LabOptions quickRnn(int cap)
{
    LabOptions options;
    options.mode = LabMode::Quick;
    options.only = {"rnn"};
    options.epochCap = cap;
    options.sweep.record.dataDir = resolveDataDir("");
    options.sweep.threads = 2;
    return options;
}

// What runLab told its observer, from any thread; optionally asks `stopAt`'s
// control to stop when a run reaches epoch `stopEpoch`.
struct LabEvents : LabObserver {
    std::mutex mutex;
    std::vector<std::string> started, reused, finished;
    std::map<std::string, int> resumedFrom;
    RunControl* stopAt = nullptr;
    int stopEpoch = 0;
    void onRunStarted(const LabStep&, const std::string& label, std::int64_t) override
    {
        std::lock_guard lock(mutex);
        started.push_back(label);
    }
    void onRunResumed(const LabStep&, const std::string& label, std::int64_t, int fromEpoch) override
    {
        std::lock_guard lock(mutex);
        resumedFrom[label] = fromEpoch;
    }
    void onRunReused(const LabStep&, const std::string& label, const StoredRun&) override
    {
        std::lock_guard lock(mutex);
        reused.push_back(label);
    }
    void onEpoch(const LabStep&, const std::string&, int epoch, int, double) override
    {
        if (stopAt && epoch >= stopEpoch)
            stopAt->requestStop();
    }
    void onRunFinished(const LabStep&, const std::string& label, std::int64_t, const RunResult& r) override
    {
        std::lock_guard lock(mutex);
        finished.push_back(label + ":" + toString(r.status));
    }
};

// The quick RNN step's runs as the lab shows them, planned at `cap` epochs.
std::map<std::string, std::int64_t> idsByLabel(RunStore& store, int cap)
{
    std::map<std::string, std::int64_t> ids;
    for (const auto& [label, run] : labRunsOf(store, *findLabStep("rnn"), LabMode::Quick, cap))
        ids[label] = run.id;
    return ids;
}

std::set<std::int64_t> idsOf(const std::vector<StoredRun>& runs)
{
    std::set<std::int64_t> ids;
    for (const auto& r : runs)
        ids.insert(r.id);
    return ids;
}

// A finished run recorded with `config`, outside any sweep (as the Language
// model tab records one); its epochs and weights are not looked at.
std::int64_t recordOutside(RunStore& store, const ExperimentConfig& config, const std::string& message = "")
{
    NewRun n;
    n.config = config;
    n.name = "my own book RNN";
    const std::int64_t id = store.createRun(n);
    for (int e = 1; e <= config.train.epochs; ++e)
        store.appendEpoch(id, {e, 10.0 - e, 1000, double(e), "", 12.0}, 1.0);
    RunResult r;
    r.status = RunStatus::Finished;
    r.epochsDone = config.train.epochs;
    r.message = message;
    store.finishRun(id, r, 0);
    return id;
}

ExperimentConfig labConfig(const std::string& label, int cap)
{
    for (const auto& r : labSweep(*findLabStep("rnn"), LabMode::Quick, cap).runs)
        if (r.label == label)
            return r.config;
    ADD_FAILURE() << "no label " << label;
    return {};
}

const LabRunPlan& planOf(const std::vector<LabRunPlan>& plan, const std::string& label)
{
    for (const auto& p : plan)
        if (p.label == label)
            return p;
    throw std::runtime_error("no label " + label);
}

} // namespace

// Issue 24, item 1: a finished step run again trains nothing (same rows, same
// ids, each reported kept); "train again" trains every run anew.
TEST(LabContinues, AFinishedStepIsKeptAndAgainTrainsItAnew)
{
    TestLibrary lib;
    RunStore store(lib.str());
    RunControl control;
    LabEvents first;
    runLab(store, quickRnn(2), first, control);
    ASSERT_EQ(first.started.size(), 10u);
    const auto ids = idsByLabel(store, 2);
    ASSERT_EQ(ids.size(), 10u);
    const std::size_t rows = store.runs().size();
    ASSERT_EQ(rows, 10u);

    LabEvents second;
    runLab(store, quickRnn(2), second, control);
    EXPECT_TRUE(second.started.empty()) << second.started.size() << " run(s) trained again";
    EXPECT_TRUE(second.resumedFrom.empty());
    EXPECT_EQ(second.reused.size(), 10u);
    EXPECT_EQ(store.runs().size(), rows) << "no new rows";
    EXPECT_EQ(idsByLabel(store, 2), ids);
    for (const auto& p : planLabStep(store, *findLabStep("rnn"), LabMode::Quick, 2))
        EXPECT_EQ(p.action, LabRunAction::Reuse) << p.label;

    LabOptions again = quickRnn(2);
    again.start = LabStart::Again;
    LabEvents third;
    runLab(store, again, third, control);
    EXPECT_EQ(third.started.size(), 10u);
    EXPECT_TRUE(third.reused.empty());
    EXPECT_EQ(store.runs().size(), 2 * rows) << "the old runs stay";
    const auto newIds = idsByLabel(store, 2);
    for (const auto& [label, id] : newIds) {
        EXPECT_GT(id, ids.at(label)) << label << ": the step shows its new run";
        EXPECT_EQ(store.run(id).state, StoredState::Finished) << label;
    }
}

// Issue 24 item 1 and issue 25 item 5: a step stopped half-way goes on in its
// own rows (the stopped runs from their checkpoints, the queued ones from the
// start); no run is left queued or stopped, no row added.
TEST(LabContinues, AStoppedStepResumesItsOwnRuns)
{
    TestLibrary lib;
    RunStore store(lib.str());
    RunControl control;
    LabEvents first;
    first.stopAt = &control;
    first.stopEpoch = 2;
    runLab(store, quickRnn(4), first, control);
    const auto before = store.runs();
    ASSERT_EQ(before.size(), 10u) << "every run of the step is planned at once";
    int unfinished = 0, withCheckpoint = 0;
    for (const auto& r : before) {
        unfinished += r.state != StoredState::Finished;
        withCheckpoint += r.state != StoredState::Finished && r.checkpointEpoch > 0;
    }
    ASSERT_GT(unfinished, 0) << "the stop came after the step had ended";
    ASSERT_GT(withCheckpoint, 0) << "no run was stopped with a checkpoint";
    for (const auto& p : planLabStep(store, *findLabStep("rnn"), LabMode::Quick, 4))
        EXPECT_EQ(p.action, p.run.state == StoredState::Finished ? LabRunAction::Reuse : LabRunAction::Resume) << p.label;

    RunControl go;
    LabEvents second;
    runLab(store, quickRnn(4), second, go);
    EXPECT_TRUE(second.started.empty()) << "no new run: " << second.started.size();
    EXPECT_EQ(static_cast<int>(second.resumedFrom.size()), unfinished);
    bool fromCheckpoint = false;
    for (const auto& [label, epoch] : second.resumedFrom)
        fromCheckpoint = fromCheckpoint || epoch > 0;
    EXPECT_TRUE(fromCheckpoint) << "a stopped run went on from its checkpoint";
    const auto after = store.runs();
    EXPECT_EQ(idsOf(after), idsOf(before)) << "the same runs, no orphans";
    for (const auto& r : after) {
        EXPECT_EQ(r.state, StoredState::Finished) << r.label;
        EXPECT_EQ(r.epochsDone, 4) << r.label;
        const auto epochs = store.epochs(r.id);
        ASSERT_EQ(epochs.size(), 4u) << r.label;
        for (std::size_t i = 0; i < epochs.size(); ++i)
            EXPECT_EQ(epochs[i].epoch, static_cast<int>(i) + 1) << r.label;
    }
}

// Issue 24 item 1: a run trained elsewhere (the Language model tab) with
// exactly a lab run's settings counts for the lab; another device, thread
// count or name does not matter, another seed or size does.
TEST(LabContinues, ARunTrainedElsewhereWithTheSameSettingsCounts)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const LabStep& rnn = *findLabStep("rnn");
    ExperimentConfig base = labConfig("base", 3);
    base.train.device = "auto";
    base.train.threads = 1;
    base.name = "RNN (book)";
    ExperimentConfig otherSeed = labConfig("lr=10", 3);
    otherSeed.train.seed = 7;
    recordOutside(store, otherSeed);
    ExperimentConfig smaller = labConfig("hidden=128", 3);
    smaller.model.hidden = 64;
    recordOutside(store, smaller);
    // Trained with on_divergence: stop, and it never blew up: the same run.
    ExperimentConfig stopOnBlowUp = labConfig("hidden=512", 3);
    stopOnBlowUp.train.onDivergence = OnDivergence::Stop;
    const std::int64_t hidden512 = recordOutside(store, stopOnBlowUp);
    const std::int64_t outside = recordOutside(store, base);

    const auto plan = planLabStep(store, rnn, LabMode::Quick, 3);
    EXPECT_EQ(planOf(plan, "base").action, LabRunAction::Reuse);
    EXPECT_EQ(planOf(plan, "base").run.id, outside);
    EXPECT_EQ(planOf(plan, "hidden=512").action, LabRunAction::Reuse);
    EXPECT_EQ(planOf(plan, "hidden=512").run.id, hidden512);
    EXPECT_EQ(planOf(plan, "lr=10").action, LabRunAction::Train) << "another seed is another run";
    EXPECT_EQ(planOf(plan, "hidden=128").action, LabRunAction::Train);
    EXPECT_EQ(planOf(plan, "lr=0.01").action, LabRunAction::Train);
    EXPECT_EQ(labRunsOf(store, rnn, LabMode::Quick, 3).at("base").id, outside) << "the lab shows it";
    EXPECT_EQ(labRunsOf(store, rnn, LabMode::Quick, 3).count("lr=10"), 0u);
    EXPECT_EQ(store.run(outside).sweep, "") << "the run stays where it was";
    EXPECT_EQ(planLabStep(store, rnn, LabMode::Quick, 3, LabStart::Again)[0].action, LabRunAction::Train);

    // The lab's own runs come first: stopped resumes, running is left to its owner.
    NewRun own;
    own.config = labConfig("lr=0.1", 3);
    own.sweep = labSweepName(rnn, LabMode::Quick);
    own.label = "lr=0.1";
    const std::int64_t queued = store.createRun(own);
    own.label = "lr=0.01";
    own.config = labConfig("lr=0.01", 3);
    const std::int64_t busy = store.createRun(own);
    store.markRunning(busy, "cpu", 1);
    const auto mine = planLabStep(store, rnn, LabMode::Quick, 3);
    EXPECT_EQ(planOf(mine, "lr=0.1").action, LabRunAction::Resume);
    EXPECT_EQ(planOf(mine, "lr=0.1").run.id, queued);
    EXPECT_EQ(planOf(mine, "lr=0.01").action, LabRunAction::Busy);
    EXPECT_EQ(planOf(mine, "lr=0.01").run.id, busy);
    RunResult stopped;
    stopped.status = RunStatus::Stopped;
    store.finishRun(busy, stopped, 0);
}

// The same, end to end: with the base run trained from outside the lab, the
// step trains the nine others and reports the base run kept.
TEST(LabContinues, TheStepTrainsOnlyWhatIsMissing)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const std::int64_t outside = recordOutside(store, labConfig("lr=10", 2));
    RunControl control;
    LabEvents events;
    runLab(store, quickRnn(2), events, control);
    EXPECT_EQ(events.reused, std::vector<std::string>{"lr=10"});
    EXPECT_EQ(events.started.size(), 9u);
    EXPECT_EQ(store.runs().size(), 10u);
    EXPECT_EQ(idsByLabel(store, 2).at("lr=10"), outside);
}

// Issue 25 item 5: a real `traveller-cli lab run` killed with SIGKILL half-way;
// run again, the lab resumes its own runs: the same ten rows, all finished,
// none left queued or interrupted.
TEST(LabContinues, AKilledLabRunGoesOnInItsOwnRows)
{
    TestLibrary lib;
    const std::vector<std::string> args{"lab", "run", "--quick", "--only", "rnn", "--epoch-cap", "6", "--threads", "2",
                                        "--library", lib.str(), "--data-dir", resolveDataDir(""), "--quiet"};
    const pid_t child = startCli(args, "/dev/null");
    ASSERT_GT(child, 0);
    bool killable = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!killable && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!std::filesystem::exists(lib.path() / "runs.sqlite"))
            continue;
        RunStore store(lib.str());
        for (const auto& r : store.runs())
            killable = killable || (r.state == StoredState::Running && r.checkpointEpoch >= 2);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, WNOHANG), 0) << "the lab ended before the test could kill it";
    ASSERT_EQ(kill(child, SIGKILL), 0);
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(killable) << "no run reached its second checkpoint in time";

    std::set<std::int64_t> killedIds;
    {
        RunStore store(lib.str());
        const auto runs = store.runs();
        ASSERT_EQ(runs.size(), 10u);
        killedIds = idsOf(runs);
        int interrupted = 0;
        for (const auto& r : runs)
            interrupted += r.state == StoredState::Interrupted;
        EXPECT_GT(interrupted, 0);
    }
    const pid_t again = startCli(args, "/dev/null");
    ASSERT_GT(again, 0);
    ASSERT_EQ(waitpid(again, &status, 0), again);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_NE(WEXITSTATUS(status), 1) << "the second lab run failed";

    RunStore store(lib.str());
    const auto runs = store.runs();
    EXPECT_EQ(idsOf(runs), killedIds) << "the same runs, no orphans";
    for (const auto& r : runs) {
        EXPECT_EQ(r.state, StoredState::Finished) << r.label << ": " << r.message;
        EXPECT_EQ(r.epochsDone, 6) << r.label;
        EXPECT_EQ(store.epochs(r.id).size(), 6u) << r.label;
    }
}

// Issue 25 items 4 and 11: a note file that cannot be read (a folder, a FIFO,
// a device, one over the limit) is refused with the reason, at once, and the
// step's note stays as it was.
TEST(LabNote, AnUnreadableFileKeepsTheNote)
{
    TestLibrary lib;
    const std::string library = " --library \"" + lib.str() + "\"";
    ASSERT_EQ(cliWithin(30, "lab note 1.1 --text \"keep me\"" + library).status, 0);
    const auto note = [&] { return RunStore(lib.str()).labNotes()["1.1"]; };
    ASSERT_EQ(note(), "keep me");

    const fs::path fifo = lib.path() / "fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    const fs::path large = lib.path() / "large.txt";
    std::ofstream(large) << std::string(kMaxNoteBytes + 1, 'a');
    const std::vector<std::pair<std::string, std::string>> bad{{lib.str(), "folder"},
                                                               {fifo.string(), "FIFO"},
                                                               {"/dev/zero", "device"},
                                                               {large.string(), "limit"},
                                                               {(lib.path() / "absent").string(), "no such file"}};
    for (const auto& [file, why] : bad) {
        const auto start = std::chrono::steady_clock::now();
        const CliResult r = cliWithin(30, "lab note 1.1 --file \"" + file + "\"" + library);
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20)) << file;
        EXPECT_NE(r.status, 0) << file << ": " << r.output;
        EXPECT_NE(r.status, 124) << file << " blocked";
        EXPECT_TRUE(has(r.output, why)) << file << ": " << r.output;
        EXPECT_EQ(note(), "keep me") << file;
    }
    const CliResult piped = cliWithin(30, "lab note 1.1 --file -" + library + " < \"" + large.string() + "\"");
    EXPECT_NE(piped.status, 0) << piped.output;
    EXPECT_EQ(note(), "keep me");

    const fs::path good = lib.path() / "note.txt";
    std::ofstream(good) << "GRU learns faster.";
    EXPECT_EQ(cliWithin(30, "lab note 1.1 --file \"" + good.string() + "\"" + library).status, 0);
    EXPECT_EQ(note(), "GRU learns faster.");
}

// The sweep engine under the lab's plan: a kept finished run starts the
// longer run of its epoch chain (the lab's 500 -> 750 epochs), which then
// equals a chain trained in one go; a resumed run trains in its own row.
TEST(LabContinues, AKeptRunStartsTheLongerRunOfItsChain)
{
    const char* yaml = R"(name: chain
base:
  model: {arch: rnn, hidden: 16}
  train: {device: cpu, threads: 1}
  data: {max_tokens: 2000, sampling: random}
  sample: {every: 1, length: 10}
grid:
  train.epochs: [2, 4]
)";
    const Sweep sweep = parseSweepYaml(yaml);
    ASSERT_EQ(sweep.runs.size(), 2u);
    SweepOptions options;
    options.record.dataDir = resolveDataDir("");
    options.parallel = 1;
    RunControl control;
    SweepObserver quiet;

    TestLibrary straightLib;
    RunStore straight(straightLib.str());
    SweepRunner inOneGo(straight, sweep, options);
    inOneGo.run(quiet, control);
    const auto expected = straight.epochs(inOneGo.ids()[1]);
    ASSERT_EQ(expected.size(), 4u);

    TestLibrary lib;
    RunStore store(lib.str());
    Sweep shortOnly = sweep;
    shortOnly.runs.resize(1);
    SweepRunner first(store, shortOnly, options);
    first.run(quiet, control);
    const std::int64_t kept = first.ids()[0];
    ASSERT_EQ(store.run(kept).state, StoredState::Finished);

    struct Kept : SweepObserver {
        std::vector<std::size_t> kept, started;
        void onRunKept(std::size_t index, std::int64_t, const RunResult& r) override
        {
            EXPECT_EQ(r.status, RunStatus::Finished);
            kept.push_back(index);
        }
        void onRunStarted(std::size_t index, std::int64_t) override { started.push_back(index); }
    } seen;
    SweepRunner second(store, sweep, options, {{SweepRunAction::Keep, kept}, {}});
    EXPECT_EQ(second.ids()[0], kept);
    second.run(seen, control);
    EXPECT_EQ(seen.kept, std::vector<std::size_t>{0});
    EXPECT_EQ(seen.started, std::vector<std::size_t>{1});
    EXPECT_EQ(store.runs().size(), 2u);
    const auto epochs = store.epochs(second.ids()[1]);
    ASSERT_EQ(epochs.size(), expected.size());
    for (std::size_t i = 0; i < epochs.size(); ++i)
        EXPECT_NEAR(epochs[i].perplexity, expected[i].perplexity, 1e-9 * expected[i].perplexity) << "epoch " << i + 1;

    // Resume: a queued run trains in its own row (here continuing the kept one).
    NewRun again{sweep.runs[1].config, "", "chain", "again", "test"};
    const std::int64_t stopped = store.createRun(again);
    SweepRunner third(store, sweep, options, {{SweepRunAction::Keep, kept}, {SweepRunAction::Resume, stopped}});
    EXPECT_EQ(third.ids()[1], stopped);
    third.run(quiet, control);
    EXPECT_EQ(store.run(stopped).state, StoredState::Finished);
    EXPECT_EQ(store.epochs(stopped).size(), 4u);
    EXPECT_EQ(store.runs().size(), 3u);
    EXPECT_THROW(SweepRunner(store, sweep, options, {{}}), StoreError) << "a plan names every run";
}
