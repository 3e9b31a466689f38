// The Lab tab driven through the real window, offscreen, at 1024x768: every
// step selected with a library that holds the lab's runs (a diverged lr-10
// run next to normal ones), the reference checks shown ✓ and ✗, notes kept
// in the library across a restart, the report written in both languages, and
// one step trained for real (capped at one epoch) through the buttons.
#include "traveller/core/lab/Lab.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/LabPanel.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/CorpusBanner.h"
#include "traveller/ui/MainWindow.h"
#include "WindowDriver.h"

#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSettings>
#include <QSpinBox>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace traveller;
using traveller::ui::LabPanel;
using traveller::ui::LineChart;
using traveller::ui::MainWindow;
using traveller::ui::RunColumn;
using traveller::ui::test::runColumn;

namespace {

// A run that blew up at epoch `blewUpAt` (> 0) and trained on: its curve
// climbs and comes back down partly.
std::int64_t record(RunStore& store, const std::string& step, const std::string& label, double final, double heldout,
                    const std::string& message = "", int blewUpAt = 0)
{
    NewRun n;
    n.sweep = labSweepName(*findLabStep(step), LabMode::Full);
    n.label = label;
    n.name = step + " " + label;
    const std::int64_t id = store.createRun(n);
    for (int e = 1; e <= 20; ++e) {
        StoredEpoch ep;
        ep.epoch = e;
        // A blown-up run's curve climbs to 1e22 and comes back down partly.
        ep.perplexity = blewUpAt == 0 ? final + (20 - e) * 0.5 : (e < 10 ? std::pow(10.0, e * 2.4) : final);
        ep.heldoutPerplexity = heldout + (20 - e) * 0.3;
        ep.tokensPerSecond = 1000;
        ep.elapsedSeconds = e;
        store.appendEpoch(id, ep, 0.5);
    }
    RunResult r;
    r.status = RunStatus::Finished;
    r.epochsDone = 20;
    r.message = message;
    r.blewUpAt = blewUpAt;
    r.samples["time traveller"] = blewUpAt == 0 ? "time traveller you can show" : "time traveller ohc ohc ohc";
    store.finishRun(id, r, 0);
    return id;
}

// With TRAVELLER_LAB_SHOTS=DIR, the window as a test saw it: DIR/NAME.png.
void shot(QWidget& window, const QString& name)
{
    const QString dir = qEnvironmentVariable("TRAVELLER_LAB_SHOTS");
    if (!dir.isEmpty())
        window.grab().save(dir + "/" + name + ".png");
}

QString text(QTableView* t, int row, int col) { return t->model()->index(row, col).data().toString(); }

int rowOf(QTableView* t, const QString& label)
{
    for (int r = 0; r < t->model()->rowCount(); ++r)
        if (text(t, r, 0) == label)
            return r;
    return -1;
}

} // namespace

class LabPanelTest : public QObject {
    Q_OBJECT

    QTemporaryDir home_;

    LabPanel* labTab(MainWindow& w)
    {
        auto* tabs = w.findChild<QTabWidget*>("mainTabs");
        tabs->setCurrentWidget(w.labPanel());
        return w.labPanel();
    }

private Q_SLOTS:
    // A test that stops at a failed check leaves no presentation mode in the
    // settings for the next one's window.
    void cleanup()
    {
        QSettings settings;
        settings.setValue("view/presentation", false);
    }

