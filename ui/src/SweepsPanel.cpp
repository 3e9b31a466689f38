#include "traveller/ui/SweepsPanel.h"

#include "Format.h"
#include "TableItems.h"

#include "traveller/core/Errors.h"
#include "traveller/core/Presets.h"
#include "traveller/core/RunExport.h"
#include "traveller/core/RunStore.h"
#include "traveller/core/SweepRunner.h"
#include "traveller/core/Training.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/SweepWorker.h"

#include <QCheckBox>
#include <QComboBox>
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

// Epoch signals from two parallel runs are drawn at most this often.
constexpr int kRefreshIntervalMs = 40;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const QString kPlanned = QStringLiteral("planned");
const QString kQueued = QStringLiteral("queued");
const QString kRunning = QStringLiteral("running");

// The results table's words for how a run ended: the library's own words
// (core's toString), as the Runs tab and the reports have them.
QString statusWord(RunStatus status) { return QString::fromStdString(toString(status)); }

QString statusWord(const std::string& stored) { return QString::fromStdString(stored); }

} // namespace

QStringList SweepsPanel::presetFiles()
{
    QStringList out;
    for (const Preset& p : presetsOf(PresetKind::Sweep))
        out << QString::fromStdString(p.path);
    return out;
}

SweepsPanel::SweepsPanel(RunLibrary& library, QString dataDir, QWidget* parent)
    : QWidget(parent), library_(library), dataDir_(std::move(dataDir))
{
    registerUiMetaTypes();
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(kRefreshIntervalMs);
    connect(refreshTimer_, &QTimer::timeout, this, &SweepsPanel::refresh);
    buildUi();
    updateControls();
}

SweepsPanel::~SweepsPanel()
{
    // Abort, then wait: SweepRunner::run returns once every run has noticed
    // the stop (within one batch) and its threads are joined.
    if (worker_)
        worker_->requestStop();
    if (thread_) {
        thread_->quit();
        thread_->wait();
        delete worker_.data();  // normally gone already through finished -> deleteLater
        delete thread_;
    }
}

