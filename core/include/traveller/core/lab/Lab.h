// The RNN lab of d2l (the "RNN practice" assignment) as a guided, checked,
// reproducible path: its steps in order, each one click (or `traveller-cli lab
// run --only STEP`), recorded in the run library as a sweep ("lab 1.1"), its
// base run checked against what the book printed, the student's notes kept
// in the library, and a report in the lab's own structure (LabReport.h).
// One definition for the CLI and the window.
#pragma once

#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/core/store/SweepRunner.h"
#include "traveller/core/s2s/Translation.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace traveller {

// Full: the lab's values (500 epochs, the 250-1000 grid). Quick: a
// class-length version (a tenth of the epochs), with its own references.
enum class LabMode { Full, Quick };

// What the book printed for a run, and how close counts: a preset's
// `reference:` section.
//
//   reference:
//     source: "d2l-zh 8.6: perplexity 1.3 after 500 epochs"
//     checks:
//       - {metric: perplexity, value: 1.3, tolerance: 0.15}
//     quick:          # the same run at the lab's --quick length
//       - {metric: perplexity, value: 8.0, tolerance: 1.5}
//
// Metrics: perplexity and heldout_perplexity (the last epoch's) for a
// language model; loss, bleu (with `sentence:`, one eval pair; without, the
// eval pairs' corpus BLEU) and heldout_bleu for a translation.
struct ReferenceCheck {
    std::string metric;
    std::string sentence;
    double value = 0;
    double tolerance = 0;
};

struct References {
    std::string source;
    std::vector<ReferenceCheck> full;
    std::vector<ReferenceCheck> quick;
    const std::vector<ReferenceCheck>& of(LabMode mode) const { return mode == LabMode::Quick ? quick : full; }
};

// The `reference:` section of a preset (experiment or translation file);
// empty References when it has none. Throws ConfigError for a malformed one.
References loadReferences(const std::string& presetPath);
References parseReferences(const std::string& yamlText, const std::string& sourceName = "");

struct CheckResult {
    ReferenceCheck check;
    double measured = std::numeric_limits<double>::quiet_NaN();  // NaN: not measured (yet)
    bool passed = false;  // |measured - value| <= tolerance
    bool quick = false;   // a quick-lab reference (Traveller's own measurement), not the book's
    bool measuredYet() const { return measured == measured; }
    // "perplexity 1.302 ✓ (book 1.3 ± 0.15)", "perplexity 2.1 ✗ 0.8 above the
    // book's 1.3 ± 0.15", "perplexity: not measured yet"; a quick check says
    // "quick reference" instead of "book".
    std::string describe(const std::string& lang = "en") const;
};

// What a finished run measured for a check's metric (NaN when it did not):
// the one reader of the library's figures for checks and the report.
double measureCheck(RunStore& store, const StoredRun& run, const ReferenceCheck& check);

// Checks one recorded run against references. A run not finished is "not
// measured yet" for every check.
std::vector<CheckResult> checkRun(RunStore& store, const StoredRun& run, const std::vector<ReferenceCheck>& checks);

enum class LabStepKind { LanguageModel, Comparison, Translation, Conclusions };

// One run a step plans: "base", "epochs=250", "lr=10", "hidden=1024" (a
// language-model step), "book", "2x256" (the seq2seq step).
struct LabRun {
    std::string label;
    std::string axis;   // "" (base), "epochs", "lr", "hidden"; "" for translations
    std::string value;  // the axis's value as YAML text
    bool base = false;  // carries the step's reference checks
};

struct LabStep {
    std::string id;      // "1.1", "1.2", "1.3", "1.4", "2", "3"
    std::string key;     // "rnn", "gru", "lstm", "compare", "seq2seq", "conclusions"
    std::string title;   // English; labText() translates
    std::string what;    // what the step asks, one paragraph
    LabStepKind kind = LabStepKind::LanguageModel;
    std::string preset;  // the base run's preset (experiment or translation); its references
    std::vector<LabRun> runs;
};

