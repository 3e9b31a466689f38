#include "traveller/core/lab/Lab.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Format.h"
#include "traveller/core/Presets.h"
#include "traveller/core/store/RunRules.h"
#include "LabText.h"
#include "io/YamlWalk.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

namespace traveller {

namespace {

// ------------------------------------------------------------ references

using yaml::columnOf;
using yaml::lineOf;

double number(const YAML::Node& n, const std::string& key)
{
    if (!n || !n.IsScalar())
        throw ConfigError(key, n ? lineOf(n) : 0, n ? columnOf(n) : 0, message("lab.expected_number"));
    char* end = nullptr;
    const std::string text = n.Scalar();
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || !std::isfinite(v))
        throw ConfigError(key, lineOf(n), columnOf(n), message("config.number", {text}));
    return v;
}

const std::vector<std::string>& knownMetrics()
{
    static const std::vector<std::string> m{"perplexity", "heldout_perplexity", "loss", "bleu", "heldout_bleu"};
    return m;
}

std::vector<ReferenceCheck> parseChecks(const YAML::Node& list, const std::string& key)
{
    if (!list.IsSequence())
        throw ConfigError(key, lineOf(list), columnOf(list), message("lab.expected_check_list"));
    std::vector<ReferenceCheck> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node item = list[i];
        const std::string itemKey = key + "[" + std::to_string(i) + "]";
        if (!item.IsMap())
            throw ConfigError(itemKey, lineOf(item), columnOf(item), message("lab.expected_check"));
        yaml::forEachEntry(item, itemKey, {"metric", "value", "tolerance", "sentence"},
                           [](const std::string&, const YAML::Node&, const YAML::Node&) {});
        ReferenceCheck c;
        if (!item["metric"] || !item["metric"].IsScalar())
            throw ConfigError(itemKey + ".metric", lineOf(item), columnOf(item), message("lab.missing"));
        c.metric = item["metric"].Scalar();
        const auto& known = knownMetrics();
        if (std::find(known.begin(), known.end(), c.metric) == known.end())
            throw ConfigError(itemKey + ".metric", lineOf(item["metric"]), columnOf(item["metric"]),
                              message("lab.unknown_metric", {c.metric}));
        c.value = number(item["value"], itemKey + ".value");
        c.tolerance = item["tolerance"] ? number(item["tolerance"], itemKey + ".tolerance") : 0.0;
        if (c.tolerance < 0)
            throw ConfigError(itemKey + ".tolerance", lineOf(item["tolerance"]), columnOf(item["tolerance"]),
                              message("lab.not_negative"));
        if (item["sentence"]) {
            if (c.metric != "bleu" || !item["sentence"].IsScalar())
                throw ConfigError(itemKey + ".sentence", lineOf(item["sentence"]), columnOf(item["sentence"]),
                                  message("lab.sentence_not_bleu"));
            c.sentence = item["sentence"].Scalar();
        }
        out.push_back(c);
    }
    return out;
}

// ------------------------------------------------------------ measuring

double lastHeldout(RunStore& store, std::int64_t id)
{
    const auto epochs = store.epochs(id);
    return epochs.empty() ? std::numeric_limits<double>::quiet_NaN() : epochs.back().heldoutPerplexity;
}

double translationScore(const StoredRun& run, const ReferenceCheck& c)
{
    const double none = std::numeric_limits<double>::quiet_NaN();
    if (run.results.empty())
        return none;
    const auto json = nlohmann::json::parse(run.results, nullptr, false);
    if (json.is_discarded())
        return none;
    const char* part = c.metric == "heldout_bleu" ? "heldout" : "eval";
    if (!json.contains(part))
        return none;
    const auto& e = json[part];
    if (c.sentence.empty()) {
        if (e.contains("corpus_bleu") && e["corpus_bleu"].is_number())
            return e["corpus_bleu"].get<double>();
        return none;
    }
    for (const auto& row : e.value("rows", nlohmann::json::array()))
        if (row.value("source", "") == c.sentence && row.contains("bleu") && row["bleu"].is_number())
            return row["bleu"].get<double>();
    return none;
}

std::string fixed(double v) { return formatNumber(v, 3, "NaN"); }

// ------------------------------------------------------------ the steps

