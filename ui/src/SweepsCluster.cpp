// The Sweeps tab on a Slurm cluster: SweepsClusterView (SweepsClusterView.h),
// submitting the sweep as job arrays, following the tasks (squeue off the
// GUI thread, through a WorkerThread) and importing the ended runs. The rest
// of the tab is SweepsPanel.cpp.
#include "SweepsClusterView.h"

#include "SlurmOptionsDialog.h"
#include "SweepResults.h"

#include "traveller/core/store/RunStore.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/RunLibrary.h"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QPushButton>
#include <QTimer>

#include <functional>
#include <memory>

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

// One reading of a cluster sweep (squeue, sacct and the run folder) on the
// view's worker thread; the answer is posted back to the view, which shows
// it only if it still follows that folder.
class ClusterPoll : public QObject {
public:
    ClusterPoll(std::string folder, std::shared_ptr<RunStore> store, std::function<void(std::optional<SweepStatus>, QString)> answer)
        : folder_(std::move(folder)), store_(std::move(store)), answer_(std::move(answer))
    {
    }
    void run()
    {
        std::optional<SweepStatus> status;
        QString error;
        try {
            status = slurmSweepStatus(folder_, store_.get());
        } catch (const std::exception& e) {
            error = coreText(e);
        }
        answer_(std::move(status), error);
    }

private:
    std::string folder_;
    std::shared_ptr<RunStore> store_;
    std::function<void(std::optional<SweepStatus>, QString)> answer_;
};

} // namespace

SweepsClusterView::SweepsClusterView(RunLibrary& library, QString dataDir, SweepResults* results, QWidget* parent)
    : QWidget(parent), library_(library), dataDir_(std::move(dataDir)), results_(results)
{
    submitButton_ = new QPushButton(tr("Submit to Slurm…"));
    submitButton_->setObjectName("slurmSubmitButton");
    connect(submitButton_, &QPushButton::clicked, this, [this] {
        if (!sweep_)
            return;
        if (const auto options = askSlurmOptions(this, static_cast<int>(sweep_->runs.size())))
            submit(*options);
    });
    importButton_ = new QPushButton(tr("Import ended runs"));
    importButton_->setObjectName("slurmImportButton");
    importButton_->setToolTip(tr("Copy the cluster runs that have ended into the run library now (the import job "
                                 "does it when every run has ended; importing twice changes nothing)"));
    importButton_->hide();
    connect(importButton_, &QPushButton::clicked, this, [this] { importRuns(); });
    timer_ = new QTimer(this);
    timer_->setInterval(5000);
    connect(timer_, &QTimer::timeout, this, &SweepsClusterView::poll);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(submitButton_, 0, Qt::AlignTop);
    layout->addWidget(importButton_, 0, Qt::AlignTop);
    setSubmittable(false);
    // The summary is written again when the language changes, at once, as
    // the table's rows are (RunTableModel): setLanguage installs a
    // translator, which the application hears as LanguageChange before the
    // widgets do.
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);
}

SweepsClusterView::~SweepsClusterView() { poll_.join(); }

bool SweepsClusterView::available() { return !findOnPath("sbatch").empty(); }

void SweepsClusterView::setSweep(const std::optional<Sweep>& sweep)
{
    forget();
    sweep_ = sweep;
}

void SweepsClusterView::setSubmittable(bool submittable)
{
    static const bool sbatch = available();
    submitButton_->setEnabled(sbatch && submittable && sweep_ && !sweep_->runs.empty());
    submitButton_->setToolTip(sbatch ? tr("Submit the sweep to a Slurm cluster as job arrays, one task per run; the "
                                          "table follows the tasks and fills in from the imported runs")
                                     : tr("sbatch is not on the PATH: this machine cannot submit to a Slurm cluster"));
}

void SweepsClusterView::forget()
{
    timer_->stop();
    folder_.clear();
    importButton_->hide();
}

QString SweepsClusterView::sweepName() const { return sweep_ ? QString::fromStdString(sweep_->name) : QString(); }

void SweepsClusterView::showError(const QString& prefix, const std::exception& e)
{
    Q_EMIT message(QStringLiteral("%1: %2").arg(prefix, coreText(e)), true);
}

