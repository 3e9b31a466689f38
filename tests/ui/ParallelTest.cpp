// Parallel coordinates and importance in the Runs tab (issue 28.5), on a
// real sweep of twelve tiny runs (learning rate x hidden x 2 seeds): the
// learning rate, the setting that decides, leads the importance table named
// by its method; brushing its axis narrows the table to the runs inside; the
// axes chosen are remembered.
#include "WindowDriver.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/core/store/SweepRunner.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/RunsPanel.h"
#include "../../ui/src/ParallelDialog.h"

#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using traveller::ui::MainWindow;
using traveller::ui::ParallelDialog;
using traveller::ui::RunsPanel;
using namespace traveller;

class ParallelTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;
    QTemporaryDir settings_;

private Q_SLOTS:
    void initTestCase()
    {
        traveller::ui::registerUiMetaTypes();
        QVERIFY(home_.isValid() && settings_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings_.path());
        const Sweep sweep = parseSweepYaml("name: grid\n"
                                           "base:\n"
                                           "  model: {arch: rnn, hidden: 16}\n"
                                           "  train: {epochs: 6, device: cpu, threads: 1, keep_checkpoints: 0}\n"
                                           "  data: {max_tokens: 2000}\n"
                                           "  sample: {every: 0, length: 10}\n"
                                           "grid:\n  train.lr: [0.01, 1, 20]\n  model.hidden: [8, 16]\n"
                                           "repeat: 2\n");
        RunStore store(home_.path().toStdString());
        SweepOptions options;
        options.record.dataDir = resolveDataDir();
        options.parallel = 1;
        SweepRunner runner(store, sweep, options);
        SweepObserver quiet;
        RunControl control;
        runner.run(quiet, control);
        QCOMPARE(static_cast<int>(store.runs().size()), 12);
    }

    void brushingTheDecidingAxisNarrowsTheTable()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        RunsPanel* runs = w.runsPanel();
        runs->refresh();
        runs->setGrouped(false);
        QCOMPARE(runs->listedIds().size(), 12);
        ParallelDialog* dialog = runs->parallel({});
        QVERIFY(dialog);
        // The importance names its method and puts the rate first.
        QVERIFY(!dialog->findChild<QLabel*>("importanceMethod")->text().isEmpty());
        QTableWidget* importance = dialog->importanceTable();
        QVERIFY(importance->rowCount() >= 2);
        QCOMPARE(importance->item(0, 0)->text(), QString("train.lr"));
        QVERIFY(importance->item(0, 1)->data(Qt::UserRole).toDouble() > 0.5);

        int lrAxis = -1;
        for (int a = 0; a < static_cast<int>(dialog->plot()->axes().size()); ++a)
            if (dialog->plot()->axes()[static_cast<std::size_t>(a)].key == "train.lr")
                lrAxis = a;
        QVERIFY(lrAxis >= 0);
        QVERIFY(dialog->plot()->axes()[static_cast<std::size_t>(lrAxis)].log);
        dialog->plot()->setBrush(lrAxis, std::pair{0.5, 2.0});
        const QList<qint64> listed = runs->listedIds();
        QCOMPARE(listed.size(), 4);  // lr 1: two hidden sizes x two seeds
        RunStore store(home_.path().toStdString());
        for (qint64 id : listed)
            QCOMPARE(store.run(id).config().train.lr, 1.0);
        QTRY_COMPARE(runs->selectedIds().size(), 4);  // their curves drawn once the brush rests
        dialog->plot()->clearBrushes();
        QCOMPARE(runs->listedIds().size(), 12);

        // An axis switched off stays off in the next dialog.
        QListWidgetItem* seed = nullptr;
        for (int i = 0; i < dialog->axisList()->count(); ++i)
            if (dialog->axisList()->item(i)->data(Qt::UserRole).toString() == "train.seed")
                seed = dialog->axisList()->item(i);
        QVERIFY(seed);
        const auto before = dialog->plot()->axes().size();
        seed->setCheckState(Qt::Unchecked);
        QCOMPARE(dialog->plot()->axes().size(), before - 1);
        dialog->close();
        ParallelDialog* again = runs->parallel({});
        QCOMPARE(again->plot()->axes().size(), before - 1);
        again->close();
    }
};

QTEST_MAIN(ParallelTest)
#include "ParallelTest.moc"
