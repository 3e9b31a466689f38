#include "traveller/ui/TranslatePanel.h"

#include "TranslateSteer.h"
#include "traveller/ui/Language.h"

#include "traveller/core/Presets.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/RunLibrary.h"

#include "traveller/core/Errors.h"
#include "traveller/ui/AttentionHeatmap.h"
#include "traveller/ui/CorpusBanner.h"
#include "traveller/ui/CorpusLocations.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"

#include "DecoderTree.h"
#include "TranslateResults.h"
#include "TranslationForm.h"
#include "WorkerThread.h"

#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace traveller::ui {

namespace {

constexpr int kRedrawIntervalMs = 40;
// At 1024x768 the charts keep room for their tick labels and axis titles in
// either language (Chinese text is taller: too little height and Qt Charts
// cuts every label to "…").
constexpr int kChartsMinimumHeight = 230;

TranslationConfig bookPreset()
{
    try {
        return loadTranslationFile(resolvePreset("book-seq2seq", PresetKind::Translation));
    } catch (const Error&) {
        return TranslationConfig{};  // the built-in defaults are the book's too
    }
}

QString joined(const std::vector<std::string>& words)
{
    QStringList out;
    for (const auto& w : words)
        out << QString::fromStdString(w);
    return out.join(' ');
}

QStringList toList(const std::vector<std::string>& words)
{
    QStringList out;
    for (const auto& w : words)
        out << QString::fromStdString(w);
    return out;
}

// The settings' scroll area: as wide as its form needs, so that it scrolls
// down (More settings open, a large text) but never sideways; the column's
// width follows the text's size as it did before the form scrolled.
class FormScroll : public QScrollArea {
public:
    QSize minimumSizeHint() const override
    {
        const int page = widget() ? widget()->minimumSizeHint().width() : 0;
        return {page + verticalScrollBar()->sizeHint().width() + 2 * frameWidth(),
                QScrollArea::minimumSizeHint().height()};
    }

protected:
    // The form grew (More settings opened, a language with longer labels):
    // the column is asked to widen.
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == widget() && event->type() == QEvent::LayoutRequest)
            updateGeometry();
        return QScrollArea::eventFilter(watched, event);
    }
};

} // namespace

TranslatePanel::TranslatePanel(CorpusLocations& corpora, RunLibrary* library, QWidget* parent)
    : QWidget(parent), corpora_(corpora), library_(library),
      thread_(std::make_unique<WorkerThread>())
{
    registerUiMetaTypes();
    registerTranslationMetaTypes();
    setObjectName("translatePanel");
    redrawTimer_ = new QTimer(this);
    redrawTimer_->setSingleShot(true);
    redrawTimer_->setInterval(kRedrawIntervalMs);
    connect(redrawTimer_, &QTimer::timeout, this, [this] { lossChart_->setPoints("loss", loss_); });
    buildUi();
    updateControls();
}

TranslatePanel::~TranslatePanel() { releaseWorker(); }