    void initTestCase()
    {
        QVERIFY(home_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
        RunStore store(home_.path().toStdString());
        record(store, "rnn", "base", 1.302, 5.8);
        record(store, "rnn", "lr=10", 3.1e3, 4.0e3, "blew up at epoch 2: perplexity 1.0e+05 exceeds 2800", 2);
        record(store, "rnn", "lr=0.01", 17.5, 17.9);
        record(store, "gru", "base", 1.35, 5.1);  // outside the book's 1.0 ± 0.1: ✗
        record(store, "lstm", "base", 1.04, 5.0);
    }

    void everyStepShowsItsRunsAndChecks()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        LabPanel* lab = labTab(w);
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        lab->selectStep(0);  // 1.1 RNN
        QTableView* runs = lab->runsTable();
        QCOMPARE(runs->model()->rowCount(), 10);
        const int base = rowOf(runs, "base");
        const int lr10 = rowOf(runs, "lr=10");
        QVERIFY(base >= 0 && lr10 >= 0);
        QCOMPARE(text(runs, base, 3), QString("1.302"));
        QCOMPARE(text(runs, base, 4), QString("5.800"));
        QCOMPARE(text(runs, lr10, 1), QString("blew up, trained on"));
        QCOMPARE(text(runs, rowOf(runs, "hidden=1024"), 1), QString("not run yet"));
        // Every row selectable, the diverged one included.
        for (int r = 0; r < runs->model()->rowCount(); ++r) {
            runs->selectRow(r);
            QCoreApplication::processEvents();
        }
        QVERIFY(lab->chart()->hasSeries("lr=10"));
        QCOMPARE(lab->chart()->pointCount("lr=10"), 20);
        QVERIFY(lab->chart()->hasSeries("base-heldout"));
        // Issue 24, item 8: the selected row's curves are highlighted, the others fade.
        runs->selectRow(lr10);
        QCoreApplication::processEvents();
        QCOMPARE(lab->highlightedRun(), QString("lr=10"));
        QCOMPARE(lab->chart()->color("lr=10").alpha(), 255);
        QVERIFY(lab->chart()->color("base").alpha() < 255);
        QVERIFY(lab->chart()->color("base-heldout").alpha() < 255);
        runs->selectRow(base);
        QCoreApplication::processEvents();
        QCOMPARE(lab->highlightedRun(), QString("base"));
        QCOMPARE(lab->chart()->color("base-heldout").alpha(), 255);
        QVERIFY(lab->chart()->color("lr=10").alpha() < 255);
        shot(w, "lab-highlight");
        // The chart names every run whole (a list beside the plot, not "epoc…").
        QVERIFY(lab->chart()->legendIsList());
        QCOMPARE(lab->valueTitle(), LabPanel::tr("perplexity"));
        QVERIFY2(lab->checksLabel()->text().contains("perplexity 1.302 ✓"), qPrintable(lab->checksLabel()->text()));

        lab->selectStep(1);  // 1.2 GRU: 1.35 is outside 1.0 ± 0.1
        QVERIFY2(lab->checksLabel()->text().contains("✗ 0.350 above"), qPrintable(lab->checksLabel()->text()));

        lab->selectStep(3);  // 1.4 comparison: the three base runs
        QCOMPARE(lab->runsTable()->model()->rowCount(), 3);
        QCOMPARE(text(lab->runsTable(), 2, 3), QString("1.040"));
        QCOMPARE(lab->chart()->keys().size(), 3);

        lab->selectStep(4);  // 2 seq2seq: not run yet, checks not measured
        QCOMPARE(lab->runsTable()->model()->rowCount(), 2);
        QVERIFY(lab->checksLabel()->text().contains("not measured yet"));

        lab->selectStep(5);  // 3 conclusions: what the data says
        auto* said = lab->findChild<QWidget*>("labObservations");
        QVERIFY(said && said->isVisible());
        QVERIFY(!lab->runsTable()->isVisible());

        // Nothing of the tab is cut off at 1024x768: the buttons are on screen.
        for (const char* name : {"labRunAll", "labReport", "labStop"}) {
            auto* b = lab->findChild<QPushButton*>(name);
            QVERIFY(b);
            const QRect r(b->mapTo(&w, QPoint(0, 0)), b->size());
            QVERIFY2(QRect(0, 0, w.width(), w.height()).contains(r), name);
        }
    }

    // Issue 24, item 9: on a 1024x768 projector in presentation mode the
    // chart keeps a readable height with whole tick labels, the step heading
    // is not smaller than the text, and zooming in never makes the window's
    // minimum larger than the screen.
    void presentationModeAt1024KeepsTheLabReadable()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        LabPanel* lab = labTab(w);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        lab->selectStep(0);
        const int bodyBefore = QFontInfo(lab->font()).pixelSize();
        w.setPresentationMode(true);
        QCoreApplication::processEvents();
        w.resize(1024, 768);
        QCoreApplication::processEvents();
        shot(w, "lab-presentation");
        QVERIFY(QFontInfo(lab->font()).pixelSize() > bodyBefore);
        LineChart* chart = lab->chart();
        QVERIFY2(chart->height() >= 200, qPrintable(QString::number(chart->height())));
        const QStringList ticks = chart->yTickLabels() + chart->xTickLabels();
        QVERIFY2(chart->yTickLabels().size() >= 2, qPrintable(ticks.join(" | ")));
        for (const QString& t : ticks)
            QVERIFY2(!t.isEmpty() && !t.contains(QChar(0x2026)), qPrintable(ticks.join(" | ")));
        auto* heading = lab->findChild<QLabel*>("labStepTitle");
        QVERIFY(heading);
        QVERIFY2(QFontInfo(heading->font()).pixelSize() >= QFontInfo(lab->font()).pixelSize(),
                 qPrintable(QStringLiteral("%1 < %2").arg(QFontInfo(heading->font()).pixelSize())
                                .arg(QFontInfo(lab->font()).pixelSize())));
        QVERIFY(heading->font().bold());

