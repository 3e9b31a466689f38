// The lab (Lab.h, LabReport.h): its steps, the presets' reference checks, the
// observations it states from recorded runs, its report in both languages,
// and one real (capped) step trained through runLab into a library.
#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Lab.h"
#include "traveller/core/LabReport.h"
#include "traveller/core/Presets.h"
#include "traveller/core/RunStore.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

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
                       const std::string& message = "", LabMode mode = LabMode::Full)
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
        if (r.label == "epochs=250") {
            EXPECT_EQ(r.config.train.epochs, 25);
        }
        if (r.label == "epochs=1000") {
            EXPECT_EQ(r.config.train.epochs, 100);
        }
    }

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
    auto expectError = [](const std::string& yaml, const std::string& key) {
        try {
            parseReferences(yaml);
            ADD_FAILURE() << "accepted: " << yaml;
        } catch (const ConfigError& e) {
            EXPECT_TRUE(has(e.what(), key)) << e.what();
        }
    };
    expectError("reference:\n  checks:\n    - {metric: accuracy, value: 1}\n", "reference.checks[0].metric");
    expectError("reference:\n  checks:\n    - {metric: perplexity, value: abc}\n", "reference.checks[0].value");
    expectError("reference:\n  checks:\n    - {metric: perplexity, value: 1, tolerance: -1}\n", "tolerance");
    expectError("reference:\n  checks:\n    - {metric: perplexity, value: 1, sentence: go .}\n", "sentence");
    expectError("reference:\n  chekcs: []\n", "reference.chekcs");
    expectError("reference: 3\n", "reference");
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
    recordRun(store, rnn, "lr=10", 4.2e4, 5.0e4, "blew up at epoch 3: perplexity ...");
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

TEST(Lab, ReportIsWrittenInTheLabsStructureInBothLanguages)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const LabStep& rnn = *findLabStep("rnn");
    recordRun(store, rnn, "base", 1.302, 6.0);
    recordRun(store, rnn, "lr=10", 4.2e4, 5.0e4, "blew up at epoch 3");
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
        EXPECT_TRUE(has(e.what(), "no lab step '1.9'")) << e.what();
        EXPECT_TRUE(has(e.what(), "1.1 (rnn)")) << e.what();
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
        EXPECT_EQ(run.status, "finished") << label << ": " << run.message;
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
