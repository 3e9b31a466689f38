// The sweep engine shared by the CLI and the GUI: exact continuation from a
// checkpoint, epoch chains equal to independent runs, stopping, and the
// Markdown report's chart.
#include "TestLibrary.h"

#include "chart/ChartSvg.h"

#include "traveller/core/chart/ChartScale.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/SweepRunner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

class Perplexities : public TrainingObserver {
public:
    void onEpoch(const EpochStats& s) override { values.push_back(s.perplexity); }
    std::vector<double> values;
};

class RecordingSweepObserver : public SweepObserver {
public:
    void onRunStarted(std::size_t index, std::int64_t) override
    {
        std::lock_guard lock(mutex);
        started.push_back(index);
    }
    void onEpoch(std::size_t, const EpochStats&) override
    {
        std::lock_guard lock(mutex);
        ++epochs;
    }
    void onRunFinished(std::size_t index, std::int64_t, const RunResult& r) override
    {
        std::lock_guard lock(mutex);
        finished.emplace_back(index, r.status);
    }
    std::mutex mutex;
    std::vector<std::size_t> started;
    std::vector<std::pair<std::size_t, RunStatus>> finished;
    int epochs = 0;
};

ExperimentConfig tiny(int epochs, const std::string& sampling = "random")
{
    ExperimentConfig c = parseExperimentYaml(kTinyExperiment);
    c.train.epochs = epochs;
    setConfigValue(c, "data.sampling", sampling);
    return c;
}

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const char* kChainSweep = R"(name: chain-test
base:
  model: {arch: rnn, hidden: 16}
  train: {device: cpu, threads: 1}
  data: {max_tokens: 2000, sampling: random}
  sample: {every: 1, length: 10}
grid:
  train.epochs: [4, 2]
  train.lr: [0.5, 1]
)";

} // namespace

// The data order's generator travels with the checkpoint: training 2 epochs,
// saving, and training 2 more in a new session is the same computation as 4
// epochs in one go (random batches draw from the generator every epoch).
TEST(Continuation, ResumedTrainingMatchesAnUninterruptedRun)
{
    TestLibrary lib;
    const std::string checkpoint = (lib.path() / "half.pt").string();
    RunControl control;

    Perplexities straight;
    LmSession(tiny(4), resolveDataDir()).train(straight, control);
    ASSERT_EQ(straight.values.size(), 4u);

    Perplexities first, second;
    {
        LmSession session(tiny(2), resolveDataDir());
        session.train(first, control);
        session.saveCheckpoint(checkpoint);
    }
    LmSession resumed(tiny(2), resolveDataDir());
    resumed.loadCheckpoint(checkpoint);
    resumed.train(second, control);

    ASSERT_EQ(second.values.size(), 2u);
    EXPECT_DOUBLE_EQ(first.values[0], straight.values[0]);
    EXPECT_DOUBLE_EQ(first.values[1], straight.values[1]);
    EXPECT_DOUBLE_EQ(second.values[0], straight.values[2]);
    EXPECT_DOUBLE_EQ(second.values[1], straight.values[3]);
}

