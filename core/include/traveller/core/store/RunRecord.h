// Where one run's training is recorded while it trains: a row of the run
// library (RunStore) or a run folder of a cluster sweep (RunFolder.h). The
// training loop that records, checkpoints and resumes (trainRecordedRun) is
// written once against this, so a run trains, stops and resumes the same way
// in the library and in a Slurm array task.
#pragma once

#include "traveller/core/store/RunStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace traveller {

class RunRecord {
public:
    virtual ~RunRecord() = default;
    // How messages name the run: "run 12", "task 3 (lr=1)".
    virtual std::string what() const = 0;
    virtual StoredRun stored() = 0;
    virtual std::vector<StoredEpoch> epochs() = 0;
    virtual std::string checkpointPath() const = 0;
    // The calls below have RunStore's meaning (RunStore.h).
    virtual void markRunning(const std::string& device, int threads) = 0;
    virtual void appendEpoch(const StoredEpoch& epoch, double addedSeconds) = 0;
    virtual void setCheckpointEpoch(int epoch) = 0;
    virtual void truncateEpochs(int epoch) = 0;
    virtual void finishRun(const RunResult& result, double addedSeconds) = 0;
    // A setting changed while it trained; a run folder keeps none yet.
    virtual void appendEvent(const SettingEvent& /*event*/) {}
    // Where the weights of `epoch` are kept (train.keep_checkpoints), the
    // folder made; "" where none are kept (a run folder keeps its last only).
    virtual std::string keptCheckpointPath(int /*epoch*/) { return ""; }
    // The SHA-1 of the corpus file a new run trains on; a run folder keeps none.
    virtual void setCorpusSha1(const std::string& /*sha1*/) {}
};

// Run `id` of a library, as a RunRecord.
class StoreRecord : public RunRecord {
public:
    StoreRecord(RunStore& store, std::int64_t id) : store_(store), id_(id) {}
    std::string what() const override { return "run " + std::to_string(id_); }
    StoredRun stored() override { return store_.run(id_); }
    std::vector<StoredEpoch> epochs() override { return store_.epochs(id_); }
    std::string checkpointPath() const override { return store_.checkpointPath(id_); }
    void markRunning(const std::string& device, int threads) override { store_.markRunning(id_, device, threads); }
    void appendEpoch(const StoredEpoch& e, double addedSeconds) override { store_.appendEpoch(id_, e, addedSeconds); }
    void setCheckpointEpoch(int epoch) override { store_.setCheckpointEpoch(id_, epoch); }
    void truncateEpochs(int epoch) override { store_.truncateEpochs(id_, epoch); }
    void finishRun(const RunResult& r, double addedSeconds) override { store_.finishRun(id_, r, addedSeconds); }
    void appendEvent(const SettingEvent& e) override { store_.appendEvent(id_, e); }
    std::string keptCheckpointPath(int epoch) override { return store_.prepareKeptCheckpoint(id_, epoch); }
    void setCorpusSha1(const std::string& sha1) override { store_.setCorpusSha1(id_, sha1); }

private:
    RunStore& store_;
    std::int64_t id_;
};

// trainRecordedRun (RunStore.h) on any record.
RunResult trainRecord(RunRecord& record, const RecordOptions& options, TrainingObserver& observer,
                      RunControl& control);

} // namespace traveller
