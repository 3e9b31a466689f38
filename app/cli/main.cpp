// traveller-cli: the headless front end. Same YAML experiments as the GUI;
// results as JSON Lines on stdout, human progress on stderr.
#include "RunEvents.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Json.h"
#include "traveller/core/Presets.h"
#include "traveller/core/RunStore.h"
#include "traveller/core/Training.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace traveller;
namespace fs = std::filesystem;

int runTranslateCommand(int argc, char** argv);  // TranslateCommands.cpp
int runBleuCommand(int argc, char** argv);
int runBenchCommand(int argc, char** argv);     // BenchCommand.cpp
int runSweepCommand(int argc, char** argv);     // SweepCommands.cpp
int runRunsCommand(int argc, char** argv);

namespace {

constexpr const char* kUsage = R"(traveller-cli — train and compare recurrent language models (Dive into Deep Learning, ch. 8-9)

usage:
  traveller-cli train CONFIG [--set KEY=VALUE]... [--device D] [--threads N]
                      [--data-dir DIR] [--checkpoint FILE] [--every-epoch] [--quiet]
                      [--record | --library DIR]   also record the run in the run library
  traveller-cli fetch-data [--data-dir DIR]
  traveller-cli translate CONFIG [--set KEY=VALUE]... [--beam N] [--device D] [--threads N] [--data-dir DIR] [--no-heldout]
  traveller-cli bleu --hyp FILE --ref FILE [--order K]   corpus BLEU-4 and per-line sentence BLEU
  traveller-cli bench [--arch rnn,gru,lstm] [--hidden 256,1024] [--impl builtin,fused]
                      [--epochs N] [--threads N] [--gemm]   training speed / GEMM ceiling
  traveller-cli sweep SWEEP [--parallel 1|2] [--threads N] [--library DIR] [--data-dir DIR]
                      [--device D] [--checkpoint-every N] [--no-chain] [--dry-run] [--quiet]
  traveller-cli runs list|show ID|rename ID NAME|tag ID TAG|untag ID TAG|delete ID
  traveller-cli runs export --csv|--markdown [ID...] [--sweep NAME] [--output FILE]  (a Markdown
                      file gets its perplexity chart as FILE-perplexity.png beside it)
  traveller-cli runs resume ID [--from-scratch] | rerun ID | generate ID [--prefix TEXT] [--length N]
  traveller-cli presets            list the shipped experiment and sweep presets
  traveller-cli schema             list every experiment key with its default
  traveller-cli devices            list the CPU and the CUDA GPUs this build can use
  traveller-cli version

CONFIG is a YAML experiment file or the name of a preset (e.g. book-gru).
train prints JSON Lines on stdout: an "epoch" event per sample interval
(every epoch with --every-epoch) and a final "done" event.
Data: --data-dir, else $TRAVELLER_DATA_DIR, else ~/.cache/traveller/data.
Exit status: 0 finished, 1 error, 2 bad usage, 3 diverged, 130 interrupted.
)";

struct UsageError : Error {
    using Error::Error;
};


std::string resolveConfigPath(const std::string& arg) { return resolvePreset(arg, PresetKind::Experiment); }

struct Options {
    std::vector<std::string> positional;
    std::vector<std::string> sets;
    std::string device, dataDir, checkpoint, library;
    int threads = -1;
    bool record = false;  // into the run library (--record or --library DIR)
    bool everyEpoch = false;
    bool quiet = false;
};

Options parseOptions(int argc, char** argv, int first)
{
    Options o;
    for (int i = first; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const std::string& name) -> std::string {
            const auto eq = a.find('=');
            if (eq != std::string::npos)
                return a.substr(eq + 1);
            if (i + 1 >= argc)
                throw UsageError(name + " needs a value");
            return argv[++i];
        };
        auto is = [&](const std::string& name) { return a == name || a.rfind(name + "=", 0) == 0; };
        if (is("--set"))
            o.sets.push_back(value("--set"));
        else if (is("--device"))
            o.device = value("--device");
        else if (is("--data-dir"))
            o.dataDir = value("--data-dir");
        else if (is("--checkpoint"))
            o.checkpoint = value("--checkpoint");
        else if (is("--library")) {
            o.library = value("--library");
            o.record = true;
        } else if (a == "--record")
            o.record = true;
        else if (is("--threads")) {
            const std::string v = value("--threads");
            char* end = nullptr;
            const long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end || n < 0 || n > 1024)
                throw UsageError("--threads must be a whole number from 0 (all cores) to 1024, got '" + v + "'");
            o.threads = static_cast<int>(n);
        } else if (a == "--every-epoch")
            o.everyEpoch = true;
        else if (a == "--quiet" || a == "-q")
            o.quiet = true;
        else if (a.rfind("--", 0) == 0)
            throw UsageError("unknown option " + a);
        else
            o.positional.push_back(a);
    }
    return o;
}

