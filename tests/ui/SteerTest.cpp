// Steering a run with the real controls of the Language model tab (issue 27):
// paused, its learning rate lowered and its end brought forward in the
// steering row, resumed; the changes land, are kept with the run, marked on
// its curve, and `traveller-cli runs replay` trains the same curve again.
#include "WindowDriver.h"

#include "traveller/core/store/RunStore.h"
#include "traveller/ui/Language.h"

#include <QLabel>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>

using traveller::ui::MainWindow;
using namespace traveller::ui::test;

class SteerTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;

private Q_SLOTS:
    void initTestCase()
    {
        traveller::ui::registerUiMetaTypes();
        QVERIFY(home_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
    }

    void aRunSteeredByHandIsKeptAndReplayed()
    {
        qint64 libraryId = 0;
        int trainedTo = 0;
        {
            MainWindow w;
            w.resize(1024, 768);
            w.show();
            setField(w, "model.arch", "gru");
            setField(w, "model.hidden", "16");
            setField(w, "train.epochs", "400");
            setField(w, "data.max_tokens", "2000");
            setField(w, "train.threads", "1");
            setField(w, "sample.every", "0");
            click(w, "trainButton");
            QTRY_VERIFY_WITH_TIMEOUT(!w.runIds().isEmpty(), 10000);
            const int id = w.runIds().last();
            QTRY_VERIFY_WITH_TIMEOUT(w.runState(id) == MainWindow::RunState::Training &&
                                         w.perplexityChart()->pointCount(w.seriesKey(id)) >= 1,
                                     60000);
            click(w, "pauseButton");
            QTRY_VERIFY_WITH_TIMEOUT(w.runState(id) == MainWindow::RunState::Paused, 10000);
            auto* bar = w.findChild<QWidget*>("steerBar");
            QVERIFY(bar && bar->isVisible());
            QTest::qWait(200);  // the epoch it is in has its point drawn
            trainedTo = w.perplexityChart()->pointCount(w.seriesKey(id)) + 2;
            // A rate the schema refuses is said at once and sends nothing.
            auto* status = w.findChild<QLabel*>("steerStatus");
            setField(w, "steer.train.lr", "0");
            click(w, "steerApply");
            QVERIFY(!status->styleSheet().isEmpty());
            QVERIFY(!status->text().isEmpty());
            setField(w, "steer.train.lr", "0.3");
            setField(w, "steer.train.epochs", QString::number(trainedTo));
            click(w, "steerApply");
            QVERIFY(status->styleSheet().isEmpty());  // not refused
            click(w, "resumeButton");
            QTRY_VERIFY_WITH_TIMEOUT(ended(w, id), 60000);
            QCOMPARE(w.runState(id), MainWindow::RunState::Finished);
            QVERIFY(!status->text().isEmpty());  // where the last change landed
            QCOMPARE(w.perplexityChart()->pointCount(w.seriesKey(id)), trainedTo);
            // A marker where each change landed.
            QVERIFY(w.perplexityChart()->pointCount(QStringLiteral("change%1_1").arg(id)) == 1);
            libraryId = w.runInfo(id).libraryId;
            QVERIFY(libraryId > 0);
        }
        traveller::RunStore store(home_.path().toStdString());
        const auto events = store.events(libraryId);
        QCOMPARE(events.size(), std::size_t(2));
        QVERIFY(events[0].live && events[1].live);
        QCOMPARE(QString::fromStdString(events[0].key), QStringLiteral("train.lr"));
        QCOMPARE(QString::fromStdString(events[0].to), QStringLiteral("0.3"));
        QCOMPARE(QString::fromStdString(events[1].key), QStringLiteral("train.epochs"));
        QCOMPARE(store.run(libraryId).epochsDone, trainedTo);

        // The CLI trains it again from what it kept: the same curve.
        const QByteArray command = QByteArray("\"") + TRAVELLER_CLI + "\" runs replay " +
                                   QByteArray::number(libraryId) + " --quiet --library '" +
                                   QFile::encodeName(home_.path()) + "' 2>&1";
        FILE* pipe = popen(command.constData(), "r");
        QVERIFY(pipe);
        QByteArray output;
        char buf[4096];
        for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;)
            output.append(buf, static_cast<int>(n));
        QCOMPARE(pclose(pipe), 0);
        QVERIFY2(output.contains("replays run " + QByteArray::number(libraryId)), output.constData());
        traveller::RunStore after(home_.path().toStdString());
        const auto original = after.epochs(libraryId);
        const auto again = after.epochs(libraryId + 1);
        QCOMPARE(again.size(), original.size());
        for (std::size_t i = 0; i < again.size(); ++i)
            QCOMPARE(again[i].perplexity, original[i].perplexity);
    }
};

QTEST_MAIN(SteerTest)
#include "SteerTest.moc"
