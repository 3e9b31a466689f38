// The language model tab's run queue with no window and no widget at all
// (QTEST_GUILESS_MAIN): runs train one after another on their own threads, a
// learning rate of 10 diverges beside a normal run, stop cancels the queue,
// finished runs still write text, and the queue joins its threads when it goes.
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Presets.h"
#include "traveller/core/lm/Training.h"
#include "traveller/ui/RunQueue.h"

#include <QFile>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using traveller::ExperimentConfig;
using traveller::ui::RunQueue;
using State = RunQueue::RunState;

namespace {

ExperimentConfig smallRun(const std::string& arch, const std::string& lr, int epochs)
{
    ExperimentConfig c;
    setConfigValue(c, "model.arch", arch);
    setConfigValue(c, "model.hidden", "32");
    setConfigValue(c, "train.lr", lr);
    setConfigValue(c, "train.epochs", std::to_string(epochs));
    setConfigValue(c, "data.max_tokens", "2000");
    setConfigValue(c, "data.batch_size", "8");
    setConfigValue(c, "sample.every", "2");
    setConfigValue(c, "train.device", "cpu");
    return c;
}

bool ended(const RunQueue& q, int id)
{
    const State s = q.run(id)->state;
    return s == State::Finished || s == State::Stopped || s == State::Diverged || s == State::Failed ||
           s == State::Cancelled;
}

} // namespace

class RunQueueTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        traveller::setTrainingThreads(2);
        QVERIFY2(QFile::exists(qEnvironmentVariable("TRAVELLER_DATA_DIR") + "/timemachine.txt"),
                 "set TRAVELLER_DATA_DIR to a folder with timemachine.txt");
    }

    void runsTrainInTurnAndLearningRate10DivergesBesideANormalRun()
    {
        RunQueue q(qEnvironmentVariable("TRAVELLER_DATA_DIR"), nullptr);
        QSignalSpy finished(&q, &RunQueue::runFinished);
        QSignalSpy drained(&q, &RunQueue::queueDrained);
        const int normal = q.enqueue(smallRun("gru", "1", 4));
        // The lab's values: the book's RNN at learning rate 10.
        ExperimentConfig book = traveller::loadExperimentFile(traveller::resolvePreset("book-rnn", traveller::PresetKind::Experiment));
        setConfigValue(book, "train.lr", "10");
        setConfigValue(book, "train.device", "cpu");
        const int wild = q.enqueue(book);
        // One at a time: the second waits while the first loads or trains.
        QCOMPARE(q.run(wild)->state, State::Queued);
        QVERIFY(q.busy());
        QTRY_VERIFY_WITH_TIMEOUT(ended(q, normal) && ended(q, wild), 120000);
        QCOMPARE(finished.count(), 2);
        QCOMPARE(finished[0][0].toInt(), normal);  // in the order they were queued
        QVERIFY(!drained.isEmpty());
        QVERIFY(!q.busy());

        const RunQueue::Run& a = *q.run(normal);
        QCOMPARE(a.state, State::Finished);
        QCOMPARE(a.perplexity.size(), 4);
        QVERIFY(a.last.perplexity > 1 && a.last.perplexity < 40);
        QVERIFY(!a.gradNorm.isEmpty());
        QVERIFY(!a.outcome.finalSample.isEmpty());
        QCOMPARE(a.statusText, QString("finished"));

        const RunQueue::Run& b = *q.run(wild);
        QCOMPARE(b.state, State::Diverged);
        QVERIFY(b.outcome.divergedEpoch >= 1 && b.outcome.divergedEpoch < book.train.epochs);
        QVERIFY(b.statusText.startsWith("diverged at epoch"));
        // Its curve is there up to the divergence, the first run's untouched.
        QCOMPARE(b.perplexity.size(), b.outcome.divergedEpoch);
        QCOMPARE(a.perplexity.size(), 4);

        // A finished run still writes with its last weights, on its own thread.
        QSignalSpy generated(&q, &RunQueue::generated);
        const QList<int> asked = q.regenerate("time traveller", 20, 0);
        QVERIFY(asked.contains(normal));
        QTRY_VERIFY_WITH_TIMEOUT(generated.count() == asked.size(), 30000);
        for (const auto& answer : generated)
            if (answer[0].toInt() == normal)
                QVERIFY(answer[1].toString().startsWith("time traveller"));
    }

    void stopCancelsTheQueueAndKeepsWhatTheRunLearned()
    {
        RunQueue q(qEnvironmentVariable("TRAVELLER_DATA_DIR"), nullptr);
        const int first = q.enqueue(smallRun("lstm", "1", 500));
        const int second = q.enqueue(smallRun("gru", "1", 5));
        QTRY_VERIFY_WITH_TIMEOUT(q.run(first)->perplexity.size() >= 2, 60000);
        q.pause();
        QCOMPARE(q.run(first)->state, State::Paused);
        q.resume();
        QCOMPARE(q.run(first)->state, State::Training);
        q.stop();
        QCOMPARE(q.run(second)->state, State::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(ended(q, first), 30000);
        QCOMPARE(q.run(first)->state, State::Stopped);
        QVERIFY(q.run(first)->outcome.epochsDone >= 2 && q.run(first)->outcome.epochsDone < 500);
        QVERIFY(q.run(second)->perplexity.isEmpty());  // never started
        QVERIFY(!q.busy());
    }

    void aQueueThatGoesMidRunJoinsItsThreads()
    {
        QElapsedTimer clock;
        {
            RunQueue q(qEnvironmentVariable("TRAVELLER_DATA_DIR"), nullptr);
            const int id = q.enqueue(smallRun("gru", "1", 1000));
            QTRY_VERIFY_WITH_TIMEOUT(q.run(id)->perplexity.size() >= 1, 60000);
            q.pause();  // a paused trainer too is woken and stopped
            clock.start();
        }
        // Stopped within a batch, not after 1000 epochs.
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    }

    void theLensFollowsARunAtEverySampleIntervalAndWhenItIsDone()
    {
        RunQueue q(qEnvironmentVariable("TRAVELLER_DATA_DIR"), nullptr);
        QSignalSpy lens(&q, &RunQueue::inspected);
        const int id = q.enqueue(smallRun("lstm", "1", 6));  // a sample every 2 epochs
        q.setLensText(id, "time traveller");
        QTRY_VERIFY_WITH_TIMEOUT(ended(q, id), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(lens.count() >= 3, 10000);
        QList<int> epochs;
        for (const auto& signal : lens) {
            QCOMPARE(signal[0].toInt(), id);
            epochs << signal[1].toInt();
            const auto result = signal[2].value<traveller::ui::InspectionPtr>();
            QVERIFY(result);
            QCOMPARE(result->steps.size(), std::size_t{14});
            QCOMPARE(result->arch, std::string("lstm"));
            QVERIFY(result->saliency.empty());  // not on the training thread's time
        }
        for (int e : {2, 4, 6})
            QVERIFY2(epochs.contains(e), qPrintable(QString::number(epochs.size())));
        // Idle now: a new text is read at once, with the last weights.
        q.setLensText(id, "the time machine");
        QTRY_VERIFY_WITH_TIMEOUT(lens.last()[2].value<traveller::ui::InspectionPtr>()->steps.size() == 16, 10000);
        // Stopped following: nothing more.
        q.setLensText(id, QString());
        const int before = static_cast<int>(lens.count());
        QTest::qWait(300);
        QCOMPARE(static_cast<int>(lens.count()), before);
    }

    void aMissingCorpusFailsTheRunAndHoldsTheQueue()
    {
        QTemporaryDir empty;
        RunQueue q(empty.path(), nullptr);
        QSignalSpy failed(&q, &RunQueue::runFailed);
        const int first = q.enqueue(smallRun("gru", "1", 2));
        const int second = q.enqueue(smallRun("rnn", "1", 2));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(q.run(first)->state, State::Failed);
        QCOMPARE(failed[0][1].value<traveller::ui::RunFailure>().kind, traveller::ui::FailureKind::Corpus);
        // The next run would fail the same way: it waits for the corpus.
        QTest::qWait(200);
        QCOMPARE(q.run(second)->state, State::Queued);
        q.stop();
        QCOMPARE(q.run(second)->state, State::Cancelled);
    }
};

QTEST_GUILESS_MAIN(RunQueueTest)
#include "RunQueueTest.moc"
