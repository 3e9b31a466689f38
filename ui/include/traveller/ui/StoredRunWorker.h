// Trains one run of the library on a worker QThread: a new copy of a run
// (Re-run), a fork, one that stopped or was interrupted (Resume, which
// continues from its last checkpoint), or an ended one `moreEpochs` further
// (Continue…). trainRecordedRun records every epoch in the
// store; this object only forwards progress as queued signals.
#pragma once

#include "traveller/core/store/RunStore.h"
#include "traveller/ui/RunTypes.h"

#include <QObject>

#include <memory>
#include <string>

namespace traveller::ui {

class StoredRunWorker : public QObject, public TrainingObserver {
    Q_OBJECT
public:
    StoredRunWorker(std::shared_ptr<RunStore> store, qint64 runId, RecordOptions options, int moreEpochs = 0);
    ~StoredRunWorker() override;

    qint64 runId() const { return runId_; }
    // Any thread.
    void requestStop() { control_.requestStop(); }

public Q_SLOTS:
    // Worker thread: trains, then emits finished (a run that threw is
    // reported as Failed with the message; the store marks it failed too).
    void run();

Q_SIGNALS:
    void epochDone(qint64 runId, const traveller::EpochStats& stats);
    void finished(qint64 runId, const traveller::ui::RunOutcome& outcome);

private:
    void onEpoch(const EpochStats& stats) override;

    std::shared_ptr<RunStore> store_;
    const qint64 runId_;
    const RecordOptions options_;
    const int moreEpochs_;
    RunControl control_;
};

} // namespace traveller::ui
