// The Sweeps, Runs and Compare views driven offscreen through the real
// window: a tiny sweep (hidden 8/16, 3 epochs on 2000 characters) trains for
// real through SweepRunner, and the library it records is read back by a new
// window, as after a restart. TRAVELLER_HOME points at a temporary folder.
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/CompareDialog.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/SweepsPanel.h"
#include "WindowDriver.h"
#include "../../ui/src/RunTableModel.h"

#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>

using traveller::RunStore;
using traveller::ui::CompareDialog;
using traveller::ui::LineChart;
using traveller::ui::MainWindow;
using traveller::ui::RunsPanel;
using traveller::ui::SweepsPanel;
using traveller::ui::RunColumn;
using traveller::ui::test::libraryCell;
using traveller::ui::test::runColumn;
using traveller::ui::test::sweepCell;

namespace {

constexpr int kSweepTimeoutMs = 180000;

// Four runs: two learning rates x two hidden sizes. 8 and 16 sort apart as
// numbers ("16" < "8" as text).
const char* kTinySweep = R"(name: tiny-grid
base:
  model: {arch: rnn, hidden: 16}
  train: {epochs: 3, device: cpu}
  data: {max_tokens: 2000, batch_size: 8}
  sample: {every: 1, length: 20}
grid:
  train.lr: [0.5, 1]
  model.hidden: [8, 16]
)";

// One longer run to stop and resume: checkpoints every 5 epochs (sample.every).
const char* kLongSweep = R"(name: long-one
base:
  model: {arch: gru, hidden: 16}
  train: {epochs: 400, device: cpu}
  data: {max_tokens: 2000, batch_size: 8}
  sample: {every: 5, length: 20}
grid:
  train.lr: [1]
)";

void click(QWidget& w, const char* button)
{
    auto* b = w.findChild<QPushButton*>(button);
    QVERIFY2(b, button);
    QVERIFY2(b->isEnabled(), button);
    QTest::mouseClick(b, Qt::LeftButton);
}

// Loads and runs a sweep in the window's Sweeps tab, clicking Start.
bool runSweep(MainWindow& w, const char* yaml, const QString& runsAtOnce = "Auto")
{
    SweepsPanel* p = w.sweepsPanel();
    if (!p->loadSweepText(QString::fromUtf8(yaml), "inline.yaml"))
        return false;
    auto* parallel = w.findChild<QComboBox*>("sweepParallelCombo");
    parallel->setCurrentIndex(parallel->findText(runsAtOnce));
    QSignalSpy done(p, &SweepsPanel::sweepFinished);
    auto* start = w.findChild<QPushButton*>("startSweepButton");
    if (!start || !start->isEnabled())
        return false;
    QTest::mouseClick(start, Qt::LeftButton);
    return done.wait(kSweepTimeoutMs);
}

QList<double> columnNumbers(SweepsPanel* p, RunColumn kind)
{
    QList<double> out;
    for (int row = 0; row < p->visibleRows(); ++row)
        out << sweepCell(p, row, kind).toDouble();
    return out;
}