TEST(SweepRunner, ChainsRunsThatDifferOnlyInEpochs)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const Sweep sweep = parseSweepYaml(kChainSweep);
    ASSERT_EQ(sweep.runs.size(), 4u);  // epochs 4, 2 crossed with lr 0.5, 1
    SweepOptions options;
    options.record.dataDir = resolveDataDir();
    options.parallel = 1;
    SweepRunner runner(store, sweep, options);

    // Each 4-epoch run continues the 2-epoch run with its learning rate.
    ASSERT_EQ(runner.continues().size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        const int before = runner.continues()[i];
        if (sweep.runs[i].config.train.epochs == 4) {
            ASSERT_GE(before, 0) << sweep.runs[i].label;
            const auto& shorter = sweep.runs[static_cast<std::size_t>(before)].config;
            EXPECT_EQ(shorter.train.epochs, 2);
            EXPECT_EQ(shorter.train.lr, sweep.runs[i].config.train.lr);
        } else {
            EXPECT_EQ(before, -1) << sweep.runs[i].label;
        }
    }
    for (auto id : runner.ids())
        EXPECT_EQ(store.run(id).state, StoredState::Queued);

    RecordingSweepObserver observer;
    RunControl control;
    const auto results = runner.run(observer, control);
    ASSERT_EQ(results.size(), 4u);
    EXPECT_EQ(observer.finished.size(), 4u);
    // A continued run's wall time includes the shorter run's, in the result as
    // in the store.
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_DOUBLE_EQ(results[i].seconds, store.run(runner.ids()[i]).seconds);
        const int before = runner.continues()[i];
        if (before >= 0) {
            EXPECT_GT(results[i].seconds, results[static_cast<std::size_t>(before)].seconds);
        }
    }
    // Only the epochs actually trained are reported: 2 + 2 per chain.
    EXPECT_EQ(observer.epochs, 8);

    // The same sweep without chains: every run from scratch.
    TestLibrary plainLib;
    RunStore plainStore(plainLib.str());
    options.chainEpochs = false;
    SweepRunner plain(plainStore, sweep, options);
    for (int before : plain.continues())
        EXPECT_EQ(before, -1);
    RecordingSweepObserver plainObserver;
    plain.run(plainObserver, control);
    EXPECT_EQ(plainObserver.epochs, 12);

    for (std::size_t i = 0; i < 4; ++i) {
        const StoredRun chained = store.run(runner.ids()[i]);
        const StoredRun fresh = plainStore.run(plain.ids()[i]);
        EXPECT_EQ(chained.state, StoredState::Finished);
        EXPECT_EQ(chained.epochsDone, sweep.runs[i].config.train.epochs);
        EXPECT_GT(chained.seconds, 0);
        EXPECT_TRUE(fs::is_regular_file(store.checkpointPath(chained.id)));
        const auto a = store.epochs(chained.id);
        const auto b = plainStore.epochs(fresh.id);
        ASSERT_EQ(a.size(), b.size()) << chained.label;
        for (std::size_t e = 0; e < a.size(); ++e) {
            EXPECT_EQ(a[e].epoch, b[e].epoch);
            EXPECT_DOUBLE_EQ(a[e].perplexity, b[e].perplexity) << chained.label << " epoch " << a[e].epoch;
            EXPECT_EQ(a[e].sample, b[e].sample) << chained.label << " epoch " << a[e].epoch;
        }
        EXPECT_EQ(chained.samples, fresh.samples) << chained.label;
    }
}

TEST(SweepRunner, ARunAfterADivergedOneStartsFromScratch)
{
    TestLibrary lib;
    RunStore store(lib.str());
    // lr 1000 without clipping blows up within the first epochs.
    const Sweep sweep = parseSweepYaml(R"(name: diverging
base:
  model: {arch: rnn, hidden: 16}
  train: {device: cpu, threads: 1, lr: 1000, clip: 0}
  data: {max_tokens: 2000}
grid:
  train.epochs: [4, 8]
  train.seed: [1, 2]
)");
    SweepOptions options;
    options.record.dataDir = resolveDataDir();
    options.parallel = 2;
    SweepRunner runner(store, sweep, options);
    ASSERT_EQ(runner.ids().size(), 4u);
    RecordingSweepObserver observer;
    RunControl control;
    const auto results = runner.run(observer, control);
    for (std::size_t i = 0; i < results.size(); ++i) {
        const StoredRun r = store.run(runner.ids()[i]);
        EXPECT_EQ(r.state, StoredState::Diverged) << sweep.runs[i].label;
        EXPECT_LT(r.epochsDone, 4) << sweep.runs[i].label;
        const int before = runner.continues()[i];
        EXPECT_EQ(before >= 0, sweep.runs[i].config.train.epochs == 8);
        // The longer run trained on its own from epoch 1 and met the same fate.
        if (before >= 0) {
            EXPECT_EQ(r.message, store.run(runner.ids()[static_cast<std::size_t>(before)]).message);
            EXPECT_EQ(results[i].divergedEpoch, results[static_cast<std::size_t>(before)].divergedEpoch);
        }
    }
}