void SweepsPanel::buildUi()
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
        device_->addItem(format::fromStd(d.label), format::fromStd(d.id));

    startButton_ = new QPushButton(tr("Start"));
    startButton_->setObjectName("startSweepButton");
    stopButton_ = new QPushButton(tr("Stop"));
    stopButton_->setObjectName("stopSweepButton");
    stopButton_->setToolTip(tr("Stop every run within one batch; runs not started stay queued in the library"));
    connect(startButton_, &QPushButton::clicked, this, [this] { start(); });
    connect(stopButton_, &QPushButton::clicked, this, &SweepsPanel::stop);

    // The sweep as text, editable before Start: `set:` overrides the base's
    // keys (fewer epochs for a class), `grid:` lists keys and their values.
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
    message_ = new QLabel;
    message_->setObjectName("sweepMessage");
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->hide();

    filter_ = new QLineEdit;
    filter_->setObjectName("sweepFilter");
    filter_->setPlaceholderText(tr("Filter: text in any column (e.g. diverged, 0.1)"));
    filter_->setClearButtonEnabled(true);

    model_ = new QStandardItemModel(this);
    proxy_ = table::makeProxy(this);
    proxy_->setSourceModel(model_);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);

    view_ = new QTableView;
    view_->setObjectName("sweepResults");
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->sortByColumn(0, Qt::AscendingOrder);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view_->verticalHeader()->setVisible(false);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setWordWrap(false);
    view_->setToolTip(tr("Select runs to compare their curves; click a header to sort"));
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SweepsPanel::updateChart);

    auto* tableBox = new QWidget;
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(filter_);
    tableLayout->addWidget(view_, 1);

    chart_ = new LineChart(tr("epoch"), tr("perplexity"));
    chart_->setObjectName("sweepChart");
    chart_->setTitle(tr("Perplexity"));
    chart_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: perplexity %3").arg(name).arg(x, 0, 'f', 0).arg(y, 0, 'f', 3);
    });

    auto exportButton = [this](const QString& name, const QString& text, const QString& title, const QString& filter,
                               bool report) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        auto* menu = new QMenu(b);
        for (const Scope scope : {Scope::WholeSweep, Scope::Selection}) {
            menu->addAction(scope == Scope::WholeSweep ? tr("Whole sweep…") : tr("Selected runs…"), this,
                            [this, scope, title, filter, report] {
                                const QString path = QFileDialog::getSaveFileName(this, title, QString(), filter);
                                if (path.isEmpty())
                                    return;
                                if (report)
                                    exportReport(path, scope);
                                else
                                    exportCsv(path, scope);
                            });
        }
        b->setMenu(menu);
        return b;
    };
    csvButton_ = exportButton("sweepCsvButton", tr("CSV"), tr("Export runs as CSV"), tr("CSV table (*.csv)"), false);
    reportButton_ = exportButton("sweepReportButton", tr("Markdown report"), tr("Export a Markdown report"),
                                 tr("Markdown (*.md)"), true);
    reportButton_->setToolTip(tr("The table, a perplexity chart (SVG beside the .md) and every run's samples"));
    auto* logScale = new QCheckBox(tr("Log scale"));
    logScale->setObjectName("sweepLogScale");
    connect(logScale, &QCheckBox::toggled, chart_, &LineChart::setLogScale);
    auto* exportBar = new QHBoxLayout;
    exportBar->addWidget(logScale);
    exportBar->addStretch(1);
    exportBar->addWidget(new QLabel(tr("Export:")));
    exportBar->addWidget(csvButton_);
    exportBar->addWidget(reportButton_);
    auto* chartBox = new QWidget;
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(chart_, 1);
    chartLayout->addLayout(exportBar);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(editorBox_);
    split->addWidget(tableBox);
    split->addWidget(chartBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 3);
    connect(editButton_, &QPushButton::toggled, this, [this, split](bool on) {
        editorBox_->setVisible(on);
        if (on) {
            // A splitter gives a pane shown late no room: a third of it.
            QList<int> sizes = split->sizes();
            const int total = std::max(300, sizes.value(0) + sizes.value(1) + sizes.value(2));
            split->setSizes({total / 3, total / 3, total - 2 * (total / 3)});
            editor_->setFocus();
        }
    });

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(summary_);
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
    showMessage(QStringLiteral("%1: %2").arg(prefix, QString::fromStdString(e.what())), true);
}

void SweepsPanel::setSweep(const Sweep& sweep, const QString& source)
{
    sweep_ = sweep;
    source_ = source;
    sweptKeys_.clear();
    for (const auto& run : sweep.runs)
        for (const auto& [key, value] : run.settings)
            if (!sweptKeys_.contains(QString::fromStdString(key)))
                sweptKeys_ << QString::fromStdString(key);

    rows_.clear();
    for (const auto& run : sweep.runs) {
        Row row;
        row.label = QString::fromStdString(run.label);
        for (const QString& key : std::as_const(sweptKeys_))
            row.values << QString::fromStdString(configValue(run.config, key.toStdString()));
        row.status = kPlanned;
        row.epochs = run.config.train.epochs;
        row.perplexity = row.tokensPerSecond = row.seconds = kNaN;
        rows_.push_back(row);
    }

    QStringList headers = {tr("Id"), tr("Run")};
    headers << sweptKeys_;
    headers << tr("Perplexity") << tr("tok/s") << tr("Time") << tr("Epochs") << tr("Status") << tr("Sample");
    view_->setSortingEnabled(false);
    model_->clear();
    model_->setColumnCount(static_cast<int>(headers.size()));
    model_->setHorizontalHeaderLabels(headers);
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
        QList<QStandardItem*> items;
        for (qsizetype c = 0; c < headers.size(); ++c)
            items << table::item();
        model_->appendRow(items);
        fillRow(i);
    }
    view_->setSortingEnabled(true);
    view_->sortByColumn(0, Qt::AscendingOrder);
    view_->resizeColumnsToContents();
    chart_->removeAll();
    updateChart();

    const QString keys = sweptKeys_.isEmpty() ? tr("no swept keys") : sweptKeys_.join(QStringLiteral(", "));
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
    const auto& ids = worker->ids();
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        Row& row = rows_[i];
        row.id = i < ids.size() ? ids[i] : 0;
        row.status = kQueued;
        row.epochsDone = 0;
        row.perplexity = row.tokensPerSecond = row.seconds = kNaN;
        row.sample.clear();
        row.message.clear();
        row.curve.clear();
        fillRow(static_cast<int>(i));
    }
    chart_->removeAll();
    updateChart();

    thread_ = new QThread;
    thread_->setObjectName("sweep");
    worker_ = worker;
    worker->moveToThread(thread_);
    connect(thread_, &QThread::finished, worker, &QObject::deleteLater);
    connect(thread_, &QThread::started, worker, &SweepWorker::run);
    connect(worker, &SweepWorker::runStarted, this, &SweepsPanel::onRunStarted, Qt::QueuedConnection);
    connect(worker, &SweepWorker::epochDone, this, &SweepsPanel::onEpoch, Qt::QueuedConnection);
    connect(worker, &SweepWorker::runFinished, this, &SweepsPanel::onRunFinished, Qt::QueuedConnection);
    connect(worker, &SweepWorker::sweepFinished, this, &SweepsPanel::onSweepFinished, Qt::QueuedConnection);
    startedMs_ = QDateTime::currentMSecsSinceEpoch();
    thread_->start();
    Q_EMIT sweepStarted(runIds());
    showMessage(tr("%1: %2 run(s), %3 at a time; recording into %4 (runs %5–%6)")
                    .arg(sweepName())
                    .arg(rows_.size())
                    .arg(worker->parallel())
                    .arg(QDir::toNativeSeparators(library_.folder()))
                    .arg(ids.empty() ? 0 : ids.front())
                    .arg(ids.empty() ? 0 : ids.back()));
    updateControls();
    return true;
}

