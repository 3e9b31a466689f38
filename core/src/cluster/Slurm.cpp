// Sweeps as Slurm job arrays (Cluster.h): the plan, its scripts, sbatch,
// the array task, squeue/sacct and the import into the run library.
#include "traveller/core/cluster/Cluster.h"

#include "traveller/core/io/Escape.h"
#include "traveller/core/Format.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/SweepRunner.h"

#include "Files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

namespace traveller {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using cluster::readText;
using cluster::writeWhole;
using cluster::taskFolder;
using cluster::taskName;

// A word for file names: letters, digits, '-', '_', '.'.
std::string fileWord(const std::string& text)
{
    std::string out;
    for (char c : text)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '-';
    return out.empty() ? "sweep" : out;
}

// Where a value goes in a job script or an sbatch command line.
enum class ScriptUse {
    ShellWord,   // a word of a command: single-quoted (shellQuoted)
    SbatchLine,  // an #SBATCH option's value: sbatch splits these lines at blanks and reads quotes, '\' and '#'
    SbatchFile,  // an #SBATCH file name (--output): as SbatchLine, with Slurm's '%' patterns kept literal
};

bool hasControl(const std::string& value)
{
    return std::any_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
}

// The one rule for every value that reaches a job script (partition, time,
// paths, the program) or a printed sbatch command line. A control character
// (a line break above all: it would start a command of its own) or invalid
// UTF-8 is refused, naming the option; a shell word comes back single-quoted;
// an #SBATCH value is refused when it holds what sbatch reads itself in those
// lines, and comes back as it is ('%' doubled in a file name).
std::string scriptValue(const std::string& option, const std::string& value, ScriptUse use)
{
    if (hasControl(value) || !isValidUtf8(value))
        throw ConfigError(option, 0, 0,
                          "holds a control character (a line break, a tab, an escape) or bytes that are not UTF-8; "
                          "a Slurm job script cannot carry it");
    if (use == ScriptUse::ShellWord)
        return shellQuoted(value);
    if (value.find_first_of(" '\"\\#") != std::string::npos)
        throw ConfigError(option, 0, 0,
                          "'" + value + "' holds a space, a quote, a backslash or '#', which Slurm's #SBATCH lines "
                          "cannot carry");
    if (use == ScriptUse::SbatchLine)
        return value;
    std::string file;
    for (const char c : value)
        file += c == '%' ? std::string("%%") : std::string(1, c);
    return file;
}

// The option a run folder's path came from.
std::string folderOption(const SlurmOptions& options)
{
    return options.runFolder.empty() ? "--library" : "--run-folder";
}


// The job id sbatch --parsable prints: "1234" or "1234;cluster".
std::string parsableId(const std::string& out)
{
    std::string id = out.substr(0, out.find_first_of(";\n"));
    id.erase(std::remove_if(id.begin(), id.end(), [](unsigned char c) { return std::isspace(c); }), id.end());
    return id;
}

std::string hostName()
{
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

std::string firstLine(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

// What a Slurm command said, on one line ("sbatch: error: ...; sbatch: fatal: ...").
std::string said(const ProgramOutput& out)
{
    std::istringstream lines(out.err.empty() ? out.out : out.err);
    std::string all, line;
    while (std::getline(lines, line))
        if (!line.empty())
            all += (all.empty() ? "" : "; ") + line;
    return all.empty() ? "exit status " + std::to_string(out.status) : all;
}

} // namespace

// ---- The plan ---------------------------------------------------------------

SlurmPlan planSlurmSweep(const Sweep& sweep, const SlurmOptions& options)
{
    static const std::regex timeFormat(R"(^(\d+-)?\d{1,3}(:\d{2}){0,2}$)");
    if (!options.time.empty() && !std::regex_match(options.time, timeFormat))
        throw ConfigError("--time", 0, 0, message("cluster.bad_time", {options.time}));
    if (options.cpusPerTask < 1)
        throw ConfigError("--cpus-per-task", 0, 0, message("cluster.at_least_one"));
    if (options.gpusPerTask < 0 || options.maxParallel < 0)
        throw ConfigError(options.gpusPerTask < 0 ? "--gpus-per-task" : "--max-parallel", 0, 0,
                          message("cluster.negative"));
    if (sweep.runs.empty())
        throw ConfigError("grid", 0, 0, message("cluster.no_runs", {sweep.name}));

    SlurmPlan plan;
    plan.sweep = sweep.name;
    plan.options = options;
    std::random_device random;
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(random() & 0xffff));
    plan.id = fileWord(sweep.name) + "-" + utcNow("%Y%m%d-%H%M%S") + "-" + suffix;
    plan.folder = options.runFolder.empty() ? (fs::path(options.library) / "slurm" / plan.id).string()
                                            : fs::absolute(options.runFolder).string();
    // Every value the scripts will carry, checked before anything is written.
    if (!options.partition.empty())
        scriptValue("--partition", options.partition, ScriptUse::SbatchLine);
    scriptValue(folderOption(options), plan.folder, ScriptUse::SbatchFile);
    scriptValue("--library", options.library, ScriptUse::ShellWord);
    scriptValue("--data-dir", options.dataDir, ScriptUse::ShellWord);
    scriptValue("program", options.program, ScriptUse::ShellWord);

    std::vector<ExperimentConfig> configs;
    for (const auto& run : sweep.runs) {
        ExperimentConfig config = run.config;
        // Only the spelling is checked here: the submit host (a login node)
        // may have no GPU; the array task resolves the device on its node.
        static const std::regex deviceSpec(R"(^(auto|cpu|cuda(:\d+)?)$)");
        const std::string device = config.train.device;
        if (!std::regex_match(device, deviceSpec))
            throw DeviceError(message("device.unknown", {device}));
        if (device != "cpu" && device != "auto" && options.gpusPerTask == 0)
            throw ConfigError("train.device", 0, 0, message("cluster.gpu_needed", {run.label, config.train.device}));
        configs.push_back(config);
    }
    std::vector<std::vector<std::size_t>> chains;
    if (options.chainEpochs)
        chains = epochChains(configs);
    else
        for (std::size_t i = 0; i < configs.size(); ++i)
            chains.push_back({i});
    for (std::size_t i = 0; i < configs.size(); ++i)
        plan.runs.push_back({i, configs[i].displayName(), sweep.runs[i].label, -1, configs[i]});
    std::size_t depth = 0;
    for (const auto& chain : chains) {
        depth = std::max(depth, chain.size());
        for (std::size_t k = 1; k < chain.size(); ++k)
            plan.runs[chain[k]].continues = static_cast<int>(chain[k - 1]);
    }
    plan.levels.assign(depth, std::vector<int>(chains.size(), -1));
    for (std::size_t c = 0; c < chains.size(); ++c)
        for (std::size_t k = 0; k < chains[c].size(); ++k)
            plan.levels[k][c] = static_cast<int>(chains[c][k]);
    return plan;
}

namespace {

// "0-15" or "0,2,5": the chains that reach this level.
std::string arraySpec(const std::vector<int>& level)
{
    std::vector<std::size_t> ids;
    for (std::size_t c = 0; c < level.size(); ++c)
        if (level[c] >= 0)
            ids.push_back(c);
    std::string spec;
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1)
            ++j;
        spec += (spec.empty() ? "" : ",") + std::to_string(ids[i]) + (j > i ? "-" + std::to_string(ids[j]) : "");
        i = j + 1;
    }
    return spec;
}

