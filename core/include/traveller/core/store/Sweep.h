// A sweep: one base experiment and the runs derived from it by a grid of
// values (their Cartesian product) and/or a list of variants.
//
//   name: lab-rnn-lr
//   base: ../book-rnn.yaml        # or an experiment written inline
//   set: {train.epochs: 50}       # optional overrides of the base's keys
//   grid:
//     train.lr: [0.01, 0.1, 1, 10]
//   variants:
//     - {model.arch: gru}
//     - {model.arch: lstm, name: "LSTM (book)"}
//
// With both, every variant is crossed with every grid point.
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace traveller {

struct SweepRun {
    std::string label;  // what sets it apart, e.g. "lr=0.1 hidden=512"
    std::vector<std::pair<std::string, std::string>> settings;  // dotted key -> YAML text, in order
    ExperimentConfig config;
};

struct Sweep {
    std::string name;
    ExperimentConfig base;
    std::vector<SweepRun> runs;
};

// The most runs one sweep may have (variants x grid points). A larger sweep
// is refused when parsed, before any run is built or recorded.
constexpr std::uint64_t kMaxSweepRuns = 10'000;

// Both throw ConfigError naming the key and its 1-based line/column. A `base:`
// path is read relative to baseDir (the sweep file's folder for loadSweepFile).
Sweep parseSweepYaml(const std::string& text, const std::string& sourceName = "", const std::string& baseDir = "");
Sweep loadSweepFile(const std::string& path);
// The sweep text with a relative `base:` path (read from fromDir) rewritten to
// be read from toDir instead, every other byte unchanged: for "Save as" into
// another folder.
std::string rebaseSweepText(const std::string& text, const std::string& fromDir, const std::string& toDir);

} // namespace traveller
