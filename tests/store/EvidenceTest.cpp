// Runs compared with evidence (RunEvidence.h): groups across seeds with their
// spread, "beyond the seed spread" only when it is, and a diff that shows only
// what differs, from the schema. Runs are recorded with made-up curves: no
// training, so the figures are known exactly.
#include "traveller/core/store/RunEvidence.h"

#include "traveller/core/Errors.h"
#include "traveller/core/store/RunStore.h"

#include "TestLibrary.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

using namespace traveller;

namespace {

// A finished run of `config` whose perplexity falls to `final` (best = final)
// with a held-out perplexity of final + 1.
std::int64_t record(RunStore& store, ExperimentConfig config, const std::string& label, double final)
{
    NewRun n;
    n.config = std::move(config);
    n.sweep = "evidence";
    n.label = label;
    const std::int64_t id = store.createRun(n);
    for (int e = 1; e <= 3; ++e) {
        StoredEpoch ep;
        ep.epoch = e;
        ep.perplexity = final + (3 - e);
        ep.heldoutPerplexity = final + 1;
        ep.tokensPerSecond = 1000 * e;
        ep.elapsedSeconds = e;
        store.appendEpoch(id, ep, 1.0);
    }
    RunResult r;
    r.status = RunStatus::Finished;
    r.epochsDone = 3;
    store.finishRun(id, r, 0);
    return id;
}

ExperimentConfig withSettings(double lr, std::uint64_t seed, const std::string& device = "cpu")
{
    ExperimentConfig c;
    c.train.lr = lr;
    c.train.seed = seed;
    c.train.device = device;
    return c;
}

std::vector<RunFigures> figuresOf(RunStore& store, const std::vector<StoredRun>& runs)
{
    std::vector<RunFigures> out;
    for (const StoredRun& r : runs)
        out.push_back(runFigures(r, store.epochs(r.id)));
    return out;
}

} // namespace

TEST(Evidence, SpreadIsMeanSampleSdAndRange)
{
    const Spread s = spreadOf({1.0, 2.0, 3.0, std::nan("")});
    EXPECT_EQ(s.n, 3);
    EXPECT_DOUBLE_EQ(s.mean, 2.0);
    EXPECT_DOUBLE_EQ(s.sd, 1.0);
    EXPECT_DOUBLE_EQ(s.min, 1.0);
    EXPECT_DOUBLE_EQ(s.max, 3.0);
    EXPECT_EQ(spreadOf({5.0}).sd, 0.0);
    EXPECT_EQ(spreadOf({}).n, 0);
    EXPECT_TRUE(std::isnan(spreadOf({}).mean));
}

// Three seeds of lr 1 and three of lr 10: two groups, whatever the device;
// lr 1 is better beyond its seeds' spread, and a third setting whose range
// overlaps lr 1's is not called different.
TEST(Evidence, RunsDifferingOnlyInTheirSeedAreOneGroup)
{
    TestLibrary lib;
    RunStore store(lib.str());
    record(store, withSettings(1, 0), "lr=1 seed=0", 1.30);
    record(store, withSettings(10, 0), "lr=10 seed=0", 5.0);
    record(store, withSettings(1, 1, "cuda"), "lr=1 seed=1", 1.32);
    record(store, withSettings(10, 1), "lr=10 seed=1", 5.5);
    record(store, withSettings(1, 2), "lr=1 seed=2", 1.34);
    record(store, withSettings(10, 2), "lr=10 seed=2", 6.0);
    record(store, withSettings(2, 0), "lr=2 seed=0", 1.31);
    record(store, withSettings(2, 1), "lr=2 seed=1", 1.36);
    const std::vector<StoredRun> runs = store.runsOfSweep("evidence");
    const auto groups = groupRuns(runs, figuresOf(store, runs));
    ASSERT_EQ(groups.size(), 3u);
    const RunGroup* one = nullptr;
    const RunGroup* ten = nullptr;
    const RunGroup* two = nullptr;
    for (const RunGroup& g : groups)
        (g.label == "lr=1" ? one : g.label == "lr=10" ? ten : two) = &g;
    ASSERT_TRUE(one && ten && two);
    EXPECT_EQ(two->label, "lr=2");
    EXPECT_EQ(one->final.n, 3);
    EXPECT_NEAR(one->final.mean, 1.32, 1e-12);
    EXPECT_NEAR(one->final.sd, 0.02, 1e-12);
    EXPECT_NEAR(one->heldout.mean, 2.32, 1e-12);
    EXPECT_NEAR(ten->final.mean, 5.5, 1e-12);
    EXPECT_EQ(one->seeds.size(), 3u);
    EXPECT_TRUE(beyondSeedSpread(one->final, ten->final));
    EXPECT_FALSE(beyondSeedSpread(one->final, two->final));  // 1.30–1.34 against 1.31–1.36
    // One run a side says nothing about the spread.
    EXPECT_FALSE(beyondSeedSpread(spreadOf({1.0}), spreadOf({9.0})));

    // Grouped by a chosen setting instead: by learning rate, the same three;
    // by the cell, which all share, one group of all eight.
    EXPECT_EQ(groupRuns(runs, figuresOf(store, runs), {"train.lr"}).size(), 3u);
    const auto byCell = groupRuns(runs, figuresOf(store, runs), {"model.arch"});
    ASSERT_EQ(byCell.size(), 1u);
    EXPECT_EQ(byCell[0].ids.size(), 8u);
    EXPECT_EQ(byCell[0].label, "arch=rnn");
}