std::vector<LabRun> lmRuns()
{
    std::vector<LabRun> r{{"base", "", "", true}};
    for (const char* e : {"250", "750", "1000"})
        r.push_back({std::string("epochs=") + e, "epochs", e, false});
    for (const char* lr : {"0.01", "0.1", "10"})
        r.push_back({std::string("lr=") + lr, "lr", lr, false});
    for (const char* h : {"128", "512", "1024"})
        r.push_back({std::string("hidden=") + h, "hidden", h, false});
    return r;
}

LabStep lmStep(const char* id, const char* key, const char* title, const char* preset)
{
    LabStep s;
    s.id = id;
    s.key = key;
    s.title = title;
    s.what = lab::languageModelWhat(title);
    s.kind = LabStepKind::LanguageModel;
    s.preset = preset;
    s.runs = lmRuns();
    return s;
}

int quickEpochs(int epochs) { return std::max(1, epochs / 10); }

std::string axisKey(const std::string& axis)
{
    if (axis == "epochs")
        return "train.epochs";
    if (axis == "lr")
        return "train.lr";
    return "model.hidden";
}

} // namespace

References parseReferences(const std::string& yamlText, const std::string& sourceName)
{
    YAML::Node root;
    try {
        root = YAML::Load(yamlText);
    } catch (const YAML::Exception& e) {
        throw ConfigError("", e.mark.line + 1, e.mark.column + 1, (sourceName.empty() ? "" : sourceName + ": ") + e.msg);
    }
    References out;
    if (!root.IsMap() || !root["reference"])
        return out;
    const YAML::Node ref = root["reference"];
    if (!ref.IsMap())
        throw ConfigError("reference", lineOf(ref), columnOf(ref), message("lab.expected_reference"));
    yaml::forEachEntry(ref, "reference", {"source", "checks", "quick"},
                       [](const std::string&, const YAML::Node&, const YAML::Node&) {});
    if (ref["source"])
        out.source = ref["source"].as<std::string>();
    if (ref["checks"])
        out.full = parseChecks(ref["checks"], "reference.checks");
    if (ref["quick"])
        out.quick = parseChecks(ref["quick"], "reference.quick");
    return out;
}

References loadReferences(const std::string& presetPath)
{
    std::ifstream in(presetPath, std::ios::binary);
    if (!in)
        throw ConfigError("", 0, 0, message("lab.cannot_read", {presetPath}));
    std::ostringstream text;
    text << in.rdbuf();
    return parseReferences(text.str(), presetPath);
}

std::string CheckResult::describe(const std::string& lang) const
{
    std::string what = labText(check.metric, lang);
    if (!check.sentence.empty())
        what += " \"" + check.sentence + "\"";
    const std::string book = fixed(check.value) + " ± " + formatNumber(check.tolerance, 3);
    const std::string source = labText(quick ? "quick reference" : "book", lang);
    if (!measuredYet())
        return what + ": " + labText("not measured yet", lang) + " (" + source + " " + book + ")";
    if (passed)
        return what + " " + fixed(measured) + " ✓ (" + source + " " + book + ")";
    const double diff = measured - check.value;
    return what + " " + fixed(measured) + " ✗ " + fixed(std::abs(diff)) + " " +
           labText(diff > 0 ? "above" : "below", lang) + " " +
           labText(quick ? "the quick reference" : "the book's", lang) + " " + book;
}

double measureCheck(RunStore& store, const StoredRun& run, const ReferenceCheck& c)
{
    if (c.metric == "perplexity" || c.metric == "loss")
        return run.perplexity;  // a translation run's value is its loss
    if (c.metric == "heldout_perplexity")
        return lastHeldout(store, run.id);
    return translationScore(run, c);
}

std::vector<CheckResult> checkRun(RunStore& store, const StoredRun& run, const std::vector<ReferenceCheck>& checks)
{
    std::vector<CheckResult> out;
    const bool done = run.state == StoredState::Finished;
    for (const auto& c : checks) {
        CheckResult r;
        r.check = c;
        if (done)
            r.measured = measureCheck(store, run, c);
        // Rounded as shown, so that "1.150 ✗ (book 1.3 ± 0.15)" cannot happen.
        r.passed = r.measuredYet() && std::abs(r.measured - c.value) <= c.tolerance + 1e-9;
        out.push_back(r);
    }
    return out;
}

