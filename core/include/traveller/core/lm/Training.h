// Training a language model, observed and controlled from another thread.
// Nothing here exposes LibTorch: metrics cross threads as small value structs.
#pragma once

#include "traveller/core/Corpus.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/lm/Inspect.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace traveller {

struct BatchStats {
    int epoch = 0;          // 1-based
    std::int64_t batch = 0; // 0-based within the epoch
    double loss = 0;        // mean cross-entropy of the batch
    double gradNorm = 0;    // total norm before clipping
    bool clipped = false;
};

struct EpochStats {
    int epoch = 0;  // 1-based
    int epochs = 0;
    double perplexity = 0;
    double tokensPerSecond = 0;  // this epoch's training tokens over its training time
    double elapsedSeconds = 0;   // since the run started (training time only, sampling included)
    double heldoutPerplexity = std::numeric_limits<double>::quiet_NaN();  // data.heldout's; NaN without
    bool hasSample = false;      // a sample interval ended here
    std::string sample;          // continuation of sample.prefix, when hasSample
};

// A setting that changed while a run trained: by hand (a control of the
// window, live) or by the run's schedule (train.schedule). It took effect
// before batch `batch` of the run's epoch `epoch`; `from` and `to` are YAML
// texts. Every change is kept with the run (RunStore::events) and written
// into its schedule, so that the run can be trained again exactly.
struct SettingEvent {
    int epoch = 0;
    std::int64_t batch = 0;
    std::string key;
    std::string from;
    std::string to;
    bool live = false;
    bool operator==(const SettingEvent& o) const
    {
        return epoch == o.epoch && batch == o.batch && key == o.key && from == o.from && to == o.to && live == o.live;
    }
};

enum class RunStatus { Finished, Stopped, Diverged, Failed };

// train.detach_state: false keeps a whole epoch's graph: its estimated size
// (activations and logits of every time step of the epoch) may not exceed
// this (LmSession's constructor refuses the run with the figure).
constexpr std::int64_t kMaxUndetachedBytes = 2LL << 30;
std::string toString(RunStatus status);

struct RunResult {
    RunStatus status = RunStatus::Finished;
    int epochsDone = 0;          // completed epochs
    int divergedEpoch = 0;       // when status is Diverged
    double perplexity = 0;       // of the last completed epoch (NaN if none)
    double heldoutPerplexity = std::numeric_limits<double>::quiet_NaN();  // of the same epoch, with data.heldout
    double tokensPerSecond = 0;  // over all completed epochs
    double seconds = 0;          // wall time of the run
    std::string device;
    std::map<std::string, std::string> samples;  // prefix -> continuation, at the end
    std::string message;         // why it diverged or failed
    std::vector<SettingEvent> events;  // the settings changed while it trained, in order
    // The run's settings as it ended when any changed while it trained (its
    // epochs the run's, live changes written into its schedule); else none.
    std::optional<ExperimentConfig> config;
    // The run's epoch that first blew up while training went on
    // (train.on_divergence: continue); 0 = none.
    int blewUpAt = 0;
};

// Receives progress on the training thread; implementations forward it
// (the CLI prints JSON, the GUI queues signals). Default: ignore.
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void onBatch(const BatchStats&) {}
    virtual void onEpoch(const EpochStats&) {}
    // A setting changed (live or scheduled), as it takes effect.
    virtual void onSettingChanged(const SettingEvent&) {}
};

