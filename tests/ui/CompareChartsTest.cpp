// Runs drawn together, as a class compares the lab's cells: the Runs tab's
// chart and the Compare window give each run a colour of its own whatever
// its id in the library, name every run whole beside the curves, and the
// window fits a 1024x768 projector. A log axis is labelled at round numbers.
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/CompareDialog.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunsPanel.h"

#include "../../ui/src/ChartLegend.h"
#include "../../ui/src/RunTableModel.h"
#include "WindowDriver.h"

#include <QFontMetrics>
#include <QScreen>
#include <QHeaderView>
#include <QSet>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace traveller;
using namespace traveller::ui;

namespace {

// A finished run of 20 epochs whose perplexity falls to `final`.
std::int64_t record(RunStore& store, const std::string& name, double final)
{
    NewRun n;
    n.name = name;
    const std::int64_t id = store.createRun(n);
    for (int e = 1; e <= 20; ++e) {
        StoredEpoch ep;
        ep.epoch = e;
        ep.perplexity = final + (20 - e) * 0.8;
        ep.tokensPerSecond = 1000;
        ep.elapsedSeconds = e;
        store.appendEpoch(id, ep, 0.5);
    }
    RunResult r;
    r.status = RunStatus::Finished;
    r.epochsDone = 20;
    r.samples["time traveller"] = "time traveller you can show";
    store.finishRun(id, r, 0);
    return id;
}

// Every series of the chart has a colour no other one has.
void checkDistinctColours(const LineChart* chart, int count)
{
    QSet<QRgb> colours;
    for (const QString& key : chart->keys())
        colours.insert(chart->color(key).rgb());
    QCOMPARE(chart->keys().size(), count);
    QCOMPARE(colours.size(), count);
}

// The chart's legend is the list beside the plot, one entry per run in the
// run's colour, each name drawn whole: its lines put back together are the
// name, and each line fits the list's width.
void checkLegendNamesRunsWhole(const LineChart* chart, const QStringList& names)
{
    QVERIFY(chart->legendIsList());
    const ChartLegend* legend = chart->legendList();
    QVERIFY(legend && legend->isVisible());
    QCOMPARE(legend->entries().size(), names.size());
    const QFontMetrics metrics(legend->font());
    for (int i = 0; i < names.size(); ++i) {
        const ChartLegend::Entry& e = legend->entries()[i];
        QVERIFY2(e.label.contains(names[i]), qPrintable(e.label));
        QCOMPARE(e.color, chart->color(e.key));
        const QStringList lines = legend->shownLines(i);
        QCOMPARE(lines.join(QString()), e.label);
        for (const QString& line : lines)
            QVERIFY2(metrics.horizontalAdvance(line.trimmed()) <= legend->width(), qPrintable(line));
        QVERIFY(legend->entryRect(i).height() >= static_cast<int>(lines.size()) * metrics.lineSpacing());
    }
}

// The compare dialog lists its runs through the shared run table model: a
// row per run in the chart's order, its name in its curve's colour, its
// values read back from the library.
void checkRunsTable(const CompareDialog* dialog)
{
    const auto* model = qobject_cast<const RunTableModel*>(dialog->runsTable()->model());
    QVERIFY(model);
    QCOMPARE(model->rowCount(), static_cast<int>(dialog->runIds().size()));
    RunStore store(qEnvironmentVariable("TRAVELLER_HOME").toStdString());
    const int name = model->columnOf(RunColumn::Name);
    const int perplexity = model->columnOf(RunColumn::Perplexity);
    const int status = model->columnOf(RunColumn::Status);
    QVERIFY(name >= 0 && perplexity >= 0 && status >= 0);
    for (int r = 0; r < model->rowCount(); ++r) {
        const qint64 id = dialog->runIds()[r];
        const StoredRun run = store.run(id);
        QCOMPARE(model->index(r, 0).data(RunTableModel::IdRole).toLongLong(), id);
        QCOMPARE(model->index(r, name).data().toString(), QString::fromStdString(run.name));
        QCOMPARE(model->index(r, name).data(Qt::ForegroundRole).value<QColor>(),
                 dialog->chart()->color(QStringLiteral("run%1").arg(id)));
        QCOMPARE(model->index(r, perplexity).data(RunTableModel::SortRole).toDouble(), run.perplexity);
        QCOMPARE(model->row(r).state, std::optional<StoredState>(StoredState::Finished));
    }
    // The runs' settings are the same: no Setting column (the sweeps' test
    // reads a differing key's column back).
    QVERIFY(dialog->differingKeys().isEmpty());
    QCOMPARE(model->columnOf(RunColumn::Setting), -1);
}

} // namespace

class CompareChartsTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;
    QList<qint64> cells_;  // the lab's RNN, GRU and LSTM: runs 3, 13 and 23
    QStringList names_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(home_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
        RunStore store(home_.path().toStdString());
        // Ten runs apart: one colour for all three under any rule by id.
        for (int id = 1; id <= 23; ++id) {
            const bool cell = id % 10 == 3;
            const std::string name = !cell      ? "filler " + std::to_string(id)
                                     : id == 3  ? "lab 1.3 compare the cells: RNN, hidden 256, lr 1"
                                     : id == 13 ? "lab 1.3 compare the cells: GRU, hidden 256, lr 1"
                                                : "lab 1.3 compare the cells: LSTM, hidden 256, lr 1";
            const std::int64_t recorded = record(store, name, 2.0 + id * 0.1);
            QCOMPARE(recorded, static_cast<std::int64_t>(id));
            if (cell) {
                cells_ << id;
                names_ << QString::fromStdString(name);
            }
        }
    }

    // The Runs tab at 1024x768: three selected runs, three colours, three names.
    void theRunsTabDrawsEachRunInItsOwnColour()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        RunsPanel* runs = w.runsPanel();
        w.tabs()->setCurrentWidget(runs);
        runs->refresh();
        runs->selectRuns(cells_);
        QCoreApplication::processEvents();
        checkDistinctColours(runs->chart(), 3);
        checkLegendNamesRunsWhole(runs->chart(), names_);
        // A click on a name hides its curve; another shows it again.
        const ChartLegend* legend = runs->chart()->legendList();
        const QString key = legend->entries()[1].key;
        QTest::mouseClick(const_cast<ChartLegend*>(legend), Qt::LeftButton, {}, legend->entryRect(1).center());
        QVERIFY(!runs->chart()->seriesVisible(key));
        QTest::mouseClick(const_cast<ChartLegend*>(legend), Qt::LeftButton, {}, legend->entryRect(1).center());
        QVERIFY(runs->chart()->seriesVisible(key));
    }

    // Compare, opened with the Runs tab's button: it fits the screen, and its
    // chart names and colours every run.
    void compareFitsTheScreenAndNamesEveryRun()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        RunsPanel* runs = w.runsPanel();
        w.tabs()->setCurrentWidget(runs);
        runs->refresh();
        runs->selectRuns(cells_);
        test::click(w, "compareRunsButton");
        auto* dialog = runs->findChild<CompareDialog*>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QCOMPARE(dialog->runIds(), cells_);
        const QRect screen = dialog->screen()->availableGeometry();
        QVERIFY2(dialog->width() <= std::min(1024, screen.width()),
                 qPrintable(QStringLiteral("%1 > %2").arg(dialog->width()).arg(screen.width())));
        QVERIFY(dialog->height() <= screen.height());
        QVERIFY(dialog->minimumSizeHint().width() <= 1024);
        checkDistinctColours(dialog->chart(), 3);
        checkLegendNamesRunsWhole(dialog->chart(), names_);
        // The samples' columns are headed by each run's whole name, wrapped
        // to the column, in its curve's colour.
        for (QTableWidget* table : {dialog->samplesTable()}) {
            const QFontMetrics metrics(table->horizontalHeader()->font());
            for (int c = 0; c < 3; ++c) {
                const QTableWidgetItem* head = table->horizontalHeaderItem(c);
                QVERIFY2(head->text().simplified().contains(names_[c]), qPrintable(head->text()));
                QCOMPARE(head->foreground().color(), dialog->chart()->color(QStringLiteral("run%1").arg(cells_[c])));
                const QStringList lines = head->text().split('\n');
                for (const QString& line : lines)
                    QVERIFY2(metrics.horizontalAdvance(line) <= table->horizontalHeader()->sectionSize(c),
                             qPrintable(line));
                QVERIFY(table->horizontalHeader()->height() >= static_cast<int>(lines.size()) * metrics.height());
            }
        }
        // The list sits beside the plot, inside the dialog.
        const QRect legendInDialog(dialog->chart()->legendList()->mapTo(dialog, QPoint(0, 0)),
                                   dialog->chart()->legendList()->size());
        QVERIFY(dialog->rect().contains(legendInDialog.topLeft()));
        dialog->close();
    }

    // The dialog lists the runs through the shared run table model (the
    // Runs, Sweeps, Lab and Language model tables' own).
    void compareListsItsRunsThroughTheRunTableModel()
    {
        CompareDialog dialog(std::make_shared<RunStore>(home_.path().toStdString()), cells_);
        QCOMPARE(dialog.runIds(), cells_);
        checkRunsTable(&dialog);
    }

    // A chart that names a few short series keeps Qt Charts' row under the plot.
    void shortNamesStayInTheRowUnderThePlot()
    {
        LineChart chart("epoch", "perplexity");
        chart.resize(700, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.addSeries("a", "RNN");
        chart.addSeries("b", "GRU");
        QVERIFY(!chart.legendIsList());
        chart.addSeries("c", names_.value(0) + " " + names_.value(1) + " " + names_.value(2));
        QVERIFY(chart.legendIsList());
        chart.removeSeries("c");
        QVERIFY(!chart.legendIsList());
    }

    // A log axis is labelled at round numbers, written short: never the
    // powers of 2^(1/4) and 2 it showed (11.31, 22.63, 2.749e+11).
    void logAxisTicksAreRoundNumbers()
    {
        LineChart chart("epoch", "perplexity");
        chart.resize(600, 420);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.addSeries("a", "lr 0.01");
        chart.setLogScale(true);
        const QList<QList<QPointF>> ranges = {
            {{1, 23.0}, {2, 17.0}, {3, 12.0}, {4, 10.0}},
            {{1, 28.0}, {2, 9.0}, {3, 2.5}},
            {{1, 1.65e11}},
            {{1, 1e9}, {2, 1e3}, {3, 2.0}},
        };
        for (const QList<QPointF>& points : ranges) {
            chart.setPoints("a", points);
            const QStringList labels = chart.yTickLabels();
            QVERIFY2(labels.size() >= 2, qPrintable(labels.join(" | ")));
            for (const QString& label : labels) {
                bool ok = false;
                const double v = label.toDouble(&ok);
                QVERIFY2(ok && v > 0, qPrintable(label));
                QVERIFY2(!label.contains("e+") && label.size() <= 6, qPrintable(labels.join(" | ")));
                // At most three significant digits (1.15 between 0.9 and 1.4).
                const double scale = std::pow(10.0, std::floor(std::log10(v)) - 2);
                QVERIFY2(std::fabs(v / scale - std::round(v / scale)) < 1e-6, qPrintable(labels.join(" | ")));
            }
        }
        // Hovering a point tells its value, not where the axis puts it.
        chart.setPoints("a", {{1, 20.0}, {2, 10.0}});
        QVERIFY2(chart.yTickLabels().contains("10") && chart.yTickLabels().contains("20"),
                 qPrintable(chart.yTickLabels().join(" | ")));
        QVERIFY(chart.yMin() < 10 && chart.yMax() > 20);
        const QString hover = chart.hoverTextAt(chart.viewportPosition("a", 0));
        QVERIFY2(hover.endsWith(", 20"), qPrintable(hover));
    }
};

QTEST_MAIN(CompareChartsTest)
#include "CompareChartsTest.moc"