const std::vector<LabStep>& labSteps()
{
    static const std::vector<LabStep> steps = [] {
        std::vector<LabStep> s;
        s.push_back(lmStep("1.1", "rnn", "RNN", "book-rnn"));
        s.push_back(lmStep("1.2", "gru", "GRU", "book-gru"));
        s.push_back(lmStep("1.3", "lstm", "LSTM", "book-lstm"));
        LabStep compare;
        compare.id = "1.4";
        compare.key = "compare";
        compare.title = "Comparison of RNN, GRU and LSTM";
        compare.what = "Compare the three base runs: perplexity curves, final and held-out perplexity, training "
                       "time and samples. Which cell learns the text best, and at what cost?";
        compare.kind = LabStepKind::Comparison;
        s.push_back(compare);
        LabStep s2s;
        s2s.id = "2";
        s2s.key = "seq2seq";
        s2s.title = "Seq2seq English-French translation";
        s2s.what = "Train the book's encoder-decoder (GRU, 2 layers of 32 units, 300 epochs) and score it with BLEU "
                   "on the book's sentences and on held-out pairs; then a variant with 2 layers of 256 hidden units.";
        s2s.kind = LabStepKind::Translation;
        s2s.preset = "book-seq2seq";
        s2s.runs = {{"book", "", "", true}, {"2x256", "", "", false}};
        s.push_back(s2s);
        LabStep end;
        end.id = "3";
        end.key = "conclusions";
        end.title = "Conclusions";
        end.what = "What the data says: the lab's observations as measured, and your conclusions.";
        end.kind = LabStepKind::Conclusions;
        s.push_back(end);
        return s;
    }();
    return steps;
}

const LabStep* findLabStep(const std::string& idOrKey)
{
    for (const auto& s : labSteps())
        if (s.id == idOrKey || s.key == idOrKey)
            return &s;
    return nullptr;
}

std::string labRunLabel(const LabRun& run, LabMode mode)
{
    if (run.axis == "epochs" && mode == LabMode::Quick)
        return "epochs=" + std::to_string(quickEpochs(std::stoi(run.value)));
    return run.label;
}

std::string labSweepName(const LabStep& step, LabMode mode)
{
    return std::string(mode == LabMode::Quick ? "lab-quick " : "lab ") + step.id;
}

std::string labSeedLabel(const std::string& label, int seed)
{
    return seed == 0 ? label : label + " seed=" + std::to_string(seed);
}

std::vector<std::string> labRunLabels(const LabStep& step, LabMode mode, int seeds)
{
    std::vector<std::string> out;
    for (const LabRun& r : step.runs)
        for (int seed = 0; seed < std::max(1, seeds); ++seed)
            out.push_back(labSeedLabel(labRunLabel(r, mode), seed));
    return out;
}

