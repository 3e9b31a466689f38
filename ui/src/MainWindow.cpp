#include "traveller/ui/MainWindow.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Presets.h"
#include "traveller/core/Training.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/SamplesView.h"
#include "traveller/ui/SweepsPanel.h"
#include "traveller/ui/TranslatePanel.h"
#include "traveller/ui/TrainingWorker.h"

#include "Format.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QGuiApplication>
#include <QScreen>
#include <QSettings>
#include <QShortcut>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTableWidget>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

namespace traveller::ui {

namespace {

// Bursts of batch signals (up to ~50/s, more with the fused CPU path) are
// drawn at most this often.
constexpr int kRefreshIntervalMs = 40;
// Redrawing thousands of gradient points costs the GUI (and the X server) far
// more than a table cell; on a 2-core machine that time comes out of training.
constexpr int kGradRefreshIntervalMs = 250;
// Beyond this many per-batch points the gradient chart draws every n-th one.
constexpr int kMaxGradPoints = 4000;

// What tells lab runs apart comes first (cell, hidden size, learning rate),
// then how they are doing.
enum RunColumn {
    kNameColumn,
    kCellColumn,
    kHiddenColumn,
    kLrColumn,
    kEpochColumn,
    kPerplexityColumn,
    kSpeedColumn,
    kStatusColumn,
    kDeviceColumn,
    kRunColumns
};

// Presentation mode's text size, as a factor of the desktop's.
constexpr double kPresentationZoom = 1.5;
constexpr double kMinZoom = 0.7;
constexpr double kMaxZoom = 3.0;


QString formatDuration(double seconds)
{
    if (!(seconds >= 0) || seconds > 1e7)
        return QStringLiteral("--:--");
    const long s = static_cast<long>(seconds + 0.5);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1:%2").arg(s / 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'));
}

QString cpuLabel(int threads)
{
    return threads == 1 ? MainWindow::tr("CPU (1 thread)") : MainWindow::tr("CPU (%1 threads)").arg(threads);
}


} // namespace

QStringList MainWindow::presetFiles()
{
    // Language-model experiments only: book-seq2seq belongs to the Translate tab.
    QStringList out;
    for (const Preset& p : presetsOf(PresetKind::Experiment))
        out << QString::fromStdString(p.path);
    return out;
}

MainWindow::MainWindow(const QString& dataDirOption, QWidget* parent)
    : QMainWindow(parent),
      dataDir_(QString::fromStdString(resolveDataDir(dataDirOption.toStdString()))),
      library_(std::make_unique<RunLibrary>())
{
    registerUiMetaTypes();
    setObjectName("mainWindow");
    setWindowTitle(tr("Traveller — RNN workbench"));
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(kRefreshIntervalMs);
    connect(refreshTimer_, &QTimer::timeout, this, &MainWindow::refresh);
    baseFont_ = QApplication::font();
    buildUi();
    buildMenus();
    panel_->setPresets(presetFiles());
    updateControls();
    fitToScreen(QSize(1400, 860));
}

void MainWindow::fitToScreen(const QSize& wanted)
{
    // Inside the screen's free area (a 1024x768 projector, a 1366x768 laptop),
    // never wider or taller than it.
    const QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    const QRect available = screen ? screen->availableGeometry() : QRect(0, 0, wanted.width(), wanted.height());
    const QSize size = wanted.boundedTo(available.size());
    resize(size);
    move(available.topLeft() + QPoint((available.width() - size.width()) / 2, (available.height() - size.height()) / 2));
}

void MainWindow::restoreSettings()
{
    remember_ = true;
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        fitToScreen(QSize(1400, 860));
    else if (const QScreen* screen = this->screen()) {
        // Saved on a bigger screen: fit the one it opens on now.
        if (!screen->availableGeometry().contains(frameGeometry()))
            fitToScreen(size());
    }
    const QString yaml = settings.value("languageModel/experiment").toString();
    if (!yaml.isEmpty()) {
        try {
            panel_->setConfig(parseExperimentYaml(yaml.toStdString(), "remembered settings"));
        } catch (const std::exception&) {
            // Written by another version: the book's defaults stand.
        }
    }
    tabs_->setCurrentIndex(std::clamp(settings.value("window/tab", 0).toInt(), 0, tabs_->count() - 1));
    setZoom(settings.value("view/zoom", 1.0).toDouble());
    if (settings.value("view/presentation", false).toBool())
        presentationAction_->setChecked(true);
}

void MainWindow::saveSettings() const
{
    if (!remember_)
        return;
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/tab", tabs_->currentIndex());
    settings.setValue("view/zoom", presentation_ ? zoomBeforePresentation_ : zoom_);
    settings.setValue("view/presentation", presentation_);
    try {
        settings.setValue("languageModel/experiment", QString::fromStdString(toYaml(panel_->config())));
    } catch (const std::exception&) {
        // A field with a bad value: keep what was remembered before.
    }
}

void MainWindow::setZoom(double factor)
{
    zoom_ = std::clamp(std::isfinite(factor) ? factor : 1.0, kMinZoom, kMaxZoom);
    QFont font = baseFont_;
    if (baseFont_.pointSizeF() > 0)
        font.setPointSizeF(baseFont_.pointSizeF() * zoom_);
    else
        font.setPixelSize(std::max(6, static_cast<int>(std::lround(baseFont_.pixelSize() * zoom_))));
    // Every widget follows the application font; the charts scale their text and lines with it.
    QApplication::setFont(font);
    const int row = QFontMetrics(font).height() + 8;
    for (QTableView* table : findChildren<QTableView*>())
        table->verticalHeader()->setDefaultSectionSize(row);
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == presentation_)
        return;
    presentation_ = on;
    if (on) {
        zoomBeforePresentation_ = zoom_;
        formSizes_ = mainSplitter_->sizes();
        setZoom(std::max(zoom_, kPresentationZoom));
        // The form folds away (drag the splitter or leave the mode to get it
        // back): charts, runs and samples get the screen, the charts most.
        formMinimumWidth_ = leftScroll_->minimumWidth();
        leftScroll_->setMinimumWidth(0);  // folded: it must not hold the window wider than the screen
        mainSplitter_->setSizes({0, std::max(1, mainSplitter_->width())});
        rightSizes_ = rightSplitter_->sizes();
        const int height = std::max(300, rightSplitter_->height());
        rightSplitter_->setSizes({height * 55 / 100, height * 17 / 100, height - height * 55 / 100 - height * 17 / 100});
        logScale_->setChecked(true);
    } else {
        setZoom(zoomBeforePresentation_);
        leftScroll_->setMinimumWidth(formMinimumWidth_);
        if (rightSizes_.size() == 3)
            rightSplitter_->setSizes(rightSizes_);
        if (formSizes_.size() == 2 && formSizes_[0] > 0)
            mainSplitter_->setSizes(formSizes_);
        else
            mainSplitter_->setSizes({320, std::max(1, mainSplitter_->width() - 320)});
    }
    if (presentationAction_->isChecked() != on)
        presentationAction_->setChecked(on);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (busy() && isVisible() && confirmQuit_) {
        const Run* r = current();
        const auto answer = QMessageBox::question(
            this, tr("Quit Traveller?"),
            tr("%1 is still training. Quitting stops it now: its finished epochs, samples and last checkpoint stay "
               "in the run library (the Runs tab can resume it), and queued runs are cancelled.\n\nQuit anyway?")
                .arg(r ? r->name : tr("A run")),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    saveSettings();
    event->accept();
}

MainWindow::~MainWindow()
{
    // Abort, then wait (the Mandelbrot pattern): every trainer notices the stop
    // within one batch, and a paused one is woken by requestStop.
    for (auto& [id, r] : runs_)
        if (r->worker)
            r->worker->requestStop();
    for (auto& [id, r] : runs_) {
        if (!r->thread)
            continue;
        r->thread->quit();
        r->thread->wait();
        delete r->worker.data();  // normally gone already through finished -> deleteLater
        delete r->thread;
    }
    if (downloadThread_) {
        downloadCancel_->store(true);  // libcurl notices within a second
        downloadThread_->wait();
    }
    // The tabs stop and join their sweep / training threads; they go before
    // the library they share, which is a member and would otherwise die first.
    delete sweepsPanel_;
    delete runsPanel_;
    delete translatePanel_;
}

void MainWindow::buildUi()
{
    // ---- left: experiment, controls, messages
    panel_ = new ExperimentPanel;
    connect(panel_, &ExperimentPanel::presetChosen, this, [this](const QString& path) { loadExperiment(path); });

    trainButton_ = new QPushButton(tr("Train"));
    trainButton_->setObjectName("trainButton");
    trainButton_->setDefault(true);
    pauseButton_ = new QPushButton(tr("Pause"));
    pauseButton_->setObjectName("pauseButton");
    resumeButton_ = new QPushButton(tr("Resume"));
    resumeButton_->setObjectName("resumeButton");
    stopButton_ = new QPushButton(tr("Stop"));
    stopButton_->setObjectName("stopButton");
    stopButton_->setToolTip(tr("Stop the run in progress (keeping its curve, samples and weights) and cancel the queue"));
    connect(trainButton_, &QPushButton::clicked, this, [this] { train(); });
    connect(pauseButton_, &QPushButton::clicked, this, &MainWindow::pauseRun);
    connect(resumeButton_, &QPushButton::clicked, this, &MainWindow::resumeRun);
    connect(stopButton_, &QPushButton::clicked, this, &MainWindow::stopRun);
    // The run controls sit above the tab's panes, where nothing that appears
    // (a message, the corpus banner) can move them under the pointer.
    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(6, 4, 6, 0);
    for (auto* b : {trainButton_, pauseButton_, resumeButton_, stopButton_})
        buttons->addWidget(b);
    buttons->addStretch(1);

    message_ = new QLabel;
    message_->setObjectName("messageLabel");
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->hide();

    corpusBanner_ = new QFrame;
    corpusBanner_->setObjectName("corpusBanner");
    corpusBanner_->setFrameShape(QFrame::StyledPanel);
    corpusBanner_->setStyleSheet("#corpusBanner { background: #fff4ce; }");
    corpusBannerText_ = new QLabel;
    corpusBannerText_->setObjectName("corpusBannerText");
    corpusBannerText_->setWordWrap(true);
    downloadButton_ = new QPushButton(tr("Download (SHA-1 checked)"));
    downloadButton_->setObjectName("downloadCorpusButton");
    auto* pick = new QPushButton(tr("Use a local file…"));
    pick->setObjectName("pickCorpusButton");
    connect(downloadButton_, &QPushButton::clicked, this, &MainWindow::downloadCorpus);
    connect(pick, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Corpus (UTF-8 text)"), QString(),
                                                          tr("Text files (*.txt);;All files (*)"));
        if (!path.isEmpty())
            useLocalCorpus(path);
    });
    auto* bannerLayout = new QVBoxLayout(corpusBanner_);
    bannerLayout->addWidget(corpusBannerText_);
    auto* bannerButtons = new QHBoxLayout;
    bannerButtons->addWidget(downloadButton_);
    bannerButtons->addWidget(pick);
    bannerLayout->addLayout(bannerButtons);
    corpusBanner_->hide();

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(corpusBanner_);
    leftLayout->addWidget(message_);
    leftLayout->addWidget(panel_, 1);
    auto* leftScroll = new QScrollArea;
    leftScroll_ = leftScroll;
    leftScroll->setObjectName("experimentScroll");
    leftScroll->setWidget(left);
    leftScroll->setWidgetResizable(true);
    leftScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    // Wide enough for the form in English at the desktop's size; wider text
    // (another language, presentation zoom) scrolls rather than pushing the
    // window past a 1024-pixel projector.
    leftScroll->setMinimumWidth(std::min(300, left->sizeHint().width() + leftScroll->verticalScrollBar()->sizeHint().width() + 4));