std::string formatDuration(double seconds)
{
    if (!(seconds >= 0) || seconds > 1e7)
        return "--:--";
    const long s = static_cast<long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

// Prints JSON Lines to stdout and a progress bar (or a line per sample) to stderr.
class CliObserver : public TrainingObserver {
public:
    CliObserver(bool everyEpoch, bool quiet) : everyEpoch_(everyEpoch), quiet_(quiet), tty_(isatty(2)) {}

    void onEpoch(const EpochStats& s) override
    {
        if (s.hasSample || everyEpoch_)
            std::cout << cli::epochEvent(s) << '\n' << std::flush;
        if (quiet_)
            return;
        const double eta = s.elapsedSeconds / s.epoch * (s.epochs - s.epoch);
        char line[256];
        if (tty_) {
            const int width = 30;
            const int filled = static_cast<int>(width * static_cast<double>(s.epoch) / s.epochs);
            std::string bar(static_cast<std::size_t>(filled), '#');
            bar.resize(width, '.');
            std::snprintf(line, sizeof line, "\r[%s] epoch %d/%d  ppl %.3f  %.0f tok/s  %s elapsed, ETA %s ",
                          bar.c_str(), s.epoch, s.epochs, s.perplexity, s.tokensPerSecond,
                          formatDuration(s.elapsedSeconds).c_str(), formatDuration(eta).c_str());
            std::cerr << line << std::flush;
            if (s.epoch == s.epochs)
                std::cerr << '\n';
        } else if (s.hasSample) {
            std::snprintf(line, sizeof line, "epoch %d/%d  ppl %.3f  %.0f tok/s  ETA %s  ", s.epoch, s.epochs,
                          s.perplexity, s.tokensPerSecond, formatDuration(eta).c_str());
            std::cerr << line << s.sample << '\n';
        }
    }

private:
    bool everyEpoch_;
    bool quiet_;
    bool tty_;
};

int commandTrain(const Options& o)
{
    if (o.positional.size() != 1)
        throw UsageError("train takes exactly one experiment file or preset name");
    ExperimentConfig config = loadExperimentFile(resolveConfigPath(o.positional[0]));
    for (const auto& kv : o.sets) {
        const auto [key, value] = splitSetting(kv);
        setConfigValue(config, key, value);
    }
    if (!o.device.empty())
        setConfigValue(config, "train.device", o.device);
    if (o.threads >= 0)
        config.train.threads = o.threads;
    validate(config);
    const int threads = setTrainingThreads(config.train.threads);

    RunControl control;
    CliObserver observer(o.everyEpoch, o.quiet);
    if (o.record) {
        // The same run, recorded like a sweep's: the Runs tab and `runs` see it.
        RunStore store(RunStore::resolveFolder(o.library));
        const auto id = store.createRun({config, config.displayName(), "", "", TRAVELLER_VERSION});
        if (!o.quiet)
            std::cerr << config.displayName() << ": run " << id << " in " << store.databasePath() << "\n";
        RecordOptions options;
        options.dataDir = resolveDataDir(o.dataDir);
        options.programVersion = TRAVELLER_VERSION;
        RunResult r;
        {
            cli::InterruptScope interrupts(control);
            r = trainRecordedRun(store, id, options, observer, control);
        }
        if (!o.checkpoint.empty())
            std::filesystem::copy_file(store.checkpointPath(id), o.checkpoint,
                                       std::filesystem::copy_options::overwrite_existing);
        std::cout << cli::doneEvent(r, threads, "", id) << '\n' << std::flush;
        return cli::reportExitStatus(r.status, r.epochsDone, r.message);
    }

    LmSession session(config, resolveDataDir(o.dataDir));
    if (!o.quiet)
        std::cerr << config.displayName() << ": " << session.corpus().ids.size() << " tokens, vocabulary "
                  << session.corpus().vocab.size() << ", " << session.parameterCount() << " parameters, "
                  << session.device() << (session.device() == "cpu" ? " (" + std::to_string(threads) + " threads)" : "")
                  << "\n";

    RunResult r;
    {
        cli::InterruptScope interrupts(control);
        r = session.train(observer, control);
    }

    if (!o.checkpoint.empty())
        session.saveCheckpoint(o.checkpoint);

    std::cout << cli::doneEvent(r, threads) << '\n' << std::flush;

    return cli::reportExitStatus(r.status, r.epochsDone, r.message);
}

int commandFetch(const Options& o)
{
    const std::string dir = resolveDataDir(o.dataDir);
    for (DataFile f : {DataFile::TimeMachine, DataFile::FraEng})
        fetchDataFile(f, dir, [](const std::string& s) { std::cerr << s << '\n'; });
    std::cout << JsonObject().add("event", "fetched").add("data_dir", dir).str() << '\n';
    return 0;
}

int commandPresets()
{
    const auto presets = presetCatalogue();
    if (presets.empty())
        throw Error("no preset folder found (set TRAVELLER_PRESET_DIR)");
    std::cout << "presets in " << fs::path(presets.front().path).parent_path().string() << ":\n";
    for (auto [kind, title] : {std::pair{PresetKind::Experiment, "experiments (traveller-cli train NAME):"},
                               std::pair{PresetKind::Translation, "translations (traveller-cli translate NAME):"},
                               std::pair{PresetKind::Sweep, "sweeps (traveller-cli sweep NAME):"}}) {
        bool first = true;
        for (const auto& p : presets)
            if (p.kind == kind) {
                if (std::exchange(first, false))
                    std::cout << title << '\n';
                std::cout << "  " << p.name << '\n';
            }
    }
    return 0;
}

int commandSchema()
{
    for (const auto& k : configSchema())
        std::cout << k.key << " (" << k.type << ", default " << k.defaultValue << ")\n    " << k.help << '\n';
    return 0;
}

int commandDevices()
{
    setTrainingThreads(0);
    for (const auto& d : availableDevices())
        std::cout << d.id << "\t" << d.label << '\n';
    if (!cudaSupportCompiled())
        std::cout << "(this LibTorch build has no CUDA support: CPU only)\n";
    return 0;
}

} // namespace

