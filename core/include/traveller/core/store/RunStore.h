// The run library: every run's config (language model or translation), per-epoch metrics,
// samples, status and timings in one SQLite file (runs.sqlite), with the final
// weights as a LibTorch checkpoint beside it (checkpoints/<id>.pt).
//
// Several processes may share a library (the GUI and a CLI sweep): SQLite's
// WAL mode and a busy timeout serialise their writes. A run is "running" only
// while the process that trains it holds the run's lock file
// (locks/<id>.lock, an OS lock the kernel drops when the process dies: see
// core/src/store/RunLock.h); a row left "running" without its lock (crash,
// kill -9) reads back as "interrupted". Every writer that starts, replaces or
// deletes a run takes that lock first: training (window, CLI, sweep, lab),
// `runs delete`, and the Slurm import.
#pragma once

#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/s2s/Translation.h"

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace traveller {

class RunLock;

class StoreError : public Error {
public:
    using Error::Error;
};

// A run recorded a checkpoint that is no longer on the disk: resuming it would
// silently start over. Front ends offer to start over on purpose
// (MissingCheckpoint::StartOver).
class MissingCheckpointError : public StoreError {
public:
    using StoreError::StoreError;
};

// Every state a stored run can be in. The library's status column and a run
// folder's state.json keep its word (toString), so older libraries and
// folders read unchanged; parseStoredState is the one way back.
enum class StoredState { Queued, Running, Finished, Stopped, Diverged, Failed, Interrupted };

const char* toString(StoredState state);
// The state a word names; nullopt for a word that is none of them.
std::optional<StoredState> parseStoredState(const std::string& word);
// The state a run is stored in when training ended so.
StoredState storedState(RunStatus status);

struct StoredEpoch {
    int epoch = 0;
    double perplexity = 0;
    double tokensPerSecond = 0;
    double elapsedSeconds = 0;
    std::string sample;  // empty when no sample interval ended at this epoch
    double heldoutPerplexity = std::numeric_limits<double>::quiet_NaN();  // NaN: none measured
};

struct StoredRun {
    std::int64_t id = 0;
    std::string name;
    std::string sweep;          // the sweep it belongs to; empty for a single run
    std::string label;          // within the sweep, e.g. "lr=0.1"
    std::string configYaml;     // the whole experiment, as toYaml writes it
    StoredState state = StoredState::Queued;
    // The epoch a run that trained through a blow-up (train.on_divergence:
    // continue) first blew up; 0 = never. Tables mark a finished one.
    int blewUpAt = 0;
    std::vector<std::string> tags;
    int epochs = 0;             // planned
    int epochsDone = 0;         // completed and recorded
    int checkpointEpoch = 0;    // epoch of the last checkpoint on disk; 0 = none
    double perplexity = 0;      // of the last recorded epoch (NaN if none)
    double tokensPerSecond = 0;
    double seconds = 0;         // wall time, summed over resumed attempts
    std::string device;
    int threads = 0;
    std::string programVersion;
    std::uint64_t seed = 0;
    std::string createdAt;      // UTC, ISO 8601
    std::string finishedAt;
    std::string message;        // why it diverged or failed
    std::map<std::string, std::string> samples;  // prefix -> continuation (translation: source -> output), at the end
    std::vector<SettingEvent> events;  // the settings changed while it trained, in order (RunStore::events)
    // A fork (forkRun, Fork.h): the run it branched from and the epoch whose
    // weights it started from (its epochs up to it are the parent's). 0, 0
    // for a run of its own; the parent may since have been deleted.
    std::int64_t parentId = 0;
    int branchEpoch = 0;
    std::string note;           // the user's note on the run (RunStore::setNote)
    std::string corpusSha1;     // of the text it first trained on ("" before schema 7)
    std::string kind = "lm";    // "lm" or "translate" (then `perplexity` and the epochs hold the book's loss)
    std::string results;        // a translation run's scores as JSON (translationResultsJson); "" otherwise

    bool isTranslation() const { return kind == "translate"; }
    ExperimentConfig config() const;  // parses configYaml; ConfigError for a translation run
    TranslationConfig translationConfig() const;  // ConfigError for a language-model run
};

struct NewRun {
    ExperimentConfig config;
    std::string name;   // empty: config.displayName()
    std::string sweep;
    std::string label;
    std::string programVersion;
};

// A run trained elsewhere (a Slurm array task's folder, Cluster.h), copied
// into the library whole.
struct ImportedRun {
    NewRun run;
    std::string source;  // unique key of where it came from ("<plan id>/<index>")
    // state, blewUpAt, message, device, threads, seconds, tokensPerSecond,
    // checkpointEpoch, createdAt, finishedAt and samples are taken from here
    StoredRun state;
    std::vector<StoredEpoch> epochs;
};

class RunStore {
public:
    // Opens (creating if needed) folder/runs.sqlite. Throws StoreError, also
    // for a damaged or 0-byte database (never replaced by a new one).
    explicit RunStore(const std::string& folder);
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    // --library if given, else $TRAVELLER_HOME, else $XDG_DATA_HOME/traveller,
    // else ~/.local/share/traveller.
    static std::string resolveFolder(const std::string& option = "");

    const std::string& folder() const { return folder_; }
    std::string databasePath() const;
    std::string checkpointPath(std::int64_t id) const;  // folder/checkpoints/<id>.pt
    std::string lockPath(std::int64_t id) const;        // folder/locks/<id>.lock
    // The weights kept at chosen epochs (train.keep_checkpoints), where forks
    // start: folder/checkpoints/<id>.kept/<epoch>.pt. prepareKeptCheckpoint
    // makes the folder (StoreError for a link or a file in its place);
    // keptCheckpointEpochs lists what is there, ascending.
    std::string keptCheckpointFolder(std::int64_t id) const;
    std::string keptCheckpointPath(std::int64_t id, int epoch) const;
    std::string prepareKeptCheckpoint(std::int64_t id, int epoch);
    std::vector<int> keptCheckpointEpochs(std::int64_t id) const;
    int schemaVersion() const;
    // Opened for reading only (the folder or file cannot be written here):
    // every writer throws StoreError saying so.
    bool readOnly() const { return readOnly_; }

    // Writers. Safe to call from several threads (one connection, one mutex).
    std::int64_t createRun(const NewRun& run);
    // A translation run (kind "translate"), queued.
    std::int64_t createTranslationRun(const TranslationConfig& config, const std::string& name,
                                      const std::string& programVersion);
    void setResults(std::int64_t id, const std::string& json);
    // Files a run under a sweep and label (a translation run of the lab).
    void setSweep(std::int64_t id, const std::string& sweep, const std::string& label);
    // Claims the run for this process: takes its lock (held until finishRun
    // or this store's end), status running, owner pid. Throws StoreError when
    // another process (or this one) holds the lock.
    void markRunning(std::int64_t id, const std::string& device, int threads);
    // `addedSeconds` of wall time join the run's total with the epoch, so a
    // run killed later keeps the time it trained (a resume adds its own).
    void appendEpoch(std::int64_t id, const StoredEpoch& epoch, double addedSeconds = 0);
    void setCheckpointEpoch(std::int64_t id, int epoch);
    // A setting changed while the run trained (Training.h), kept in order. A
    // live change is written into the run's schedule at once, and train.epochs
    // into its planned epochs, so that a resume or replay makes it again.
    void appendEvent(std::int64_t id, const SettingEvent& event);
    // A finished or stopped run marked stopped, for it to train further
    // (continueRecordedRun); any other state is left as it is.
    void setStopped(std::int64_t id);
    std::vector<SettingEvent> events(std::int64_t id);
    // Forgets epochs after `epoch` (they were trained past the last checkpoint).
    void truncateEpochs(std::int64_t id, int epoch);
    void finishRun(std::int64_t id, const RunResult& result, double addedSeconds);
    // Gives run `to` the epochs 1..epoch that run `from` recorded and the wall
    // time they took (from's time scaled to that share), as if `to` had trained
    // them; `to` must not have trained yet. For epoch chains (SweepRunner.h).
    void copyProgress(std::int64_t from, std::int64_t to, int epoch);
    // A fork of run `parent` at `epoch` (forkRun, Fork.h) in one transaction:
    // a queued run of `run`'s settings with the parent's epochs 1..epoch and
    // their setting changes, its checkpoint the `staged` file (stageCheckpoint,
    // renamed to checkpointPath inside the transaction), its lineage set.
    std::int64_t createFork(const NewRun& run, std::int64_t parent, int epoch, const std::string& staged);
    // The run imported from `source`, or 0.
    std::int64_t importedFrom(const std::string& source);
    // Inserts the run, its epochs and samples in one transaction; with
    // `replace` (a run imported earlier from the same source) that run is
    // rewritten in place in the same transaction: its id, name and tags stay,
    // its state, epochs and samples become the import's. `staged`: the run's
    // checkpoint, already written whole and fsynced by stageCheckpoint; it is
    // renamed to checkpointPath(id) inside the transaction, so no row names
    // weights that are not there ("" for none: a replaced run's old
    // checkpoint goes). Returns the run's id. When another import has
    // brought the same source in meanwhile (a run other than `replace`),
    // nothing is written: that run's id is returned and *inserted is false.
    // A `replace` run that some process is training is refused (StoreError).
    std::int64_t importRun(const ImportedRun& run, std::int64_t replace = 0, bool* inserted = nullptr,
                           const std::string& staged = "");
    // Copies the open file `fd` (from its start) into the checkpoints folder
    // under a temporary name, fsynced; returns that path. StoreError (the
    // partial copy removed) when the disk is full.
    std::string stageCheckpoint(int fd);
    void rename(std::int64_t id, const std::string& name);
    // A fork's parent and branch epoch (forkRun).
    void setLineage(std::int64_t id, std::int64_t parent, int branchEpoch);
    // The SHA-1 of the corpus file a run first trained on (a replay checks it).
    void setCorpusSha1(std::int64_t id, const std::string& sha1);
    // The user's note on a run (64 KiB at most; "" clears it).
    void setNote(std::int64_t id, const std::string& text);
    // The runs forked from run `id`, ascending.
    std::vector<std::int64_t> children(std::int64_t id);
    void addTag(std::int64_t id, const std::string& tag);
    void removeTag(std::int64_t id, const std::string& tag);
    // Removes the row, its metrics, its checkpoint file and its kept ones.
    // Its forks stay, with their own epochs and their parent's id. Throws StoreError,
    // naming the owner's pid, for a run some live process (this one included)
    // is training.
    void deleteRun(std::int64_t id);
    // All of `ids` in one transaction, or none: a missing or training run
    // refuses the whole list, the StoreError naming each refused id.
    void deleteRuns(const std::vector<std::int64_t>& ids);

    // The lab's notes (the student's observations), one text per lab step
    // ("1.1", ...); an empty text removes the step's note.
    void setLabNote(const std::string& step, const std::string& text);
    std::map<std::string, std::string> labNotes();
    // A lesson's answers (the student's, to each step's question), by the
    // lesson's name and the step's index (0-based); an empty text removes one.
    void setLessonAnswer(const std::string& lesson, int step, const std::string& text);
    std::map<int, std::string> lessonAnswers(const std::string& lesson);
    // The lessons with an answer kept, by name, ascending.
    std::vector<std::string> answeredLessons();

    // Readers. Runs whose owner is gone read back as interrupted (and are
    // stored so on the way).
    std::vector<StoredRun> runs();
    std::vector<StoredRun> runsOfSweep(const std::string& sweep);
    StoredRun run(std::int64_t id);  // throws StoreError for an unknown id
    std::vector<StoredEpoch> epochs(std::int64_t id);

private:
    void createDatabase();     // a new runs.sqlite, published whole
    void openReadOnly();       // a library this user cannot write: reads only
    void open(bool wasEmpty);  // after sqlite3_open: schema, checks
    // Throws for a database that is not a run library (before any write);
    // true for one of ours from before application ids.
    bool checkIdentity();
    // Schema 5: blew_up_at, filled from what older rows' messages say.
    void upgradeBlewUpAt();
    // Schema 7: parent_id, branch_epoch and note.
    void upgradeLineage();
    // Run `from`'s epochs 1..epoch and their setting changes into run `to`
    // (inside the caller's transaction).
    void copyHistory(std::int64_t from, std::int64_t to, int epoch);
    void exec(const std::string& sql);
    void rollback();  // of the open transaction, if SQLite has not ended it
    void reapInterrupted();
    std::int64_t freshId();  // the row just inserted; clears a stale checkpoint
    void writeImportedRow(const ImportedRun& run, std::int64_t replace);
    void writeImportedDetails(std::int64_t id, const ImportedRun& run);
    std::vector<StoredRun> query(const std::string& where, std::int64_t id, const std::string& text);

    std::string folder_;
    sqlite3* db_ = nullptr;
    bool readOnly_ = false;
    std::recursive_mutex mutex_;
    std::map<std::int64_t, std::unique_ptr<RunLock>> held_;  // the runs this store is training
};

// What resuming does when the run's recorded checkpoint file is gone.
enum class MissingCheckpoint { Refuse, StartOver };

struct RecordOptions {
    std::string dataDir;
    std::string programVersion;
    // Epochs between checkpoints; 0 = at every sample interval (sample.every).
    int checkpointEvery = 0;
    // Refuse: throw MissingCheckpointError; StartOver: drop the recorded
    // epochs and train from epoch 1.
    MissingCheckpoint missingCheckpoint = MissingCheckpoint::Refuse;
    // From 0 (all cores) up: the CPU threads this training uses, in place of
    // the stored train.threads (a resume on another machine); -1 keeps it.
    int threads = -1;
    // Overrides the stored train.device when not empty (an array task uses
    // the GPU Slurm allocated it).
    std::string device;
};

// Trains run `id` of the store from its stored config, recording every epoch and
// writing a checkpoint at each interval and at the end. A run that has a
// checkpoint (an interrupted one) resumes from it: the epochs recorded after it
// are dropped and training continues to the planned count. `observer` sees the
// run's own epoch numbers. Throws what LmSession throws; the run is then
// marked failed.
RunResult trainRecordedRun(RunStore& store, std::int64_t id, const RecordOptions& options,
                           TrainingObserver& observer, RunControl& control);

// Trains a finished or stopped run `moreEpochs` further as the same run
// (canContinue): its curve goes on from its last epoch's weights. The
// continuation is a change of train.epochs, kept as an event and in its
// schedule, so that `runs replay` trains the whole run again.
RunResult continueRecordedRun(RunStore& store, std::int64_t id, int moreEpochs, const RecordOptions& options,
                              TrainingObserver& observer, RunControl& control);

// Before a replay: StoreError (replay.corpus_changed) when the corpus file
// the run trained on has changed since (its SHA-1 is not the one kept), so a
// replay would not train the same run.
void checkReplayCorpus(const StoredRun& run, const std::string& dataDir);

// The same for a session the caller built and keeps (the GUI's worker, which
// writes text with the weights afterwards): trains it as the new run `id`
// (created from the session's config, nothing recorded yet).
RunResult trainRecordedSession(RunStore& store, std::int64_t id, LmSession& session, const RecordOptions& options,
                               TrainingObserver& observer, RunControl& control);

// A translation run recorded like a language-model one: every epoch's loss,
// the final weights (checkpoints/<id>.pt), the scores of the eval pairs and
// the held-out pairs (results, as JSON; each output also as a sample). Run `id`
// was made by createTranslationRun from the session's config.
struct RecordedTranslation {
    TranslationRunResult result;
    Evaluation evaluation;  // the config's eval pairs
    Evaluation heldout;     // pairs after the training lines
    int heldoutPairs = 0;
};
RecordedTranslation trainRecordedTranslation(RunStore& store, std::int64_t id, TranslationSession& session,
                                             TranslationObserver& observer, RunControl& control);
// {"eval": {...}, "heldout": {...}}: rows (source, output, reference, bleu),
// corpus BLEU-4 and BLEU by source length.
std::string translationResultsJson(const Evaluation& evaluation, const Evaluation& heldout, int heldoutPairs);

} // namespace traveller
