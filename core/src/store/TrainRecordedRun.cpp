#include "traveller/core/store/RunRecord.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Messages.h"

#include <algorithm>
#include <filesystem>
#include <thread>

namespace traveller {

namespace {

// Records each epoch in the store, checkpoints at intervals, and forwards the
// epoch with the run's own numbering (a resumed run's session counts from 1).
class Recorder : public TrainingObserver {
public:
    Recorder(RunRecord& record, LmSession& session, const RecordOptions& options, int firstEpoch,
             int plannedEpochs, double elapsedBefore, TrainingObserver& forward)
        : record_(record), session_(session), options_(options), offset_(firstEpoch),
          planned_(plannedEpochs), elapsedBefore_(elapsedBefore), forward_(forward)
    {
    }

    void onBatch(const BatchStats& s) override
    {
        BatchStats shifted = s;
        shifted.epoch += offset_;
        forward_.onBatch(shifted);
    }

    void onEpoch(const EpochStats& s) override
    {
        EpochStats shifted = s;
        shifted.epoch += offset_;
        shifted.epochs = planned_;
        shifted.elapsedSeconds += elapsedBefore_;
        // The run's wall time grows with each recorded epoch: a kill loses at
        // most the time since the last one.
        record_.appendEpoch({shifted.epoch, shifted.perplexity, shifted.tokensPerSecond, shifted.elapsedSeconds,
                                 shifted.hasSample ? shifted.sample : "", shifted.heldoutPerplexity},
                           s.elapsedSeconds - recordedSeconds_);
        recordedSeconds_ = s.elapsedSeconds;
        const bool due = options_.checkpointEvery > 0 ? shifted.epoch % options_.checkpointEvery == 0 : shifted.hasSample;
        if (due && shifted.epoch < planned_) {
            session_.saveCheckpoint(record_.checkpointPath(), shifted.epoch);
            record_.setCheckpointEpoch(shifted.epoch);
        }
        keep(shifted.epoch);
        forward_.onEpoch(shifted);
    }

    void onSettingChanged(const SettingEvent& e) override
    {
        record_.appendEvent(e);
        if (e.key == "train.epochs")
            planned_ = std::stoi(e.to);  // the run's new end: its last epoch checkpoints no more
        forward_.onSettingChanged(e);
    }

    // The weights of every keep_checkpoints-th epoch stay where a fork finds
    // them (the last checkpoint is rewritten as the run goes on).
    void keep(int epoch)
    {
        const int every = session_.config().train.keepCheckpoints;
        if (every <= 0 || epoch % every != 0)
            return;
        const std::string path = record_.keptCheckpointPath(epoch);
        if (!path.empty())
            session_.saveCheckpoint(path, epoch);
    }