// The lab's steps in order.
const std::vector<LabStep>& labSteps();
// A run's label as trained in `mode`: the quick lab's epoch runs train a
// tenth of the epochs and say so ("epochs=25", not "epochs=250"); every other
// label is run.label. The label a run is recorded, planned and shown under.
std::string labRunLabel(const LabRun& run, LabMode mode);
// A step by id ("1.1") or key ("rnn"); nullptr when there is none.
const LabStep* findLabStep(const std::string& idOrKey);
// "lab 1.1" / "lab-quick 1.1": the sweep name the step's runs are recorded under.
std::string labSweepName(const LabStep& step, LabMode mode);

// Seeds (issue 28): with `seeds` N > 1 each of a step's runs trains on
// train.seed 0, 1, ..., N-1. Seed 0 keeps the run's label ("lr=10": the run a
// single-seed lab trains, the presets' seed being 0), seed k > 0 is
// "lr=10 seed=k"; the runs of one label side by side, in the step's order.
constexpr int kMaxLabSeeds = 20;
std::string labSeedLabel(const std::string& label, int seed);
// The labels of a step's runs with `seeds` seeds, in the order the lab trains
// them (labRunLabel's for seed 0).
std::vector<std::string> labRunLabels(const LabStep& step, LabMode mode, int seeds = 1);
// The held-out characters every lab language-model run measures.
constexpr std::int64_t kLabHeldout = 2000;

// The language-model step as a sweep (base + one variant per tuning value),
// recorded under labSweepName. Throws ConfigError when its preset is missing.
// `precision`: every run's train.precision (lab run --precision bf16); the
// lab's bf16 runs are other runs than its fp32 ones under the same labels.
Sweep labSweep(const LabStep& step, LabMode mode, int epochCap = 0, int seeds = 1,
               Precision precision = Precision::Fp32);
// The translation step's runs: (label, config).
std::vector<std::pair<std::string, TranslationConfig>> labTranslations(const LabStep& step, LabMode mode,
                                                                    int epochCap = 0, int seeds = 1,
                                                                    Precision precision = Precision::Fp32);

// Where a lab run goes on from: the lab continues where the library is
// (Continue), or trains the chosen steps' runs anew (Again: "Train this step
// again", `lab run --again`; the old runs stay in the library).
enum class LabStart { Continue, Again };

// What the lab does with one of a step's runs.
enum class LabRunAction {
    Train,   // nothing recorded with the lab's settings (or LabStart::Again): a new run
    Resume,  // the lab's own run, queued, stopped, interrupted or failed: trained on in its own row
             // (a language model from its checkpoint, as `runs resume`; a translation, which keeps no
             // checkpoint mid-run, from its first epoch)
    Reuse,   // a finished run with exactly the lab's settings: its own, or one trained elsewhere
             // (the Language model tab, another sweep); kept, not trained again
    Busy,    // the lab's own run, being trained by another window or process: left to it
};

struct LabRunPlan {
    std::string label;
    LabRunAction action = LabRunAction::Train;
    StoredRun run;  // Resume, Reuse, Busy: the recorded run; Train: empty (id 0)
};

// The one rule for what a lab run of a step does, asked by runLab (so by the
// CLI's `lab run` and the window's Lab tab) and by labRunsOf. For each label,
// with the settings labSweep/labTranslations give it (epochCap included):
//   1. LabStart::Again: Train.
//   2. The newest run recorded under the step's sweep with that label and
//      the same settings: finished or diverged -> Reuse (a diverged run is
//      what those settings give); running -> Busy; otherwise -> Resume.
//   3. Else the newest finished run anywhere in the library with the same
//      settings -> Reuse.
//   4. Else Train.
// "The same settings": the config as toYaml writes it, but for the name, the
// device and the thread count, which do not change what is trained; and, for
// a run that finished without blowing up, train.on_divergence (it never came
// into play). One entry per label (labRunLabels: with `seeds`, one per seed),
// in the step's order; none for a step without runs. Throws ConfigError when
// the step's preset is missing.
std::vector<LabRunPlan> planLabStep(RunStore& store, const LabStep& step, LabMode mode, int epochCap = 0,
                                    LabStart start = LabStart::Continue, int seeds = 1,
                                    Precision precision = Precision::Fp32);

