// The Runs tab's lineage, notes and filter with the real widgets. Continue…
// and Fork… (issue 27.5–7): a finished run forked at a kept epoch with a
// lower rate, the fork trained and kept with its parent and branch epoch; the
// fork then continued as the same run; a rate the schema refuses keeps the
// dialog open and makes nothing. A note typed on a run is kept and the filter
// box (core's filter language, issue 28.6) finds it.
#include "WindowDriver.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/RunsPanel.h"
#include "../../ui/src/BranchDialogs.h"
#include "../../ui/src/ImportTorchDialog.h"
#include "traveller/core/Errors.h"
#include "traveller/core/store/TorchInterop.h"
#include "traveller/ui/MainWindow.h"

#include <QAction>
#include <QFileInfo>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <sys/stat.h>

#include <algorithm>
#include <functional>

using traveller::ui::ForkDialog;
using traveller::ui::MainWindow;
using traveller::ui::RunsPanel;
using namespace traveller;
using namespace traveller::ui::test;

namespace {

// Runs `answer` on the first top-level widget of type T once it shows (a
// modal dialog's exec() blocks the test until then).
template <class T>
void whenShown(std::function<void(T*)> answer)
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, answer] {
        for (QWidget* w : QApplication::topLevelWidgets())
            if (auto* d = qobject_cast<T*>(w); d && d->isVisible()) {
                timer->stop();
                timer->deleteLater();
                answer(d);
                return;
            }
    });
    timer->start();
}

} // namespace

class BranchTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;
    qint64 parent_ = 0;

