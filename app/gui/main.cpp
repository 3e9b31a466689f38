// traveller: the Qt workbench. Besides the interactive window it has two
// scripted modes used for the docs: --measure-responsiveness (GUI-thread
// lateness while a run trains), --queue/--screenshot-* (unattended
// comparisons with window grabs) and --screenshot-sweeps/--screenshot-runs
// (a small sweep recorded in the run library, then the library).
#include "ScaleBench.h"
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Presets.h"
#include "traveller/core/Training.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/LabPanel.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LensPanel.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/ResponsivenessProbe.h"
#include "traveller/ui/RunsPanel.h"
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

namespace {

double cpuSeconds(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

QString resolveConfig(const QString& arg)
{
    try {
        return QString::fromStdString(traveller::resolvePreset(arg.toStdString(), traveller::PresetKind::Experiment));
    } catch (const traveller::Error&) {
        return arg;  // loadExperiment reports it
    }
}

bool applySets(MainWindow& window, const QStringList& sets)
{
    for (const QString& kv : sets) {
        try {
            const auto [key, value] = traveller::splitSetting(kv.toStdString());
            window.panel()->setValue(QString::fromStdString(key), QString::fromStdString(value));
        } catch (const traveller::Error& e) {
            std::fprintf(stderr, "traveller: --set %s: %s\n", qPrintable(kv), e.what());
            return false;
        }
    }
    if (!window.panel()->checkInput()) {
        std::fprintf(stderr, "traveller: %s\n", qPrintable(window.panel()->validationMessage()));
        return false;
    }
    return true;
}

QString resolveSweep(const QString& arg)
{
    try {
        return QString::fromStdString(traveller::resolvePreset(arg.toStdString(), traveller::PresetKind::Sweep));
    } catch (const traveller::Error&) {
        return arg;  // loadSweepFile reports it
    }
}

bool grabFailed = false;  // a screenshot that could not be written fails the command

void grabTo(QWidget& window, const QString& path)
{
    if (!window.grab().save(path)) {
        std::fprintf(stderr, "traveller: could not write %s\n", qPrintable(path));
        grabFailed = true;
    } else {
        std::fprintf(stderr, "traveller: wrote %s\n", qPrintable(path));
    }
}

int exitStatus(int status) { return status == 0 && grabFailed ? 1 : status; }

// --help, --version and a bad option are answered as the CLI answers them,
// before the window's QApplication exists (it needs a display): help on
// stdout (exit 0), a bad option on stderr (exit 2). -1: go on.
// The arguments less Qt's own (-platform offscreen, -style fusion, ...),
// which QApplication takes out of argv itself.
QStringList withoutQtOptions(QStringList args)
{
    static const QStringList withValue = {"-platform", "-platformpluginpath", "-platformtheme", "-plugin",
                                          "-qwindowgeometry", "-qwindowtitle", "-qwindowicon", "-display",
                                          "-geometry", "-style", "-stylesheet", "-session", "-name", "-title"};
    static const QStringList alone = {"-reverse", "-widgetcount", "-nograb", "-dograb", "-sync"};
    for (int i = 1; i < args.size();) {
        const QString name = args[i].section('=', 0, 0);
        if (withValue.contains(name)) {
            args.erase(args.begin() + i, args.begin() + std::min<int>(i + (args[i].contains('=') ? 1 : 2), args.size()));
        } else if (alone.contains(args[i])) {
            args.removeAt(i);
        } else {
            ++i;
        }
    }
    return args;
}

int answerWithoutWindow(QCommandLineParser& parser)
{
    if (!parser.parse(withoutQtOptions(QCoreApplication::arguments()))) {
        std::fprintf(stderr, "traveller: %s\nRun 'traveller --help' for the options.\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        std::printf("traveller %s\n", TRAVELLER_VERSION);
        return 0;
    }
    if (parser.positionalArguments().size() > 1) {
        std::fprintf(stderr, "traveller: one experiment at most, got %lld\n",
                     static_cast<long long>(parser.positionalArguments().size()));
        return 2;
    }
    return -1;
}

// The options the docs' scripted modes use: kept out of --help.
void hideFromHelp(std::initializer_list<QCommandLineOption*> options)
{
    for (QCommandLineOption* o : options)
        o->setFlags(QCommandLineOption::HiddenFromHelp);
}

} // namespace

int main(int argc, char** argv)
{
    auto withoutWindow = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName("traveller");
    QCoreApplication::setApplicationVersion(TRAVELLER_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Traveller — train and compare recurrent language models (Dive into Deep Learning, ch. 8-9)");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("config", "Experiment file or preset name to open.", "[CONFIG]");
    QCommandLineOption dataDir("data-dir", "Folder holding timemachine.txt.", "DIR");
    QCommandLineOption set("set", "Override a key of the opened/queued experiments (repeatable).", "KEY=VALUE");
    QCommandLineOption queue("queue", "Queue this experiment and start training (repeatable).", "CONFIG");
    QCommandLineOption measure("measure-responsiveness",
                               "Train CONFIG with the window open, then print the GUI thread's event-loop lateness and the run's tokens/s as JSON and exit.",
                               "CONFIG");
    QCommandLineOption during("screenshot-during", "Grab the window while training.", "PNG");
    QCommandLineOption duringEpoch("during-epoch", "Take --screenshot-during when the last queued run reaches this epoch (default: half its epochs).", "N");
    QCommandLineOption after("screenshot-after", "Grab the window when the queue is done, then quit.", "PNG");
    QCommandLineOption select("select-run", "Select this run (1-based) before the final grab.", "N");
    QCommandLineOption baseline("baseline-ms",
                                "With --measure-responsiveness: first measure the idle window for this long, to separate the machine's scheduling noise from the training's.",
                                "MS", "0");
    QCommandLineOption size("size", "Window size for grabs (default: fit the screen).", "WxH");
    QCommandLineOption translateShot("screenshot-translate",
                                     "Train a short attention run in the Translate tab, translate a sentence, grab the window, quit.",
                                     "PNG");
    QCommandLineOption translateEpochs("translate-epochs", "Epochs for --screenshot-translate.", "N", "100");
    QCommandLineOption library("library", "Run library folder (default: $TRAVELLER_HOME, then ~/.local/share/traveller).",
                               "DIR");
    QCommandLineOption sweepsShot("screenshot-sweeps",
                                  "Run --sweep in the Sweeps tab (with --set applied to its base), grab the window when "
                                  "it is done.",
                                  "PNG");
    QCommandLineOption sweepOption("sweep", "Sweep preset name or file for --screenshot-sweeps.", "SWEEP", "lab-rnn-lr");
    QCommandLineOption runsShot("screenshot-runs",
                                "Open the best finished run of the library (after --screenshot-sweeps' sweep, if "
                                "given) in the Runs tab, write text with its weights, grab the window, quit.",
                                "PNG");
    QCommandLineOption benchScale("bench-scale",
                                  "Time the window with a temporary library of RUNS runs and a 64 x 1,000-epoch "
                                  "overlay; print JSON lines and exit.",
                                  "RUNS");
    QCommandLineOption presentation("presentation", "Start in presentation mode (large text, the form folded away).");
    QCommandLineOption afterPresentation("screenshot-after-presentation",
                                         "With --screenshot-after: then switch to presentation mode and grab again.",
                                         "PNG");
    QCommandLineOption langOption("lang",
                                  "Language of the window: en or zh_CN (default: the one last chosen in View > "
                                  "Language, else the system's).",
                                  "LANG");
    QCommandLineOption labShot("screenshot-lab",
                               "Show step --lab-step (0-5) of the Lab tab with the library's runs, grab the window, "
                               "quit.",
                               "PNG");
    QCommandLineOption labStep("lab-step", "Step index (0 = 1.1 RNN ... 5 = 3 Conclusions) for --screenshot-lab.", "N",
                               "0");
    QCommandLineOption labQuick("lab-quick", "With --screenshot-lab: the quick lab's runs.");
    QCommandLineOption labRow("lab-row", "With --screenshot-lab: select this row of the step's table.", "N");
    QCommandLineOption tabShot("screenshot-tab", "Show tab --tab (0 = Language model ... 5 = Lab) with the library's "
                                                 "runs, grab the window, quit.",
                               "PNG");
    QCommandLineOption tabIndex("tab", "Tab index for --screenshot-tab.", "N", "0");
    QCommandLineOption lensShot("screenshot-lens",
                                "Inspect --lens-text with run --lens-run of the library in the Lens tab, show "
                                "--lens-value (e.g. z) of --lens-unit at --lens-step, grab the window, quit.",
                                "PNG");
    QCommandLineOption lensRun("lens-run", "Run id for --screenshot-lens.", "ID");
    QCommandLineOption lensText("lens-text", "Text for --screenshot-lens.", "TEXT", "time traveller");
    QCommandLineOption lensValue("lens-value", "h or a value the cell exposes, for --screenshot-lens.", "NAME", "h");
    QCommandLineOption lensUnit("lens-unit", "Unit for --screenshot-lens.", "N", "0");
    QCommandLineOption lensStep("lens-step", "Step (character) for --screenshot-lens.", "N", "0");
    QCommandLineOption lensTrajectory("lens-trajectory", "With --screenshot-lens: show the state trajectory.");
    QCommandLineOption measureLens("measure-lens",
                                   "With --measure-responsiveness: show the Lens tab following the run on TEXT.", "TEXT");
    QCommandLineOption translateDecoder("translate-decoder",
                                        "With --screenshot-translate: beam 3, and show the decoder's choices.");
    QCommandLineOption lensExport("lens-export", "With --screenshot-lens: also export every Lens view as PNG into DIR.",
                                  "DIR");
    hideFromHelp({&measure, &baseline, &during, &duringEpoch, &after, &select, &size, &translateShot,
                  &translateEpochs, &sweepsShot, &sweepOption, &runsShot, &benchScale, &afterPresentation, &labShot,
                  &labStep, &labQuick, &labRow, &tabShot, &tabIndex, &lensShot, &lensRun, &lensText, &lensValue,
                  &lensUnit, &lensStep, &lensTrajectory, &measureLens, &translateDecoder, &lensExport});
    parser.addOptions({dataDir, set, queue, library, presentation, langOption, measure, baseline, during, duringEpoch,
                       after, select, size, translateShot, translateEpochs, sweepsShot, sweepOption, runsShot,
                       benchScale, afterPresentation, labShot, labStep, labQuick, labRow, tabShot, tabIndex, lensShot,
                       lensRun, lensText, lensValue, lensUnit, lensStep, lensTrajectory, measureLens, translateDecoder,
                       lensExport});
    if (const int answered = answerWithoutWindow(parser); answered >= 0)
        return answered;
    withoutWindow.reset();
    QApplication app(argc, argv);
    if (parser.isSet(library))
        qputenv("TRAVELLER_HOME", QFile::encodeName(parser.value(library)));

    if (parser.isSet(benchScale))
        return runScaleBench(parser.value(benchScale).toInt(), 100);

    traveller::setTrainingThreads(0);  // every core; the GUI thread stays responsive anyway
    // The language before the window exists, so that its texts are made in it.
    QString lang = parser.value(langOption);
    if (lang.isEmpty())
        lang = QSettings(QStringLiteral("Traveller"), QStringLiteral("traveller")).value(QStringLiteral("language")).toString();
    if (lang.isEmpty())
        lang = traveller::ui::systemLanguage();
    if (!traveller::ui::setLanguage(lang)) {
        std::fprintf(stderr, "traveller: no translation for --lang %s (en or zh_CN)\n", qPrintable(lang));
        return 2;
    }
    MainWindow window(parser.value(dataDir));
    // Without --size the window fits the screen it opens on (MainWindow does).
    const QStringList wh = parser.value(size).split('x');
    if (parser.isSet(size) && wh.size() == 2)
        window.resize(wh[0].toInt(), wh[1].toInt());
    // Before any grab below, so that --screenshot-* shows presentation mode.
    if (parser.isSet(presentation))
        window.setPresentationMode(true);

    if (parser.isSet(measure)) {
        if (!window.loadExperiment(resolveConfig(parser.value(measure))) || !applySets(window, parser.values(set))) {
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
        const int baselineMs = parser.value(baseline).toInt();
        auto startTraining = [&] {
            guiCpu0 = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
            processCpu0 = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
            probe->start();
            const int id = window.train();
            if (parser.isSet(measureLens) && id > 0) {
                window.tabs()->setCurrentWidget(window.lensPanel());
                window.lensPanel()->refreshRuns();
                window.lensPanel()->inspectLive(id, parser.value(measureLens));
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

    if (parser.isSet(translateShot)) {
        using traveller::ui::TranslatePanel;
        TranslatePanel* panel = window.translatePanel();
        window.tabs()->setCurrentWidget(panel);
        window.show();
        panel->findChild<QSpinBox*>("translate.epochs")->setValue(parser.value(translateEpochs).toInt());
        panel->findChild<QCheckBox*>("translate.attention")->setChecked(true);
        if (parser.isSet(translateDecoder)) {
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
                grabTo(window, parser.value(translateShot));
                app.quit();
            });
        });
        QTimer::singleShot(200, panel, &TranslatePanel::train);
        return exitStatus(app.exec());
    }

    if (parser.isSet(tabShot)) {
        window.show();
        window.tabs()->setCurrentIndex(parser.value(tabIndex).toInt());
        QTimer::singleShot(800, &app, [&] {
            grabTo(window, parser.value(tabShot));
            app.quit();
        });
        return exitStatus(app.exec());
    }

    if (parser.isSet(labShot)) {
        using traveller::ui::LabPanel;
        LabPanel* lab = window.labPanel();
        window.show();
        window.tabs()->setCurrentWidget(lab);
        lab->setQuick(parser.isSet(labQuick));
        lab->selectStep(parser.value(labStep).toInt());
        if (parser.isSet(labRow))
            lab->runsTable()->selectRow(parser.value(labRow).toInt());
        QTimer::singleShot(600, &app, [&] {
            grabTo(window, parser.value(labShot));
            app.quit();
        });
        return exitStatus(app.exec());
    }

    if (parser.isSet(lensShot)) {
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
                if (QString::fromStdString(names[i]) == parser.value(lensValue))
                    value = static_cast<int>(i);
            lens->choose(0, value, parser.value(lensUnit).toInt());
            lens->setStep(parser.value(lensStep).toInt());
            if (parser.isSet(lensTrajectory))
                lens->findChild<QTabWidget*>("lensViews")->setCurrentIndex(1);
            QTimer::singleShot(400, &app, [&] {
                grabTo(window, parser.value(lensShot));
                if (parser.isSet(lensExport))
                    for (const char* view : {"text", "heatmap", "trajectory", "mean"})
                        lens->exportView(view, QDir(parser.value(lensExport)).filePath(QStringLiteral("lens-%1.png").arg(view)));
                app.quit();
            });
        });
        QTimer::singleShot(200, &app, [&] {
            lens->refreshRuns();
            if (!lens->inspectRun(parser.value(lensRun).toLongLong(), parser.value(lensText))) {
                std::fprintf(stderr, "traveller: %s\n", qPrintable(lens->message()));
                app.exit(1);
            }
        });
        return exitStatus(app.exec());
    }

    if (parser.isSet(sweepsShot) || parser.isSet(runsShot)) {
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
                    if (runs->cell(id, "Status") != "finished")
                        continue;
                    const double ppl = runs->cell(id, "Perplexity").toDouble();
                    if (best < 0 || ppl < bestPpl) {
                        best = id;
                        bestPpl = ppl;
                    }
                }
                if (best < 0) {
                    std::fprintf(stderr, "traveller: no finished run in the library\n");
                    grabTo(window, parser.value(runsShot));
                    app.exit(1);
                    return;
                }
                QObject::connect(runs, &RunsPanel::generated, &app, [&](qint64, const QString&, const QString& error) {
                    if (!error.isEmpty())
                        std::fprintf(stderr, "traveller: %s\n", qPrintable(error));
                    QTimer::singleShot(300, &app, [&] {
                        grabTo(window, parser.value(runsShot));
                        app.quit();
                    });
                });
                runs->openRun(best);
                runs->regenerate("the time machine", 120, 0.0);
            });
        };
        if (!parser.isSet(sweepsShot)) {
            QTimer::singleShot(200, &app, showRuns);
            return exitStatus(app.exec());
        }
        window.tabs()->setCurrentWidget(sweeps);
        if (!sweeps->loadSweepFile(resolveSweep(parser.value(sweepOption)))) {
            std::fprintf(stderr, "traveller: %s\n", qPrintable(sweeps->message()));
            return 1;
        }
        for (const QString& kv : parser.values(set)) {
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
                grabTo(window, parser.value(sweepsShot));
                if (parser.isSet(runsShot))
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

    // The interactive window remembers its geometry, tab, zoom and form.
    QApplication::setOrganizationName("Traveller");
    if (!parser.isSet(size) && parser.values(queue).isEmpty())
        window.restoreSettings();
    if (parser.isSet(presentation))
        window.setPresentationMode(true);
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty())
        window.loadExperiment(resolveConfig(positional.first()));
    if (!parser.values(set).isEmpty() && parser.values(queue).isEmpty())
        applySets(window, parser.values(set));
    window.show();

    const QStringList queued = parser.values(queue);
    for (const QString& config : queued) {
        if (!window.loadExperiment(resolveConfig(config)) || !applySets(window, parser.values(set)))
            return 1;
        window.train();
    }

    if (parser.isSet(during) && !queued.isEmpty()) {
        const int lastId = window.runIds().isEmpty() ? -1 : window.runIds().last();
        const int epochs = window.panel()->config().train.epochs;
        const int target = parser.isSet(duringEpoch) ? parser.value(duringEpoch).toInt() : std::max(1, epochs / 2);
        auto* poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, lastId, target, path = parser.value(during)] {
            const auto state = window.runState(lastId);
            const int reached = window.perplexityChart()->pointCount(window.seriesKey(lastId));
            if (state == MainWindow::RunState::Training && reached >= target) {
                poll->stop();
                grabTo(window, path);
            }
        });
        poll->start(100);
    }
    if (parser.isSet(after)) {
        const int selectRun = parser.value(select).toInt();
        QObject::connect(&window, &MainWindow::queueDrained, &app, [&, selectRun] {
            if (selectRun > 0)
                window.samplesView()->selectRun(selectRun);
            QTimer::singleShot(300, &app, [&] {
                grabTo(window, parser.value(after));
                if (!parser.isSet(afterPresentation)) {
                    app.quit();
                    return;
                }
                // The same runs on a projector: presentation mode, then a second grab.
                window.setPresentationMode(true);
                QTimer::singleShot(500, &app, [&] {
                    grabTo(window, parser.value(afterPresentation));
                    app.quit();
                });
            });
        });
    }
    return exitStatus(app.exec());
}
