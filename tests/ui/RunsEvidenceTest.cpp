// Comparing runs with evidence in the Runs tab (issue 28): runs that differ
// only in their seed are one row (mean ± sd, n) and one mean curve with a
// band; any chosen setting groups runs; smoothing changes the drawing, never
// the values; the Diff view lists only what differs, the results' deltas, and
// text written now by each run with one prefix, seed and temperature, and
// which model gave each next character more probability. Real runs, trained
// in a temporary library; the real window at 1024x768. With
// TRAVELLER_TEST_SHOTS=DIR the views are saved there as PNG.
#include "traveller/core/DataStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/store/RunEvidence.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/DiffDialog.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunsPanel.h"

#include "../../ui/src/RunTableModel.h"
#include "WindowDriver.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QLayout>
#include <QMenu>
#include <QToolButton>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace traveller;
using namespace traveller::ui;

namespace {

std::int64_t recordRun(RunStore& store, const std::string& arch, int hidden, int seed)
{
    ExperimentConfig c;
    setConfigValue(c, "model.arch", arch);
    setConfigValue(c, "model.hidden", std::to_string(hidden));
    setConfigValue(c, "train.epochs", "6");
    setConfigValue(c, "train.seed", std::to_string(seed));
    setConfigValue(c, "data.max_tokens", "3000");
    setConfigValue(c, "data.heldout", "500");
    setConfigValue(c, "train.device", "cpu");
    const std::int64_t id = store.createRun({c, c.displayName(), "", "", "test"});
    RecordOptions options;
    options.dataDir = resolveDataDir();
    options.programVersion = "test";
    TrainingObserver quiet;
    RunControl control;
    trainRecordedRun(store, id, options, quiet, control);
    return id;
}

void shoot(QWidget* w, const QString& name)
{
    QTest::qWait(50);  // the charts' layout requests
    const QString dir = qEnvironmentVariable("TRAVELLER_TEST_SHOTS");
    if (!dir.isEmpty())
        w->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

const RunTableModel* tableModel(RunsPanel* runs)
{
    auto* proxy = runs->view()->model();
    return qobject_cast<const RunTableModel*>(static_cast<QSortFilterProxyModel*>(proxy)->sourceModel());
}

// The row of the model that stands for run `id` (a group's row for its runs).
int rowFor(const RunTableModel* model, qint64 id)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->row(r).id == id || model->row(r).members.contains(id))
            return r;
    return -1;
}

} // namespace

class RunsEvidenceTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;
    QList<qint64> rnn_;    // hidden 16, seeds 0, 1, 2
    QList<qint64> gru_;    // hidden 16, seeds 0, 1
    qint64 wide_ = 0;      // RNN, hidden 24, seed 0: alone

    void openRunsTab(MainWindow& w)
    {
        w.resize(1024, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.tabs()->setCurrentWidget(w.runsPanel());
        w.runsPanel()->refresh();
        QCoreApplication::processEvents();
        checkTopRowFits(w.runsPanel());
    }

    // The row with the library, the filter and the grouping controls fits
    // 1024 pixels, and so does the window.
    static void checkTopRowFits(RunsPanel* runs)
    {
        QVERIFY2(runs->window()->minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(runs->window()->minimumSizeHint().width())));
        QLayout* top = runs->layout()->itemAt(0)->layout();
        QVERIFY(top && top->indexOf(runs->findChild<QCheckBox*>("groupSeedsCheck")) >= 0);
        QVERIFY2(top->minimumSize().width() <= 1000, qPrintable(QString::number(top->minimumSize().width())));
    }

