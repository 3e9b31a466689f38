#include "traveller/ui/SweepsPanel.h"

#include "Format.h"
#include "traveller/ui/Language.h"
#include "MessageLabel.h"
#include "SweepResults.h"
#include "SweepsClusterView.h"
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
#include "LmCharts.h"
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

QStringList SweepsPanel::presetFiles()
{
    QStringList out;
    for (const Preset& p : presetsOf(PresetKind::Sweep))
        out << QString::fromStdString(p.path);
    return out;
}

SweepsPanel::SweepsPanel(RunLibrary& library, QString dataDir, QWidget* parent)
    : QWidget(parent), library_(library), dataDir_(std::move(dataDir)), runner_(std::make_unique<WorkerThread>())
{
    registerUiMetaTypes();
    buildUi();
    updateControls();
}

// Stopping and joining the sweep's thread (runner_): SweepRunner::run returns
// once every run has noticed the stop (within one batch) and its threads are
// joined. The cluster view waits for its own reading in flight.
SweepsPanel::~SweepsPanel() = default;


// Where a sweep comes from: a shipped preset or a file.
void SweepsPanel::buildChooser()
{
    presets_ = new QComboBox;
    presets_->setObjectName("sweepPresetCombo");
    presets_->setToolTip(tr("Sweeps shipped with Traveller (resources/presets/sweeps)"));
    presets_->addItem(tr("(choose a sweep)"), QString());
    for (const QString& p : presetFiles())
        presets_->addItem(QFileInfo(p).completeBaseName(), p);
    connect(presets_, &QComboBox::activated, this, [this](int index) {
        const QString path = presets_->itemData(index).toString();
        if (!path.isEmpty())
            loadSweepFile(path);
    });
    openButton_ = new QPushButton(tr("Open…"));
    openButton_->setObjectName("openSweepButton");
    connect(openButton_, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open sweep"), QString(), tr("Sweeps (*.yaml *.yml)"));
        if (!path.isEmpty())
            loadSweepFile(path);
    });
}

// The sweep as text, editable before Start: `set:` overrides the base's
// keys (fewer epochs for a class), `grid:` lists keys and their values.
void SweepsPanel::buildEditor()
{
    editButton_ = new QPushButton(tr("Edit…"));
    editButton_->setObjectName("editSweepButton");
    editButton_->setCheckable(true);
    editButton_->setToolTip(tr("Show the sweep file: change the grid's values, add set: {train.epochs: 50} to override "
                               "the base, then Apply; Save as… writes it as a sweep file"));
    editor_ = new QPlainTextEdit;
    editor_->setObjectName("sweepEditor");
    editor_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    editor_->setPlaceholderText(tr("name: my-sweep\nbase: book-rnn.yaml\nset: {train.epochs: 50}\ngrid:\n  train.lr: [0.1, 1]"));
    applyButton_ = new QPushButton(tr("Apply"));
    applyButton_->setObjectName("applySweepButton");
    applyButton_->setToolTip(tr("Read the text as the sweep to start (errors name their line and column)"));
    saveButton_ = new QPushButton(tr("Save as…"));
    saveButton_->setObjectName("saveSweepButton");
    connect(applyButton_, &QPushButton::clicked, this, [this] { applyEditedText(); });
    connect(saveButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save sweep"), QString(), tr("Sweeps (*.yaml)"));
        if (!path.isEmpty())
            saveEditedText(path);
    });
    editorBox_ = new QWidget;
    editorBox_->setObjectName("sweepEditorBox");
    auto* editorLayout = new QVBoxLayout(editorBox_);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->addWidget(editor_, 1);
    auto* editorButtons = new QHBoxLayout;
    editorButtons->addStretch(1);
    editorButtons->addWidget(applyButton_);
    editorButtons->addWidget(saveButton_);
    editorLayout->addLayout(editorButtons);
    editorBox_->hide();
}

