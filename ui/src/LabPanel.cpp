#include "traveller/ui/LabPanel.h"

#include "Format.h"
#include "LabRunTable.h"
#include "MessageLabel.h"
#include "WorkerThread.h"
#include "traveller/core/lab/LabReport.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/ui/LabWorker.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/RunLibrary.h"

#include <QCheckBox>
#include <QEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// A step's title and question in the window's language: the core's lab texts
// (the report's), one translation for both.
QString stepTitle(const LabStep& s) { return q(s.id) + "  " + q(labText(s.title, coreLanguage())); }

// The step's column in its scroll area: its minimum height is what the
// wrapped texts need at the current width plus the results' minimum, and it
// does not ask the scroll area for its preferred height (which would scroll
// the chart out of view whenever the texts wrap).
class ColumnLayout : public QVBoxLayout {
public:
    bool hasHeightForWidth() const override { return false; }
    QSize minimumSize() const override
    {
        const QSize least = QVBoxLayout::minimumSize();
        const int width = contentsRect().width() > 0 ? contentsRect().width() : least.width();
        int height = 0;
        int shown = 0;
        for (int i = 0; i < count(); ++i) {
            QLayoutItem* item = itemAt(i);
            if (item->isEmpty())
                continue;
            height += item->hasHeightForWidth() ? item->heightForWidth(width) : item->minimumSize().height();
            ++shown;
        }
        const QMargins m = contentsMargins();
        height += m.top() + m.bottom() + std::max(0, shown - 1) * spacing();
        return {least.width(), std::max(least.height(), height)};
    }
};

} // namespace

LabPanel::LabPanel(RunLibrary& library, QString dataDir, QWidget* parent)
    : QWidget(parent), library_(library), dataDir_(std::move(dataDir)), worker_(std::make_unique<WorkerThread>())
{
    setObjectName("labPanel");
    buildUi();
    // The lab the library holds: a class that ran only the quick lab sees it.
    if (auto store = library_.store()) {
        try {
            quick_->setChecked(labModeInLibrary(*store) == LabMode::Quick);
        } catch (const std::exception&) {
            // an unreadable library says so when a step is shown
        }
    }
    selectStep(0);
}

LabPanel::~LabPanel()
{
    saveNotes();
    worker_->stop();
}