std::string commonHeader(const SlurmPlan& plan)
{
    const SlurmOptions& o = plan.options;
    std::string h;
    if (!o.partition.empty())
        h += "#SBATCH --partition=" + scriptValue("--partition", o.partition, ScriptUse::SbatchLine) + "\n";
    if (!o.time.empty())
        h += "#SBATCH --time=" + scriptValue("--time", o.time, ScriptUse::SbatchLine) + "\n";
    return h;
}

} // namespace

std::string levelScript(const SlurmPlan& plan, std::size_t level)
{
    const SlurmOptions& o = plan.options;
    const auto& runs = plan.levels.at(level);
    int epochsLow = 0, epochsHigh = 0, count = 0;
    for (int r : runs)
        if (r >= 0) {
            const int e = plan.runs[static_cast<std::size_t>(r)].config.train.epochs;
            epochsLow = count == 0 ? e : std::min(epochsLow, e);
            epochsHigh = std::max(epochsHigh, e);
            ++count;
        }
    std::string s = "#!/bin/sh\n";
    s += "#SBATCH --job-name=traveller-" + fileWord(plan.sweep) + "-" + std::to_string(level) + "\n";
    s += "#SBATCH --array=" + arraySpec(runs) + (o.maxParallel > 0 ? "%" + std::to_string(o.maxParallel) : "") + "\n";
    s += "#SBATCH --cpus-per-task=" + std::to_string(o.cpusPerTask) + "\n";
    if (o.gpusPerTask > 0)
        s += "#SBATCH --gpus-per-task=" + std::to_string(o.gpusPerTask) + "\n";
    s += commonHeader(plan);
    s += "#SBATCH --requeue\n#SBATCH --open-mode=append\n";
    s += "#SBATCH --output=" + scriptValue(folderOption(o), plan.folder, ScriptUse::SbatchFile) + "/logs/level" +
         std::to_string(level) + "-%A_%a.out\n";
    s += "#\n# Traveller sweep '" + fileWord(plan.sweep) + "', level " + std::to_string(level + 1) + " of " +
         std::to_string(plan.levels.size()) + ": " + std::to_string(count) + " run(s) of " +
         std::to_string(epochsLow) + (epochsHigh != epochsLow ? "-" + std::to_string(epochsHigh) : "") +
         " epochs, one array task per run.\n";
    if (level > 0)
        s += "# Task N continues task N of level " + std::to_string(level) +
             " (the same run with fewer epochs): submitted with --dependency=aftercorr.\n";
    s += "# Each task writes only its run folder (" + scriptValue(folderOption(o), plan.folder, ScriptUse::SbatchLine) +
         "/tasks/<run>); a requeued task resumes\n# from its checkpoint. The import job copies the runs into the "
         "library.\n";
    s += "exec " + scriptValue("program", o.program, ScriptUse::ShellWord) + " sweep task " +
         scriptValue(folderOption(o), plan.folder, ScriptUse::ShellWord) + " --level " + std::to_string(level) + "\n";
    return s;
}

