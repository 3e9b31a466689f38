#include "traveller/ui/LanguageModelPanel.h"
#include "traveller/ui/Language.h"

#include "traveller/core/Errors.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/CorpusBanner.h"
#include "traveller/ui/CorpusLocations.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/SamplesView.h"

#include "Format.h"
#include "MessageLabel.h"
#include "LmCharts.h"
#include "SteerBar.h"
#include "ChangeMarkers.h"
#include "LmRunTable.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <tuple>
#include <utility>

namespace traveller::ui {

namespace {

// Bursts of batch signals (up to ~50/s, more with the fused CPU path) are
// drawn at most this often.
constexpr int kRefreshIntervalMs = 40;
// Redrawing thousands of gradient points costs the GUI (and the X server) far
// more than a table cell; on a 2-core machine that time comes out of training.
constexpr int kGradRefreshIntervalMs = 250;

using State = RunQueue::RunState;

} // namespace

LanguageModelPanel::LanguageModelPanel(CorpusLocations& corpora, RunLibrary* library, QWidget* parent)
    : QWidget(parent), corpora_(corpora), queue_(new RunQueue(corpora.dataDir(), library, this))
{
    setObjectName("languageModelTab");
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(kRefreshIntervalMs);
    connect(refreshTimer_, &QTimer::timeout, this, &LanguageModelPanel::refresh);

    // ---- left: the corpus banner, messages, the experiment form
    form_ = new ExperimentPanel;
    connect(form_, &ExperimentPanel::presetChosen, this, [this](const QString& path) { loadExperiment(path); });
    banner_ = new CorpusBanner(corpora_, DataFile::TimeMachine);
    connect(banner_, &CorpusBanner::notice, this, [this](const QString& text) { showMessage(text); });
    formCorpus_ = corpora_.corpus(DataFile::TimeMachine);
    if (formCorpus_ != CorpusLocations::bookKey(DataFile::TimeMachine))
        form_->setValue("data.corpus", formCorpus_);
    connect(&corpora_, &CorpusLocations::changed, this, [this](DataFile file) {
        if (file == DataFile::TimeMachine)
            onCorpusChanged();
    });
    message_ = new MessageLabel("messageLabel");
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(banner_);
    leftLayout->addWidget(message_);
    leftLayout->addWidget(form_, 1);
    auto* scroll = new QScrollArea;
    formScroll_ = scroll;
    scroll->setObjectName("experimentScroll");
    scroll->setWidget(left);
    scroll->setWidgetResizable(true);
    // Wide enough for the form in English at the desktop's size; wider text
    // (another language, presentation zoom) scrolls rather than pushing the
    // window past a 1024-pixel projector.
    scroll->setMinimumWidth(std::min(300, left->sizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4));

    // ---- right: charts, then the run table across the whole width (the
    // columns that tell lab runs apart need it), then the samples
    table_ = new LmRunTable;
    table_->setMinimumHeight(70);
    connect(table_, &LmRunTable::visibilityToggled, this, [this](int id, bool visible) {
        perplexityChart_->setSeriesVisible(RunQueue::seriesKey(id), visible);
        if (perplexityChart_->hasSeries(RunQueue::seriesKey(id) + "-heldout"))
            perplexityChart_->setSeriesVisible(RunQueue::seriesKey(id) + "-heldout", visible);
    });
    connect(table_, &LmRunTable::focusChanged, this, [this](int id) {
        if (id >= 0)
            samples_->selectRun(id);
        refreshGradChart();
    });
    samples_ = new SamplesView;
    samples_->setObjectName("samplesView");
    connect(samples_, &SamplesView::regenerateRequested, this, &LanguageModelPanel::regenerateAll);
    connect(samples_, &SamplesView::selectedRunChanged, table_, &LmRunTable::selectRun);
    rightSplitter_ = new QSplitter(Qt::Vertical);
    charts_ = new LmCharts;
    perplexityChart_ = charts_->perplexity();
    gradChart_ = charts_->gradient();
    connect(perplexityChart_, &LineChart::visibilityToggled, this, [this](const QString& key, bool visible) {
        for (int id : queue_->ids())
            if (RunQueue::seriesKey(id) == key)
                table_->setTicked(id, visible);
    });
    connect(charts_, &LmCharts::exportRequested, this, &LanguageModelPanel::exportPerplexity);
    rightSplitter_->addWidget(charts_);
    rightSplitter_->addWidget(table_);
    rightSplitter_->addWidget(samples_);
    rightSplitter_->setStretchFactor(0, 5);
    rightSplitter_->setStretchFactor(1, 2);
    rightSplitter_->setStretchFactor(2, 3);
    rightSplitter_->setSizes({420, 140, 260});

    mainSplitter_ = new QSplitter(Qt::Horizontal);
    mainSplitter_->setObjectName("languageModelSplitter");
    mainSplitter_->addWidget(scroll);
    mainSplitter_->addWidget(rightSplitter_);
    mainSplitter_->setStretchFactor(1, 1);
    mainSplitter_->setCollapsible(1, false);
    mainSplitter_->setSizes({320, 1080});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    QHBoxLayout* controls = buildControls();
    layout->addLayout(controls);
    // Steering the run in training, beside its buttons (shown while one
    // trains): on the same row, so that the charts keep their height.
    steer_ = new SteerBar(*queue_, this);
    controls->insertWidget(controls->count() - 1, steer_, 1);
    layout->addWidget(mainSplitter_, 1);

    // ---- the status bar's figures (the window places them)
    status_ = std::make_unique<LmStatus>(this, perplexityChart_->toolTip());

    connectQueue();
    connect(perplexityChart_, &LineChart::pointMenuRequested, this, &LanguageModelPanel::chartMenu);
    updateControls();
    refreshStatus();
}

// The run controls, above the panes, where nothing that appears (a message,
// the corpus banner) can move them under the pointer.
QHBoxLayout* LanguageModelPanel::buildControls()
{
    auto button = [this](const char* name, const QString& text, const QString& tip) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        return b;
    };
    trainButton_ = button("trainButton", tr("Train"), tr("Train the experiment on the left (Ctrl+Enter)"));
    trainButton_->setDefault(true);
    pauseButton_ = button("pauseButton", tr("Pause"),
                          tr("Pause the run in progress (Ctrl+P); pauses do not count in tokens/s or time"));
    resumeButton_ = button("resumeButton", tr("Resume"), tr("Resume the paused run (Ctrl+P)"));
    stopButton_ = button("stopButton", tr("Stop"),
                         tr("Stop the run in progress (Esc), keeping its curve, samples and weights, and cancel the queue"));
    connect(trainButton_, &QPushButton::clicked, this, [this] { train(); });
    connect(pauseButton_, &QPushButton::clicked, queue_, &RunQueue::pause);
    connect(resumeButton_, &QPushButton::clicked, queue_, &RunQueue::resume);
    connect(stopButton_, &QPushButton::clicked, queue_, &RunQueue::stop);
    continueButton_ = button("continueButton", tr("Continue…"),
                             tr("Train the last run that ended more epochs as the same run (in the Runs tab)"));
    connect(continueButton_, &QPushButton::clicked, this, [this] { Q_EMIT branchRequested(continuableRun(), 0); });
    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(6, 4, 6, 0);
    for (auto* b : {trainButton_, pauseButton_, resumeButton_, stopButton_, continueButton_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    return buttons;
}

// What the queue reports, drawn.
void LanguageModelPanel::connectQueue()
{
    connect(queue_, &RunQueue::runAdded, this, &LanguageModelPanel::onAdded);
    connect(queue_, &RunQueue::stateChanged, this, [this](int id) {
        const RunQueue::Run* r = queue_->run(id);
        if (!r)
            return;
        table_->updateRun(*r);
        if (r->state == State::Loading)
            follow(id);
        refreshStatus();
        updateControls();
    });
    connect(queue_, &RunQueue::runStarted, this, &LanguageModelPanel::onStarted);
    connect(queue_, &RunQueue::batchDone, this, [this](int id) {
        gradDirty_ = gradDirty_ || id == gradRunId_;
        scheduleRefresh();
    });
    connect(queue_, &RunQueue::epochDone, this, &LanguageModelPanel::onEpoch);
    connect(queue_, &RunQueue::runFinished, this, &LanguageModelPanel::onFinished);
    connect(queue_, &RunQueue::runFailed, this, &LanguageModelPanel::onFailed);
    connect(queue_, &RunQueue::generated, this,
            [this](int id, const QString& text) { samples_->setRegenerated(id, QString(), text); });
    connect(queue_, &RunQueue::queueDrained, this, &LanguageModelPanel::updateControls);
    connect(queue_, &RunQueue::settingChanged, this, &LanguageModelPanel::markChange);
}

// A setting changed while the run trained: a marker on its curve where it
// landed, named by the change (hover shows it; the Runs tab lists them all).
void LanguageModelPanel::markChange(int runId, const SettingEvent& e)
{
    const RunQueue::Run* r = queue_->run(runId);
    if (!r)
        return;
    const double batches = std::max<double>(1, static_cast<double>(r->info.batchesPerEpoch));
    const double x = e.epoch - 1 + static_cast<double>(e.batch) / batches;
    const double y = r->perplexity.isEmpty() ? r->last.perplexity : r->perplexity.last().y();
    if (!(y > 0))
        return;  // nothing drawn yet to mark
    const QString key = QStringLiteral("change%1_%2").arg(runId).arg(r->events.size());
    LineChart* chart = charts_->perplexity();
    chart->addSeries(key, r->name + QStringLiteral(" — ") + changeText(e), LineChart::Style::Markers, r->color);
    chart->setInLegend(key, false);
    chart->setPoints(key, {QPointF(x, y)});
}

QList<QLabel*> LanguageModelPanel::statusLabels() const { return status_->labels(); }

LanguageModelPanel::~LanguageModelPanel()
{
    // The queue joins its threads before the views they report to go.
    delete queue_;
}

void LanguageModelPanel::setPresentationLayout(bool on)
{
    if (on) {
        formSizes_ = mainSplitter_->sizes();
        // The form folds away (drag the splitter or leave the mode to get it
        // back): charts, runs and samples get the screen, the charts most.
        formMinimumWidth_ = formScroll_->minimumWidth();
        formScroll_->setMinimumWidth(0);  // folded: it must not hold the window wider than the screen
        mainSplitter_->setSizes({0, std::max(1, mainSplitter_->width())});
        rightSizes_ = rightSplitter_->sizes();
        // At 768 px the charts need 62% for their axes' titles whole (Qt
        // Charts gives an axis at most 40% of the plot's height; Chinese
        // text is the tallest).
        const int height = std::max(300, rightSplitter_->height());
        const int charts = height * 62 / 100, runs = height * 16 / 100;
        rightSplitter_->setSizes({charts, runs, height - charts - runs});
        charts_->setLogScale(true);
        return;
    }
    formScroll_->setMinimumWidth(formMinimumWidth_);
    if (rightSizes_.size() == 3)
        rightSplitter_->setSizes(rightSizes_);
    if (formSizes_.size() == 2 && formSizes_[0] > 0)
        mainSplitter_->setSizes(formSizes_);
    else
        mainSplitter_->setSizes({320, std::max(1, mainSplitter_->width() - 320)});
}

// ---------------------------------------------------------------- files

bool LanguageModelPanel::loadExperiment(const QString& path)
{
    try {
        form_->setConfig(loadExperimentFile(path.toStdString()));
        showMessage(tr("Loaded %1").arg(QDir::toNativeSeparators(path)));
        Q_EMIT experimentLoaded(path);
        return true;
    } catch (const ConfigError& e) {
        // what() already reads "file: line L, column C: key: detail".
        form_->markKey(QString::fromStdString(e.key()), QString());
        showMessage(tr("Could not load the experiment: %1").arg(coreText(e)), true);
        return false;
    }
}

bool LanguageModelPanel::saveExperiment(const QString& path)
{
    if (!form_->checkInput()) {
        showMessage(tr("Not saved: %1").arg(form_->validationMessage()), true);
        return false;
    }
    try {
        saveExperimentFile(form_->config(), path.toStdString());
        showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
        return true;
    } catch (const Error& e) {
        showMessage(tr("Could not save: %1").arg(coreText(e)), true);
        return false;
    }
}

bool LanguageModelPanel::exportPerplexity(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == "png") {
        ok = perplexityChart_->exportPng(path);
    } else if (suffix == "svg") {
        if (!LineChart::svgSupported()) {
            showMessage(tr("SVG export needs Qt SVG, which this build lacks; use PNG or CSV"), true);
            return false;
        }
        ok = perplexityChart_->exportSvg(path);
    } else if (suffix == "csv") {
        QFile f(path);
        ok = f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
             f.write(perplexityChart_->toCsv("epoch", "perplexity").toUtf8()) >= 0;
    } else {
        showMessage(tr("Export to .png, .svg or .csv, not '%1'").arg(path), true);
        return false;
    }
    showMessage(ok ? tr("Exported %1").arg(QDir::toNativeSeparators(path))
                   : tr("Could not write %1").arg(QDir::toNativeSeparators(path)),
                !ok);
    return ok;
}

// ---------------------------------------------------------------- runs

QString LanguageModelPanel::message() const { return message_->text(); }

int LanguageModelPanel::train()
{
    if (!form_->checkInput()) {
        showMessage(tr("Not started: %1").arg(form_->validationMessage()), true);
        return -1;
    }
    try {
        return enqueue(form_->config());
    } catch (const ConfigError& e) {
        showMessage(tr("Not started: %1").arg(coreText(e)), true);
        return -1;
    }
}

int LanguageModelPanel::enqueue(const ExperimentConfig& config)
{
    const RunQueue::Run* before = queue_->current();
    const QString ahead = before ? before->name : QString();
    const int id = queue_->enqueue(config);
    if (!ahead.isEmpty())
        showMessage(tr("%1 queued after %2").arg(queue_->run(id)->name, ahead));
    return id;
}

void LanguageModelPanel::onAdded(int runId)
{
    const RunQueue::Run& r = *queue_->run(runId);
    table_->addRun(r);
    samples_->addRun(runId, r.name);
}

void LanguageModelPanel::follow(int runId)
{
    gradRunId_ = runId;
    // Follow the new run (gradient chart, timeline) unless the user picked another one.
    const int focused = table_->focusedRunId();
    if (focused < 0 || focused == previousRunId_)
        table_->selectRun(runId);
    previousRunId_ = runId;
    refreshGradChart();
}

void LanguageModelPanel::onStarted(int runId)
{
    const RunQueue::Run& r = *queue_->run(runId);
    table_->updateRun(r);  // its library colour
    const QString key = RunQueue::seriesKey(runId);
    perplexityChart_->addSeries(key, r.name, LineChart::Style::Line, r.color);
    if (!table_->isTicked(runId))
        perplexityChart_->setSeriesVisible(key, false);
    QString text = tr("%1: %2 tokens, %3 parameters, %4")
                       .arg(r.name)
                       .arg(r.info.corpusTokens)
                       .arg(r.info.parameters)
                       .arg(r.info.device == "cpu" ? cpuLabel(r.info.threads) : r.info.device);
    if (!r.unrecorded.isEmpty())
        text += QStringLiteral("; ") + r.unrecorded;
    showMessage(text, !r.unrecorded.isEmpty());
    refreshGradChart();
}

void LanguageModelPanel::onEpoch(int runId, const EpochStats& stats)
{
    if (stats.hasSample)
        samples_->addSample(runId, stats.epoch, QString::fromStdString(stats.sample));
    curveDirty_.insert(runId);
    scheduleRefresh();
}

void LanguageModelPanel::onFinished(int runId, const RunOutcome& outcome)
{
    const RunQueue::Run& r = *queue_->run(runId);
    switch (outcome.status) {
    case RunStatus::Finished:
        showMessage(tr("%1 finished: perplexity %2 after %n epoch(s), %3 tokens/s%4", nullptr, outcome.epochsDone)
                        .arg(r.name, format::number(outcome.perplexity), format::number(outcome.tokensPerSecond, 0))
                        .arg(outcome.libraryId > 0     ? tr("; saved as run %1 in the Runs tab").arg(outcome.libraryId)
                             : !r.unrecorded.isEmpty() ? "; " + r.unrecorded
                             : outcome.libraryNote.isEmpty() ? QString()
                                                             : "; " + outcome.libraryNote),
                    outcome.libraryId <= 0 && !r.unrecorded.isEmpty());
        break;
    case RunStatus::Stopped:
        showMessage(tr("%1 stopped after %n epoch(s); its curve, samples and weights are kept", nullptr, outcome.epochsDone)
                        .arg(r.name));
        break;
    case RunStatus::Diverged:
        perplexityChart_->setLabel(RunQueue::seriesKey(runId),
                                   tr("%1 (diverged at epoch %2)").arg(r.name).arg(outcome.divergedEpoch));
        showMessage(tr("%1 %2").arg(r.name, coreText(outcome.message.toStdString())), true);
        break;
    case RunStatus::Failed:
        showMessage(tr("%1 failed: %2").arg(r.name, coreText(outcome.message.toStdString())), true);
        break;
    }
    // The model's text with its last weights, for every run however it ended.
    if (!outcome.finalSample.isEmpty() &&
        (samples_->latestEpoch(runId) != outcome.epochsDone || samples_->timelineLength(runId) == 0))
        samples_->addSample(runId, outcome.epochsDone, outcome.finalSample);
    curveDirty_.insert(runId);
    gradDirty_ = true;
    gradRedrawClock_.invalidate();
    refresh();
}

void LanguageModelPanel::onFailed(int runId, const RunFailure& failure)
{
    const RunQueue::Run& r = *queue_->run(runId);
    perplexityChart_->removeSeries(RunQueue::seriesKey(runId));
    if (perplexityChart_->hasSeries(RunQueue::seriesKey(runId) + "-heldout"))
        perplexityChart_->removeSeries(RunQueue::seriesKey(runId) + "-heldout");
    switch (failure.kind) {
    case FailureKind::Corpus:
        // Nothing trained: the run leaves the table and the samples, the
        // banner alone says what is wrong, and the run trains again once
        // the corpus is fixed (here or in another tab).
        corpusRetryRunId_ = runId;
        table_->removeRun(runId);
        samples_->removeRun(runId);
        showMessage(QString());
        if (r.config.data.corpus == CorpusLocations::bookKey(DataFile::TimeMachine).toStdString() &&
            !corpora_.hasBookFile(DataFile::TimeMachine))
            banner_->showBookFileProblem();
        else
            banner_->showProblem(failure.message);
        break;
    case FailureKind::Config:
        form_->markKey(failure.key, failure.message);
        showMessage(tr("%1 did not start: %2").arg(r.name, failure.message), true);
        break;
    default:
        showMessage(tr("%1 did not start: %2").arg(r.name, failure.message), true);
        break;
    }
    updateControls();
    refreshStatus();  // the failed run is no longer the current one
}

void LanguageModelPanel::regenerateAll(const QString& prefix, int length, double temperature)
{
    const QList<int> asked = queue_->regenerate(prefix, length, temperature);
    for (int id : queue_->ids())
        samples_->setRegeneratePending(id, !asked.contains(id) ? tr("(not trained)")
                                           : queue_->run(id)->state == State::Paused ? tr("(after resume…)")
                                                                                     : tr("(writing…)"));
    showMessage(tr("Continuing \"%1\" with %2 run(s), %3")
                    .arg(prefix)
                    .arg(asked.size())
                    .arg(temperature > 0 ? tr("temperature %1").arg(temperature) : tr("greedy")));
}

void LanguageModelPanel::useLocalCorpus(const QString& path) { banner_->useLocalFile(path); }

void LanguageModelPanel::onCorpusChanged()
{
    // The form follows the window's corpus unless someone typed another one in it.
    const QString now = corpora_.corpus(DataFile::TimeMachine);
    const QString shown = form_->value("data.corpus");
    if (shown == formCorpus_ || shown == CorpusLocations::bookKey(DataFile::TimeMachine))
        form_->setValue("data.corpus", now);
    formCorpus_ = now;
    if (corpora_.downloading(DataFile::TimeMachine) || !corpora_.usable(DataFile::TimeMachine))
        return;
    banner_->hide();
    if (const RunQueue::Run* failed = queue_->run(std::exchange(corpusRetryRunId_, -1))) {
        // The corpus was fixed for this run: it trains on what was chosen, and the form says so.
        form_->setValue("data.corpus", now);
        ExperimentConfig config = failed->config;
        config.data.corpus = now.toStdString();
        enqueue(config);
    } else if (queue_->busy() && !queue_->current()) {
        queue_->startNext();  // runs queued behind a missing corpus
    }
}

void LanguageModelPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    // A new user meets the missing corpus before training, with its remedies.
    if (form_->value("data.corpus") == CorpusLocations::bookKey(DataFile::TimeMachine))
        banner_->check();
}