TEST(SweepRunner, AStopLeavesUnstartedRunsQueued)
{
    TestLibrary lib;
    RunStore store(lib.str());
    SweepOptions options;
    options.record.dataDir = resolveDataDir();
    SweepRunner runner(store, parseSweepYaml(kChainSweep), options);
    RunControl control;
    control.requestStop();
    RecordingSweepObserver observer;
    const auto results = runner.run(observer, control);
    EXPECT_TRUE(observer.started.empty());
    for (std::size_t i = 0; i < results.size(); ++i) {
        EXPECT_EQ(results[i].status, RunStatus::Stopped);
        EXPECT_EQ(results[i].epochsDone, 0);
        EXPECT_EQ(store.run(runner.ids()[i]).state, StoredState::Queued);
    }
}

TEST(SweepRunner, ChoosesParallelRunsAndThreadSlices)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const Sweep sweep = parseSweepYaml(kChainSweep);
    SweepOptions options;
    options.parallel = 2;
    options.threads = 4;
    SweepRunner two(store, sweep, options);
    EXPECT_EQ(two.parallel(), 2);
    EXPECT_EQ(two.threadsPerRun(), 2);
    for (auto id : two.ids())
        EXPECT_EQ(store.run(id).config().train.threads, 2);

    // A GPU that is not there is refused before any run is created.
    const auto before = store.runs().size();
    options.device = "cuda:7";
    if (!cudaSupportCompiled()) {
        EXPECT_THROW(SweepRunner(store, sweep, options), DeviceError);
    }
    EXPECT_EQ(store.runs().size(), before);
}

TEST(Report, MarkdownReportLinksAChartOfEveryRun)
{
    TestLibrary lib;
    RunStore store(lib.str());
    SweepOptions options;
    options.record.dataDir = resolveDataDir();
    options.parallel = 1;
    const Sweep sweep = parseSweepYaml(kChainSweep);
    SweepRunner runner(store, sweep, options);
    RecordingSweepObserver observer;
    RunControl control;
    runner.run(observer, control);

    const fs::path md = lib.path() / "report.md";
    const std::vector<StoredRun> reported = store.runsOfSweep("chain-test");
    const std::string chart = writeMarkdownReport(store, reported, md.string(), "Chain test");
    EXPECT_EQ(chart, (lib.path() / "report-perplexity.svg").string());
    const std::string text = readFile(md);
    EXPECT_NE(text.find("# Chain test"), std::string::npos);
    EXPECT_NE(text.find("![Perplexity per epoch, log scale](report-perplexity.svg)"), std::string::npos);
    for (auto id : runner.ids())
        EXPECT_NE(text.find("| " + std::to_string(id) + " | "), std::string::npos);

    // A real SVG: one polyline per run in a colour of its own (the n-th run
    // the n-th colour, as the window draws them), with one point per recorded
    // epoch inside the 960 x 540 page.
    const std::string svg = readFile(chart);
    ASSERT_EQ(svg.rfind("<?xml", 0), 0u);
    EXPECT_NE(svg.find("width=\"960\" height=\"540\""), std::string::npos);
    EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
    ASSERT_LE(reported.size(), chart::kPaletteSize);
    for (std::size_t k = 0; k < reported.size(); ++k) {
        const auto id = reported[k].id;
        char colour[8];
        std::snprintf(colour, sizeof colour, "#%06x", static_cast<unsigned>(chart::seriesColor(k)));
        const auto group = svg.find("<g fill=\"" + std::string(colour) + "\"");
        ASSERT_NE(group, std::string::npos) << "no curve in run " << id << "'s colour " << colour;
        const auto pointsAt = svg.find("points=\"", group) + 8;
        const std::string points = svg.substr(pointsAt, svg.find('"', pointsAt) - pointsAt);
        std::istringstream in(points);
        std::string pair;
        std::size_t count = 0;
        while (in >> pair) {
            const double x = std::stod(pair.substr(0, pair.find(',')));
            const double y = std::stod(pair.substr(pair.find(',') + 1));
            EXPECT_TRUE(x >= 70 && x <= 660 && y >= 40 && y <= 490) << pair;
            ++count;
        }
        EXPECT_EQ(count, store.epochs(id).size());
    }
}