std::string importScript(const SlurmPlan& plan)
{
    std::string s = "#!/bin/sh\n";
    s += "#SBATCH --job-name=traveller-" + fileWord(plan.sweep) + "-import\n";
    s += "#SBATCH --cpus-per-task=1\n";
    s += commonHeader(plan);
    s += "#SBATCH --output=" + scriptValue(folderOption(plan.options), plan.folder, ScriptUse::SbatchFile) +
         "/logs/import-%j.out\n";
    s += "#\n# Runs after every array task has ended (--dependency=afterany): copies the ended runs into the\n"
         "# run library. Importing again changes nothing; runs still running are left for a later import.\n";
    s += "exec " + scriptValue("program", plan.options.program, ScriptUse::ShellWord) + " runs import " +
         scriptValue(folderOption(plan.options), plan.folder, ScriptUse::ShellWord) + " --ended --library " +
         scriptValue("--library", plan.options.library, ScriptUse::ShellWord) + "\n";
    return s;
}

std::vector<std::string> sbatchCommands(const SlurmPlan& plan)
{
    std::vector<std::string> lines;
    std::string all;
    for (std::size_t level = 0; level < plan.levels.size(); ++level) {
        std::string line = "sbatch --parsable";
        if (level > 0)
            line += " --dependency=aftercorr:<level-" + std::to_string(level - 1) + " id> --kill-on-invalid-dep=yes";
        lines.push_back(line + " " +
                        scriptValue(folderOption(plan.options),
                                    plan.folder + "/level-" + std::to_string(level) + ".sh", ScriptUse::ShellWord));
        all += ":<level-" + std::to_string(level) + " id>";
    }
    lines.push_back("sbatch --parsable --dependency=afterany" + all + " " +
                    scriptValue(folderOption(plan.options), plan.folder + "/import.sh", ScriptUse::ShellWord));
    return lines;
}

