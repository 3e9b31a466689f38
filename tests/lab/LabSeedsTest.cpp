// The lab over seeds (issue 28, point 1): `lab run --seeds N` and the Lab
// tab's Seeds box train each run on seeds 0..N-1 under one plan rule
// (planLabStep: a run already trained on a seed is kept), and the report
// gives each setting's mean ± sd over its seeds and says which differences
// lie within the seeds' spread (RunEvidence.h's groups).
#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/lab/LabReport.h"
#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

// A finished run of a lab step recorded with the lab's settings for `label`
// (as `labSweep(step, mode, 0, seeds)` gives them), its perplexity falling to
// `final`; nothing is trained.
std::int64_t recordSeedRun(RunStore& store, const LabStep& step, const SweepRun& planned, double final,
                           LabMode mode = LabMode::Full)
{
    NewRun n;
    n.config = planned.config;
    n.sweep = labSweepName(step, mode);
    n.label = planned.label;
    n.name = planned.config.name;
    const std::int64_t id = store.createRun(n);
    for (int e = 1; e <= 5; ++e)
        store.appendEpoch(id, {e, final + (5 - e) * 2.0, 1000, double(e), "", final + 3.0 + (5 - e)}, 1.0);
    RunResult r;
    r.status = RunStatus::Finished;
    r.epochsDone = 5;
    store.finishRun(id, r, 0);
    return id;
}

const SweepRun& plannedRun(const Sweep& sweep, const std::string& label)
{
    for (const auto& r : sweep.runs)
        if (r.label == label)
            return r;
    throw std::runtime_error("no label " + label);
}

const LabObservation* observation(const std::vector<LabObservation>& all, LabObservation::Kind kind,
                                  const std::string& title)
{
    for (const auto& o : all)
        if (o.kind == kind && o.text.find(title) != std::string::npos)
            return &o;
    return nullptr;
}

} // namespace

TEST(LabSeeds, EachRunTrainsOnEverySeedSideBySide)
{
    const LabStep& rnn = *findLabStep("rnn");
    const Sweep one = labSweep(rnn, LabMode::Quick, 2);
    const Sweep three = labSweep(rnn, LabMode::Quick, 2, 3);
    ASSERT_EQ(three.runs.size(), 3 * one.runs.size());
    EXPECT_EQ(labRunLabels(rnn, LabMode::Quick, 3).size(), three.runs.size());
    for (std::size_t i = 0; i < three.runs.size(); ++i) {
        const SweepRun& r = three.runs[i];
        const SweepRun& single = one.runs[i / 3];
        const int seed = static_cast<int>(i % 3);
        EXPECT_EQ(r.config.train.seed, static_cast<std::uint64_t>(seed));
        EXPECT_EQ(r.label, labSeedLabel(single.label, seed));
        EXPECT_EQ(r.label, labRunLabels(rnn, LabMode::Quick, 3)[i]);
        // Seed 0 is the single-seed run itself (the presets' seed is 0).
        ExperimentConfig same = r.config;
        same.train.seed = single.config.train.seed;
        same.name = single.config.name;
        EXPECT_EQ(toYaml(same), toYaml(single.config)) << r.label;
    }
    EXPECT_EQ(labSeedLabel("lr=10", 0), "lr=10");
    EXPECT_NE(labSeedLabel("lr=10", 2), "lr=10");
    // Translations too: one run per seed.
    const LabStep& s2s = *findLabStep("seq2seq");
    const auto translations = labTranslations(s2s, LabMode::Quick, 1, 2);
    ASSERT_EQ(translations.size(), 2 * s2s.runs.size());
    EXPECT_EQ(translations[1].second.train.seed, 1u);
}