void LabPanel::buildUi()
{
    steps_ = new QListWidget;
    steps_->setObjectName("labSteps");
    for (const auto& s : labSteps())
        steps_->addItem(stepTitle(s));
    steps_->setMaximumWidth(240);
    // A long step title ("1.4 Comparison of RNN, GRU and LSTM") wraps in the
    // narrow list of presentation mode instead of running under its edge.
    steps_->setWordWrap(true);
    steps_->setResizeMode(QListView::Adjust);
    steps_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(steps_, &QListWidget::currentRowChanged, this, [this](int row) {
        saveNotes();
        shownStep_ = row;
        showStep();
    });

    title_ = new QLabel;
    title_->setObjectName("labStepTitle");
    what_ = new QLabel;
    what_->setWordWrap(true);

    QBoxLayout* buttons = buildButtons();

    progressLabel_ = new QLabel;
    progressLabel_->setObjectName("labProgress");
    progressLabel_->setWordWrap(true);
    checks_ = new QLabel;
    checks_->setObjectName("labChecks");
    checks_->setWordWrap(true);
    checks_->setTextFormat(Qt::RichText);
    message_ = new MessageLabel("labMessage");

    chart_ = new LineChart(tr("epoch"), tr("perplexity"));
    chart_->setObjectName("labChart");
    chart_->setLogScale(true);
    chart_->setIntegerX(true);
    // Run names ("epochs=1000", "hidden=1024") whole, in a list beside the plot.
    chart_->setLegend(LineChart::Legend::List);
    runs_ = new LabRunTable(chart_);
    observations_ = new QTextBrowser;
    observations_->setObjectName("labObservations");

    notes_ = new QPlainTextEdit;
    notes_->setObjectName("labNotes");
    notes_->setPlaceholderText(tr("Your observations for this step (kept in the run library, printed in the report)"));
    notesTimer_ = new QTimer(this);
    notesTimer_->setSingleShot(true);
    notesTimer_->setInterval(600);
    connect(notesTimer_, &QTimer::timeout, this, &LabPanel::saveNotes);
    connect(notes_, &QPlainTextEdit::textChanged, notesTimer_, qOverload<>(&QTimer::start));

    // Notes in the splitter too: at 768 px the chart comes first, then the
    // runs, and the notes take what is left (drag the handles for more).
    auto* notesBox = notesBox_ = new QWidget;
    auto* notesLayout = new QVBoxLayout(notesBox);
    notesLayout->setContentsMargins(0, 0, 0, 0);
    notesLayout->addWidget(new QLabel(tr("Notes")));
    notesLayout->addWidget(notes_, 1);
    auto* results = new QSplitter(Qt::Vertical);
    results->setObjectName("labResults");
    results->addWidget(runs_);
    results->addWidget(chart_);
    results->addWidget(observations_);
    results->addWidget(notesBox);
    results->setChildrenCollapsible(false);
    results->setStretchFactor(0, 3);
    results->setStretchFactor(1, 5);
    results->setStretchFactor(2, 3);
    results->setStretchFactor(3, 1);

    auto* right = new ColumnLayout;
    right->addWidget(title_);
    right->addWidget(what_);
    right->addLayout(buttons);
    right->addWidget(progressLabel_);
    right->addWidget(checks_);
    right->addWidget(message_);
    right->addWidget(results, 1);
    auto* rightWidget = new QWidget;
    rightWidget->setLayout(right);
    // With large text (presentation mode, zoom) the column scrolls rather
    // than squeezing the chart below its minimum or cutting the buttons.
    auto* rightScroll = rightScroll_ = new QScrollArea;
    rightScroll->setObjectName("labStepScroll");
    rightScroll->setWidgetResizable(true);
    rightScroll->setFrameShape(QFrame::NoFrame);
    rightScroll->setWidget(rightWidget);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(steps_);
    split->addWidget(rightScroll);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split, 1);  // above it only the corpus banners, as tall as they need
    followFont();
    updateButtons();
}

LabMode LabPanel::mode() const { return quick_->isChecked() ? LabMode::Quick : LabMode::Full; }
bool LabPanel::quick() const { return quick_->isChecked(); }
void LabPanel::setQuick(bool quick) { quick_->setChecked(quick); }
int LabPanel::seeds() const { return seeds_->value(); }
void LabPanel::setSeeds(int seeds) { seeds_->setValue(seeds); }
int LabPanel::currentStep() const { return shownStep_; }
bool LabPanel::running() const { return worker_->owns(); }
QString LabPanel::progressText() const { return progressLabel_->text(); }
QTableView* LabPanel::runsTable() const { return runs_; }
QString LabPanel::highlightedRun() const { return runs_->highlighted(); }
QString LabPanel::valueTitle() const { return runs_->valueTitle(); }

void LabPanel::selectStep(int index)
{
    if (index < 0 || index >= static_cast<int>(labSteps().size()))
        return;
    if (steps_->currentRow() == index)
        showStep();
    else
        steps_->setCurrentRow(index);
}

void LabPanel::refresh() { showStep(); }

void LabPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange && title_)
        followFont();
    if (event->type() != QEvent::LanguageChange || !steps_)
        return;
    // The step list and the step's texts come from the core's lab texts.
    for (int i = 0; i < steps_->count(); ++i)
        steps_->item(i)->setText(stepTitle(labSteps()[static_cast<std::size_t>(i)]));
    reportLang_->setCurrentIndex(coreLanguage() == "zh_CN" ? 1 : 0);
    showStep();
}

