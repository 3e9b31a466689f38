// Drives the real workbench window offscreen: fields are typed into, buttons
// clicked, and the charts, tables and samples checked for what a student
// would see. Runs are tiny (hidden 32, 2000 characters) to stay fast.
#include "traveller/core/Errors.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/CorpusBanner.h"
#include "traveller/ui/CorpusLocations.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/LabPanel.h"
#include "traveller/ui/LanguageModelPanel.h"
#include "traveller/ui/TranslatePanel.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/SamplesView.h"
#include "WindowDriver.h"

#include <QChartView>
#include <QCheckBox>
#include <QLegend>
#include <QLegendMarker>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableWidget>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <cmath>

using traveller::ui::CorpusBanner;
using traveller::ui::LineChart;
using traveller::ui::MainWindow;
using State = MainWindow::RunState;
using namespace traveller::ui::test;

namespace {

constexpr int kRunTimeoutMs = 60000;

// A run small enough for a test: ~7 batches of 8 x 35 characters per epoch.
void setSmallRun(MainWindow& w, const QString& arch, int epochs)
{
    setField(w, "model.arch", arch);
    setField(w, "model.hidden", "32");
    setField(w, "train.epochs", QString::number(epochs));
    setField(w, "data.max_tokens", "2000");
    setField(w, "data.batch_size", "8");
    setField(w, "sample.every", "2");
    setField(w, "train.device", "cpu");
}

bool finished(MainWindow& w, int id) { return ended(w, id); }

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        traveller::setTrainingThreads(2);
        QVERIFY2(QFile::exists(qEnvironmentVariable("TRAVELLER_DATA_DIR") + "/timemachine.txt"),
                 "set TRAVELLER_DATA_DIR to a folder with timemachine.txt");
    }

    // Issue 24, item 9: a wrapped sample keeps its whole row when
    // presentation mode (or zoom) changes the text size and the columns.
    void aWrappedSampleRowIsWholeInPresentationMode()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        auto* samples = w.findChild<traveller::ui::SamplesView*>();
        auto* table = w.findChild<QTableWidget*>("samplesTable");
        QVERIFY(samples && table);
        samples->addRun(9001, "long sample");
        samples->addSample(9001, 7, QString("time traveller ") + QString("and the the of the time ").repeated(8));
        const int row = table->rowCount() - 1;
        const QAbstractItemView* view = table;  // its sizeHintForRow is public there
        const auto whole = [&] { return table->rowHeight(row) >= view->sizeHintForRow(row); };
        QVERIFY(whole());
        for (bool on : {true, false}) {
            w.setPresentationMode(on);
            QCoreApplication::processEvents();
            QVERIFY2(whole(), qPrintable(QStringLiteral("presentation %1: row %2 < %3")
                                             .arg(on).arg(table->rowHeight(row)).arg(view->sizeHintForRow(row))));
        }
        w.setZoom(1.3);
        QCoreApplication::processEvents();
        QVERIFY(whole());
        w.setZoom(1.0);
        // The form dragged wider: the sample's column narrows, its row grows.
        auto* split = w.findChild<QSplitter*>("languageModelSplitter");
        QVERIFY(split);
        split->setSizes({600, std::max(1, split->width() - 600)});
        QCoreApplication::processEvents();
        QVERIFY2(whole(), qPrintable(QStringLiteral("narrowed: row %1 < %2").arg(table->rowHeight(row)).arg(view->sizeHintForRow(row))));
        samples->removeRun(9001);
    }

    void formHasBookDefaultsPresetsAndDevices()
    {
        MainWindow w;
        w.show();
        QCOMPARE(w.findChild<QLineEdit*>("model.hidden")->text(), QString("256"));
        QCOMPARE(w.findChild<QLineEdit*>("train.lr")->text(), QString("1"));
        QCOMPARE(w.findChild<QLineEdit*>("data.num_steps")->text(), QString("35"));
        QVERIFY(w.findChild<QLineEdit*>("train.lr")->toolTip().contains("Learning rate"));

        auto* impl = w.findChild<QComboBox*>("model.impl");
        QVERIFY(impl->findText("fused (fast CPU)") >= 0);

        auto* device = w.findChild<QComboBox*>("train.device");
        QCOMPARE(device->currentData().toString(), QString("auto"));  // the schema's default
        QVERIFY(device->findData("cpu") >= 1);
        QVERIFY(device->itemText(device->findData("cpu")).startsWith("CPU ("));
        auto* note = w.findChild<QLabel*>("deviceNote");
        if (!traveller::cudaSupportCompiled())
            QVERIFY(!note->isHidden() && note->text().contains("CPU-only"));

        // Presets are listed by their experiment's name, not their file's.
        auto* presets = w.findChild<QComboBox*>("presetCombo");
        int gru = -1;
        for (int i = 0; i < presets->count(); ++i)
            if (presets->itemData(i).toString().endsWith("/book-gru.yaml"))
                gru = i;
        QVERIFY2(gru >= 0, "book-gru preset not found");
        const QString gruPath = presets->itemData(gru).toString();
        QCOMPARE(presets->itemText(gru), QString::fromStdString(traveller::loadExperimentFile(gruPath.toStdString()).name));
        QVERIFY(presets->itemText(gru) != QFileInfo(gruPath).completeBaseName());
        QVERIFY(w.loadExperiment(gruPath));
        QCOMPARE(w.panel()->value("model.arch"), QString("gru"));
        QCOMPARE(w.panel()->value("model.hidden"), QString("256"));

        // Every key has its field: set, it reaches the experiment (and the saved file).
        w.panel()->setValue("train.optimizer", "adam");
        QCOMPARE(w.panel()->config().train.optimizer, traveller::Optimizer::Adam);
        w.panel()->setValue("train.threads", "many");
        QVERIFY(w.findChild<QLineEdit*>("train.threads")->property("invalid").toBool());
        QVERIFY_THROWS_EXCEPTION(traveller::ConfigError, w.panel()->config());
        w.panel()->setValue("train.threads", "0");
        QVERIFY_THROWS_EXCEPTION(traveller::ConfigError, w.panel()->setValue("train.no_such_key", "1"));

        QTemporaryDir dir;
        setField(w, "train.lr", "0.5");
        const QString saved = dir.filePath("mine.yaml");
        QVERIFY(w.saveExperiment(saved));
        MainWindow other;
        QVERIFY(other.loadExperiment(saved));
        QCOMPARE(other.panel()->value("train.lr"), QString("0.5"));
        QCOMPARE(other.panel()->value("model.arch"), QString("gru"));
        QCOMPARE(other.panel()->config().train.optimizer, traveller::Optimizer::Adam);
    }

    // Every setting that changes a run is in the form: an experiment loaded
    // from YAML with any key away from its default reads back from the form
    // unchanged, key by key and all at once, and each key's field shows it.
    void everySettingIsInTheFormAndReadsBackAsLoaded()
    {
        const QHash<QString, QString> changed = {
            {"name", "my run"},           {"model.arch", "gru"},           {"model.impl", "scratch"},
            {"model.hidden", "37"},       {"model.layers", "2"},           {"model.embedding", "16"},
            {"train.epochs", "7"},        {"train.lr", "0.25"},            {"train.optimizer", "adam"},
            {"train.clip", "0"},          {"train.device", "cpu"},         {"train.seed", "42"},
            {"train.threads", "3"},       {"train.on_divergence", "continue"},
            {"train.detach_state", "false"},    {"train.schedule", "[{epoch: 3, set: {train.lr: 0.5}}]"},
            {"train.lr_schedule", "cosine"}, {"train.lr_step_every", "20"}, {"train.lr_step_gamma", "0.25"},
            {"train.lr_warmup", "5"},     {"train.lr_min_factor", "0.1"},  {"train.keep_checkpoints", "50"},
            {"train.precision", "bf16"},  {"data.corpus", "/tmp/other.txt"},
            {"data.tokens", "word"},      {"data.max_tokens", "0"},        {"data.heldout", "500"},
            {"data.batch_size", "4"},     {"data.num_steps", "9"},         {"data.sampling", "random"},
            {"data.join_lines", "space"}, {"data.normalize", "unicode"},   {"sample.prefix", "the time"},
            {"sample.every", "3"},        {"sample.length", "17"},         {"sample.temperature", "0.7"},
        };
        QTemporaryDir dir;
        MainWindow w;
        w.show();
        traveller::ui::ExperimentPanel* form = w.panel();
        auto loadAndReadBack = [&](const traveller::ExperimentConfig& loaded, const QString& file) {
            const QString path = dir.filePath(file);
            traveller::saveExperimentFile(loaded, path.toStdString());
            QVERIFY(w.loadExperiment(path));
            QCOMPARE(QString::fromStdString(traveller::toYaml(form->config())),
                     QString::fromStdString(traveller::toYaml(loaded)));
        };
        traveller::ExperimentConfig everything;
        for (const auto& info : traveller::configSchema()) {
            const QString key = QString::fromStdString(info.key);
            QVERIFY2(changed.contains(key), qPrintable("no value for " + key + " in this test"));
            traveller::ExperimentConfig one;
            traveller::setConfigValue(one, info.key, changed[key].toStdString());
            traveller::setConfigValue(everything, info.key, changed[key].toStdString());
            QVERIFY2(traveller::configValue(one, info.key) != info.defaultValue, qPrintable(key));
            loadAndReadBack(one, "one.yaml");
            auto* field = w.findChild<QWidget*>(key);
            QVERIFY2(field, qPrintable("no field for " + key));
            QVERIFY2(field->isVisibleTo(&w), qPrintable(key + " is out of sight"));
            QCOMPARE(form->value(key), QString::fromStdString(traveller::configValue(one, info.key)));
        }
        loadAndReadBack(everything, "everything.yaml");
        loadAndReadBack(traveller::ExperimentConfig{}, "defaults.yaml");

        // The lab's lr-10 runs train through a blow-up: a form showing lr 10
        // says so, and a fresh one says it stops.
        MainWindow fresh;
        fresh.show();
        auto* divergence = fresh.findChild<QComboBox*>("train.on_divergence");
        QVERIFY(divergence && divergence->isVisibleTo(&fresh));
        QCOMPARE(divergence->currentData().toString(), QString("stop"));
        QCOMPARE(fresh.panel()->config().train.onDivergence, traveller::OnDivergence::Stop);
        traveller::ExperimentConfig lab;
        lab.train.lr = 10;
        lab.train.onDivergence = traveller::OnDivergence::Continue;
        fresh.panel()->setConfig(lab);
        QCOMPARE(divergence->currentData().toString(), QString("continue"));
        QVERIFY(divergence->isVisibleTo(&fresh));
        QCOMPARE(fresh.panel()->config().train.onDivergence, traveller::OnDivergence::Continue);

        // "More settings" opens by itself for a key it holds and says how many differ.
        auto* more = fresh.findChild<QToolButton*>("advancedToggle");
        QVERIFY(more && !more->isChecked());
        lab.train.detachState = false;
        fresh.panel()->setConfig(lab);
        QVERIFY(more->isChecked());
        QVERIFY(fresh.findChild<QComboBox*>("train.detach_state")->isVisibleTo(&fresh));
        QVERIFY(more->text().contains('1'));
    }

    void invalidInputIsRefusedWithAMessage()
    {
        MainWindow w;
        w.show();
        setField(w, "train.lr", "fast");
        auto* lr = w.findChild<QLineEdit*>("train.lr");
        QVERIFY(lr->property("invalid").toBool());  // flagged while typing
        auto* validation = w.findChild<QLabel*>("validationMessage");
        QVERIFY(!validation->isHidden());
        QVERIFY2(validation->text().contains("train.lr"), qPrintable(validation->text()));

        click(w, "trainButton");
        QCOMPARE(w.runCount(), 0);
        auto* message = w.findChild<QLabel*>("messageLabel");
        QVERIFY(!message->isHidden());
        QVERIFY2(message->text().contains("Learning rate"), qPrintable(message->text()));

        setField(w, "train.lr", "1");
        QVERIFY(!lr->property("invalid").toBool());
        setField(w, "model.hidden", "0");
        click(w, "trainButton");
        QCOMPARE(w.runCount(), 0);
        QVERIFY2(message->text().contains("model.hidden"), qPrintable(message->text()));
        setField(w, "data.batch_size", "-3");
        QVERIFY(w.findChild<QLineEdit*>("data.batch_size")->property("invalid").toBool());
    }

    void badYamlNamesKeyAndLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.yaml");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("model:\n  arch: gru\ntrain:\n  lr: fast\n");
        f.close();
        MainWindow w;
        w.show();
        QVERIFY(!w.loadExperiment(path));
        const QString message = w.findChild<QLabel*>("messageLabel")->text();
        QVERIFY2(message.contains("train.lr") && message.contains("line 4"), qPrintable(message));
        QVERIFY(w.findChild<QLineEdit*>("train.lr")->property("invalid").toBool());
    }

    void shortRunsShowCurvesSamplesAndGradients()
    {
        MainWindow w;
        w.show();
        setSmallRun(w, "rnn", 6);
        setField(w, "train.clip", "0.2");  // low enough that some batches are clipped
        click(w, "trainButton");
        setField(w, "model.arch", "gru");
        QCOMPARE(w.findChild<QPushButton*>("trainButton")->text(), QString("Add to queue"));
        click(w, "trainButton");  // queued behind the RNN
        QCOMPARE(w.runCount(), 2);
        const int rnn = w.runIds()[0];
        const int gru = w.runIds()[1];
        QVERIFY(w.runState(gru) == State::Queued);

        QTRY_VERIFY_WITH_TIMEOUT(finished(w, rnn) && finished(w, gru), kRunTimeoutMs);
        QCOMPARE(w.runStatusText(rnn), QString("finished"));
        QCOMPARE(w.runStatusText(gru), QString("finished"));

        LineChart* ppl = w.perplexityChart();
        for (int id : {rnn, gru}) {
            const auto points = ppl->points(w.seriesKey(id));
            QCOMPARE(points.size(), 6);
            for (int i = 0; i < points.size(); ++i) {
                QCOMPARE(points[i].x(), i + 1.0);
                QVERIFY(std::isfinite(points[i].y()) && points[i].y() > 1.0);
            }
        }
        QVERIFY(ppl->label(w.seriesKey(rnn)).startsWith("RNN h32 lr1"));
        QVERIFY(ppl->label(w.seriesKey(gru)).startsWith("GRU h32 lr1"));

        // Samples: one per run, from the last epoch, and a timeline of every interval.
        traveller::ui::SamplesView* samples = w.samplesView();
        for (int id : {rnn, gru}) {
            QVERIFY(samples->latestSample(id).startsWith("time traveller"));
            QVERIFY(samples->latestSample(id).size() > QString("time traveller").size());
            QCOMPARE(samples->latestEpoch(id), 6);
            QCOMPARE(samples->timelineLength(id), 3);  // epochs 2, 4, 6
        }
        samples->selectRun(rnn);
        QVERIFY(w.findChild<QPlainTextEdit*>("timelineView")->toPlainText().contains("epoch     4 | time traveller"));

        // Gradient norms of the selected run, with the threshold line.
        LineChart* grad = w.gradNormChart();
        QVERIFY(grad->pointCount("norm") >= 6);
        QCOMPARE(grad->points("threshold").size(), 2);
        QCOMPARE(grad->points("threshold")[0].y(), 0.2);
        // The clipped marks are exactly the batches whose norm exceeded the
        // threshold, not merely "none below it".
        QList<QPointF> above;
        for (const QPointF& p : grad->points("norm"))
            if (p.y() > 0.2)
                above << p;
        QVERIFY2(!above.isEmpty(), "no batch was clipped: the check below would be empty");
        QCOMPARE(grad->points("clipped"), above);

        QVERIFY(w.findChild<QLabel*>("statusEpoch")->text().contains("6/6"));
        QVERIFY(w.findChild<QLabel*>("statusSpeed")->text().contains("tokens/s"));

        // Toggle a run off and on through its check box in the runs table.
        QAbstractItemModel* table = w.findChild<QTableView*>("runsTable")->model();
        table->setData(table->index(0, 0), Qt::Unchecked, Qt::CheckStateRole);
        QVERIFY(!ppl->seriesVisible(w.seriesKey(rnn)));
        table->setData(table->index(0, 0), Qt::Checked, Qt::CheckStateRole);
        QVERIFY(ppl->seriesVisible(w.seriesKey(rnn)));
        QTest::mouseClick(w.findChild<QCheckBox*>("logScaleCheck"), Qt::LeftButton);
        QVERIFY(ppl->logScale());

        // Regenerate with another prefix, for every run.
        auto* prefix = w.findChild<QLineEdit*>("prefixEdit");
        prefix->selectAll();
        QTest::keyClicks(prefix, "the ");
        click(w, "regenerateButton");
        QTRY_VERIFY_WITH_TIMEOUT(samples->regenerated(rnn).startsWith("the ") && samples->regenerated(gru).startsWith("the "), 10000);

        // Exports.
        QTemporaryDir dir;
        QVERIFY(w.exportPerplexity(dir.filePath("ppl.csv")));
        QFile csv(dir.filePath("ppl.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 12);
        QCOMPARE(lines[0], QString("series,epoch,perplexity"));
        QVERIFY(lines[1].startsWith("RNN h32 lr1"));
        QVERIFY(w.exportPerplexity(dir.filePath("ppl.png")));
        QVERIFY(QFileInfo(dir.filePath("ppl.png")).size() > 1000);
        if (LineChart::svgSupported()) {
            QVERIFY(w.exportPerplexity(dir.filePath("ppl.svg")));
            QFile svg(dir.filePath("ppl.svg"));
            QVERIFY(svg.open(QIODevice::ReadOnly));
            QVERIFY(svg.readAll().contains("<svg"));
        }
    }

    void pauseResumeAndStopKeepThePartialCurve()
    {
        MainWindow w;
        w.show();
        setSmallRun(w, "gru", 500);
        click(w, "trainButton");
        const int id = w.runIds().first();
        const QString key = w.seriesKey(id);
        LineChart* ppl = w.perplexityChart();
        QTRY_VERIFY_WITH_TIMEOUT(ppl->pointCount(key) >= 3, kRunTimeoutMs);

        // Pause: no more batches arrive until Resume.
        click(w, "pauseButton");
        QVERIFY(w.runState(id) == State::Paused);
        QTest::qWait(300);  // the batch in flight lands
        const int frozen = w.gradNormChart()->pointCount("norm");
        QTest::qWait(400);
        QCOMPARE(w.gradNormChart()->pointCount("norm"), frozen);
        click(w, "resumeButton");
        QTRY_VERIFY_WITH_TIMEOUT(w.gradNormChart()->pointCount("norm") > frozen, 10000);

        QTRY_VERIFY_WITH_TIMEOUT(ppl->pointCount(key) >= 5, kRunTimeoutMs);
        QSignalSpy done(&w, &MainWindow::runFinished);
        QElapsedTimer clock;
        clock.start();
        click(w, "stopButton");
        QVERIFY(done.wait(1000));
        const qint64 stopMs = clock.elapsed();
        qInfo("Stop returned after %lld ms", static_cast<long long>(stopMs));
        QVERIFY2(stopMs < 1000, qPrintable(QString::number(stopMs)));

        QVERIFY(w.runState(id) == State::Stopped);
        QVERIFY(w.runStatusText(id).startsWith("stopped at epoch"));
        const int kept = ppl->pointCount(key);
        QVERIFY(kept >= 5 && kept < 500);
        // The last weights still write: an end-of-run sample and regeneration work.
        QVERIFY(w.samplesView()->latestSample(id).startsWith("time traveller"));
        w.regenerateAll("the time", 20, 0.0);
        QTRY_VERIFY_WITH_TIMEOUT(w.samplesView()->regenerated(id).startsWith("the time"), 10000);
        QVERIFY(!w.busy());
        QVERIFY(!w.findChild<QPushButton*>("stopButton")->isEnabled());
    }

    void closingTheWindowMidRunStopsAndJoins()
    {
        QElapsedTimer clock;
        {
            MainWindow w;
            w.show();
            setSmallRun(w, "lstm", 500);
            click(w, "trainButton");
            click(w, "trainButton");  // and one queued
            const int id = w.runIds().first();
            QTRY_VERIFY_WITH_TIMEOUT(w.perplexityChart()->pointCount(w.seriesKey(id)) >= 2, kRunTimeoutMs);
            click(w, "pauseButton");  // a paused trainer must be woken too
            clock.start();
        }
        qInfo("window destroyed %lld ms after a mid-run close", static_cast<long long>(clock.elapsed()));
        QVERIFY(clock.elapsed() < 2000);
    }

    void legendClickAndHoverReportEpochAndValue()
    {
        LineChart chart("epoch", "perplexity");
        chart.resize(500, 300);
        chart.show();
        chart.addSeries("a", "GRU h32 lr1");
        chart.setPoints("a", {{1, 20.0}, {2, 15.5}, {3, 12.25}});
        chart.setHoverFormat([](const QString& name, double x, double y) {
            return QString("%1 epoch %2: %3").arg(name).arg(x).arg(y);
        });
        QSignalSpy toggled(&chart, &LineChart::visibilityToggled);
        auto* view = chart.findChild<QChartView*>();
        QVERIFY(view);
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        // Hover the middle point through real mouse moves over the chart; move
        // away first, since a move to where the cursor already is sends nothing.
        for (int attempt = 0; attempt < 20 && chart.lastHoverText().isEmpty(); ++attempt) {
            QTest::mouseMove(view->viewport(), QPoint(2, 2));
            QTest::qWait(20);
            const QPointF pos = view->chart()->mapToPosition(QPointF(2, 15.5));
            QTest::mouseMove(view->viewport(), view->mapFromScene(view->chart()->mapToScene(pos)));
            QTest::qWait(30);
        }
        QCOMPARE(chart.lastHoverText(), QString("GRU h32 lr1 epoch 2: 15.5"));
        // Click the legend entry: the series hides, the marker stays.
        // One entry per series (the chart's own out-of-range marks stay out of it).
        QList<QLegendMarker*> markers;
        for (QLegendMarker* m : view->chart()->legend()->markers())
            if (m->isVisible())
                markers << m;
        QCOMPARE(markers.size(), 1);
        Q_EMIT markers.first()->clicked();
        QCOMPARE(toggled.count(), 1);
        QVERIFY(!chart.seriesVisible("a"));
        QVERIFY(markers.first()->isVisible());
    }

    // A run trained in the Language model tab is in the run library afterwards
    // (config, every epoch, weights), and a new window's Runs tab lists it.
    void languageModelRunsAreRecordedInTheLibrary()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QByteArray before = qgetenv("TRAVELLER_HOME");
        qputenv("TRAVELLER_HOME", home.path().toUtf8());
        std::int64_t libraryId = 0;
        {
            MainWindow w;
            w.show();
            setSmallRun(w, "gru", 4);
            click(w, "trainButton");
            const int id = w.runIds().first();
            QTRY_VERIFY_WITH_TIMEOUT(finished(w, id), kRunTimeoutMs);
            QCOMPARE(w.runStatusText(id), QString("finished"));
            const QString message = w.findChild<QLabel*>("messageLabel")->text();
            QVERIFY2(message.contains("saved as run"), qPrintable(message));

            traveller::RunStore store(home.path().toStdString());
            const auto runs = store.runs();
            QCOMPARE(runs.size(), std::size_t(1));
            libraryId = runs[0].id;
            QCOMPARE(runs[0].state, traveller::StoredState::Finished);
            QCOMPARE(runs[0].epochsDone, 4);
            QVERIFY(runs[0].config().model.arch == traveller::Arch::Gru);
            QCOMPARE(runs[0].config().model.hidden, 32);
            const auto epochs = store.epochs(libraryId);
            QCOMPARE(epochs.size(), std::size_t(4));
            // The same curve the chart drew.
            const auto points = w.perplexityChart()->points(w.seriesKey(id));
            for (std::size_t e = 0; e < epochs.size(); ++e)
                QVERIFY(std::abs(epochs[e].perplexity - points[static_cast<int>(e)].y()) < 1e-9);
            QVERIFY(QFile::exists(QString::fromStdString(store.checkpointPath(libraryId))));
        }
        MainWindow again;
        again.runsPanel()->refresh();
        QVERIFY(again.runsPanel()->listedIds().contains(libraryId));
        if (before.isNull())
            qunsetenv("TRAVELLER_HOME");
        else
            qputenv("TRAVELLER_HOME", before);
    }

    // A library that cannot be opened (here: runs.sqlite is not a database)
    // costs the record, not the run, and the window says so when the run
    // starts and when it ends; the damaged file is left as it was.
    void aRunTrainsAndSaysSoWhenTheLibraryCannotBeOpened()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString database = home.filePath("runs.sqlite");
        QByteArray junk(4096, 'x');
        {
            QFile f(database);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(junk);
        }
        const QByteArray before = qgetenv("TRAVELLER_HOME");
        qputenv("TRAVELLER_HOME", home.path().toUtf8());
        {
            MainWindow w;
            w.show();
            setSmallRun(w, "gru", 2);
            click(w, "trainButton");
            const int id = w.runIds().first();
            auto* message = w.findChild<QLabel*>("messageLabel");
            QTRY_VERIFY_WITH_TIMEOUT(message->text().contains("not recorded"), kRunTimeoutMs);
            QVERIFY2(message->text().contains(home.path()), qPrintable(message->text()));
            QTRY_VERIFY_WITH_TIMEOUT(finished(w, id), kRunTimeoutMs);
            QCOMPARE(w.runStatusText(id), QString("finished"));
            QVERIFY2(message->text().contains("not recorded") && message->text().contains("damaged"),
                     qPrintable(message->text()));
            QVERIFY(!message->text().contains("saved as run"));
        }
        QFile f(database);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), junk);
        if (before.isNull())
            qunsetenv("TRAVELLER_HOME");
        else
            qputenv("TRAVELLER_HOME", before);
    }

    void divergingRunIsReported()
    {
        MainWindow w;
        w.show();
        setSmallRun(w, "rnn", 50);
        setField(w, "train.lr", "100");
        setField(w, "train.clip", "0");
        click(w, "trainButton");
        const int id = w.runIds().first();
        QTRY_VERIFY_WITH_TIMEOUT(finished(w, id), kRunTimeoutMs);
        QVERIFY(w.runState(id) == State::Diverged);
        QVERIFY2(w.runStatusText(id).startsWith("diverged at epoch "), qPrintable(w.runStatusText(id)));
        QVERIFY(w.perplexityChart()->pointCount(w.seriesKey(id)) < 50);  // it stopped
        QVERIFY(runsTableCell(w, 0, kStatusColumn).startsWith("diverged at epoch"));
        const QString message = w.findChild<QLabel*>("messageLabel")->text();
        QVERIFY2(message.contains("diverged"), qPrintable(message));
    }

    // A missing corpus is met before Train, with its remedies; a run that
    // fails on it leaves nothing behind but the banner; the book's copy
    // chosen as a local file goes into the data folder, for every tab.
    void missingCorpusOffersDownloadOrLocalFile()
    {
        QTemporaryDir empty;
        MainWindow w(empty.path());
        w.resize(1024, 768);
        w.show();
        CorpusBanner* banner = w.languageModel()->corpusBanner();
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isHidden(), 5000);
        setSmallRun(w, "gru", 2);
        click(w, "trainButton");
        const int failed = w.runIds().first();
        QTRY_VERIFY_WITH_TIMEOUT(w.runState(failed) == State::Failed, 10000);
        QVERIFY(!banner->isHidden());
        QVERIFY(banner->findChild<QPushButton*>("downloadCorpusButton")->isEnabled());
        QVERIFY(banner->findChild<QPushButton*>("pickCorpusButton")->isEnabled());
        QVERIFY(banner->text().contains("timemachine.txt"));
        // Said once: no red line beside the banner, no row waiting for a sample
        // that will never come, no "CPU (0 threads)".
        QVERIFY(w.message().isEmpty());
        QCOMPARE(w.findChild<QTableView*>("runsTable")->model()->rowCount(), 0);
        QCOMPARE(w.findChild<QTableWidget*>("samplesTable")->rowCount(), 0);
        QVERIFY(w.perplexityChart()->keys().isEmpty());
        const QString device = w.findChild<QLabel*>("statusDevice")->text();
        QVERIFY2(!device.contains(QRegularExpression("\\b0\\b")), qPrintable(device));
        // The banner fits a 1024-pixel window: its buttons inside the window.
        for (auto* b : banner->findChildren<QPushButton*>()) {
            const QRect r(b->mapTo(&w, QPoint(0, 0)), b->size());
            QVERIFY2(QRect(0, 0, w.width(), w.height()).contains(r), qPrintable(b->objectName()));
        }

        // Pick a local file: the book's copy from another folder. It goes into
        // the data folder, the form keeps the book's corpus, the run is retried.
        const QString local = qEnvironmentVariable("TRAVELLER_DATA_DIR") + "/timemachine.txt";
        w.useLocalCorpus(local);
        QVERIFY(banner->isHidden());
        QVERIFY(QFile::exists(empty.filePath("timemachine.txt")));
        QCOMPARE(w.panel()->value("data.corpus"), QString("timemachine"));
        QVERIFY(w.corpora()->hasBookFile(traveller::DataFile::TimeMachine));
        QCOMPARE(w.runCount(), 2);
        const int retry = w.runIds().last();
        QTRY_VERIFY_WITH_TIMEOUT(finished(w, retry), kRunTimeoutMs);
        QCOMPARE(w.runStatusText(retry), QString("finished"));
        QCOMPARE(w.perplexityChart()->pointCount(w.seriesKey(retry)), 2);
        // The Lab tab sees it too: its Time Machine banner stays hidden, the
        // fra-eng one (still missing) shows.
        w.tabs()->setCurrentWidget(w.labPanel());
        for (CorpusBanner* b : w.labCorpusBanners())
            QCOMPARE(b->isHidden(), b->file() == traveller::DataFile::TimeMachine);
    }

    // Another text than the book's is used where it is by the Language model
    // tab; the Lab, which checks against the book, keeps asking for the book's.
    void aLocalTextIsUsedWhereItIs()
    {
        QTemporaryDir empty;
        const QString text = empty.filePath("my-text.txt");
        {
            QFile book(qEnvironmentVariable("TRAVELLER_DATA_DIR") + "/timemachine.txt");
            QVERIFY(book.open(QIODevice::ReadOnly));
            QFile mine(text);
            QVERIFY(mine.open(QIODevice::WriteOnly));
            mine.write(book.read(20000));  // the start of the book: another file
        }
        MainWindow w(empty.filePath("data"));
        w.show();
        w.languageModel()->corpusBanner()->useLocalFile(text);
        QCOMPARE(w.panel()->value("data.corpus"), text);
        QCOMPARE(w.corpora()->corpus(traveller::DataFile::TimeMachine), text);
        QVERIFY(!QFile::exists(empty.filePath("data/timemachine.txt")));
        QVERIFY(w.languageModel()->corpusBanner()->isHidden());
        w.tabs()->setCurrentWidget(w.labPanel());
        CorpusBanner* lab = w.labCorpusBanners().first();
        QCOMPARE(lab->file(), traveller::DataFile::TimeMachine);
        QVERIFY(!lab->isHidden());
        QVERIFY2(lab->text().contains("my-text.txt"), qPrintable(lab->text()));
        // Trained on it.
        w.tabs()->setCurrentWidget(w.languageModel());
        setSmallRun(w, "gru", 1);
        const int id = w.train();
        QTRY_VERIFY_WITH_TIMEOUT(finished(w, id), kRunTimeoutMs);
        QCOMPARE(w.runStatusText(id), QString("finished"));
        QCOMPARE(QString::fromStdString(w.runQueue()->run(id)->config.data.corpus), text);
    }

    // One place says where the corpora are: the book's fra-eng chosen in the
    // Lab tab's banner is in the data folder for the Lab, which trains its
    // seq2seq step from it, and for the Translate tab, whose banner hides.
    void aCorpusChosenInTheLabReachesEveryTab()
    {
        QTemporaryDir empty, home;
        const QByteArray before = qgetenv("TRAVELLER_HOME");
        qputenv("TRAVELLER_HOME", QFile::encodeName(home.path()));
        {
            MainWindow w(empty.path());
            w.resize(1024, 768);
            w.show();
            w.tabs()->setCurrentWidget(w.translatePanel());
            CorpusBanner* translate = w.translatePanel()->corpusBanner();
            QTRY_VERIFY_WITH_TIMEOUT(!translate->isHidden(), 5000);
            w.tabs()->setCurrentWidget(w.labPanel());
            QCOMPARE(w.labCorpusBanners().size(), 2);
            for (CorpusBanner* b : w.labCorpusBanners())
                QVERIFY(!b->isHidden());
            CorpusBanner* fraEng = w.labCorpusBanners().last();
            QCOMPARE(fraEng->file(), traveller::DataFile::FraEng);
            fraEng->useLocalFile(qEnvironmentVariable("TRAVELLER_DATA_DIR") + "/fra-eng/fra.txt");
            QVERIFY(fraEng->isHidden());
            QVERIFY(QFile::exists(empty.filePath("fra-eng/fra.txt")));
            QVERIFY(translate->isHidden());  // fixed in the Lab, fixed in the Translate tab

            // The lab's seq2seq step trains from it (one epoch a run).
            traveller::ui::LabPanel* lab = w.labPanel();
            lab->setQuick(true);
            lab->selectStep(4);
            QSignalSpy done(lab, &traveller::ui::LabPanel::labFinished);
            QVERIFY(lab->runStep(1));
            QVERIFY(done.wait(kRunTimeoutMs));
            QVERIFY2(lab->findChild<QLabel*>("labMessage")->text().isEmpty(),
                     qPrintable(lab->findChild<QLabel*>("labMessage")->text()));
            traveller::RunStore store(home.path().toStdString());
            int finishedRuns = 0;
            for (const auto& r : store.runs())
                finishedRuns += r.isTranslation() && r.state == traveller::StoredState::Finished;
            QCOMPARE(finishedRuns, lab->runsTable()->model()->rowCount());
            QVERIFY(finishedRuns > 0);
        }
        if (before.isNull())
            qunsetenv("TRAVELLER_HOME");
        else
            qputenv("TRAVELLER_HOME", before);
    }

    // Closing the window in the middle of a download (here one that never
    // gets an answer: a socket that listens and does not reply) returns
    // within about a second instead of waiting out the transfer.
    void closingTheWindowMidDownloadReturnsAtOnce()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        const QByteArray before = qgetenv("TRAVELLER_DATA_HOST");
        qputenv("TRAVELLER_DATA_HOST", QStringLiteral("http://127.0.0.1:%1/").arg(silent.serverPort()).toUtf8());
        QTemporaryDir empty;
        QElapsedTimer closing;
        {
            MainWindow w(empty.path());
            w.show();
            setSmallRun(w, "gru", 2);
            click(w, "trainButton");
            CorpusBanner* banner = w.languageModel()->corpusBanner();
            QTRY_VERIFY_WITH_TIMEOUT(!banner->isHidden(), 10000);
            click(*banner, "downloadCorpusButton");
            QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections() || silent.waitForNewConnection(50), 10000);
            QVERIFY(!banner->findChild<QPushButton*>("downloadCorpusButton")->isEnabled());  // still downloading
            QVERIFY(w.corpora()->downloading(traveller::DataFile::TimeMachine));
            closing.start();
        }
        QVERIFY2(closing.elapsed() < 2500, qPrintable(QString("closing took %1 ms").arg(closing.elapsed())));
        QVERIFY(!QFile::exists(empty.filePath("timemachine.txt")));
        QVERIFY(!QFile::exists(empty.filePath("timemachine.txt.download")));
        if (before.isNull())
            qunsetenv("TRAVELLER_DATA_HOST");
        else
            qputenv("TRAVELLER_DATA_HOST", before);
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