TEST(LabSeeds, FinishedRunsAreKeptAndOnlyTheMissingSeedsTrain)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const LabStep& rnn = *findLabStep("rnn");
    const Sweep single = labSweep(rnn, LabMode::Quick, 2);
    std::map<std::string, std::int64_t> kept;
    for (const SweepRun& r : single.runs)
        kept[r.label] = recordSeedRun(store, rnn, r, 5.0, LabMode::Quick);
    const Sweep three = labSweep(rnn, LabMode::Quick, 2, 3);
    const std::int64_t seedTwo = recordSeedRun(store, rnn, plannedRun(three, labSeedLabel("lr=10", 2)), 5.0,
                                               LabMode::Quick);

    const auto plan = planLabStep(store, rnn, LabMode::Quick, 2, LabStart::Continue, 3);
    ASSERT_EQ(plan.size(), three.runs.size());
    int trained = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        EXPECT_EQ(plan[i].label, three.runs[i].label);
        if (i % 3 == 0) {
            EXPECT_EQ(plan[i].action, LabRunAction::Reuse) << plan[i].label;
            EXPECT_EQ(plan[i].run.id, kept.at(plan[i].label));
        } else if (plan[i].label == labSeedLabel("lr=10", 2)) {
            EXPECT_EQ(plan[i].action, LabRunAction::Reuse);
            EXPECT_EQ(plan[i].run.id, seedTwo);
        } else {
            EXPECT_EQ(plan[i].action, LabRunAction::Train) << plan[i].label;
            ++trained;
        }
    }
    EXPECT_EQ(trained, static_cast<int>(2 * single.runs.size()) - 1);
    // The runs the lab shows: one per label and seed where recorded.
    const auto shown = labRunsOf(store, rnn, LabMode::Quick, 2, 3);
    EXPECT_EQ(shown.size(), single.runs.size() + 1);
    EXPECT_EQ(shown.at(labSeedLabel("lr=10", 2)).id, seedTwo);

    LabOptions bad;
    bad.seeds = 0;
    struct Quiet : LabObserver {} quiet;
    RunControl control;
    try {
        runLab(store, bad, quiet, control);
        FAIL() << "seeds 0 accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "config.int_range");
    }
}

TEST(LabSeeds, TheReportGroupsSeedsAndSaysWhatLiesWithinTheirSpread)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const LabStep& rnn = *findLabStep("rnn");
    const Sweep sweep = labSweep(rnn, LabMode::Full, 0, 3);
    const std::map<std::string, std::vector<double>> finals = {
        {"base", {1.30, 1.32, 1.28}},    // 1.30 ± 0.02
        {"lr=10", {1.31, 1.29, 1.33}},   // overlaps the base's range: within the spread
        {"lr=0.01", {5.0, 5.1, 4.9}},    // far above it: beyond
        {"hidden=512", {1.20}},          // one seed only: no group, not compared
    };
    for (const auto& [label, values] : finals)
        for (std::size_t seed = 0; seed < values.size(); ++seed)
            recordSeedRun(store, rnn, plannedRun(sweep, labSeedLabel(label, static_cast<int>(seed))), values[seed]);

    for (const std::string lang : {"en", "zh_CN"}) {
        const auto said = labObservationList(store, LabMode::Full, lang);
        const LabObservation* spread = observation(said, LabObservation::Kind::SeedSpread, rnn.title);
        ASSERT_TRUE(spread) << lang;
        EXPECT_EQ(spread->seeds, 3);
        EXPECT_EQ(spread->beyondSpread, std::vector<std::string>{"lr=0.01"});
        EXPECT_EQ(spread->withinSpread, std::vector<std::string>{"lr=10"});
        EXPECT_NE(spread->text.find("1.300 ± 0.020"), std::string::npos) << spread->text;
        const LabObservation* lr10 = observation(said, LabObservation::Kind::LearningRate10, rnn.title);
        ASSERT_TRUE(lr10);
        EXPECT_EQ(lr10->seeds, 3);
        EXPECT_EQ(lr10->withinSpread, std::vector<std::string>{"lr=10"});
        EXPECT_TRUE(lr10->beyondSpread.empty());
    }
    // One seed per setting: nothing is said about seeds.
    TestLibrary plain;
    RunStore one(plain.str());
    for (const char* label : {"base", "lr=10"})
        recordSeedRun(one, rnn, plannedRun(labSweep(rnn, LabMode::Full), label), 1.3);
    const auto said = labObservationList(one, LabMode::Full);
    EXPECT_FALSE(observation(said, LabObservation::Kind::SeedSpread, rnn.title));
    ASSERT_TRUE(observation(said, LabObservation::Kind::LearningRate10, rnn.title));
    EXPECT_EQ(observation(said, LabObservation::Kind::LearningRate10, rnn.title)->seeds, 0);

    // The report's tables show the base run's mean ± sd over its seeds.
    const fs::path md = lib.path() / "lab.md";
    LabReportOptions options;
    writeLabReport(store, md.string(), options);
    const std::string text = fileText(md);
    EXPECT_NE(text.find("1.300 ± 0.020"), std::string::npos);
    EXPECT_NE(text.find("5.000 ± 0.100"), std::string::npos);
}

