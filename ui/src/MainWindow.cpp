#include "traveller/ui/MainWindow.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Presets.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/lm/Precision.h"
#include "traveller/ui/CorpusBanner.h"
#include "traveller/ui/CorpusLocations.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/LabPanel.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LensPanel.h"
#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/SweepsPanel.h"
#include "traveller/ui/TranslatePanel.h"
#include "ImportTorchDialog.h"
#include "ScreenFit.h"

#include <QAction>
#include <QApplication>
#include <QBoxLayout>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QActionGroup>
#include <QShortcut>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

namespace {

// Presentation mode's text size, as a factor of the desktop's.
constexpr double kPresentationZoom = 1.5;
constexpr double kMinZoom = 0.7;
constexpr double kMaxZoom = 3.0;

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
      corpora_(std::make_unique<CorpusLocations>(dataDir_)),
      library_(std::make_unique<RunLibrary>())
{
    registerUiMetaTypes();
    setObjectName("mainWindow");
    setWindowTitle(tr("Traveller — RNN workbench"));
    baseFont_ = QApplication::font();
    buildTabs();
    buildMenus();
    panel()->setPresets(presetFiles());
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
    // A local corpus chosen last time (a file still there), before the form's
    // remembered experiment, which may name it too.
    for (DataFile file : {DataFile::TimeMachine, DataFile::FraEng})
        corpora_->setLocalFile(file, settings.value("corpora/" + CorpusLocations::bookKey(file)).toString());
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
            panel()->setConfig(parseExperimentYaml(yaml.toStdString(), "remembered settings"));
        } catch (const std::exception&) {
            // Written by another version: the book's defaults stand.
        }
    }
    tabs_->setCurrentIndex(std::clamp(settings.value("window/tab", 0).toInt(), 0, tabs_->count() - 1));
    const double zoom = settings.value("view/zoom", 1.0).toDouble();
    if (presentation_)  // --presentation came first: the saved zoom is what it returns to
        zoomBeforePresentation_ = std::clamp(std::isfinite(zoom) ? zoom : 1.0, kMinZoom, kMaxZoom);
    else
        setZoom(zoom);
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
    for (DataFile file : {DataFile::TimeMachine, DataFile::FraEng})
        settings.setValue("corpora/" + CorpusLocations::bookKey(file), corpora_->localFile(file));
    try {
        settings.setValue("languageModel/experiment", QString::fromStdString(toYaml(panel()->config())));
    } catch (const std::exception&) {
        // A field with a bad value: keep what was remembered before.
    }
}

void MainWindow::setZoom(double factor)
{
    // Larger text must not push the window past the screen (a 1024x768
    // projector): step back until the layout's minimum fits it (or the
    // window, where it is already larger than the screen).
    const QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    const QSize room = screen ? screen->availableGeometry().size().expandedTo(size()) : size();
    const QSize before = size();
    applyZoom(std::clamp(std::isfinite(factor) ? factor : 1.0, kMinZoom, kMaxZoom));
    while (zoom_ > 1.0) {
        if (layout())
            layout()->activate();
        const QSize need = minimumSizeHint().expandedTo(minimumSize());
        if (need.width() <= room.width() && need.height() <= room.height())
            break;
        applyZoom(std::max(1.0, zoom_ / 1.1));
    }
    // A step that did not fit may have widened the window on its way.
    if (size() != before && before.width() >= minimumWidth() && before.height() >= minimumHeight())
        resize(before);
}

void MainWindow::applyZoom(double factor)
{
    zoom_ = factor;
    const QFont font = scaledFont(baseFont_, zoom_, 6);
    // Every widget follows the application font; the charts scale their text and lines with it.
    QApplication::setFont(font);
    const int row = QFontMetrics(font).height() + 8;
    for (QTableView* table : findChildren<QTableView*>()) {
        table->verticalHeader()->setDefaultSectionSize(row);  // every row, wrapped samples too
        if (table->property("rowsFitContents").toBool())
            table->resizeRowsToContents();
    }
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == presentation_)
        return;
    presentation_ = on;
    if (on) {
        zoomBeforePresentation_ = zoom_;
        languageModel_->setPresentationLayout(true);  // the form folded first: the larger text fits
        labPanel_->setPresentationLayout(true);
        runsPanel_->setPresentationLayout(true);
        setZoom(std::max(zoom_, kPresentationZoom));
    } else {
        setZoom(zoomBeforePresentation_);
        languageModel_->setPresentationLayout(false);
        labPanel_->setPresentationLayout(false);
        runsPanel_->setPresentationLayout(false);
    }
    if (presentationAction_->isChecked() != on)
        presentationAction_->setChecked(on);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (busy() && isVisible() && confirmQuit_) {
        const RunQueue::Run* r = runQueue()->current();
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
    // Each tab stops and joins its own threads (the language model's queue,
    // the translation, the sweep, a stored run's); they go before the library
    // they share, which is a member and would otherwise die first. Tabs
    // going must not call back into a window half gone; a lesson gives the
    // window back first.
    closeLesson();
    disconnect(tabs_, nullptr, this, nullptr);
    delete languageModel_;
    delete sweepsPanel_;
    delete runsPanel_;
    delete translatePanel_;
    delete lensPanel_;
    delete labPanel_;
}