namespace {

int runCommand(int argc, char** argv);

// What a command printed must have reached standard output: `runs list >
// /dev/full` fails, it does not exit 0 with the text lost.
int checkedStdout(int status)
{
    errno = 0;
    std::cout.flush();
    const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (!failed)
        return status;
    std::cerr << "traveller-cli: cannot write to standard output"
              << (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string()) << '\n';
    return status != 0 ? status : 1;
}

} // namespace

int main(int argc, char** argv) { return checkedStdout(runCommand(argc, argv)); }

namespace {

int runCommand(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string command = argv[1];
    try {
        if (command == "-h" || command == "--help" || command == "help") {
            std::cout << kUsage;
            return 0;
        }
        if (command == "translate")
            return runTranslateCommand(argc, argv);
        if (command == "bleu")
            return runBleuCommand(argc, argv);
        if (command == "bench")
            return runBenchCommand(argc, argv);
        if (command == "sweep")
            return runSweepCommand(argc, argv);
        if (command == "runs")
            return runRunsCommand(argc, argv);
        const Options o = parseOptions(argc, argv, 2);
        if (command == "train")
            return commandTrain(o);
        if (command == "fetch-data")
            return commandFetch(o);
        if (command == "presets")
            return commandPresets();
        if (command == "schema")
            return commandSchema();
        if (command == "devices")
            return commandDevices();
        if (command == "version" || command == "--version") {
            std::cout << "traveller-cli " << TRAVELLER_VERSION << " (LibTorch " << torchVersion() << ")\n";
            return 0;
        }
        throw UsageError("unknown command '" + command + "'");
    } catch (const UsageError& e) {
        std::cerr << "traveller-cli: " << e.what() << "\n(see traveller-cli --help)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "traveller-cli: " << e.what() << '\n';
        return 1;
    }
}

} // namespace