// A real (capped) step on two seeds, then again: every label on both seeds,
// and the second run trains nothing.
TEST(LabSeeds, RunLabTrainsEachSeedOnceAndKeepsThem)
{
    TestLibrary lib;
    RunStore store(lib.str());
    LabOptions options;
    options.mode = LabMode::Quick;
    options.only = {"rnn"};
    options.epochCap = 1;
    options.seeds = 2;
    options.sweep.record.dataDir = resolveDataDir("");
    options.sweep.threads = 2;
    options.sweep.chainEpochs = false;
    struct Seen : LabObserver {
        std::mutex mutex;
        std::set<std::string> started, reused;
        void onRunStarted(const LabStep&, const std::string& label, std::int64_t) override
        {
            std::lock_guard lock(mutex);
            started.insert(label);
        }
        void onRunReused(const LabStep&, const std::string& label, const StoredRun&) override
        {
            std::lock_guard lock(mutex);
            reused.insert(label);
        }
    } first, second;
    RunControl control;
    runLab(store, options, first, control);
    const LabStep& rnn = *findLabStep("rnn");
    const auto labels = labRunLabels(rnn, LabMode::Quick, 2);
    EXPECT_EQ(first.started, std::set<std::string>(labels.begin(), labels.end()));
    const auto runs = labRunsOf(store, rnn, LabMode::Quick, 1, 2);
    ASSERT_EQ(runs.size(), labels.size());
    for (const auto& [label, run] : runs) {
        EXPECT_EQ(run.state, StoredState::Finished) << label;
        EXPECT_EQ(run.config().train.seed, label.find(labSeedLabel("", 1)) == std::string::npos ? 0u : 1u) << label;
    }
    runLab(store, options, second, control);
    EXPECT_TRUE(second.started.empty());
    EXPECT_EQ(second.reused.size(), labels.size());
}

// `lab run --seeds N` takes 1..kMaxLabSeeds (exit 2 otherwise, nothing
// recorded); `lab status --seeds N` lists every seed's run.
TEST(LabSeeds, TheCliTakesSeedsInTheirRange)
{
    TestLibrary lib;
    const std::string library = " --library \"" + lib.str() + "\"";
    EXPECT_EQ(cli("lab run --quick --only rnn --seeds 0" + library).status, 2);
    EXPECT_EQ(cli("lab run --quick --only rnn --seeds " + std::to_string(kMaxLabSeeds + 1) + library).status, 2);
    EXPECT_TRUE(RunStore(lib.str()).runs().empty());
    const CliResult status = cli("lab status --quick --seeds 2" + library);
    EXPECT_EQ(status.status, 0) << status.output;
    for (const std::string& label : labRunLabels(*findLabStep("rnn"), LabMode::Quick, 2))
        EXPECT_NE(status.output.find("  " + label + ":"), std::string::npos) << label;
}