// The settings column: Train and Stop first, where no text that grows or
// wraps below them (the plan, the status, the corpus banner) can move them
// from under the pointer.
QWidget* TranslatePanel::buildSettings()
{
    form_ = new TranslationForm(bookPreset());

    trainButton_ = new QPushButton(tr("Train"));
    trainButton_->setObjectName("translateTrain");
    stopButton_ = new QPushButton(tr("Stop"));
    stopButton_->setObjectName("translateStop");
    connect(trainButton_, &QPushButton::clicked, this, &TranslatePanel::train);
    connect(stopButton_, &QPushButton::clicked, this, &TranslatePanel::stop);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(trainButton_);
    buttons->addWidget(stopButton_);
    buttons->addStretch(1);
    steer_ = new TranslateSteer;  // under the buttons while a run trains

    banner_ = new CorpusBanner(corpora_, DataFile::FraEng);
    connect(banner_, &CorpusBanner::notice, this, [this](const QString& text) { setStatus([text] { return text; }); });
    connect(&corpora_, &CorpusLocations::changed, this, [this](DataFile file) {
        if (file == DataFile::FraEng)
            describeSettings();  // the plan names a local corpus
    });

    status_ = new QLabel;
    status_->setObjectName("translateStatus");
    status_->setWordWrap(true);
    // What Train will do, with these settings (not always the book's).
    plan_ = new QLabel;
    plan_->setObjectName("translatePlan");
    plan_->setWordWrap(true);
    // A new beam width shows at once: the typed sentence is translated again.
    connect(form_, &TranslationForm::edited, this, [this](const QString& key) {
        describeSettings();
        if (key == QLatin1String("eval.beam") && worker_ && !training_ && !input_->text().trimmed().isEmpty())
            translateInput();
    });

    auto* settings = new QGroupBox(tr("Settings"));
    auto* settingsLayout = new QVBoxLayout(settings);
    settingsLayout->addLayout(buttons);
    settingsLayout->addWidget(steer_);
    settingsLayout->addWidget(banner_);
    // The form scrolls when "More settings" is open (or the text is large),
    // so the tab keeps its height and the plan and status stay in sight.
    auto* scroll = new FormScroll;
    scroll->setObjectName("translateSettingsScroll");
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidgetResizable(true);
    auto* formPage = new QWidget;
    auto* formLayout = new QVBoxLayout(formPage);
    formLayout->setContentsMargins(0, 0, 0, 0);
    formLayout->addWidget(form_);
    formLayout->addStretch(1);
    scroll->setWidget(formPage);
    // The group's own background, not the scroll area's.
    scroll->viewport()->setAutoFillBackground(false);
    formPage->setAutoFillBackground(false);
    settingsLayout->addWidget(scroll, 1);
    settingsLayout->addWidget(plan_);
    settingsLayout->addWidget(status_);
    return settings;
}

// The typed sentence, its translation and how it was decoded, and the Lens
// on it: attention weights and the decoder's choices.
QWidget* TranslatePanel::buildTranslateBox()
{
    input_ = new QLineEdit;
    input_->setObjectName("translateInput");
    input_->setPlaceholderText(tr("Type an English sentence, e.g. \"i'm home .\""));
    translateButton_ = new QPushButton(tr("Translate"));
    translateButton_->setObjectName("translateButton");
    connect(translateButton_, &QPushButton::clicked, this, &TranslatePanel::translateInput);
    connect(input_, &QLineEdit::returnPressed, this, &TranslatePanel::translateInput);
    output_ = new QLabel;
    output_->setObjectName("translateOutput");
    output_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    output_->setWordWrap(true);
    QFont big = output_->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    output_->setFont(big);
    decoding_ = new QLabel;
    decoding_->setObjectName("translateDecoding");
    message_ = new QLabel;
    message_->setObjectName("translateMessage");
    message_->setWordWrap(true);
    message_->setStyleSheet("color: #b35900;");
    heatmap_ = new AttentionHeatmap;
    heatmap_->setObjectName("attentionHeatmap");

    auto* inputRow = new QHBoxLayout;
    inputRow->addWidget(input_, 1);
    inputRow->addWidget(translateButton_);
    auto* translateBox = new QGroupBox(tr("Translate a sentence"));
    auto* translateLayout = new QVBoxLayout(translateBox);
    translateLayout->addLayout(inputRow);
    translateLayout->addWidget(output_);
    translateLayout->addWidget(decoding_);
    translateLayout->addWidget(message_);
    decoderTree_ = new DecoderTree;
    auto* lensTabs = new QTabWidget;
    lensTabs->setObjectName("translateLensTabs");
    lensTabs->addTab(heatmap_, tr("Attention"));
    lensTabs->addTab(decoderTree_, tr("Decoder's choices"));
    translateLayout->addWidget(lensTabs, 1);
    return translateBox;
}