void MainWindow::buildTabs()
{
    languageModel_ = new LanguageModelPanel(*corpora_, library_.get());
    connect(languageModel_, &LanguageModelPanel::experimentLoaded, this,
            [this](const QString& path) { setWindowTitle(tr("Traveller — %1").arg(QFileInfo(path).fileName())); });
    RunQueue* queue = runQueue();
    connect(queue, &RunQueue::runStarted, this, &MainWindow::runStarted);
    connect(queue, &RunQueue::runFinished, this, &MainWindow::runFinished);
    connect(queue, &RunQueue::runFailed, this, &MainWindow::runFailed);
    connect(queue, &RunQueue::queueDrained, this, &MainWindow::queueDrained);

    translatePanel_ = new TranslatePanel(*corpora_, library_.get());
    tabs_ = new QTabWidget;
    tabs_->setObjectName("mainTabs");
    tabs_->addTab(languageModel_, tr("Language model"));
    tabs_->addTab(translatePanel_, tr("Translate"));
    sweepsPanel_ = new SweepsPanel(*library_, dataDir_);
    sweepsPanel_->setObjectName("sweepsPanel");
    tabs_->addTab(sweepsPanel_, tr("Sweeps"));
    runsPanel_ = new RunsPanel(*library_, dataDir_);
    runsPanel_->setObjectName("runsPanel");
    tabs_->addTab(runsPanel_, tr("Runs"));
    lensPanel_ = new LensPanel(*library_, dataDir_);
    lensPanel_->followQueue(runQueue());
    tabs_->addTab(lensPanel_, tr("Lens"));
    labPanel_ = new LabPanel(*library_, dataDir_);
    tabs_->addTab(labPanel_, tr("Lab"));
    addLabCorpusBanners();
    connect(labPanel_, &LabPanel::runRecorded, runsPanel_, &RunsPanel::refresh);
    // The library is read when its tab is shown and whenever a sweep records a run.
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (tabs_->widget(index) == runsPanel_)
            runsPanel_->refresh();
        if (tabs_->widget(index) == lensPanel_)
            lensPanel_->refreshRuns();
        if (tabs_->widget(index) == labPanel_) {
            labPanel_->refresh();
            for (CorpusBanner* b : std::as_const(labBanners_))
                b->check();
        }
        refreshStatusBar();  // the language model's figures belong to its tab
    });
    connect(sweepsPanel_, &SweepsPanel::runRecorded, runsPanel_, &RunsPanel::refresh);
    connect(translatePanel_, &TranslatePanel::trainingFinished, runsPanel_, &RunsPanel::refresh);
    // A translation run of the library opens in the Translate tab, to translate with again.
    // Continue… and Fork… of a Language model run are asked and trained in the Runs tab.
    connect(languageModel_, &LanguageModelPanel::branchRequested, this, [this](qint64 id, int epoch) {
        tabs_->setCurrentWidget(runsPanel_);
        runsPanel_->askBranch(id, epoch);
    });
    connect(runsPanel_, &RunsPanel::openInTranslateRequested, this, [this](qint64 id) {
        tabs_->setCurrentWidget(translatePanel_);
        translatePanel_->openStoredRun(id);
    });
    connect(runsPanel_, &RunsPanel::openInLanguageModelRequested, this, [this](qint64 id) {
        auto store = library_->store();
        if (!store)
            return;
        try {
            panel()->setConfig(store->run(id).config());
            tabs_->setCurrentWidget(languageModel_);
            languageModel_->showMessage(
                tr("The settings of run %1 are in the form: change them and Train, or Train them again").arg(id));
        } catch (const std::exception& e) {
            languageModel_->showMessage(tr("Could not open run %1: %2").arg(id).arg(coreText(e)),
                                        true);
        }
    });
    connect(sweepsPanel_, &SweepsPanel::sweepStarted, runsPanel_, [this](const QList<qint64>& ids) {
        runsPanel_->setRunsInUse(ids);
        runsPanel_->refresh();
    });
    connect(sweepsPanel_, &SweepsPanel::sweepFinished, runsPanel_, [this] { runsPanel_->setRunsInUse({}); });
    setCentralWidget(tabs_);

    for (QLabel* l : languageModel_->statusLabels())
        statusBar()->addPermanentWidget(l);
    statusBar()->setSizeGripEnabled(false);
    refreshStatusBar();
}

