// traveller-shots: the window driven by a script, for the docs and the
// performance figures (not installed). Each mode opens the real window with
// a library, does one thing and quits: --measure-responsiveness (GUI-thread
// lateness while a run trains), --queue with --screenshot-during/-after
// (unattended comparisons), --screenshot-tab/-lab/-lens/-translate/-sweeps/
// -runs (one view of a library), --bench-scale (the window under 1,000
// runs). The user's application is app/gui (traveller).
#include "AppCommon.h"
#include "ScaleBench.h"
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Presets.h"
#include "traveller/core/lesson/Lesson.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/LabPanel.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LensPanel.h"
#include "traveller/ui/LessonController.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/ResponsivenessProbe.h"
#include "traveller/ui/RunsPanel.h"
#include "../../ui/src/ParallelDialog.h"
#include "traveller/ui/SamplesView.h"
#include "traveller/ui/SweepsPanel.h"
#include "traveller/ui/TranslatePanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QCheckBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QSpinBox>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <initializer_list>
#include <memory>

using traveller::ui::MainWindow;
using namespace traveller::app;


namespace {

// The window's own options (AppCommon.h) and the docs' scripted modes'.
struct ShotOptions : WindowOptions {
    QCommandLineOption measure{"measure-responsiveness",
                               "Train CONFIG with the window open, then print the GUI thread's event-loop lateness and the run's tokens/s as JSON and exit.",
                               "CONFIG"};
    QCommandLineOption during{"screenshot-during", "Grab the window while training.", "PNG"};
    QCommandLineOption duringEpoch{"during-epoch", "Take --screenshot-during when the last queued run reaches this epoch (default: half its epochs).", "N"};
    QCommandLineOption after{"screenshot-after", "Grab the window when the queue is done, then quit.", "PNG"};
    QCommandLineOption select{"select-run", "Select this run (1-based) before the final grab.", "N"};
    QCommandLineOption baseline{"baseline-ms",
                                "With --measure-responsiveness: first measure the idle window for this long, to separate the machine's scheduling noise from the training's.",
                                "MS", "0"};
    QCommandLineOption size{"size", "Window size for grabs (default: fit the screen).", "WxH"};
    QCommandLineOption translateShot{"screenshot-translate",
                                     "Train a short attention run in the Translate tab, translate a sentence, grab the window, quit.",
                                     "PNG"};
    QCommandLineOption translateEpochs{"translate-epochs", "Epochs for --screenshot-translate.", "N", "100"};
    QCommandLineOption sweepsShot{"screenshot-sweeps",
                                  "Run --sweep in the Sweeps tab (with --set applied to its base), grab the window when "
                                  "it is done.",
                                  "PNG"};
    QCommandLineOption sweepOption{"sweep", "Sweep preset name or file for --screenshot-sweeps.", "SWEEP", "lab-rnn-lr"};
    QCommandLineOption runsShot{"screenshot-runs",
                                "Open the best finished run of the library (after --screenshot-sweeps' sweep, if "
                                "given) in the Runs tab, write text with its weights, grab the window, quit.",
                                "PNG"};
    QCommandLineOption benchScale{"bench-scale",
                                  "Time the window with a temporary library of RUNS runs and a 64 x 1,000-epoch "
                                  "overlay; print JSON lines and exit.",
                                  "RUNS"};
    QCommandLineOption afterPresentation{"screenshot-after-presentation",
                                         "With --screenshot-after: then switch to presentation mode and grab again.",
                                         "PNG"};
    QCommandLineOption labShot{"screenshot-lab",
                               "Show step --lab-step (0-5) of the Lab tab with the library's runs, grab the window, "
                               "quit.",
                               "PNG"};
    QCommandLineOption labStep{"lab-step", "Step index (0 = 1.1 RNN ... 5 = 3 Conclusions) for --screenshot-lab.", "N",
                               "0"};
    QCommandLineOption labQuick{"lab-quick", "With --screenshot-lab: the quick lab's runs."};
    QCommandLineOption labRow{"lab-row", "With --screenshot-lab: select this row of the step's table.", "N"};
    QCommandLineOption tabShot{"screenshot-tab", "Show tab --tab (0 = Language model ... 5 = Lab) with the library's "
                                                 "runs, grab the window, quit.",
                               "PNG"};
    QCommandLineOption tabIndex{"tab", "Tab index for --screenshot-tab.", "N", "0"};
    QCommandLineOption runsParallel{"runs-parallel", "With --screenshot-tab: open the Runs tab's Parallel… on every "
                                                     "listed run and grab that window."};
    QCommandLineOption measureSteer{"measure-steer", "With --measure-responsiveness: change the learning rate "
                                                     "through the steering row every MS milliseconds while it trains "
                                                     "(1 and 0.9 in turn).", "MS"};
    QCommandLineOption runsSelect{"runs-select", "With --screenshot-tab: select these runs (ids, comma-separated) in "
                                                 "the Runs tab and open the last.", "IDS"};
    QCommandLineOption lensShot{"screenshot-lens",
                                "Inspect --lens-text with run --lens-run of the library in the Lens tab, show "
                                "--lens-value (e.g. z) of --lens-unit at --lens-step, grab the window, quit.",
                                "PNG"};
    QCommandLineOption lensRun{"lens-run", "Run id for --screenshot-lens.", "ID"};
    QCommandLineOption lensText{"lens-text", "Text for --screenshot-lens.", "TEXT", "time traveller"};
    QCommandLineOption lensValue{"lens-value", "h or a value the cell exposes, for --screenshot-lens.", "NAME", "h"};
    QCommandLineOption lensUnit{"lens-unit", "Unit for --screenshot-lens.", "N", "0"};
    QCommandLineOption lensStep{"lens-step", "Step (character) for --screenshot-lens.", "N", "0"};
    QCommandLineOption lensTrajectory{"lens-trajectory", "With --screenshot-lens: show the state trajectory."};
    QCommandLineOption measureLens{"measure-lens",
                                   "With --measure-responsiveness: show the Lens tab following the run on TEXT.", "TEXT"};
    QCommandLineOption translateDecoder{"translate-decoder",
                                        "With --screenshot-translate: beam 3, and show the decoder's choices."};
    QCommandLineOption lensExport{"lens-export", "With --screenshot-lens: also export every Lens view as PNG into DIR.",
                                  "DIR"};
    QCommandLineOption lessonShot{"screenshot-lesson", "Open --lesson at --lesson-step, grab the window, quit.", "PNG"};
    QCommandLineOption lessonFile{"lesson", "Lesson file (or shipped lesson's name) for --screenshot-lesson.", "FILE"};
    QCommandLineOption lessonStep{"lesson-step", "Step (0 = the first) for --screenshot-lesson.", "N", "0"};
};

void addOptions(QCommandLineParser& parser, ShotOptions& o)
{
    parser.addOptions({o.dataDir, o.set, o.queue, o.library, o.presentation, o.lang, o.measure, o.baseline, o.during, o.duringEpoch,
                       o.after, o.select, o.size, o.translateShot, o.translateEpochs, o.sweepsShot, o.sweepOption, o.runsShot,
                       o.benchScale, o.afterPresentation, o.labShot, o.labStep, o.labQuick, o.labRow, o.tabShot, o.tabIndex, o.runsSelect, o.measureSteer, o.runsParallel, o.lensShot,
                       o.lensRun, o.lensText, o.lensValue, o.lensUnit, o.lensStep, o.lensTrajectory, o.measureLens, o.translateDecoder,
                       o.lensExport, o.lessonShot, o.lessonFile, o.lessonStep});
}

int screenshotLesson(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const ShotOptions& o)
{
    const std::string named = traveller::lesson::resolveLesson(parser.value(o.lessonFile).toStdString());
    const QString path = named.empty() ? parser.value(o.lessonFile) : QString::fromStdString(named);
    window.show();
    if (!window.openLesson(path)) {
        std::fprintf(stderr, "traveller-shots: %s\n", qPrintable(window.lessonError()));
        return 1;
    }
    window.lesson()->showStep(parser.value(o.lessonStep).toInt());
    QTimer::singleShot(800, &app, [&] {
        grabTo(window, parser.value(o.lessonShot));
        app.quit();
    });
    return exitStatus(app.exec());
}

int measureResponsiveness(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const ShotOptions& o)
{
    if (!window.loadExperiment(resolveConfig(parser.value(o.measure))) || !applySets(window, parser.values(o.set))) {
        std::fprintf(stderr, "traveller: %s\n", qPrintable(window.message()));
        return 1;
    }
    window.show();
    auto* probe = new traveller::ui::ResponsivenessProbe(10, &window);
    int lensRefreshes = 0;
    QObject::connect(window.lensPanel(), &traveller::ui::LensPanel::inspected, &app, [&](bool ok) { lensRefreshes += ok; });
    // CPU the GUI thread spends drawing and handling signals, against the whole process.
    double guiCpu0 = 0, processCpu0 = 0;
    QObject::connect(&window, &MainWindow::runFailed, &app, [&](int, const traveller::ui::RunFailure& f) {
        std::fprintf(stderr, "traveller: %s\n", qPrintable(f.message));
        app.exit(1);
    });
    QObject::connect(&window, &MainWindow::runFinished, &app, [&](int id, const traveller::ui::RunOutcome& o) {
        probe->stop();
        const double guiCpu = cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - guiCpu0;
        const double processCpu = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - processCpu0;
        std::printf("{\"event\":\"responsiveness\",\"heartbeat_ms\":10,\"ticks\":%d,\"max_lateness_ms\":%.2f,"
                    "\"p99_lateness_ms\":%.2f,\"mean_lateness_ms\":%.3f,\"status\":\"%s\",\"epochs\":%d,"
                    "\"tokens_per_s\":%.1f,\"seconds\":%.2f,\"threads\":%d,"
                    "\"gui_thread_cpu_s\":%.3f,\"process_cpu_s\":%.3f,\"lens_refreshes\":%d}\n",
                    probe->ticks(), probe->maxLatenessMs(), probe->percentileLatenessMs(99),
                    probe->meanLatenessMs(), traveller::toString(o.status).c_str(), o.epochsDone,
                    o.tokensPerSecond, o.seconds, window.runInfo(id).threads, guiCpu, processCpu, lensRefreshes);
        std::fflush(stdout);
        app.exit(o.status == traveller::RunStatus::Finished ? 0 : 3);
    });
    const int baselineMs = parser.value(o.baseline).toInt();
    auto startTraining = [&] {
        guiCpu0 = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
        processCpu0 = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
        probe->start();
        const int id = window.train();
        if (parser.isSet(o.measureSteer) && id > 0) {
            // A teacher's hand on the rate: typed into the steering row, applied.
            auto* steer = new QTimer(&window);
            QObject::connect(steer, &QTimer::timeout, &window, [&window, steer, n = 0]() mutable {
                auto* lr = window.findChild<QLineEdit*>("steer.train.lr");
                auto* apply = window.findChild<QPushButton*>("steerApply");
                if (!lr || !apply || !apply->isVisible())
                    return;
                lr->setText(++n % 2 ? "0.9" : "1");
                apply->click();
                steer->setProperty("changes", n);
            });
            steer->start(parser.value(o.measureSteer).toInt());
        }
        if (parser.isSet(o.measureLens) && id > 0) {
            window.tabs()->setCurrentWidget(window.lensPanel());
            window.lensPanel()->refreshRuns();
            window.lensPanel()->inspectLive(id, parser.value(o.measureLens));
        }
    };
    QTimer::singleShot(200, &window, [&, baselineMs] {
        if (baselineMs <= 0) {
            startTraining();
            return;
        }
        probe->start();
        QTimer::singleShot(baselineMs, &window, [&] {
            probe->stop();
            std::printf("{\"event\":\"idle_baseline\",\"heartbeat_ms\":10,\"ticks\":%d,\"max_lateness_ms\":%.2f,"
                        "\"p99_lateness_ms\":%.2f,\"mean_lateness_ms\":%.3f}\n",
                        probe->ticks(), probe->maxLatenessMs(), probe->percentileLatenessMs(99),
                        probe->meanLatenessMs());
            startTraining();
        });
    });
    return exitStatus(app.exec());
}

int screenshotTranslate(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const ShotOptions& o)
{
    using traveller::ui::TranslatePanel;
    TranslatePanel* panel = window.translatePanel();
    window.tabs()->setCurrentWidget(panel);
    window.show();
    panel->findChild<QSpinBox*>("translate.epochs")->setValue(parser.value(o.translateEpochs).toInt());
    panel->findChild<QCheckBox*>("translate.attention")->setChecked(true);
    if (parser.isSet(o.translateDecoder)) {
        panel->findChild<QSpinBox*>("translate.beam")->setValue(3);
        panel->findChild<QTabWidget*>("translateLensTabs")->setCurrentIndex(1);
    }
    QObject::connect(panel, &TranslatePanel::trainingFinished, &app, [&, panel] {
        panel->findChild<QLineEdit*>("translateInput")->setText("i'm home .");
        panel->translateInput();
    });
    QObject::connect(panel, &TranslatePanel::translationShown, &app, [&](bool fromInput) {
        if (!fromInput)
            return;
        QTimer::singleShot(300, &app, [&] {
            grabTo(window, parser.value(o.translateShot));
            app.quit();
        });
    });
    QTimer::singleShot(200, panel, &TranslatePanel::train);
    return exitStatus(app.exec());
}

int screenshotTab(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const ShotOptions& o)
{
    window.show();
    window.tabs()->setCurrentIndex(parser.value(o.tabIndex).toInt());
    if (parser.isSet(o.runsSelect)) {
        QList<qint64> ids;
        for (const QString& id : parser.value(o.runsSelect).split(','))
            ids << id.trimmed().toLongLong();
        window.runsPanel()->refresh();
        window.runsPanel()->selectRuns(ids);
        window.runsPanel()->openRun(ids.last());
    }
    QWidget* shown = &window;
    if (parser.isSet(o.runsParallel)) {
        window.tabs()->setCurrentWidget(window.runsPanel());
        window.runsPanel()->refresh();
        if (auto* dialog = window.runsPanel()->parallel({}))
            shown = dialog;
    }
    QTimer::singleShot(800, &app, [&, shown] {
        grabTo(*shown, parser.value(o.tabShot));
        app.quit();
    });
    return exitStatus(app.exec());
}

int screenshotLab(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const ShotOptions& o)
{
    using traveller::ui::LabPanel;
    LabPanel* lab = window.labPanel();
    window.show();
    window.tabs()->setCurrentWidget(lab);
    lab->setQuick(parser.isSet(o.labQuick));
    lab->selectStep(parser.value(o.labStep).toInt());
    if (parser.isSet(o.labRow))
        lab->runsTable()->selectRow(parser.value(o.labRow).toInt());
    QTimer::singleShot(600, &app, [&] {
        grabTo(window, parser.value(o.labShot));
        app.quit();
    });
    return exitStatus(app.exec());
}

int screenshotLens(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const ShotOptions& o)
{
    using traveller::ui::LensPanel;
    LensPanel* lens = window.lensPanel();
    window.show();
    window.tabs()->setCurrentWidget(lens);
    QObject::connect(lens, &LensPanel::inspected, &app, [&](bool ok) {
        if (!ok) {
            std::fprintf(stderr, "traveller: %s\n", qPrintable(lens->message()));
            app.exit(1);
            return;
        }
        int value = -1;
        const auto& names = lens->inspection()->valueNames;
        for (std::size_t i = 0; i < names.size(); ++i)
            if (QString::fromStdString(names[i]) == parser.value(o.lensValue))
                value = static_cast<int>(i);
        lens->choose(0, value, parser.value(o.lensUnit).toInt());
        lens->setStep(parser.value(o.lensStep).toInt());
        if (parser.isSet(o.lensTrajectory))
            lens->findChild<QTabWidget*>("lensViews")->setCurrentIndex(1);
        QTimer::singleShot(400, &app, [&] {
            grabTo(window, parser.value(o.lensShot));
            if (parser.isSet(o.lensExport))
                for (const char* view : {"text", "heatmap", "trajectory", "mean"})
                    lens->exportView(view, QDir(parser.value(o.lensExport)).filePath(QStringLiteral("lens-%1.png").arg(view)));
            app.quit();
        });
    });
    QTimer::singleShot(200, &app, [&] {
        lens->refreshRuns();
        if (!lens->inspectRun(parser.value(o.lensRun).toLongLong(), parser.value(o.lensText))) {
            std::fprintf(stderr, "traveller: %s\n", qPrintable(lens->message()));
            app.exit(1);
        }
    });
    return exitStatus(app.exec());
}

int screenshotSweepsAndRuns(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const ShotOptions& o)
{
    using traveller::ui::RunsPanel;
    using traveller::ui::SweepsPanel;
    SweepsPanel* sweeps = window.sweepsPanel();
    RunsPanel* runs = window.runsPanel();
    window.show();
    // The library tab: the best finished run opened, with text from its weights.
    auto showRuns = [&] {
        window.tabs()->setCurrentWidget(runs);
        runs->refresh();
        QTimer::singleShot(200, &app, [&] {
            const QList<qint64> listed = runs->listedIds();
            qint64 best = -1;
            double bestPpl = 0;
            for (qint64 id : listed) {
                if (runs->cell(id, "Status") != traveller::ui::stateLook(traveller::StoredState::Finished).label)
                    continue;
                const double ppl = runs->cell(id, "Perplexity").toDouble();
                if (best < 0 || ppl < bestPpl) {
                    best = id;
                    bestPpl = ppl;
                }
            }
            if (best < 0) {
                std::fprintf(stderr, "traveller: no finished run in the library\n");
                grabTo(window, parser.value(o.runsShot));
                app.exit(1);
                return;
            }
            QObject::connect(runs, &RunsPanel::generated, &app, [&](qint64, const QString&, const QString& error) {
                if (!error.isEmpty())
                    std::fprintf(stderr, "traveller: %s\n", qPrintable(error));
                QTimer::singleShot(300, &app, [&] {
                    grabTo(window, parser.value(o.runsShot));
                    app.quit();
                });
            });
            runs->openRun(best);
            runs->regenerate("the time machine", 120, 0.0);
        });
    };
    if (!parser.isSet(o.sweepsShot)) {
        QTimer::singleShot(200, &app, showRuns);
        return exitStatus(app.exec());
    }
    window.tabs()->setCurrentWidget(sweeps);
    if (!sweeps->loadSweepFile(resolveSweep(parser.value(o.sweepOption)))) {
        std::fprintf(stderr, "traveller: %s\n", qPrintable(sweeps->message()));
        return 1;
    }
    for (const QString& kv : parser.values(o.set)) {
        const int eq = kv.indexOf('=');
        if (eq <= 0 || !sweeps->setBaseValue(kv.left(eq), kv.mid(eq + 1))) {
            std::fprintf(stderr, "traveller: --set %s: %s\n", qPrintable(kv), qPrintable(sweeps->message()));
            return 1;
        }
    }
    QObject::connect(sweeps, &SweepsPanel::sweepFinished, &app, [&] {
        // Sorted by perplexity, best first.
        auto* view = sweeps->resultsView();
        view->sortByColumn(sweeps->column("Perplexity"), Qt::AscendingOrder);
        QTimer::singleShot(300, &app, [&] {
            grabTo(window, parser.value(o.sweepsShot));
            if (parser.isSet(o.runsShot))
                showRuns();
            else
                app.quit();
        });
    });
    QTimer::singleShot(200, &app, [&] {
        if (!sweeps->start()) {
            std::fprintf(stderr, "traveller: %s\n", qPrintable(sweeps->message()));
            app.exit(1);
        }
    });
    return exitStatus(app.exec());
}
// The window as a person uses it, with --queue and the grabs made while
// (or after) the queue trains.
int runQueue(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const ShotOptions& o)
{
    if (parser.isSet(o.presentation))
        window.setPresentationMode(true);
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty())
        window.loadExperiment(resolveConfig(positional.first()));
    if (!parser.values(o.set).isEmpty() && parser.values(o.queue).isEmpty())
        applySets(window, parser.values(o.set));
    window.show();