void selectViewRows(QTableView* view, const QList<int>& rows)
{
    view->clearSelection();
    for (int row : rows)
        view->selectionModel()->select(view->model()->index(row, 0),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList readLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

} // namespace

class SweepsRunsTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;

private Q_SLOTS:
    void initTestCase()
    {
        traveller::setTrainingThreads(2);
        QVERIFY2(QFile::exists(qEnvironmentVariable("TRAVELLER_DATA_DIR") + "/timemachine.txt"),
                 "set TRAVELLER_DATA_DIR to a folder with timemachine.txt");
        QVERIFY(home_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
    }

    void sweepPresetsAreListed()
    {
        MainWindow w;
        auto* presets = w.findChild<QComboBox*>("sweepPresetCombo");
        QVERIFY(presets);
        QVERIFY2(presets->findText("lab-rnn-lr") >= 0, "lab-rnn-lr sweep preset not found");
        QVERIFY(w.sweepsPanel()->loadSweepFile(presets->itemData(presets->findText("lab-rnn-lr")).toString()));
        QCOMPARE(w.sweepsPanel()->sweptKeys(), QStringList{"train.lr"});
        QCOMPARE(w.sweepsPanel()->visibleRows(), 4);
        QCOMPARE(w.sweepsPanel()->cell(3, "train.lr"), QString("10"));
        QCOMPARE(sweepCell(w.sweepsPanel(), 0, RunColumn::Status), QString("planned"));
        // Nothing was recorded: the library is opened on Start only.
        QVERIFY(w.sweepsPanel()->runIds().isEmpty());
    }

    void malformedSweepReportsLineAndColumn()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.yaml");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("name: bad\nbase: {model: {hidden: 16}}\ngrid:\n  train.learning_rate: [0.1, 1]\n");
        f.close();
        MainWindow w;
        w.show();
        w.tabs()->setCurrentWidget(w.sweepsPanel());
        SweepsPanel* p = w.sweepsPanel();
        QVERIFY(!p->loadSweepFile(path));
        auto* message = w.findChild<QLabel*>("sweepMessage");
        QVERIFY(!message->isHidden());
        QVERIFY2(message->text().contains("train.learning_rate") && message->text().contains("line 4") &&
                     message->text().contains("column 3"),
                 qPrintable(message->text()));
        QVERIFY(!w.findChild<QPushButton*>("startSweepButton")->isEnabled());

        // Broken YAML syntax and a bad value, inline: still a position, no crash.
        QVERIFY(!p->loadSweepText("name: x\ngrid:\n  train.lr: [0.1, 1\n", "broken.yaml"));
        QVERIFY2(p->message().contains("broken.yaml") && p->message().contains("line "), qPrintable(p->message()));
        QVERIFY(!p->loadSweepText("grid:\n  train.lr: [0.1, fast]\n", "value.yaml"));
        QVERIFY2(p->message().contains("train.lr") && p->message().contains("line 2") &&
                     p->message().contains("column"),
                 qPrintable(p->message()));
        QVERIFY(!p->loadSweepFile(dir.filePath("missing.yaml")));
        QVERIFY(p->message().contains("missing.yaml"));

        // A good sweep after the bad ones loads and clears the message.
        QVERIFY(p->loadSweepText(QString::fromUtf8(kTinySweep), "tiny.yaml"));
        QVERIFY(message->isHidden());
        QVERIFY(w.findChild<QPushButton*>("startSweepButton")->isEnabled());
    }

    void sweepFillsTheResultsTable()
    {
        MainWindow w;
        w.show();
        w.tabs()->setCurrentWidget(w.sweepsPanel());
        SweepsPanel* p = w.sweepsPanel();
        QVERIFY(p->loadSweepText(QString::fromUtf8(kTinySweep), "tiny.yaml"));
        QCOMPARE(p->sweptKeys(), (QStringList{"train.lr", "model.hidden"}));
        QCOMPARE(p->visibleRows(), 4);
        QVERIFY(p->column("train.lr") >= 0 && p->column("model.hidden") >= 0);

        QSignalSpy recorded(p, &SweepsPanel::runRecorded);
        QVERIFY(runSweep(w, kTinySweep));
        QVERIFY(!p->running());
        QCOMPARE(recorded.count(), 4);  // one per run, as each ended
        const QList<qint64> ids = p->runIds();
        QCOMPARE(ids.size(), 4);

        for (int row = 0; row < 4; ++row) {
            QCOMPARE(sweepCell(p, row, RunColumn::Status), QString("finished"));
            bool ok = false;
            const double ppl = sweepCell(p, row, RunColumn::Perplexity).toDouble(&ok);
            QVERIFY2(ok && std::isfinite(ppl) && ppl > 1.0, qPrintable(sweepCell(p, row, RunColumn::Perplexity)));
            QVERIFY(sweepCell(p, row, RunColumn::Speed).toDouble() > 0);
            QCOMPARE(sweepCell(p, row, RunColumn::Epochs), QString("3/3"));
            QVERIFY2(sweepCell(p, row, RunColumn::Sample).startsWith("time traveller") &&
                         sweepCell(p, row, RunColumn::Sample).size() > QString("time traveller").size(),
                     qPrintable(sweepCell(p, row, RunColumn::Sample)));
            QVERIFY(!sweepCell(p, row, RunColumn::Time).isEmpty());
        }
        // The table's values agree with what the library recorded.
        RunStore store(home_.path().toStdString());
        for (qint64 id : ids) {
            const auto r = store.run(id);
            QCOMPARE(r.state, traveller::StoredState::Finished);
            QCOMPARE(r.sweep, std::string("tiny-grid"));
            QCOMPARE(r.epochsDone, 3);
        }

        // Sort by perplexity: ascending, then descending.
        QTableView* view = p->resultsView();
        view->sortByColumn(runColumn(p->resultsView(), RunColumn::Perplexity), Qt::AscendingOrder);
        QList<double> ppl = columnNumbers(p, RunColumn::Perplexity);
        QVERIFY2(std::is_sorted(ppl.begin(), ppl.end()), qPrintable(QString::number(ppl[0])));
        view->sortByColumn(runColumn(p->resultsView(), RunColumn::Perplexity), Qt::DescendingOrder);
        ppl = columnNumbers(p, RunColumn::Perplexity);
        QVERIFY(std::is_sorted(ppl.rbegin(), ppl.rend()));
        QVERIFY(ppl.first() > ppl.last());
        // Numbers sort as numbers: 8 before 16.
        view->sortByColumn(p->column("model.hidden"), Qt::AscendingOrder);
        QCOMPARE(p->cell(0, "model.hidden"), QString("8"));
        QCOMPARE(p->cell(3, "model.hidden"), QString("16"));

        // The filter matches any column's text.
        auto* filter = w.findChild<QLineEdit*>("sweepFilter");
        QTest::keyClicks(filter, "hidden=16");
        QCOMPARE(p->visibleRows(), 2);
        for (int row = 0; row < 2; ++row)
            QCOMPARE(p->cell(row, "model.hidden"), QString("16"));
        filter->clear();
        QTest::keyClicks(filter, "no such run");
        QCOMPARE(p->visibleRows(), 0);
        filter->clear();
        QCOMPARE(p->visibleRows(), 4);

        // No selection: every curve; a selection: only its curves, 3 epochs each.
        LineChart* chart = p->chart();
        QCOMPARE(chart->keys().size(), 4);
        view->sortByColumn(runColumn(p->resultsView(), RunColumn::Id), Qt::AscendingOrder);
        selectViewRows(view, {0, 2});
        QCOMPARE(p->selectedRunIds(), (QList<qint64>{ids[0], ids[2]}));
        QCOMPARE(chart->keys(), (QStringList{p->seriesKey(0), p->seriesKey(2)}));
        for (const QString& key : chart->keys()) {
            const auto points = chart->points(key);
            QCOMPARE(points.size(), 3);
            QCOMPARE(points.last().x(), 3.0);
        }
        selectViewRows(view, {0, 1, 3});
        QCOMPARE(chart->keys().size(), 3);

        // Exports: the whole sweep and the selection.
        QTemporaryDir out;
        QVERIFY(p->exportCsv(out.filePath("all.csv"), SweepsPanel::Scope::WholeSweep));
        QStringList lines = readLines(out.filePath("all.csv"));
        QCOMPARE(lines.size(), 1 + 4);
        QVERIFY(lines[0].startsWith("id,name,sweep"));
        QVERIFY(p->exportCsv(out.filePath("some.csv"), SweepsPanel::Scope::Selection));
        QCOMPARE(readLines(out.filePath("some.csv")).size(), 1 + 3);
        QVERIFY2(p->exportReport(out.filePath("report.md"), SweepsPanel::Scope::WholeSweep), qPrintable(p->message()));
        const QString report = readLines(out.filePath("report.md")).join('\n');
        QVERIFY(report.contains("tiny-grid"));
        QVERIFY(report.contains(".svg"));
        QVERIFY(QFileInfo(out.filePath("report-perplexity.svg")).size() > 1000);
        view->clearSelection();
        QVERIFY(!p->exportCsv(out.filePath("none.csv"), SweepsPanel::Scope::Selection));
    }

    void divergedRunIsMarkedAndLeftOffTheDefaultChart()
    {
        const char* yaml = R"(name: too-fast
base:
  model: {arch: rnn, hidden: 16}
  train: {epochs: 4, device: cpu, clip: 0}
  data: {max_tokens: 2000, batch_size: 8}
grid:
  train.lr: [1, 1000]
)";
        MainWindow w;
        QVERIFY(runSweep(w, yaml));
        SweepsPanel* p = w.sweepsPanel();
        p->resultsView()->sortByColumn(p->column("train.lr"), Qt::AscendingOrder);
        QCOMPARE(sweepCell(p, 0, RunColumn::Status), QString("finished"));
        QCOMPARE(sweepCell(p, 1, RunColumn::Status), QString("diverged"));
        QVERIFY(p->message().contains("1 diverged"));
        // The diverged curve would flatten the others: shown only when selected.
        QCOMPARE(p->chart()->keys(), QStringList{p->seriesKey(0)});
        selectViewRows(p->resultsView(), {1});
        QCOMPARE(p->chart()->keys(), QStringList{p->seriesKey(1)});
        // Filter by status.
        QTest::keyClicks(w.findChild<QLineEdit*>("sweepFilter"), "diverged");
        QCOMPARE(p->visibleRows(), 1);

        // The Runs tab resumes what the CLI resumes (RunRules): neither the
        // diverged run nor the finished one beside it, each with the rule's reason.
        const qint64 normalId = p->runIds().at(0) < p->runIds().at(1) ? p->runIds().at(0) : p->runIds().at(1);
        const qint64 divergedId = p->runIds().at(0) == normalId ? p->runIds().at(1) : p->runIds().at(0);
        RunsPanel* runs = w.runsPanel();
        w.tabs()->setCurrentWidget(runs);
        QCOMPARE(libraryCell(runs, divergedId, RunColumn::Status), QString("diverged"));
        traveller::RunStore store(home_.path().toStdString());
        for (qint64 id : {divergedId, normalId}) {
            runs->selectRuns({id});
            auto* resume = w.findChild<QPushButton*>("resumeRunButton");
            QVERIFY(!resume->isEnabled());
            const QString reason = QString::fromStdString(traveller::canResume(store.run(id)).reason);
            QVERIFY(!reason.isEmpty());
            QCOMPARE(resume->toolTip(), reason);
            QVERIFY(!runs->resume(id));
            QCOMPARE(runs->message(), reason);
        }
        QCOMPARE(store.run(divergedId).state, traveller::StoredState::Diverged);
    }

    void missingCorpusFailsTheRunsWithTheReason()
    {
        const char* yaml = R"(name: no-corpus
base:
  model: {hidden: 8}
  train: {epochs: 2, device: cpu}
  data: {corpus: /nonexistent/book.txt}
grid:
  train.lr: [1, 2]
)";
        MainWindow w;
        QVERIFY(runSweep(w, yaml, "1"));
        SweepsPanel* p = w.sweepsPanel();
        for (int row = 0; row < 2; ++row)
            QCOMPARE(sweepCell(p, row, RunColumn::Status), QString("failed"));
        QVERIFY2(p->message().contains("2 failed") && p->message().contains("/nonexistent/book.txt"),
                 qPrintable(p->message()));
        RunStore store(home_.path().toStdString());
        QCOMPARE(store.run(p->runIds().first()).state, traveller::StoredState::Failed);
    }

    void runsTabReadsTheLibraryAfterARestart()
    {
        QList<qint64> ids;
        {
            MainWindow w;
            w.show();
            QVERIFY(runSweep(w, kTinySweep, "1"));
            ids = w.sweepsPanel()->runIds();
            QCOMPARE(ids.size(), 4);
            // The Runs tab of the same window saw them as they ended.
            QVERIFY(w.runsPanel()->listedIds().contains(ids.last()));
        }
        // A new window, as after a restart: everything comes from runs.sqlite.
        MainWindow w;
        w.show();
        RunsPanel* runs = w.runsPanel();
        QVERIFY(runs->listedIds().isEmpty());  // not read until shown
        w.tabs()->setCurrentWidget(runs);
        for (qint64 id : ids) {
            QVERIFY(runs->listedIds().contains(id));
            QCOMPARE(libraryCell(runs, id, RunColumn::Status), QString("finished"));
            QCOMPARE(libraryCell(runs, id, RunColumn::Epochs), QString("3/3"));
            QCOMPARE(libraryCell(runs, id, RunColumn::Sweep), QString("tiny-grid"));
            QVERIFY(std::isfinite(libraryCell(runs, id, RunColumn::Perplexity).toDouble()));
            QVERIFY(!libraryCell(runs, id, RunColumn::Created).isEmpty());
        }
        QCOMPARE(libraryCell(runs, ids[0], RunColumn::Label), QString("lr=0.5 hidden=8"));

        // Selecting opens: the curve and the samples of the run.
        runs->selectRuns({ids[1]});
        QCOMPARE(runs->openedRun(), ids[1]);
        QCOMPARE(runs->chart()->pointCount(QString("run%1").arg(ids[1])), 3);
        QVERIFY(w.findChild<QPlainTextEdit*>("runSamples")->toPlainText().contains("time traveller"));
        runs->selectRuns({ids[1], ids[2]});
        QCOMPARE(runs->chart()->keys().size(), 2);

        // Rename, tag, untag, delete: in the table and in the store.
        RunStore store(home_.path().toStdString());
        auto* title = w.findChild<QLabel*>("runDetailsTitle");
        auto* samples = w.findChild<QPlainTextEdit*>("runSamples");
        runs->selectRuns({ids[0]});
        QVERIFY(runs->renameRun(ids[0], "my best guess"));
        QCOMPARE(libraryCell(runs, ids[0], RunColumn::Name), QString("my best guess"));
        QVERIFY2(title->text().contains("my best guess"), qPrintable(title->text()));  // the opened run's pane too
        QCOMPARE(store.run(ids[0]).name, std::string("my best guess"));
        QVERIFY(runs->tagRuns({ids[0], ids[1]}, "keep"));
        QVERIFY(runs->tagRuns({ids[0]}, "report"));
        QCOMPARE(libraryCell(runs, ids[0], RunColumn::Tags), QString("keep, report"));
        QCOMPARE(libraryCell(runs, ids[1], RunColumn::Tags), QString("keep"));
        QCOMPARE(store.run(ids[1]).tags, std::vector<std::string>{"keep"});
        QVERIFY(runs->untagRuns({ids[0]}, "keep"));
        QCOMPARE(libraryCell(runs, ids[0], RunColumn::Tags), QString("report"));
        QCOMPARE(store.run(ids[0]).tags, std::vector<std::string>{"report"});
        // The filter finds runs by tag; the panes leave the run it hides.
        runs->selectRuns({ids[1]});
        QCOMPARE(runs->openedRun(), ids[1]);
        QVERIFY(!samples->toPlainText().isEmpty());
        QTest::keyClicks(w.findChild<QLineEdit*>("runsFilter"), "report");
        QCOMPARE(runs->listedIds(), QList<qint64>{ids[0]});
        QCOMPARE(runs->openedRun(), 0);
        QVERIFY(samples->toPlainText().isEmpty());
        QVERIFY(runs->chart()->keys().isEmpty());
        w.findChild<QLineEdit*>("runsFilter")->clear();
        // Opening a run the filter hides shows it: the filter goes.
        QTest::keyClicks(w.findChild<QLineEdit*>("runsFilter"), "report");
        runs->openRun(ids[1]);
        QCOMPARE(runs->openedRun(), ids[1]);
        QVERIFY(runs->listedIds().contains(ids[1]));
        QVERIFY(!samples->toPlainText().isEmpty());

        const QString checkpoint = QString::fromStdString(store.checkpointPath(ids[3]));
        QVERIFY(QFile::exists(checkpoint));
        runs->selectRuns({ids[3]});
        QCOMPARE(runs->openedRun(), ids[3]);
        QVERIFY(runs->deleteRuns({ids[3]}));
        QVERIFY(!runs->listedIds().contains(ids[3]));
        QCOMPARE(runs->openedRun(), 0);  // nothing of the deleted run stays on screen
        QVERIFY(samples->toPlainText().isEmpty());
        QVERIFY(!title->text().contains(QString("#%1 ").arg(ids[3])));
        QVERIFY(runs->chart()->keys().isEmpty());
        QVERIFY_THROWS_EXCEPTION(traveller::StoreError, store.run(ids[3]));
        QVERIFY(!QFile::exists(checkpoint));

        // And once more after another restart.
        MainWindow again;
        again.runsPanel()->refresh();
        QCOMPARE(libraryCell(again.runsPanel(), ids[0], RunColumn::Name), QString("my best guess"));
        QCOMPARE(libraryCell(again.runsPanel(), ids[1], RunColumn::Tags), QString("keep"));
        QVERIFY(!again.runsPanel()->listedIds().contains(ids[3]));
    }

    // Issue 24, item 11 and item 7 through Runs -> Open.
    void runsTabFitsA1024ScreenExportsAndOpensEverySetting()
    {
        RunStore store(home_.path().toStdString());
        traveller::ExperimentConfig lab;
        lab.train.lr = 10;
        lab.train.onDivergence = traveller::OnDivergence::Continue;
        const qint64 labId = store.createRun(
            {lab, "RNN lr 10, trained on through its blow-up (lab step 1.2, the book's settings)", "lab-rnn-lr", "lr=10", "test"});
        store.addTag(labId, "lab");
        const qint64 odd = store.createRun({{}, "a|b, \"c\" <d>\n# e", "", "", "test"});

        MainWindow w;
        w.resize(1024, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        RunsPanel* runs = w.runsPanel();
        w.tabs()->setCurrentWidget(runs);
        QVERIFY(w.width() <= 1024);
        QTableView* view = runs->view();
        // What tells runs apart and how they went is on screen without scrolling.
        const std::pair<RunColumn, const char*> onScreen[] = {
            {RunColumn::Id, "Id"},     {RunColumn::Name, "Name"},     {RunColumn::Cell, "Cell"},
            {RunColumn::Hidden, "Hidden"}, {RunColumn::Lr, "LR"},     {RunColumn::Status, "Status"},
            {RunColumn::Epochs, "Epochs"}, {RunColumn::Perplexity, "Perplexity"}};
        for (const auto& [kind, header] : onScreen) {
            const int c = runColumn(view, kind);
            QVERIFY2(c >= 0 && !view->isColumnHidden(c), header);
            const int left = view->columnViewportPosition(c);
            QVERIFY2(left >= 0 && left + view->columnWidth(c) <= view->viewport()->width(), header);
        }
        QVERIFY(view->isColumnHidden(runColumn(runs->view(), RunColumn::Bleu)));  // no translation run here
        QCOMPARE(libraryCell(runs, labId, RunColumn::Name),
                 QString::fromStdString(store.run(labId).name));  // elided on screen, whole in the model
        for (auto* b : runs->findChildren<QPushButton*>())
            QVERIFY2(b->mapTo(runs, QPoint(b->width(), 0)).x() <= runs->width(), qPrintable(b->objectName()));
        // Newest first, and the header says so.
        const QList<qint64> listed = runs->listedIds();
        QVERIFY(std::is_sorted(listed.rbegin(), listed.rend()));
        QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), runColumn(runs->view(), RunColumn::Id));
        QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);

        // Export writes what `traveller-cli runs export` (and `runs list --json`) writes.
        QTemporaryDir out;
        const std::vector<traveller::StoredRun> both = {store.run(labId), store.run(odd)};
        const QStringList md =
            runs->exportRuns({labId, odd}, out.filePath("report.md"), traveller::ui::RunsExportFormat::Markdown);
        QCOMPARE(md.size(), 2);
        QVERIFY(md[1].endsWith(".svg") && QFile::exists(md[1]));
        QTemporaryDir cli;
        traveller::writeMarkdownReport(store, both, cli.filePath("report.md").toStdString(), "Traveller runs");
        QCOMPARE(readAll(md[0]), readAll(cli.filePath("report.md")));
        QCOMPARE(runs->exportRuns({labId, odd}, out.filePath("runs.csv"), traveller::ui::RunsExportFormat::Csv),
                 QStringList{out.filePath("runs.csv")});
        QCOMPARE(readAll(out.filePath("runs.csv")), QByteArray::fromStdString(traveller::runsToCsv(both)));
        runs->exportRuns({labId, odd}, out.filePath("runs.jsonl"), traveller::ui::RunsExportFormat::JsonLines);
        const QStringList lines = readLines(out.filePath("runs.jsonl"));
        QCOMPARE(lines.size(), 2);
        QCOMPARE(QJsonDocument::fromJson(lines[1].toUtf8()).object().value("name").toString(),
                 QString::fromStdString(store.run(odd).name));
        // The library's own files are refused, and nothing is written over them.
        QVERIFY(runs->exportRuns({labId}, QString::fromStdString(store.databasePath()),
                                 traveller::ui::RunsExportFormat::Csv)
                    .isEmpty());
        QVERIFY(!runs->message().isEmpty());
        QCOMPARE(store.run(labId).name, both[0].name);

        // Through the button and its file dialog: the selected run, as CSV.
        runs->selectRuns({labId});
        QTimer answer;
        answer.setInterval(50);
        connect(&answer, &QTimer::timeout, this, [&] {
            auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            answer.stop();
            dialog->selectNameFilter(dialog->nameFilters().at(1));  // the CSV table
            auto* name = dialog->findChild<QLineEdit*>("fileNameEdit");  // typed, as a user does
            QVERIFY(name);
            name->setText(out.filePath("picked"));
            static_cast<QDialog*>(dialog)->accept();  // QFileDialog's own accept(), as its Save button
        });
        answer.start();
        click(w, "exportRunsButton");
        QVERIFY2(!answer.isActive(), "no file dialog");
        QVERIFY2(QFile::exists(out.filePath("picked.csv")), qPrintable(runs->message()));
        QCOMPARE(readAll(out.filePath("picked.csv")), QByteArray::fromStdString(traveller::runsToCsv({store.run(labId)})));

        // Runs -> Open: the lab run's settings, the one that trains through a
        // blow-up included, are in the Language model form for all to see.
        click(w, "openRunButton");
        auto* divergence = w.findChild<QComboBox*>("train.on_divergence");
        QCOMPARE(divergence->currentData().toString(), QString("continue"));
        QVERIFY(divergence->isVisibleTo(&w));
        QCOMPARE(w.panel()->config().train.onDivergence, traveller::OnDivergence::Continue);
        QCOMPARE(w.panel()->value("train.lr"), QString("10"));
        store.deleteRuns({labId, odd});
    }

    void compareShowsCurvesSamplesAndOnlyTheDifferingKeys()
    {
        // Recorded by one session, compared in the next.
        QList<qint64> ids;
        {
            MainWindow first;
            QVERIFY(runSweep(first, kTinySweep));
            ids = first.sweepsPanel()->runIds();  // (0.5,8) (0.5,16) (1,8) (1,16)
        }
        QCOMPARE(ids.size(), 4);
        MainWindow w;
        RunsPanel* runs = w.runsPanel();
        runs->refresh();

        // Same hidden size, another learning rate: only train.lr differs.
        std::unique_ptr<CompareDialog> pair(runs->compare({ids[0], ids[2]}));
        QVERIFY(pair);
        pair->setAttribute(Qt::WA_DeleteOnClose, false);
        QCOMPARE(pair->differingKeys(), QStringList{"train.lr"});
        // The runs, a row each through the run table model; train.lr a Setting column.
        const auto* diff = qobject_cast<const traveller::ui::RunTableModel*>(pair->runsTable()->model());
        QVERIFY(diff);
        QCOMPARE(diff->rowCount(), 2);
        const int lr = traveller::ui::RunTableModel::columnOf(diff, QString("train.lr"));
        QCOMPARE(lr, diff->columnOf(traveller::ui::RunColumn::Setting));
        QCOMPARE(diff->index(0, lr).data().toString(), QString("0.5"));
        QCOMPARE(diff->index(1, lr).data().toString(), QString("1"));
        QTableWidget* samples = pair->samplesTable();
        QCOMPARE(samples->columnCount(), 2);
        QVERIFY(samples->rowCount() >= 1);
        for (int c = 0; c < 2; ++c) {
            QVERIFY(samples->horizontalHeaderItem(c)->text().startsWith(QString("#%1 ").arg(pair->runIds()[c])));
            QVERIFY2(samples->item(0, c)->text().startsWith("time traveller"), qPrintable(samples->item(0, c)->text()));
        }
        QCOMPARE(pair->chart()->keys().size(), 2);
        for (const QString& key : pair->chart()->keys())
            QCOMPARE(pair->chart()->pointCount(key), 3);

        // All four: both swept keys, one samples column per run.
        std::unique_ptr<CompareDialog> all(runs->compare(ids));
        all->setAttribute(Qt::WA_DeleteOnClose, false);
        QCOMPARE(all->differingKeys(), (QStringList{"model.hidden", "train.lr"}));
        QCOMPARE(all->samplesTable()->columnCount(), 4);
        const auto* allRuns = all->runsTable()->model();
        QCOMPARE(allRuns->rowCount(), 4);
        QVERIFY(traveller::ui::RunTableModel::columnOf(allRuns, QString("model.hidden")) >= 0);
        QVERIFY(traveller::ui::RunTableModel::columnOf(allRuns, QString("train.lr")) >= 0);
        QCOMPARE(all->chart()->keys().size(), 4);

        // Named experiments: the name is one key like any other, listed once.
        traveller::ExperimentConfig a, b;
        a.name = "mine";
        b.name = "yours";
        b.model.arch = traveller::Arch::Gru;
        traveller::StoredRun ra, rb;
        ra.configYaml = traveller::toYaml(a);
        rb.configYaml = traveller::toYaml(b);
        QCOMPARE(CompareDialog::differingKeys({ra, rb}), (QStringList{"name", "model.arch"}));
        QCOMPARE(CompareDialog::differingKeys({ra, ra}), QStringList{});

        QVERIFY(!runs->compare({ids[0]}));  // one run is not a comparison
    }

    void regenerateWritesWithTheStoredWeights()
    {
        MainWindow w;
        QVERIFY(runSweep(w, kTinySweep));
        const qint64 id = w.sweepsPanel()->runIds().first();
        RunsPanel* runs = w.runsPanel();
        runs->openRun(id);
        QCOMPARE(runs->openedRun(), id);
        QSignalSpy generated(runs, &RunsPanel::generated);
        QVERIFY(runs->regenerate("the ", 30, 0.0));
        QVERIFY(generated.wait(30000));
        QCOMPARE(generated.last().at(0).toLongLong(), id);
        const QString text = generated.last().at(1).toString();
        QVERIFY2(generated.last().at(2).toString().isEmpty(), qPrintable(generated.last().at(2).toString()));
        QVERIFY2(text.startsWith("the ") && text.size() > 10, qPrintable(text));
        QTRY_COMPARE(w.findChild<QPlainTextEdit*>("runRegenerated")->toPlainText(), text);
        // Another run opened: the text written with this one goes.
        runs->openRun(w.sweepsPanel()->runIds().last());
        QVERIFY(w.findChild<QPlainTextEdit*>("runRegenerated")->toPlainText().isEmpty());
        runs->openRun(id);
        // Greedy is deterministic: the same weights write the same text again.
        QVERIFY(runs->regenerate("the ", 30, 0.0));
        QVERIFY(generated.wait(30000));
        QCOMPARE(generated.last().at(1).toString(), text);

        // Sampled text follows the run's own seed (RunRules' generationSeed),
        // as `traveller-cli runs generate` writes it: the same text each time.
        traveller::RunStore store(home_.path().toStdString());
        traveller::ExperimentConfig config = store.run(id).config();
        config.train.device = "cpu";
        traveller::LmSession session(config, qEnvironmentVariable("TRAVELLER_DATA_DIR").toStdString());
        session.loadCheckpoint(store.checkpointPath(id));
        const QString sampled =
            QString::fromStdString(session.generate("the ", 30, 1.0, traveller::generationSeed(config)));
        for (int i = 0; i < 2; ++i) {
            QVERIFY(runs->regenerate("the ", 30, 1.0));
            QVERIFY(generated.wait(30000));
            QCOMPARE(generated.last().at(1).toString(), sampled);
        }
    }

    void stopThenResumeContinuesFromTheCheckpoint()
    {
        MainWindow w;
        w.show();
        SweepsPanel* p = w.sweepsPanel();
        QVERIFY(p->loadSweepText(QString::fromUtf8(kLongSweep), "long.yaml"));
        QSignalSpy done(p, &SweepsPanel::sweepFinished);
        click(w, "startSweepButton");
        QVERIFY(p->running());
        QVERIFY(!w.findChild<QPushButton*>("startSweepButton")->isEnabled());
        // Live: the row and the chart fill while the run trains.
        QTRY_VERIFY_WITH_TIMEOUT(sweepCell(p, 0, RunColumn::Epochs).section('/', 0, 0).toInt() >= 12, kSweepTimeoutMs);
        QCOMPARE(sweepCell(p, 0, RunColumn::Status), QString("running"));
        QVERIFY(p->chart()->pointCount(p->seriesKey(0)) >= 1);
        click(w, "stopSweepButton");
        QVERIFY(done.wait(10000));
        QCOMPARE(sweepCell(p, 0, RunColumn::Status), QString("stopped"));
        const qint64 id = p->runIds().first();

        RunStore store(home_.path().toStdString());
        const auto stopped = store.run(id);
        QCOMPARE(stopped.state, traveller::StoredState::Stopped);
        QVERIFY(stopped.epochsDone >= 12 && stopped.epochsDone < 400);
        QVERIFY(stopped.checkpointEpoch >= 10);
        const auto beforeResume = store.epochs(id);
        QCOMPARE(static_cast<int>(beforeResume.size()), stopped.checkpointEpoch);  // a stop checkpoints its last epoch

        RunsPanel* runs = w.runsPanel();
        w.tabs()->setCurrentWidget(runs);
        QCOMPARE(libraryCell(runs, id, RunColumn::Status), QString("stopped"));
        runs->selectRuns({id});
        QVERIFY(w.findChild<QPushButton*>("resumeRunButton")->isEnabled());
        auto* samples = w.findChild<QPlainTextEdit*>("runSamples");
        QCOMPARE(samples->property("finalSamplesEpoch").toInt(), stopped.epochsDone);  // written at the stop
        QSignalSpy trained(runs, &RunsPanel::trainingFinished);
        click(w, "resumeRunButton");
        QVERIFY(runs->training());
        QVERIFY(!w.findChild<QPushButton*>("rerunButton")->isEnabled());
        // While it trains on, the stop's samples are not presented as the
        // final ones of the epoch it has reached.
        QTRY_COMPARE_WITH_TIMEOUT(samples->property("finalSamplesEpoch").toInt(), -1, 10000);
        QVERIFY(trained.wait(kSweepTimeoutMs));
        QTRY_COMPARE(samples->property("finalSamplesEpoch").toInt(), 400);
        QCOMPARE(libraryCell(runs, id, RunColumn::Status), QString("finished"));
        QCOMPARE(libraryCell(runs, id, RunColumn::Epochs), QString("400/400"));
        const auto epochs = store.epochs(id);
        QCOMPARE(epochs.size(), std::size_t{400});
        for (std::size_t i = 0; i < epochs.size(); ++i)
            QCOMPARE(epochs[i].epoch, static_cast<int>(i) + 1);  // continued, not restarted
        // The weights were reloaded: the first resumed epoch carries on from
        // the last one before the stop; from fresh weights it would be back
        // at the first epoch's perplexity.
        const auto next = static_cast<std::size_t>(stopped.checkpointEpoch);  // index of epoch checkpoint + 1
        const double last = beforeResume.back().perplexity, first = beforeResume.front().perplexity;
        QVERIFY2(last < 0.8 * first, qPrintable(QString("too little learned to tell: %1 -> %2").arg(first).arg(last)));
        QVERIFY2(std::abs(epochs[next].perplexity - last) < 0.1 * last,
                 qPrintable(QString("resumed at %1 after %2 (first epoch %3)").arg(epochs[next].perplexity).arg(last).arg(first)));
        QVERIFY(!w.findChild<QPushButton*>("resumeRunButton")->isEnabled());  // finished runs re-run instead

        // Re-run: a new run of the same experiment, trained from the start.
        QSignalSpy again(runs, &RunsPanel::trainingFinished);
        const qint64 copy = runs->rerun(id);
        QVERIFY(copy > id);
        QTRY_VERIFY_WITH_TIMEOUT(libraryCell(runs, copy, RunColumn::Status) == "running" || !again.isEmpty(), 30000);
        runs->stopTraining();
        QVERIFY(again.wait(10000) || !again.isEmpty());
        const auto rerun = store.run(copy);
        QCOMPARE(rerun.configYaml, store.run(id).configYaml);
        QCOMPARE(rerun.sweep, std::string("long-one"));
        QCOMPARE(rerun.state, traveller::StoredState::Stopped);
    }

    void closingTheWindowMidSweepStopsAndJoins()
    {
        QList<qint64> ids;
        QElapsedTimer clock;
        {
            MainWindow w;
            w.show();
            SweepsPanel* p = w.sweepsPanel();
            QVERIFY(p->loadSweepText(QString(kLongSweep).replace("train.lr: [1]", "train.lr: [1, 2, 3]"), "long.yaml"));
            click(w, "startSweepButton");
            QTRY_VERIFY_WITH_TIMEOUT(p->chart()->keys().size() >= 1, kSweepTimeoutMs);
            ids = p->runIds();
            // The sweep's last run waits in its queue: the Runs tab lists it
            // but leaves it to the sweep.
            RunsPanel* runs = w.runsPanel();
            QCOMPARE(libraryCell(runs, ids[2], RunColumn::Status), QString("queued"));
            QVERIFY(!runs->resume(ids[2]));
            QVERIFY2(runs->message().contains("sweep in progress"), qPrintable(runs->message()));
            QVERIFY(!runs->deleteRuns({ids[2]}));
            runs->selectRuns({ids[2]});
            QVERIFY(!w.findChild<QPushButton*>("resumeRunButton")->isEnabled());
            QVERIFY(!w.findChild<QPushButton*>("deleteRunsButton")->isEnabled());
            QVERIFY(w.findChild<QPushButton*>("rerunButton")->isEnabled());
            clock.start();
        }
        qInfo("window destroyed %lld ms after a mid-sweep close", static_cast<long long>(clock.elapsed()));
        QVERIFY(clock.elapsed() < 3000);
        // Nothing is left "running": started runs stopped, the rest queued.
        RunStore store(home_.path().toStdString());
        int stopped = 0;
        for (qint64 id : ids) {
            const traveller::StoredState state = store.run(id).state;
            QVERIFY2(state == traveller::StoredState::Stopped || state == traveller::StoredState::Queued, traveller::toString(state));
            stopped += state == traveller::StoredState::Stopped;
        }
        QVERIFY(stopped >= 1);
    }
};

QTEST_MAIN(SweepsRunsTest)
#include "SweepsRunsTest.moc"