void TranslatePanel::buildUi()
{
    QWidget* settings = buildSettings();
    lossChart_ = new LineChart(tr("epoch"), tr("loss"));
    lossChart_->setObjectName("translateLossChart");
    lossChart_->setTitle(tr("Training loss"));
    lossChart_->addSeries("loss", tr("loss"), LineChart::Style::Line, QColor("#4c72b0"));
    results_ = new TranslateResults;
    connect(results_, &TranslateResults::sentenceChosen, this,
            [this](const QString& source) { requestTranslation(source, false); });

    auto* charts = new QSplitter(Qt::Horizontal);
    charts->setObjectName("translateCharts");
    charts->addWidget(lossChart_);
    charts->addWidget(results_->lengthChart());
    charts->setMinimumHeight(kChartsMinimumHeight);
    // The scores and the typed sentence side by side; drag the handle to
    // give the table's sentences more room.
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->setObjectName("translateBottomSplitter");
    bottom->setChildrenCollapsible(false);
    bottom->addWidget(results_);
    bottom->addWidget(buildTranslateBox());
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 1);
    bottom->setSizes({500, 500});  // half each: the sentences need the width as much as the heatmap
    auto* right = new QSplitter(Qt::Vertical);
    right->setChildrenCollapsible(false);
    right->addWidget(charts);
    right->addWidget(bottom);
    right->setStretchFactor(0, 2);
    right->setStretchFactor(1, 3);
    right->setSizes({300, 420});
    auto* main = new QSplitter(Qt::Horizontal);
    main->addWidget(settings);
    main->addWidget(right);
    main->setStretchFactor(1, 1);
    main->setSizes({300, 1100});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(main);
    describeSettings();
}

void TranslatePanel::setStatus(std::function<QString()> text)
{
    statusText_ = std::move(text);
    status_->setText(statusText_ ? statusText_() : QString());
}

void TranslatePanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The plan and the status carry numbers, so the window's retranslation
    // cannot look them up: they are written again in the new language.
    if (event->type() == QEvent::LanguageChange && plan_) {
        describeSettings();
        if (statusText_)
            status_->setText(statusText_());
    }
}

void TranslatePanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    banner_->check();  // a missing corpus is told before Train, with its remedies
}

void TranslatePanel::clearTranslation()
{
    output_->clear();
    output_->setToolTip(QString());
    decoding_->clear();
    message_->clear();
    heatmap_->clear();
    decoderTree_->clear();
}

void TranslatePanel::describeSettings()
{
    try {
        const TranslationConfig c = config();
        const TranslationConfig book;
        QStringList differs;
        // Every key of the form, folded ones too, but those that do not
        // change what is trained (the name, where and how often it reports).
        for (const QString& field : form_->keys()) {
            const std::string key = field.toStdString();
            if (key == "name" || key == "train.device" || key == "train.threads" || key == "train.report_every")
                continue;
            const std::string value = translationValue(c, key);
            if (value == translationValue(book, key))
                continue;
            // A local corpus by its file's name: a whole path would not wrap.
            const QString shown = key == "data.corpus" ? QFileInfo(QString::fromStdString(value)).fileName()
                                                       : QString::fromStdString(value);
            differs << QStringLiteral("%1 %2").arg(field.section('.', 1), shown);
        }
        const QString what = tr("%1, %n training pair(s)", nullptr, c.data.examples)
                                 .arg(QString::fromStdString(c.displayName()));
        plan_->setText(differs.isEmpty()
                           ? tr("Train: %1, %n epoch(s): the book's settings.", nullptr, c.train.epochs).arg(what)
                           : tr("Train: %1, %n epoch(s); differs from the book in %2.", nullptr, c.train.epochs)
                                 .arg(what, differs.join(QStringLiteral(", "))));
    } catch (const std::exception& e) {
        plan_->setText(tr("Cannot train: %1").arg(coreText(e)));
    }
}

TranslationConfig TranslatePanel::config() const
{
    TranslationConfig c = form_->config();
    // The book's corpus is wherever the window's corpus locations say (a
    // local file chosen in any tab); a reopened run keeps its own.
    if (c.data.corpus == CorpusLocations::bookKey(DataFile::FraEng).toStdString())
        setTranslationValue(c, "data.corpus", corpora_.corpus(DataFile::FraEng).toStdString());
    // Report a few times a second's worth of points even for short runs.
    c.train.reportEvery = std::max(1, std::min(c.train.reportEvery, c.train.epochs / 20));
    validate(c);
    return c;
}

