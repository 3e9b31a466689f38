// One translation run on its own QThread. It owns the TranslationSession (not
// thread-safe), so training, scoring and translating typed sentences all happen
// on that thread; the GUI sends requests through queued calls and receives
// value structs through queued signals.
#pragma once

#include "traveller/core/store/RunStore.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/s2s/Translation.h"
#include "traveller/ui/RunTypes.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace traveller::ui {

// How a translation run ended, with its scores (built on the worker thread).
struct TranslationOutcome {
    RunStatus status = RunStatus::Finished;
    int epochsDone = 0;
    double loss = 0;
    double seconds = 0;
    QString device;
    QString message;
    Evaluation evaluation;  // the config's eval.pairs
    Evaluation heldout;     // pairs after the training lines, not used for training
    int heldoutPairs = 0;
    qint64 libraryId = 0;   // its id in the run library; 0 = not recorded
    QString libraryNote;    // why it was not recorded, when it was not
    bool reopened = false;  // loaded from the library, not trained now
};

class TranslationWorker : public QObject, public TranslationObserver {
    Q_OBJECT
public:
    // Trains `config`, recorded in `store` when there is one; with
    // storedRunId > 0 it trains nothing and loads that run's weights instead.
    TranslationWorker(TranslationConfig config, QString dataDir, std::shared_ptr<RunStore> store = {},
                      qint64 storedRunId = 0);
    ~TranslationWorker() override;

    // Any thread.
    void requestStop() { control_.requestStop(); }
    // Any thread: a live change of the run in training (translationLiveKeys).
    void requestChange(const std::string& key, const std::string& value) { control_.requestChange(key, value); }
    // Any thread: stop and skip the scoring (the window is closing).
    void abandon()
    {
        abandoned_ = true;
        control_.requestStop();
    }

public Q_SLOTS:
    // Worker thread: builds the session, trains, scores; emits started() then
    // finished() or failed(). Keeps the session for translate().
    void run();
    // Worker thread: answered by translated(). Queued behind a running train().
    void translate(int requestId, const QString& sentence, int beam);

Q_SIGNALS:
    void started(const QString& description);
    void epochDone(const traveller::TranslationEpochStats& stats);
    void finished(const traveller::ui::TranslationOutcome& outcome);
    // Nothing trained; a corpus failure says so (the tab offers its remedies).
    void failed(const traveller::ui::RunFailure& failure);
    void translated(int requestId, const traveller::Translation& translation, const QString& error);
    void settingChanged(const traveller::SettingEvent& event);

private:
    void onEpoch(const TranslationEpochStats& stats) override;
    void onSettingChanged(const SettingEvent& event) override { Q_EMIT settingChanged(event); }

    const TranslationConfig config_;
    const QString dataDir_;
    const std::shared_ptr<RunStore> store_;
    const qint64 storedRunId_;
    RunControl control_;
    std::atomic<bool> abandoned_{false};
    std::unique_ptr<TranslationSession> session_;  // worker thread only
};

void registerTranslationMetaTypes();

} // namespace traveller::ui

Q_DECLARE_METATYPE(traveller::TranslationEpochStats)
Q_DECLARE_METATYPE(traveller::Translation)
Q_DECLARE_METATYPE(traveller::ui::TranslationOutcome)