    // ---- charts
    perplexityChart_ = new LineChart(tr("epoch"), tr("perplexity"));
    perplexityChart_->setObjectName("perplexityChart");
    perplexityChart_->setTitle(tr("Training perplexity"));
    perplexityChart_->setToolTip(
        tr("Perplexity: e to the mean cross-entropy per character. 1 is a perfect prediction; the vocabulary "
           "size (28 characters) is guessing uniformly. The book's runs reach about 1.0 (GRU, LSTM) and 1.3 (RNN)."));
    perplexityChart_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: perplexity %3").arg(name).arg(x, 0, 'f', 0).arg(format::number(y));
    });
    connect(perplexityChart_, &LineChart::visibilityToggled, this, [this](const QString& key, bool visible) {
        for (int row = 0; row < runsTable_->rowCount(); ++row) {
            QTableWidgetItem* item = runsTable_->item(row, kNameColumn);
            if (seriesKey(item->data(Qt::UserRole).toInt()) == key) {
                QSignalBlocker block(runsTable_);
                item->setCheckState(visible ? Qt::Checked : Qt::Unchecked);
            }
        }
    });
    logScale_ = new QCheckBox(tr("Log scale"));
    logScale_->setObjectName("logScaleCheck");
    connect(logScale_, &QCheckBox::toggled, perplexityChart_, &LineChart::setLogScale);
    auto exportButton = [this](const QString& name, const QString& text, const QString& filter) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        connect(b, &QPushButton::clicked, this, [this, filter, name] {
            QString path = QFileDialog::getSaveFileName(this, tr("Export perplexity"), QString(), filter);
            if (path.isEmpty())
                return;
            // "ppl" typed without an extension: the button says which format.
            if (QFileInfo(path).suffix().isEmpty())
                path += name.contains("Png") ? ".png" : name.contains("Svg") ? ".svg" : ".csv";
            exportPerplexity(path);
        });
        return b;
    };
    auto* pngButton = exportButton("exportPngButton", tr("PNG…"), tr("PNG image (*.png)"));
    auto* svgButton = exportButton("exportSvgButton", tr("SVG…"), tr("SVG image (*.svg)"));
    auto* csvButton = exportButton("exportCsvButton", tr("CSV…"), tr("CSV table (*.csv)"));
    if (!LineChart::svgSupported()) {
        svgButton->setEnabled(false);
        svgButton->setToolTip(tr("SVG export needs Qt SVG, which this build lacks; PNG and CSV work"));
    }
    auto* chartBar = new QHBoxLayout;
    chartBar->addWidget(logScale_);
    chartBar->addStretch(1);
    chartBar->addWidget(new QLabel(tr("Export:")));
    chartBar->addWidget(pngButton);
    chartBar->addWidget(svgButton);
    chartBar->addWidget(csvButton);
    auto* pplBox = new QWidget;
    auto* pplLayout = new QVBoxLayout(pplBox);
    pplLayout->setContentsMargins(0, 0, 0, 0);
    pplLayout->addWidget(perplexityChart_, 1);
    pplLayout->addLayout(chartBar);

    gradChart_ = new LineChart(tr("epoch"), tr("gradient norm"));
    gradChart_->setObjectName("gradNormChart");
    gradChart_->setTitle(tr("Gradient norm per batch"));
    gradChart_->addSeries("norm", tr("norm"), LineChart::Style::Line, QColor("#4c72b0"));
    gradChart_->addSeries("clipped", tr("clipped"), LineChart::Style::Markers, QColor("#dd8452"));
    gradChart_->addSeries("threshold", tr("threshold"), LineChart::Style::DashedLine, QColor("#c44e52"));
    gradChart_->setToolTip(tr("The norm of the gradient of each batch. Above the threshold (train.clip) the gradient is "
                              "scaled down to it: gradient clipping keeps one bad batch from throwing the weights far "
                              "away; a learning rate that is too high still makes the norms, then the loss, explode."));
    gradChart_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: %3").arg(name).arg(x, 0, 'f', 2).arg(y, 0, 'g', 4);
    });

    auto* charts = new QSplitter(Qt::Horizontal);
    charts->addWidget(pplBox);
    charts->addWidget(gradChart_);
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 2);
    charts->setSizes({600, 440});

    // ---- runs and samples
    runsTable_ = new QTableWidget(0, kRunColumns);
    runsTable_->setObjectName("runsTable");
    runsTable_->setHorizontalHeaderLabels({tr("Run"), tr("Cell"), tr("Hidden"), tr("LR"), tr("Epoch"), tr("Perplexity"),
                                           tr("tok/s"), tr("Status"), tr("Device")});
    runsTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    runsTable_->horizontalHeader()->setStretchLastSection(true);
    runsTable_->horizontalHeader()->setMinimumSectionSize(24);
    runsTable_->verticalHeader()->setVisible(false);
    runsTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    runsTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    runsTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    runsTable_->setToolTip(tr("Tick a run to show it on the perplexity chart; select it for its gradient norms and timeline"));
    connect(runsTable_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() != kNameColumn)
            return;
        perplexityChart_->setSeriesVisible(seriesKey(item->data(Qt::UserRole).toInt()),
                                           item->checkState() == Qt::Checked);
    });
    connect(runsTable_, &QTableWidget::itemSelectionChanged, this, [this] {
        const int id = focusedRunId();
        if (id >= 0)
            samples_->selectRun(id);
        refreshGradChart();
    });

    samples_ = new SamplesView;
    samples_->setObjectName("samplesView");
    connect(samples_, &SamplesView::regenerateRequested, this, &MainWindow::regenerateAll);
    connect(samples_, &SamplesView::selectedRunChanged, this, [this](int id) {
        for (int row = 0; row < runsTable_->rowCount(); ++row)
            if (runsTable_->item(row, kNameColumn)->data(Qt::UserRole).toInt() == id && !runsTable_->item(row, 0)->isSelected())
                runsTable_->selectRow(row);
    });

    // Charts, then the run table across the whole width (the columns that
    // tell lab runs apart need it), then the samples.
    auto* right = new QSplitter(Qt::Vertical);
    rightSplitter_ = right;
    right->addWidget(charts);
    right->addWidget(runsTable_);
    right->addWidget(samples_);
    right->setStretchFactor(0, 5);
    right->setStretchFactor(1, 2);
    right->setStretchFactor(2, 3);
    right->setSizes({420, 140, 260});
    runsTable_->setMinimumHeight(70);

    mainSplitter_ = new QSplitter(Qt::Horizontal);
    mainSplitter_->setObjectName("languageModelSplitter");
    mainSplitter_->addWidget(leftScroll);
    mainSplitter_->addWidget(right);
    mainSplitter_->setStretchFactor(1, 1);
    mainSplitter_->setCollapsible(1, false);
    mainSplitter_->setSizes({320, 1080});
    auto* main = new QWidget;
    main->setObjectName("languageModelTab");
    auto* mainLayout = new QVBoxLayout(main);
    mainLayout->setContentsMargins(0, 0, 0, 0);
    mainLayout->setSpacing(2);
    mainLayout->addLayout(buttons);
    mainLayout->addWidget(mainSplitter_, 1);

    translatePanel_ = new TranslatePanel(dataDir_, library_.get());
    tabs_ = new QTabWidget;
    tabs_->setObjectName("mainTabs");
    tabs_->addTab(main, tr("Language model"));
    tabs_->addTab(translatePanel_, tr("Translate"));
    sweepsPanel_ = new SweepsPanel(*library_, dataDir_);
    sweepsPanel_->setObjectName("sweepsPanel");
    tabs_->addTab(sweepsPanel_, tr("Sweeps"));
    runsPanel_ = new RunsPanel(*library_, dataDir_);
    runsPanel_->setObjectName("runsPanel");
    tabs_->addTab(runsPanel_, tr("Runs"));
    // The library is read when its tab is shown and whenever a sweep records a run.
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (tabs_->widget(index) == runsPanel_)
            runsPanel_->refresh();
        refreshStatusBar();  // the language model's figures belong to its tab
    });
    connect(sweepsPanel_, &SweepsPanel::runRecorded, runsPanel_, &RunsPanel::refresh);
    connect(translatePanel_, &TranslatePanel::trainingFinished, runsPanel_, &RunsPanel::refresh);
    // A translation run of the library opens in the Translate tab, to translate with again.
    connect(runsPanel_, &RunsPanel::openInTranslateRequested, this, [this](qint64 id) {
        tabs_->setCurrentWidget(translatePanel_);
        translatePanel_->openStoredRun(id);
    });
    connect(runsPanel_, &RunsPanel::openInLanguageModelRequested, this, [this](qint64 id) {
        auto store = library_->store();
        if (!store)
            return;
        try {
            panel_->setConfig(store->run(id).config());
            tabs_->setCurrentIndex(0);
            showMessage(tr("The settings of run %1 are in the form: change them and Train, or Train them again").arg(id));
        } catch (const std::exception& e) {
            showMessage(tr("Could not open run %1: %2").arg(id).arg(QString::fromStdString(e.what())), true);
        }
    });
    connect(sweepsPanel_, &SweepsPanel::sweepStarted, runsPanel_, [this](const QList<qint64>& ids) {
        runsPanel_->setRunsInUse(ids);
        runsPanel_->refresh();
    });
    connect(sweepsPanel_, &SweepsPanel::sweepFinished, runsPanel_, [this] { runsPanel_->setRunsInUse({}); });
    setCentralWidget(tabs_);

    // ---- status bar
    auto statusLabel = [this](const QString& name) {
        auto* l = new QLabel;
        l->setObjectName(name);
        // Long figures are cut at the window's edge, never widen the window
        // past a 1024-pixel projector (presentation mode's big text included).
        l->setMinimumWidth(16);
        statusBar()->addPermanentWidget(l);
        return l;
    };
    statusRun_ = statusLabel("statusRun");
    statusEpoch_ = statusLabel("statusEpoch");
    statusPerplexity_ = statusLabel("statusPerplexity");
    statusSpeed_ = statusLabel("statusSpeed");
    statusTime_ = statusLabel("statusTime");
    statusDevice_ = statusLabel("statusDevice");
    statusPerplexity_->setToolTip(perplexityChart_->toolTip());
    statusSpeed_->setToolTip(tr("Characters trained per second, pauses left out"));
    statusBar()->setSizeGripEnabled(false);
    refreshStatusBar();
}