void TranslatePanel::train()
{
    if (training_)
        return;
    TranslationConfig c;
    try {
        c = config();
    } catch (const Error& e) {
        const QString why = coreText(e);
        setStatus([why] { return tr("Cannot train: %1").arg(why); });
        // The key named is shown, though it may be folded under "More settings".
        if (const auto* bad = dynamic_cast<const ConfigError*>(&e))
            form_->showKey(QString::fromStdString(bad->key()));
        return;
    }
    if (c.data.corpus == CorpusLocations::bookKey(DataFile::FraEng).toStdString() &&
        !corpora_.hasBookFile(DataFile::FraEng)) {
        setStatus({});
        banner_->check();  // says what is missing and offers Download / a local file
        return;
    }
    releaseWorker();
    loss_.clear();
    lossChart_->setPoints("loss", {});
    results_->clear(/*training=*/true);
    clearTranslation();
    startWorker(c, 0);
}

bool TranslatePanel::openStoredRun(qint64 id)
{
    if (training_)
        return false;
    std::shared_ptr<RunStore> store = library_ ? library_->store() : nullptr;
    if (!store) {
        setStatus([id] { return tr("No run library to open run %1 from").arg(id); });
        return false;
    }
    try {
        const StoredRun r = store->run(id);
        const TranslationConfig c = r.translationConfig();
        if (r.checkpointEpoch <= 0)
            throw StoreError(tr("run %1 has no stored weights").arg(id).toStdString());
        // The form shows the run's settings; Train would train them again.
        form_->setConfig(c);
        describeSettings();
        releaseWorker();
        loss_.clear();
        for (const StoredEpoch& e : store->epochs(id))
            loss_.append(QPointF(e.epoch, e.perplexity));  // a translation run's epochs hold its loss
        lossChart_->setPoints("loss", loss_);
        results_->clear(/*training=*/true);
        clearTranslation();
        startWorker(c, id);
        setStatus([id] { return tr("Loading run %1 from the library…").arg(id); });
        return true;
    } catch (const std::exception& e) {
        const QString why = coreText(e);
        setStatus([id, why] { return tr("Could not open run %1: %2").arg(id).arg(why); });
        return false;
    }
}

void TranslatePanel::startWorker(const TranslationConfig& c, qint64 storedRunId)
{
    std::shared_ptr<RunStore> store = library_ ? library_->store() : nullptr;
    unrecorded_ = library_ && !store ? library_->unrecordedNote() : QString();
    auto* worker = new TranslationWorker(c, corpora_.dataDir(), store, storedRunId);
    worker_ = worker;
    connect(worker, &TranslationWorker::started, this, &TranslatePanel::onStarted);
    connect(worker, &TranslationWorker::epochDone, this, &TranslatePanel::onEpoch);
    connect(worker, &TranslationWorker::finished, this, &TranslatePanel::onFinished);
    connect(worker, &TranslationWorker::failed, this, &TranslatePanel::onFailed);
    connect(worker, &TranslationWorker::translated, this, &TranslatePanel::onTranslated);
    connect(worker, &TranslationWorker::settingChanged, steer_, &TranslateSteer::landed);
    if (storedRunId <= 0)
        steer_->start(c, [w = QPointer<TranslationWorker>(worker)](const std::string& key, const std::string& value) {
            if (w)
                w->requestChange(key, value);
        });
    training_ = true;
    setStatus([] { return tr("Loading the corpus and building the model…"); });
    updateControls();
    thread_->start(worker, &TranslationWorker::run, QStringLiteral("translationThread"));
}

void TranslatePanel::stop()
{
    if (training_ && worker_) {
        worker_->requestStop();
        setStatus([] { return tr("Stopping after this batch…"); });
    }
}

void TranslatePanel::releaseWorker()
{
    if (worker_)
        worker_->abandon();  // stop, and skip the scoring
    thread_->join();
    training_ = false;
}

void TranslatePanel::onStarted(const QString& description)
{
    // The description is the worker's, in the language of the moment.
    setStatus([description, unrecorded = unrecorded_] {
        return unrecorded.isEmpty() ? tr("Training: %1").arg(description)
                                    : tr("Training: %1; %2").arg(description, unrecorded);
    });
}

void TranslatePanel::onEpoch(const TranslationEpochStats& stats)
{
    loss_.append(QPointF(stats.epoch, stats.loss));
    setStatus([stats] {
        return tr("Epoch %1 / %2: loss %3, %4 tokens/s")
            .arg(stats.epoch)
            .arg(stats.epochs)
            .arg(stats.loss, 0, 'f', 4)
            .arg(stats.tokensPerSecond, 0, 'f', 0);
    });
    if (!redrawTimer_->isActive())
        redrawTimer_->start();
}