void SweepsPanel::buildUi()
{
    buildChooser();

    parallel_ = new QComboBox;
    parallel_->setObjectName("sweepParallelCombo");
    parallel_->addItem(tr("Auto"), 0);
    parallel_->addItem(QStringLiteral("1"), 1);
    parallel_->addItem(QStringLiteral("2"), 2);
    parallel_->setToolTip(tr("Runs trained at the same time. Auto: two single-threaded runs for a CPU sweep on two or "
                             "more cores (measured faster than one run on every core), one at a time on a GPU."));

    device_ = new QComboBox;
    device_->setObjectName("sweepDeviceCombo");
    device_->addItem(tr("As in the sweep"), QString());
    for (const auto& d : availableDevices())
        device_->addItem(deviceLabel(d.id, d.label), format::fromStd(d.id));

    startButton_ = new QPushButton(tr("Start"));
    startButton_->setObjectName("startSweepButton");
    stopButton_ = new QPushButton(tr("Stop"));
    stopButton_->setObjectName("stopSweepButton");
    stopButton_->setToolTip(tr("Stop every run within one batch; runs not started stay queued in the library"));
    connect(startButton_, &QPushButton::clicked, this, [this] { start(); });
    connect(stopButton_, &QPushButton::clicked, this, &SweepsPanel::stop);

    buildEditor();

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Sweep:")));
    bar->addWidget(presets_, 1);
    bar->addWidget(openButton_);
    bar->addWidget(editButton_);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Runs at once:")));
    bar->addWidget(parallel_);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Device:")));
    bar->addWidget(device_, 1);
    bar->addSpacing(16);
    bar->addWidget(startButton_);
    bar->addWidget(stopButton_);

    summary_ = new QLabel(tr("Choose a sweep preset or open a sweep file (YAML: base, grid and/or variants)."));
    summary_->setObjectName("sweepSummary");
    summary_->setWordWrap(true);
    message_ = new MessageLabel("sweepMessage");

    results_ = new SweepResults;
    cluster_ = new SweepsClusterView(library_, dataDir_, results_);
    connect(cluster_, &SweepsClusterView::summaryChanged, summary_, &QLabel::setText);
    connect(cluster_, &SweepsClusterView::message, this, &SweepsPanel::showMessage);
    connect(cluster_, &SweepsClusterView::runRecorded, this, &SweepsPanel::runRecorded);
    connect(results_, &SweepResults::exportRequested, this, [this](const QString& path, bool selection, bool report) {
        const Scope scope = selection ? Scope::Selection : Scope::WholeSweep;
        if (report)
            exportReport(path, scope);
        else
            exportCsv(path, scope);
    });

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(editorBox_);
    split->addWidget(results_);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 5);
    connect(editButton_, &QPushButton::toggled, this, [this, split](bool on) {
        editorBox_->setVisible(on);
        if (on) {
            // A splitter gives a pane shown late no room: a third of it.
            QList<int> sizes = split->sizes();
            const int total = std::max(300, sizes.value(0) + sizes.value(1));
            split->setSizes({total / 3, total - total / 3});
            editor_->setFocus();
        }
    });

    // The cluster's buttons beside the summary: the top row is full at 1024 px.
    auto* summaryRow = new QHBoxLayout;
    summaryRow->addWidget(summary_, 1);
    summaryRow->addWidget(cluster_, 0, Qt::AlignTop);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(summaryRow);
    layout->addWidget(message_);
    layout->addWidget(split, 1);
}

// ---------------------------------------------------------------- loading

bool SweepsPanel::loadSweepFile(const QString& path)
{
    if (running()) {
        showMessage(tr("A sweep is running: stop it before loading another"), true);
        return false;
    }
    try {
        Sweep sweep = traveller::loadSweepFile(path.toStdString());
        if (sweep.name.empty())
            sweep.name = QFileInfo(path).completeBaseName().toStdString();
        const QString canonical = QFileInfo(path).canonicalFilePath();
        setSweep(sweep, QDir::toNativeSeparators(canonical.isEmpty() ? path : canonical));
        QFile file(path);
        if (file.open(QIODevice::ReadOnly | QIODevice::Text))
            editor_->setPlainText(QString::fromUtf8(file.readAll()));
        textDir_ = QFileInfo(path).absolutePath();
        const int preset = presets_->findData(QFileInfo(path).canonicalFilePath());
        presets_->setCurrentIndex(preset >= 0 ? preset : 0);
        return true;
    } catch (const std::exception& e) {
        showError(tr("Could not load the sweep"), e);
        return false;
    }
}