namespace {

// Names and labels come from the sweep file: bytes that are not UTF-8
// become U+FFFD rather than an exception from the JSON writer.
std::string jsonText(const json& j)
{
    return j.dump(2, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace) + "\n";
}

json planJson(const SlurmPlan& plan)
{
    const SlurmOptions& o = plan.options;
    json runs = json::array();
    for (const auto& r : plan.runs)
        runs.push_back({{"index", r.index}, {"name", r.name}, {"label", r.label}, {"continues", r.continues},
                        {"epochs", r.config.train.epochs}});
    return {{"format", 1},
            {"id", plan.id},
            {"sweep", plan.sweep},
            {"folder", plan.folder},
            {"options",
             {{"partition", o.partition},
              {"max_parallel", o.maxParallel},
              {"time", o.time},
              {"cpus_per_task", o.cpusPerTask},
              {"gpus_per_task", o.gpusPerTask},
              {"checkpoint_every", o.checkpointEvery},
              {"chain_epochs", o.chainEpochs},
              {"library", o.library},
              {"data_dir", o.dataDir},
              {"program", o.program},
              {"program_version", o.programVersion}}},
            {"runs", runs},
            {"levels", plan.levels}};
}

void writeSubmission(const SlurmPlan& plan)
{
    const json j = {{"arrays", plan.arrayJobs}, {"import", plan.importJob}, {"submitted_at", plan.submittedAt}};
    writeWhole(fs::path(plan.folder) / "submission.json", jsonText(j));
}

} // namespace

void writeSlurmFolder(const SlurmPlan& plan)
{
    const fs::path folder(plan.folder);
    std::error_code ec;
    if (fs::exists(folder / "plan.json", ec))
        throw ClusterError(message("cluster.folder_taken", {plan.folder}));
    fs::create_directories(folder / "logs", ec);
    if (ec)
        throw ClusterError(message("cluster.cannot_create_folder", {plan.folder, ec.message()}));
    for (const auto& run : plan.runs) {
        RunFolder task(taskFolder(plan, run.index), taskName(run));
        task.create(run.config, run.name);
    }
    for (std::size_t level = 0; level < plan.levels.size(); ++level)
        writeWhole(folder / ("level-" + std::to_string(level) + ".sh"), levelScript(plan, level), true);
    writeWhole(folder / "import.sh", importScript(plan), true);
    writeWhole(folder / "plan.json", jsonText(planJson(plan)));  // last: a folder with a plan is whole
}

void submitSlurmPlan(SlurmPlan& plan)
{
    const std::string sbatch = findOnPath("sbatch");
    if (sbatch.empty())
        throw ClusterError(message("cluster.no_sbatch"));
    writeSlurmFolder(plan);
    const fs::path folder(plan.folder);
    // Nothing submitted: the run folder goes too (nothing will ever write it).
    auto cancelSubmitted = [&] {
        for (const auto& id : plan.arrayJobs)
            runProgram({"scancel", id});
        if (plan.arrayJobs.empty()) {
            std::error_code ec;
            fs::remove_all(folder, ec);
        }
    };
    for (std::size_t level = 0; level < plan.levels.size(); ++level) {
        std::vector<std::string> argv = {sbatch, "--parsable"};
        if (level > 0) {
            argv.push_back("--dependency=aftercorr:" + plan.arrayJobs.back());
            argv.push_back("--kill-on-invalid-dep=yes");
        }
        argv.push_back((folder / ("level-" + std::to_string(level) + ".sh")).string());
        const ProgramOutput out = runProgram(argv);
        const std::string id = parsableId(out.out);
        if (out.status != 0 || id.empty()) {
            cancelSubmitted();
            // {1} is sbatch's own words, in the scheduler's language.
            const char* code = plan.arrayJobs.empty() ? "cluster.sbatch_refused" : "cluster.sbatch_refused_cancelled";
            throw ClusterError(message(code, {std::to_string(level), said(out)}));
        }
        plan.arrayJobs.push_back(id);
    }
    std::string after = "--dependency=afterany";
    for (const auto& id : plan.arrayJobs)
        after += ":" + id;
    const ProgramOutput out = runProgram({sbatch, "--parsable", after, (folder / "import.sh").string()});
    plan.importJob = parsableId(out.out);
    if (out.status != 0 || plan.importJob.empty()) {
        cancelSubmitted();
        throw ClusterError(message("cluster.import_refused", {said(out)}));
    }
    plan.submittedAt = utcNow("%Y-%m-%dT%H:%M:%SZ");
    writeSubmission(plan);
}