private Q_SLOTS:
    void initTestCase()
    {
        setTrainingThreads(2);
        QVERIFY(home_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
        RunStore store(home_.path().toStdString());
        for (int seed : {0, 1, 2})
            rnn_ << recordRun(store, "rnn", 16, seed);
        for (int seed : {0, 1})
            gru_ << recordRun(store, "gru", 16, seed);
        wide_ = recordRun(store, "rnn", 24, 0);
        for (qint64 id : rnn_ + gru_ + QList<qint64>{wide_})
            QCOMPARE(store.run(id).state, StoredState::Finished);
    }

    // Seeds grouped by default: a row per group with its n and mean ± sd,
    // selecting it selects its runs, and the chart draws its mean and band.
    void seedsAreOneRowAndOneBandByDefault()
    {
        MainWindow w;
        openRunsTab(w);
        RunsPanel* runs = w.runsPanel();
        auto* toggle = runs->findChild<QCheckBox*>("groupSeedsCheck");
        QVERIFY(toggle && toggle->isChecked());
        QVERIFY(runs->grouped());
        const RunTableModel* model = tableModel(runs);
        QCOMPARE(model->rowCount(), 3);
        RunStore store(home_.path().toStdString());
        std::vector<double> finals;
        for (qint64 id : rnn_)
            finals.push_back(store.run(id).perplexity);
        const Spread spread = spreadOf(finals);
        const int row = rowFor(model, rnn_.first());
        QVERIFY(row >= 0);
        QCOMPARE(model->row(row).members, rnn_);
        QCOMPARE(model->text(row, model->columnOf(RunColumn::Count)), QStringLiteral("3"));
        const QModelIndex perplexity = model->index(row, model->columnOf(RunColumn::Perplexity));
        QCOMPARE(perplexity.data(RunTableModel::SortRole).toDouble(), spread.mean);
        QVERIFY(perplexity.data().toString().contains(QStringLiteral("±")));
        QVERIFY(!model->text(row, model->columnOf(RunColumn::Best)).isEmpty());
        QVERIFY(!model->text(row, model->columnOf(RunColumn::Heldout)).isEmpty());
        QVERIFY(!model->text(row, model->columnOf(RunColumn::Speed)).isEmpty());
        QCOMPARE(model->text(rowFor(model, wide_), model->columnOf(RunColumn::Count)), QString());

        // The group's row stands for its three runs; the chart draws their mean in a band.
        runs->selectRuns({rnn_.first()});
        QCoreApplication::processEvents();
        QCOMPARE(runs->selectedIds(), rnn_);
        LineChart* chart = runs->chart();
        const QString key = QStringLiteral("group%1").arg(rnn_.first());
        QVERIFY2(chart->hasSeries(key), qPrintable(chart->keys().join(',')));
        QVERIFY(!chart->hasSeries(QStringLiteral("run%1").arg(rnn_[1])));
        QVERIFY(chart->bandKeys().contains(key + "-band"));
        const QList<QPointF> mean = chart->points(key), lower = chart->bandLower(key + "-band"),
                             upper = chart->bandUpper(key + "-band");
        QCOMPARE(mean.size(), 6);
        QCOMPARE(lower.size(), 6);
        std::vector<double> last;
        for (qint64 id : rnn_)
            last.push_back(store.epochs(id).back().perplexity);
        const Spread atLast = spreadOf(last);
        QCOMPARE(mean.last().y(), atLast.mean);
        QCOMPARE(lower.last().y(), atLast.min);  // min–max by default
        QCOMPARE(upper.last().y(), atLast.max);
        auto* band = runs->findChild<QComboBox*>("bandCombo");
        QVERIFY(band && band->isVisibleTo(runs));
        band->setCurrentIndex(band->findData(1));  // ±1 sd
        QCoreApplication::processEvents();
        QVERIFY(std::abs(chart->bandUpper(key + "-band").last().y() - (atLast.mean + atLast.sd)) < 1e-9);
        QVERIFY(std::abs(chart->bandLower(key + "-band").last().y() - (atLast.mean - atLast.sd)) < 1e-9);
        shoot(&w, "runs-groups");

        // Off: a row and a curve per run again.
        toggle->click();
        QVERIFY(!runs->grouped());
        QCOMPARE(model->rowCount(), 6);
        runs->selectRuns(rnn_);
        QCoreApplication::processEvents();
        QVERIFY(chart->hasSeries(QStringLiteral("run%1").arg(rnn_[1])));
        QVERIFY(chart->bandKeys().isEmpty());
    }

    // Group by…: the settings that differ; by the cell, RNN and GRU whatever their size.
    void groupsByAChosenSetting()
    {
        MainWindow w;
        openRunsTab(w);
        RunsPanel* runs = w.runsPanel();
        const QStringList keys = runs->groupableKeys();
        QVERIFY2(keys.contains("model.arch") && keys.contains("model.hidden"), qPrintable(keys.join(',')));
        QVERIFY(!keys.contains("train.seed"));
        // The menu offers them as it opens; ticking the cell groups by it.
        auto* button = runs->findChild<QToolButton*>("groupByButton");
        QVERIFY(button && button->menu());
        Q_EMIT button->menu()->aboutToShow();
        QAction* byCell = nullptr;
        for (QAction* a : button->menu()->actions())
            if (a->text() == "model.arch")
                byCell = a;
        QVERIFY(byCell && byCell->isCheckable());
        byCell->trigger();
        QCOMPARE(runs->groupBy(), QStringList{"model.arch"});
        QVERIFY(runs->grouped());
        const RunTableModel* model = tableModel(runs);
        QCOMPARE(model->rowCount(), 2);
        QCOMPARE(model->row(rowFor(model, wide_)).members.size(), 4);
        QCOMPARE(model->row(rowFor(model, gru_.first())).members, gru_);
        runs->setGroupBy({});
        QCOMPARE(model->rowCount(), 3);
    }

    // Smoothing draws smoothed lines over the values as given; the values,
    // the store and the hover keep what was recorded; CSV says it.
    void smoothingIsForDisplayOnly()
    {
        MainWindow w;
        openRunsTab(w);
        RunsPanel* runs = w.runsPanel();
        runs->setGrouped(false);
        runs->selectRuns({wide_});
        QCoreApplication::processEvents();
        LineChart* chart = runs->chart();
        const QString key = QStringLiteral("run%1").arg(wide_);
        const QList<QPointF> raw = chart->points(key);
        QCOMPARE(raw.size(), 6);
        QVERIFY(chart->smoothingNote().isEmpty());
        QCOMPARE(chart->toCsv("epoch", "perplexity").split('\n').first(), QStringLiteral("series,epoch,perplexity"));

        auto* kind = runs->findChild<QComboBox*>("smoothingCombo");
        QVERIFY(kind);
        QCOMPARE(kind->currentData().toInt(), static_cast<int>(chart::Smoothing::None));  // off by default
        kind->setCurrentIndex(kind->findData(static_cast<int>(chart::Smoothing::Ema)));
        runs->findChild<QDoubleSpinBox*>("smoothingWeight")->setValue(0.6);
        QCOMPARE(chart->smoothing().kind, chart::Smoothing::Ema);
        QCOMPARE(chart->points(key), raw);
        std::vector<double> ys;
        for (const QPointF& p : raw)
            ys.push_back(p.y());
        const std::vector<double> smooth = chart::emaSmoothed(ys, 0.6);
        QCOMPARE(chart->drawnPoints(key).size(), raw.size());
        for (int i = 0; i < raw.size(); ++i)
            QVERIFY(std::abs(chart->drawnPoints(key)[i].y() - smooth[static_cast<std::size_t>(i)]) < 1e-9);
        QCOMPARE(chart->rawShadowPoints(key).size(), raw.size());
        QVERIFY(!chart->smoothingNote().isEmpty());
        // The chart says it on screen and in its images: its title carries the note.
        const QString title = chart->findChild<QChartView*>()->chart()->title();
        QVERIFY2(title.count(QStringLiteral("<br>")) >= 1, qPrintable(title));
        const QStringList csv = chart->toCsv("epoch", "perplexity").split('\n');
        QCOMPARE(csv.first(), QStringLiteral("series,epoch,perplexity,perplexity_smoothed_ema_0.6"));
        QCOMPARE(csv[1].split(',').size(), 4);
        QTemporaryDir out;
        QVERIFY(runs->exportChart(out.filePath("smoothed.png")));
        QVERIFY(QFileInfo(out.filePath("smoothed.png")).size() > 0);
        QVERIFY(runs->exportChart(out.filePath("smoothed.csv")));
        QFile csvFile(out.filePath("smoothed.csv"));
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        QVERIFY(csvFile.readLine().trimmed().endsWith("perplexity_smoothed_ema_0.6"));
        shoot(&w, "runs-smoothed");
        RunStore store(home_.path().toStdString());
        QCOMPARE(store.epochs(wide_).back().perplexity, raw.last().y());

        kind->setCurrentIndex(kind->findData(static_cast<int>(chart::Smoothing::Centred)));
        QCOMPARE(chart->smoothing().kind, chart::Smoothing::Centred);
        QVERIFY(chart->toCsv("epoch", "perplexity").split('\n').first().endsWith("centred_5"));
        kind->setCurrentIndex(kind->findData(static_cast<int>(chart::Smoothing::None)));
        QVERIFY(chart->rawShadowPoints(key).isEmpty());
        QCOMPARE(chart->drawnPoints(key).last().y(), raw.last().y());
    }

    // Diff… on three runs: only the settings that differ, the deltas, text
    // from each with one seed, and the Lens diff.
    void diffShowsWhatDiffersAndWritesWithOneSeed()
    {
        MainWindow w;
        openRunsTab(w);
        RunsPanel* runs = w.runsPanel();
        runs->setGrouped(false);
        const QList<qint64> ids{rnn_[0], rnn_[1], gru_[0]};
        runs->selectRuns(ids);
        test::click(w, "diffRunsButton");
        auto* dialog = runs->findChild<DiffDialog*>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QVERIFY(dialog->width() <= 1024 && dialog->height() <= 768);
        QCOMPARE(dialog->runIds(), ids);

        QStringList keys;
        for (int r = 0; r < dialog->settingsTable()->rowCount(); ++r)
            keys << dialog->settingsTable()->verticalHeaderItem(r)->data(Qt::UserRole).toString();
        QVERIFY2(keys.contains("model.arch") && keys.contains("train.seed"), qPrintable(keys.join(',')));
        QVERIFY(!keys.contains("model.hidden") && !keys.contains("train.lr"));
        QCOMPARE(dialog->settingsTable()->columnCount(), 3);

        RunStore store(home_.path().toStdString());
        QTableWidget* metrics = dialog->metricsTable();
        int final = -1;
        for (int r = 0; r < metrics->rowCount(); ++r)
            if (metrics->verticalHeaderItem(r)->data(Qt::UserRole).toString() == "final_perplexity")
                final = r;
        QVERIFY(final >= 0);
        for (int c = 0; c < 3; ++c) {
            const double v = store.run(ids[c]).perplexity;
            QCOMPARE(metrics->item(final, c)->data(Qt::UserRole).toDouble(), v);
            QCOMPARE(metrics->item(final, c)->data(Qt::UserRole + 1).toDouble(), c == 0 ? 0.0 : v - store.run(ids[0]).perplexity);
        }

        QSignalSpy written(dialog, &DiffDialog::samplesWritten);
        dialog->tabs()->setCurrentIndex(1);  // writes on first sight
        QTRY_VERIFY_WITH_TIMEOUT(written.count() >= 1, 60000);
        written.clear();
        dialog->writeSamples("time traveller", 30, 0.8, 7);
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 60000);
        QStringList first;
        for (qint64 id : ids) {
            const QString text = dialog->sample(id);
            QVERIFY2(text.startsWith("time traveller") && text.size() > 20, qPrintable(text));
            first << text;
        }
        shoot(dialog, "diff-samples");
        // The same seed writes the same text again.
        dialog->writeSamples("time traveller", 30, 0.8, 7);
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 2, 60000);
        for (int i = 0; i < ids.size(); ++i)
            QCOMPARE(dialog->sample(ids[i]), first[i]);

        QSignalSpy read(dialog, &DiffDialog::lensRead);
        dialog->tabs()->setCurrentIndex(2);
        dialog->readLens("time traveller");
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->lensWinners().isEmpty() && dialog->lensTable()->rowCount() == 14, 60000);
        const QList<int> winners = dialog->lensWinners();
        QCOMPARE(winners.size(), 14);
        QCOMPARE(winners.last(), -1);  // the last character has no next one
        for (int t = 0; t + 1 < winners.size(); ++t) {
            QVERIFY(winners[t] >= 0 && winners[t] < 3);
            double best = -1;
            int at = -1;
            for (int c = 0; c < 3; ++c)
                if (dialog->lensTable()->item(t, c)->data(Qt::UserRole).toDouble() > best) {
                    best = dialog->lensTable()->item(t, c)->data(Qt::UserRole).toDouble();
                    at = c;
                }
            QCOMPARE(winners[t], at);
        }
        shoot(dialog, "diff-lens");
        dialog->tabs()->setCurrentIndex(0);
        shoot(dialog, "diff-settings");
    }

    // A band takes any values a group can have: a diverged run's 1e30, inf,
    // NaN, on a log axis too; the axis stays bounded, the band is clipped.
    void aBandTakesAnyValue()
    {
        LineChart chart("epoch", "perplexity");
        chart.resize(600, 400);
        chart.show();
        chart.addSeries("mean", "mean");
        chart.setPoints("mean", {{1, 8}, {2, 6}, {3, 5}});
        const double inf = std::numeric_limits<double>::infinity();
        chart.setBand("band", {{1, 7}, {2, 5}, {3, std::nan("")}}, {{1, 1e30}, {2, inf}, {3, 6}}, Qt::blue);
        QVERIFY(chart.yMax() < 1e15);
        chart.setLogScale(true);
        QVERIFY(chart.yMax() < 1e15);
        chart.setSmoothing({chart::Smoothing::Ema, 0.9, 5});
        QCOMPARE(chart.rawShadowPoints("mean").size(), 3);
        chart.removeBand("band");
        QVERIFY(chart.bandKeys().isEmpty());
        chart.removeSeries("mean");
        QVERIFY(chart.rawShadowPoints("mean").isEmpty());
    }

    // In Chinese, the grouped Runs tab and the Diff view (for the screenshots).
    void chineseFitsToo()
    {
        QVERIFY(setLanguage("zh_CN"));
        MainWindow w;
        openRunsTab(w);
        RunsPanel* runs = w.runsPanel();
        runs->setGrouped(true);
        runs->selectRuns({rnn_.first(), gru_.first()});
        QCoreApplication::processEvents();
        checkTopRowFits(runs);
        shoot(&w, "runs-groups-zh");
        DiffDialog* dialog = runs->diff({rnn_[0], gru_[0], wide_});
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        shoot(dialog, "diff-settings-zh");
        dialog->close();
        setLanguage("en");
    }
};

QTEST_MAIN(RunsEvidenceTest)
#include "RunsEvidenceTest.moc"