bool SweepsPanel::loadSweepText(const QString& yaml, const QString& sourceName, const QString& baseDir)
{
    if (running()) {
        showMessage(tr("A sweep is running: stop it before loading another"), true);
        return false;
    }
    try {
        Sweep sweep = parseSweepYaml(yaml.toStdString(), sourceName.toStdString(), baseDir.toStdString());
        if (sweep.name.empty())
            sweep.name = sourceName.isEmpty() ? "sweep" : QFileInfo(sourceName).completeBaseName().toStdString();
        setSweep(sweep, sourceName);
        presets_->setCurrentIndex(0);
        if (editor_->toPlainText() != yaml)
            editor_->setPlainText(yaml);
        textDir_ = baseDir;
        return true;
    } catch (const std::exception& e) {
        showError(tr("Could not load the sweep"), e);
        return false;
    }
}

bool SweepsPanel::applyEditedText()
{
    const QString name = source_.isEmpty() ? QStringLiteral("edited.yaml") : QFileInfo(source_).fileName();
    if (!loadSweepText(editor_->toPlainText(), name, textDir_))
        return false;
    showMessage(tr("Applied: %n run(s) ready to start", nullptr, static_cast<int>(sweep_->runs.size())));
    return true;
}

bool SweepsPanel::saveEditedText(const QString& path)
{
    // A relative base path must still be found from the new folder.
    const QString dir = QFileInfo(path).absolutePath();
    const std::string text = rebaseSweepText(editor_->toPlainText().toStdString(), textDir_.toStdString(), dir.toStdString());
    try {
        parseSweepYaml(text, path.toStdString(), dir.toStdString());  // never save what cannot be loaded back
    } catch (const std::exception& e) {
        showError(tr("Not saved"), e);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(QByteArray::fromStdString(text)) < 0 ||
        !file.commit()) {
        showMessage(tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()), true);
        return false;
    }
    editor_->setPlainText(QString::fromStdString(text));
    textDir_ = dir;
    showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
    return loadSweepFile(path);
}

bool SweepsPanel::setBaseValue(const QString& key, const QString& valueText)
{
    if (running() || !sweep_) {
        showMessage(running() ? tr("A sweep is running") : tr("Load a sweep first"), true);
        return false;
    }
    try {
        Sweep sweep = *sweep_;
        setConfigValue(sweep.base, key.toStdString(), valueText.toStdString());
        for (auto& run : sweep.runs) {
            bool swept = false;
            for (const auto& [k, v] : run.settings)
                swept = swept || k == key.toStdString();
            if (!swept) {
                const ExperimentConfig before = run.config;
                setConfigValue(run.config, key.toStdString(), valueText.toStdString());
                validate(run.config);
                // A name given for other settings does not follow (core's nameFor).
                if (run.config.name == before.name)
                    run.config.name = nameFor(before, run.config);
            }
        }
        setSweep(sweep, source_);
        return true;
    } catch (const std::exception& e) {
        showError(tr("Not set"), e);
        return false;
    }
}

void SweepsPanel::showError(const QString& prefix, const std::exception& e)
{
    // A ConfigError's what() already reads "file: line L, column C: key: detail".
    showMessage(QStringLiteral("%1: %2").arg(prefix, coreText(e)), true);
}

void SweepsPanel::setSweep(const Sweep& sweep, const QString& source)
{
    sweep_ = sweep;
    cluster_->setSweep(sweep_);
    source_ = source;
    results_->setSweep(sweep);
    const QStringList sweptKeys = results_->sweptKeys();
    const QString keys = sweptKeys.isEmpty() ? tr("no swept keys") : sweptKeys.join(QStringLiteral(", "));
    summary_->setText(tr("<b>%1</b> — %2 run(s) varying %3; base: %4. From %5")
                          .arg(QString::fromStdString(sweep.name).toHtmlEscaped())
                          .arg(sweep.runs.size())
                          .arg(keys.toHtmlEscaped(),
                               QString::fromStdString(sweep.base.displayName()).toHtmlEscaped(),
                               source.toHtmlEscaped()));
    showMessage(QString());
    updateControls();
}