void MainWindow::addLabCorpusBanners()
{
    // The Lab checks its runs against the book, so it trains on the book's
    // own files in the data folder: a banner for each, above the lab's steps
    // (the tab is LabPanel's; the window only puts the banners at its top).
    auto* banners = new QWidget;
    banners->setObjectName("labCorpusBanners");
    banners->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);  // no empty band when both are hidden
    auto* layout = new QVBoxLayout(banners);
    layout->setContentsMargins(0, 0, 0, 0);
    for (DataFile file : {DataFile::TimeMachine, DataFile::FraEng}) {
        auto* banner = new CorpusBanner(*corpora_, file, CorpusBanner::Need::BookFile);
        connect(banner, &CorpusBanner::notice, this, [this](const QString& text) { statusBar()->showMessage(text, 15000); });
        layout->addWidget(banner);
        labBanners_ << banner;
    }
    if (auto* box = qobject_cast<QBoxLayout*>(labPanel_->layout()))
        box->insertWidget(0, banners);
    else
        banners->setParent(labPanel_);  // not expected: LabPanel lays itself out in a box
    // Run with a corpus missing: its banner says so, with the remedies; the
    // tab's own line stays quiet (said once).
    labPanel_->setCorpusCheck([this](const std::vector<DataFile>& files) {
        bool ready = true;
        for (CorpusBanner* b : std::as_const(labBanners_)) {
            if (std::find(files.begin(), files.end(), b->file()) == files.end())
                continue;
            b->check();
            ready = ready && b->isHidden();
        }
        return ready;
    });
    // Fixed in any tab: the lab's old "corpus missing" line goes too.
    connect(corpora_.get(), &CorpusLocations::changed, this, [this] {
        if (labPanel_->running() || !corpora_->hasBookFile(DataFile::TimeMachine) ||
            !corpora_->hasBookFile(DataFile::FraEng))
            return;
        if (auto* message = labPanel_->findChild<QLabel*>("labMessage")) {
            message->clear();
            message->hide();
        }
    });
}

void MainWindow::refreshStatusBar()
{
    // The language model's run belongs to its tab: the other tabs show their own.
    const bool onTab = tabs_->currentWidget() == languageModel_;
    for (QLabel* l : languageModel_->statusLabels())
        l->setVisible(onTab);
}

MainWindow::RunState MainWindow::runState(int runId) const
{
    const RunQueue::Run* r = runQueue()->run(runId);
    return r ? r->state : RunState::Cancelled;
}

QString MainWindow::runStatusText(int runId) const
{
    const RunQueue::Run* r = runQueue()->run(runId);
    return r ? r->statusText : QString();
}

QString MainWindow::runName(int runId) const
{
    const RunQueue::Run* r = runQueue()->run(runId);
    return r ? r->name : QString();
}

RunStarted MainWindow::runInfo(int runId) const
{
    const RunQueue::Run* r = runQueue()->run(runId);
    return r ? r->info : RunStarted{};
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
        const RunQueue::Run* r = runQueue()->current();
        if (r && r->state == RunState::Paused)
            resumeRun();
        else
            pauseRun();
    });
    for (int i = 0; i < tabs_->count(); ++i) {
        auto* tab = new QShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), this);
        connect(tab, &QShortcut::activated, this, [this, i] { tabs_->setCurrentIndex(i); });
    }
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open experiment…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"), QString(),
                                                          tr("Experiments (*.yaml *.yml)"));
        if (!path.isEmpty())
            loadExperiment(path);
    });
    open->setObjectName("openExperimentAction");  // a lesson may hide it (docs/LESSONS.md)
    open->setShortcut(QKeySequence::Open);
    QAction* save = file->addAction(tr("&Save experiment…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save experiment"), QString(),
                                                          tr("Experiments (*.yaml)"));
        if (!path.isEmpty())
            saveExperiment(path);
    });
    save->setObjectName("saveExperimentAction");
    save->setShortcut(QKeySequence::Save);
    QAction* importTorch = file->addAction(tr("Import a &PyTorch model…"), this, [this] {
        if (importPyTorchModel(this, *library_, dataDir_))
            runsPanel_->refresh();
    });
    importTorch->setObjectName("importTorchAction");
    addLessonActions(file);
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
    // Each language named in itself; the switch is immediate (Language.h)
    // and remembered for the next start.
    QMenu* languages = view->addMenu(tr("&Language"));
    languages->setObjectName("languageMenu");
    auto* languageGroup = new QActionGroup(this);
    for (const auto& [code, name] : {std::pair<const char*, const char*>{"en", "English"}, {"zh_CN", "简体中文"}}) {
        QAction* a = languages->addAction(QString::fromUtf8(name));
        a->setObjectName(QStringLiteral("language_%1").arg(code));
        a->setCheckable(true);
        a->setChecked(language() == QLatin1String(code));
        languageGroup->addAction(a);
        connect(a, &QAction::triggered, this, [code = QString::fromLatin1(code)] {
            setLanguage(code);
            if (!QCoreApplication::organizationName().isEmpty())
                QSettings().setValue(QStringLiteral("language"), code);
        });
    }

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
        .arg(devices.join(QStringLiteral("<br>")))
        // The bf16 path (train.precision: bf16), as `traveller-cli --version` names it.
        + QStringLiteral("<p>%1</p>").arg(QString::fromStdString(bf16Summary()).toHtmlEscaped());
}

} // namespace traveller::ui