// The run that stands for each of the step's labels: the run planLabStep
// would resume, reuse or leave busy; for a label it would train, the newest
// run recorded under the step's sweep with that label (other settings), if
// any. A label with neither is absent.
std::map<std::string, StoredRun> labRunsOf(RunStore& store, const LabStep& step, LabMode mode, int epochCap = 0,
                                           int seeds = 1, Precision precision = Precision::Fp32);

// The mode the library holds lab runs for: Full if any full lab run is
// recorded, else Quick if any quick one is, else Full.
LabMode labModeInLibrary(RunStore& store);

// The reference checks of the step's base run (none for a step without runs
// or one whose base run is not recorded: then "not measured yet").
std::vector<CheckResult> labChecks(RunStore& store, const LabStep& step, LabMode mode,
                                   Precision precision = Precision::Fp32);

// Progress of a lab run, called on the training threads (see SweepObserver).
class LabObserver {
public:
    virtual ~LabObserver() = default;
    virtual void onStepStarted(const LabStep& /*step*/, std::size_t /*runs*/) {}
    virtual void onRunStarted(const LabStep& /*step*/, const std::string& /*label*/, std::int64_t /*id*/) {}
    // The lab's own run trained on in its row (LabRunAction::Resume) from
    // `fromEpoch` (0: from the start). Default: onRunStarted.
    virtual void onRunResumed(const LabStep& step, const std::string& label, std::int64_t id, int /*fromEpoch*/)
    {
        onRunStarted(step, label, id);
    }
    // A run the lab did not train now (LabRunAction::Reuse or Busy): `run` as
    // recorded (its status says which; run.sweep and run.label say whether it
    // is the step's own). Called before the step's other runs train.
    virtual void onRunReused(const LabStep& /*step*/, const std::string& /*label*/, const StoredRun& /*run*/) {}
    virtual void onEpoch(const LabStep& /*step*/, const std::string& /*label*/, int /*epoch*/, int /*epochs*/,
                         double /*value*/) {}
    virtual void onRunFinished(const LabStep& /*step*/, const std::string& /*label*/, std::int64_t /*id*/,
                               const RunResult& /*result*/) {}
    virtual void onStepFinished(const LabStep& /*step*/, double /*seconds*/) {}
};

struct LabOptions {
    LabMode mode = LabMode::Full;
    std::vector<std::string> only;  // step ids or keys; empty = every step
    SweepOptions sweep;             // record options, parallel runs, threads, device
    int epochCap = 0;               // > 0: no run trains more epochs (tests, a demo); 0: the lab's
    LabStart start = LabStart::Continue;
    int seeds = 1;                  // each run on train.seed 0..seeds-1 (labSeedLabel)
    Precision precision = Precision::Fp32;  // every run's train.precision
};

// Runs the lab's steps (those with runs) in order into the library, each
// run as planLabStep says: finished runs are kept, the lab's unfinished ones
// go on in their own rows (one whose checkpoint file is gone from its first
// epoch), only what is missing is trained. Blocks;
// `control` stops it (the step in progress stops like a sweep: its finished
// runs stay, the others go on at the next runLab). Returns the wall time of
// each step run, by step id.
// Throws ConfigError for an unknown step in `only`.
std::map<std::string, double> runLab(RunStore& store, const LabOptions& options, LabObserver& observer,
                                     RunControl& control);

// The lab's texts in the report's languages: "en" (as written) or "zh_CN".
// Unknown texts come back unchanged.
std::string labText(const std::string& english, const std::string& lang);
bool labLanguageKnown(const std::string& lang);

} // namespace traveller