    // This attempt's wall time already added to the run's total.
    double recordedSeconds() const { return recordedSeconds_; }

private:
    RunRecord& record_;
    LmSession& session_;
    const RecordOptions& options_;
    int offset_;
    int planned_;
    double elapsedBefore_;
    TrainingObserver& forward_;
    double recordedSeconds_ = 0;
};

// Stores run `id` as failed with the exception's message, then rethrows it.
[[noreturn]] void failAndRethrow(RunRecord& record, const std::exception& e)
{
    RunResult failed;
    failed.status = RunStatus::Failed;
    failed.message = e.what();
    record.finishRun(failed, 0);
    throw;
}

// Trains `session` as run `id` from epoch `start` on (0: a new run), recording
// as it goes; marks the run failed and rethrows when training throws.
RunResult trainFrom(RunRecord& record, LmSession& session, int start, int planned,
                    double elapsedBefore, const RecordOptions& options, TrainingObserver& observer,
                    RunControl& control)
{
    const auto& config = session.config();
    const int threads = config.train.threads > 0 ? config.train.threads
                                                  : static_cast<int>(std::thread::hardware_concurrency());
    // Outside the try: a run another process owns must not be marked failed here.
    record.markRunning(session.device(), threads);
    if (start == 0) {
        // What it trains on, for a replay to check (never a reason to fail).
        try {
            record.setCorpusSha1(sha1OfFile(session.corpus().path));
        } catch (const std::exception&) {
        }
    }
    RunResult result;
    double recordedSeconds = 0;
    try {
        Recorder recorder(record, session, options, start, planned, elapsedBefore, observer);
        result = session.train(recorder, control);
        recordedSeconds = recorder.recordedSeconds();
        result.epochsDone += start;
        if (result.divergedEpoch > 0)
            result.divergedEpoch += start;
        session.saveCheckpoint(record.checkpointPath(), result.epochsDone);
        record.setCheckpointEpoch(result.epochsDone);
    } catch (const std::exception& e) {
        failAndRethrow(record, e);
    }
    record.finishRun(result, std::max(0.0, result.seconds - recordedSeconds));
    return result;
}

// A run whose every epoch is recorded and whose checkpoint holds the last
// one ends as trainFrom would have ended it: finished, its samples written
// from those weights, its speed that of its recorded epochs.
RunResult finishFromCheckpoint(RunRecord& record, const StoredRun& stored,
                               const ExperimentConfig& config, const std::string& checkpoint,
                               const RecordOptions& options)
{
    const auto epochs = record.epochs();
    RunResult result;
    result.status = RunStatus::Finished;
    result.epochsDone = stored.epochs;
    result.perplexity = epochs.empty() ? stored.perplexity : epochs.back().perplexity;
    double speed = 0;
    for (const auto& e : epochs)
        speed += e.tokensPerSecond;
    result.tokensPerSecond = epochs.empty() ? 0 : speed / static_cast<double>(epochs.size());
    result.seconds = epochs.empty() ? stored.seconds : epochs.back().elapsedSeconds;
    try {
        LmSession session(config, options.dataDir);
        session.loadCheckpoint(checkpoint);
        result.device = session.device();
        for (const std::string& prefix : {config.sample.prefix, std::string("traveller")})
            result.samples[prefix] =
                session.generate(prefix, config.sample.length, config.sample.temperature, config.train.seed);
        record.setCheckpointEpoch(stored.epochs);
    } catch (const std::exception& e) {
        failAndRethrow(record, e);
    }
    record.finishRun(result, 0);
    return result;
}

} // namespace

RunResult trainRecordedSession(RunStore& store, std::int64_t id, LmSession& session, const RecordOptions& options,
                               TrainingObserver& observer, RunControl& control)
{
    const StoredRun stored = store.run(id);
    if (stored.epochsDone > 0)
        throw StoreError(message("store.already_trained", {std::to_string(id)}));
    StoreRecord record(store, id);
    return trainFrom(record, session, 0, session.config().train.epochs, 0, options, observer, control);
}

RunResult trainRecordedRun(RunStore& store, std::int64_t id, const RecordOptions& options, TrainingObserver& observer,
                           RunControl& control)
{
    StoreRecord record(store, id);
    return trainRecord(record, options, observer, control);
}

RunResult continueRecordedRun(RunStore& store, std::int64_t id, int moreEpochs, const RecordOptions& options,
                              TrainingObserver& observer, RunControl& control)
{
    const StoredRun stored = store.run(id);
    if (const RuleVerdict possible = canContinue(stored); !possible)
        throw StoreError(possible.reason);
    if (moreEpochs < 1 || moreEpochs > 1'000'000)
        throw ConfigError("train.epochs", 0, 0, message("config.int_range", {"1", "1000000", std::to_string(moreEpochs)}));
    const int to = stored.epochsDone + moreEpochs;
    store.appendEvent(id, {stored.epochsDone + 1, 0, "train.epochs", std::to_string(stored.epochs), std::to_string(to),
                           true});
    store.setStopped(id);  // a stopped run with its checkpoint at its last epoch: it resumes from there
    return trainRecordedRun(store, id, options, observer, control);
}

void checkReplayCorpus(const StoredRun& run, const std::string& dataDir)
{
    if (run.corpusSha1.empty() || run.isTranslation())
        return;  // trained before schema 7 kept it
    const ExperimentConfig config = run.config();
    const std::string path =
        config.data.corpus == "timemachine" ? requireDataFile(DataFile::TimeMachine, dataDir) : config.data.corpus;
    const std::string now = sha1OfFile(path);
    if (now != run.corpusSha1)
        throw StoreError(message("replay.corpus_changed", {std::to_string(run.id), path, run.corpusSha1, now}));
}

RunResult trainRecord(RunRecord& record, const RecordOptions& options, TrainingObserver& observer, RunControl& control)
{
    const StoredRun stored = record.stored();
    const std::string run = record.what();
    if (const RuleVerdict resumable = canResume(stored); !resumable)
        throw StoreError(resumable.reason);
    ExperimentConfig config = stored.config();
    if (options.threads >= 0)
        config.train.threads = options.threads;
    if (!options.device.empty())
        setConfigValue(config, "train.device", options.device);
    const std::string checkpoint = record.checkpointPath();
    std::error_code ec;
    const bool fileThere = std::filesystem::is_regular_file(checkpoint, ec);
    // A kill right after the first checkpoint leaves one the library never
    // recorded (checkpoint epoch 0): the file's own epoch counts then.
    const int fileEpoch = fileThere && stored.state != StoredState::Running ? checkpointFileEpoch(checkpoint) : 0;
    const bool haveCheckpoint = fileThere && (stored.checkpointEpoch > 0 || fileEpoch > 0);
    if (stored.checkpointEpoch > 0 && !haveCheckpoint && stored.state != StoredState::Running &&
        options.missingCheckpoint == MissingCheckpoint::Refuse)
        throw MissingCheckpointError(run + " recorded " + std::to_string(stored.epochsDone) +
                                     " epoch(s) and a checkpoint at epoch " + std::to_string(stored.checkpointEpoch) +
                                     ", but the checkpoint file '" + checkpoint +
                                     "' is gone: resuming would drop them all and start over from epoch 1");
    if (stored.state == StoredState::Running)
        throw StoreError(run + " is already training in another window or process");
    // The file says which epoch its weights are from. A kill between writing
    // it and recording it leaves the library one interval behind: the file is
    // right (the epochs up to it were recorded before it was written), and the
    // record follows it. A file from before epochs were stored (0) is taken
    // at the library's word.
    int start = haveCheckpoint ? stored.checkpointEpoch : 0;
    if (haveCheckpoint && fileEpoch > 0 && fileEpoch != start) {
        if (fileEpoch > stored.epochsDone)
            throw StoreError(run + "'s checkpoint holds epoch " + std::to_string(fileEpoch) +
                             " but the run library records only " + std::to_string(stored.epochsDone) +
                             " epoch(s); the two do not belong together");
        record.setCheckpointEpoch(fileEpoch);
        start = fileEpoch;
    }
    start = std::min(start, stored.epochs);
    if (start >= stored.epochs && stored.epochs > 0) {
        if (stored.state == StoredState::Finished)
            throw StoreError(run + " has already trained all its " +
                             std::to_string(stored.epochs) + " epochs");
        // Killed after its last epoch's weights were written but before it was
        // marked finished: nothing is left to train. It ends as it would have.
        return finishFromCheckpoint(record, stored, config, checkpoint, options);
    }
    double elapsedBefore = 0;
    for (const auto& e : record.epochs())
        if (e.epoch == start)
            elapsedBefore = e.elapsedSeconds;
    record.truncateEpochs(start);
    config.train.epochs = stored.epochs - start;

    std::unique_ptr<LmSession> session;
    try {
        session = std::make_unique<LmSession>(config, options.dataDir);
        if (start > 0)
            session->loadCheckpoint(checkpoint);
    } catch (const std::exception& e) {
        failAndRethrow(record, e);
    }
    return trainFrom(record, *session, start, stored.epochs, elapsedBefore, options, observer, control);
}

} // namespace traveller
