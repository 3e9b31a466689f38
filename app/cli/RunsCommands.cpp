// `traveller-cli runs`: list, show, rename, tag, note, delete, export, import,
// resume, rerun, continue, replay, fork and generate the recorded runs (the comparisons, `runs diff`
// and `runs groups`, are in RunsEvidence.cpp).
#include "Commands.h"
#include "SweepArgs.h"

#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Format.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/Presets.h"
#include "traveller/core/io/SafeFile.h"
#include "traveller/core/store/Fork.h"
#include "traveller/core/store/RunFilter.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/core/store/SweepRunner.h"
#include <algorithm>
#include <cerrno>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace traveller::cli {

namespace {

// Whether run `id` is no longer in the library (a fork's deleted parent).
bool parentGone(RunStore& store, std::int64_t id)
{
    try {
        store.run(id);
        return false;
    } catch (const StoreError&) {
        return true;
    }
}

// Whether a replay gave its original's curve, epoch by epoch, to the last
// digit (the same seed, device and threads give the same run).
void compareReplay(RunStore& store, std::int64_t original, std::int64_t replay, std::ostream& out)
{
    const auto a = store.epochs(original);
    const auto b = store.epochs(replay);
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (a[i].perplexity != b[i].perplexity) {
            out << "run " << replay << " differs from run " << original << " at epoch " << a[i].epoch << ": "
                << fixed(b[i].perplexity, 6) << " against " << fixed(a[i].perplexity, 6)
                << " (another device or thread count?)\n";
            return;
        }
    if (a.size() != b.size()) {
        out << "run " << replay << " trained " << b.size() << " epochs, run " << original << " " << a.size() << "\n";
        return;
    }
    out << "run " << replay << " replays run " << original << ": the same perplexity at each of its " << n
        << " epochs, to the last digit\n";
}

// `runs show ID`: everything recorded of one run.
int showRun(RunStore& store, const Args& a)
{
    const StoredRun r = store.run(runId(a.positional[0]));
    std::string tags;
    for (const auto& t : r.tags)
        tags += (tags.empty() ? "" : ", ") + t;
    std::cout << "id: " << r.id << "\nname: " << r.name << "\nsweep: " << r.sweep << "\nlabel: " << r.label
              << "\nstatus: " << stateLabel(r.state, r.blewUpAt) << "\nepochs: " << r.epochsDone << "/" << r.epochs
              << "\ncheckpoint: epoch " << r.checkpointEpoch << " (" << store.checkpointPath(r.id) << ")"
              << "\nperplexity: " << fixed(r.perplexity, 4) << "\ntokens/s: " << fixed(r.tokensPerSecond, 0)
              << "\nseconds: " << fixed(r.seconds, 2) << "\ndevice: " << r.device << " (" << r.threads
              << " threads)\nversion: " << r.programVersion << "\nseed: " << r.seed << "\ncreated: " << r.createdAt
              << "\nfinished: " << r.finishedAt << "\ntags: " << tags << "\nmessage: " << r.message;
    if (r.parentId > 0)
        std::cout << "\nforked from: run " << r.parentId << " at epoch " << r.branchEpoch
                  << (parentGone(store, r.parentId) ? " (that run has been deleted)" : "");
    if (const auto forks = store.children(r.id); !forks.empty()) {
        std::cout << "\nforks:";
        for (const auto f : forks)
            std::cout << ' ' << f;
    }
    if (!r.isTranslation()) {
        std::cout << "\nkept weights (epochs a fork can start from):";
        for (const int e : forkEpochs(store, r))
            std::cout << ' ' << e;
    }
    if (!r.note.empty())
        std::cout << "\nnote: " << r.note;
    std::cout << "\n\nconfig:\n"
              << r.configYaml << "\n\nepoch  perplexity  tok/s  elapsed  sample\n";
    for (const auto& e : store.epochs(r.id))
        std::cout << e.epoch << "  " << fixed(e.perplexity, 4) << "  " << fixed(e.tokensPerSecond, 0) << "  "
                  << fixed(e.elapsedSeconds, 2) << "  " << e.sample << '\n';
    const std::vector<SettingEvent> events = store.events(r.id);
    if (!events.empty()) {
        std::cout << "\nsettings changed while it trained (epoch, batch, key, from, to):\n";
        for (const SettingEvent& e : events)
            std::cout << "  " << e.epoch << "  " << e.batch << "  " << e.key << "  " << e.from << " -> " << e.to
                      << (e.live ? "  (live)" : "  (schedule)") << '\n';
    }
    std::cout << "\nsamples:\n";
    for (const auto& [prefix, text] : r.samples)
        std::cout << "  " << text << '\n';
    return 0;
}

// `runs fork ID --epoch E [--set KEY=VALUE]...`: the fork, then trained
// (unless --no-train) as a resume from its branch point.
int forkCommand(RunStore& store, const Args& a)
{
    ForkRequest request;
    request.epoch = static_cast<int>(wholeNumber("--epoch", a.epoch, 1, 1000000000));
    for (const std::string& s : a.sets)
        request.changes.push_back(splitSetting(s));
    request.name = a.name;
    request.programVersion = TRAVELLER_VERSION;
    const std::int64_t id = forkRun(store, runId(a.positional[0]), request);
    const StoredRun fork = store.run(id);
    if (!a.quiet)
        std::cerr << "run " << id << " (" << fork.name << ") forks run " << fork.parentId << " at epoch "
                  << fork.branchEpoch << '\n';
    if (a.noTrain) {
        std::cout << id << '\n';
        return 0;
    }
    return trainStored(store, id, a);
}

// `runs note ID TEXT` or `--file F` ("" clears it).
int noteCommand(RunStore& store, const Args& a)
{
    const std::int64_t id = runId(a.positional[0]);
    if (!a.noteFile.empty()) {
        // Read whole before anything changes: an unreadable file keeps the note.
        store.setNote(id, readFileArgument(a.noteFile, ReadLimits{kMaxNoteBytes, false}));
        return 0;
    }
    if (a.positional.size() < 2)
        throw UsageError("usage: traveller-cli runs note ID TEXT (or --file F; \"\" clears the note)");
    store.setNote(id, a.positional[1]);
    return 0;
}

// `runs delete`: all of them or none. A parent's forks stay; it is said.
int deleteCommand(RunStore& store, const Args& a)
{
    if (a.positional.empty())
        throw UsageError("usage: traveller-cli runs delete ID...");
    auto ids = runIds(a.positional);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> parents;
    for (const auto id : ids) {
        std::vector<std::int64_t> kept;
        for (const auto f : store.children(id))
            if (!std::binary_search(ids.begin(), ids.end(), f))
                kept.push_back(f);
        if (!kept.empty())
            parents.emplace_back(id, kept);
    }
    store.deleteRuns(ids);  // all of them or none
    if (!a.quiet)
        for (const auto& [id, forks] : parents) {
            std::cerr << "run " << id << " was deleted; its forks";
            for (const auto f : forks)
                std::cerr << ' ' << f;
            std::cerr << " keep their own epochs and say where they started\n";
        }
    return 0;
}

// `runs export`: CSV or a Markdown report of the chosen runs.
int exportRuns(RunStore& store, const Args& a)
{
    if (a.csv == a.markdown)
        throw UsageError("runs export needs --csv or --markdown");
    std::vector<StoredRun> runs;
    if (!a.sweep.empty())
        runs = store.runsOfSweep(a.sweep);
    for (auto id : runIds(a.positional))
        runs.push_back(store.run(id));
    if (a.positional.empty() && a.sweep.empty())
        runs = store.runs();
    const std::string title = a.sweep.empty() ? "Traveller runs" : "Sweep " + a.sweep;
    if (a.markdown && !a.output.empty()) {
        // A report on disk gets its chart, written beside it.
        const std::string chart = writeMarkdownReport(store, runs, a.output, title);
        if (!a.quiet)
            std::cerr << "wrote " << a.output << " and " << chart << '\n';
        return 0;
    }
    const std::string text = a.csv ? runsToCsv(runs) : runsToMarkdown(runs, title);
    if (a.output.empty()) {
        std::cout << text;
    } else {
        checkExportTarget(store, a.output);
        writeFileAtomically(a.output, text);
    }
    return 0;
}

int runsCommand(const std::string& sub, const Args& a)
{
    if (sub == "import")
        return runsImportCommand(a);
    RunStore store(RunStore::resolveFolder(a.library));

    if (sub == "list") {
        const RunFilter where = parseRunFilter(a.where);  // a bad filter is said before anything is read
        const auto runs = filterRuns(where, a.sweep.empty() ? store.runs() : store.runsOfSweep(a.sweep));
        if (a.json) {
            std::cout << runsToJsonLines(runs);  // as the window's Export… writes them
        } else {
            printTable(runs, std::cout);
        }
        return 0;
    }
    if (sub == "show")
        return showRun(store, a);
    if (sub == "rename") {
        store.rename(runId(a.positional[0]), a.positional[1]);
        return 0;
    }
    if (sub == "tag" || sub == "untag") {
        if (sub == "tag")
            store.addTag(runId(a.positional[0]), a.positional[1]);
        else
            store.removeTag(runId(a.positional[0]), a.positional[1]);
        return 0;
    }
    if (sub == "delete")
        return deleteCommand(store, a);
    if (sub == "fork")
        return forkCommand(store, a);
    if (sub == "note")
        return noteCommand(store, a);
    if (sub == "export")
        return exportRuns(store, a);
    if (sub == "resume") {
        const std::int64_t id = runId(a.positional[0]);
        if (const RuleVerdict resumable = canResume(store.run(id)); !resumable)
            throw UsageError(resumable.reason);
        return trainStored(store, id, a);
    }
    if (sub == "continue") {
        const std::int64_t id = runId(a.positional[0]);
        if (const RuleVerdict possible = canContinue(store.run(id)); !possible)
            throw Error(possible.reason);
        return trainStored(store, id, a, wholeNumber("--epochs", a.length, 1, 1000000));
    }
    if (sub == "rerun" || sub == "replay") {
        // The settings it kept: as it started, with every change made while it
        // trained in its schedule, each at the batch where it landed.
        const StoredRun old = store.run(runId(a.positional[0]));
        if (sub == "replay")
            checkReplayCorpus(old, resolveDataDir(a.dataDir));  // the same text, or no replay
        const std::int64_t id = store.createRun({old.config(), old.name, old.sweep, old.label, TRAVELLER_VERSION});
        const int status = trainStored(store, id, a);
        if (sub == "replay")
            compareReplay(store, old.id, id, std::cerr);
        return status;
    }
    if (sub == "generate") {
        // The settings first: a bad one is named before any weights load.
        const double temperature =
            schemaNumber("--temperature", a.temperature, schemaKey(configSchema(), "sample.temperature"));
        const StoredRun r = store.run(runId(a.positional[0]));
        if (const RuleVerdict possible = canGenerate(r); !possible)
            throw Error(possible.reason);
        ExperimentConfig config = r.config();
        config.train.device = "cpu";
        LmSession session(config, resolveDataDir(a.dataDir));
        session.loadCheckpoint(store.checkpointPath(r.id));
        const std::string prefix = a.prefix.empty() ? config.sample.prefix : a.prefix;
        const std::string lengthText = a.length.empty() ? std::to_string(config.sample.length) : a.length;
        const int length =
            static_cast<int>(schemaNumber("--length", lengthText, schemaKey(configSchema(), "sample.length")));
        std::cout << session.generate(prefix, length, temperature, generationSeed(config)) << '\n';
        return 0;
    }
    throw UsageError("unknown runs subcommand '" + sub + "'");
}

} // namespace

