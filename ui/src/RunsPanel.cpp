#include "traveller/ui/RunsPanel.h"

#include "FlowLayout.h"
#include "traveller/ui/Language.h"

#include "Format.h"
#include "MessageLabel.h"
#include "RunDetails.h"
#include "RunGroups.h"
#include "RunsLibraryView.h"
#include "WorkerThread.h"

#include "traveller/core/store/RunRules.h"
#include "traveller/core/Errors.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/StoredRunWorker.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#ifndef TRAVELLER_VERSION
#define TRAVELLER_VERSION ""
#endif

namespace traveller::ui {

namespace {

// A training run's curve in the details chart is re-read this often.
constexpr int kLiveRedrawMs = 250;

} // namespace

RunsPanel::RunsPanel(RunLibrary& library, QString dataDir, QWidget* parent)
    : QWidget(parent), library_(library), dataDir_(std::move(dataDir)), trainer_(std::make_unique<WorkerThread>())
{
    registerUiMetaTypes();
    liveTimer_ = new QTimer(this);
    liveTimer_->setSingleShot(true);
    liveTimer_->setInterval(kLiveRedrawMs);
    connect(liveTimer_, &QTimer::timeout, this, &RunsPanel::showDetails);
    buildUi();
    connect(chart(), &LineChart::pointMenuRequested, this, &RunsPanel::chartMenu);  // RunsBranching.cpp
    updateControls();
}

// The training thread and the writing thread stop and join with their owners.
RunsPanel::~RunsPanel() = default;

void RunsPanel::buildUi()
{
    libraryLabel_ = new QLabel;
    libraryLabel_->setObjectName("libraryLabel");
    libraryLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    libraryLabel_->setText(tr("Library: %1").arg(QDir::toNativeSeparators(library_.folder())));

    filter_ = new QLineEdit;
    filter_->setObjectName("runsFilter");
    filter_->setPlaceholderText(tr("Filter: text, tag:lab, cell=gru lr<1, note:…"));
    filter_->setToolTip(filterHelp());
    filter_->setClearButtonEnabled(true);

    // The filter beside the library's name: the bar below keeps the width of
    // a 1024-pixel screen for its buttons.
    auto* top = buildGrouping();
    top->insertWidget(0, libraryLabel_, 1);
    top->insertWidget(1, filter_, 1);

    message_ = new MessageLabel("runsMessage");

    view_ = new RunsLibraryView;
    connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
        // Core's filter language, as `runs list --where`; a word it cannot read
        // (lr< while typing) marks the box and keeps the last filter.
        const QString why = view_->setFilter(text);
        filter_->setProperty("invalid", !why.isEmpty());
        filter_->setStyleSheet(why.isEmpty() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #b00020; }"));
        filter_->setToolTip(why.isEmpty() ? filterHelp() : why);
        showDetails();  // the opened run may be filtered out
        updateControls();
    });
    connect(view_, &RunsLibraryView::selectedRunsChanged, this, [this] {
        const QList<qint64> ids = selectedIds();
        if (!ids.isEmpty() && !ids.contains(opened_))
            opened_ = ids.first();
        showDetails();
        updateControls();
    });
    connect(view_, &RunsLibraryView::runActivated, this, &RunsPanel::openRun);
    details_ = new RunDetails(dataDir_);
    connect(details_, &RunDetails::writeRequested, this, &RunsPanel::regenerate);
    connect(details_, &RunDetails::generated, this, &RunsPanel::generated);
    connect(details_, &RunDetails::redrawRequested, this, &RunsPanel::showDetails);
    connect(details_, &RunDetails::noteEdited, this, [this](qint64 id, const QString& note) {
        editRuns({id}, [&](RunStore& s, qint64 run) { s.setNote(run, note.toStdString()); }, tr("Note kept"),
                 tr("Could not keep the note: %1"));
    });
    connect(details_, &RunDetails::chartSaveRequested, this, &RunsPanel::exportChart);