void MainWindow::buildMenus()
{
    // Shortcuts for the classroom: train, stop, pause/resume, tabs.
    auto* trainShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(trainShortcut, &QShortcut::activated, this, [this] {
        if (tabs_->currentIndex() == 0)
            train();
    });
    auto* trainShortcut2 = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), this);
    connect(trainShortcut2, &QShortcut::activated, trainShortcut, &QShortcut::activated);
    auto* stopShortcut = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    connect(stopShortcut, &QShortcut::activated, this, [this] {
        if (tabs_->currentIndex() == 0 && busy())
            stopRun();
    });
    auto* pauseShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_P), this);
    connect(pauseShortcut, &QShortcut::activated, this, [this] {
        const Run* r = current();
        if (r && r->state == RunState::Paused)
            resumeRun();
        else
            pauseRun();
    });
    for (int i = 0; i < 4; ++i) {
        auto* tab = new QShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), this);
        connect(tab, &QShortcut::activated, this, [this, i] { tabs_->setCurrentIndex(i); });
    }
    trainButton_->setToolTip(tr("Train the experiment on the left (Ctrl+Enter)"));
    pauseButton_->setToolTip(tr("Pause the run in progress (Ctrl+P); pauses do not count in tokens/s or time"));
    resumeButton_->setToolTip(tr("Resume the paused run (Ctrl+P)"));
    stopButton_->setToolTip(tr("Stop the run in progress (Esc), keeping its curve, samples and weights, and cancel the queue"));

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open experiment…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"), QString(),
                                                          tr("Experiments (*.yaml *.yml)"));
        if (!path.isEmpty())
            loadExperiment(path);
    });
    open->setShortcut(QKeySequence::Open);
    QAction* save = file->addAction(tr("&Save experiment…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save experiment"), QString(),
                                                          tr("Experiments (*.yaml)"));
        if (!path.isEmpty())
            saveExperiment(path);
    });
    save->setShortcut(QKeySequence::Save);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    presentationAction_ = view->addAction(tr("&Presentation mode"));
    presentationAction_->setObjectName("presentationAction");
    presentationAction_->setCheckable(true);
    presentationAction_->setShortcut(QKeySequence(Qt::Key_F5));
    presentationAction_->setToolTip(tr("Large text, thick lines and the charts on the whole tab, for a projector"));
    connect(presentationAction_, &QAction::toggled, this, &MainWindow::setPresentationMode);
    QAction* zoomIn = view->addAction(tr("Zoom &in"), this, [this] { setZoom(zoom_ * 1.15); });
    zoomIn->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence(Qt::CTRL | Qt::Key_Plus)});
    QAction* zoomOut = view->addAction(tr("Zoom &out"), this, [this] { setZoom(zoom_ / 1.15); });
    zoomOut->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    QAction* zoomReset = view->addAction(tr("&Actual size"), this, [this] { setZoom(1.0); });
    zoomReset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Traveller"), this, [this] {
        QMessageBox::about(this, tr("About Traveller"), aboutText());
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

