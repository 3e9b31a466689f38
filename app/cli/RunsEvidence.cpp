// `runs diff` and `runs groups`: comparing runs with evidence (RunEvidence.h)
// from the command line, as the window's Diff view and groups show it.
#include "Commands.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Format.h"
#include "traveller/core/store/RunEvidence.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/s2s/Translation.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

namespace traveller::cli {

namespace {

struct EvidenceArgs {
    std::vector<std::string> ids;
    std::string library, sweep, by, prefix, length = "50", temperature = "0", dataDir;
    bool json = false, noSamples = false;
};

// `text` padded to `width` columns (characters, not bytes: "±" is one).
std::string cell(const std::string& text, std::size_t width)
{
    std::size_t columns = 0;
    for (unsigned char c : text)
        columns += (c & 0xC0) != 0x80;
    return text + std::string(std::max(width, columns + 2) - columns, ' ');
}

std::string number(double v, int decimals) { return formatNumber(v, decimals, "-"); }

std::vector<StoredRun> chosenRuns(RunStore& store, const EvidenceArgs& a)
{
    std::vector<StoredRun> runs;
    if (!a.sweep.empty())
        runs = store.runsOfSweep(a.sweep);
    for (std::int64_t id : runIds(a.ids))
        runs.push_back(store.run(id));
    return runs;
}

std::vector<RunFigures> figuresOf(RunStore& store, const std::vector<StoredRun>& runs)
{
    std::vector<RunFigures> out;
    for (const StoredRun& r : runs)
        out.push_back(runFigures(r, store.epochs(r.id)));
    return out;
}

// The same prefix, seed and temperature for every run that has weights: the
// differences in the text are the models'.
std::vector<std::string> samplesOf(RunStore& store, const std::vector<StoredRun>& runs, const EvidenceArgs& a,
                                   std::string& prefix)
{
    std::vector<std::string> out;
    const double temperature = schemaNumber("--temperature", a.temperature, schemaKey(configSchema(), "sample.temperature"));
    const int length = static_cast<int>(schemaNumber("--length", a.length, schemaKey(configSchema(), "sample.length")));
    for (const StoredRun& r : runs) {
        if (!canGenerate(r)) {
            out.emplace_back();
            continue;
        }
        ExperimentConfig config = r.config();
        config.train.device = "cpu";
        if (prefix.empty())
            prefix = a.prefix.empty() ? config.sample.prefix : a.prefix;
        LmSession session(config, resolveDataDir(a.dataDir));
        session.loadCheckpoint(store.checkpointPath(r.id));
        out.push_back(session.generate(prefix, length, temperature, 0));
    }
    return out;
}

void printDiff(const RunsDiff& d, const std::vector<std::string>& samples, const std::string& prefix,
               const std::string& temperature)
{
    std::size_t keyWidth = 20;
    for (const SettingDifference& s : d.settings)
        keyWidth = std::max(keyWidth, s.key.size() + 2);
    std::cout << cell("", keyWidth);
    for (std::size_t i = 0; i < d.ids.size(); ++i)
        std::cout << cell("#" + std::to_string(d.ids[i]) + " " + d.names[i], 24);
    std::cout << '\n';
    if (d.settings.empty())
        std::cout << "(the same settings)\n";
    for (const SettingDifference& s : d.settings) {
        std::cout << cell(s.key, keyWidth);
        for (const std::string& v : s.values)
            std::cout << cell(v.empty() ? "-" : v, 24);
        std::cout << '\n';
    }
    std::cout << '\n';
    for (const MetricRow& m : d.metrics) {
        const int decimals = m.metric == "epochs" || m.metric == "tokens_per_second" ? 0 : m.metric == "seconds" ? 1 : 3;
        std::cout << cell(m.metric, keyWidth);
        for (std::size_t i = 0; i < m.values.size(); ++i) {
            std::string text = number(m.values[i], decimals);
            if (i > 0 && std::isfinite(m.values[i]) && std::isfinite(m.values[0])) {
                const double delta = m.values[i] - m.values[0];
                text += " (" + std::string(delta >= 0 ? "+" : "") + number(delta, decimals) + ")";
            }
            std::cout << cell(text, 24);
        }
        std::cout << '\n';
    }
    if (samples.empty())
        return;
    std::cout << "\nsamples (prefix \"" << prefix << "\", temperature " << temperature << ", seed 0):\n";
    for (std::size_t i = 0; i < samples.size(); ++i)
        std::cout << "#" << d.ids[i] << ": " << (samples[i].empty() ? "(no weights)" : samples[i]) << '\n';
}

int diffCommand(const EvidenceArgs& a)
{
    RunStore store(RunStore::resolveFolder(a.library));
    const std::vector<StoredRun> runs = chosenRuns(store, a);
    if (runs.size() < 2)
        throw UsageError("runs diff needs two or more runs, got " + std::to_string(runs.size()));
    const RunsDiff d = diffRuns(runs, figuresOf(store, runs));
    std::string prefix;
    const std::vector<std::string> samples = a.noSamples ? std::vector<std::string>() : samplesOf(store, runs, a, prefix);
    if (!a.json) {
        printDiff(d, samples, prefix, a.temperature);
        return 0;
    }
    nlohmann::json out = nlohmann::json::parse(runsDiffJson(d));
    if (!a.noSamples)
        out["samples"] = {{"prefix", prefix}, {"temperature", a.temperature}, {"seed", 0}, {"texts", samples}};
    std::cout << out.dump() << '\n';
    return 0;
}

std::string spreadText(const Spread& s, int decimals)
{
    if (s.n == 0)
        return "-";
    if (s.n == 1)
        return number(s.mean, decimals) + " (n 1)";
    return number(s.mean, decimals) + " ± " + number(s.sd, decimals) + " (n " + std::to_string(s.n) + ")";
}

int groupsCommand(const EvidenceArgs& a)
{
    RunStore store(RunStore::resolveFolder(a.library));
    const std::vector<StoredRun> runs = chosenRuns(store, a);
    if (runs.empty())
        throw UsageError("runs groups needs runs: give ids or --sweep NAME");
    std::vector<std::string> by;
    std::stringstream keys(a.by);
    for (std::string key; std::getline(keys, key, ',');)
        if (!key.empty())
            by.push_back(key.find('.') == std::string::npos ? "model." + key : key);
    for (const std::string& key : by) {
        bool known = false;
        for (const auto* schema : {&configSchema(), &translationSchema()})
            for (const ConfigKeyInfo& k : *schema)
                known = known || k.key == key;
        if (!known)
            throw UsageError("--by: no setting " + key + " (see traveller-cli schema)");
    }
    const std::vector<RunGroup> groups = groupRuns(runs, figuresOf(store, runs), by);
    if (a.json) {
        for (const RunGroup& g : groups) {
            nlohmann::json line{{"label", g.label}, {"ids", g.ids}, {"seeds", g.seeds}};
            for (const auto& [name, s] : {std::pair{"final", &g.final}, {"best", &g.best}, {"heldout", &g.heldout},
                                          {"tokens_per_second", &g.tokensPerSecond}})
                line[name] = s->n == 0 ? nlohmann::json() : nlohmann::json{{"n", s->n}, {"mean", s->mean}, {"sd", s->sd},
                                                                            {"min", s->min}, {"max", s->max}};
            std::cout << line.dump() << '\n';
        }
        return 0;
    }
    std::cout << cell("group", 28) << cell("final", 26) << cell("best", 26) << cell("held-out", 26) << "runs\n";
    for (const RunGroup& g : groups) {
        std::string ids;
        for (std::int64_t id : g.ids)
            ids += (ids.empty() ? "" : " ") + std::to_string(id);
        std::cout << cell(g.label, 28) << cell(spreadText(g.final, 3), 26) << cell(spreadText(g.best, 3), 26)
                  << cell(spreadText(g.heldout, 3), 26) << ids << '\n';
    }
    // Which differences are larger than the seeds' spread (ranges apart).
    for (std::size_t i = 0; i < groups.size(); ++i)
        for (std::size_t j = i + 1; j < groups.size(); ++j)
            if (groups[i].final.n > 1 && groups[j].final.n > 1)
                std::cout << groups[i].label << " vs " << groups[j].label << ": "
                          << (beyondSeedSpread(groups[i].final, groups[j].final)
                                  ? "the final perplexities differ beyond the seed spread"
                                  : "the difference lies within the seed spread")
                          << '\n';
    return 0;
}

int importanceCommand(const EvidenceArgs& a)
{
    RunStore store(RunStore::resolveFolder(a.library));
    const std::vector<StoredRun> runs = chosenRuns(store, a);
    if (runs.size() < 2)
        throw UsageError("sweep importance needs a sweep's name or two or more --runs");
    const Importance imp = settingImportance(runs, figuresOf(store, runs));
    if (a.json) {
        std::cout << importanceJson(imp) << '\n';
        return 0;
    }
    std::cout << "How much of the variation of log final perplexity over " << imp.runs
              << " runs each setting explains alone\n(functional ANOVA main effects; the rest is interactions "
                 "and seed noise):\n";
    double explained = 0;
    for (const SettingImportance& s : imp.settings) {
        std::cout << cell(s.key, 24) << cell(number(100 * s.share, 1) + " %", 10) << s.values << " values\n";
        explained += s.share;
    }
    if (imp.settings.empty())
        std::cout << "(the runs share every setting)\n";
    else
        std::cout << cell("rest", 24) << number(100 * std::max(0.0, 1 - explained), 1) << " %\n";
    return 0;
}

} // namespace

void addRunsEvidenceCommands(CLI::App& app, int& status)
{
    {
        auto a = std::make_shared<EvidenceArgs>();
        CLI::App* c = app.get_subcommand("sweep")->add_subcommand(
            "importance", "Which setting matters: the share of the final perplexity's variation each explains");
        c->add_option_function<std::string>(
            "sweep", [a = a.get()](const std::string& v) { a->sweep = v; }, "The sweep's name in the library");
        c->add_option("--runs", a->ids, "Or these run ids or ranges")->type_name("IDS");
        c->add_option("--library", a->library, "The run library's folder")->type_name("DIR");
        c->add_flag("--json", a->json, "One JSON object");
        c->callback([a, &status] { status = importanceCommand(*a); });
    }
    CLI::App* runs = app.get_subcommand("runs");
    {
        auto a = std::make_shared<EvidenceArgs>();
        CLI::App* c = runs->add_subcommand("diff", "Two or more runs side by side: the settings that differ, the "
                                                   "metrics, and text from each with the same prefix and seed");
        c->add_option("ids", a->ids, "Run ids or ranges, e.g. 3 5-8");
        c->add_option("--sweep", a->sweep, "Also the runs of this sweep")->type_name("NAME");
        c->add_option("--library", a->library, "The run library's folder")->type_name("DIR");
        c->add_flag("--json", a->json, "One JSON object");
        c->add_flag("--no-samples", a->noSamples, "Do not generate text from each run");
        c->add_option("--prefix", a->prefix, "Text every run continues (default: the first run's sample.prefix)")
            ->type_name("TEXT");
        c->add_option("--length", a->length, "Characters to generate (default 50)")->type_name("N");
        c->add_option("--temperature", a->temperature, "0 picks the likeliest character (default)")->type_name("T");
        c->add_option("--data-dir", a->dataDir, "Corpus folder (the vocabulary comes from it)")->type_name("DIR");
        c->callback([a, &status] { status = diffCommand(*a); });
    }
    {
        auto a = std::make_shared<EvidenceArgs>();
        CLI::App* c = runs->add_subcommand("groups", "Runs that differ only in their seed (or share --by settings) "
                                                     "as groups: mean ± sd, n, and which differences exceed the spread");
        c->add_option("ids", a->ids, "Run ids or ranges");
        c->add_option("--sweep", a->sweep, "The runs of this sweep")->type_name("NAME");
        c->add_option("--by", a->by, "Group by these settings instead, e.g. arch or model.arch,train.lr")
            ->type_name("KEYS");
        c->add_option("--library", a->library, "The run library's folder")->type_name("DIR");
        c->add_flag("--json", a->json, "One JSON object per group");
        c->callback([a, &status] { status = groupsCommand(*a); });
    }
}

} // namespace traveller::cli