void SweepsPanel::stop()
{
    if (!worker_)
        return;
    worker_->requestStop();
    stopButton_->setEnabled(false);
    showMessage(tr("Stopping…"));
}

void SweepsPanel::onRunStarted(int index, qint64 id)
{
    if (index < 0 || index >= static_cast<int>(rows_.size()))
        return;
    Row& row = rows_[static_cast<std::size_t>(index)];
    row.id = id;
    row.status = kRunning;
    // A run that continues a shorter one of its epoch chain starts with that
    // run's epochs already recorded.
    if (auto store = library_.store()) {
        try {
            const auto epochs = store->epochs(id);
            row.curve = format::perplexityCurve(epochs);
            if (!epochs.empty()) {
                row.epochsDone = epochs.back().epoch;
                row.perplexity = epochs.back().perplexity;
                row.seconds = epochs.back().elapsedSeconds;
            }
        } catch (const std::exception&) {
            // Shown from the live epochs instead.
        }
    }
    row.dirty = true;
    fillRow(index);
    scheduleRefresh();
}

void SweepsPanel::onEpoch(int index, const EpochStats& stats)
{
    if (index < 0 || index >= static_cast<int>(rows_.size()))
        return;
    Row& row = rows_[static_cast<std::size_t>(index)];
    while (!row.curve.isEmpty() && row.curve.last().x() >= stats.epoch)
        row.curve.removeLast();
    if (std::isfinite(stats.perplexity))
        row.curve.append(QPointF(stats.epoch, stats.perplexity));
    row.epochsDone = stats.epoch;
    if (stats.epochs > 0)
        row.epochs = stats.epochs;
    row.perplexity = stats.perplexity;
    row.tokensPerSecond = stats.tokensPerSecond;
    row.seconds = stats.elapsedSeconds;
    if (stats.hasSample)
        row.sample = QString::fromStdString(stats.sample);
    row.dirty = true;
    scheduleRefresh();
}

void SweepsPanel::onRunFinished(int index, qint64 id, const RunOutcome& outcome)
{
    if (index < 0 || index >= static_cast<int>(rows_.size()))
        return;
    Row& row = rows_[static_cast<std::size_t>(index)];
    row.id = id;
    row.status = statusWord(outcome.status);
    row.epochsDone = outcome.epochsDone;
    row.perplexity = outcome.perplexity;
    row.tokensPerSecond = outcome.tokensPerSecond;
    row.seconds = outcome.seconds;
    if (!outcome.finalSample.isEmpty())
        row.sample = outcome.finalSample;
    row.message = outcome.message;
    reloadFromStore(index);  // the library's row is final now: its curve, time and samples
    row.dirty = true;
    refresh();
    // The columns were sized for the empty table; fit the numbers now written.
    view_->resizeColumnsToContents();
    Q_EMIT runRecorded(id);
}