QString MainWindow::aboutText() const
{
    QStringList devices;
    for (const DeviceInfo& d : availableDevices())
        devices << QString::fromStdString(d.label).toHtmlEscaped();
    return tr("<h3>Traveller %1</h3>"
              "<p>A workbench for recurrent neural networks: the RNN, GRU, LSTM and seq2seq chapters of "
              "<i>Dive into Deep Learning</i>, trained and compared live.</p>"
              "<table>"
              "<tr><td>Qt</td><td>%2</td></tr>"
              "<tr><td>LibTorch</td><td>%3</td></tr>"
              "<tr><td>BLAS</td><td>%4</td></tr>"
              "<tr><td>Threads</td><td>%5</td></tr>"
              "<tr><td>Devices</td><td>%6</td></tr>"
              "</table>")
        .arg(QStringLiteral(TRAVELLER_VERSION), QString::fromLatin1(qVersion()),
             QString::fromStdString(torchVersion()).toHtmlEscaped(),
             QString::fromStdString(blasLibrary()).toHtmlEscaped())
        .arg(trainingThreads())
        .arg(devices.join(QStringLiteral("<br>")));
}

// ---------------------------------------------------------------- files

bool MainWindow::loadExperiment(const QString& path)
{
    try {
        const ExperimentConfig config = loadExperimentFile(path.toStdString());
        panel_->setConfig(config);
        setWindowTitle(tr("Traveller — %1").arg(QFileInfo(path).fileName()));
        showMessage(tr("Loaded %1").arg(QDir::toNativeSeparators(path)));
        return true;
    } catch (const ConfigError& e) {
        // what() already reads "file: line L, column C: key: detail".
        const QString text = QString::fromStdString(e.what());
        panel_->markKey(QString::fromStdString(e.key()), QString());
        showMessage(tr("Could not load the experiment: %1").arg(text), true);
        return false;
    }
}

