// Runs a sweep into the run library: one queue of runs, one or more worker
// threads, progress reported per run. The CLI's `sweep` command and the GUI's
// Sweeps tab both drive this class, so they plan and record a grid the same way.
//
// Epoch chains: runs that differ only in train.epochs (the lab's
// 250/500/750/1000) follow the same trajectory, so the longer ones continue the
// next shorter one's final checkpoint instead of starting again. A continued
// run is the same computation as an uninterrupted one (the checkpoint keeps the
// weights, the optimizer and the data order's generator; a test compares them
// epoch by epoch). Each run still has its own full curve, samples, checkpoint
// and wall time (its share of the chain, prefix included).
#pragma once

#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/core/lm/Training.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace traveller {

struct SweepOptions {
    RecordOptions record;
    int parallel = 0;           // runs at once; 0 = 2 for an all-CPU sweep on ≥2 cores, else 1
    int threads = 0;            // total training threads; 0 = one per core
    std::string device;         // overrides every run's train.device when not empty
    bool chainEpochs = true;    // see "Epoch chains" above
};

// Called from the worker threads: implementations must be thread-safe (the GUI
// forwards to its own thread with queued signals). `index` is the run's place
// in the sweep (and in ids()).
class SweepObserver {
public:
    virtual ~SweepObserver() = default;
    virtual void onRunStarted(std::size_t /*index*/, std::int64_t /*id*/) {}
    virtual void onBatch(std::size_t /*index*/, const BatchStats&) {}
    virtual void onEpoch(std::size_t /*index*/, const EpochStats&) {}
    // After the run's status is stored. A run that threw is reported with
    // status Failed and the exception's message.
    virtual void onRunFinished(std::size_t /*index*/, std::int64_t /*id*/, const RunResult&) {}
    // A run planned SweepRunAction::Keep, as recorded, before anything trains
    // (on the thread that called run()).
    virtual void onRunKept(std::size_t /*index*/, std::int64_t /*id*/, const RunResult&) {}
};

// What the runner does with one of the sweep's runs. A sweep creates every
// run; the lab (Lab.h, planLabStep) continues where the library is.
enum class SweepRunAction {
    Create,  // a new run (queued until it trains)
    Resume,  // the recorded run `id` trains on in its own row (trainRecordedRun: from its checkpoint)
    Keep,    // the recorded run `id` stands for this run as it is; never trained here. A finished
             // one still starts the runs that continue it (epoch chains)
};

struct SweepRunPlan {
    SweepRunAction action = SweepRunAction::Create;
    std::int64_t id = 0;  // Resume, Keep
};

class SweepRunner {
public:
    // Validates the devices, plans the queue and creates every run in the store
    // (status "queued"). With a `plan` (one entry per run of the sweep; empty =
    // Create for each), only the Create runs are created. Throws
    // ConfigError/StoreError.
    SweepRunner(RunStore& store, const Sweep& sweep, const SweepOptions& options,
                const std::vector<SweepRunPlan>& plan = {});

    const std::vector<std::int64_t>& ids() const { return ids_; }
    int parallel() const { return parallel_; }
    int threadsPerRun() const { return threadsPerRun_; }  // 0 = the session's default
    // For each run, the index of the run it continues (chained epochs), or -1.
    const std::vector<int>& continues() const { return continues_; }

    // Trains every run, blocking until all are done or `control` asks to stop
    // (runs not started then stay "queued"; a stopped run is "stopped" and can
    // be resumed). Returns one result per run, in sweep order; a run never
    // started has status Stopped and epochsDone 0; a kept run, its recorded
    // state (Finished, Diverged, or Stopped for one not ended).
    std::vector<RunResult> run(SweepObserver& observer, RunControl& control);

private:
    // The record options run `index` trains with.
    RecordOptions recordOptionsFor(std::size_t index) const;
    // Starts run `index` from the end of the shorter run of its chain, when
    // that one finished with its checkpoint and this one has trained
    // nothing; true when it did. Throws what the store throws.
    bool continueChain(std::size_t index, const std::vector<RunResult>& results);

    RunStore& store_;
    SweepOptions options_;
    std::vector<std::int64_t> ids_;
    std::vector<SweepRunAction> actions_;
    std::vector<int> continues_;
    std::vector<std::vector<std::size_t>> chains_;  // run indices, shortest first
    int parallel_ = 1;
    int threadsPerRun_ = 0;
};

// Runs equal but for train.epochs (name aside), as chains of indices into
// `configs`, shortest first; a run alone is a chain of one. Chains appear in
// the order of their first run. The local runner and the Slurm arrays
// (Cluster.h) chain runs by this one rule.
std::vector<std::vector<std::size_t>> epochChains(const std::vector<ExperimentConfig>& configs);

// Copies run `from`'s recorded epochs (up to `epoch`) and its checkpoint to run
// `to`, so that training `to` resumes there. Used by epoch chains.
void continueFrom(RunStore& store, std::int64_t from, std::int64_t to, int epoch);

} // namespace traveller