    const QStringList queued = parser.values(o.queue);
    for (const QString& config : queued) {
        if (!window.loadExperiment(resolveConfig(config)) || !applySets(window, parser.values(o.set)))
            return 1;
        window.train();
    }

    if (parser.isSet(o.during) && !queued.isEmpty()) {
        const int lastId = window.runIds().isEmpty() ? -1 : window.runIds().last();
        const int epochs = window.panel()->config().train.epochs;
        const int target = parser.isSet(o.duringEpoch) ? parser.value(o.duringEpoch).toInt() : std::max(1, epochs / 2);
        auto* poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, lastId, target, path = parser.value(o.during)] {
            const auto state = window.runState(lastId);
            const int reached = window.perplexityChart()->pointCount(window.seriesKey(lastId));
            if (state == MainWindow::RunState::Training && reached >= target) {
                poll->stop();
                grabTo(window, path);
            }
        });
        poll->start(100);
    }
    if (parser.isSet(o.after)) {
        const int selectRun = parser.value(o.select).toInt();
        QObject::connect(&window, &MainWindow::queueDrained, &app, [&, selectRun] {
            if (selectRun > 0)
                window.samplesView()->selectRun(selectRun);
            QTimer::singleShot(300, &app, [&] {
                grabTo(window, parser.value(o.after));
                if (!parser.isSet(o.afterPresentation)) {
                    app.quit();
                    return;
                }
                // The same runs on a projector: presentation mode, then a second grab.
                window.setPresentationMode(true);
                QTimer::singleShot(500, &app, [&] {
                    grabTo(window, parser.value(o.afterPresentation));
                    app.quit();
                });
            });
        });
    }
    return exitStatus(app.exec());
}

} // namespace