// The runs subcommands that train: resume, rerun, continue, replay, fork, and
// generate (text from a run's weights).
template <class Add>
void addRunsTrainingCommands(Add& add, int&)
{
    {
        auto [c, a] = add("resume", "Train an interrupted or stopped run on from its checkpoint");
        positional(c, a, "id", "The run's id");
        c->add_flag("--from-scratch", a->fromScratch, "Start over when its checkpoint is missing");
        trainingOptions(c, *a);
    }
    {
        auto [c, a] = add("rerun", "Train a run's settings again as a new run");
        positional(c, a, "id", "The run's id");
        trainingOptions(c, *a);
    }
    {
        auto [c, a] = add("continue", "Train a finished or stopped run N more epochs as the same run");
        positional(c, a, "id", "The run's id");
        c->add_option("--epochs", a->length, "How many more epochs")->required()->type_name("N");
        trainingOptions(c, *a);
    }
    {
        auto [c, a] = add("replay", "Train a run again from the settings it kept (changes made while it trained "
                                    "included) and say whether its curve is the same");
        positional(c, a, "id", "The run's id");
        trainingOptions(c, *a);
    }
    {
        auto [c, a] = add("generate", "Continue a prefix with a trained run's weights");
        positional(c, a, "id", "The run's id");
        c->add_option("--prefix", a->prefix, "The text to continue (default: the run's sample.prefix)")->type_name("TEXT");
        c->add_option("--length", a->length, "Characters to generate (default: the run's sample.length)")->type_name("N");
        c->add_option("--temperature", a->temperature, "0 picks the likeliest character; higher samples more freely")
            ->type_name("T");
        c->add_option("--data-dir", a->dataDir, "Corpus folder (the vocabulary comes from it)")->type_name("DIR");
    }
}

