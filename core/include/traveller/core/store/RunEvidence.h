// Comparing runs with evidence rather than one seed each: runs that differ
// only in their seed form a group (mean, spread, n), a difference between two
// groups is called real only when it is larger than their seeds' spread, and
// a diff lists only the settings that differ (from the schema, not from text)
// with the metrics side by side. Both front ends and the lab report use
// these; no Qt, no LibTorch.
#pragma once

#include "traveller/core/store/RunStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace traveller {

// A sample of one metric over a group's runs (NaNs left out).
struct Spread {
    int n = 0;
    double mean = 0;
    double sd = 0;  // sample standard deviation (n - 1); 0 for a single run
    double min = 0;
    double max = 0;
};
Spread spreadOf(const std::vector<double>& values);

// What one run contributes to its group: the final, best (lowest) and last
// held-out perplexity (a translation run's loss), and its speed.
struct RunFigures {
    std::int64_t id = 0;
    double final = 0;
    double best = 0;
    double heldout = 0;  // NaN when none was measured
    double tokensPerSecond = 0;
};
RunFigures runFigures(const StoredRun& run, const std::vector<StoredEpoch>& epochs);

struct RunGroup {
    std::string label;                 // the settings the group shares that set it apart ("lr=1"), or a run's name
    std::vector<std::int64_t> ids;     // in the order given
    std::vector<std::uint64_t> seeds;  // of each run, same order
    Spread final, best, heldout, tokensPerSecond;
};

// Groups runs. With `by` empty, runs whose settings agree on every key of the
// schema except train.seed (and the name, device and threads, which do not
// change what is trained) are one group; with `by` (dotted keys such as
// "model.arch"), runs that agree on those keys are. A language-model run and
// a translation run are never grouped together. Groups come in the order of
// their first run; `figures` holds each run's figures (runFigures).
std::vector<RunGroup> groupRuns(const std::vector<StoredRun>& runs, const std::vector<RunFigures>& figures,
                                const std::vector<std::string>& by = {});

// Whether two groups' results differ by more than their seeds do: their
// min–max ranges do not overlap and each has at least two runs. One run a
// side says nothing about the spread, so it is never "beyond".
bool beyondSeedSpread(const Spread& a, const Spread& b);

// A dotted key whose value is not the same in every run, with each run's value
// (YAML text, as configValue writes it; "" where a run's kind has no such key).
struct SettingDifference {
    std::string key;
    std::vector<std::string> values;
};

struct MetricRow {
    std::string metric;           // "final_perplexity", "best_perplexity", "heldout_perplexity", "tokens_per_second",
                                  // "epochs", "seconds"
    std::vector<double> values;   // per run (NaN: none)
};

struct RunsDiff {
    std::vector<std::int64_t> ids;
    std::vector<std::string> names;
    std::vector<SettingDifference> settings;  // only the keys that differ, in schema order
    std::vector<MetricRow> metrics;
};

// The diff of two or more runs: no cap on their number.
RunsDiff diffRuns(const std::vector<StoredRun>& runs, const std::vector<RunFigures>& figures);
// As JSON (one object: ids, names, settings, metrics), for `runs diff --json`.
std::string runsDiffJson(const RunsDiff& diff);

// Which setting matters: a functional-ANOVA main effect per setting that
// varies. y is the log of each run's final perplexity (a translation run's
// loss); a setting's share is the variance, over its values, of the mean y
// at each value (weighted by how many runs have it), divided by the variance
// of y over all runs. On a full grid the shares are first-order Sobol
// indices: they add up to at most 1, the rest being interactions and noise.
// Runs without a finite positive final value are left out.
struct SettingImportance {
    std::string key;
    double share = 0;  // 0..1
    int values = 0;    // distinct values the runs have
};
struct Importance {
    int runs = 0;      // the runs that counted
    std::vector<SettingImportance> settings;  // largest share first
};
Importance settingImportance(const std::vector<StoredRun>& runs, const std::vector<RunFigures>& figures);
std::string importanceJson(const Importance& importance);

} // namespace traveller