SlurmPlan loadSlurmPlan(const std::string& folderPath)
{
    const fs::path folder = fs::absolute(folderPath);
    const fs::path planPath = folder / "plan.json";
    const std::string text = readText(planPath);
    if (text.empty())
        throw ClusterError(message("cluster.not_a_run_folder", {folder.string()}));
    SlurmPlan plan;
    try {
        const json j = json::parse(text);
        if (j.value("format", 0) != 1)
            throw ClusterError(
                message("cluster.plan_format", {planPath.string(), std::to_string(j.value("format", 0))}));
        plan.id = j.at("id").get<std::string>();
        plan.sweep = j.at("sweep").get<std::string>();
        plan.folder = folder.string();
        const json& o = j.at("options");
        plan.options.partition = o.value("partition", "");
        plan.options.maxParallel = o.value("max_parallel", 0);
        plan.options.time = o.value("time", "");
        plan.options.cpusPerTask = o.value("cpus_per_task", 1);
        plan.options.gpusPerTask = o.value("gpus_per_task", 0);
        plan.options.checkpointEvery = o.value("checkpoint_every", 0);
        plan.options.chainEpochs = o.value("chain_epochs", true);
        plan.options.library = o.value("library", "");
        plan.options.dataDir = o.value("data_dir", "");
        plan.options.program = o.value("program", "");
        plan.options.programVersion = o.value("program_version", "");
        plan.options.runFolder = plan.folder;
        for (const auto& r : j.at("runs")) {
            PlannedRun run;
            run.index = r.at("index").get<std::size_t>();
            run.name = r.value("name", "");
            run.label = r.value("label", "");
            run.continues = r.value("continues", -1);
            if (run.index != plan.runs.size())
                throw ClusterError(message("cluster.plan_out_of_order", {planPath.string()}));
            plan.runs.push_back(std::move(run));
        }
        plan.levels = j.at("levels").get<std::vector<std::vector<int>>>();
        for (const auto& level : plan.levels)
            for (int r : level)
                if (r >= static_cast<int>(plan.runs.size()))
                    throw ClusterError(message("cluster.plan_bad_run", {planPath.string(), std::to_string(r),
                                                                        std::to_string(plan.runs.size())}));
    } catch (const ClusterError&) {
        throw;
    } catch (const std::exception& e) {
        throw ClusterError(message("cluster.file_damaged", {planPath.string(), e.what()}));
    }
    // Each run's config is its own folder's (what the task trains).
    for (auto& run : plan.runs) {
        const std::string yaml = readText(fs::path(taskFolder(plan, run.index)) / "config.yaml");
        if (!yaml.empty())
            run.config = parseExperimentYaml(yaml, taskFolder(plan, run.index) + "/config.yaml");
    }
    const std::string submission = readText(folder / "submission.json");
    if (!submission.empty()) {
        try {
            const json s = json::parse(submission);
            plan.arrayJobs = s.value("arrays", std::vector<std::string>{});
            plan.importJob = s.value("import", "");
            plan.submittedAt = s.value("submitted_at", "");
        } catch (const std::exception& e) {
            throw ClusterError(message("cluster.file_damaged", {(folder / "submission.json").string(), e.what()}));
        }
    }
    return plan;
}

std::string latestSlurmFolder(const std::string& library)
{
    const fs::path root = fs::path(library) / "slurm";
    std::error_code ec;
    std::string best;
    fs::file_time_type bestTime{};
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path plan = it->path() / "plan.json";
        std::error_code e2;
        if (!fs::is_regular_file(plan, e2))
            continue;
        const auto t = fs::last_write_time(plan, e2);
        if (!e2 && (best.empty() || t > bestTime)) {
            best = it->path().string();
            bestTime = t;
        }
    }
    return best;
}

// ---- An array task ----------------------------------------------------------

