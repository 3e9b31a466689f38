#include "traveller/core/store/RunEvidence.h"

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/s2s/Translation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace traveller {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The keys that say what a run trains, in schema order: every key but the
// name and those that change where or how fast, not what (device, threads).
// The seed is in it; grouping leaves it out on its own.
std::vector<std::string> trainingKeys(bool translation)
{
    std::vector<std::string> keys;
    for (const ConfigKeyInfo& k : translation ? translationSchema() : configSchema())
        if (k.key != "name" && k.key != "task" && k.key != "train.device" && k.key != "train.threads")
            keys.push_back(k.key);
    return keys;
}

// A run's values of keys, as their YAML text; "" where its kind has no such
// key or the stored settings cannot be read (a library written by a newer
// version). The stored YAML is parsed once per run, not once per key: the
// Runs tab groups 1,000 runs over some 40 keys each.
class RunSettings {
public:
    explicit RunSettings(const StoredRun& run) : translation_(run.isTranslation())
    {
        try {
            if (translation_)
                translationConfig_ = run.translationConfig();
            else
                config_ = run.config();
            readable_ = true;
        } catch (const Error&) {
        }
    }
    std::string operator()(const std::string& key) const
    {
        if (!readable_)
            return "";
        try {
            if (translation_) {
                if (key == "eval.pairs")
                    return "";  // a list, compared as part of the preset, not shown
                return translationValue(translationConfig_, key);
            }
            return configValue(config_, key);
        } catch (const Error&) {
            return "";
        }
    }

private:
    bool translation_ = false;
    bool readable_ = false;
    ExperimentConfig config_;
    TranslationConfig translationConfig_;
};

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

} // namespace

Spread spreadOf(const std::vector<double>& values)
{
    Spread s;
    double sum = 0;
    for (double v : values) {
        if (std::isnan(v))
            continue;
        s.min = s.n == 0 ? v : std::min(s.min, v);
        s.max = s.n == 0 ? v : std::max(s.max, v);
        sum += v;
        ++s.n;
    }
    if (s.n == 0)
        return {0, kNaN, kNaN, kNaN, kNaN};
    s.mean = sum / s.n;
    double squares = 0;
    for (double v : values)
        if (!std::isnan(v))
            squares += (v - s.mean) * (v - s.mean);
    s.sd = s.n > 1 ? std::sqrt(squares / (s.n - 1)) : 0.0;
    return s;
}

RunFigures runFigures(const StoredRun& run, const std::vector<StoredEpoch>& epochs)
{
    RunFigures f;
    f.id = run.id;
    f.final = epochs.empty() ? kNaN : run.perplexity;
    f.best = kNaN;
    f.heldout = kNaN;
    for (const StoredEpoch& e : epochs) {
        if (std::isfinite(e.perplexity) && (std::isnan(f.best) || e.perplexity < f.best))
            f.best = e.perplexity;
        if (!std::isnan(e.heldoutPerplexity))
            f.heldout = e.heldoutPerplexity;
    }
    f.tokensPerSecond = run.tokensPerSecond;
    return f;
}

std::vector<RunGroup> groupRuns(const std::vector<StoredRun>& runs, const std::vector<RunFigures>& figures,
                                const std::vector<std::string>& by)
{
    std::vector<RunGroup> groups;
    std::vector<std::string> signatures;
    std::vector<std::vector<const RunFigures*>> members;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const StoredRun& run = runs[i];
        const RunSettings settingOf(run);
        const std::vector<std::string> keys = by.empty() ? trainingKeys(run.isTranslation()) : by;
        std::string signature = run.isTranslation() ? "translate" : "lm";
        std::string label;
        for (const std::string& key : keys) {
            if (by.empty() && key == "train.seed")
                continue;
            const std::string value = settingOf(key);
            signature += '\n' + key + '=' + value;
            if (!by.empty())
                label += (label.empty() ? "" : " ") + key.substr(key.rfind('.') + 1) + "=" + value;
        }
        if (label.empty()) {
            // The run's sweep label without its seed ("lr=1 seed=2" -> "lr=1").
            std::string word;
            for (std::size_t at = 0; at <= run.label.size(); ++at) {
                if (at < run.label.size() && run.label[at] != ' ') {
                    word += run.label[at];
                    continue;
                }
                if (!word.empty() && word.rfind("seed=", 0) != 0)
                    label += (label.empty() ? "" : " ") + word;
                word.clear();
            }
            if (label.empty())
                label = run.name;
        }
        const auto at = std::find(signatures.begin(), signatures.end(), signature);
        std::size_t g = static_cast<std::size_t>(at - signatures.begin());
        if (at == signatures.end()) {
            signatures.push_back(signature);
            groups.push_back({label, {}, {}, {}, {}, {}, {}});
            members.emplace_back();
        }
        groups[g].ids.push_back(run.id);
        groups[g].seeds.push_back(run.seed);
        for (const RunFigures& f : figures)
            if (f.id == run.id)
                members[g].push_back(&f);
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
        std::vector<double> finals, bests, heldouts, speeds;
        for (const RunFigures* f : members[g]) {
            finals.push_back(f->final);
            bests.push_back(f->best);
            heldouts.push_back(f->heldout);
            speeds.push_back(f->tokensPerSecond);
        }
        groups[g].final = spreadOf(finals);
        groups[g].best = spreadOf(bests);
        groups[g].heldout = spreadOf(heldouts);
        groups[g].tokensPerSecond = spreadOf(speeds);
    }
    return groups;
}