void LabPanel::showStep()
{
    if (shownStep_ < 0)
        return;
    const LabStep& step = labSteps()[static_cast<std::size_t>(shownStep_)];
    title_->setText(stepTitle(step));
    what_->setText(q(labText(step.what, coreLanguage())));
    runStep_->setVisible(!step.runs.empty());
    again_->setVisible(!step.runs.empty());
    progressLabel_->setText(progress_.value(q(step.id)));
    progressLabel_->setVisible(!progressLabel_->text().isEmpty());
    runs_->setVisible(step.kind != LabStepKind::Conclusions);
    chart_->setVisible(step.kind != LabStepKind::Conclusions);
    observations_->setVisible(step.kind == LabStepKind::Conclusions);
    if (step.kind == LabStepKind::Comparison)
        fillComparison();
    else if (step.kind == LabStepKind::Conclusions)
        fillConclusions();
    else
        fillRuns(step);
    fillChecks(step);
    // The notes of this step, unless the student is typing in them.
    if (auto store = library_.store(); store && !notes_->document()->isModified()) {
        const QSignalBlocker block(notes_);
        notes_->setPlainText(q(store->labNotes()[step.id]));
        notes_->document()->setModified(false);
    }
    updateButtons();
}

void LabPanel::fillRuns(const LabStep& step)
{
    auto store = library_.store();
    LineChart::Batch batch(chart_);
    const bool translation = step.kind == LabStepKind::Translation;
    runs_->begin(q(step.id), translation ? LabRunTable::Value::Loss : LabRunTable::Value::Perplexity,
                 translation ? tr("Loss per epoch") : tr("Perplexity per epoch"));
    if (!store)
        return;
    std::map<std::string, StoredRun> recorded;
    const int seeds = seeds_->value();
    try {
        recorded = labRunsOf(*store, step, mode(), 0, seeds);
    } catch (const std::exception& e) {
        message_->say(coreText(e), true);
        return;
    }
    for (const auto& r : step.runs)
        for (int seed = 0; seed < seeds; ++seed) {
            // "epochs=25" in the quick lab: what it trains; "lr=10 seed=2" on the third seed
            const std::string label = labSeedLabel(labRunLabel(r, mode()), seed);
            const auto it = recorded.find(label);
            runs_->addRun(*store, q(label), it == recorded.end() ? nullptr : &it->second, r.base && seed == 0);
        }
    runs_->end();
}

void LabPanel::fillComparison()
{
    auto store = library_.store();
    LineChart::Batch batch(chart_);
    runs_->begin(q(findLabStep("compare")->id), LabRunTable::Value::Perplexity,
                 mode() == LabMode::Quick ? tr("RNN, GRU and LSTM in the quick lab (a tenth of the epochs)")
                                          : tr("RNN, GRU and LSTM at the book's settings"));
    if (!store)
        return;
    for (const char* key : {"rnn", "gru", "lstm"}) {
        const LabStep& s = *findLabStep(key);
        const auto recorded = labRunsOf(*store, s, mode());
        const auto it = recorded.find("base");
        runs_->addRun(*store, q(s.title), it == recorded.end() ? nullptr : &it->second, false);
    }
    runs_->end();
}

void LabPanel::fillConclusions()
{
    auto store = library_.store();
    if (!store) {
        observations_->setPlainText(library_.error());
        return;
    }
    const auto said = labObservations(*store, mode(), coreLanguage());
    QString html = "<h3>" + tr("What the data says") + "</h3>";
    if (said.empty())
        html += "<p>" + tr("Nothing is recorded yet: run the steps first.") + "</p>";
    else {
        html += "<ul>";
        for (const auto& s : said)
            html += "<li>" + q(s).toHtmlEscaped() + "</li>";
        html += "</ul>";
    }
    observations_->setHtml(html);
}

