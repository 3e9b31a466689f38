// Sweeps on a Slurm cluster (docs/CLUSTER.md). Traveller schedules nothing
// itself: it writes a job array per epoch level and a dependent import job,
// and sbatch does the rest.
//
// What lands where (the run folder, on a filesystem every node sees):
//   plan.json               the runs, their epoch chains, the options
//   submission.json         the job ids sbatch gave (after --slurm)
//   level-<L>.sh, import.sh the job scripts
//   logs/                   Slurm's output, one file per array task
//   tasks/<i>/              run i: config.yaml, state.json, epochs.jsonl,
//                           checkpoint.pt, attempts.log
//
// Array tasks never open the SQLite run library: SQLite's locking is
// unreliable over network filesystems (and WAL needs shared memory on one
// host). Each task writes only its own folder; the import job, which runs
// after every task has ended (afterany), copies the ended runs into the
// library, once each (`runs import`).
//
// Epoch chains (SweepRunner.h) become arrays: level 0 holds every chain's
// shortest run, level L+1's task c continues level L's task c (aftercorr), so
// the 250/500/750/1000-epoch runs of the lab's grid train 1000 epochs, not 2500.
// A requeued task (preemption, `scontrol requeue`, a node failure) resumes
// from its last checkpoint.
#pragma once

#include "traveller/core/Errors.h"
#include "traveller/core/store/RunRecord.h"
#include "traveller/core/store/Sweep.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace traveller {

class ClusterError : public Error {
public:
    using Error::Error;
};

// ---- One run's folder -------------------------------------------------------

// A run recorded in plain files (see above): written by one array task at a
// time, read by `sweep status` and `runs import`. Every write of state.json
// is a whole new file renamed into place; epochs are appended a line each.
class RunFolder : public RunRecord {
public:
    // `what` names the run in messages ("task 3 (lr=1)").
    RunFolder(std::string folder, std::string what);

    // Writes config.yaml and a queued state (a new run).
    void create(const ExperimentConfig& config, const std::string& name);
    bool exists() const;  // state.json is there

    const std::string& folder() const { return folder_; }
    std::string what() const override { return what_; }
    StoredRun stored() override;  // ClusterError when state.json or config.yaml is unreadable
    std::vector<StoredEpoch> epochs() override;
    std::string checkpointPath() const override;
    void markRunning(const std::string& device, int threads) override;
    void appendEpoch(const StoredEpoch& epoch, double addedSeconds) override;
    void setCheckpointEpoch(int epoch) override;
    void truncateEpochs(int epoch) override;
    void finishRun(const RunResult& result, double addedSeconds) override;

    // A line in attempts.log: when, where (host, Slurm job) and what happened.
    void logAttempt(const std::string& line);
    std::vector<std::string> attempts() const;
    // A state left "running" by an attempt that is gone (killed, requeued,
    // its node lost) becomes "interrupted", with why.
    void markInterrupted(const std::string& why);
    // Gives this (untrained) run `from`'s epochs 1..epoch and checkpoint, as
    // continueFrom does in the library.
    void continueFrom(RunFolder& from, int epoch);

private:
    // state.json alone: what the writers update (every epoch, on the
    // training thread) without reading config.yaml and every epoch again.
    StoredRun readState() const;
    void writeState(const StoredRun& run);

    std::string folder_;
    std::string what_;
};

// ---- The plan ---------------------------------------------------------------

struct SlurmOptions {
    std::string partition;     // empty: the cluster's default
    int maxParallel = 0;       // array throttle %N per level; 0 = none
    std::string time;          // HH:MM[:SS] or D-HH:MM; empty: the partition's default
    int cpusPerTask = 1;
    int gpusPerTask = 0;
    int checkpointEvery = 0;   // epochs between checkpoints; 0 = at every sample interval
    bool chainEpochs = true;
    std::string runFolder;     // empty: <library>/slurm/<sweep>-<UTC time>
    std::string library;       // the run library the import job writes
    std::string dataDir;       // where the tasks read the corpora
    std::string program;       // the traveller-cli the jobs run (absolute)
    std::string programVersion;
};

struct PlannedRun {
    std::size_t index = 0;
    std::string name;
    std::string label;
    int continues = -1;  // the run it continues (same chain, fewer epochs), or -1
    ExperimentConfig config;
};

struct SlurmPlan {
    std::string id;        // unique: the import's key for each run ("<id>/<index>")
    std::string sweep;
    std::string folder;
    SlurmOptions options;
    std::vector<PlannedRun> runs;
    // levels[L][c]: the run chain c trains at level L (-1: chain c is shorter)
    std::vector<std::vector<int>> levels;
    std::vector<std::string> arrayJobs;  // one per level, after submission
    std::string importJob;
    std::string submittedAt;
};