bool beyondSeedSpread(const Spread& a, const Spread& b)
{
    if (a.n < 2 || b.n < 2)
        return false;
    return a.max < b.min || b.max < a.min;
}

RunsDiff diffRuns(const std::vector<StoredRun>& runs, const std::vector<RunFigures>& figures)
{
    RunsDiff d;
    std::vector<std::string> keys;
    bool lm = false, translation = false;
    for (const StoredRun& r : runs) {
        d.ids.push_back(r.id);
        d.names.push_back(r.name);
        (r.isTranslation() ? translation : lm) = true;
    }
    // Schema order; a mixed diff lists the language model's keys, then the
    // translation keys it does not share.
    for (int kind = 0; kind < 2; ++kind) {
        if ((kind == 0 && !lm) || (kind == 1 && !translation))
            continue;
        for (const std::string& key : trainingKeys(kind == 1))
            if (std::find(keys.begin(), keys.end(), key) == keys.end())
                keys.push_back(key);
    }
    std::vector<RunSettings> settings;
    settings.reserve(runs.size());
    for (const StoredRun& r : runs)
        settings.emplace_back(r);
    for (const std::string& key : keys) {
        SettingDifference s{key, {}};
        for (const RunSettings& settingOf : settings)
            s.values.push_back(settingOf(key));
        if (std::adjacent_find(s.values.begin(), s.values.end(), std::not_equal_to<>()) != s.values.end())
            d.settings.push_back(std::move(s));
    }
    std::map<std::int64_t, const RunFigures*> byId;
    for (const RunFigures& f : figures)
        byId[f.id] = &f;
    const auto row = [&](const char* metric, auto value) {
        MetricRow m{metric, {}};
        for (const StoredRun& r : runs) {
            const auto f = byId.find(r.id);
            m.values.push_back(value(r, f == byId.end() ? nullptr : f->second));
        }
        d.metrics.push_back(std::move(m));
    };
    row("final_perplexity", [](const StoredRun&, const RunFigures* f) { return f ? f->final : kNaN; });
    row("best_perplexity", [](const StoredRun&, const RunFigures* f) { return f ? f->best : kNaN; });
    row("heldout_perplexity", [](const StoredRun&, const RunFigures* f) { return f ? f->heldout : kNaN; });
    row("tokens_per_second", [](const StoredRun& r, const RunFigures*) { return r.tokensPerSecond; });
    row("epochs", [](const StoredRun& r, const RunFigures*) { return static_cast<double>(r.epochsDone); });
    row("seconds", [](const StoredRun& r, const RunFigures*) { return r.seconds; });
    return d;
}

std::string runsDiffJson(const RunsDiff& diff)
{
    nlohmann::json out;
    out["ids"] = diff.ids;
    out["names"] = diff.names;
    out["settings"] = nlohmann::json::array();
    for (const SettingDifference& s : diff.settings)
        out["settings"].push_back({{"key", s.key}, {"values", s.values}});
    out["metrics"] = nlohmann::json::array();
    for (const MetricRow& m : diff.metrics) {
        nlohmann::json values = nlohmann::json::array();
        for (double v : m.values)
            values.push_back(number(v));
        out["metrics"].push_back({{"metric", m.metric}, {"values", values}});
    }
    return out.dump();
}

Importance settingImportance(const std::vector<StoredRun>& runs, const std::vector<RunFigures>& figures)
{
    std::vector<StoredRun> counted;
    std::vector<double> y;
    for (const StoredRun& r : runs)
        for (const RunFigures& f : figures)
            if (f.id == r.id && std::isfinite(f.final) && f.final > 0) {
                counted.push_back(r);
                y.push_back(std::log(f.final));
            }
    Importance out;
    out.runs = static_cast<int>(counted.size());
    if (counted.size() < 2)
        return out;
    const Spread all = spreadOf(y);
    const double total = all.sd * all.sd * (all.n - 1) / all.n;  // population variance
    const RunsDiff differing = diffRuns(counted, figures);
    for (const SettingDifference& s : differing.settings) {
        std::map<std::string, std::pair<double, int>> byValue;  // value -> (sum of y, count)
        for (std::size_t i = 0; i < counted.size(); ++i) {
            auto& [sum, n] = byValue[s.values[i]];
            sum += y[i];
            ++n;
        }
        double between = 0;
        for (const auto& [value, sumCount] : byValue) {
            const double mean = sumCount.first / sumCount.second;
            between += sumCount.second * (mean - all.mean) * (mean - all.mean);
        }
        between /= static_cast<double>(counted.size());
        out.settings.push_back({s.key, total > 0 ? std::min(1.0, between / total) : 0.0, static_cast<int>(byValue.size())});
    }
    std::stable_sort(out.settings.begin(), out.settings.end(),
                     [](const SettingImportance& a, const SettingImportance& b) { return a.share > b.share; });
    return out;
}

std::string importanceJson(const Importance& importance)
{
    nlohmann::json out{{"runs", importance.runs},
                       {"method", "functional ANOVA main effects of log final perplexity"},
                       {"settings", nlohmann::json::array()}};
    for (const SettingImportance& s : importance.settings)
        out["settings"].push_back({{"key", s.key}, {"share", s.share}, {"values", s.values}});
    return out.dump();
}

} // namespace traveller
