// The one table model of runs (ui/src/RunTableModel) on its own: numbers
// sort as numbers with missing ones last, a blown-up run's state is red,
// headers follow the window's language, and a run of the Language model
// tab's queue reads the same as the stored run of the same values.
#include "../../ui/src/RunTableModel.h"

#include "traveller/core/ExperimentConfig.h"
#include "traveller/ui/Language.h"

#include <QSortFilterProxyModel>
#include <QtTest>

#include <cmath>

using traveller::ExperimentConfig;
using traveller::StoredRun;
using traveller::StoredState;
using traveller::ui::RunColumn;
using traveller::ui::RunQueue;
using traveller::ui::RunRow;
using traveller::ui::RunTableModel;

namespace {

RunRow row(qint64 id, double perplexity)
{
    RunRow r;
    r.id = id;
    r.name = QStringLiteral("run %1").arg(id);
    r.state = StoredState::Finished;
    r.epochs = r.epochsDone = 3;
    r.perplexity = perplexity;
    return r;
}

ExperimentConfig config()
{
    ExperimentConfig c;
    setConfigValue(c, "model.arch", "gru");
    setConfigValue(c, "model.hidden", "64");
    setConfigValue(c, "model.layers", "2");
    setConfigValue(c, "train.lr", "0.5");
    setConfigValue(c, "train.epochs", "4");
    return c;
}

} // namespace

class RunTableModelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sortsPerplexityAsNumbersWithNaNLast()
    {
        RunTableModel model;
        model.setColumns({RunColumn::Id, RunColumn::Name, RunColumn::Perplexity});
        model.setRows({row(1, 10.5), row(2, RunRow::kNone), row(3, 9.25), row(4, 100.0)});
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(RunTableModel::SortRole);
        const int c = RunTableModel::columnOf(&proxy, RunColumn::Perplexity);
        QCOMPARE(c, 2);
        proxy.sort(c, Qt::AscendingOrder);
        QStringList order;
        for (int r = 0; r < proxy.rowCount(); ++r)
            order << proxy.index(r, 0).data().toString();
        // 9.25 < 10.5 < 100 as numbers (as text "100" would come first); no value last.
        QCOMPARE(order, QStringList({"3", "1", "4", "2"}));
        QCOMPARE(proxy.index(3, c).data().toString(), QString());
        QCOMPARE(proxy.index(0, c).data(Qt::TextAlignmentRole).toInt() & Qt::AlignRight, int(Qt::AlignRight));
    }

    void blownUpRunIsRed()
    {
        RunTableModel model;
        model.setColumns({RunColumn::Name, RunColumn::Status});
        RunRow blown = row(1, 4.0);
        blown.blewUpAt = 2;
        RunRow fine = row(2, 4.0);
        model.setRows({blown, fine});
        const int c = model.columnOf(RunColumn::Status);
        const auto look = traveller::ui::stateLook(StoredState::Finished, 2);
        QVERIFY(look.marked);
        QCOMPARE(model.index(0, c).data().toString(), look.label);
        QCOMPARE(model.index(0, c).data(Qt::ForegroundRole).value<QColor>(), look.colour);
        QVERIFY(!model.index(1, c).data(Qt::ForegroundRole).isValid());  // the text's own colour
    }

    void headersFollowTheLanguage()
    {
        RunTableModel model;
        model.setColumns({RunColumn::Status, RunColumn::Perplexity, RunColumn::Epochs, RunColumn::Setting},
                         {"train.lr"});
        QSignalSpy changed(&model, &QAbstractItemModel::headerDataChanged);
        QVERIFY(traveller::ui::setLanguage("zh_CN"));
        QVERIFY(changed.count() >= 1);
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QString("状态"));
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QString("困惑度"));
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QString("迭代周期"));
        QCOMPARE(model.headerData(3, Qt::Horizontal).toString(), QString("train.lr"));  // a key, as written
        QCOMPARE(RunTableModel::columnOf(&model, RunColumn::Perplexity), 1);
        QVERIFY(traveller::ui::setLanguage("en"));
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QString("Perplexity"));
    }

    void queueRunAndStoredRunReadTheSame()
    {
        const ExperimentConfig c = config();
        StoredRun stored;
        stored.id = 7;
        stored.name = "gru lr=0.5";
        stored.configYaml = toYaml(c);
        stored.state = StoredState::Finished;
        stored.blewUpAt = 3;
        stored.epochs = 4;
        stored.epochsDone = 4;
        stored.perplexity = 6.125;
        stored.tokensPerSecond = 12345;
        stored.seconds = 75;
        stored.device = "cpu";
        stored.samples[c.sample.prefix] = "time traveller said";

        RunQueue::Run queued;
        queued.config = c;
        queued.name = "gru lr=0.5";
        queued.state = RunQueue::RunState::Finished;
        queued.info.libraryId = 7;
        queued.info.device = "cpu";
        queued.last.epoch = 4;
        queued.last.epochs = 4;
        queued.last.perplexity = 6.125;
        queued.outcome.blewUpAt = 3;
        queued.outcome.tokensPerSecond = 12345;
        queued.outcome.seconds = 75;
        queued.outcome.finalSample = "time traveller said";

        RunTableModel model;
        model.setColumns({RunColumn::Id, RunColumn::Name, RunColumn::Cell, RunColumn::Hidden, RunColumn::Lr,
                          RunColumn::Status, RunColumn::Epochs, RunColumn::Perplexity, RunColumn::Speed,
                          RunColumn::Time, RunColumn::Sample, RunColumn::Device});
        model.setRows({traveller::ui::runRow(stored), traveller::ui::runRow(queued)});
        for (int col = 0; col < model.columnCount(); ++col) {
            const QString header = model.headerData(col, Qt::Horizontal).toString();
            QVERIFY2(!model.text(0, col).isEmpty(), qPrintable(header));
            QCOMPARE(model.text(1, col), model.text(0, col));
            QCOMPARE(model.index(1, col).data(RunTableModel::SortRole), model.index(0, col).data(RunTableModel::SortRole));
            QCOMPARE(model.index(1, col).data(Qt::ForegroundRole), model.index(0, col).data(Qt::ForegroundRole));
        }
        QCOMPARE(model.text(0, model.columnOf(RunColumn::Cell)), QString("GRU ×2"));
    }
};

QTEST_MAIN(RunTableModelTest)
#include "RunTableModelTest.moc"