bool MainWindow::saveExperiment(const QString& path)
{
    if (!panel_->checkInput()) {
        showMessage(tr("Not saved: %1").arg(panel_->validationMessage()), true);
        return false;
    }
    try {
        saveExperimentFile(panel_->config(), path.toStdString());
        showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
        return true;
    } catch (const Error& e) {
        showMessage(tr("Could not save: %1").arg(QString::fromStdString(e.what())), true);
        return false;
    }
}

bool MainWindow::exportPerplexity(const QString& path)
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

// ---------------------------------------------------------------- queue

MainWindow::Run* MainWindow::run(int runId) const
{
    const auto it = runs_.find(runId);
    return it == runs_.end() ? nullptr : it->second.get();
}

QList<int> MainWindow::runIds() const
{
    QList<int> ids;
    for (const auto& [id, r] : runs_)
        ids << id;
    return ids;
}

MainWindow::RunState MainWindow::runState(int runId) const
{
    const Run* r = run(runId);
    return r ? r->state : RunState::Cancelled;
}

QString MainWindow::runStatusText(int runId) const
{
    const Run* r = run(runId);
    return r ? r->statusText : QString();
}

QString MainWindow::runName(int runId) const
{
    const Run* r = run(runId);
    return r ? r->name : QString();
}

RunStarted MainWindow::runInfo(int runId) const
{
    const Run* r = run(runId);
    return r ? r->info : RunStarted{};
}

bool MainWindow::busy() const { return currentRunId_ >= 0 || !queue_.isEmpty(); }

QString MainWindow::message() const { return message_->text(); }

int MainWindow::train()
{
    if (!panel_->checkInput()) {
        showMessage(tr("Not started: %1").arg(panel_->validationMessage()), true);
        return -1;
    }
    try {
        return enqueue(panel_->config());
    } catch (const ConfigError& e) {
        showMessage(tr("Not started: %1").arg(QString::fromStdString(e.what())), true);
        return -1;
    }
}

int MainWindow::enqueue(const ExperimentConfig& config)
{
    auto r = std::make_unique<Run>();
    r->id = nextRunId_++;
    r->config = config;
    r->name = QString::fromStdString(config.displayName());
    // Two runs of the same settings would share a legend entry: number them.
    int same = 0;
    for (const auto& [id, other] : runs_)
        if (QString::fromStdString(other->config.displayName()) == r->name)
            ++same;
    if (same > 0)
        r->name += QStringLiteral(" #%1").arg(same + 1);
    r->color = format::seriesColor(r->id - 1);  // until its library id gives it its colour everywhere
    r->last.perplexity = std::nan("");
    const int id = r->id;

    const int row = runsTable_->rowCount();
    runsTable_->insertRow(row);
    for (int c = 0; c < kRunColumns; ++c)
        runsTable_->setItem(row, c, new QTableWidgetItem);
    {
        QSignalBlocker block(runsTable_);
        QTableWidgetItem* nameItem = runsTable_->item(row, kNameColumn);
        nameItem->setData(Qt::UserRole, id);
        nameItem->setFlags(nameItem->flags() | Qt::ItemIsUserCheckable);
        nameItem->setCheckState(Qt::Checked);
        nameItem->setForeground(r->color);
    }
    samples_->addRun(id, r->name);
    runs_.emplace(id, std::move(r));
    setState(*run(id), RunState::Queued);
    queue_.append(id);
    if (currentRunId_ < 0)
        startNext();
    else
        showMessage(tr("%1 queued after %2").arg(run(id)->name, current()->name));
    updateControls();
    return id;
}

void MainWindow::startNext()
{
    if (currentRunId_ >= 0)
        return;
    if (queue_.isEmpty()) {
        updateControls();
        Q_EMIT queueDrained();
        return;
    }
    Run& r = *run(queue_.takeFirst());
    currentRunId_ = r.id;
    gradRunId_ = r.id;
    r.thread = new QThread;
    r.thread->setObjectName(QStringLiteral("run%1").arg(r.id));
    // A library that cannot be opened costs the record, not the run: it
    // trains, and says so now and when it ends.
    std::shared_ptr<RunStore> store = library_->store();
    if (!store)
        r.unrecorded = library_->unrecordedNote();
    r.worker = new TrainingWorker(r.id, r.config, dataDir_, store);
    r.worker->moveToThread(r.thread);
    connect(r.thread, &QThread::finished, r.worker, &QObject::deleteLater);
    connect(r.thread, &QThread::started, r.worker, &TrainingWorker::run);
    connect(r.worker, &TrainingWorker::started, this, &MainWindow::onStarted);
    connect(r.worker, &TrainingWorker::batchDone, this, &MainWindow::onBatch);
    connect(r.worker, &TrainingWorker::epochDone, this, &MainWindow::onEpoch);
    connect(r.worker, &TrainingWorker::finished, this, &MainWindow::onFinished);
    connect(r.worker, &TrainingWorker::failed, this, &MainWindow::onFailed);
    connect(r.worker, &TrainingWorker::generated, this, &MainWindow::onGenerated);
    setState(r, RunState::Loading);
    // Follow the new run (gradient chart, timeline) unless the user picked another one.
    const int focused = focusedRunId();
    if (focused < 0 || focused == previousRunId_) {
        for (int row = 0; row < runsTable_->rowCount(); ++row)
            if (runsTable_->item(row, kNameColumn)->data(Qt::UserRole).toInt() == r.id)
                runsTable_->selectRow(row);
    }
    previousRunId_ = r.id;
    r.thread->start();
    refreshGradChart();
    refreshStatusBar();
    updateControls();
}