void SweepsPanel::reloadFromStore(int index)
{
    Row& row = rows_[static_cast<std::size_t>(index)];
    auto store = library_.store();
    if (!store || row.id <= 0)
        return;
    try {
        const StoredRun r = store->run(row.id);
        const auto epochs = store->epochs(row.id);
        const QString status = statusWord(r.status);
        // "running" in the library while this process trains it: keep the live word.
        if (status != kRunning)
            row.status = status;
        row.epochs = r.epochs;
        row.epochsDone = r.epochsDone;
        row.perplexity = r.perplexity;
        if (r.tokensPerSecond > 0)
            row.tokensPerSecond = r.tokensPerSecond;
        if (r.seconds > 0)
            row.seconds = r.seconds;
        const QString sample = format::finalSample(r, &epochs);
        if (!sample.isEmpty())
            row.sample = sample;
        if (!epochs.empty())
            row.curve = format::perplexityCurve(epochs);
        if (!r.message.empty())
            row.message = QString::fromStdString(r.message);
    } catch (const std::exception&) {
        // Deleted from the library meanwhile (Runs tab): keep what was seen.
    }
}

void SweepsPanel::onSweepFinished(const QString& error)
{
    if (thread_) {
        thread_->quit();
        thread_->wait();
        delete worker_.data();
        delete thread_;
        thread_ = nullptr;
    }
    int done = 0, diverged = 0, failed = 0, stopped = 0, notStarted = 0;
    QString firstFailure;
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
        reloadFromStore(i);
        Row& row = rows_[static_cast<std::size_t>(i)];
        row.dirty = true;
        if (row.status == "finished")
            ++done;
        else if (row.status == "diverged")
            ++diverged;
        else if (row.status == "failed") {
            if (++failed == 1)
                firstFailure = tr("%1: %2").arg(row.label, row.message);
        } else if (row.status == "stopped")
            ++stopped;
        else
            ++notStarted;
    }
    refresh();
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

// ---------------------------------------------------------------- table and chart

void SweepsPanel::fillRow(int index)
{
    const Row& row = rows_[static_cast<std::size_t>(index)];
    int c = 0;
    auto at = [&](int col) { return model_->item(index, col); };
    if (row.id > 0)
        table::setNumber(at(c), static_cast<double>(row.id), QString::number(row.id));
    else
        table::setNumber(at(c), index + 1e9, QString());  // before Start: keep the sweep's order
    ++c;
    QStandardItem* label = at(c++);
    table::setText(label, row.label);
    label->setForeground(rowColor(index));
    label->setData(index, table::kIdRole);
    for (const QString& v : row.values)
        table::setValue(at(c++), v);
    table::setNumber(at(c++), row.perplexity, row.epochsDone > 0 ? format::number(row.perplexity) : QString());
    table::setNumber(at(c++), row.tokensPerSecond,
                     std::isfinite(row.tokensPerSecond) ? QString::number(row.tokensPerSecond, 'f', 0) : QString());
    table::setNumber(at(c++), row.seconds, std::isfinite(row.seconds) ? format::duration(row.seconds) : QString());
    table::setNumber(at(c++), row.epochsDone, QStringLiteral("%1/%2").arg(row.epochsDone).arg(row.epochs));
    QStandardItem* status = at(c++);
    table::setText(status, row.status);
    const bool bad = row.status == "diverged" || row.status == "failed";
    status->setForeground(bad ? QColor("#b00020") : palette().text().color());
    status->setToolTip(row.message);
    QStandardItem* sample = at(c++);
    table::setText(sample, row.sample);
    sample->setToolTip(row.sample);
}

void SweepsPanel::scheduleRefresh()
{
    if (!refreshTimer_->isActive())
        refreshTimer_->start();
}