// Stop and pause requests, safe to call from any thread; the trainer checks
// them once per batch.
class RunControl {
public:
    void requestStop();
    // Async-signal-safe variant for a SIGINT handler: sets the flag only, so it
    // does not wake a paused trainer (the CLI never pauses).
    void requestStopFromSignal() { stop_.store(true); }
    void pause();
    void resume();
    bool stopRequested() const { return stop_.load(); }
    bool paused() const { return pause_.load(); }
    // Called by the trainer: blocks while paused; returns false if it must stop.
    bool proceed();
    // Seconds the trainer spent blocked in proceed(), in all: speed and wall
    // time leave them out (a pause is not training).
    double pausedSeconds() const { return pausedSeconds_.load(); }
    // A live change of a setting (a key of liveKeys(), its YAML text): the
    // trainer takes it before its next batch, checks it against the run
    // (withLiveChange) and reports it (TrainingObserver::onSettingChanged)
    // or, refused, in changeRefused(). Check it first to answer at once.
    void requestChange(const std::string& key, const std::string& value);
    // The changes asked since the last call, in order (the trainer's).
    std::vector<std::pair<std::string, std::string>> takeChanges();
    // What the trainer said about the last refused change ("" for none).
    std::string changeRefused() const;
    void setChangeRefused(const std::string& why);

private:
    std::vector<std::pair<std::string, std::string>> changes_;
    std::atomic<bool> haveChanges_{false};
    std::string refused_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> pause_{false};
    std::atomic<double> pausedSeconds_{0};
    mutable std::mutex mutex_;
    std::condition_variable wake_;
};

// Sets LibTorch's intra-op threads for the calling thread (OpenMP keeps the
// count per thread); 0 means one per core. Returns the count set.
// LmSession::train and generate apply config.train.threads themselves.
int setTrainingThreads(int threads);
int trainingThreads();

struct DeviceInfo {
    std::string id;      // "cpu", "cuda:0", ...
    std::string label;   // "CPU (2 threads)", "cuda:0 — NVIDIA H100 (80 GB)"
};
// The CPU and every CUDA device this build of LibTorch can see.
std::vector<DeviceInfo> availableDevices();
bool cudaSupportCompiled();
// Validates a device spec (cpu, cuda, cuda:N, auto) and resolves auto;
// throws DeviceError with a plain explanation.
std::string resolveDeviceSpec(const std::string& spec);
std::string torchVersion();
// The BLAS library LibTorch's matrix products run on, from the process's
// mappings: "OpenBLAS (openblas-openmp)", or the reference BLAS with a warning.
std::string blasLibrary();

// The epoch a checkpoint written by LmSession::saveCheckpoint says it holds;
// 0 when it does not say (written without one, or by an older Traveller).
// Throws Error when the file cannot be read as a checkpoint.
int checkpointFileEpoch(const std::string& path);
// The experiment (YAML) a checkpoint written by LmSession::saveCheckpoint
// holds; empty when it does not (written by an older Traveller).
std::string checkpointFileConfig(const std::string& path);

// One model with its corpus, ready to train and to write text. Construction
// loads the corpus and builds the model (throws CorpusError, DeviceError,
// ConfigError). Not thread-safe: use from one thread at a time.
class LmSession {
public:
    LmSession(const ExperimentConfig& config, const std::string& dataDir);
    ~LmSession();
    LmSession(const LmSession&) = delete;
    LmSession& operator=(const LmSession&) = delete;

    // Trains for config.train.epochs, reporting to observer and honouring
    // control. Never throws for a diverging loss: that is a RunStatus.
    RunResult train(TrainingObserver& observer, RunControl& control);

    // Continues `prefix` by `length` tokens: greedy when temperature is 0.
    std::string generate(const std::string& prefix, int length, double temperature = 0.0,
                         std::uint64_t seed = 0);
    // What the model computes on `text` (the Lens): next-character guesses,
    // hidden states and the cell's gates per layer, saliency. Read from a
    // snapshot of the weights through the cell's textbook step. Throws Error
    // for an empty text.
    Inspection inspect(const std::string& text, const InspectOptions& options = {});

    // `epoch` is stored in the file, so that the weights say which epoch they
    // are even when a crash parts them from the run library's record of it.
    void saveCheckpoint(const std::string& path, int epoch = 0);
    void loadCheckpoint(const std::string& path);

    const ExperimentConfig& config() const;
    const Corpus& corpus() const;
    std::string device() const;
    std::int64_t parameterCount() const;
    std::int64_t batchesPerEpoch() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace traveller