namespace {

// One run of a step with each seed (seeds > 1): train.seed 0..seeds-1,
// labelled by labSeedLabel; one seed leaves the run as it is.
template <class Run, class Config, class Label>
std::vector<Run> onSeeds(const Run& run, int seeds, Config config, Label label)
{
    if (seeds <= 1)
        return {run};
    std::vector<Run> out;
    for (int seed = 0; seed < seeds; ++seed) {
        Run r = run;
        config(r).train.seed = static_cast<std::uint64_t>(seed);
        label(r) = labSeedLabel(label(r), seed);
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

Sweep labSweep(const LabStep& step, LabMode mode, int epochCap, int seeds, Precision precision)
{
    Sweep sweep;
    sweep.name = labSweepName(step, mode);
    sweep.base = loadExperimentFile(resolvePreset(step.preset, PresetKind::Experiment));
    // Every lab run measures held-out perplexity and trains through a blow-up
    // (the lr-10 runs show their curve); the base runs never blow up.
    sweep.base.data.heldout = kLabHeldout;
    sweep.base.train.onDivergence = OnDivergence::Continue;
    sweep.base.train.device = "cpu";
    sweep.base.train.precision = precision;
    if (mode == LabMode::Quick)
        sweep.base.train.epochs = quickEpochs(sweep.base.train.epochs);
    sweep.base.sample.every = std::max(1, sweep.base.train.epochs / 50);
    for (const LabRun& r : step.runs) {
        SweepRun run;
        run.label = labRunLabel(r, mode);
        run.config = sweep.base;
        if (!r.axis.empty()) {
            std::string value = r.value;
            if (r.axis == "epochs" && mode == LabMode::Quick)
                value = std::to_string(quickEpochs(std::stoi(value)));
            run.settings.push_back({axisKey(r.axis), value});
            setConfigValue(run.config, axisKey(r.axis), value);
        }
        if (epochCap > 0)
            run.config.train.epochs = std::min(run.config.train.epochs, epochCap);
        run.config.name = step.title + " " + run.label + (mode == LabMode::Quick ? " (quick)" : "");
        validate(run.config);
        for (SweepRun& seeded : onSeeds(run, seeds, [](SweepRun& r) -> ExperimentConfig& { return r.config; },
                                        [](SweepRun& r) -> std::string& { return r.label; })) {
            if (seeds > 1) {
                seeded.settings.push_back({"train.seed", std::to_string(seeded.config.train.seed)});
                seeded.config.name = step.title + " " + seeded.label + (mode == LabMode::Quick ? " (quick)" : "");
            }
            sweep.runs.push_back(std::move(seeded));
        }
    }
    return sweep;
}

std::vector<std::pair<std::string, TranslationConfig>> labTranslations(const LabStep& step, LabMode mode, int epochCap,
                                                                    int seeds, Precision precision)
{
    std::vector<std::pair<std::string, TranslationConfig>> out;
    const TranslationConfig base = loadTranslationFile(resolvePreset(step.preset, PresetKind::Translation));
    for (const LabRun& r : step.runs) {
        TranslationConfig c = base;
        if (r.label == "2x256") {
            c.model.hidden = 256;
            c.model.layers = 2;
        }
        if (mode == LabMode::Quick)
            c.train.epochs = std::max(1, c.train.epochs / 3);
        if (epochCap > 0)
            c.train.epochs = std::min(c.train.epochs, epochCap);
        c.train.device = "cpu";
        c.train.precision = precision;
        c.name = "seq2seq " + r.label + (mode == LabMode::Quick ? " (quick)" : "");
        validate(c);
        using Pair = std::pair<std::string, TranslationConfig>;
        for (Pair& seeded : onSeeds(Pair{r.label, c}, seeds, [](Pair& p) -> TranslationConfig& { return p.second; },
                                    [](Pair& p) -> std::string& { return p.first; })) {
            if (seeds > 1)
                seeded.second.name = "seq2seq " + seeded.first + (mode == LabMode::Quick ? " (quick)" : "");
            out.push_back(std::move(seeded));
        }
    }
    return out;
}

namespace {

// ------------------------------------------------------------ the plan

// A config as text without what does not change what is trained: the name,
// the device and the thread count. `anyDivergence`: train.on_divergence too
// (for a run that finished without blowing up, where it never came into play).
std::string settingsKey(ExperimentConfig c, bool anyDivergence)
{
    c.name.clear();
    c.train.device = "cpu";
    c.train.threads = 0;
    if (anyDivergence)
        c.train.onDivergence = OnDivergence::Stop;
    return toYaml(c);
}

std::string settingsKey(TranslationConfig c)
{
    c.name.clear();
    c.train.device = "cpu";
    c.train.threads = 0;
    return toYaml(c);
}

// One planned run of a step, as its settings compare.
struct PlannedSettings {
    std::string label;
    std::string legacy;  // the label quick runs were recorded under before labRunLabel ("epochs=250")
    bool translation = false;
    int epochs = 0;
    std::string key;       // settingsKey(config, false)
    std::string finished;  // settingsKey(config, true): a language-model run that finished without blowing up
};

std::vector<PlannedSettings> plannedSettings(const LabStep& step, LabMode mode, int epochCap, int seeds,
                                             Precision precision)
{
    std::vector<PlannedSettings> out;
    const int perRun = std::max(1, seeds);
    if (step.kind == LabStepKind::LanguageModel) {
        const Sweep sweep = labSweep(step, mode, epochCap, seeds, precision);
        for (std::size_t i = 0; i < sweep.runs.size(); ++i) {
            const SweepRun& r = sweep.runs[i];
            const int seed = static_cast<int>(i % static_cast<std::size_t>(perRun));
            const std::string legacy = labSeedLabel(step.runs[i / static_cast<std::size_t>(perRun)].label, seed);
            out.push_back({r.label, legacy, false, r.config.train.epochs, settingsKey(r.config, false),
                           settingsKey(r.config, true)});
        }
    } else if (step.kind == LabStepKind::Translation) {
        for (const auto& [label, config] : labTranslations(step, mode, epochCap, seeds, precision))
            out.push_back({label, label, true, config.train.epochs, settingsKey(config), settingsKey(config)});
    }
    return out;
}

bool sameSettings(const StoredRun& run, const PlannedSettings& planned)
{
    if (run.isTranslation() != planned.translation || run.epochs != planned.epochs)
        return false;
    try {
        if (planned.translation)
            return settingsKey(run.translationConfig()) == planned.key;
        const bool neverBlewUp = run.state == StoredState::Finished && run.blewUpAt == 0;
        return settingsKey(run.config(), neverBlewUp) == (neverBlewUp ? planned.finished : planned.key);
    } catch (const ConfigError&) {
        return false;  // a config this version cannot read is not the lab's
    }
}

LabRunAction actionFor(const StoredRun& own)
{
    switch (own.state) {
    case StoredState::Finished:
    case StoredState::Diverged: return LabRunAction::Reuse;
    case StoredState::Running: return LabRunAction::Busy;
    default: return LabRunAction::Resume;
    }
}

// planLabStep on the step's own runs, newest first.
std::vector<LabRunPlan> planWith(RunStore& store, const std::vector<PlannedSettings>& settings, LabStart start,
                                 const std::vector<StoredRun>& own)
{
    std::vector<LabRunPlan> plan;
    std::vector<StoredRun> library;  // newest first; read once, when a label needs it
    bool libraryRead = false;
    for (const PlannedSettings& planned : settings) {
        LabRunPlan p;
        p.label = planned.label;
        if (start == LabStart::Again) {
            plan.push_back(p);
            continue;
        }
        for (const StoredRun& r : own)
            if ((r.label == planned.label || r.label == planned.legacy) && sameSettings(r, planned)) {
                p.action = actionFor(r);
                p.run = r;
                break;
            }
        if (p.action == LabRunAction::Train) {
            if (!libraryRead) {
                library = store.runs();
                std::sort(library.begin(), library.end(),
                          [](const StoredRun& a, const StoredRun& b) { return a.id > b.id; });
                libraryRead = true;
            }
            for (const StoredRun& r : library)
                if (r.state == StoredState::Finished && sameSettings(r, planned)) {
                    p.action = LabRunAction::Reuse;
                    p.run = r;
                    break;
                }
        }
        plan.push_back(p);
    }
    return plan;
}

std::vector<StoredRun> ownRuns(RunStore& store, const LabStep& step, LabMode mode)
{
    std::vector<StoredRun> own = store.runsOfSweep(labSweepName(step, mode));
    std::sort(own.begin(), own.end(), [](const StoredRun& a, const StoredRun& b) { return a.id > b.id; });
    return own;
}

} // namespace

std::vector<LabRunPlan> planLabStep(RunStore& store, const LabStep& step, LabMode mode, int epochCap, LabStart start,
                                    int seeds, Precision precision)
{
    if (step.runs.empty())
        return {};
    return planWith(store, plannedSettings(step, mode, epochCap, seeds, precision), start,
                    ownRuns(store, step, mode));
}

std::map<std::string, StoredRun> labRunsOf(RunStore& store, const LabStep& step, LabMode mode, int epochCap,
                                           int seeds, Precision precision)
{
    std::map<std::string, StoredRun> out;
    if (step.runs.empty())
        return out;
    const std::vector<StoredRun> own = ownRuns(store, step, mode);
    const std::vector<PlannedSettings> settings = plannedSettings(step, mode, epochCap, seeds, precision);
    const std::vector<LabRunPlan> plan = planWith(store, settings, LabStart::Continue, own);
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const LabRunPlan& p = plan[i];
        if (p.action != LabRunAction::Train) {
            out[p.label] = p.run;
            continue;
        }
        for (const StoredRun& r : own)  // newest first: a run of other settings
            if (r.label == p.label || r.label == settings[i].legacy) {
                out[p.label] = r;
                break;
            }
    }
    return out;
}

LabMode labModeInLibrary(RunStore& store)
{
    bool quick = false;
    for (const auto& step : labSteps()) {
        if (step.runs.empty())
            continue;
        if (!store.runsOfSweep(labSweepName(step, LabMode::Full)).empty())
            return LabMode::Full;
        quick = quick || !store.runsOfSweep(labSweepName(step, LabMode::Quick)).empty();
    }
    return quick ? LabMode::Quick : LabMode::Full;
}

std::vector<CheckResult> labChecks(RunStore& store, const LabStep& step, LabMode mode, Precision precision)
{
    if (step.preset.empty())
        return {};
    const References refs = loadReferences(
        resolvePreset(step.preset, step.kind == LabStepKind::Translation ? PresetKind::Translation : PresetKind::Experiment));
    const auto& checks = refs.of(mode);
    const auto runs = labRunsOf(store, step, mode, 0, 1, precision);
    std::string baseLabel;
    for (const auto& r : step.runs)
        if (r.base)
            baseLabel = r.label;
    const auto it = runs.find(baseLabel);
    std::vector<CheckResult> out;
    if (it == runs.end()) {
        for (const auto& c : checks)
            out.push_back(CheckResult{c});
    } else {
        out = checkRun(store, it->second, checks);
    }
    for (auto& r : out)
        r.quick = mode == LabMode::Quick;
    return out;
}

namespace {

class StepSweepObserver : public SweepObserver {
public:
    StepSweepObserver(const LabStep& step, const std::vector<LabRunPlan>& plan, LabObserver& forward)
        : step_(step), plan_(plan), forward_(forward)
    {
    }
    void onRunKept(std::size_t index, std::int64_t, const RunResult&) override
    {
        forward_.onRunReused(step_, plan_[index].label, plan_[index].run);
    }
    void onRunStarted(std::size_t index, std::int64_t id) override
    {
        const LabRunPlan& p = plan_[index];
        if (p.action == LabRunAction::Resume)
            forward_.onRunResumed(step_, p.label, id, p.run.checkpointEpoch);
        else
            forward_.onRunStarted(step_, p.label, id);
    }
    void onEpoch(std::size_t index, const EpochStats& s) override
    {
        forward_.onEpoch(step_, plan_[index].label, s.epoch, s.epochs, s.perplexity);
    }
    void onRunFinished(std::size_t index, std::int64_t id, const RunResult& r) override
    {
        forward_.onRunFinished(step_, plan_[index].label, id, r);
    }

private:
    const LabStep& step_;
    const std::vector<LabRunPlan>& plan_;
    LabObserver& forward_;
};

class TranslationProgress : public TranslationObserver {
public:
    TranslationProgress(const LabStep& step, const std::string& label, LabObserver& forward)
        : step_(step), label_(label), forward_(forward)
    {
    }
    void onEpoch(const TranslationEpochStats& s) override { forward_.onEpoch(step_, label_, s.epoch, s.epochs, s.loss); }

private:
    const LabStep& step_;
    std::string label_;
    LabObserver& forward_;
};

// The translation step's runs, one after the other, as `plan` says. A
// translation keeps no checkpoint mid-run, so one of the lab's own that did
// not finish trains again from its first epoch in its own row.
void trainTranslations(RunStore& store, const LabStep& step, const LabOptions& options,
                       const std::vector<LabRunPlan>& plan, LabObserver& observer, RunControl& control)
{
    const auto runs = labTranslations(step, options.mode, options.epochCap, options.seeds, options.precision);
    observer.onStepStarted(step, runs.size());
    for (const LabRunPlan& p : plan)
        if (p.action == LabRunAction::Reuse || p.action == LabRunAction::Busy)
            observer.onRunReused(step, p.label, p.run);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto& [label, config] = runs[i];
        const LabRunPlan& p = plan[i];
        if (control.stopRequested())
            break;
        if (p.action == LabRunAction::Reuse || p.action == LabRunAction::Busy)
            continue;
        TranslationConfig c = config;
        if (options.sweep.threads > 0)
            c.train.threads = options.sweep.threads;
        TranslationSession session(c, options.sweep.record.dataDir);
        std::int64_t id = p.run.id;
        if (p.action == LabRunAction::Resume) {
            store.truncateEpochs(id, 0);
            store.setCheckpointEpoch(id, 0);
            observer.onRunResumed(step, label, id, 0);
        } else {
            id = store.createTranslationRun(c, c.name, options.sweep.record.programVersion);
            store.setSweep(id, labSweepName(step, options.mode), label);
            observer.onRunStarted(step, label, id);
        }
        TranslationProgress progress(step, label, observer);
        const RecordedTranslation done = trainRecordedTranslation(store, id, session, progress, control);
        RunResult r;
        r.status = done.result.status;
        r.epochsDone = done.result.epochsDone;
        r.perplexity = done.result.loss;
        r.seconds = done.result.seconds;
        r.message = done.result.message;
        observer.onRunFinished(step, label, id, r);
    }
}

} // namespace

std::map<std::string, double> runLab(RunStore& store, const LabOptions& options, LabObserver& observer,
                                     RunControl& control)
{
    if (options.seeds < 1 || options.seeds > kMaxLabSeeds)
        throw ConfigError("seeds", 0, 0,
                          message("config.int_range", {"1", std::to_string(kMaxLabSeeds), std::to_string(options.seeds)}));
    std::vector<const LabStep*> steps;
    for (const auto& name : options.only) {
        const LabStep* s = findLabStep(name);
        if (!s) {
            std::string known;
            for (const auto& k : labSteps())
                known += (known.empty() ? "" : ", ") + k.id + " (" + k.key + ")";
            throw ConfigError("", 0, 0, message("lab.no_step", {name, known}));
        }
        if (std::find(steps.begin(), steps.end(), s) == steps.end())
            steps.push_back(s);
    }
    if (options.only.empty())
        for (const auto& s : labSteps())
            steps.push_back(&s);
    // The lab's order: the steps live in one vector, in order.
    std::sort(steps.begin(), steps.end(), [](const LabStep* a, const LabStep* b) { return a < b; });

    // Every corpus the chosen steps need, before anything is recorded: a
    // missing file is one message, not a column of failed runs.
    for (const LabStep* step : steps) {
        if (step->kind == LabStepKind::LanguageModel)
            requireDataFile(DataFile::TimeMachine, options.sweep.record.dataDir);
        if (step->kind == LabStepKind::Translation)
            requireDataFile(DataFile::FraEng, options.sweep.record.dataDir);
    }

    // A resumed lab run whose checkpoint file is gone trains again from its
    // first epoch in its own row, rather than leaving the step unfinishable.
    SweepOptions sweepOptions = options.sweep;
    sweepOptions.record.missingCheckpoint = MissingCheckpoint::StartOver;
    std::map<std::string, double> seconds;
    for (const LabStep* step : steps) {
        if (step->runs.empty() || control.stopRequested())
            continue;
        const auto start = std::chrono::steady_clock::now();
        const std::vector<LabRunPlan> plan =
            planLabStep(store, *step, options.mode, options.epochCap, options.start, options.seeds, options.precision);
        if (step->kind == LabStepKind::LanguageModel) {
            const Sweep sweep = labSweep(*step, options.mode, options.epochCap, options.seeds, options.precision);
            std::vector<SweepRunPlan> sweepPlan;
            for (const LabRunPlan& p : plan)
                sweepPlan.push_back(p.action == LabRunAction::Train    ? SweepRunPlan{}
                                    : p.action == LabRunAction::Resume ? SweepRunPlan{SweepRunAction::Resume, p.run.id}
                                                                       : SweepRunPlan{SweepRunAction::Keep, p.run.id});
            observer.onStepStarted(*step, sweep.runs.size());
            SweepRunner runner(store, sweep, sweepOptions, sweepPlan);
            StepSweepObserver forward(*step, plan, observer);
            runner.run(forward, control);
        } else {
            trainTranslations(store, *step, options, plan, observer, control);
        }
        seconds[step->id] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        observer.onStepFinished(*step, seconds[step->id]);
    }
    return seconds;
}

} // namespace traveller