void SweepsPanel::refresh()
{
    refreshTimer_->stop();
    bool any = false;
    const LineChart::Batch batch(chart_);
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
        Row& row = rows_[static_cast<std::size_t>(i)];
        if (!row.dirty)
            continue;
        fillRow(i);
        if (chart_->hasSeries(seriesKey(i)))
            chart_->setPoints(seriesKey(i), row.curve);
        row.dirty = false;
        any = true;
    }
    if (any)
        updateChart();  // a run that just started joins an "all runs" chart
}

QList<int> SweepsPanel::selectedIndexes() const
{
    QList<int> out;
    for (const QModelIndex& i : view_->selectionModel()->selectedRows(1))
        out << proxy_->mapToSource(i).data(table::kIdRole).toInt();
    std::sort(out.begin(), out.end());
    return out;
}

QColor SweepsPanel::rowColor(int index) const
{
    // By library id once the run has one, as the Runs tab and the report colour it.
    const qint64 id = rows_[static_cast<std::size_t>(index)].id;
    return id > 0 ? format::runColor(id) : format::seriesColor(index);
}

void SweepsPanel::updateChart()
{
    // Nothing selected: every run that has begun, except diverged ones (one
    // point at 1e8 would flatten every other curve, even on a log axis);
    // else exactly the selection.
    QList<int> shown = selectedIndexes();
    const bool all = shown.isEmpty();
    int hidden = 0;
    if (all)
        for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
            const Row& row = rows_[static_cast<std::size_t>(i)];
            if (row.curve.isEmpty())
                continue;
            if (row.status == "diverged")
                ++hidden;
            else
                shown << i;
        }
    const LineChart::Batch batch(chart_);
    for (const QString& key : chart_->keys()) {
        bool keep = false;
        for (int i : std::as_const(shown))
            keep = keep || key == seriesKey(i);
        if (!keep)
            chart_->removeSeries(key);
    }
    // Series already shown are kept current by refresh(), one dirty run at a
    // time: redrawing every curve per epoch would cost a 64-run grid dearly.
    for (int i : std::as_const(shown)) {
        if (chart_->hasSeries(seriesKey(i)))
            continue;
        const Row& row = rows_[static_cast<std::size_t>(i)];
        chart_->addSeries(seriesKey(i), row.label, LineChart::Style::Line, rowColor(i));
        chart_->setPoints(seriesKey(i), row.curve);
    }
    if (!all)
        chart_->setTitle(tr("Perplexity — %n selected run(s)", nullptr, static_cast<int>(shown.size())));
    else if (hidden > 0)
        chart_->setTitle(tr("Perplexity — all runs but %n diverged (select rows to choose)", nullptr, hidden));
    else
        chart_->setTitle(tr("Perplexity — all runs (select rows to compare a few)"));
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
    bool recorded = false;
    for (const Row& r : rows_)
        recorded = recorded || r.id > 0;
    csvButton_->setEnabled(recorded);
    reportButton_->setEnabled(recorded);
}

void SweepsPanel::showMessage(const QString& text, bool error)
{
    message_->setText(text);
    message_->setStyleSheet(error ? "color: #b00020;" : "");
    message_->setVisible(!text.isEmpty());
}

// ---------------------------------------------------------------- queries

QString SweepsPanel::message() const { return message_->text(); }

QString SweepsPanel::sweepName() const { return sweep_ ? QString::fromStdString(sweep_->name) : QString(); }

QList<qint64> SweepsPanel::runIds() const
{
    QList<qint64> ids;
    for (const Row& r : rows_)
        if (r.id > 0)
            ids << r.id;
    return ids;
}

QList<qint64> SweepsPanel::selectedRunIds() const
{
    QList<qint64> ids;
    for (int i : selectedIndexes())
        if (rows_[static_cast<std::size_t>(i)].id > 0)
            ids << rows_[static_cast<std::size_t>(i)].id;
    return ids;
}

int SweepsPanel::column(const QString& header) const
{
    for (int c = 0; c < model_->columnCount(); ++c)
        if (model_->headerData(c, Qt::Horizontal).toString() == header)
            return c;
    return -1;
}

QString SweepsPanel::cell(int viewRow, const QString& header) const
{
    const int c = column(header);
    if (c < 0 || viewRow < 0 || viewRow >= proxy_->rowCount())
        return {};
    return proxy_->index(viewRow, c).data().toString();
}

int SweepsPanel::visibleRows() const { return proxy_->rowCount(); }

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