    QLayout* bar = buildBar();
    // Refresh reads the library named beside it: the bar below keeps its
    // width for the actions on the selection (1024 pixels).
    bar->removeWidget(refreshButton_);
    top->insertWidget(1, refreshButton_);
    // The actions sit above the table they act on, so the curve beside it
    // has the tab's whole height (presentation mode's larger text needs it).
    auto* tablePane = new QWidget;
    auto* tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addLayout(bar);
    tableLayout->addWidget(view_, 1);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(tablePane);
    split->addWidget(details_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    // The table's key columns fit in its share at 1024 pixels (RunsLibraryView::fitColumns).
    split->setSizes({640, 380});

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    // Below the table: a message that appears never moves the rows under the pointer.
    layout->addWidget(message_);
}

QLayout* RunsPanel::buildBar()
{
    // Wraps onto a second line where a screen (or presentation mode's font)
    // has no room for every button: the window never grows past 1024 pixels.
    auto* bar = new FlowLayout;
    // A button of the bar: what it does, on click.
    auto button = [this, bar](const char* name, const QString& text, const QString& tip, auto onClick) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, onClick);
        bar->addWidget(b);
        return b;
    };
    refreshButton_ = button("refreshRunsButton", tr("Refresh"),
                            tr("Read the library again (other sessions and the CLI write to it too)"),
                            [this] { refresh(); });
    openButton_ = button("openRunButton", tr("Open"),
                         tr("Open the run in its own tab: a language model's settings in the Language model form, a "
                            "translation model in the Translate tab to translate with again"),
                         [this] { openAsked(); });
    renameButton_ = button("renameRunButton", tr("Rename…"), tr("Rename the selected run"), [this] { renameAsked(); });
    tagButton_ = button("tagRunsButton", tr("Tag…"), tr("Add a tag to the selected runs"), [this] { tagAsked(); });
    untagButton_ =
        button("untagRunsButton", tr("Untag…"), tr("Remove a tag from the selected runs"), [this] { untagAsked(); });
    deleteButton_ = button("deleteRunsButton", tr("Delete…"),
                           tr("Delete the selected runs, their metrics and their weights"), [this] { deleteAsked(); });
    rerunButton_ = button("rerunButton", tr("Re-run"), tr("Train a new run with the same experiment"), [this] {
        if (selectedIds().size() == 1)
            rerun(selectedIds().first());
    });
    resumeButton_ = button("resumeRunButton", tr("Resume"),
                           tr("Continue an interrupted or stopped run from its last checkpoint"), [this] {
                               if (selectedIds().size() == 1)
                                   resume(selectedIds().first());
                           });
    continueButton_ = button("continueRunButton", tr("Continue…"),
                             tr("Train a finished or stopped run more epochs as the same run: its curve goes on"),
                             [this] { continueAsked(); });
    forkButton_ = button("forkRunButton", tr("Fork…"),
                         tr("Start a new run from the weights this run kept at an epoch, with other settings from "
                            "there on (also: right-click its curve)"),
                         [this] {
                             if (selectedIds().size() == 1)
                                 forkAsked(selectedIds().first());
                         });
    stopButton_ = button("stopRunButton", tr("Stop"), tr("Stop the run this tab is training (it can be resumed)"),
                         [this] { stopTraining(); });
    compareButton_ = button("compareRunsButton", tr("Compare…"),
                            tr("Curves, samples side by side, and the settings that differ"),
                            [this] { compare(selectedIds()); });
    diffButton_ = button("diffRunsButton", tr("Diff…"),
                         tr("Only the settings that differ, the results' differences, and text each run writes now "
                            "from one prefix, seed and temperature"),
                         [this] { diff(selectedIds()); });
    parallelButton_ = button("parallelRunsButton", tr("Parallel…"),
                             tr("Parallel coordinates of the selected (or listed) runs, and which setting matters; "
                                "drag along an axis to filter the table"),
                             [this] { parallel(selectedIds()); });
    exportButton_ = button("exportRunsButton", tr("Export…"),
                           tr("Save the selected runs (or every listed run) as a Markdown report with its chart, a CSV "
                              "table or JSON Lines, as traveller-cli runs export does"),
                           [this] { exportAsked(); });
    return bar;
}

std::shared_ptr<RunStore> RunsPanel::store()
{
    auto s = library_.store();
    if (!s)
        showMessage(tr("Cannot open the run library %1: %2").arg(library_.folder(), library_.error()), true);
    return s;
}

// ---------------------------------------------------------------- table

void RunsPanel::refresh()
{
    auto s = store();
    if (!s)
        return;
    try {
        runs_ = s->runs();
    } catch (const std::exception& e) {
        showMessage(tr("Could not read the library: %1").arg(coreText(e)), true);
        return;
    }
    fillTable();
    if (opened_ > 0 && !view_->contains(opened_))
        opened_ = 0;  // deleted
    showDetails();
    updateControls();
}

