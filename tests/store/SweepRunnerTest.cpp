// The sweep engine shared by the CLI and the GUI: exact continuation from a
// checkpoint, epoch chains equal to independent runs, stopping, and the
// Markdown report's chart.
#include "TestLibrary.h"

#include "traveller/core/ChartScale.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/RunExport.h"
#include "traveller/core/SweepRunner.h"

#include <gtest/gtest.h>
#include <zlib.h>

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

std::uint32_t bigEndian(const std::string& bytes, std::size_t at)
{
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
        v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
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
        EXPECT_EQ(store.run(id).status, "queued");

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
        EXPECT_EQ(chained.status, "finished");
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
        EXPECT_EQ(r.status, "diverged") << sweep.runs[i].label;
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
        EXPECT_EQ(store.run(runner.ids()[i]).status, "queued");
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
    const std::string chart = writeMarkdownReport(store, store.runsOfSweep("chain-test"), md.string(), "Chain test");
    EXPECT_EQ(chart, (lib.path() / "report-perplexity.png").string());
    const std::string text = readFile(md);
    EXPECT_NE(text.find("# Chain test"), std::string::npos);
    EXPECT_NE(text.find("![Perplexity per epoch, log scale](report-perplexity.png)"), std::string::npos);
    for (auto id : runner.ids())
        EXPECT_NE(text.find("| " + std::to_string(id) + " | "), std::string::npos);

    // A real PNG: signature, 960 x 540 RGB, and pixels of the first two runs'
    // colours (each run's own, as the window draws it) drawn into it.
    const std::string png = readFile(chart);
    ASSERT_GT(png.size(), 33u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(png.substr(12, 4), "IHDR");
    EXPECT_EQ(bigEndian(png, 16), 960u);
    EXPECT_EQ(bigEndian(png, 20), 540u);
    std::string packed;
    for (std::size_t at = 8; at + 8 <= png.size();) {
        const std::uint32_t length = bigEndian(png, at);
        if (png.substr(at + 4, 4) == "IDAT")
            packed += png.substr(at + 8, length);
        at += 12 + length;
    }
    std::string raw(540 * (960 * 3 + 1), '\0');
    uLongf size = static_cast<uLongf>(raw.size());
    ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &size, reinterpret_cast<const Bytef*>(packed.data()),
                         static_cast<uLong>(packed.size())),
              Z_OK);
    ASSERT_EQ(size, raw.size());
    std::set<std::uint32_t> colours;  // inside the plot, left of the legend
    for (std::size_t y = 0; y < 540; ++y)
        for (std::size_t x = 0; x < 680; ++x) {
            const std::size_t i = y * (960 * 3 + 1) + 1 + x * 3;
            colours.insert((static_cast<std::uint32_t>(static_cast<unsigned char>(raw[i])) << 16) |
                           (static_cast<std::uint32_t>(static_cast<unsigned char>(raw[i + 1])) << 8) |
                           static_cast<unsigned char>(raw[i + 2]));
        }
    EXPECT_TRUE(colours.count(chart::runColor(runner.ids()[0])));
    EXPECT_TRUE(colours.count(chart::runColor(runner.ids()[1])));
    EXPECT_TRUE(colours.count(0xffffff));
}
