// The Sweeps tab's Slurm part (private to traveller_ui; docs/CLUSTER.md):
// its two buttons (Submit to Slurm…, Import ended runs), submitting the
// loaded sweep as job arrays, following the submitted sweep's run folder
// every few seconds until its runs are imported, and importing the ended
// runs now. squeue and sacct can take seconds on a busy cluster, so each
// reading runs off the window's thread through a WorkerThread, one at a time.
// The rows it fills are the tab's SweepResults; what it has to say goes to
// the tab's summary and message line through its signals.
#pragma once

#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/store/Sweep.h"

#include "WorkerThread.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <optional>

class QPushButton;
class QTimer;

namespace traveller::ui {

class RunLibrary;
class SweepResults;

class SweepsClusterView : public QWidget {
    Q_OBJECT
public:
    // Runs go into `library` (and the data folder the tasks read is
    // `dataDir`); the tasks' rows are `results`'.
    SweepsClusterView(RunLibrary& library, QString dataDir, SweepResults* results, QWidget* parent = nullptr);
    // Waits for a reading in flight (one squeue call).
    ~SweepsClusterView() override;

    static bool available();  // sbatch is on the PATH
    // The sweep Submit sends (none: nothing to submit); the sweep followed
    // so far goes on on its own, its runs still landing in the library.
    void setSweep(const std::optional<Sweep>& sweep);
    // Whether the tab lets a submission start now (no local sweep running).
    void setSubmittable(bool submittable);
    bool submit(const SlurmOptions& options);
    bool follow(const QString& folder);
    bool importRuns();
    // Stops following the cluster sweep (another sweep starts here).
    void forget();
    QString folder() const { return folder_; }
    // Reads the cluster now and blocks until the answer is shown (tests).
    void pollNow();

Q_SIGNALS:
    void summaryChanged(const QString& text);
    void message(const QString& text, bool error);
    void runRecorded(qint64 id);  // a cluster run imported into the library

protected:
    // The summary follows the window's language.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void poll();
    void showStatus(const SweepStatus& status);
    void showError(const QString& prefix, const std::exception& e);
    QString sweepName() const;

    RunLibrary& library_;
    const QString dataDir_;
    SweepResults* results_;
    std::optional<Sweep> sweep_;
    QPushButton* submitButton_;
    QPushButton* importButton_;
    QTimer* timer_;
    QString folder_;
    WorkerThread poll_;                      // one squeue/sacct reading at a time
    bool polling_ = false;                   // a reading is in flight (set and read on the window's thread)
    QList<qint64> imported_;                 // ids already announced (runRecorded)
    std::optional<SweepStatus> lastStatus_;  // the summary shown last
};

} // namespace traveller::ui