bool RunsPanel::training() const { return trainer_->owns(); }
LineChart* RunsPanel::chart() const { return details_->chart(); }
QTableView* RunsPanel::view() const { return view_; }
void RunsPanel::selectRuns(const QList<qint64>& ids) { view_->selectRuns(ids); }
QList<qint64> RunsPanel::selectedIds() const { return view_->selectedIds(); }
QList<qint64> RunsPanel::listedIds() const { return view_->listedIds(); }
int RunsPanel::column(const QString& header) const { return view_->column(header); }
QString RunsPanel::cell(qint64 id, const QString& header) const { return view_->cell(id, header); }

void RunsPanel::setRunsInUse(const QList<qint64>& ids)
{
    inUse_ = ids;
    updateControls();
}

QString RunsPanel::message() const { return message_->text(); }

void RunsPanel::showMessage(const QString& text, bool error) { message_->say(text, error); }

void RunsPanel::updateControls()
{
    // The run library's rules (core's RunRules), the same the CLI follows;
    // plus what this window knows: a sweep's queue and this tab's own run.
    const QList<qint64> ids = selectedIds();
    const StoredRun* one = ids.size() == 1 ? storedRun(ids.first()) : nullptr;
    bool deletable = !ids.isEmpty(), anyTranslation = false;
    for (qint64 id : ids)
        if (const StoredRun* r = storedRun(id)) {
            deletable = deletable && canDelete(*r).allowed && !inUse_.contains(id);
            anyTranslation = anyTranslation || r->isTranslation();
        }
    const bool busy = training();
    openButton_->setEnabled(!ids.isEmpty());
    renameButton_->setEnabled(ids.size() == 1);
    tagButton_->setEnabled(!ids.isEmpty());
    untagButton_->setEnabled(!ids.isEmpty());
    deleteButton_->setEnabled(deletable);
    // A translation run trains and translates in the Translate tab (Open).
    rerunButton_->setEnabled(one && !busy && !one->isTranslation());
    const RuleVerdict resumable = one ? canResume(*one) : RuleVerdict{};
    resumeButton_->setEnabled(one && !busy && resumable && !inUse_.contains(one->id));
    resumeButton_->setToolTip(resumable ? tr("Continue an interrupted or stopped run from its last checkpoint")
                                        : QString::fromStdString(resumable.reason));
    stopButton_->setEnabled(busy);
    const RuleVerdict continuable = one ? canContinue(*one) : RuleVerdict{};
    continueButton_->setEnabled(one && !busy && continuable && !inUse_.contains(one->id));
    continueButton_->setToolTip(continuable ? tr("Train a finished or stopped run more epochs as the same run: its "
                                                 "curve goes on")
                                            : coreText(continuable.reason));
    forkButton_->setEnabled(one && !busy && !one->isTranslation() && one->state != StoredState::Running &&
                            one->epochsDone > 0);
    compareButton_->setEnabled(ids.size() >= 2 && !anyTranslation);
    diffButton_->setEnabled(ids.size() >= 2);
    parallelButton_->setEnabled(ids.size() >= 2 || view_->listedIds().size() >= 2);
    exportButton_->setEnabled(!ids.isEmpty() || !view_->listedIds().isEmpty());
    const StoredRun* opened = storedRun(opened_);
    const RuleVerdict writable = opened ? canGenerate(*opened) : RuleVerdict{false, "", {}};
    details_->setWritable(writable.allowed, writable ? tr("Load the weights of run %1 (epoch %2) and continue the prefix")
                                                   .arg(opened->id)
                                                   .arg(opened->checkpointEpoch)
                                             : opened ? QString::fromStdString(writable.reason)
                                                      : tr("Open a run first"));
}

// ---------------------------------------------------------------- details

void RunsPanel::reveal(qint64 id)
{
    if (!view_->listedIds().contains(id))
        filter_->clear();  // a run the filter hides cannot be shown opened
}

void RunsPanel::openRun(qint64 id)
{
    if (!view_->contains(id))
        refresh();
    if (!view_->contains(id)) {
        showMessage(tr("No run %1 in the library").arg(id), true);
        return;
    }
    reveal(id);
    opened_ = id;
    if (!selectedIds().contains(id))
        selectRuns({id});
    showDetails();
    updateControls();
}