// ---------------------------------------------------------------- running

bool SweepsPanel::start()
{
    if (running() || !sweep_)
        return false;
    std::shared_ptr<RunStore> store = library_.store();
    if (!store) {
        showMessage(tr("Cannot open the run library %1: %2").arg(library_.folder(), library_.error()), true);
        return false;
    }
    cluster_->forget();
    SweepOptions options;
    options.record.dataDir = dataDir_.toStdString();
    options.record.programVersion = TRAVELLER_VERSION;
    options.parallel = parallel_->currentData().toInt();
    options.device = device_->currentData().toString().toStdString();
    SweepWorker* worker = nullptr;
    try {
        worker = new SweepWorker(store, *sweep_, options);
    } catch (const std::exception& e) {
        showError(tr("Not started"), e);
        return false;
    }
    const auto ids = worker->ids();
    results_->setQueued(ids);
    runner_->start(worker, &SweepWorker::run, QStringLiteral("sweep"));
    connect(worker, &SweepWorker::runStarted, this,
            [this](int index, qint64 id) { results_->runStarted(index, id, library_.store().get()); });
    connect(worker, &SweepWorker::epochDone, results_, &SweepResults::epochDone);
    connect(worker, &SweepWorker::runFinished, this, [this](int index, qint64 id, const RunOutcome& outcome) {
        results_->runFinished(index, id, outcome, library_.store().get());
        Q_EMIT runRecorded(id);
    });
    connect(worker, &SweepWorker::sweepFinished, this, &SweepsPanel::onSweepFinished);
    startedMs_ = QDateTime::currentMSecsSinceEpoch();
    Q_EMIT sweepStarted(runIds());
    showMessage(tr("%1: %2 run(s), %3 at a time; recording into %4 (runs %5–%6)")
                    .arg(sweepName())
                    .arg(ids.size())
                    .arg(worker->parallel())
                    .arg(QDir::toNativeSeparators(library_.folder()))
                    .arg(ids.empty() ? 0 : ids.front())
                    .arg(ids.empty() ? 0 : ids.back()));
    updateControls();
    return true;
}

void SweepsPanel::stop()
{
    if (!running())
        return;
    runner_->requestStop();
    stopButton_->setEnabled(false);
    showMessage(tr("Stopping…"));
}

void SweepsPanel::onSweepFinished(const QString& error)
{
    runner_->join();
    results_->reloadAll(library_.store().get());
    int done = 0, diverged = 0, failed = 0, stopped = 0, notStarted = 0;
    QString firstFailure;
    for (const SweepResults::Row& row : results_->rows()) {
        const StoredState state = row.state.value_or(StoredState::Queued);
        if (state == StoredState::Finished)
            ++done;
        else if (state == StoredState::Diverged)
            ++diverged;
        else if (state == StoredState::Failed) {
            if (++failed == 1)
                firstFailure = tr("%1: %2").arg(row.label, row.message);
        } else if (state == StoredState::Stopped)
            ++stopped;
        else
            ++notStarted;
    }
    const double seconds = static_cast<double>(QDateTime::currentMSecsSinceEpoch() - startedMs_) / 1000.0;
    QString text = (stopped || notStarted ? tr("%1 stopped after %2: %3 finished") : tr("%1 finished in %2: %3 finished"))
                       .arg(sweepName(), format::duration(seconds))
                       .arg(done);
    if (diverged)
        text += tr(", %1 diverged").arg(diverged);
    if (failed)
        text += tr(", %1 failed (%2)").arg(failed).arg(firstFailure);
    if (stopped)
        text += tr(", %1 stopped").arg(stopped);
    if (notStarted)
        text += tr(", %1 not started (resume them from the Runs tab)").arg(notStarted);
    if (!error.isEmpty())
        text += tr(". Error: %1").arg(error);
    showMessage(text, !error.isEmpty() || failed > 0);
    updateControls();
    Q_EMIT sweepFinished();
}