void MainWindow::pauseRun()
{
    Run* r = current();
    if (!r || r->state != RunState::Training)
        return;
    r->worker->pause();
    setState(*r, RunState::Paused);
    refreshStatusBar();
    updateControls();
}

void MainWindow::resumeRun()
{
    Run* r = current();
    if (!r || r->state != RunState::Paused)
        return;
    r->worker->resume();
    setState(*r, RunState::Training);
    refreshStatusBar();
    updateControls();
}

void MainWindow::stopRun()
{
    for (int id : std::as_const(queue_))
        setState(*run(id), RunState::Cancelled);
    queue_.clear();
    if (Run* r = current()) {
        // The trainer notices within one batch and returns what it has.
        r->worker->requestStop();
        setState(*r, r->state, tr("stopping…"));
    }
    updateControls();
}

// ---------------------------------------------------------------- worker signals

void MainWindow::onStarted(int runId, const RunStarted& info)
{
    Run* r = run(runId);
    if (!r)
        return;
    r->info = info;
    if (info.libraryId > 0) {
        // The colour it has in the Runs tab, the Sweeps tab and the reports.
        r->color = format::runColor(info.libraryId);
        for (int row = 0; row < runsTable_->rowCount(); ++row)
            if (runsTable_->item(row, kNameColumn)->data(Qt::UserRole).toInt() == runId) {
                QSignalBlocker block(runsTable_);
                runsTable_->item(row, kNameColumn)->setForeground(r->color);
            }
    }
    setState(*r, r->worker && r->worker->paused() ? RunState::Paused : RunState::Training);
    const QString key = seriesKey(runId);
    perplexityChart_->addSeries(key, r->name, LineChart::Style::Line, r->color);
    const QTableWidgetItem* nameItem = nullptr;
    for (int row = 0; row < runsTable_->rowCount(); ++row)
        if (runsTable_->item(row, kNameColumn)->data(Qt::UserRole).toInt() == runId)
            nameItem = runsTable_->item(row, kNameColumn);
    if (nameItem && nameItem->checkState() != Qt::Checked)
        perplexityChart_->setSeriesVisible(key, false);
    QString text = tr("%1: %2 tokens, %3 parameters, %4")
                       .arg(r->name)
                       .arg(info.corpusTokens)
                       .arg(info.parameters)
                       .arg(info.device == "cpu" ? cpuLabel(info.threads) : info.device);
    if (!r->unrecorded.isEmpty())
        text += QStringLiteral("; ") + r->unrecorded;
    showMessage(text, !r->unrecorded.isEmpty());
    Q_EMIT runStarted(runId);
    refreshStatusBar();
    updateControls();
}

void MainWindow::onBatch(int runId, const BatchStats& stats)
{
    Run* r = run(runId);
    if (!r)
        return;
    const double perEpoch = r->info.batchesPerEpoch > 0 ? static_cast<double>(r->info.batchesPerEpoch) : 1.0;
    const QPointF p(stats.epoch - 1 + (static_cast<double>(stats.batch) + 1) / perEpoch, stats.gradNorm);
    r->gradNorm.append(p);
    if (stats.clipped)
        r->clipped.append(p);
    r->batchDirty = true;
    scheduleRefresh();
}

void MainWindow::onEpoch(int runId, const EpochStats& stats)
{
    Run* r = run(runId);
    if (!r)
        return;
    r->last = stats;
    r->perplexity.append(QPointF(stats.epoch, stats.perplexity));
    if (stats.hasSample)
        samples_->addSample(runId, stats.epoch, QString::fromStdString(stats.sample));
    r->curveDirty = true;
    scheduleRefresh();
}

void MainWindow::onFinished(int runId, const RunOutcome& outcome)
{
    Run* r = run(runId);
    if (!r)
        return;
    r->outcome = outcome;
    r->curveDirty = r->batchDirty = true;
    switch (outcome.status) {
    case RunStatus::Finished:
        setState(*r, RunState::Finished);
        showMessage(tr("%1 finished: perplexity %2 after %n epoch(s), %3 tokens/s%4", nullptr, outcome.epochsDone)
                        .arg(r->name, format::number(outcome.perplexity))
                        .arg(outcome.tokensPerSecond, 0, 'f', 0)
                        .arg(outcome.libraryId > 0     ? tr("; saved as run %1 in the Runs tab").arg(outcome.libraryId)
                             : !r->unrecorded.isEmpty() ? "; " + r->unrecorded
                             : outcome.libraryNote.isEmpty() ? QString()
                                                             : "; " + outcome.libraryNote),
                    outcome.libraryId <= 0 && !r->unrecorded.isEmpty());
        break;
    case RunStatus::Stopped:
        setState(*r, RunState::Stopped);
        showMessage(tr("%1 stopped after %n epoch(s); its curve, samples and weights are kept", nullptr,
                       outcome.epochsDone)
                        .arg(r->name));
        break;
    case RunStatus::Diverged:
        setState(*r, RunState::Diverged);
        perplexityChart_->setLabel(seriesKey(runId), tr("%1 (diverged at epoch %2)").arg(r->name).arg(outcome.divergedEpoch));
        showMessage(tr("%1 %2").arg(r->name, outcome.message), true);
        break;
    case RunStatus::Failed:
        setState(*r, RunState::Failed, tr("failed: %1").arg(outcome.message));
        showMessage(tr("%1 failed: %2").arg(r->name, outcome.message), true);
        break;
    }
    // The model's text with its last weights, for every run however it ended.
    if (!outcome.finalSample.isEmpty() && (samples_->latestEpoch(runId) != outcome.epochsDone || samples_->timelineLength(runId) == 0))
        samples_->addSample(runId, outcome.epochsDone, outcome.finalSample);
    if (currentRunId_ == runId)
        currentRunId_ = -1;
    refresh();
    Q_EMIT runFinished(runId, outcome);
    startNext();
    updateControls();
}

