// `runs import`: a Slurm run folder's ended runs into the library, all or
// nothing per run. The folder is read as untrusted (Cluster.h): it sits on a
// file system other people can write to.
#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/io/SafeFile.h"
#include "traveller/core/lm/Training.h"

#include "Files.h"
#include "store/WeightsIdentity.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace traveller {

namespace {

namespace fs = std::filesystem;
using cluster::taskFolder;
using cluster::taskName;

// The task's folder is a real folder inside the run folder: neither tasks/
// nor tasks/<i> may be a symbolic link to somewhere else on the machine.
void checkInside(const SlurmPlan& plan, std::size_t index)
{
    for (const fs::path& p : {fs::path(plan.folder) / "tasks", fs::path(taskFolder(plan, index))}) {
        struct stat st{};
        if (::lstat(p.c_str(), &st) != 0)
            continue;  // no folder: "no run folder" below
        if (!S_ISDIR(st.st_mode))
            throw ClusterError("'" + p.string() + "' is " +
                               (S_ISLNK(st.st_mode) ? "a symbolic link" : "not a folder") +
                               "; only folders inside the run folder are imported");
    }
}

// Whether the library's checkpoint of `run` is there and holds its recorded
// epoch (a kill between placing it and recording it, or a lost file, is
// repaired by importing again).
bool libraryCheckpointWhole(RunStore& store, const StoredRun& run)
{
    if (run.checkpointEpoch <= 0)
        return true;
    try {
        const int epoch = checkpointFileEpoch(store.checkpointPath(run.id));
        return epoch == 0 || epoch == run.checkpointEpoch;
    } catch (const std::exception&) {
        return false;
    }
}

// The folder's checkpoint, copied into the library's staging area from an
// open descriptor (no symbolic link, a plain file) and checked there: it must
// be a checkpoint of this run's config at the epoch the run records. Returns
// the staged path ("" when the folder has none).
std::string stageCheckpoint(RunStore& store, RunFolder& record, const StoredRun& state, const std::string& configYaml)
{
    const std::string source = record.checkpointPath();
    struct stat st{};
    if (::lstat(source.c_str(), &st) != 0)
        return "";
    const int fd = openRegularFile(source, true);
    const std::string staged = store.stageCheckpoint(fd);
    ::close(fd);
    try {
        const int epoch = checkpointFileEpoch(staged);
        const std::string config = checkpointFileConfig(staged);
        if (config.empty() || weightsIdentity(parseExperimentYaml(config, "checkpoint")) != configYaml)
            throw ClusterError("'" + source + "' holds the weights of another experiment");
        if (epoch != 0 && epoch != state.checkpointEpoch)
            throw ClusterError("'" + source + "' holds epoch " + std::to_string(epoch) + ", but state.json says " +
                               std::to_string(state.checkpointEpoch));
    } catch (const ClusterError&) {
        ::unlink(staged.c_str());
        throw;
    } catch (const std::exception& e) {
        ::unlink(staged.c_str());
        throw ClusterError("'" + source + "' is not a Traveller checkpoint (" + e.what() + ")");
    }
    return staged;
}

// What the folder says of a run, made ready for the library; false (with
// why in the report) when it is not ended yet.
bool endedState(StoredRun& state, bool allEnded, std::size_t index, ImportReport& report)
{
    if (state.state == StoredState::Queued) {
        if (!allEnded) {
            report.skipped.emplace_back(index, "not started");
            return false;
        }
        // Every task has ended and this one never ran (cancelled: the
        // shorter run it continues failed, or scancel): it comes in
        // queued, to be trained with `runs resume`.
        state.message = message("cluster.never_ran").text();
    }
    if (state.state == StoredState::Running) {
        if (!allEnded) {
            report.skipped.emplace_back(index, "still running");
            return false;
        }
        // Every task has ended (the import job runs afterany): this one
        // was cut off without a word (SIGKILL, its node lost).
        state.state = StoredState::Interrupted;
        state.message = message("cluster.cut_off").text();
    }
    return true;
}

// Whether the library's copy of the run (imported from the same source)
// stays: the folder says nothing new, or the library has taken the run
// further since (resumed, finished, training). A copy whose checkpoint went
// missing is imported again.
bool libraryKeeps(RunStore& store, std::int64_t existing, const StoredRun& state, int done)
{
    const StoredRun old = store.run(existing);
    const bool same = old.state == state.state && old.epochsDone == done && old.message == state.message &&
                      old.blewUpAt == state.blewUpAt;
    const bool libraryAhead = old.epochsDone > done || old.state == StoredState::Running ||
                              (old.state == StoredState::Finished && state.state != StoredState::Finished) ||
                              old.state == StoredState::Diverged;
    if (libraryAhead)
        return true;
    return same && libraryCheckpointWhole(store, old);
}

void importTask(RunStore& store, const SlurmPlan& plan, const PlannedRun& run, bool allEnded, ImportReport& report)
{
    checkInside(plan, run.index);
    RunFolder record(taskFolder(plan, run.index), taskName(run));
    if (!record.exists()) {
        report.skipped.emplace_back(run.index, "no run folder");
        return;
    }
    StoredRun state = record.stored();  // every field checked (RunFolder::readState)
    if (!endedState(state, allEnded, run.index, report))
        return;
    const ExperimentConfig config = parseExperimentYaml(state.configYaml, record.folder() + "/config.yaml");
    if (state.epochs != config.train.epochs)
        throw ClusterError(record.folder() + "/state.json: field 'epochs' is " + std::to_string(state.epochs) +
                           ", but config.yaml plans " + std::to_string(config.train.epochs));
    const auto epochs = record.epochs();
    const int done = epochs.empty() ? 0 : epochs.back().epoch;
    if (state.checkpointEpoch > done)
        throw ClusterError(record.folder() + "/state.json: field 'checkpoint_epoch' is " +
                           std::to_string(state.checkpointEpoch) + ", past the " + std::to_string(done) +
                           " epoch(s) recorded");
    if (state.blewUpAt > done)
        throw ClusterError(record.folder() + "/state.json: field 'blew_up_at' is " + std::to_string(state.blewUpAt) +
                           ", past the " + std::to_string(done) + " epoch(s) recorded");
    if (state.state == StoredState::Finished && done != state.epochs)
        throw ClusterError(record.folder() + ": finished after " + std::to_string(done) + " of " +
                           std::to_string(state.epochs) + " epochs");
    const std::string source = plan.id + "/" + std::to_string(run.index);
    const std::int64_t existing = store.importedFrom(source);
    if (existing != 0 && libraryKeeps(store, existing, state, done)) {
        report.already.emplace_back(run.index, existing);
        return;
    }
    ImportedRun imported;
    imported.run.config = config;
    imported.run.name = state.name.empty() ? run.name : state.name;
    imported.run.sweep = plan.sweep;
    imported.run.label = run.label;
    imported.run.programVersion = plan.options.programVersion;
    imported.source = source;
    imported.state = state;
    imported.epochs = epochs;
    const std::string staged = stageCheckpoint(store, record, state, weightsIdentity(config));
    if (staged.empty()) {
        if (state.state == StoredState::Finished)
            throw ClusterError(record.folder() + ": finished, but its checkpoint.pt is missing");
        imported.state.checkpointEpoch = 0;
    }
    bool inserted = true;
    std::int64_t id = 0;
    try {
        id = store.importRun(imported, existing, &inserted, staged);
    } catch (...) {
        ::unlink(staged.c_str());
        throw;
    }
    if (!inserted) {  // another import (the job, the window) got there first
        ::unlink(staged.c_str());
        report.already.emplace_back(run.index, id);
        return;
    }
    report.imported.emplace_back(run.index, id);
}

} // namespace

ImportReport importRunFolder(RunStore& store, const std::string& folder, bool allEnded)
{
    const SlurmPlan plan = loadSlurmPlan(folder);
    ImportReport report;
    for (const auto& run : plan.runs) {
        try {
            importTask(store, plan, run, allEnded, report);
        } catch (const ClusterError& e) {
            report.refused.emplace_back(run.index, e.what());
        } catch (const FileError& e) {
            report.refused.emplace_back(run.index, e.what());
        } catch (const ConfigError& e) {
            report.refused.emplace_back(run.index, e.what());
        }
    }
    return report;
}

} // namespace traveller
