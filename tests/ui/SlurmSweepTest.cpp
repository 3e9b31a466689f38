// The Sweeps tab submitting to a real one-node Slurm (tests/cluster/
// one-node-slurm.sh, started and stopped here; skipped, saying why, where
// the daemons cannot run): three runs, learning rate 10 diverging next to
// two normal ones, followed from squeue and the run folders until the import
// job has brought them into the library; every row selected.
#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/SweepsPanel.h"
#include "WindowDriver.h"

#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace traveller;
using traveller::ui::MainWindow;
using traveller::ui::SweepsPanel;
using traveller::ui::RunColumn;
using traveller::ui::test::sweepCell;

namespace {

const std::string kScript = std::string(TRAVELLER_SOURCE_DIR) + "/tests/cluster/one-node-slurm.sh";

const char* kSweep = R"(name: slurm-window
base:
  model: {arch: rnn, hidden: 32}
  train: {epochs: 4, device: cpu, threads: 1}
  data: {max_tokens: 3000}
  sample: {every: 2, length: 20}
grid:
  train.lr: [0.5, 1, 10]
)";

} // namespace

class SlurmSweepTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;
    QTemporaryDir cluster_;
    bool up_ = false;
    QString why_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(home_.isValid() && cluster_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
        const ProgramOutput out = runProgram({"sh", kScript, "start", cluster_.path().toStdString()});
        up_ = out.status == 0;
        why_ = QString::fromStdString(out.out + out.err);
        if (up_)
            qputenv("SLURM_CONF", QFile::encodeName(cluster_.filePath("slurm.conf")));
        else
            QVERIFY2(out.status == 77, qPrintable(why_));
    }

    void cleanupTestCase() { runProgram({"sh", kScript, "stop", cluster_.path().toStdString()}); }

    void submitsFollowsAndFillsTheTableFromTheImportedRuns()
    {
        if (!up_)
            QSKIP(qPrintable(why_));
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        w.tabs()->setCurrentWidget(w.sweepsPanel());
        SweepsPanel* p = w.sweepsPanel();
        QVERIFY(SweepsPanel::slurmAvailable());
        QVERIFY(p->loadSweepText(QString::fromUtf8(kSweep), "slurm-window.yaml"));
        auto* submit = w.findChild<QPushButton*>("slurmSubmitButton");
        QVERIFY(submit && submit->isVisible() && submit->isEnabled());

        QSignalSpy recorded(p, &SweepsPanel::runRecorded);
        SlurmOptions options;
        options.maxParallel = 2;
        options.time = "10:00";
        QVERIFY2(p->submitToSlurm(options), qPrintable(p->message()));
        QVERIFY(!p->clusterFolder().isEmpty());
        QVERIFY(w.findChild<QPushButton*>("slurmImportButton")->isVisible());
        // TRAVELLER_SCREENSHOTS=DIR keeps the window as it looked (docs/).
        const QString shots = qEnvironmentVariable("TRAVELLER_SCREENSHOTS");
        auto* summaryLabel = w.findChild<QLabel*>("sweepSummary");
        QTRY_VERIFY_WITH_TIMEOUT(summaryLabel->text().startsWith("Slurm:"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(sweepCell(p, 0, RunColumn::Status) != "queued", 20000);  // the task's own word
        QVERIFY2(QStringList({"pending", "running", "finished", "diverged"}).contains(sweepCell(p, 0, RunColumn::Status)),
                 qPrintable(sweepCell(p, 0, RunColumn::Status)));
        // It fits the projector: nothing wider than the window.
        QCOMPARE(w.width(), 1024);
        if (!shots.isEmpty())
            w.grab().save(shots + "/screenshot-sweeps-slurm-following.png");
        // Pending or running first, then the import job brings all three in.
        QTRY_VERIFY_WITH_TIMEOUT(recorded.count() == 3, 180000);
        QCOMPARE(p->runIds().size(), 3);
        auto statusOf = [&](const QString& lr) {
            for (int row = 0; row < p->visibleRows(); ++row)
                if (p->cell(row, "train.lr") == lr)
                    return sweepCell(p, row, RunColumn::Status);
            return QString("(no row)");
        };
        QTRY_COMPARE_WITH_TIMEOUT(statusOf("0.5"), QString("finished"), 10000);
        QCOMPARE(statusOf("1"), QString("finished"));
        QCOMPARE(statusOf("10"), QString("diverged"));
        auto* summary = w.findChild<QLabel*>("sweepSummary");
        QVERIFY2(summary->text().contains("3 of 3 imported"), qPrintable(summary->text()));

        // Every row selected: each has its curve; the diverged one too.
        QTableView* view = p->resultsView();
        view->selectAll();
        QCoreApplication::processEvents();
        QCOMPARE(p->selectedRunIds().size(), 3);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(p->chart()->hasSeries(SweepsPanel::seriesKey(i)), qPrintable(SweepsPanel::seriesKey(i)));
        if (!shots.isEmpty()) {
            QTest::qWait(300);
            w.grab().save(shots + "/screenshot-sweeps-slurm-imported.png");
        }

        // The library holds them, as the Runs tab shows.
        RunStore store(home_.path().toStdString());
        QCOMPARE(static_cast<int>(store.runsOfSweep("slurm-window").size()), 3);
        for (const auto& r : store.runsOfSweep("slurm-window"))
            QVERIFY2(r.state == (r.config().train.lr == 10 ? StoredState::Diverged : StoredState::Finished),
                     r.message.c_str());

        // In Chinese the same rows read 已完成 / 已发散 (switched at run time).
        QVERIFY(traveller::ui::setLanguage("zh_CN"));
        const QString statusZh = QString::fromUtf8("状态");
        QTRY_VERIFY_WITH_TIMEOUT(p->column(statusZh) >= 0, 5000);
        auto statusZhOf = [&](const QString& lr) {
            for (int row = 0; row < p->visibleRows(); ++row)
                if (p->cell(row, "train.lr") == lr)
                    return p->cell(row, statusZh);
            return QString("(no row)");
        };
        QTRY_COMPARE_WITH_TIMEOUT(statusZhOf("10"), QString::fromUtf8("已发散"), 5000);
        QCOMPARE(statusZhOf("1"), QString::fromUtf8("已完成"));
        QVERIFY2(summaryLabel->text().contains(QString::fromUtf8("3 个中已有 3 个导入运行记录库")) &&
                     summaryLabel->text().contains(QString::fromUtf8("1 个已发散")),
                 qPrintable(summaryLabel->text()));
        if (!shots.isEmpty())
            w.grab().save(shots + "/screenshot-sweeps-slurm-imported-zh_CN.png");
        QVERIFY(traveller::ui::setLanguage("en"));

        // Importing again changes nothing.
        QVERIFY(p->importClusterRuns());
        QVERIFY2(p->message().contains("0 run(s) imported, 3 already"), qPrintable(p->message()));
        QCOMPARE(static_cast<int>(store.runsOfSweep("slurm-window").size()), 3);
    }
};

QTEST_MAIN(SlurmSweepTest)
#include "SlurmSweepTest.moc"