void LabPanel::fillChecks(const LabStep& step)
{
    auto store = library_.store();
    QStringList lines;
    if (store) {
        try {
            for (const auto& c : labChecks(*store, step, mode())) {
                const QString text = q(c.describe(coreLanguage())).toHtmlEscaped();
                const char* colour = !c.measuredYet() ? "#666666" : c.passed ? "#1b7a2b" : "#b00020";
                lines << QStringLiteral("<span style=\"color:%1\">%2</span>").arg(colour, text);
            }
        } catch (const std::exception& e) {
            lines << coreText(e).toHtmlEscaped();
        }
    }
    checks_->setText(lines.isEmpty() ? QString() : tr("Against the book: ") + lines.join(QStringLiteral(" · ")));
    checks_->setVisible(!lines.isEmpty());
}

void LabPanel::saveNotes()
{
    notesTimer_->stop();
    if (shownStep_ < 0 || !notes_->document()->isModified())
        return;
    auto store = library_.store();
    if (!store)
        return;
    try {
        store->setLabNote(labSteps()[static_cast<std::size_t>(shownStep_)].id, notes_->toPlainText().toStdString());
        notes_->document()->setModified(false);
    } catch (const std::exception& e) {
        message_->say(tr("Could not keep the notes: %1").arg(coreText(e)), true);
    }
}

void LabPanel::updateButtons()
{
    const bool busy = running();
    runStep_->setEnabled(!busy);
    runAll_->setEnabled(!busy);
    again_->setEnabled(!busy);
    quick_->setEnabled(!busy);
    seeds_->setEnabled(!busy);
    stop_->setEnabled(busy);
}

bool LabPanel::runStep(int epochCap)
{
    if (shownStep_ < 0)
        return false;
    const LabStep& step = labSteps()[static_cast<std::size_t>(shownStep_)];
    if (step.runs.empty()) {
        message_->say(tr("This step trains nothing: it reads the runs of the steps before it."));
        return false;
    }
    return start({step.id}, epochCap, LabStart::Continue);
}

bool LabPanel::trainStepAgain(int epochCap)
{
    if (shownStep_ < 0 || labSteps()[static_cast<std::size_t>(shownStep_)].runs.empty())
        return false;
    return start({labSteps()[static_cast<std::size_t>(shownStep_)].id}, epochCap, LabStart::Again);
}

bool LabPanel::runWholeLab(int epochCap) { return start({}, epochCap, LabStart::Continue); }

bool LabPanel::start(const std::vector<std::string>& only, int epochCap, LabStart from)
{
    if (running() || !corporaReady(only))
        return false;
    auto store = library_.store();
    if (!store) {
        message_->say(library_.error(), true);
        return false;
    }
    LabOptions options;
    options.mode = mode();
    options.only = only;
    options.epochCap = epochCap;
    options.start = from;
    options.seeds = seeds_->value();
    options.sweep.record.dataDir = dataDir_.toStdString();
    options.sweep.record.programVersion = TRAVELLER_VERSION;
    options.sweep.record.threads = -1;
    message_->say({});
    auto* worker = new LabWorker(store, options);
    connectWorker(worker);
    worker_->start(worker, &LabWorker::run, QStringLiteral("lab"));
    updateButtons();
    return true;
}

// The corpora the chosen steps need (every step's for the whole lab, as the
// core checks them), asked of the window's banners before anything starts:
// a banner shows what is missing with its remedies, so the tab's own line
// says nothing more (issue 24: said once).
bool LabPanel::corporaReady(const std::vector<std::string>& only)
{
    if (!corpusCheck_)
        return true;  // no banners: the core's check says it in the message line
    std::vector<DataFile> needed;
    for (const auto& s : labSteps()) {
        if (!only.empty() && std::find(only.begin(), only.end(), s.id) == only.end())
            continue;
        if (s.kind == LabStepKind::LanguageModel)
            needed.push_back(DataFile::TimeMachine);
        if (s.kind == LabStepKind::Translation)
            needed.push_back(DataFile::FraEng);
    }
    if (corpusCheck_(needed))
        return true;
    message_->say({});
    return false;
}