TEST(Report, ChartTextIsEscapedAndNamesStayValidUtf8)
{
    chart::LineChartSpec spec;
    spec.title = "a <b> & \"c\"";
    chart::Series s;
    s.name = "循环神经网络" + std::string(60, 'x') + "<script>";
    s.x = {1, 2, 3};
    s.y = {20, 1e11, std::nan("")};  // a diverged run: drawn at the edge, counted
    spec.series.push_back(s);
    const std::string svg = chart::lineChartSvg(spec);
    EXPECT_NE(svg.find("a &lt;b&gt; &amp; &quot;c&quot;"), std::string::npos);
    EXPECT_EQ(svg.find("<script>"), std::string::npos);
    EXPECT_NE(svg.find("循环神经网络"), std::string::npos);
    EXPECT_NE(svg.find("2 point(s) outside the axis"), std::string::npos);
    // The Chinese lab report's note is Chinese, with its count.
    spec.clippedNote = labText("{0} point(s) outside the axis, drawn at its edge", "zh_CN");
    const std::string zh = chart::lineChartSvg(spec);
    EXPECT_NE(zh.find("2 个点超出坐标轴范围"), std::string::npos);
    EXPECT_EQ(zh.find("outside the axis"), std::string::npos);
}

// The report's legend names each run whole, on as many lines as it takes
// (up to three), not cut to "…" after a few words.
TEST(Report, LegendNamesRunsWhole)
{
    chart::LineChartSpec spec;
    for (const char* cell : {"RNN", "GRU", "LSTM"}) {
        chart::Series s;
        s.name = std::string("lab 1.3 compare the cells: ") + cell + ", hidden 256, learning rate 1, 500 epochs";
        s.x = {1, 2};
        s.y = {20, 10};
        spec.series.push_back(s);
    }
    const std::string svg = chart::lineChartSvg(spec);
    EXPECT_EQ(svg.find("…"), std::string::npos);
    for (const char* word : {"RNN,", "GRU,", "LSTM,", "learning rate 1", "epochs"})
        EXPECT_NE(svg.find(word), std::string::npos) << word;
    // Three colours of their own.
    for (std::size_t k = 0; k < 3; ++k) {
        char colour[8];
        std::snprintf(colour, sizeof colour, "#%06x", static_cast<unsigned>(chart::seriesColor(k)));
        EXPECT_NE(svg.find("<g fill=\"" + std::string(colour) + "\""), std::string::npos) << colour;
    }
}

// A setting changed while a run trained is a labelled mark on its curve in
// the report's chart (issue 27.2), escaped like any text; a mark before the
// curve starts is not drawn.
TEST(Report, ChangesAreMarkedOnTheirCurve)
{
    chart::LineChartSpec spec;
    chart::Series s;
    s.name = "steered";
    s.x = {3, 4, 5, 6};
    s.y = {20, 15, 12, 11};
    s.marks = {{5, "lr 1\u21920.3"}, {1, "before<it>"}};
    spec.series.push_back(s);
    const std::string svg = chart::lineChartSvg(spec);
    EXPECT_NE(svg.find(">lr 1\u21920.3</text>"), std::string::npos);
    EXPECT_NE(svg.find("<title>lr 1\u21920.3</title>"), std::string::npos);
    EXPECT_EQ(svg.find("before"), std::string::npos);
    EXPECT_EQ(eventMarkLabel({5, 0, "train.lr", "1", "0.3", true}), "lr 1\u21920.3");
}