// Checks the options (time format, cpus, the devices the runs ask for against
// --gpus-per-task) and plans the arrays. Writes nothing. Throws ConfigError.
SlurmPlan planSlurmSweep(const Sweep& sweep, const SlurmOptions& options);
// The job script of level L (array) and of the import job.
std::string levelScript(const SlurmPlan& plan, std::size_t level);
std::string importScript(const SlurmPlan& plan);
// The sbatch command lines submitSlurmPlan runs ("<level-0 id>" etc. stand for
// ids not known yet).
std::vector<std::string> sbatchCommands(const SlurmPlan& plan);
// Writes the run folder: plan.json, the scripts, one queued folder per run.
// ClusterError when it cannot, or when the folder already holds a plan.
void writeSlurmFolder(const SlurmPlan& plan);
// Writes the run folder (writeSlurmFolder) and submits the
// arrays and the import job with sbatch. ClusterError with sbatch's own
// message when it refuses; arrays already submitted are cancelled then.
void submitSlurmPlan(SlurmPlan& plan);
// Reads a run folder's plan.json (and submission.json). ClusterError.
SlurmPlan loadSlurmPlan(const std::string& folder);
// The newest run folder under <library>/slurm; "" when there is none.
std::string latestSlurmFolder(const std::string& library);

// ---- An array task ----------------------------------------------------------

struct TaskOutcome {
    std::size_t run = 0;
    RunResult result;
    bool alreadyDone = false;  // a requeued task whose run had ended
};

// Trains the run of level `level`, chain `chain` (SLURM_ARRAY_TASK_ID):
// resumes from its checkpoint when an earlier attempt was cut off, continues
// the shorter run of its chain when there is one, and records why when it
// fails (then rethrows). `threads` from SLURM_CPUS_PER_TASK; the device is
// cuda:0 when the plan asked for GPUs (Slurm makes the allocated one the
// only one visible), else the run's own.
TaskOutcome runSlurmTask(const std::string& folder, std::size_t level, std::size_t chain, int threads,
                         const std::string& attempt, TrainingObserver& observer, RunControl& control);

// ---- Status and import ------------------------------------------------------

struct TaskStatus {
    std::size_t run = 0;
    std::string name, label;
    std::string job;        // "<array>_<task>"
    std::string scheduler;  // squeue/sacct's state (PENDING, RUNNING, ...), "" when Slurm no longer knows it
    std::string reason;     // squeue's reason (Dependency, Resources, ...)
    StoredState state = StoredState::Queued;  // what the run folder says
    int epochsDone = 0, epochs = 0;
    double perplexity = 0;
    int attempts = 0;
    std::string message;
    std::int64_t importedAs = 0;  // run id in the library, 0 = not imported
    bool schedulerKnown = true;   // false: squeue could not be asked this time
};

struct SweepStatus {
    SlurmPlan plan;
    std::vector<TaskStatus> tasks;
    std::string importState;    // the import job's scheduler state, "" when gone
    std::string schedulerNote;  // why the scheduler could not be asked, when it could not
    bool schedulerKnown = true;  // squeue answered (else task words are the folders' own)
    std::map<std::string, int> counts;  // by the word `sweep status` shows
};

// Asks squeue (and sacct when accounting is on) and reads every run folder.
SweepStatus slurmSweepStatus(const std::string& folder, RunStore* library);
// The word a task is counted under: pending, running, finished, diverged,
// failed, stopped, interrupted, cancelled. When squeue could not be asked, a
// run folder's own word (queued, running, ...): a task is never called
// interrupted or cancelled for a scheduler that did not answer.
std::string taskWord(const TaskStatus& task);

struct ImportReport {
    std::vector<std::pair<std::size_t, std::int64_t>> imported;  // run index, library id
    std::vector<std::pair<std::size_t, std::int64_t>> already;   // unchanged since imported
    std::vector<std::pair<std::size_t, std::string>> skipped;    // not ended yet, with why
    // Not imported because the folder is not what a task writes (a symbolic
    // link, a field out of range, weights that are not one of ours): why.
    std::vector<std::pair<std::size_t, std::string>> refused;
};

// Copies every ended run of the folder (finished, diverged, failed, stopped,
// interrupted) into the library, with its epochs, samples and checkpoint, all
// or nothing per run: the checkpoint is copied and fsynced first, then the
// row goes in with it in one transaction. Importing twice changes nothing
// (but repairs a run whose checkpoint is missing); a run imported while
// stopped and finished since is replaced in place (same id, name and tags).
// The folder is read as untrusted: plain files inside it only (no symbolic
// links), every field checked, a checkpoint must load as this run's. With
// `allEnded` (the import job: every task has ended) a run still marked
// running was cut off without a word and is imported as interrupted.
ImportReport importRunFolder(RunStore& store, const std::string& folder, bool allEnded = false);

// "nfs", "cifs", "lustre", ... when `path` is on a network filesystem, else "".
std::string networkFilesystem(const std::string& path);

// Runs a program (no shell) and returns its exit status and output.
struct ProgramOutput {
    int status = -1;  // exit status; -1 when it could not be started
    std::string out, err;
};
ProgramOutput runProgram(const std::vector<std::string>& argv);
// The program's full path when it is on the PATH, else "".
std::string findOnPath(const std::string& program);

} // namespace traveller
