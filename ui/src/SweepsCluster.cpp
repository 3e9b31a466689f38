// The Sweeps tab on a Slurm cluster: submitting the sweep as job arrays,
// following the tasks (squeue off the GUI thread) and importing the ended
// runs. The rest of the tab is SweepsPanel.cpp.
#include "traveller/ui/SweepsPanel.h"

#include "Format.h"
#include "traveller/ui/Language.h"
#include "MessageLabel.h"
#include "SweepResults.h"
#include "WorkerThread.h"

#include "traveller/core/Errors.h"
#include "traveller/core/Presets.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/SweepRunner.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/SweepWorker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QSettings>
#include <QSpinBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QFontDatabase>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#ifndef TRAVELLER_VERSION
#define TRAVELLER_VERSION ""
#endif

namespace traveller::ui {

namespace {

// The traveller-cli the array tasks run: beside this program, else on the PATH.
std::string cliProgram()
{
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/traveller-cli");
    if (QFileInfo(beside).isExecutable())
        return QFileInfo(beside).absoluteFilePath().toStdString();
    return findOnPath("traveller-cli");
}

} // namespace

// ---------------------------------------------------------------- Slurm

bool SweepsPanel::slurmAvailable() { return !findOnPath("sbatch").empty(); }

bool SweepsPanel::submitToSlurm(const SlurmOptions& chosen)
{
    if (running() || !sweep_)
        return false;
    SlurmOptions options = chosen;
    options.library = QDir(library_.folder()).absolutePath().toStdString();
    options.dataDir = QDir(dataDir_).absolutePath().toStdString();
    options.program = cliProgram();
    options.programVersion = TRAVELLER_VERSION;
    if (options.program.empty()) {
        showMessage(tr("Cannot submit: traveller-cli is neither beside this program nor on the PATH, and the array "
                       "tasks run it"),
                    true);
        return false;
    }
    if (!library_.store()) {
        showMessage(tr("Cannot open the run library %1: %2").arg(library_.folder(), library_.error()), true);
        return false;
    }
    try {
        SlurmPlan plan = planSlurmSweep(*sweep_, options);
        submitSlurmPlan(plan);
        results_->setQueued({});
        QString jobs;
        for (const auto& id : plan.arrayJobs)
            jobs += (jobs.isEmpty() ? QString() : QStringLiteral(", ")) + QString::fromStdString(id);
        const QString network = QString::fromStdString(networkFilesystem(options.library));
        showMessage(tr("%1: %2 run(s) submitted as job array(s) %3, import job %4; run folder %5")
                        .arg(sweepName())
                        .arg(plan.runs.size())
                        .arg(jobs, QString::fromStdString(plan.importJob),
                             QDir::toNativeSeparators(QString::fromStdString(plan.folder))) +
                        (network.isEmpty()
                             ? QString()
                             : tr(". The run library is on a network filesystem (%1): SQLite's locking is unreliable "
                                  "there; keep other Traveller windows off it while the import job runs")
                                   .arg(network)),
                    !network.isEmpty());
        return followCluster(QString::fromStdString(plan.folder));
    } catch (const std::exception& e) {
        showError(tr("Not submitted"), e);
        return false;
    }
}

bool SweepsPanel::followCluster(const QString& folder)
{
    try {
        const SlurmPlan plan = loadSlurmPlan(folder.toStdString());
        if (!sweep_ || sweep_->name != plan.sweep || sweep_->runs.size() != plan.runs.size()) {
            showMessage(tr("The run folder %1 holds sweep '%2', not the sweep loaded here")
                            .arg(folder, QString::fromStdString(plan.sweep)),
                        true);
            return false;
        }
    } catch (const std::exception& e) {
        showError(tr("Cannot follow %1").arg(folder), e);
        return false;
    }
    clusterFolder_ = folder;
    imported_.clear();
    importButton_->show();
    clusterTimer_->start();
    pollCluster();
    return true;
}

void SweepsPanel::joinPoll()
{
    if (poll_.joinable())
        poll_.join();
}

void SweepsPanel::pollCluster()
{
    if (clusterFolder_.isEmpty() || polling_.exchange(true))
        return;
    joinPoll();
    const std::string folder = clusterFolder_.toStdString();
    std::shared_ptr<RunStore> store = library_.store();
    poll_ = std::thread([this, folder, store] {
        std::optional<SweepStatus> status;
        QString error;
        try {
            status = slurmSweepStatus(folder, store.get());
        } catch (const std::exception& e) {
            error = coreText(e);
        }
        QMetaObject::invokeMethod(
            this,
            [this, folder, status, error] {
                polling_ = false;
                // Another sweep was loaded (or started) meanwhile: not its rows.
                if (QString::fromStdString(folder) != clusterFolder_)
                    return;
                if (status)
                    showClusterStatus(*status);
                else
                    showMessage(tr("Cannot read the cluster sweep: %1").arg(error), true);
            },
            Qt::QueuedConnection);
    });
}

void SweepsPanel::pollClusterNow()
{
    pollCluster();
    joinPoll();
    QCoreApplication::sendPostedEvents(this);
}

void SweepsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange && lastStatus_ && !clusterFolder_.isEmpty())
        showClusterStatus(SweepStatus(*lastStatus_));
}