private Q_SLOTS:
    void initTestCase()
    {
        traveller::ui::registerUiMetaTypes();
        QVERIFY(home_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
        RunStore store(home_.path().toStdString());
        NewRun n;
        n.config = parseExperimentYaml("model: {arch: gru, hidden: 16}\n"
                                       "train: {epochs: 6, device: cpu, threads: 1, keep_checkpoints: 2}\n"
                                       "data: {max_tokens: 2000}\nsample: {every: 0, length: 10}\n");
        parent_ = store.createRun(n);
        RecordOptions options;
        options.dataDir = resolveDataDir();
        TrainingObserver quiet;
        RunControl control;
        QVERIFY(trainRecordedRun(store, parent_, options, quiet, control).status == RunStatus::Finished);
    }

    // Issue 30.2: File → Import a PyTorch model… — a state_dict in the book's
    // names (here the parent run's own, written by export-torch) becomes a
    // finished run through the dialog; a file that is not a PyTorch archive
    // is one error with its code and adds nothing.
    void aBooksModelIsImportedThroughTheDialog()
    {
        MainWindow w;
        QVERIFY(w.findChild<QAction*>("importTorchAction"));
        QTemporaryDir elsewhere;  // the runs the other tests count stay as they are
        const std::string file = (elsewhere.path() + "/book-gru.pt").toStdString();
        {
            RunStore home(home_.path().toStdString());
            exportTorchModel(home, parent_, file, resolveDataDir());
        }
        RunStore store(elsewhere.path().toStdString());
        const std::size_t before = store.runs().size();
        traveller::ui::ImportTorchDialog dialog;
        dialog.findChild<QLineEdit*>("importTorchFile")->setText(QString::fromStdString(file));
        auto* cell = dialog.findChild<QComboBox*>("importTorchCell");
        cell->setCurrentIndex(cell->findData(QStringLiteral("gru")));
        QVERIFY(!dialog.runImport(store, QString::fromStdString(resolveDataDir())).isEmpty());
        const std::vector<StoredRun> runs = store.runs();
        QCOMPARE(runs.size(), before + 1);
        const StoredRun& imported = *std::max_element(runs.begin(), runs.end(),
                                                      [](const StoredRun& a, const StoredRun& b) { return a.id < b.id; });
        QCOMPARE(imported.state, StoredState::Finished);
        QCOMPARE(imported.config().model.hidden, 16);
        QVERIFY(imported.checkpointEpoch > 0);

        QFile notes(elsewhere.path() + "/notes.txt");
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("not a model\n");
        notes.close();
        dialog.findChild<QLineEdit*>("importTorchFile")->setText(notes.fileName());
        // The code of what `f` throws ("" when it throws nothing).
        const auto codeOf = [](const auto& f) {
            try {
                f();
            } catch (const traveller::Error& e) {
                return QString::fromStdString(e.message().code);
            }
            return QString();
        };
        QCOMPARE(codeOf([&] { dialog.runImport(store, QString::fromStdString(resolveDataDir())); }),
                 QStringLiteral("torch.not_archive"));
        QCOMPARE(store.runs().size(), before + 1);

        // export-torch onto a pipe refuses at once and leaves the pipe a pipe.
        const QString pipe = elsewhere.path() + "/pipe.pt";
        QCOMPARE(::mkfifo(QFile::encodeName(pipe).constData(), 0600), 0);
        QCOMPARE(codeOf([&] { exportTorchModel(store, imported.id, pipe.toStdString(), resolveDataDir()); }),
                 QStringLiteral("torch.cannot_write"));
        QVERIFY(QFileInfo(pipe).isFile() == false && QFileInfo::exists(pipe));
    }

    void aRunIsForkedAtAKeptEpochThenTheForkContinues()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        RunsPanel* runs = w.runsPanel();
        runs->refresh();
        runs->selectRuns({parent_});
        auto* fork = runs->findChild<QPushButton*>("forkRunButton");
        QVERIFY(fork && fork->isEnabled());
        QSignalSpy finished(runs, &RunsPanel::trainingFinished);
        bool answered = false;
        whenShown<ForkDialog>([&](ForkDialog* d) {
            answered = true;
            QCOMPARE(d->epochBox()->count(), 3);  // 2, 4, 6
            d->epochBox()->setCurrentIndex(d->epochBox()->findData(4));
            QCOMPARE(d->field("train.lr")->text(), QString("1"));
            d->field("train.lr")->setText("0.3");
            d->accept();
        });
        fork->click();
        QVERIFY(answered);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        const qint64 forkId = finished.at(0).at(0).toLongLong();
        {
            RunStore store(home_.path().toStdString());
            const StoredRun made = store.run(forkId);
            QCOMPARE(made.parentId, parent_);
            QCOMPARE(made.branchEpoch, 4);
            QVERIFY(made.state == StoredState::Finished);
            QCOMPARE(made.epochsDone, 6);
            const auto events = store.events(forkId);
            QCOMPARE(static_cast<int>(events.size()), 1);
            QCOMPARE(QString::fromStdString(events[0].to), QString("0.3"));
            QCOMPARE(events[0].epoch, 5);
            // Its first four epochs are its parent's.
            QCOMPARE(store.epochs(forkId)[3].perplexity, store.epochs(parent_)[3].perplexity);
        }

        // Continue… trains the fork on as the same run.
        runs->selectRuns({forkId});
        auto* more = runs->findChild<QPushButton*>("continueRunButton");
        QVERIFY(more && more->isEnabled());
        whenShown<QInputDialog>([](QInputDialog* d) {
            d->setIntValue(2);
            d->accept();
        });
        more->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
        QCOMPARE(finished.at(1).at(0).toLongLong(), forkId);
        RunStore store(home_.path().toStdString());
        QCOMPARE(store.run(forkId).epochsDone, 8);
        QVERIFY(store.run(forkId).state == StoredState::Finished);
    }

    void aRefusedRateKeepsTheDialogOpenAndMakesNothing()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        RunsPanel* runs = w.runsPanel();
        runs->refresh();
        const int before = static_cast<int>(RunStore(home_.path().toStdString()).runs().size());
        runs->selectRuns({parent_});
        bool sawError = false;
        whenShown<ForkDialog>([&](ForkDialog* d) {
            d->field("train.lr")->setText("1e308");
            d->accept();
            auto* error = d->findChild<QLabel*>("forkError");
            sawError = d->isVisible() && error && error->isVisible() && !error->text().isEmpty();
            d->reject();
        });
        runs->findChild<QPushButton*>("forkRunButton")->click();
        QVERIFY(sawError);
        QCOMPARE(static_cast<int>(RunStore(home_.path().toStdString()).runs().size()), before);
    }

    void aNoteIsKeptAndTheFilterSpeaksTheCoresLanguage()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        RunsPanel* runs = w.runsPanel();
        runs->refresh();
        runs->selectRuns({parent_});
        runs->openRun(parent_);
        auto* note = runs->findChild<QLineEdit*>("runNote");
        QVERIFY(note && note->isEnabled());
        note->setFocus();
        QTest::keyClicks(note, "gates help");
        QTest::keyClick(note, Qt::Key_Return);
        QTRY_COMPARE(QString::fromStdString(RunStore(home_.path().toStdString()).run(parent_).note),
                     QString("gates help"));

        auto* filter = runs->findChild<QLineEdit*>("runsFilter");
        const int all = runs->listedIds().size();
        QVERIFY(all >= 2);
        filter->setText("note:gates");
        QCOMPARE(runs->listedIds(), QList<qint64>{parent_});
        filter->setText("cell=gru hidden=16");
        QCOMPARE(runs->listedIds().size(), all);
        filter->setText("lr>5");
        QVERIFY(runs->listedIds().isEmpty());
        // A word the language cannot read marks the box and keeps the last filter.
        filter->setText("colour=red");
        QVERIFY(filter->property("invalid").toBool());
        QVERIFY(runs->listedIds().isEmpty());
        // A family: the run it forked from and every fork below.
        filter->setText(QStringLiteral("family:%1").arg(parent_ + 1));
        QVERIFY(runs->listedIds().contains(parent_) && runs->listedIds().contains(parent_ + 1));
        filter->setText(QStringLiteral("family:999"));
        QVERIFY(runs->listedIds().isEmpty());
        filter->clear();
        QVERIFY(!filter->property("invalid").toBool());
        QCOMPARE(runs->listedIds().size(), all);
        // The family column tells forks from their parent.
        QVERIFY(!libraryCell(runs, parent_ + 1, traveller::ui::RunColumn::Family).isEmpty());
    }
};

QTEST_MAIN(BranchTest)
#include "BranchTest.moc"