// The worker's progress, queued to this (the GUI) thread: one line per step
// and the step's table re-read from the library.
void LabPanel::connectWorker(LabWorker* worker)
{
    connect(worker, &LabWorker::stepStarted, this, [this](const QString& step, int runs) {
        progress_[step] = tr("Step %1: %n run(s) planned", "", runs).arg(step);
        refresh();
    });
    connect(worker, &LabWorker::runStarted, this, [this](const QString& step, const QString& label, qint64 id) {
        progress_[step] = tr("Step %1, %2: run %3 started").arg(step, label).arg(id);
        refresh();
    });
    connect(worker, &LabWorker::runResumed, this,
            [this](const QString& step, const QString& label, qint64 id, int fromEpoch) {
                progress_[step] =
                    tr("Step %1, %2: run %3 goes on from epoch %4").arg(step, label).arg(id).arg(fromEpoch);
                refresh();
            });
    connect(worker, &LabWorker::runReused, this,
            [this](const QString& step, const QString& label, qint64 id, const QString& status) {
                progress_[step] = tr("Step %1, %2: run %3 kept (%4)")
                                      .arg(step, label)
                                      .arg(id)
                                      .arg(q(labText(status.toStdString(), coreLanguage())));
                refresh();
            });
    connect(worker, &LabWorker::epochDone, this,
            [this](const QString& step, const QString& label, int epoch, int epochs, double value) {
                progress_[step] = tr("Step %1, %2: epoch %3/%4, %5")
                                      .arg(step, label)
                                      .arg(epoch)
                                      .arg(epochs)
                                      .arg(format::number(value));
                if (shownStep_ >= 0 && q(labSteps()[static_cast<std::size_t>(shownStep_)].id) == step) {
                    progressLabel_->setText(progress_[step]);
                    progressLabel_->show();
                    runs_->epochDone(label, epoch, epochs, value);  // the row and its curve move on now
                }
            });
    connect(worker, &LabWorker::runFinished, this,
            [this](const QString& step, const QString& label, qint64 id, const QString& status) {
                progress_[step] = tr("Step %1, %2: run %3 %4").arg(step, label).arg(id).arg(status);
                refresh();
                Q_EMIT runRecorded();
            });
    connect(worker, &LabWorker::stepFinished, this, [this](const QString& step, double seconds) {
        progress_[step] = tr("Step %1 done in %2").arg(step, format::duration(seconds));
        refresh();
    });
    connect(worker, &LabWorker::labFinished, this, [this](const QString& error) {
        worker_->join();
        if (!error.isEmpty())
            message_->say(error, true);
        refresh();
        Q_EMIT labFinished();
    });
}

void LabPanel::stop()
{
    worker_->requestStop();
}

void LabPanel::chooseReport()
{
    const bool chinese = reportLang_->currentData().toString() == "zh_CN";
    const QString path = QFileDialog::getSaveFileName(this, tr("Write the lab report"),
                                                      chinese ? QStringLiteral("lab-report-zh_CN.html")
                                                              : QStringLiteral("lab-report.html"),
                                                      tr("Web page (*.html);;Markdown with SVG charts (*.md)"));
    if (!path.isEmpty())
        writeReport(path, reportLang_->currentData().toString());
}

bool LabPanel::writeReport(const QString& path, const QString& lang)
{
    saveNotes();
    auto store = library_.store();
    if (!store) {
        message_->say(library_.error(), true);
        return false;
    }
    LabReportOptions options;
    options.mode = mode();
    options.lang = lang.toStdString();
    options.programVersion = TRAVELLER_VERSION;
    try {
        const auto written = writeLabReport(*store, path.toStdString(), options);
        message_->say(tr("Report written: %1").arg(q(written.front())));
        return true;
    } catch (const std::exception& e) {
        message_->say(tr("Could not write the report: %1").arg(coreText(e)), true);
        return false;
    }
}

} // namespace traveller::ui