void SweepsPanel::updateControls()
{
    const bool busy = running();
    presets_->setEnabled(!busy);
    openButton_->setEnabled(!busy);
    applyButton_->setEnabled(!busy);
    parallel_->setEnabled(!busy);
    device_->setEnabled(!busy);
    startButton_->setEnabled(!busy && sweep_ && !sweep_->runs.empty());
    stopButton_->setEnabled(busy);
    cluster_->setSubmittable(!busy);
    results_->setExportEnabled(!results_->runIds().isEmpty());
}

void SweepsPanel::showMessage(const QString& text, bool error) { message_->say(text, error); }

// ---------------------------------------------------------------- queries

QString SweepsPanel::message() const { return message_->text(); }

QString SweepsPanel::sweepName() const { return sweep_ ? QString::fromStdString(sweep_->name) : QString(); }

bool SweepsPanel::running() const { return runner_->owns(); }

// ---------------------------------------------------------------- Slurm: the cluster view's

bool SweepsPanel::slurmAvailable() { return SweepsClusterView::available(); }
bool SweepsPanel::submitToSlurm(const SlurmOptions& options) { return !running() && cluster_->submit(options); }
bool SweepsPanel::followCluster(const QString& folder) { return cluster_->follow(folder); }
bool SweepsPanel::importClusterRuns() { return cluster_->importRuns(); }
QString SweepsPanel::clusterFolder() const { return cluster_->folder(); }
void SweepsPanel::pollClusterNow() { cluster_->pollNow(); }
QStringList SweepsPanel::sweptKeys() const { return results_->sweptKeys(); }
QList<qint64> SweepsPanel::runIds() const { return results_->runIds(); }
QList<qint64> SweepsPanel::selectedRunIds() const { return results_->selectedRunIds(); }
QTableView* SweepsPanel::resultsView() const { return results_->view(); }
LineChart* SweepsPanel::chart() const { return results_->chart(); }
int SweepsPanel::column(const QString& header) const { return results_->column(header); }
QString SweepsPanel::cell(int viewRow, const QString& header) const { return results_->cell(viewRow, header); }
int SweepsPanel::visibleRows() const { return results_->visibleRows(); }
QString SweepsPanel::seriesKey(int index) { return SweepResults::seriesKey(index); }

// ---------------------------------------------------------------- export

std::vector<StoredRun> SweepsPanel::storedRuns(Scope scope)
{
    std::vector<StoredRun> runs;
    auto store = library_.store();
    if (!store)
        return runs;
    const QList<qint64> ids = scope == Scope::Selection ? selectedRunIds() : runIds();
    for (qint64 id : ids) {
        try {
            runs.push_back(store->run(id));
        } catch (const StoreError&) {
            // Deleted from the library since: nothing to export.
        }
    }
    return runs;
}

bool SweepsPanel::exportCsv(const QString& path, Scope scope)
{
    const auto runs = storedRuns(scope);
    if (runs.empty()) {
        showMessage(
            scope == Scope::Selection ? tr("Select the runs to export first") : tr("No recorded runs to export"), true);
        return false;
    }
    try {
        writeFileAtomically(path.toStdString(), runsToCsv(runs));
        showMessage(
            tr("Exported %n run(s) to %1", nullptr, static_cast<int>(runs.size())).arg(QDir::toNativeSeparators(path)));
        return true;
    } catch (const std::exception& e) {
        showError(tr("Could not export"), e);
        return false;
    }
}

bool SweepsPanel::exportReport(const QString& path, Scope scope)
{
    const auto runs = storedRuns(scope);
    auto store = library_.store();
    if (runs.empty() || !store) {
        showMessage(
            scope == Scope::Selection ? tr("Select the runs to export first") : tr("No recorded runs to export"), true);
        return false;
    }
    try {
        const std::string title = scope == Scope::Selection ? "Sweep " + sweepName().toStdString() + " (selected runs)"
                                                            : "Sweep " + sweepName().toStdString();
        const std::string chart = writeMarkdownReport(*store, runs, path.toStdString(), title);
        showMessage(tr("Wrote %1 and its chart %2")
                        .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(QString::fromStdString(chart))));
        return true;
    } catch (const std::exception& e) {
        showError(tr("Could not write the report"), e);
        return false;
    }
}

} // namespace traveller::ui