void addRunsCommands(CLI::App& app, int& status)
{
    CLI::App* runs = app.add_subcommand("runs", "List, inspect, export, resume and delete the recorded runs");
    runs->require_subcommand(1);
    auto add = [&](const std::string& name, const std::string& help) {
        auto args = std::make_shared<Args>();
        CLI::App* command = runs->add_subcommand(name, help);
        libraryOption(command, *args);
        command->callback([name, args, &status] { status = runsCommand(name, *args); });
        return std::pair{command, args};
    };
    {
        auto [c, a] = add("list", "A table of the runs (or JSON Lines with --json)");
        c->add_option("--sweep", a->sweep, "Only the runs of this sweep")->type_name("NAME");
        c->add_flag("--json", a->json, "One JSON object per run");
        c->add_option("--where", a->where, "Only the runs this filter matches, as the Runs tab's filter box: "
                                           "'cell=gru lr<1 tag:lab note:overfits' (every word must match)")
            ->type_name("FILTER");
    }
    {
        auto [c, a] = add("show", "Everything recorded of one run: settings, epochs, samples");
        positional(c, a, "id", "The run's id (see runs list)");
    }
    {
        auto [c, a] = add("rename", "Give a run a new name");
        positional(c, a, "id", "The run's id");
        positional(c, a, "name", "Its new name");
    }
    for (const char* verb : {"tag", "untag"}) {
        auto [c, a] = add(verb, std::string(verb == std::string("tag") ? "Add a tag to" : "Remove a tag from") + " a run");
        positional(c, a, "id", "The run's id");
        positional(c, a, "tag", "The tag");
    }
    {
        auto [c, a] = add("note", "Write a note on a run (\"\" clears it)");
        positional(c, a, "id", "The run's id");
        c->add_option_function<std::string>(
            "text", [a = a](const std::string& v) { a->positional.push_back(v); }, "The note");
        c->add_option("--file", a->noteFile, "Read the note from FILE (64 KiB at most)")->type_name("FILE");
    }
    {
        auto [c, a] = add("fork", "Branch a new run from the weights a run kept at an epoch, with changed settings");
        positional(c, a, "id", "The run's id");
        c->add_option("--epoch", a->epoch, "The epoch whose weights the fork starts from (runs show lists them)")
            ->required()
            ->type_name("E");
        c->add_option("--set", a->sets, "A change from the branch point on, e.g. --set train.lr=0.3 (repeatable; "
                                         "what a run can change while it trains, and train.epochs)")
            ->type_name("KEY=VALUE");
        c->add_option("--name", a->name, "The fork's name (default: the parent's, the epoch and the changes)")
            ->type_name("NAME");
        c->add_flag("--no-train", a->noTrain, "Make the fork (queued) and print its id; train it later with runs resume");
        trainingOptions(c, *a);
    }
    {
        auto [c, a] = add("delete", "Delete runs and their checkpoints: all of them or none (never a run being trained); "
                                    "their forks stay");
        c->add_option("ids", a->positional, "Run ids or ranges, e.g. 3 5-8")->required();
        c->add_flag("-q,--quiet", a->quiet, "Do not say which forks stay");
    }
    {
        auto [c, a] = add("export", "The runs as CSV or a Markdown report (with an SVG chart beside a report file)");
        c->add_option("ids", a->positional, "Run ids or ranges (default: every run, or the --sweep's)");
        c->add_option("--sweep", a->sweep, "The runs of this sweep")->type_name("NAME");
        auto* csv = c->add_flag("--csv", a->csv, "Comma-separated values, a row per run");
        auto* md = c->add_flag("--markdown", a->markdown, "A Markdown report: table, chart, samples");
        csv->excludes(md);
        c->add_option("--output", a->output, "Write to FILE (a report gets FILE-perplexity.svg beside it)")->type_name("FILE");
        c->add_flag("-q,--quiet", a->quiet, "Do not say what was written");
    }
    {
        auto [c, a] = add("import", "Copy a Slurm sweep's ended runs from its run folder into the library (idempotent)");
        c->add_option_function<std::string>(
            "folder", [a = a](const std::string& v) { a->positional.push_back(v); },
            "The sweep's run folder (default: the library's newest)");
        c->add_flag("--ended", a->ended, "Every task has ended (the import job): a run still marked running was cut "
                                         "off and is imported as interrupted");
    }
    addRunsTrainingCommands(add, status);
}

} // namespace traveller::cli