int main(int argc, char** argv)
{
    auto withoutWindow = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName("traveller-shots");
    QCoreApplication::setApplicationVersion(TRAVELLER_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("traveller-shots — the Traveller window driven by a script: the docs' "
                                     "screenshots and the window's measurements");
    parser.addHelpOption();
    parser.addVersionOption();
    ShotOptions o;
    addOptions(parser, o);
    if (const int answered = answerWithoutWindow(parser, "traveller-shots"); answered >= 0)
        return answered;
    withoutWindow.reset();
    QApplication app(argc, argv);
    if (parser.isSet(o.library))
        qputenv("TRAVELLER_HOME", QFile::encodeName(parser.value(o.library)));
    if (parser.isSet(o.benchScale))
        return runScaleBench(parser.value(o.benchScale).toInt(), 100);
    traveller::setTrainingThreads(0);
    if (!chooseLanguage(parser.value(o.lang), "traveller-shots"))
        return 2;
    MainWindow window(parser.value(o.dataDir));
    // Without --size the window fits the screen it opens on (MainWindow does).
    const QStringList wh = parser.value(o.size).split('x');
    if (parser.isSet(o.size) && wh.size() == 2)
        window.resize(wh[0].toInt(), wh[1].toInt());
    // Before any grab, so that a screenshot shows presentation mode.
    if (parser.isSet(o.presentation))
        window.setPresentationMode(true);
    if (parser.isSet(o.measure))
        return measureResponsiveness(app, window, parser, o);
    if (parser.isSet(o.translateShot))
        return screenshotTranslate(app, window, parser, o);
    if (parser.isSet(o.tabShot))
        return screenshotTab(app, window, parser, o);
    if (parser.isSet(o.labShot))
        return screenshotLab(app, window, parser, o);
    if (parser.isSet(o.lensShot))
        return screenshotLens(app, window, parser, o);
    if (parser.isSet(o.lessonShot))
        return screenshotLesson(app, window, parser, o);
    if (parser.isSet(o.sweepsShot) || parser.isSet(o.runsShot))
        return screenshotSweepsAndRuns(app, window, parser, o);
    return runQueue(app, window, parser, o);
}