void SweepsPanel::showClusterStatus(const SweepStatus& status)
{
    lastStatus_ = status;
    RunStore* store = library_.store().get();
    int imported = 0, ended = 0;
    for (const TaskStatus& t : status.tasks) {
        const int index = static_cast<int>(t.run);
        const QString word = QString::fromStdString(taskWord(t));
        if (t.importedAs > 0) {
            ++imported;
            results_->importedRun(index, t.importedAs, store);
            if (!imported_.contains(t.importedAs)) {
                imported_ << t.importedAs;
                Q_EMIT runRecorded(t.importedAs);
            }
        } else {
            results_->clusterTask(index, word, t.epochsDone, t.epochs, t.perplexity,
                                  QString::fromStdString(t.message));
        }
        ended += word != QLatin1String("pending") && parseStoredState(word.toStdString()) != StoredState::Running;
    }
    QStringList counts;
    for (const auto& [word, count] : status.counts)
        counts << tr("%1 %2").arg(count).arg(statusText(QString::fromStdString(word)));
    QString text = tr("Slurm: %1; %2 of %3 imported into the library")
                       .arg(counts.join(QStringLiteral(", ")))
                       .arg(imported)
                       .arg(status.tasks.size());
    if (!status.importState.empty())
        text += tr(" · import job: %1").arg(QString::fromStdString(status.importState));
    if (!status.schedulerNote.empty())
        text += QStringLiteral(" · ") + QString::fromStdString(status.schedulerNote);
    summary_->setText(text);
    // Everything in the library, or every task ended and the import job gone:
    // nothing will change by itself any more.
    const bool done = imported == static_cast<int>(status.tasks.size()) ||
                      (status.schedulerKnown && ended == static_cast<int>(status.tasks.size()) &&
                       status.importState.empty());
    if (done)
        clusterTimer_->stop();
}

bool SweepsPanel::importClusterRuns()
{
    std::shared_ptr<RunStore> store = library_.store();
    if (clusterFolder_.isEmpty() || !store)
        return false;
    try {
        const ImportReport report = importRunFolder(*store, clusterFolder_.toStdString());
        if (!report.refused.empty())
            showMessage(tr("%1 run(s) imported; %2 refused: %3")
                            .arg(report.imported.size())
                            .arg(report.refused.size())
                            .arg(coreText(report.refused.front().second)),
                        true);
        else
            showMessage(tr("%1 run(s) imported, %2 already in the library, %3 not ended yet")
                            .arg(report.imported.size())
                            .arg(report.already.size())
                            .arg(report.skipped.size()));
    } catch (const std::exception& e) {
        showError(tr("Import failed"), e);
        return false;
    }
    pollClusterNow();
    return true;
}

} // namespace traveller::ui
