// One training run, living on its own QThread. It owns the LmSession (which is
// not thread-safe), so everything that touches the model -- training and
// regenerating text -- happens on that thread. The GUI talks to it through
// the thread-safe control calls below and receives queued signals.
#pragma once

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/GenerateWorker.h"
#include "traveller/ui/RunTypes.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace traveller {
class RunStore;
}

namespace traveller::ui {

class TrainingWorker : public QObject, public TrainingObserver {
    Q_OBJECT
public:
    // With a store, the run is also recorded in the run library (config, every
    // epoch, samples, final weights), where the Runs tab finds it later.
    TrainingWorker(int runId, ExperimentConfig config, QString dataDir, std::shared_ptr<RunStore> store = {});
    ~TrainingWorker() override;

    int runId() const { return runId_; }

    // Any thread.
    void requestStop() { control_.requestStop(); }
    void pause() { control_.pause(); }
    void resume() { control_.resume(); }
    bool paused() const { return control_.paused(); }
    // Any thread: change a setting before the next batch (a key of
    // liveKeys(); check it with withLiveChange first). settingChanged()
    // answers when it has landed.
    void requestChange(const std::string& key, const std::string& value) { control_.requestChange(key, value); }
    // Any thread: continue `prefix` with the current weights. Served between
    // two batches while training, right away when idle; answered by generated().
    void requestGenerate(int requestId, const QString& prefix, int length, double temperature);
    // Any thread: the Lens follows this run on `text` (empty: no more). It is
    // read at every sample interval while training, and at once when idle;
    // answered by inspected().
    void setLensText(const QString& text);

public Q_SLOTS:
    // Worker thread: builds the session and trains it; emits started() then
    // finished() or failed(). Keeps the session for later generate requests.
    void run();

Q_SIGNALS:
    void started(int runId, const traveller::ui::RunStarted& info);
    void batchDone(int runId, const traveller::BatchStats& stats);
    void epochDone(int runId, const traveller::EpochStats& stats);
    void finished(int runId, const traveller::ui::RunOutcome& outcome);
    void failed(int runId, const traveller::ui::RunFailure& failure);
    void generated(int runId, int requestId, const QString& prefix, const QString& text);
    void inspected(int runId, int epoch, const traveller::ui::InspectionPtr& inspection);
    void settingChanged(int runId, const traveller::SettingEvent& event);

private Q_SLOTS:
    void serveGenerateRequests();
    void serveLens(int epoch);

private:
    void onBatch(const BatchStats& stats) override;
    void onEpoch(const EpochStats& stats) override;
    void onSettingChanged(const SettingEvent& event) override;

    struct GenerateRequest {
        int id;
        std::string prefix;
        int length;
        double temperature;
    };

    const int runId_;
    const ExperimentConfig config_;
    const QString dataDir_;
    const std::shared_ptr<RunStore> store_;
    RunControl control_;
    std::unique_ptr<LmSession> session_;  // worker thread only

    std::mutex requestsMutex_;
    std::vector<GenerateRequest> requests_;
    std::atomic<bool> hasRequests_{false};
    std::string lensText_;  // under requestsMutex_
    int lastEpoch_ = 0;     // worker thread
};

} // namespace traveller::ui