TaskOutcome runSlurmTask(const std::string& folder, std::size_t level, std::size_t chain, int threads,
                         const std::string& attempt, TrainingObserver& observer, RunControl& control)
{
    const SlurmPlan plan = loadSlurmPlan(folder);
    if (level >= plan.levels.size() || chain >= plan.levels[level].size() || plan.levels[level][chain] < 0)
        throw ClusterError(
            message("cluster.no_task", {plan.folder, std::to_string(chain), std::to_string(level)}));
    const PlannedRun& planned = plan.runs[static_cast<std::size_t>(plan.levels[level][chain])];
    TaskOutcome outcome;
    outcome.run = planned.index;
    RunFolder record(taskFolder(plan, planned.index), taskName(planned));
    const std::string where = attempt + " on " + hostName();

    StoredRun state = record.stored();
    if (state.state == StoredState::Running) {
        // Only one attempt of an array task runs at a time: this state was
        // left by one that was cut off (preempted, requeued, its node lost).
        record.markInterrupted("an earlier attempt was cut off at epoch " + std::to_string(state.epochsDone) +
                               " (requeued)");
        record.logAttempt(where + ": the earlier attempt was cut off after epoch " +
                          std::to_string(state.epochsDone) + "; resuming from the checkpoint at epoch " +
                          std::to_string(state.checkpointEpoch));
        state = record.stored();
    }
    if (state.state == StoredState::Finished || state.state == StoredState::Diverged) {
        record.logAttempt(where + ": already " + toString(state.state) + ", nothing to train");
        outcome.alreadyDone = true;
        outcome.result.status = state.state == StoredState::Finished ? RunStatus::Finished : RunStatus::Diverged;
        outcome.result.epochsDone = state.epochsDone;
        outcome.result.perplexity = state.perplexity;
        outcome.result.message = state.message;
        outcome.result.blewUpAt = state.blewUpAt;
        return outcome;
    }
    // The chain's shorter run, when it trained to its end, is this run's start.
    if (state.epochsDone == 0 && state.checkpointEpoch == 0 && planned.continues >= 0) {
        const PlannedRun& before = plan.runs[static_cast<std::size_t>(planned.continues)];
        RunFolder shorter(taskFolder(plan, before.index), taskName(before));
        const StoredRun s = shorter.stored();
        if (s.state == StoredState::Finished && s.epochsDone > 0 && s.epochsDone < state.epochs) {
            record.continueFrom(shorter, s.epochsDone);
            record.logAttempt(where + ": continues " + shorter.what() + " from its epoch " +
                              std::to_string(s.epochsDone));
        } else {
            record.logAttempt(where + ": " + shorter.what() + " is " + toString(s.state) +
                              ", so this run trains from the start on its own");
        }
    }
    RecordOptions options;
    options.dataDir = plan.options.dataDir;
    options.programVersion = plan.options.programVersion;
    options.checkpointEvery = plan.options.checkpointEvery;
    options.threads = threads;
    options.missingCheckpoint = MissingCheckpoint::StartOver;
    if (plan.options.gpusPerTask > 0)
        options.device = "cuda:0";
    record.logAttempt(where + " (pid " + std::to_string(static_cast<long>(getpid())) + "): training from epoch " +
                      std::to_string(record.stored().checkpointEpoch + 1) +
                      (threads > 0 ? " on " + std::to_string(threads) + " thread(s)" : ""));
    try {
        outcome.result = trainRecord(record, options, observer, control);
    } catch (const std::exception& e) {
        record.logAttempt(where + ": failed: " + e.what());
        throw;
    }
    record.logAttempt(where + ": " + toString(outcome.result.status) + " at epoch " +
                      std::to_string(outcome.result.epochsDone) +
                      (outcome.result.message.empty() ? "" : " (" + outcome.result.message + ")"));
    return outcome;
}

// ---- Status -----------------------------------------------------------------

std::string taskWord(const TaskStatus& t)
{
    if (!t.schedulerKnown && t.scheduler.empty())
        return toString(t.state);
    if (t.scheduler == "PENDING" || t.scheduler == "REQUEUED" || t.scheduler == "CONFIGURING")
        return "pending";
    if (t.scheduler == "RUNNING" || t.scheduler == "COMPLETING")
        return toString(StoredState::Running);
    if (t.state == StoredState::Queued)
        return t.scheduler.empty() ? "not started" : "cancelled";
    if (t.state == StoredState::Running)
        return t.scheduler.empty() || t.scheduler == "CANCELLED" || t.scheduler == "TIMEOUT" ||
                       t.scheduler == "NODE_FAIL" || t.scheduler == "PREEMPTED" || t.scheduler == "OUT_OF_MEMORY"
                   ? toString(StoredState::Interrupted)
                   : toString(StoredState::Running);
    return toString(t.state);
}