void TranslatePanel::onFinished(const TranslationOutcome& outcome)
{
    training_ = false;
    redrawTimer_->stop();
    lossChart_->setPoints("loss", loss_);
    setStatus([outcome, unrecorded = unrecorded_] {
        const QString how = outcome.status == RunStatus::Finished ? tr("Finished") : tr("Stopped");
        QString text = tr("%1 after %n epoch(s) in %2 s on %3: loss %4", nullptr, outcome.epochsDone)
                           .arg(how)
                           .arg(outcome.seconds, 0, 'f', 1)
                           .arg(outcome.device)
                           .arg(outcome.loss, 0, 'f', 4);
        if (outcome.reopened)
            return tr("Run %1 of the library, reopened (%2). Type a sentence to translate it with its weights.")
                .arg(outcome.libraryId)
                .arg(text);
        if (outcome.libraryId > 0)
            return text + tr("; saved as run %1 in the Runs tab").arg(outcome.libraryId);
        if (!unrecorded.isEmpty())
            return text + QStringLiteral("; ") + unrecorded;
        if (!outcome.libraryNote.isEmpty())
            return text + QStringLiteral("; ") + outcome.libraryNote;
        return text;
    });
    libraryId_ = outcome.libraryId;
    results_->show(outcome);
    updateControls();
    results_->selectFirst();  // shows its attention
    Q_EMIT trainingFinished();
}

void TranslatePanel::onFailed(const RunFailure& failure)
{
    training_ = false;
    updateControls();
    if (failure.kind == FailureKind::Corpus) {
        // The banner alone says what is wrong with the corpus, with its remedies.
        setStatus({});
        banner_->showProblem(failure.message);
    } else {
        const QString message = failure.message;
        setStatus([message] { return tr("Training failed: %1").arg(message); });
    }
    Q_EMIT trainingFinished();
}

void TranslatePanel::translateInput()
{
    const QString text = input_->text().trimmed();
    if (text.isEmpty())
        return;
    requestTranslation(text, true);
}

void TranslatePanel::requestTranslation(const QString& sentence, bool fromInput)
{
    if (!worker_ || training_) {
        if (fromInput)
            message_->setText(tr("Train a model first; translations use its weights."));
        return;
    }
    const int id = nextRequestId_++;
    if (fromInput)
        inputRequestId_ = id;
    QMetaObject::invokeMethod(worker_.data(), [w = worker_.data(), id, sentence, beam = beam()] {
        w->translate(id, sentence, beam);
    }, Qt::QueuedConnection);
}

void TranslatePanel::onTranslated(int requestId, const Translation& t, const QString& error)
{
    if (!error.isEmpty()) {
        message_->setText(error);
        Q_EMIT translationShown(requestId == inputRequestId_);
        return;
    }
    if (requestId == inputRequestId_) {
        const QString how = beam() > 1
                                ? tr("Beam search, width %1: log P = %2").arg(beam()).arg(t.logProbability, 0, 'f', 3)
                                : tr("Greedy decoding: log P = %1").arg(t.logProbability, 0, 'f', 3);
        output_->setText(QString::fromStdString(t.text));
        output_->setToolTip(how);
        decoding_->setText(how);
        if (t.unknownWords.empty())
            message_->clear();
        else
            message_->setText(tr("Not in the vocabulary (read as <unk>): %1. The model learned only the "
                                 "words of its training pairs.")
                                  .arg(joined(t.unknownWords)));
    }
    heatmap_->setData(toList(t.sourceTokens), toList(t.tokens), t.attention);
    decoderTree_->setTranslation(t);
    Q_EMIT translationShown(requestId == inputRequestId_);
}

int TranslatePanel::beam() const { return form_->value("eval.beam").toInt(); }

void TranslatePanel::updateControls()
{
    trainButton_->setEnabled(!training_);
    stopButton_->setEnabled(training_);
    if (!training_)
        steer_->stop();
    form_->setEditable(!training_);
    translateButton_->setEnabled(!training_ && worker_);
    input_->setEnabled(!training_);
}

} // namespace traveller::ui