void MainWindow::onFailed(int runId, const RunFailure& failure)
{
    Run* r = run(runId);
    if (!r)
        return;
    setState(*r, RunState::Failed, tr("failed: %1").arg(failure.message));
    perplexityChart_->removeSeries(seriesKey(runId));
    switch (failure.kind) {
    case FailureKind::Corpus:
        corpusRetryRunId_ = runId;
        showCorpusBanner(tr("The corpus is not there or not the expected file:\n%1\n"
                            "Download the book's copy (its SHA-1 is checked) or train on a local text file.")
                             .arg(failure.message));
        break;
    case FailureKind::Config:
        panel_->markKey(failure.key, failure.message);
        showMessage(tr("%1 did not start: %2").arg(r->name, failure.message), true);
        break;
    default:
        showMessage(tr("%1 did not start: %2").arg(r->name, failure.message), true);
        break;
    }
    if (currentRunId_ == runId)
        currentRunId_ = -1;
    Q_EMIT runFailed(runId, failure);
    // A missing corpus would fail every queued run the same way: wait for the user.
    if (failure.kind != FailureKind::Corpus)
        startNext();
    updateControls();
}

void MainWindow::onGenerated(int runId, int, const QString&, const QString& text)
{
    samples_->setRegenerated(runId, QString(), text);
}

void MainWindow::regenerateAll(const QString& prefix, int length, double temperature)
{
    int asked = 0;
    for (auto& [id, r] : runs_) {
        if (!r->worker || r->state == RunState::Failed) {
            samples_->setRegeneratePending(id, tr("(not trained)"));
            continue;
        }
        samples_->setRegeneratePending(id, r->state == RunState::Paused ? tr("(after resume…)") : tr("(writing…)"));
        r->worker->requestGenerate(nextRequestId_++, prefix, length, temperature);
        ++asked;
    }
    showMessage(tr("Continuing \"%1\" with %2 run(s), %3").arg(prefix).arg(asked).arg(
        temperature > 0 ? tr("temperature %1").arg(temperature) : tr("greedy")));
}

// ---------------------------------------------------------------- corpus

void MainWindow::showCorpusBanner(const QString& text)
{
    corpusBannerText_->setText(text);
    corpusBanner_->show();
    showMessage(text, true);
}

void MainWindow::useLocalCorpus(const QString& path)
{
    panel_->setValue("data.corpus", path);
    corpusBanner_->hide();
    if (Run* failed = run(corpusRetryRunId_)) {
        ExperimentConfig config = failed->config;
        config.data.corpus = path.toStdString();
        corpusRetryRunId_ = -1;
        enqueue(config);
    }
}

void MainWindow::downloadCorpus()
{
    if (downloadThread_)
        return;
    downloadButton_->setEnabled(false);
    showMessage(tr("Downloading The Time Machine into %1…").arg(dataDir_));
    auto error = std::make_shared<QString>();
    const std::string dir = dataDir_.toStdString();
    QPointer<MainWindow> self(this);
    downloadCancel_ = std::make_shared<std::atomic<bool>>(false);
    downloadThread_ = QThread::create([dir, error, self, cancel = downloadCancel_] {
        auto tell = [self](const QString& text) {
            QMetaObject::invokeMethod(qApp, [self, text] {
                if (self)
                    self->showMessage(text);
            });
        };
        FetchControl control;
        control.cancel = cancel.get();
        control.log = [tell](const std::string& line) { tell(QString::fromStdString(line)); };
        control.progress = [tell](std::int64_t done, std::int64_t total) {
            tell(total > 0 ? tr("Downloading The Time Machine: %1 of %2 kB").arg(done / 1024).arg(total / 1024)
                           : tr("Downloading The Time Machine: %1 kB").arg(done / 1024));
        };
        try {
            fetchDataFile(DataFile::TimeMachine, dir, control);
        } catch (const std::exception& e) {
            *error = QString::fromStdString(e.what());
        }
    });
    connect(downloadThread_, &QThread::finished, this, [this, error] {
        downloadThread_->deleteLater();
        downloadThread_ = nullptr;
        downloadButton_->setEnabled(true);
        if (!error->isEmpty()) {
            showCorpusBanner(tr("Download failed: %1").arg(*error));
            return;
        }
        corpusBanner_->hide();
        showMessage(tr("Corpus downloaded and verified"));
        if (Run* failed = run(corpusRetryRunId_)) {
            corpusRetryRunId_ = -1;
            enqueue(failed->config);
        } else {
            startNext();
        }
    });
    downloadThread_->start();
}

// ---------------------------------------------------------------- drawing

void MainWindow::scheduleRefresh()
{
    if (!refreshTimer_->isActive())
        refreshTimer_->start();
}

void MainWindow::refresh()
{
    refreshTimer_->stop();
    bool gradPending = false;
    for (auto& [id, r] : runs_) {
        if (r->curveDirty) {
            if (perplexityChart_->hasSeries(seriesKey(id)))
                perplexityChart_->setPoints(seriesKey(id), r->perplexity);
            updateRunRow(*r);
        }
        r->curveDirty = false;
        if (r->batchDirty && id == gradRunId_) {
            if (gradRedrawClock_.isValid() && gradRedrawClock_.elapsed() < kGradRefreshIntervalMs) {
                gradPending = true;  // keep it dirty and come back
                continue;
            }
            refreshGradChart();
            gradRedrawClock_.start();
        }
        r->batchDirty = false;
    }
    refreshStatusBar();
    if (gradPending)
        refreshTimer_->start();
}

int MainWindow::focusedRunId() const
{
    const auto rows = runsTable_->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return -1;
    return runsTable_->item(rows.first().row(), kNameColumn)->data(Qt::UserRole).toInt();
}

void MainWindow::refreshGradChart()
{
    const int selected = focusedRunId();
    if (selected >= 0 && run(selected))
        gradRunId_ = selected;
    const Run* r = run(gradRunId_);
    if (!r) {
        gradChart_->setTitle(tr("Gradient norm per batch"));
        for (const char* key : {"norm", "clipped", "threshold"})
            gradChart_->setPoints(key, {});
        return;
    }
    gradChart_->setTitle(tr("Gradient norm per batch — %1").arg(r->name));
    auto thin = [](const QList<QPointF>& pts) {
        if (pts.size() <= kMaxGradPoints)
            return pts;
        QList<QPointF> out;
        const qsizetype stride = (pts.size() + kMaxGradPoints - 1) / kMaxGradPoints;
        for (qsizetype i = 0; i < pts.size(); i += stride)
            out.append(pts[i]);
        return out;
    };
    gradChart_->setPoints("norm", thin(r->gradNorm));
    gradChart_->setPoints("clipped", thin(r->clipped));
    const double clip = r->config.train.clip;
    if (clip > 0 && !r->gradNorm.isEmpty())
        gradChart_->setPoints("threshold", {QPointF(r->gradNorm.first().x(), clip), QPointF(r->gradNorm.last().x(), clip)});
    else
        gradChart_->setPoints("threshold", {});
    gradChart_->setLabel("threshold", clip > 0 ? tr("clip at %1").arg(clip) : tr("no clipping"));
    gradChart_->setLabel("clipped", tr("clipped: %1 of %2").arg(r->clipped.size()).arg(r->gradNorm.size()));
}

