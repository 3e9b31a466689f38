// The language model tab's queue of runs, without a widget: runs train one
// after another, each by a TrainingWorker on its own thread. A run's thread
// stays (idle) after it ends, so a finished run can still write text with its
// last weights; all of them are stopped and joined when the queue goes.
// The views (LanguageModelPanel) follow its signals; tests drive it alone.
#pragma once

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/GenerateWorker.h"
#include "traveller/ui/RunTypes.h"

#include <QColor>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>

#include <map>
#include <memory>

namespace traveller::ui {

class RunLibrary;

class RunQueue : public QObject {
    Q_OBJECT
public:
    enum class RunState { Queued, Loading, Training, Paused, Finished, Stopped, Diverged, Failed, Cancelled };

    struct Run {
        int id = 0;
        ExperimentConfig config;
        QString name;
        RunState state = RunState::Queued;
        QString statusText;
        QColor color;              // its colour in the tab's chart and table (by position, format::seriesColor)
        RunStarted info;
        EpochStats last;
        RunOutcome outcome;
        QString unrecorded;        // why the library does not get it, when it does not
        QList<QPointF> perplexity; // (epoch, perplexity)
        QList<QPointF> heldout;    // (epoch, held-out perplexity) with data.heldout
        QList<QPointF> gradNorm;   // (fractional epoch, norm) per batch
        QList<QPointF> clipped;    // the clipped subset of gradNorm
        QList<SettingEvent> events;  // settings changed while it trained, in order
    };

    // `library` may be null (nothing recorded); it must outlive the queue.
    RunQueue(QString dataDir, RunLibrary* library, QObject* parent = nullptr);
    ~RunQueue() override;

    // Adds a run of `config`; it starts at once when nothing trains. Its id.
    int enqueue(const ExperimentConfig& config);
    void pause();
    void resume();
    // Stops the run in progress (it keeps its curve, samples and weights) and
    // cancels the queued ones.
    void stop();
    // Starts the next queued run if none trains (after the corpus arrived).
    void startNext();
    // Asks every trained run to continue `prefix`; generated() answers. The
    // ids of the runs asked; the others cannot write (not trained, failed).
    QList<int> regenerate(const QString& prefix, int length, double temperature);
    // The Lens follows run `id` on `text` (empty: stops); inspected() answers
    // at every sample interval while it trains, and once when it is idle.
    void setLensText(int id, const QString& text);
    // Changes `key` of the run in training to `value` before its next batch
    // (liveKeys()): checked here first (withLiveChange, against the epoch it
    // is at); false with the reason, in the window's language, when refused.
    // settingChanged() says where it landed.
    bool requestChange(const std::string& key, const std::string& value, QString* why = nullptr);

    const Run* run(int id) const;
    const Run* current() const { return run(currentId_); }
    QList<int> ids() const;
    int count() const { return static_cast<int>(runs_.size()); }
    bool busy() const { return currentId_ >= 0 || !waiting_.isEmpty(); }
    static QString seriesKey(int runId) { return QStringLiteral("run%1").arg(runId); }

Q_SIGNALS:
    void runAdded(int runId);
    void stateChanged(int runId);  // state, status text or colour
    void runStarted(int runId);
    void batchDone(int runId);
    void epochDone(int runId, const traveller::EpochStats& stats);
    void runFinished(int runId, const traveller::ui::RunOutcome& outcome);
    void runFailed(int runId, const traveller::ui::RunFailure& failure);
    void generated(int runId, const QString& text);
    void inspected(int runId, int epoch, const traveller::ui::InspectionPtr& inspection);
    void settingChanged(int runId, const traveller::SettingEvent& event);
    void queueDrained();

private:
    struct Slot;
    Slot* slot(int id) const;
    void setState(Run& r, RunState state, const QString& text = {});
    void onStarted(int runId, const RunStarted& info);
    void onBatch(int runId, const BatchStats& stats);
    void onEpoch(int runId, const EpochStats& stats);
    void onFinished(int runId, const RunOutcome& outcome);
    void onFailed(int runId, const RunFailure& failure);

    QString dataDir_;
    RunLibrary* library_;
    std::map<int, std::unique_ptr<Slot>> runs_;
    QList<int> waiting_;
    int currentId_ = -1;
    int nextId_ = 1;
    int nextRequestId_ = 1;
};

} // namespace traveller::ui
