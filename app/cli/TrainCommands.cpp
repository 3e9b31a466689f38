// traveller-cli train, fetch-data, presets, schema, devices, version: one
// language model from a YAML experiment, and what a student needs around it.
#include "Commands.h"
#include "RunEvents.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Format.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/Presets.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/lm/Training.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace traveller::cli {

namespace {

namespace fs = std::filesystem;

struct TrainArgs {
    std::string config;
    std::vector<std::string> sets;
    std::string device, dataDir, checkpoint, library, threads;
    bool record = false;  // into the run library (--record or --library DIR)
    bool everyEpoch = false;
    bool quiet = false;
};

// Prints JSON Lines to stdout and a progress bar (or a line per sample) to stderr.
class CliObserver : public TrainingObserver {
public:
    CliObserver(bool everyEpoch, bool quiet) : everyEpoch_(everyEpoch), quiet_(quiet), tty_(isatty(2)) {}

    void onEpoch(const EpochStats& s) override
    {
        if (s.hasSample || everyEpoch_)
            std::cout << epochEvent(s) << '\n' << std::flush;
        if (quiet_)
            return;
        const double eta = s.elapsedSeconds / s.epoch * (s.epochs - s.epoch);
        char line[256];
        if (tty_) {
            const int width = 30;
            const int filled = static_cast<int>(width * static_cast<double>(s.epoch) / s.epochs);
            std::string bar(static_cast<std::size_t>(filled), '#');
            bar.resize(width, '.');
            std::snprintf(line, sizeof line, "\r[%s] epoch %d/%d  ppl %s  %s tok/s  %s elapsed, ETA %s ", bar.c_str(),
                          s.epoch, s.epochs, formatNumber(s.perplexity, 3).c_str(),
                          formatNumber(s.tokensPerSecond, 0).c_str(), formatDuration(s.elapsedSeconds).c_str(),
                          formatDuration(eta).c_str());
            std::cerr << line << std::flush;
            if (s.epoch == s.epochs)
                std::cerr << '\n';
        } else if (s.hasSample) {
            std::snprintf(line, sizeof line, "epoch %d/%d  ppl %s  %s tok/s  ETA %s  ", s.epoch, s.epochs,
                          formatNumber(s.perplexity, 3).c_str(), formatNumber(s.tokensPerSecond, 0).c_str(),
                          formatDuration(eta).c_str());
            std::cerr << line << s.sample << '\n';
        }
    }

private:
    bool everyEpoch_;
    bool quiet_;
    bool tty_;
};

int train(const TrainArgs& a)
{
    // The numbers first: a bad one is named before any file is read.
    const int threadsWanted = a.threads.empty() ? -1 : threadsOption(a.threads);
    ExperimentConfig config = loadExperimentFile(resolvePreset(a.config, PresetKind::Experiment));
    for (const auto& kv : a.sets) {
        const auto [key, value] = splitSetting(kv);
        setConfigValue(config, key, value);
    }
    if (!a.device.empty())
        setConfigValue(config, "train.device", a.device);
    if (threadsWanted >= 0)
        config.train.threads = threadsWanted;
    validate(config);
    const int threads = setTrainingThreads(config.train.threads);

    RunControl control;
    CliObserver observer(a.everyEpoch, a.quiet);
    if (a.record || !a.library.empty()) {
        // The same run, recorded like a sweep's: the Runs tab and `runs` see it.
        RunStore store(RunStore::resolveFolder(a.library));
        const auto id = store.createRun({config, config.displayName(), "", "", TRAVELLER_VERSION});
        if (!a.quiet)
            std::cerr << config.displayName() << ": run " << id << " in " << store.databasePath() << "\n";
        RecordOptions options;
        options.dataDir = resolveDataDir(a.dataDir);
        options.programVersion = TRAVELLER_VERSION;
        RunResult r;
        {
            InterruptScope interrupts(control);
            r = trainRecordedRun(store, id, options, observer, control);
        }
        if (!a.checkpoint.empty())
            fs::copy_file(store.checkpointPath(id), a.checkpoint, fs::copy_options::overwrite_existing);
        std::cout << doneEvent(r, threads, "", id) << '\n' << std::flush;
        return reportExitStatus(r.status, r.epochsDone, r.message);
    }

    LmSession session(config, resolveDataDir(a.dataDir));
    if (!a.quiet)
        std::cerr << config.displayName() << ": " << session.corpus().ids.size() << " tokens, vocabulary "
                  << session.corpus().vocab.size() << ", " << session.parameterCount() << " parameters, "
                  << session.device() << (session.device() == "cpu" ? " (" + std::to_string(threads) + " threads)" : "")
                  << "\n";
    RunResult r;
    {
        InterruptScope interrupts(control);
        r = session.train(observer, control);
    }
    if (!a.checkpoint.empty())
        session.saveCheckpoint(a.checkpoint);
    std::cout << doneEvent(r, threads) << '\n' << std::flush;
    return reportExitStatus(r.status, r.epochsDone, r.message);
}

int presets()
{
    const auto all = presetCatalogue();
    if (all.empty())
        throw Error("no preset folder found (set TRAVELLER_PRESET_DIR)");
    std::cout << "presets in " << fs::path(all.front().path).parent_path().string() << ":\n";
    for (auto [kind, title] : {std::pair{PresetKind::Experiment, "experiments (traveller-cli train NAME):"},
                               std::pair{PresetKind::Translation, "translations (traveller-cli translate NAME):"},
                               std::pair{PresetKind::Sweep, "sweeps (traveller-cli sweep NAME):"}}) {
        bool first = true;
        for (const auto& p : all)
            if (p.kind == kind) {
                if (std::exchange(first, false))
                    std::cout << title << '\n';
                std::cout << "  " << p.name << '\n';
            }
    }
    return 0;
}

} // namespace

