// The Lens tab on real runs of a library: a trained GRU next to the book's
// RNN at learning rate 10 (diverged). Both are listed and inspected off the
// GUI thread; the text, the heatmap, the mean-value chart and the equations
// show this step's numbers, and nothing breaks on the diverged one.
#include "traveller/core/DataStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Presets.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/LensPanel.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunLibrary.h"

#include "../../ui/src/LensTextView.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace traveller;
using namespace traveller::ui;

namespace {

std::int64_t recordRun(RunStore& store, ExperimentConfig c)
{
    const std::int64_t id = store.createRun({c, c.displayName(), "", "", "test"});
    RecordOptions options;
    options.dataDir = resolveDataDir();
    options.programVersion = "test";
    TrainingObserver quiet;
    RunControl control;
    trainRecordedRun(store, id, options, quiet, control);
    return id;
}

} // namespace

class LensPanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsATrainedGruAndADivergedRunBesideIt()
    {
        setTrainingThreads(2);
        QTemporaryDir home;
        qputenv("TRAVELLER_HOME", QFile::encodeName(home.path()));
        std::int64_t gru = 0, wild = 0;
        {
            RunStore store(RunStore::resolveFolder());
            ExperimentConfig c;
            setConfigValue(c, "model.arch", "gru");
            setConfigValue(c, "model.hidden", "32");
            setConfigValue(c, "train.epochs", "8");
            setConfigValue(c, "data.max_tokens", "3000");
            setConfigValue(c, "train.device", "cpu");
            gru = recordRun(store, c);
            ExperimentConfig book = loadExperimentFile(resolvePreset("book-rnn", PresetKind::Experiment));
            setConfigValue(book, "train.lr", "10");
            setConfigValue(book, "train.device", "cpu");
            wild = recordRun(store, book);
            QCOMPARE(store.run(wild).state, StoredState::Diverged);
        }
        RunLibrary library;
        LensPanel lens(library, QString::fromStdString(resolveDataDir()));
        lens.resize(1024, 700);
        lens.show();
        lens.refreshRuns();
        auto* runs = lens.findChild<QComboBox*>("lensRunCombo");
        QVERIFY(runs->findData(QVariant::fromValue<qint64>(gru)) >= 0);

        QSignalSpy done(&lens, &LensPanel::inspected);
        QVERIFY(lens.inspectRun(gru, "time traveller"));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QVERIFY(done.first().first().toBool());
        const Inspection* in = lens.inspection();
        QVERIFY(in);
        QCOMPARE(in->steps.size(), std::size_t{14});
        QCOMPARE(in->hidden, 32);
        QCOMPARE(in->saliency.size(), std::size_t{13});
        QVERIFY(lens.findChild<QLabel*>("lensSummary")->text().contains("perplexity"));

        // The update gate z of unit 5 at step 4 ('t' of "traveller"): the
        // equations show this step's numbers, which rebuild h.
        int z = -1;
        for (std::size_t i = 0; i < in->valueNames.size(); ++i)
            if (in->valueNames[i] == "z")
                z = static_cast<int>(i);
        QVERIFY(z >= 0);
        lens.choose(0, z, 5);
        lens.setStep(5);
        const QString eq = lens.equations();
        QVERIFY2(eq.contains("Step 5: 't'"), qPrintable(eq));
        const double zValue = in->steps[5].layers[0].values[static_cast<std::size_t>(z)][5];
        QVERIFY2(eq.contains(QStringLiteral("z = σ(…) = %1").arg(zValue, 0, 'f', 3)), qPrintable(eq));
        QVERIFY2(eq.contains("h = (1 − z)·n + z·h_prev"), qPrintable(eq));
        // A negative factor is bracketed: "0.355·(-0.649)", never "0.355·-0.649".
        const double hPrev = in->steps[4].layers[0].h[5];
        const QString hPrevText = QString::number(hPrev, 'f', 3);
        QVERIFY2(eq.contains("·" + (hPrev < 0 ? "(" + hPrevText + ")" : hPrevText) + "\n"), qPrintable(eq));
        QVERIFY2(!eq.contains("·-"), qPrintable(eq));
        QVERIFY2(eq.contains(QStringLiteral("= %1").arg(static_cast<double>(in->steps[5].layers[0].h[5]), 0, 'f', 3)),
                 qPrintable(eq));
        // The heatmap: every unit at every character; the chart: the mean of z
        // over the units and unit 5, one point per character.
        QCOMPARE(lens.heatmap()->image().size(), QSize(14, 32));
        QCOMPARE(lens.meanChart()->points("mean").size(), 14);
        double mean = 0;
        for (float v : in->steps[3].layers[0].values[static_cast<std::size_t>(z)])
            mean += v;
        QVERIFY(std::fabs(lens.meanChart()->points("mean")[3].y() - mean / 32) < 1e-5);
        QCOMPARE(lens.meanChart()->points("unit")[3].y(), static_cast<double>(in->steps[3].layers[0].values[static_cast<std::size_t>(z)][5]));
        // → steps on, as in class.
        lens.textView()->setFocus();
        QTest::keyClick(lens.textView(), Qt::Key_Right);
        QVERIFY(lens.equations().contains("Step 6:"));

        // The state trajectory: a point per character; a click on one steps there.
        auto* views = lens.findChild<QTabWidget*>("lensViews");
        views->setCurrentIndex(1);
        QTest::qWait(50);
        QCOMPARE(lens.inspection()->trajectory.at(0).size(), std::size_t{14});
        QTest::mouseClick(lens.trajectory(), Qt::LeftButton, {}, lens.trajectory()->position(3).toPoint());
        QVERIFY2(lens.equations().startsWith("Step 3:") ||
                     lens.trajectory()->position(3) == lens.trajectory()->position(lens.textView()->step()),
                 qPrintable(lens.equations()));
        views->setCurrentIndex(0);

        // Find units: the span "trav" (characters 5-8), the best unit shown.
        lens.setStep(5);
        QTest::mouseClick(lens.textView(), Qt::LeftButton, Qt::ShiftModifier, lens.textView()->cellRect(8).center());
        QCOMPARE(lens.textView()->span(), std::make_pair(5, 9));
        const QString found = lens.findUnits(5, 9);
        QVERIFY2(found.startsWith("On \"trav\":"), qPrintable(found));
        const auto best = findUnits(*lens.inspection(), 0, z, 5, 9, 1);
        QVERIFY(lens.findChild<QSpinBox*>("lensUnit")->value() == best.front().unit);
        QTemporaryDir out;
        QVERIFY(lens.exportCsv(out.filePath("lens.csv")));
        QFile csv(out.filePath("lens.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 1 + 14);
        // Each view at slide size, as PNG (and SVG where Qt SVG is there).
        for (const char* view : {"text", "heatmap", "trajectory", "mean"}) {
            const QString png = out.filePath(QString(view) + ".png");
            QVERIFY2(lens.exportView(view, png), qPrintable(lens.message()));
            QCOMPARE(QImage(png).width(), 1600);
            if (LineChart::svgSupported()) {
                const QString svg = out.filePath(QString(view) + ".svg");
                QVERIFY2(lens.exportView(view, svg), qPrintable(lens.message()));
                QFile f(svg);
                QVERIFY(f.open(QIODevice::ReadOnly));
                QVERIFY(f.readAll().contains("<svg"));
            }
        }
        QVERIFY(!lens.exportView("nothing", out.filePath("x.png")));

        // The diverged run beside it: listed (it has weights), read, drawn.
        QVERIFY(runs->findData(QVariant::fromValue<qint64>(wild)) >= 0);
        QVERIFY(lens.inspectRun(wild, "time traveller"));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 60000);
        QVERIFY2(done.last().first().toBool(), qPrintable(lens.message()));
        QCOMPARE(lens.inspection()->arch, std::string("rnn"));
        lens.choose(0, -1, 0);
        QVERIFY(!lens.grab().isNull());
        QVERIFY(lens.equations().contains("h = tanh(a)"));
        // A pasted paragraph past the saliency limit is read, without saliency,
        // and the tab says why; the trained run's short text had it.
        QString paragraph;
        while (paragraph.size() <= kSaliencyCharacters)
            paragraph += "the time traveller smiled round at us ";
        QVERIFY(lens.inspectRun(gru, paragraph));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 60000);
        QVERIFY2(done.last().first().toBool(), qPrintable(lens.message()));
        QVERIFY(lens.inspection()->saliencyLeftOut);
        QVERIFY(lens.inspection()->saliency.empty());
        QCOMPARE(lens.inspection()->steps.size(), static_cast<std::size_t>(paragraph.size()));
        QVERIFY2(lens.message().contains(QString::number(kSaliencyCharacters)), qPrintable(lens.message()));
        // An empty text and a run that is not there are said, not thrown.
        QVERIFY(!lens.inspectRun(gru, ""));
        QVERIFY(!lens.inspectRun(9999, "abc"));
        QVERIFY(!lens.message().isEmpty());
    }

    // Find units in the window at 1024x768: the list it finds wraps under the
    // buttons. On one line beside them it made the whole window 1310 pixels
    // wide, in every tab, and no smaller could be asked for.
    void findUnitsKeepsTheWindowOnAProjector()
    {
        setTrainingThreads(2);
        QTemporaryDir home;
        qputenv("TRAVELLER_HOME", QFile::encodeName(home.path()));
        std::int64_t gru = 0;
        {
            RunStore store(RunStore::resolveFolder());
            ExperimentConfig c;
            setConfigValue(c, "model.arch", "gru");
            setConfigValue(c, "model.hidden", "32");
            setConfigValue(c, "train.epochs", "2");
            setConfigValue(c, "data.max_tokens", "2000");
            setConfigValue(c, "train.device", "cpu");
            gru = recordRun(store, c);
        }
        MainWindow w(QString::fromStdString(resolveDataDir()));
        w.resize(1024, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        LensPanel* lens = w.lensPanel();
        w.tabs()->setCurrentWidget(lens);
        lens->refreshRuns();
        QSignalSpy done(lens, &LensPanel::inspected);
        QVERIFY(lens->inspectRun(gru, "the time traveller smiled round at us"));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QVERIFY2(done.first().first().toBool(), qPrintable(lens->message()));

        // The whole text as the span, through the text and the button.
        lens->setStep(0);
        const int last = static_cast<int>(lens->inspection()->steps.size()) - 1;
        QTest::mouseClick(lens->textView(), Qt::LeftButton, Qt::ShiftModifier,
                          lens->textView()->cellRect(last).center());
        QCOMPARE(lens->textView()->span(), std::make_pair(0, last + 1));
        auto* find = lens->findChild<QPushButton*>("lensFindUnitsButton");
        QVERIFY(find);
        QTest::mouseClick(find, Qt::LeftButton);
        auto* units = lens->findChild<QLabel*>("lensUnits");
        QVERIFY(units->isVisible() && !units->text().isEmpty());
        QCoreApplication::processEvents();

        // The window stays 1024 wide in every tab, and can be made that size again.
        for (int tab = 0; tab < w.tabs()->count(); ++tab) {
            w.tabs()->setCurrentIndex(tab);
            QCoreApplication::processEvents();
            QVERIFY2(w.width() <= 1024, qPrintable(QStringLiteral("tab %1: %2").arg(tab).arg(w.width())));
            QVERIFY2(w.minimumSizeHint().width() <= 1024,
                     qPrintable(QStringLiteral("tab %1: %2").arg(tab).arg(w.minimumSizeHint().width())));
        }
        w.tabs()->setCurrentWidget(lens);
        w.resize(1300, 768);
        w.resize(1024, 768);
        QCOMPARE(w.width(), 1024);
        // What was found is all there, wrapped within the tab.
        QVERIFY(units->width() <= lens->width());
        QVERIFY2(units->height() >= units->heightForWidth(units->width()),
                 qPrintable(QStringLiteral("%1 < %2").arg(units->height()).arg(units->heightForWidth(units->width()))));
    }
};

QTEST_MAIN(LensPanelTest)
#include "LensPanelTest.moc"