void RunsPanel::showDetails()
{
    // The panes show listed runs only: not one the filter hides or one deleted.
    if (opened_ > 0 && !view_->listedIds().contains(opened_))
        opened_ = 0;
    QList<qint64> ids = selectedIds();
    if (opened_ > 0 && !ids.contains(opened_))
        ids.prepend(opened_);
    auto s = library_.store();
    if (!s || ids.isEmpty()) {
        details_->clear();
        return;
    }
    // A selected group is drawn as its mean and band, its runs not one by one.
    std::vector<ChartGroup> groups;
    for (const QList<qint64>& members : view_->selectedGroups()) {
        groups.push_back({view_->rowName(members.first()), members});
        for (qint64 id : members)
            ids.removeAll(id);
    }
    try {
        details_->show(*s, ids, opened_, [this](qint64 id) { return view_->name(id); }, groups);
    } catch (const std::exception& e) {
        showMessage(tr("Could not read run %1: %2").arg(opened_).arg(coreText(e)), true);
    }
}

const StoredRun* RunsPanel::storedRun(qint64 id) const
{
    for (const StoredRun& r : runs_)
        if (r.id == id)
            return &r;
    return nullptr;
}

// ---------------------------------------------------------------- actions

bool RunsPanel::editRuns(const QList<qint64>& ids, const std::function<void(RunStore&, qint64)>& edit,
                         const QString& done, const QString& failed)
{
    auto s = store();
    if (!s || ids.isEmpty())
        return false;
    bool ok = true;
    try {
        for (qint64 id : ids)
            edit(*s, id);
        showMessage(done);
    } catch (const std::exception& e) {
        showMessage(failed.arg(coreText(e)), true);
        ok = false;
    }
    refresh();
    return ok;
}

bool RunsPanel::renameRun(qint64 id, const QString& name)
{
    return !name.isEmpty() &&
           editRuns({id}, [&](RunStore& s, qint64 run) { s.rename(run, name.toStdString()); },
                    tr("Run %1 is now \"%2\"").arg(id).arg(name), tr("Could not rename run %1: %2").arg(id));
}

bool RunsPanel::tagRuns(const QList<qint64>& ids, const QString& tag)
{
    return !tag.isEmpty() &&
           editRuns(ids, [&](RunStore& s, qint64 id) { s.addTag(id, tag.toStdString()); },
                    tr("Tagged %n run(s) \"%1\"", nullptr, static_cast<int>(ids.size())).arg(tag), tr("Could not tag: %1"));
}

bool RunsPanel::untagRuns(const QList<qint64>& ids, const QString& tag)
{
    return !tag.isEmpty() &&
           editRuns(ids, [&](RunStore& s, qint64 id) { s.removeTag(id, tag.toStdString()); },
                    tr("Removed the tag \"%1\" from %n run(s)", nullptr, static_cast<int>(ids.size())).arg(tag),
                    tr("Could not untag: %1"));
}

bool RunsPanel::deleteRuns(const QList<qint64>& ids)
{
    auto s = store();
    if (!s || ids.isEmpty())
        return false;
    if (training() && ids.contains(trainingId_)) {
        showMessage(tr("Run %1 is training: stop it before deleting it").arg(trainingId_), true);
        return false;
    }
    for (qint64 id : ids)
        if (inUse_.contains(id)) {
            showMessage(tr("Run %1 belongs to the sweep in progress: stop the sweep first").arg(id), true);
            return false;
        }
    try {
        for (qint64 id : ids) {
            if (s->run(id).state == StoredState::Running) {
                showMessage(tr("Run %1 is training (here or in another session): stop it first").arg(id), true);
                refresh();
                return false;
            }
            s->deleteRun(id);
        }
        if (ids.contains(opened_))
            opened_ = 0;
        showMessage(tr("Deleted %n run(s)", nullptr, static_cast<int>(ids.size())));
        refresh();
        return true;
    } catch (const std::exception& e) {
        showMessage(tr("Could not delete: %1").arg(coreText(e)), true);
        refresh();
        return false;
    }
}

