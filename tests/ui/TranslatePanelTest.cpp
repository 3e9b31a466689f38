// Drives the "Translate" tab of the real window offscreen: small runs (20
// epochs, 300 pairs) trained through the Train button, then the evaluation
// table, held-out BLEU, typed translations and the attention heatmap checked.
#include "traveller/core/s2s/Bleu.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/AttentionHeatmap.h"
#include "traveller/ui/CorpusBanner.h"
#include "traveller/ui/CorpusLocations.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunTypes.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/TranslatePanel.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QSplitter>
#include <QTemporaryDir>
#include <QLabel>
#include <QLineEdit>

#include <climits>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

#include <algorithm>
#include <cmath>

using traveller::ui::AttentionHeatmap;
using traveller::ui::LineChart;
using traveller::ui::MainWindow;
using traveller::ui::TranslatePanel;

namespace {

constexpr int kRunTimeoutMs = 120000;

template <typename T>
T* child(QWidget& w, const char* name)
{
    T* c = w.findChild<T*>(name);
    if (!c)
        qWarning("no widget %s", name);
    return c;
}

bool hasChinese(const QString& s)
{
    for (QChar c : s)
        if (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF)
            return true;
    return false;
}

// The axis titles a chart draws.
QStringList axisTitles(LineChart* chart)
{
    QStringList out;
    for (QAbstractAxis* axis : chart->findChild<QChartView*>()->chart()->axes())
        if (axis->isVisible())
            out << axis->titleText();
    return out;
}

// Where a widget is in its window.
QRect placeIn(QWidget& window, QWidget* w) { return QRect(w->mapTo(&window, QPoint(0, 0)), w->size()); }

// Back to English when a test ends, passed or not.
struct EnglishAtTheEnd {
    ~EnglishAtTheEnd() { traveller::ui::setLanguage("en"); }
};

} // namespace

class TranslatePanelTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;  // the run library the window records into

    // Sets a small run, presses Train and waits for the scores.
    void trainSmall(MainWindow& w, bool attention)
    {
        TranslatePanel* panel = w.translatePanel();
        QVERIFY(panel);
        w.tabs()->setCurrentWidget(panel);
        child<QSpinBox>(w, "translate.epochs")->setValue(20);
        child<QSpinBox>(w, "translate.examples")->setValue(300);
        child<QCheckBox>(w, "translate.attention")->setChecked(attention);
        QSignalSpy done(panel, &TranslatePanel::trainingFinished);
        QTest::mouseClick(child<QPushButton>(w, "translateTrain"), Qt::LeftButton);
        QVERIFY(!child<QPushButton>(w, "translateTrain")->isEnabled());
        QVERIFY(done.wait(kRunTimeoutMs));
        const QString status = child<QLabel>(w, "translateStatus")->text();
        QVERIFY2(status.startsWith("Finished"), qPrintable(status));
    }

    // Types a sentence, presses Translate, waits for the answer.
    void translate(MainWindow& w, const QString& sentence)
    {
        auto* input = child<QLineEdit>(w, "translateInput");
        input->clear();
        QTest::keyClicks(input, sentence);
        QSignalSpy shown(w.translatePanel(), &TranslatePanel::translationShown);
        QTest::mouseClick(child<QPushButton>(w, "translateButton"), Qt::LeftButton);
        // A table row's translation (for the heatmap) may arrive first.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(shown.cbegin(), shown.cend(),
                                             [](const QList<QVariant>& args) { return args.at(0).toBool(); }),
                                 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        traveller::ui::registerUiMetaTypes();
        QVERIFY(home_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
    }

    // The form's bounds are the schema's: what a translation file may hold
    // (hidden 6000, a rate of 3.5) is taken as it is, never clamped, and what
    // the schema refuses (a rate of 0) is refused by the schema's own check.
    void theFormTakesItsBoundsFromTheSchema()
    {
        MainWindow w;
        TranslatePanel* panel = w.translatePanel();
        const auto& schema = traveller::translationSchema();
        for (const auto& [name, key] : {std::pair{"translate.hidden", "model.hidden"}, {"translate.epochs", "train.epochs"},
                                        {"translate.examples", "data.examples"}, {"translate.beam", "eval.beam"}}) {
            const traveller::ConfigKeyInfo& info = traveller::schemaKey(schema, key);
            QCOMPARE(child<QSpinBox>(w, name)->minimum(), static_cast<int>(info.minimum));
            QCOMPARE(child<QSpinBox>(w, name)->maximum(), static_cast<int>(std::min<double>(info.maximum, INT_MAX)));
        }
        child<QSpinBox>(w, "translate.hidden")->setValue(6000);
        child<QLineEdit>(w, "translate.lr")->setText("3.5");
        QCOMPARE(panel->config().model.hidden, 6000);
        QCOMPARE(panel->config().train.lr, 3.5);
        child<QLineEdit>(w, "translate.lr")->setText("0");
        try {
            (void)panel->config();
            QFAIL("a learning rate of 0 was taken");
        } catch (const traveller::ConfigError& e) {
            QCOMPARE(QString::fromStdString(e.key()), QStringLiteral("train.lr"));
        }
    }

    // The form is the schema's: every key of translationSchema() but the ones
    // only a file holds (task, eval.pairs) has a field in the tab, with the
    // schema's help as its tooltip; a value set in a folded field reaches the
    // config, and a bad one is refused by Train with its key named and shown.
    void everySchemaKeyHasAField()
    {
        MainWindow w;
        TranslatePanel* panel = w.translatePanel();
        const QHash<QString, QString> everyday = {
            {"model.cell", "translate.cell"},     {"model.decoder", "translate.attention"},
            {"model.hidden", "translate.hidden"}, {"train.epochs", "translate.epochs"},
            {"train.lr", "translate.lr"},         {"data.examples", "translate.examples"},
            {"eval.beam", "translate.beam"}};
        for (const traveller::ConfigKeyInfo& info : traveller::translationSchema()) {
            if (info.key == "task" || info.key == "eval.pairs")
                continue;
            const QString key = QString::fromStdString(info.key);
            QWidget* field = w.findChild<QWidget*>(everyday.value(key, QStringLiteral("translate.") + key));
            QVERIFY2(field && panel->isAncestorOf(field), qPrintable(key));
            QVERIFY2(field->toolTip().contains(QString::fromStdString(info.help).toHtmlEscaped()), qPrintable(key));
        }

        auto* more = child<QToolButton>(w, "translateMoreToggle");
        QVERIFY(!more->isChecked());  // the book's settings: nothing folded is changed
        child<QLineEdit>(w, "translate.train.clip")->setText("2.5");
        child<QSpinBox>(w, "translate.model.layers")->setValue(3);
        auto* context = child<QComboBox>(w, "translate.model.context");
        context->setCurrentIndex(context->findData("encoder"));
        auto* mask = child<QCheckBox>(w, "translate.train.mask");
        const bool masked = panel->config().train.mask;
        mask->setChecked(!masked);
        const traveller::TranslationConfig c = panel->config();
        QCOMPARE(c.train.clip, 2.5);
        QCOMPARE(c.model.layers, 3);
        QVERIFY(c.model.context == traveller::ContextSource::Encoder);
        QCOMPARE(c.train.mask, !masked);
        QVERIFY(more->text().contains("4"));  // "More settings (4 changed)"

        // Open at the projector's size, in both languages: every field within
        // the settings column (it scrolls down, never sideways).
        w.resize(1024, 768);
        w.show();
        w.tabs()->setCurrentWidget(panel);
        more->setChecked(true);
        auto* scroll = child<QScrollArea>(w, "translateSettingsScroll");
        for (const char* lang : {"en", "zh_CN"}) {
            QVERIFY(traveller::ui::setLanguage(lang));
            QTest::qWait(50);
            QVERIFY(scroll->widget()->width() <= scroll->viewport()->width());
            QCOMPARE(w.width(), 1024);
            if (const QString shots = qEnvironmentVariable("TRAVELLER_SCREENSHOTS"); !shots.isEmpty())
                w.grab().save(QStringLiteral("%1/screenshot-translate-more-settings-%2.png").arg(shots, lang));
        }
        QVERIFY(traveller::ui::setLanguage("en"));

        child<QLineEdit>(w, "translate.train.clip")->setText("-1");
        try {
            (void)panel->config();
            QFAIL("a clipping threshold of -1 was taken");
        } catch (const traveller::ConfigError& e) {
            QCOMPARE(QString::fromStdString(e.key()), QStringLiteral("train.clip"));
        }
        QVERIFY(child<QLineEdit>(w, "translate.train.clip")->property("invalid").toBool());
        QVERIFY(child<QLabel>(w, "translatePlan")->text().contains("train.clip"));
        panel->train();
        QVERIFY(!panel->busy());
        QVERIFY(child<QLabel>(w, "translateStatus")->text().contains("train.clip"));
        QVERIFY(more->isChecked());
    }

    // A translation run is recorded (settings, loss curve, BLEU, weights),
    // listed in the Runs tab of a window opened later, and opened from there
    // in the Translate tab, where it translates as it did.
    void translationRunsAreRecordedAndReopened()
    {
        qint64 id = 0;
        QString before;
        {
            MainWindow w;
            w.show();
            trainSmall(w, true);
            if (QTest::currentTestFailed())
                return;
            id = w.translatePanel()->libraryId();
            QVERIFY(id > 0);
            QVERIFY2(child<QLabel>(w, "translateStatus")->text().contains(QStringLiteral("saved as run %1").arg(id)),
                     qPrintable(child<QLabel>(w, "translateStatus")->text()));
            translate(w, "i'm home .");
            before = child<QLabel>(w, "translateOutput")->text();
        }
        traveller::RunStore store(home_.path().toStdString());
        const traveller::StoredRun r = store.run(id);
        QVERIFY(r.isTranslation());
        QCOMPARE(r.state, traveller::StoredState::Finished);
        QCOMPARE(r.epochsDone, 20);
        QCOMPARE(store.epochs(id).size(), std::size_t(20));
        QVERIFY(r.results.find("\"heldout\"") != std::string::npos);
        QCOMPARE(r.samples.size(), std::size_t(4));  // the book's four sentences, translated
        QVERIFY(QFile::exists(QString::fromStdString(store.checkpointPath(id))));

        MainWindow again;  // a restart
        again.show();
        traveller::ui::RunsPanel* runs = again.runsPanel();
        again.tabs()->setCurrentWidget(runs);
        runs->refresh();
        QVERIFY(runs->listedIds().contains(id));
        QVERIFY2(runs->cell(id, "Cell").startsWith("seq2seq GRU"), qPrintable(runs->cell(id, "Cell")));
        QVERIFY(!runs->cell(id, "BLEU").isEmpty());
        QVERIFY(runs->cell(id, "Perplexity").isEmpty());  // its value is a loss
        runs->selectRuns({id});
        QVERIFY(!again.findChild<QPushButton*>("resumeRunButton") ||
                !again.findChild<QPushButton*>("resumeRunButton")->isEnabled());
        QSignalSpy shown(again.translatePanel(), &TranslatePanel::trainingFinished);
        QTest::mouseClick(child<QPushButton>(again, "openRunButton"), Qt::LeftButton);
        QCOMPARE(again.tabs()->currentWidget(), static_cast<QWidget*>(again.translatePanel()));
        QVERIFY(shown.wait(kRunTimeoutMs));
        QVERIFY2(child<QLabel>(again, "translateStatus")->text().contains("reopened"),
                 qPrintable(child<QLabel>(again, "translateStatus")->text()));
        QCOMPARE(again.translatePanel()->lossChart()->pointCount("loss"), 20);
        QVERIFY(child<QCheckBox>(again, "translate.attention")->isChecked());
        translate(again, "i'm home .");
        QCOMPARE(child<QLabel>(again, "translateOutput")->text(), before);
    }

    void plainDecoderTrainsScoresAndTranslates()
    {
        MainWindow w;
        w.show();
        trainSmall(w, false);
        if (QTest::currentTestFailed())
            return;

        QVERIFY(child<LineChart>(w, "translateLossChart")->pointCount("loss") >= 2);
        auto* table = child<QTableWidget>(w, "evaluationTable");
        QCOMPARE(table->rowCount(), 4);
        QCOMPARE(table->item(0, 0)->text(), QString("go ."));
        for (int r = 0; r < 4; ++r) {
            bool ok = false;
            const double bleu = table->item(r, 3)->text().toDouble(&ok);
            QVERIFY(ok);
            QCOMPARE(table->item(r, 2)->text().isEmpty(), false);
            // The score shown is the book's BLEU (k = 2) of the output shown
            // against the reference shown, not merely a number in [0, 1].
            const double expected = traveller::sentenceBleu(traveller::splitTokens(table->item(r, 1)->text().toStdString()),
                                                            traveller::splitTokens(table->item(r, 2)->text().toStdString()), 2);
            QVERIFY2(std::abs(bleu - expected) < 5e-4, qPrintable(QString("row %1: shown %2, computed %3").arg(r).arg(bleu).arg(expected)));
        }
        const QString heldout = child<QLabel>(w, "heldoutBleu")->text();
        QVERIFY2(QRegularExpression("BLEU-4: \\d+\\.\\d{3} over \\d+ pairs").match(heldout).hasMatch(), qPrintable(heldout));
        QVERIFY(child<LineChart>(w, "bleuByLengthChart")->pointCount("corpus") >= 1);

        translate(w, "go .");
        QVERIFY(!child<QLabel>(w, "translateOutput")->text().isEmpty());
        QVERIFY(child<QLabel>(w, "translateMessage")->text().isEmpty());
        // The plain decoder has no attention to show.
        QCOMPARE(child<AttentionHeatmap>(w, "attentionHeatmap")->rows(), 0);

        QVERIFY2(child<QLabel>(w, "translateDecoding")->text().startsWith("Greedy"),
                 qPrintable(child<QLabel>(w, "translateDecoding")->text()));
        // A new beam width shows at once: the sentence is decoded again with it.
        QSignalSpy shown(w.translatePanel(), &TranslatePanel::translationShown);
        child<QSpinBox>(w, "translate.beam")->setValue(3);
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(w, "translateDecoding")->text().contains("width 3"), 10000);
        QVERIFY(child<QLabel>(w, "translatePlan")->text().contains("beam 3"));
        // The decoder's choices: the search's tree, its chosen path the output
        // (then <eos> when it ended), each chosen step with the likeliest words.
        {
            auto* tree = child<QTreeWidget>(w, "translateDecoderTree");
            QVERIFY(tree->topLevelItemCount() >= 1 && tree->topLevelItemCount() <= 3);
            QStringList path;
            for (const QTreeWidgetItem* at = nullptr;;) {
                const QTreeWidgetItem* next = nullptr;
                const int n = at ? at->childCount() : tree->topLevelItemCount();
                for (int i = 0; i < n; ++i) {
                    const QTreeWidgetItem* c = at ? at->child(i) : tree->topLevelItem(i);
                    if (c->font(0).bold())
                        next = c;
                }
                if (!next)
                    break;
                QVERIFY2(!next->text(2).isEmpty(), "a chosen step without its alternatives");
                path << next->text(0);
                at = next;
            }
            if (!path.isEmpty() && path.last() == "<eos>")
                path.removeLast();
            QCOMPARE(path.join(' '), child<QLabel>(w, "translateOutput")->text());
        }

        translate(w, "zzzz .");
        const QString message = child<QLabel>(w, "translateMessage")->text();
        QVERIFY2(message.contains("Not in the vocabulary") && message.contains("zzzz"), qPrintable(message));
    }

    void attentionShowsHeatmap()
    {
        MainWindow w;
        w.show();
        trainSmall(w, true);
        if (QTest::currentTestFailed())
            return;
        translate(w, "i'm home .");
        auto* heatmap = child<AttentionHeatmap>(w, "attentionHeatmap");
        const QString output = child<QLabel>(w, "translateOutput")->text();
        const int outputTokens = output.isEmpty() ? 0 : static_cast<int>(output.split(' ').size());
        QCOMPARE(heatmap->rows(), outputTokens);
        QVERIFY2(outputTokens > 0, "the trained model translated to nothing: no attention row to check");
        QCOMPARE(heatmap->columns(), 4);  // i'm home . <eos>
        // Every output word's attention is a distribution over the source.
        for (int i = 0; i < heatmap->rows(); ++i) {
            double rowSum = 0;
            for (int j = 0; j < heatmap->columns(); ++j) {
                QVERIFY(heatmap->weight(i, j) >= 0);
                rowSum += heatmap->weight(i, j);
            }
            QVERIFY2(std::abs(rowSum - 1.0) < 1e-3, qPrintable(QString("row %1 sums to %2").arg(i).arg(rowSum)));
        }
    }

    // The tab has the corpus banner: without fra-eng it says so before Train
    // and Train starts nothing; another "English<TAB>French" file chosen
    // there is trained from where it is, and the run records it.
    void aLocalCorpusIsChosenInTheTab()
    {
        QTemporaryDir empty;
        const QString mine = empty.filePath("my-pairs.txt");
        {
            QFile book(qEnvironmentVariable("TRAVELLER_DATA_DIR") + "/fra-eng/fra.txt");
            QVERIFY(book.open(QIODevice::ReadOnly));
            QFile out(mine);
            QVERIFY(out.open(QIODevice::WriteOnly));
            for (int i = 0; i < 3000 && !book.atEnd(); ++i)
                out.write(book.readLine());
        }
        MainWindow w(empty.filePath("data"));
        w.resize(1024, 768);
        w.show();
        TranslatePanel* panel = w.translatePanel();
        w.tabs()->setCurrentWidget(panel);
        traveller::ui::CorpusBanner* banner = panel->corpusBanner();
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isHidden(), 5000);
        QVERIFY(banner->findChild<QPushButton*>("downloadCorpusButton")->isEnabled());
        QVERIFY(banner->findChild<QPushButton*>("pickCorpusButton")->isEnabled());
        for (auto* b : banner->findChildren<QPushButton*>())
            QVERIFY2(QRect(0, 0, w.width(), w.height()).contains(placeIn(w, b)), qPrintable(b->objectName()));
        QTest::mouseClick(child<QPushButton>(w, "translateTrain"), Qt::LeftButton);
        QVERIFY(!panel->busy());  // nothing started without a corpus
        QVERIFY(!banner->isHidden());

        banner->useLocalFile(mine);
        QVERIFY(banner->isHidden());
        QCOMPARE(w.corpora()->corpus(traveller::DataFile::FraEng), mine);
        QCOMPARE(QString::fromStdString(panel->config().data.corpus), mine);
        QVERIFY2(child<QLabel>(w, "translatePlan")->text().contains("my-pairs.txt"),
                 qPrintable(child<QLabel>(w, "translatePlan")->text()));
        trainSmall(w, false);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(child<QTableWidget>(w, "evaluationTable")->rowCount(), 4);
        traveller::RunStore store(home_.path().toStdString());
        QCOMPARE(QString::fromStdString(store.run(panel->libraryId()).translationConfig().data.corpus), mine);
    }

    // At 1024x768: Train stays where it is whatever the summary and the
    // status say; the sentences of the table can be read whole; a new
    // training forgets the old model's translation, log P and decoder tree.
    void trainStaysPutAndANewModelForgetsTheOld()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        TranslatePanel* panel = w.translatePanel();
        w.tabs()->setCurrentWidget(panel);
        QCoreApplication::processEvents();
        auto* train = child<QPushButton>(w, "translateTrain");
        const QRect at = placeIn(w, train);
        // The charts keep room for their ticks and titles.
        QVERIFY2(panel->lossChart()->height() >= 200, qPrintable(QString::number(panel->lossChart()->height())));

        trainSmall(w, true);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(placeIn(w, train), at);
        auto* table = child<QTableWidget>(w, "evaluationTable");
        QVERIFY(table->wordWrap());
        for (int r = 0; r < table->rowCount(); ++r)
            for (int c = 0; c < 3; ++c) {
                const QTableWidgetItem* item = table->item(r, c);
                QCOMPARE(item->toolTip(), item->text());
                const QRect needed = table->fontMetrics().boundingRect(QRect(0, 0, table->columnWidth(c) - 8, 10000),
                                                                       Qt::TextWordWrap, item->text());
                QVERIFY2(table->rowHeight(r) >= needed.height(),
                         qPrintable(QString("row %1 column %2: %3 px for %4 px of \"%5\"")
                                        .arg(r).arg(c).arg(table->rowHeight(r)).arg(needed.height()).arg(item->text())));
            }
        // The table and the typed sentence share a splitter the user can drag.
        auto* bottom = child<QSplitter>(w, "translateBottomSplitter");
        QCOMPARE(bottom->count(), 2);
        QVERIFY(bottom->isAncestorOf(table));

        translate(w, "i'm home .");
        QVERIFY(!child<QLabel>(w, "translateDecoding")->text().isEmpty());
        QVERIFY(child<QTreeWidget>(w, "translateDecoderTree")->topLevelItemCount() > 0);

        // Settings that differ from the book in many ways: a long summary.
        const int planHeight = child<QLabel>(w, "translatePlan")->height();
        auto* cell = child<QComboBox>(w, "translate.cell");
        cell->setCurrentIndex(cell->findData("lstm"));
        child<QSpinBox>(w, "translate.hidden")->setValue(48);
        child<QLineEdit>(w, "translate.lr")->setText("0.0123");
        child<QSpinBox>(w, "translate.beam")->setValue(2);
        child<QSpinBox>(w, "translate.examples")->setValue(310);
        QTRY_VERIFY(child<QLabel>(w, "translatePlan")->height() > planHeight);
        QCOMPARE(placeIn(w, train), at);

        // Train again: the old model's answer goes at once.
        QSignalSpy done(panel, &TranslatePanel::trainingFinished);
        QTest::mouseClick(train, Qt::LeftButton);
        QVERIFY(panel->busy());
        QVERIFY(child<QLabel>(w, "translateOutput")->text().isEmpty());
        QVERIFY(child<QLabel>(w, "translateDecoding")->text().isEmpty());
        QCOMPARE(child<QTreeWidget>(w, "translateDecoderTree")->topLevelItemCount(), 0);
        QCOMPARE(panel->heatmap()->rows(), 0);
        QCOMPARE(table->rowCount(), 0);
        QCOMPARE(placeIn(w, train), at);
        QVERIFY(done.wait(kRunTimeoutMs));
        QCOMPARE(placeIn(w, train), at);
    }

    // Switching to Chinese with a trained model on screen: the summary, the
    // status and the held-out line are written again in Chinese, the charts'
    // titles too, and all come back as they were in English.
    void switchingLanguageRewritesTheTab()
    {
        EnglishAtTheEnd english;
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        trainSmall(w, true);
        if (QTest::currentTestFailed())
            return;
        const char* const names[] = {"translatePlan", "translateStatus", "heldoutBleu"};
        QStringList before;
        for (const char* name : names)
            before << child<QLabel>(w, name)->text();
        const QStringList lossAxes = axisTitles(w.translatePanel()->lossChart());
        const QStringList bleuAxes = axisTitles(child<LineChart>(w, "bleuByLengthChart"));

        QVERIFY(traveller::ui::setLanguage("zh_CN"));
        for (const char* name : names)
            QTRY_VERIFY2(hasChinese(child<QLabel>(w, name)->text()), qPrintable(child<QLabel>(w, name)->text()));
        for (LineChart* chart : {w.translatePanel()->lossChart(), child<LineChart>(w, "bleuByLengthChart")})
            for (const QString& title : axisTitles(chart))
                QVERIFY2(hasChinese(title) || title == "BLEU", qPrintable(title));
        // Numbers stay numbers: the held-out score is the same.
        const QRegularExpression score("\\d+\\.\\d{3}");
        QCOMPARE(score.match(child<QLabel>(w, "heldoutBleu")->text()).captured(), score.match(before[2]).captured());

        QVERIFY(traveller::ui::setLanguage("en"));
        for (int i = 0; i < 3; ++i)
            QTRY_COMPARE(child<QLabel>(w, names[i])->text(), before[i]);
        // (Case aside: the window's retranslation maps 损失 back to the first
        // English text that has it, "Loss" of another tab.)
        QCOMPARE(axisTitles(w.translatePanel()->lossChart()).join('|').toLower(), lossAxes.join('|').toLower());
        QCOMPARE(axisTitles(child<LineChart>(w, "bleuByLengthChart")).join('|').toLower(), bleuAxes.join('|').toLower());
    }

    void stopEndsTheRun()
    {
        MainWindow w;
        TranslatePanel* panel = w.translatePanel();
        child<QSpinBox>(w, "translate.epochs")->setValue(5000);
        child<QSpinBox>(w, "translate.examples")->setValue(300);
        QSignalSpy done(panel, &TranslatePanel::trainingFinished);
        QTest::mouseClick(child<QPushButton>(w, "translateTrain"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(child<LineChart>(w, "translateLossChart")->pointCount("loss") >= 1, 60000);
        QTest::mouseClick(child<QPushButton>(w, "translateStop"), Qt::LeftButton);
        QVERIFY(done.wait(kRunTimeoutMs));
        QVERIFY(child<QLabel>(w, "translateStatus")->text().startsWith("Stopped"));
        QVERIFY(child<QPushButton>(w, "translateTrain")->isEnabled());
    }

    // Steering a translation run while it trains (issue 27.1): the learning
    // rate typed in the row beside Train lands, is said where, and is an event
    // of the run in the library; the row goes when the run ends; the window
    // keeps 1024 pixels.
    void aTranslationRunIsSteeredWhileItTrains()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        TranslatePanel* panel = w.translatePanel();
        w.tabs()->setCurrentWidget(panel);
        child<QSpinBox>(w, "translate.epochs")->setValue(5000);
        child<QSpinBox>(w, "translate.examples")->setValue(300);
        QSignalSpy done(panel, &TranslatePanel::trainingFinished);
        QTest::mouseClick(child<QPushButton>(w, "translateTrain"), Qt::LeftButton);
        auto* steer = w.findChild<QWidget*>("translateSteer");
        QVERIFY(steer && steer->isVisible());
        QVERIFY(w.width() <= 1024);
        QTRY_VERIFY_WITH_TIMEOUT(child<LineChart>(w, "translateLossChart")->pointCount("loss") >= 1, 60000);
        // A rate the schema refuses is said at once and sends nothing.
        auto* lr = child<QLineEdit>(w, "translateSteer.train.lr");
        auto* status = child<QLabel>(w, "translateSteerStatus");
        lr->setText("0");
        QTest::mouseClick(child<QPushButton>(w, "translateSteerApply"), Qt::LeftButton);
        QVERIFY(!status->text().isEmpty());
        lr->setText("0.001");
        QTest::mouseClick(child<QPushButton>(w, "translateSteerApply"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("0.001"), 60000);
        QVERIFY(w.width() <= 1024);
        QTest::mouseClick(child<QPushButton>(w, "translateStop"), Qt::LeftButton);
        QVERIFY(done.wait(kRunTimeoutMs));
        QVERIFY(!steer->isVisible());
        const qint64 id = panel->libraryId();
        QVERIFY(id > 0);
        const auto events = traveller::RunStore(home_.path().toStdString()).events(id);
        QCOMPARE(static_cast<int>(events.size()), 1);
        QCOMPARE(QString::fromStdString(events[0].key), QString("train.lr"));
        QCOMPARE(QString::fromStdString(events[0].to), QString("0.001"));
        QVERIFY(events[0].live);
    }
};

QTEST_MAIN(TranslatePanelTest)
#include "TranslatePanelTest.moc"