// Only what differs, from the schema: the learning rate and the seed, not the
// device (it does not change what is trained) nor any key the runs share;
// metrics side by side, with the best epoch and the held-out perplexity.
TEST(Evidence, DiffShowsOnlyTheSettingsThatDiffer)
{
    TestLibrary lib;
    RunStore store(lib.str());
    ExperimentConfig gru = withSettings(1, 0);
    gru.model.arch = Arch::Gru;
    record(store, withSettings(1, 0), "a", 1.5);
    record(store, withSettings(0.5, 3, "cuda"), "b", 2.5);
    record(store, gru, "c", 1.1);
    const std::vector<StoredRun> runs = store.runsOfSweep("evidence");
    const RunsDiff d = diffRuns(runs, figuresOf(store, runs));
    std::vector<std::string> keys;
    for (const SettingDifference& s : d.settings)
        keys.push_back(s.key);
    EXPECT_EQ(keys, (std::vector<std::string>{"model.arch", "train.lr", "train.seed"}));
    EXPECT_EQ(d.settings[1].values, (std::vector<std::string>{"1", "0.5", "1"}));
    ASSERT_EQ(d.ids.size(), 3u);
    const MetricRow& best = d.metrics[1];
    EXPECT_EQ(best.metric, "best_perplexity");
    EXPECT_DOUBLE_EQ(best.values[0], 1.5);
    EXPECT_DOUBLE_EQ(best.values[2], 1.1);
    const auto json = nlohmann::json::parse(runsDiffJson(d));
    EXPECT_EQ(json["settings"].size(), 3u);
    EXPECT_EQ(json["metrics"][0]["values"][1].get<double>(), 2.5);
    // Identical runs differ in nothing.
    const std::vector<StoredRun> same{runs[0], runs[0]};
    EXPECT_TRUE(diffRuns(same, figuresOf(store, same)).settings.empty());
}

// The CLI's `runs diff` and `runs groups` on the same library, as JSON.
TEST(Evidence, TheCliDiffsAndGroupsTheRuns)
{
    TestLibrary lib;
    std::int64_t a = 0, b = 0;
    {
        RunStore store(lib.str());
        a = record(store, withSettings(1, 0), "lr=1 seed=0", 1.30);
        record(store, withSettings(1, 1), "lr=1 seed=1", 1.34);
        b = record(store, withSettings(10, 0), "lr=10 seed=0", 5.0);
        record(store, withSettings(10, 1), "lr=10 seed=1", 6.0);
    }
    const std::string library = " --library '" + lib.str() + "'";
    const CliResult diff = cli("runs diff " + std::to_string(a) + " " + std::to_string(b) + " --json --no-samples" + library);
    ASSERT_EQ(diff.status, 0) << diff.output;
    const auto d = nlohmann::json::parse(diff.output);
    ASSERT_EQ(d["settings"].size(), 1u);
    EXPECT_EQ(d["settings"][0]["key"], "train.lr");
    EXPECT_EQ(d["metrics"][0]["values"][1].get<double>(), 5.0);

    const CliResult groups = cli("runs groups --sweep evidence --json" + library);
    ASSERT_EQ(groups.status, 0) << groups.output;
    std::istringstream lines(groups.output);
    std::vector<nlohmann::json> parsed;
    for (std::string line; std::getline(lines, line);)
        parsed.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(parsed.size(), 2u);
    EXPECT_EQ(parsed[0]["label"], "lr=1");
    EXPECT_EQ(parsed[0]["final"]["n"], 2);
    EXPECT_NEAR(parsed[0]["final"]["mean"].get<double>(), 1.32, 1e-12);

    EXPECT_EQ(cli("runs diff " + std::to_string(a) + library).status, 2);            // one run is no diff
    EXPECT_EQ(cli("runs groups --sweep evidence --by bogus" + library).status, 2);  // not a setting
}

// Importance on synthetic runs: the learning rate decides the result, the
// seed is noise a hundred times smaller, the hidden size does nothing. The
// shares say so, in that order, and add up to at most 1.
TEST(Evidence, ImportanceFindsTheSettingThatDecides)
{
    TestLibrary lib;
    RunStore store(lib.str());
    std::uint64_t noise = 1;
    for (double lr : {0.1, 1.0, 10.0})
        for (int hidden : {64, 128})
            for (std::uint64_t seed : {0, 1, 2}) {
                ExperimentConfig c = withSettings(lr, seed);
                c.model.hidden = hidden;
                noise = noise * 6364136223846793005ULL + 1442695040888963407ULL;
                const double jitter = 1.0 + 0.01 * (static_cast<double>(noise >> 40) / (1 << 24) - 0.5);
                record(store, c, "", (lr == 1.0 ? 1.5 : lr == 0.1 ? 4.0 : 20.0) * jitter);
            }
    const std::vector<StoredRun> runs = store.runsOfSweep("evidence");
    const Importance imp = settingImportance(runs, figuresOf(store, runs));
    EXPECT_EQ(imp.runs, 18);
    ASSERT_EQ(imp.settings.size(), 3u);
    EXPECT_EQ(imp.settings[0].key, "train.lr");
    EXPECT_GT(imp.settings[0].share, 0.99);
    EXPECT_EQ(imp.settings[0].values, 3);
    double sum = 0;
    for (const SettingImportance& s : imp.settings) {
        sum += s.share;
        if (s.key != "train.lr") {
            EXPECT_LT(s.share, 0.01) << s.key;
        }
    }
    EXPECT_LE(sum, 1.0 + 1e-9);
    const auto json = nlohmann::json::parse(importanceJson(imp));
    EXPECT_EQ(json["settings"][0]["key"], "train.lr");
    // Fewer than two runs: nothing to explain.
    EXPECT_TRUE(settingImportance({runs[0]}, figuresOf(store, {runs[0]})).settings.empty());
}