bool SweepsClusterView::submit(const SlurmOptions& chosen)
{
    if (!sweep_)
        return false;
    SlurmOptions options = chosen;
    options.library = QDir(library_.folder()).absolutePath().toStdString();
    options.dataDir = QDir(dataDir_).absolutePath().toStdString();
    options.program = cliProgram();
    options.programVersion = TRAVELLER_VERSION;
    if (options.program.empty()) {
        Q_EMIT message(tr("Cannot submit: traveller-cli is neither beside this program nor on the PATH, and the "
                          "array tasks run it"),
                       true);
        return false;
    }
    if (!library_.store()) {
        Q_EMIT message(tr("Cannot open the run library %1: %2").arg(library_.folder(), library_.error()), true);
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
        Q_EMIT message(tr("%1: %2 run(s) submitted as job array(s) %3, import job %4; run folder %5")
                               .arg(sweepName())
                               .arg(plan.runs.size())
                               .arg(jobs, QString::fromStdString(plan.importJob),
                                    QDir::toNativeSeparators(QString::fromStdString(plan.folder))) +
                           (network.isEmpty()
                                ? QString()
                                : tr(". The run library is on a network filesystem (%1): SQLite's locking is "
                                     "unreliable there; keep other Traveller windows off it while the import job runs")
                                      .arg(network)),
                       !network.isEmpty());
        return follow(QString::fromStdString(plan.folder));
    } catch (const std::exception& e) {
        showError(tr("Not submitted"), e);
        return false;
    }
}

bool SweepsClusterView::follow(const QString& folder)
{
    try {
        const SlurmPlan plan = loadSlurmPlan(folder.toStdString());
        if (!sweep_ || sweep_->name != plan.sweep || sweep_->runs.size() != plan.runs.size()) {
            Q_EMIT message(tr("The run folder %1 holds sweep '%2', not the sweep loaded here")
                               .arg(folder, QString::fromStdString(plan.sweep)),
                           true);
            return false;
        }
    } catch (const std::exception& e) {
        showError(tr("Cannot follow %1").arg(folder), e);
        return false;
    }
    folder_ = folder;
    imported_.clear();
    importButton_->show();
    timer_->start();
    poll();
    return true;
}

void SweepsClusterView::poll()
{
    if (folder_.isEmpty() || polling_)
        return;
    polling_ = true;
    const std::string folder = folder_.toStdString();
    auto answer = [this, folder](std::optional<SweepStatus> status, QString error) {
        QMetaObject::invokeMethod(
            this,
            [this, folder, status = std::move(status), error] {
                polling_ = false;
                // Another sweep was loaded (or started) meanwhile: not its rows.
                if (QString::fromStdString(folder) != folder_)
                    return;
                if (status)
                    showStatus(*status);
                else
                    Q_EMIT message(tr("Cannot read the cluster sweep: %1").arg(error), true);
            },
            Qt::QueuedConnection);
    };
    // The last reading's thread has ended its job: start() joins it first.
    poll_.start(new ClusterPoll(folder, library_.store(), std::move(answer)), &ClusterPoll::run,
                QStringLiteral("slurmPollThread"));
}

void SweepsClusterView::pollNow()
{
    poll();
    poll_.join();
    QCoreApplication::sendPostedEvents(this);
}

bool SweepsClusterView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == QCoreApplication::instance() && event->type() == QEvent::LanguageChange && lastStatus_ &&
        !folder_.isEmpty())
        showStatus(SweepStatus(*lastStatus_));
    return QWidget::eventFilter(watched, event);
}

void SweepsClusterView::showStatus(const SweepStatus& status)
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
    Q_EMIT summaryChanged(text);
    // Everything in the library, or every task ended and the import job gone:
    // nothing will change by itself any more.
    const bool done = imported == static_cast<int>(status.tasks.size()) ||
                      (status.schedulerKnown && ended == static_cast<int>(status.tasks.size()) &&
                       status.importState.empty());
    if (done)
        timer_->stop();
}

bool SweepsClusterView::importRuns()
{
    std::shared_ptr<RunStore> store = library_.store();
    if (folder_.isEmpty() || !store)
        return false;
    try {
        const ImportReport report = importRunFolder(*store, folder_.toStdString());
        if (!report.refused.empty())
            Q_EMIT message(tr("%1 run(s) imported; %2 refused: %3")
                               .arg(report.imported.size())
                               .arg(report.refused.size())
                               .arg(coreText(report.refused.front().second)),
                           true);
        else
            Q_EMIT message(tr("%1 run(s) imported, %2 already in the library, %3 not ended yet")
                               .arg(report.imported.size())
                               .arg(report.already.size())
                               .arg(report.skipped.size()),
                           false);
    } catch (const std::exception& e) {
        showError(tr("Import failed"), e);
        return false;
    }
    pollNow();
    return true;
}

} // namespace traveller::ui
