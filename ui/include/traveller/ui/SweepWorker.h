// One sweep, trained through the core's SweepRunner on a worker QThread.
// SweepRunner::run blocks this worker's thread and calls the SweepObserver
// hooks from its own training threads; each hook re-emits a small value
// struct that Qt queues to the GUI thread. Stop is the RunControl's atomic
// flag, noticed by every run within one batch.
#pragma once

#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/core/store/SweepRunner.h"
#include "traveller/ui/RunTypes.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace traveller::ui {

class SweepWorker : public QObject, public SweepObserver {
    Q_OBJECT
public:
    // GUI thread: plans the sweep and creates its runs in the store, all
    // "queued". Throws what SweepRunner throws (ConfigError, StoreError,
    // DeviceError) before any thread exists.
    SweepWorker(std::shared_ptr<RunStore> store, const Sweep& sweep, const SweepOptions& options);
    ~SweepWorker() override;

    const std::vector<std::int64_t>& ids() const { return runner_->ids(); }
    int parallel() const { return runner_->parallel(); }

    // Any thread.
    void requestStop() { control_.requestStop(); }

public Q_SLOTS:
    // Worker thread: trains every run, then emits sweepFinished.
    void run();

Q_SIGNALS:
    void runStarted(int index, qint64 id);
    void epochDone(int index, const traveller::EpochStats& stats);
    void runFinished(int index, qint64 id, const traveller::ui::RunOutcome& outcome);
    // error is empty unless the runner itself threw.
    void sweepFinished(const QString& error);

private:
    // Training threads.
    void onRunStarted(std::size_t index, std::int64_t id) override;
    void onEpoch(std::size_t index, const EpochStats& stats) override;
    void onRunFinished(std::size_t index, std::int64_t id, const RunResult& result) override;

    std::shared_ptr<RunStore> store_;  // before runner_: it holds a reference
    std::vector<std::string> prefixes_;
    std::unique_ptr<SweepRunner> runner_;
    RunControl control_;
};

} // namespace traveller::ui