void MainWindow::refreshStatusBar()
{
    // The language model's run belongs to its tab: the other tabs show their own.
    const bool onTab = tabs_->currentIndex() == 0;
    for (QLabel* l : {statusRun_, statusEpoch_, statusPerplexity_, statusSpeed_, statusTime_, statusDevice_})
        l->setVisible(onTab);
    const Run* r = current();
    if (!r) {
        // Idle: show the last run that trained, if any.
        for (auto it = runs_.rbegin(); it != runs_.rend(); ++it)
            if (it->second->last.epoch > 0) {
                r = it->second.get();
                break;
            }
    }
    if (!r) {
        statusRun_->setText(QString());
        statusEpoch_->setText(tr("epoch —"));
        statusPerplexity_->setText(tr("perplexity —"));
        statusSpeed_->setText(tr("— tokens/s"));
        statusTime_->setText(QString());
        const auto devices = availableDevices();
        statusDevice_->setText(devices.empty() ? QString() : QString::fromStdString(devices.front().label));
        return;
    }
    const EpochStats& s = r->last;
    const int epochs = r->config.train.epochs;
    const bool running = r->id == currentRunId_;
    const bool ended = !running && (r->state == RunState::Finished || r->state == RunState::Stopped ||
                                    r->state == RunState::Diverged);
    statusRun_->setText(r->name);
    statusEpoch_->setText(tr("epoch %1/%2").arg(s.epoch).arg(epochs));
    statusPerplexity_->setText(tr("perplexity %1").arg(format::number(s.perplexity)));
    // One speed per run: while it trains, the last epoch's; once it ended, the
    // whole run's (as the table and the library have it).
    const double speed = ended && r->outcome.tokensPerSecond > 0 ? r->outcome.tokensPerSecond : s.tokensPerSecond;
    statusSpeed_->setText(tr("%1 tokens/s").arg(speed, 0, 'f', 0));
    const double elapsed = ended && r->outcome.seconds > 0 ? r->outcome.seconds : s.elapsedSeconds;
    if (running && r->state == RunState::Paused) {
        statusTime_->setText(tr("%1, paused").arg(formatDuration(elapsed)));
    } else if (running) {
        const double eta = s.epoch > 0 ? s.elapsedSeconds / s.epoch * (epochs - s.epoch) : 0;
        statusTime_->setText(tr("%1, %2 to go").arg(formatDuration(elapsed), formatDuration(eta)));
    } else {
        statusTime_->setText(tr("%1, %2").arg(formatDuration(elapsed), r->statusText));
    }
    const QString device = r->info.device.isEmpty() ? QString::fromStdString(r->config.train.device) : r->info.device;
    statusDevice_->setText(device == "cpu" ? cpuLabel(r->info.threads) : device);
}

void MainWindow::updateRunRow(const Run& r)
{
    for (int row = 0; row < runsTable_->rowCount(); ++row) {
        QTableWidgetItem* nameItem = runsTable_->item(row, kNameColumn);
        if (nameItem->data(Qt::UserRole).toInt() != r.id)
            continue;
        QSignalBlocker block(runsTable_);
        nameItem->setText(r.name);
        nameItem->setToolTip(r.name);
        runsTable_->item(row, kCellColumn)->setText(QString::fromStdString(toString(r.config.model.arch)) +
                                                     (r.config.model.layers > 1 ? QStringLiteral(" ×%1").arg(r.config.model.layers)
                                                                                : QString()));
        runsTable_->item(row, kHiddenColumn)->setText(QString::number(r.config.model.hidden));
        runsTable_->item(row, kLrColumn)->setText(QString::fromStdString(configValue(r.config, "train.lr")));
        runsTable_->item(row, kStatusColumn)->setText(r.statusText);
        const bool bad = r.state == RunState::Diverged || r.state == RunState::Failed;
        runsTable_->item(row, kStatusColumn)->setForeground(bad ? QColor("#b00020") : palette().text().color());
        runsTable_->item(row, kStatusColumn)->setToolTip(r.statusText);
        runsTable_->item(row, kEpochColumn)->setText(r.last.epoch > 0 ? tr("%1/%2").arg(r.last.epoch).arg(r.config.train.epochs) : QString());
        runsTable_->item(row, kPerplexityColumn)->setText(r.last.epoch > 0 ? format::number(r.last.perplexity) : QString());
        const double speed = r.outcome.tokensPerSecond > 0 ? r.outcome.tokensPerSecond : r.last.tokensPerSecond;
        runsTable_->item(row, kSpeedColumn)->setText(speed > 0 ? QString::number(speed, 'f', 0) : QString());
        runsTable_->item(row, kDeviceColumn)->setText(r.info.device);
        return;
    }
}

void MainWindow::setState(Run& r, RunState state, const QString& text)
{
    r.state = state;
    if (!text.isEmpty()) {
        r.statusText = text;
    } else {
        switch (state) {
        case RunState::Queued: r.statusText = tr("queued"); break;
        case RunState::Loading: r.statusText = tr("loading corpus and model…"); break;
        case RunState::Training: r.statusText = tr("training"); break;
        case RunState::Paused: r.statusText = tr("paused"); break;
        case RunState::Finished: r.statusText = tr("finished"); break;
        case RunState::Stopped: r.statusText = tr("stopped at epoch %1").arg(r.outcome.epochsDone); break;
        case RunState::Diverged: r.statusText = tr("diverged at epoch %1").arg(r.outcome.divergedEpoch); break;
        case RunState::Failed: r.statusText = tr("failed"); break;
        case RunState::Cancelled: r.statusText = tr("cancelled"); break;
        }
    }
    updateRunRow(r);
}

void MainWindow::updateControls()
{
    const Run* r = current();
    trainButton_->setText(busy() ? tr("Add to queue") : tr("Train"));
    pauseButton_->setEnabled(r && r->state == RunState::Training);
    resumeButton_->setEnabled(r && r->state == RunState::Paused);
    stopButton_->setEnabled(busy());
}

void MainWindow::showMessage(const QString& text, bool error)
{
    message_->setText(text);
    message_->setStyleSheet(error ? "color: #b00020;" : "");
    message_->setVisible(!text.isEmpty());
}

} // namespace traveller::ui