// ---------------------------------------------------------------- drawing

void LanguageModelPanel::scheduleRefresh()
{
    if (!refreshTimer_->isActive())
        refreshTimer_->start();
}

void LanguageModelPanel::refresh()
{
    refreshTimer_->stop();
    for (int id : curveDirty_)
        if (const RunQueue::Run* r = queue_->run(id)) {
            const QString key = RunQueue::seriesKey(id);
            if (perplexityChart_->hasSeries(key)) {
                perplexityChart_->setPoints(key, r->perplexity);
                // data.heldout: the held-out perplexity beside it, dashed, in the run's colour.
                if (!r->heldout.isEmpty()) {
                    if (!perplexityChart_->hasSeries(key + "-heldout")) {
                        perplexityChart_->addSeries(key + "-heldout", tr("%1 held-out").arg(r->name),
                                                    LineChart::Style::DashedLine, r->color);
                        perplexityChart_->setSeriesVisible(key + "-heldout", perplexityChart_->seriesVisible(key));
                    }
                    perplexityChart_->setPoints(key + "-heldout", r->heldout);
                }
            }
            table_->updateRun(*r);
        }
    curveDirty_.clear();
    if (gradDirty_) {
        if (gradRedrawClock_.isValid() && gradRedrawClock_.elapsed() < kGradRefreshIntervalMs) {
            refreshTimer_->start();  // keep it dirty and come back
        } else {
            refreshGradChart();
            gradRedrawClock_.start();
        }
    }
    refreshStatus();
}

void LanguageModelPanel::refreshGradChart()
{
    gradDirty_ = false;
    const int selected = table_->focusedRunId();
    if (selected >= 0 && queue_->run(selected))
        gradRunId_ = selected;
    charts_->showGradients(queue_->run(gradRunId_));
}

void LanguageModelPanel::refreshStatus() { status_->show(*queue_); }

void LanguageModelPanel::updateControls()
{
    const RunQueue::Run* r = queue_->current();
    trainButton_->setText(queue_->busy() ? tr("Add to queue") : tr("Train"));
    pauseButton_->setEnabled(r && r->state == State::Training);
    resumeButton_->setEnabled(r && r->state == State::Paused);
    stopButton_->setEnabled(queue_->busy());
    continueButton_->setEnabled(!queue_->busy() && continuableRun() > 0);
    steer_->showRun();
}

void LanguageModelPanel::showMessage(const QString& text, bool error)
{
    message_->say(text, error);
}

} // namespace traveller::ui