SweepStatus slurmSweepStatus(const std::string& folder, RunStore* library)
{
    SweepStatus status;
    status.plan = loadSlurmPlan(folder);
    const SlurmPlan& plan = status.plan;
    // "<array>_<task>" -> run index
    std::map<std::string, std::size_t> jobOf;
    std::vector<std::string> jobName(plan.runs.size());
    for (std::size_t level = 0; level < plan.levels.size() && level < plan.arrayJobs.size(); ++level)
        for (std::size_t c = 0; c < plan.levels[level].size(); ++c)
            if (plan.levels[level][c] >= 0) {
                const std::string job = plan.arrayJobs[level] + "_" + std::to_string(c);
                jobOf[job] = static_cast<std::size_t>(plan.levels[level][c]);
                jobName[static_cast<std::size_t>(plan.levels[level][c])] = job;
            }
    std::map<std::size_t, std::pair<std::string, std::string>> scheduler;  // run -> state, reason
    if (!plan.arrayJobs.empty()) {
        if (findOnPath("squeue").empty()) {
            status.schedulerNote = "squeue is not on the PATH: states come from the run folders only";
            status.schedulerKnown = false;
        } else {
            const ProgramOutput q = runProgram({"squeue", "-h", "-r", "-o", "%i|%T|%r"});
            if (q.status != 0) {
                status.schedulerNote = "squeue: " + firstLine(q.err);
                status.schedulerKnown = false;
            } else {
                std::istringstream lines(q.out);
                std::string line;
                while (std::getline(lines, line)) {
                    std::istringstream fields(line);
                    std::string id, state, reason;
                    std::getline(fields, id, '|');
                    std::getline(fields, state, '|');
                    std::getline(fields, reason);
                    if (const auto it = jobOf.find(id); it != jobOf.end())
                        scheduler[it->second] = {state, reason == "None" ? "" : reason};
                    if (id == plan.importJob)
                        status.importState = state + (reason.empty() || reason == "None" ? "" : " (" + reason + ")");
                }
            }
            // Ended tasks: sacct knows them when accounting is on.
            std::string ids;
            for (const auto& id : plan.arrayJobs)
                ids += (ids.empty() ? "" : ",") + id;
            const ProgramOutput a = runProgram({"sacct", "-n", "-P", "-X", "-j", ids, "-o", "JobID,State"});
            if (a.status == 0) {
                std::istringstream lines(a.out);
                std::string line;
                while (std::getline(lines, line)) {
                    const auto bar = line.find('|');
                    if (bar == std::string::npos)
                        continue;
                    const std::string id = line.substr(0, bar);
                    std::string state = line.substr(bar + 1);
                    state = state.substr(0, state.find(' '));  // "CANCELLED by 0"
                    if (const auto it = jobOf.find(id); it != jobOf.end() && !scheduler.count(it->second))
                        scheduler[it->second] = {state, ""};
                }
            } else if (status.schedulerNote.empty()) {
                status.schedulerNote = "sacct: " + firstLine(a.err.empty() ? a.out : a.err) +
                                       " (ended tasks are read from their run folders)";
            }
        }
    }
    for (const auto& run : plan.runs) {
        TaskStatus t;
        t.run = run.index;
        t.name = run.name;
        t.label = run.label;
        t.job = jobName[run.index];
        if (const auto it = scheduler.find(run.index); it != scheduler.end()) {
            t.scheduler = it->second.first;
            t.reason = it->second.second;
        }
        RunFolder record(taskFolder(plan, run.index), taskName(run));
        try {
            const StoredRun s = record.stored();
            t.state = s.state;
            t.epochsDone = s.epochsDone;
            t.epochs = s.epochs;
            t.perplexity = s.perplexity;
            t.message = s.message;
        } catch (const std::exception& e) {
            t.state = StoredState::Failed;
            t.message = e.what();
        }
        for (const auto& line : record.attempts())
            if (line.find("): training from epoch") != std::string::npos)
                ++t.attempts;
        if (library)
            t.importedAs = library->importedFrom(plan.id + "/" + std::to_string(run.index));
        t.schedulerKnown = status.schedulerKnown;
        ++status.counts[taskWord(t)];
        status.tasks.push_back(std::move(t));
    }
    return status;
}

} // namespace traveller