qint64 RunsPanel::rerun(qint64 id)
{
    auto s = store();
    if (!s)
        return -1;
    if (training()) {
        showMessage(tr("This tab trains one run at a time: stop run %1 first").arg(trainingId_),
                    true);
        return -1;
    }
    try {
        const StoredRun old = s->run(id);
        const qint64 newId = s->createRun({old.config(), old.name, old.sweep, old.label, TRAVELLER_VERSION});
        refresh();
        if (!train(newId, tr("Re-running run %1 as run %2").arg(id).arg(newId)))
            return -1;
        return newId;
    } catch (const std::exception& e) {
        showMessage(tr("Could not re-run run %1: %2").arg(id).arg(coreText(e)), true);
        return -1;
    }
}

bool RunsPanel::resume(qint64 id)
{
    auto s = store();
    if (!s)
        return false;
    if (!mayTrain(id))
        return false;
    try {
        const StoredRun r = s->run(id);
        if (const RuleVerdict resumable = canResume(r); !resumable) {
            showMessage(QString::fromStdString(resumable.reason), true);
            return false;
        }
        return train(id, r.checkpointEpoch > 0
                             ? tr("Resuming run %1 from its checkpoint at epoch %2 of %3")
                                   .arg(id)
                                   .arg(r.checkpointEpoch)
                                   .arg(r.epochs)
                             : tr("Training run %1 from the start (no checkpoint yet)").arg(id));
    } catch (const std::exception& e) {
        showMessage(tr("Could not resume run %1: %2").arg(id).arg(coreText(e)), true);
        return false;
    }
}

bool RunsPanel::mayTrain(qint64 id)
{
    if (training()) {
        showMessage(tr("This tab trains one run at a time: stop run %1 first").arg(trainingId_), true);
        return false;
    }
    if (inUse_.contains(id)) {
        showMessage(tr("Run %1 belongs to the sweep in progress, which trains it").arg(id), true);
        return false;
    }
    return true;
}

bool RunsPanel::train(qint64 id, const QString& what, int moreEpochs)
{
    auto s = store();
    if (!s)
        return false;
    RecordOptions options;
    options.dataDir = dataDir_.toStdString();
    options.programVersion = TRAVELLER_VERSION;
    auto* worker = trainer_->start(new StoredRunWorker(s, id, options, moreEpochs), &StoredRunWorker::run,
                                   QStringLiteral("stored-run%1").arg(id));
    trainingId_ = id;
    connect(worker, &StoredRunWorker::epochDone, this, &RunsPanel::onEpoch);
    connect(worker, &StoredRunWorker::finished, this, &RunsPanel::onTrainingFinished);
    reveal(id);
    opened_ = id;
    selectRuns({id});
    showMessage(what);
    updateControls();
    return true;
}

void RunsPanel::stopTraining()
{
    if (training()) {
        trainer_->requestStop();
        showMessage(tr("Stopping run %1…").arg(trainingId_));
    }
}

void RunsPanel::onEpoch(qint64 id, const EpochStats& stats)
{
    view_->showEpoch(id, stats);
    if ((id == opened_ || selectedIds().contains(id)) && !liveTimer_->isActive())
        liveTimer_->start();
}

void RunsPanel::onTrainingFinished(qint64 id, const RunOutcome& outcome)
{
    trainer_->join();
    trainingId_ = 0;
    const bool bad = outcome.status == RunStatus::Failed || outcome.status == RunStatus::Diverged;
    showMessage(tr("Run %1 %2 after %n epoch(s): perplexity %3%4", nullptr, outcome.epochsDone)
                    .arg(id)
                    .arg(QString::fromStdString(toString(outcome.status)))
                    .arg(format::number(outcome.perplexity),
                         outcome.message.isEmpty() ? QString() : QStringLiteral(" — ") + coreText(outcome.message.toStdString())),
                bad);
    refresh();
    Q_EMIT trainingFinished(id, outcome);
}

// ---------------------------------------------------------------- text and comparison

bool RunsPanel::regenerate(const QString& prefix, int length, double temperature)
{
    auto s = store();
    if (!s || opened_ <= 0) {
        showMessage(tr("Open a run first"), true);
        return false;
    }
    if (prefix.isEmpty()) {
        showMessage(tr("Type a prefix to continue"), true);
        return false;
    }
    StoredRun r;
    try {
        r = s->run(opened_);
    } catch (const std::exception& e) {
        showMessage(coreText(e), true);
        return false;
    }
    if (const RuleVerdict possible = canGenerate(r); !possible) {
        showMessage(QString::fromStdString(possible.reason), true);
        return false;
    }
    details_->write(r, s->checkpointPath(r.id), prefix, length, temperature);
    return true;
}

} // namespace traveller::ui
