// `traveller-cli lab`: the d2l RNN lab, headless. `lab run` trains its steps
// into the run library (Lab.h), going on where the library is (planLabStep;
// `--again` trains anew), `lab status` prints each step's runs and its
// reference checks, `lab report` writes the report (LabReport.h), `lab note`
// keeps a step's notes. The window's Lab tab does the same through the same
// core calls.
#include "Commands.h"
#include "RunEvents.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Format.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/lab/LabReport.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lm/Precision.h"
#include "traveller/core/Messages.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/io/SafeFile.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>

namespace traveller::cli {

namespace {

struct Args {
    std::string library, dataDir, threads, parallel, epochCap, seeds, output, lang = "en", step, text, file;
    std::string precision = "fp32";
    std::vector<std::string> only;
    bool quick = false, full = false, quiet = false, again = false;
};

// --precision fp32|bf16: the schema's own rule for train.precision.
Precision precisionOption(const std::string& text)
{
    ExperimentConfig probe;
    try {
        setConfigValue(probe, "train.precision", text);
    } catch (const Error& e) {
        throw UsageError(std::string("--precision: ") + e.what());
    }
    return probe.train.precision;
}

LabMode modeOf(const Args& a, RunStore& store)
{
    if (a.quick && a.full)
        throw UsageError("--quick and --full exclude each other");
    if (a.quick)
        return LabMode::Quick;
    if (a.full)
        return LabMode::Full;
    return labModeInLibrary(store);
}

// One line per run started and finished, and per tenth of a run's epochs.
class LabLines : public LabObserver {
public:
    explicit LabLines(bool quiet) : quiet_(quiet) {}
    void onStepStarted(const LabStep& step, std::size_t runs) override
    {
        say(step.id + " " + step.title + ": " + std::to_string(runs) + " run(s)");
    }
    void onRunStarted(const LabStep& step, const std::string& label, std::int64_t id) override
    {
        say(step.id + " " + label + ": run " + std::to_string(id) + " started");
    }
    void onRunResumed(const LabStep& step, const std::string& label, std::int64_t id, int fromEpoch) override
    {
        say(step.id + " " + label + ": run " + std::to_string(id) + " goes on" +
            (fromEpoch > 0 ? " from epoch " + std::to_string(fromEpoch) : " from the start"));
    }
    void onRunReused(const LabStep& step, const std::string& label, const StoredRun& run) override
    {
        const bool own =
            run.sweep == labSweepName(step, LabMode::Full) || run.sweep == labSweepName(step, LabMode::Quick);
        const std::string id = "run " + std::to_string(run.id);
        if (run.state == StoredState::Running)
            say(step.id + " " + label + ": " + id + " is training in another window or process; left to it");
        else if (own)
            say(step.id + " " + label + ": " + id + " is " + stateLabel(run.state, run.blewUpAt) + ", kept (--again trains it anew)");
        else
            say(step.id + " " + label + ": " + id + " (\"" + run.name + "\"), trained with the same settings, counts");
    }
    void onEpoch(const LabStep& step, const std::string& label, int epoch, int epochs, double value) override
    {
        if (epochs >= 10 && epoch % (epochs / 10) != 0)
            return;
        say(step.id + " " + label + ": epoch " + std::to_string(epoch) + "/" + std::to_string(epochs) + ", " +
            (step.kind == LabStepKind::Translation ? "loss " : "perplexity ") + formatNumber(value, 3));
    }
    void onRunFinished(const LabStep& step, const std::string& label, std::int64_t id, const RunResult& r) override
    {
        say(step.id + " " + label + ": run " + std::to_string(id) + " " + toString(r.status) + " after " +
            std::to_string(r.epochsDone) + " epoch(s), " + formatDuration(r.seconds) +
            (r.message.empty() ? "" : " (" + r.message + ")"));
    }
    void onStepFinished(const LabStep& step, double seconds) override
    {
        say(step.id + " " + step.title + ": done in " + formatDuration(seconds));
    }

private:
    void say(const std::string& line)
    {
        if (quiet_)
            return;
        std::lock_guard lock(mutex_);
        std::cerr << line << '\n';
    }
    bool quiet_;
    std::mutex mutex_;
};

// Every step: its runs (status, value, time) and its checks; returns the
// number of checks that failed.
int printStatus(RunStore& store, LabMode mode, std::ostream& out, int epochCap = 0, int seeds = 1,
                Precision precision = Precision::Fp32)
{
    int failed = 0;
    out << (mode == LabMode::Quick ? "Lab (quick)" : "Lab") << ", library " << store.folder() << "\n";
    for (const auto& step : labSteps()) {
        out << step.id << " " << step.title << "\n";
        const auto runs = labRunsOf(store, step, mode, epochCap, seeds, precision);
        for (const std::string& label : labRunLabels(step, mode, seeds)) {
            const auto it = runs.find(label);
            out << "  " << label << ": ";
            if (it == runs.end()) {
                out << "not run yet\n";
                continue;
            }
            const StoredRun& s = it->second;
            out << "run " << s.id << ", " << stateLabel(s.state, s.blewUpAt) << ", " << s.epochsDone << "/" << s.epochs << " epochs, "
                << (s.isTranslation() ? "loss " : "perplexity ") << formatNumber(s.perplexity, s.isTranslation() ? 4 : 3);
            if (!s.isTranslation()) {
                const auto epochs = store.epochs(s.id);
                if (!epochs.empty())
                    out << ", held-out " << formatNumber(epochs.back().heldoutPerplexity, 3);
            }
            out << ", " << formatDuration(s.seconds) << "\n";
        }
        for (const auto& c : labChecks(store, step, mode, precision)) {
            out << "  check: " << c.describe() << "\n";
            failed += c.measuredYet() && !c.passed;
        }
    }
    return failed;
}

int labRun(const Args& a)
{
    RunStore store(RunStore::resolveFolder(a.library));
    LabOptions options;
    options.mode = a.quick ? LabMode::Quick : LabMode::Full;
    options.only = a.only;
    options.sweep.record.dataDir = resolveDataDir(a.dataDir);
    options.sweep.record.programVersion = TRAVELLER_VERSION;
    options.sweep.record.threads = -1;
    options.sweep.threads = a.threads.empty() ? 0 : threadsOption(a.threads);
    if (!a.parallel.empty())
        options.sweep.parallel = wholeNumber("--parallel", a.parallel, 1, 64);
    if (!a.epochCap.empty())
        options.epochCap = wholeNumber("--epoch-cap", a.epochCap, 1, 1000000);
    options.start = a.again ? LabStart::Again : LabStart::Continue;
    if (!a.seeds.empty())
        options.seeds = wholeNumber("--seeds", a.seeds, 1, kMaxLabSeeds);
    options.precision = precisionOption(a.precision);
    if (options.precision == Precision::Bf16 && bf16Path() == Bf16Path::None)
        throw ConfigError("train.precision", 0, 0, message("train.bf16_unavailable"));
    for (const auto& name : a.only) {
        const LabStep* s = findLabStep(name);
        if (!s)
            throw UsageError("no lab step '" + name + "'; the steps are 1.1 (rnn), 1.2 (gru), 1.3 (lstm), 1.4 (compare), "
                             "2 (seq2seq), 3 (conclusions)");
        if (s->runs.empty())
            throw UsageError("step " + s->id + " (" + s->title + ") trains nothing: it reads the runs of the steps "
                             "before it (lab status, lab report)");
    }
    RunControl control;
    InterruptScope interrupts(control);
    LabLines lines(a.quiet);
    const auto start = std::chrono::steady_clock::now();
    const auto seconds = runLab(store, options, lines, control);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const int failed = printStatus(store, options.mode, std::cout, options.epochCap, options.seeds, options.precision);
    for (const auto& [id, s] : seconds)
        std::cout << "wall time " << id << ": " << formatDuration(s) << " (" << formatNumber(s, 1) << " s)\n";
    std::cout << "wall time, whole lab run: " << formatDuration(wall) << " (" << formatNumber(wall, 1) << " s)\n";
    if (control.stopRequested())
        return 130;
    return failed > 0 ? 4 : 0;
}

int labStatus(const Args& a)
{
    RunStore store(RunStore::resolveFolder(a.library));
    const int seeds = a.seeds.empty() ? 1 : wholeNumber("--seeds", a.seeds, 1, kMaxLabSeeds);
    return printStatus(store, modeOf(a, store), std::cout, 0, seeds, precisionOption(a.precision)) > 0 ? 4 : 0;
}

int labReport(const Args& a)
{
    if (!labLanguageKnown(a.lang))
        throw UsageError("--lang takes en or zh_CN, not '" + a.lang + "'");
    RunStore store(RunStore::resolveFolder(a.library));
    LabReportOptions options;
    options.mode = modeOf(a, store);
    options.lang = a.lang;
    options.programVersion = TRAVELLER_VERSION;
    for (const auto& path : writeLabReport(store, a.output, options))
        std::cout << path << "\n";
    return 0;
}

int labNote(const Args& a)
{
    const LabStep* step = findLabStep(a.step);
    if (!step)
        throw UsageError("no lab step '" + a.step + "' (1.1, 1.2, 1.3, 1.4, 2, 3 or rnn, gru, lstm, compare, seq2seq, "
                         "conclusions)");
    // The note is read whole before the library is opened: a file that
    // cannot be read (a folder, a FIFO, a device, too large) leaves the
    // step's note as it was.
    ReadLimits limits;
    limits.maxBytes = kMaxNoteBytes;
    const std::string text = a.file.empty() ? a.text : readFileArgument(a.file, limits);
    RunStore store(RunStore::resolveFolder(a.library));
    store.setLabNote(step->id, text);
    return 0;
}

} // namespace

void addLabCommands(CLI::App& app, int& status)
{
    auto args = std::make_shared<Args>();
    CLI::App* lab = app.add_subcommand("lab", "The d2l RNN lab: run its steps, check them against the book, write its report");
    lab->require_subcommand(1);
    auto library = [&](CLI::App* c) {
        c->add_option("--library", args->library, "The run library's folder (else $TRAVELLER_HOME, else ~/.local/share/traveller)")
            ->type_name("DIR");
    };

    CLI::App* run = lab->add_subcommand("run", "Train the lab's steps into the run library (each step a sweep) and check them");
    library(run);
    run->add_flag("--quick", args->quick, "The class-length version: a tenth of the epochs, its own references");
    repeatable(run->add_option("--only", args->only, "Only this step (1.1 or rnn, 1.2 gru, 1.3 lstm, 2 seq2seq); repeatable")
                   ->type_name("STEP"));
    run->add_option("--data-dir", args->dataDir, "Corpus folder")->type_name("DIR");
    run->add_option("--threads", args->threads, "CPU threads in all, 0 = all cores")->type_name("N");
    run->add_option("--parallel", args->parallel, "Runs trained at once (default: what the cores allow)")->type_name("N");
    run->add_flag("--again", args->again,
                  "Train the chosen steps' runs anew. Without it the lab goes on where the library is: finished "
                  "runs (and runs trained elsewhere with exactly a lab run's settings) are kept, the lab's "
                  "stopped or interrupted runs resume");
    run->add_option("--epoch-cap", args->epochCap,
                    "No run trains more than N epochs (a short demonstration; such runs are not the lab's values)")
        ->type_name("N");
    run->add_option("--seeds", args->seeds,
                    "Train each run on seeds 0..N-1 (\"lr=10 seed=2\"); the report gives each setting's mean ± sd "
                    "and says which differences lie within the seeds' spread")
        ->type_name("N");
    run->add_option("--precision", args->precision,
                    "fp32 or bf16: every run's train.precision (bf16 runs are other runs than the fp32 ones)")
        ->type_name("P");
    run->add_flag("-q,--quiet", args->quiet, "No progress on stderr");
    run->callback([args, &status] { status = labRun(*args); });

    CLI::App* st = lab->add_subcommand("status", "Each step's runs and its reference checks (exit 4 when a check fails)");
    library(st);
    st->add_flag("--quick", args->quick, "The quick lab's runs");
    st->add_flag("--full", args->full, "The full lab's runs (default: full if any is recorded)");
    st->add_option("--seeds", args->seeds, "List each run's seeds 0..N-1 too (as lab run --seeds N trains them)")
        ->type_name("N");
    st->add_option("--precision", args->precision, "fp32 or bf16: the runs lab run --precision trained")
        ->type_name("P");
    st->callback([args, &status] { status = labStatus(*args); });

    CLI::App* report = lab->add_subcommand("report", "Write the lab report (Markdown with SVG charts, or one HTML file)");
    library(report);
    report->add_option("--output", args->output, "FILE.md or FILE.html")->required()->type_name("FILE");
    report->add_option("--lang", args->lang, "en or zh_CN")->type_name("LANG");
    report->add_flag("--quick", args->quick, "Report the quick lab's runs");
    report->add_flag("--full", args->full, "Report the full lab's runs (default: full if any is recorded)");
    report->callback([args, &status] { status = labReport(*args); });

    CLI::App* note = lab->add_subcommand("note", "Keep a step's notes (your observations) in the library");
    library(note);
    note->add_option("step", args->step, "The step: 1.1 .. 3, or rnn, gru, lstm, compare, seq2seq, conclusions")->required();
    auto* text = note->add_option("--text", args->text, "The note (empty removes it)");
    auto* file = note->add_option("--file", args->file,
                                  "Read the note from FILE (a regular file of at most " +
                                      byteLimitText(kMaxNoteBytes) + "; - for standard input)")
                     ->type_name("FILE");
    text->excludes(file);
    note->callback([args, &status] { status = labNote(*args); });
}

} // namespace traveller::cli
