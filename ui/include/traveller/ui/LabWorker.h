// The lab (or one of its steps), trained through the core's runLab on a
// worker QThread. runLab blocks this worker's thread and calls the
// LabObserver hooks from its training threads; each hook re-emits plain Qt
// values, queued to the GUI thread. Stop is the RunControl's atomic flag.
#pragma once

#include "traveller/core/lab/Lab.h"
#include "traveller/core/store/RunStore.h"

#include <QObject>
#include <QString>

#include <memory>

namespace traveller::ui {

class LabWorker : public QObject, public LabObserver {
    Q_OBJECT
public:
    LabWorker(std::shared_ptr<RunStore> store, LabOptions options);

    // Any thread.
    void requestStop() { control_.requestStop(); }

public Q_SLOTS:
    // Worker thread: runs the steps, then emits labFinished.
    void run();

Q_SIGNALS:
    void stepStarted(const QString& step, int runs);
    void runStarted(const QString& step, const QString& label, qint64 id);
    // The lab's own run trained on in its row from `fromEpoch` (0: the start).
    void runResumed(const QString& step, const QString& label, qint64 id, int fromEpoch);
    // A run kept as it is (finished earlier, or training elsewhere): its status word.
    void runReused(const QString& step, const QString& label, qint64 id, const QString& status);
    void epochDone(const QString& step, const QString& label, int epoch, int epochs, double value);
    void runFinished(const QString& step, const QString& label, qint64 id, const QString& status);
    void stepFinished(const QString& step, double seconds);
    // error is empty unless runLab threw (a missing corpus, say).
    void labFinished(const QString& error);

private:
    // Training threads.
    void onStepStarted(const LabStep& step, std::size_t runs) override;
    void onRunStarted(const LabStep& step, const std::string& label, std::int64_t id) override;
    void onRunResumed(const LabStep& step, const std::string& label, std::int64_t id, int fromEpoch) override;
    void onRunReused(const LabStep& step, const std::string& label, const StoredRun& run) override;
    void onEpoch(const LabStep& step, const std::string& label, int epoch, int epochs, double value) override;
    void onRunFinished(const LabStep& step, const std::string& label, std::int64_t id, const RunResult& r) override;
    void onStepFinished(const LabStep& step, double seconds) override;

    std::shared_ptr<RunStore> store_;
    LabOptions options_;
    RunControl control_;
};

} // namespace traveller::ui