void addTrainCommands(CLI::App& app, int& status)
{
    auto args = std::make_shared<TrainArgs>();
    CLI::App* train = app.add_subcommand("train", "Train a character-level language model on The Time Machine");
    train->add_option("config", args->config, "A YAML experiment file or a preset name (e.g. book-gru)")->required();
    repeatable(train->add_option("--set", args->sets, "Override one setting, e.g. --set train.lr=10 (repeatable)"))
        ->type_name("KEY=VALUE");
    train->add_option("--device", args->device, "cpu, cuda or cuda:N (overrides train.device)");
    train->add_option("--threads", args->threads, "CPU threads, 0 = all cores")->type_name("N");
    train->add_option("--data-dir", args->dataDir, "Corpus folder (else $TRAVELLER_DATA_DIR, else ~/.cache/traveller/data)")
        ->type_name("DIR");
    train->add_option("--checkpoint", args->checkpoint, "Save the trained weights to FILE")->type_name("FILE");
    train->add_flag("--record", args->record, "Also record the run in the run library");
    train->add_option("--library", args->library, "Record into the run library in DIR")->type_name("DIR");
    train->add_flag("--every-epoch", args->everyEpoch, "An \"epoch\" event for every epoch, not just at samples");
    train->add_flag("-q,--quiet", args->quiet, "No progress on stderr");
    train->footer("Prints JSON Lines on stdout: an \"epoch\" event per sample interval and a final \"done\" event.\n"
                  "Exit status: 0 finished, 1 error, 2 bad usage, 3 diverged, 130 interrupted.\n");
    train->callback([args, &status] { status = cli::train(*args); });

    auto dataDir = std::make_shared<std::string>();
    CLI::App* fetch = app.add_subcommand("fetch-data", "Download The Time Machine and the English-French pairs (SHA-1 checked)");
    fetch->add_option("--data-dir", *dataDir, "Where to put them")->type_name("DIR");
    fetch->callback([dataDir, &status] {
        const std::string dir = resolveDataDir(*dataDir);
        for (DataFile f : {DataFile::TimeMachine, DataFile::FraEng})
            fetchDataFile(f, dir, [](const std::string& s) { std::cerr << s << '\n'; });
        std::cout << JsonObject().add("event", "fetched").add("data_dir", dir).str() << '\n';
        status = 0;
    });

    app.add_subcommand("presets", "List the shipped experiment, translation and sweep presets")
        ->callback([&status] { status = presets(); });
    app.add_subcommand("schema", "List every experiment key with its type and default")->callback([&status] {
        const auto number = [](double v) {
            char text[32];
            std::snprintf(text, sizeof text, "%.10g", v);
            return std::string(text);
        };
        for (const auto& k : configSchema()) {
            std::cout << k.key << " (" << k.type;
            if (!std::isnan(k.minimum)) {
                std::cout << (k.minimumExclusive ? " > " : " ") << number(k.minimum);
                if (k.maximum < std::numeric_limits<double>::max())
                    std::cout << (k.minimumExclusive ? ", at most " : " to ") << number(k.maximum);
                else if (!k.minimumExclusive)
                    std::cout << " or more";
            }
            std::cout << ", default " << k.defaultValue << ")\n    " << k.help << '\n';
        }
        status = 0;
    });
    app.add_subcommand("devices", "List the CPU and the CUDA GPUs this build can use")->callback([&status] {
        setTrainingThreads(0);
        for (const auto& d : availableDevices())
            std::cout << d.id << "\t" << d.label << '\n';
        if (!cudaSupportCompiled())
            std::cout << "(this LibTorch build has no CUDA support: CPU only)\n";
        status = 0;
    });
    app.add_subcommand("version", "Print the program's and LibTorch's versions")->callback([&status] {
        std::cout << "traveller-cli " << TRAVELLER_VERSION << " (LibTorch " << torchVersion() << ")\n";
        status = 0;
    });
}

} // namespace traveller::cli