        // Ctrl+= twice: the text grows no further than the screen allows.
        const double presented = w.zoom();
        w.setZoom(w.zoom() * 1.15);
        w.setZoom(w.zoom() * 1.15);
        QCoreApplication::processEvents();
        QVERIFY(w.zoom() >= presented);
        const QSize need = w.minimumSizeHint().expandedTo(w.minimumSize());
        QVERIFY2(need.width() <= 1024 && need.height() <= 768,
                 qPrintable(QStringLiteral("%1x%2 at zoom %3").arg(need.width()).arg(need.height()).arg(w.zoom())));
        QVERIFY(QFontInfo(heading->font()).pixelSize() >= QFontInfo(lab->font()).pixelSize());
        w.setPresentationMode(false);
        QCoreApplication::processEvents();
        QVERIFY2(QFontInfo(lab->font()).pixelSize() == bodyBefore,
                 qPrintable(QStringLiteral("%1 at zoom %2, app %3").arg(QFontInfo(lab->font()).pixelSize()).arg(w.zoom()).arg(QApplication::font().pointSizeF())));
    }

    // Issue 24: on the 1024x768 projector in presentation mode the class
    // reads six rows of a step's runs or more, above a chart that stays
    // 200 px high with its titles whole, both on screen without scrolling.
    void presentationModeAt1024ShowsSixRunsAboveTheChart()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        LabPanel* lab = labTab(w);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setPresentationMode(true);
        w.resize(1024, 768);
        lab->selectStep(0);  // 1.1 RNN: ten runs
        // The chart's titles are fitted once it is laid out: waited for, not
        // timed (a loaded machine lays out later).
        LineChart* chart = lab->chart();
        QTRY_VERIFY2_WITH_TIMEOUT(traveller::ui::test::cutChartText(chart).isEmpty(),
                                  qPrintable(traveller::ui::test::cutChartText(chart)), 20000);
        shot(w, "lab-presentation-rows");
        QTableView* runs = lab->runsTable();
        QVERIFY(runs->model()->rowCount() >= 6);
        const double rows = static_cast<double>(runs->viewport()->height()) / runs->rowHeight(0);
        QVERIFY2(rows >= 6, qPrintable(QStringLiteral("%1 rows: viewport %2, row %3")
                                           .arg(rows).arg(runs->viewport()->height()).arg(runs->rowHeight(0))));
        QVERIFY2(chart->height() >= 200, qPrintable(QString::number(chart->height())));
        auto* scroll = lab->findChild<QScrollArea*>("labStepScroll");
        QVERIFY(scroll);
        for (QWidget* shown : {static_cast<QWidget*>(runs), static_cast<QWidget*>(chart)}) {
            const QRect r(shown->mapTo(scroll->viewport(), QPoint(0, 0)), shown->size());
            QVERIFY2(scroll->viewport()->rect().contains(r), qPrintable(shown->objectName()));
        }
        w.setPresentationMode(false);
    }

    // Issue 24: Run with the book's corpus missing is said once, by the
    // corpus banner above the steps (with its remedies); nothing starts and
    // the tab's own message line stays hidden.
    void aMissingCorpusIsSaidOnceByItsBanner()
    {
        QTemporaryDir empty;
        MainWindow w(empty.path());
        w.resize(1024, 768);
        w.show();
        LabPanel* lab = labTab(w);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        lab->setQuick(true);
        lab->selectStep(0);
        QSignalSpy done(lab, &LabPanel::labFinished);
        traveller::ui::test::click(*lab, "labRunStep");
        QVERIFY(!lab->runStep(1));
        QCoreApplication::processEvents();
        QVERIFY(!lab->running());
        QCOMPARE(done.count(), 0);
        traveller::ui::CorpusBanner* timeMachine = w.labCorpusBanners().first();
        QCOMPARE(timeMachine->file(), DataFile::TimeMachine);
        QVERIFY(timeMachine->isVisible());
        auto* message = lab->findChild<QLabel*>("labMessage");
        QVERIFY(message);
        QVERIFY2(message->isHidden(), qPrintable(message->text()));
        shot(w, "lab-missing-corpus");
    }

    // Issue 24, item 5: the seq2seq step's value is the loss (column and
    // axis), its second column is held-out BLEU, and a sample shows the
    // sentence it translated.
    void theTranslationStepShowsLossBleuAndSources()
    {
        RunStore store(home_.path().toStdString());
        const LabStep& s2s = *findLabStep("seq2seq");
        const TranslationConfig config = labTranslations(s2s, LabMode::Full).front().second;
        const std::int64_t id = store.createTranslationRun(config, config.name, "test");
        store.setSweep(id, labSweepName(s2s, LabMode::Full), "book");
        store.setResults(id, R"({"heldout": {"corpus_bleu": 0.25}})");
        StoredEpoch last;  // a translation's epochs record its loss
        last.epoch = config.train.epochs;
        last.perplexity = 0.0421;
        store.appendEpoch(id, last, 1.0);
        RunResult r;
        r.status = RunStatus::Finished;
        r.epochsDone = config.train.epochs;
        r.perplexity = 0.0421;
        r.samples["go ."] = "va !";
        store.finishRun(id, r, 0);

        MainWindow w;
        w.resize(1024, 768);
        w.show();
        LabPanel* lab = labTab(w);
        lab->selectStep(4);
        QTableView* runs = lab->runsTable();
        const int book = rowOf(runs, "book");
        QVERIFY(book >= 0);
        QCOMPARE(runColumn(runs, RunColumn::Loss), 3);
        QCOMPARE(runColumn(runs, RunColumn::Bleu), 4);
        QCOMPARE(runs->model()->headerData(3, Qt::Horizontal).toString(), LabPanel::tr("Loss"));
        QCOMPARE(lab->valueTitle(), LabPanel::tr("loss"));
        QCOMPARE(text(runs, book, 3), QString("0.0421"));
        QCOMPARE(text(runs, book, 4), QString("0.250"));
        QCOMPARE(text(runs, book, 6), QString("go . → va !"));
        shot(w, "lab-seq2seq");
        lab->selectStep(0);  // back to a language model: perplexity again
        QCOMPARE(lab->valueTitle(), LabPanel::tr("perplexity"));
        QCOMPARE(runColumn(lab->runsTable(), RunColumn::Perplexity), 3);
    }

    void notesAreKeptAcrossARestart()
    {
        {
            MainWindow w;
            LabPanel* lab = labTab(w);
            lab->selectStep(2);
            QTest::keyClicks(lab->notesEdit(), "LSTM copes with lr 10.");
            lab->selectStep(0);  // leaving the step keeps its notes
        }
        RunStore store(home_.path().toStdString());
        QCOMPARE(QString::fromStdString(store.labNotes()["1.3"]), QString("LSTM copes with lr 10."));
        MainWindow again;
        LabPanel* lab = labTab(again);
        lab->selectStep(2);
        QCOMPARE(lab->notesEdit()->toPlainText(), QString("LSTM copes with lr 10."));
    }

    void reportIsWrittenInBothLanguages()
    {
        MainWindow w;
        LabPanel* lab = labTab(w);
        const QString md = home_.filePath("report/lab.md");
        QDir().mkpath(home_.filePath("report"));
        QVERIFY(lab->writeReport(md, "en"));
        QFile f(md);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString report = QString::fromUtf8(f.readAll());
        QVERIFY(report.contains("## 1.1 RNN"));
        QVERIFY(report.contains("LSTM copes with lr 10."));
        QVERIFY(QFile::exists(home_.filePath("report/lab-comparison.svg")));
        const QString html = home_.filePath("report/lab-zh.html");
        QVERIFY(lab->writeReport(html, "zh_CN"));
        QFile h(html);
        QVERIFY(h.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(h.readAll()).contains(QStringLiteral("循环神经网络实验报告")));
        QVERIFY(!lab->writeReport(home_.filePath("report/lab.pdf"), "en"));
        QVERIFY(lab->findChild<QLabel*>("labMessage")->text().contains("FILE.md or FILE.html"));
    }

    // The quick lab's RNN step through the button, each run capped at one
    // epoch: ten runs recorded under "lab-quick 1.1", the table filled in.
    void aStepTrainsThroughTheButton()
    {
        MainWindow w;
        LabPanel* lab = labTab(w);
        lab->setQuick(true);
        lab->selectStep(0);
        QSignalSpy finished(lab, &LabPanel::labFinished);
        QVERIFY(lab->runStep(1));
        QVERIFY(lab->running());
        QVERIFY(!lab->findChild<QPushButton*>("labRunAll")->isEnabled());
        QVERIFY(finished.wait(240000));
        QVERIFY(!lab->running());
        QTableView* runs = lab->runsTable();
        QCOMPARE(runs->model()->rowCount(), 10);
        for (int r = 0; r < runs->model()->rowCount(); ++r)
            QVERIFY2(text(runs, r, 2) == "1/1", qPrintable(text(runs, r, 0) + ": " + text(runs, r, 2) + " " + text(runs, r, 1)));
        RunStore store(home_.path().toStdString());
        QCOMPARE(store.runsOfSweep("lab-quick 1.1").size(), std::size_t(10));
        QVERIFY(lab->progressText().contains("1.1"));
        // The full lab's runs are untouched and shown again without "quick".
        lab->setQuick(false);
        QCOMPARE(text(lab->runsTable(), rowOf(lab->runsTable(), "base"), 3), QString("1.302"));
    }

    // Issue 24, item 1: "Run the whole lab", pressed twice, keeps the finished
    // step 1.1 (same rows, same run ids, still finished) and each time stops
    // in step 1.2; the second press resumes 1.2's own runs, adding none.
    void runTheWholeLabTwiceKeepsAFinishedStep()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        LabPanel* lab = labTab(w);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        lab->setQuick(true);
        lab->selectStep(0);
        // "Train this step again" beside the other buttons fits at 1024.
        QVERIFY(lab->findChild<QPushButton*>("labTrainAgain")->isVisible());
        QVERIFY2(w.width() <= 1024, qPrintable(QString::number(w.width())));
        QSignalSpy finished(lab, &LabPanel::labFinished);
        QVERIFY(lab->runStep(1));  // 1.1 finished (kept if the test above trained it)
        QVERIFY(finished.wait(240000));
        RunStore store(home_.path().toStdString());
        const std::size_t rows11 = store.runsOfSweep("lab-quick 1.1").size();
        const auto before = labRunsOf(store, *findLabStep("rnn"), LabMode::Quick);
        QCOMPARE(before.size(), std::size_t(10));
        QMap<QString, QString> shown;  // label -> status column ("finished", "blew up, trained on")
        for (int r = 0; r < lab->runsTable()->model()->rowCount(); ++r)
            shown[text(lab->runsTable(), r, 0)] = text(lab->runsTable(), r, 1);

        std::size_t rows12 = 0;
        for (int press = 0; press < 2; ++press) {
            // Stop when the first run trained now ends: 1.1's are kept, so
            // it is one of step 1.2's.
            QMetaObject::Connection stopIn12 = connect(lab, &LabPanel::runRecorded, lab, [lab] { lab->stop(); });
            // The button's call, at the cap 1.1 was trained with.
            QVERIFY(lab->findChild<QPushButton*>("labRunAll")->isEnabled());
            QVERIFY(lab->runWholeLab(1));
            QVERIFY(lab->running());
            QVERIFY(finished.wait(240000));
            disconnect(stopIn12);
            QCOMPARE(store.runsOfSweep("lab-quick 1.1").size(), rows11);
            lab->selectStep(0);
            QTableView* runs = lab->runsTable();
            for (const auto& [label, run] : before) {
                const int row = rowOf(runs, QString::fromStdString(label));
                QVERIFY(row >= 0);
                QCOMPARE(text(runs, row, 1), shown.value(QString::fromStdString(label)));
                QCOMPARE(run.state, StoredState::Finished);
                QCOMPARE(labRunsOf(store, *findLabStep("rnn"), LabMode::Quick).at(label).id, run.id);
            }
            const std::size_t now12 = store.runsOfSweep("lab-quick 1.2").size();
            QVERIFY2(now12 > 0, "step 1.2 started");
            if (press == 1)
                QCOMPARE(now12, rows12);  // its own runs resumed, none added
            rows12 = now12;
        }

        // "Train this step again": ten new runs, shown in place of the old.
        lab->selectStep(0);
        QVERIFY(lab->trainStepAgain(1));
        QVERIFY(finished.wait(240000));
        QCOMPARE(store.runsOfSweep("lab-quick 1.1").size(), rows11 + 10);
        for (const auto& [label, run] : labRunsOf(store, *findLabStep("rnn"), LabMode::Quick))
            QVERIFY2(run.id > before.at(label).id, label.c_str());
    }

    // Issue 24, item 8: while a step trains, the running row says running
    // with its epochs so far and its curve grows in the chart, before the
    // run ends; the quick lab's epoch rows say what they train.
    void theRunningRowAndItsCurveMoveWhileItTrains()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        LabPanel* lab = labTab(w);
        lab->setQuick(true);
        lab->selectStep(2);  // 1.3 LSTM: not trained by the tests above
        QVERIFY(rowOf(lab->runsTable(), "epochs=25") >= 0);
        QCOMPARE(rowOf(lab->runsTable(), "epochs=250"), -1);
        QSignalSpy finished(lab, &LabPanel::labFinished);
        QVERIFY(lab->runStep(8));
        QString seen;
        const auto runningWithCurve = [&] {
            QTableView* runs = lab->runsTable();
            for (int r = 0; r < runs->model()->rowCount(); ++r) {
                const QString label = text(runs, r, 0);
                const QStringList epochs = text(runs, r, 2).split('/');
                if (text(runs, r, 1) == "running" && epochs.size() == 2 && epochs[0].toInt() >= 3 &&
                    epochs[0].toInt() < epochs[1].toInt() && lab->chart()->pointCount(label) >= epochs[0].toInt()) {
                    seen = label + " " + text(runs, r, 2);
                    return true;
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(runningWithCurve(), 120000);
        QVERIFY2(lab->running(), qPrintable(seen));
        lab->runsTable()->selectRow(rowOf(lab->runsTable(), seen.section(' ', 0, 0)));
        QCoreApplication::processEvents();
        QCOMPARE(lab->highlightedRun(), seen.section(' ', 0, 0));
        shot(w, "lab-mid-training");
        lab->stop();
        QVERIFY(finished.wait(240000));
    }

    // Issue 28: the Seeds box lists each setting's run on every seed (the
    // runs recorded so far filled in), and a step run from the tab trains the
    // missing seeds on their own seed, keeping what is there.
    void theSeedsBoxListsAndTrainsEverySeed()
    {
        MainWindow w;
        LabPanel* lab = labTab(w);
        lab->setQuick(false);
        lab->selectStep(0);
        auto* box = lab->findChild<QSpinBox*>("labSeeds");
        QVERIFY(box && box->isEnabled());
        QCOMPARE(box->value(), 1);
        QCOMPARE(lab->runsTable()->model()->rowCount(), 10);
        RunStore store(home_.path().toStdString());
        record(store, "rnn", labSeedLabel("base", 1), 1.31, 5.9);
        box->setValue(3);
        QCOMPARE(lab->seeds(), 3);
        QTableView* runs = lab->runsTable();
        const auto labels = labRunLabels(*findLabStep("rnn"), LabMode::Full, 3);
        QCOMPARE(runs->model()->rowCount(), static_cast<int>(labels.size()));
        for (int r = 0; r < runs->model()->rowCount(); ++r)
            QCOMPARE(text(runs, r, runColumn(runs, RunColumn::Run)), QString::fromStdString(labels[static_cast<std::size_t>(r)]));
        const int perplexity = runColumn(runs, RunColumn::Perplexity);
        QCOMPARE(text(runs, rowOf(runs, QString::fromStdString(labSeedLabel("base", 1))), perplexity), QString("1.310"));
        QCOMPARE(text(runs, rowOf(runs, QString::fromStdString(labSeedLabel("base", 2))), perplexity), QString());

        // Two seeds of the quick step, one epoch each: only seed 1's runs train.
        lab->setQuick(true);
        box->setValue(2);
        const auto before = labRunsOf(store, *findLabStep("rnn"), LabMode::Quick, 1);
        QSignalSpy finished(lab, &LabPanel::labFinished);
        QVERIFY(lab->runStep(1));
        QVERIFY(!box->isEnabled());
        QVERIFY(finished.wait(240000));
        QVERIFY(box->isEnabled());
        const auto after = labRunsOf(store, *findLabStep("rnn"), LabMode::Quick, 1, 2);
        QCOMPARE(after.size(), std::size_t(20));
        for (const auto& [label, run] : after) {
            const bool seedOne = label.find(labSeedLabel("", 1)) != std::string::npos;
            QCOMPARE(run.config().train.seed, seedOne ? 1u : 0u);
            QCOMPARE(run.state, StoredState::Finished);
            if (!seedOne && before.count(label) && before.at(label).state == StoredState::Finished)
                QCOMPARE(run.id, before.at(label).id);  // kept
        }
        QCOMPARE(lab->runsTable()->model()->rowCount(), 20);
    }
};

QTEST_MAIN(LabPanelTest)
#include "LabPanelTest.moc"
