// The window in Simplified Chinese, switched at run time through View >
// Language: every tab's title, buttons, check boxes, group titles, static
// labels and table headers in Chinese (names such as GRU or BLEU aside), the
// Lab tab's step list from the core's lab texts, and back to English again
// without a restart; the layout still fits 1024x768.
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Messages.h"
#include "traveller/ui/LabPanel.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/SweepsPanel.h"
#include "../../ui/src/RunTableModel.h"
#include "WindowDriver.h"

#include <QAbstractButton>
#include <QAction>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTableView>
#include <QRegularExpression>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QSpinBox>
#include <QLibraryInfo>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using traveller::ui::LabPanel;
using traveller::ui::MainWindow;

namespace {

bool hasChinese(const QString& s)
{
    for (QChar c : s)
        if (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF)
            return true;
    return false;
}

// An English word of three letters or more that is not a name kept as it is.
bool hasEnglishWord(const QString& s)
{
    static const QStringList names{"Traveller", "RNN", "GRU", "LSTM", "BLEU", "CSV", "PNG", "SVG", "JSON", "YAML",
                                   "CPU", "GPU", "CUDA", "SGD", "Adam", "English", "minGRU", "minLSTM", "seq2seq",
                                   "tanh", "max", "ReLU", "traveller", "time", "Markdown", "HTML", "d2l"};
    static const QRegularExpression word(QStringLiteral("[A-Za-z]{3,}"));
    auto it = word.globalMatch(s);
    while (it.hasNext()) {
        const QString w = it.next().captured();
        if (!names.contains(w))
            return true;
    }
    return false;
}

// The fixed texts of a tab: buttons, check boxes, group titles, labels that
// are not filled in by a run, table headers.
QStringList staticTexts(QWidget* tab)
{
    QStringList out;
    for (auto* b : tab->findChildren<QAbstractButton*>())
        if (!b->text().isEmpty())
            out << b->text();
    for (auto* g : tab->findChildren<QGroupBox*>())
        if (!g->title().isEmpty())
            out << g->title();
    // Every table's headers, the run tables' from their model (RunTableModel)
    // but for a sweep's keys, written as in YAML.
    const QVariant setting(static_cast<int>(traveller::ui::RunColumn::Setting));
    for (auto* t : tab->findChildren<QTableView*>())
        for (int c = 0; t->model() && c < t->model()->columnCount(); ++c)
            if (t->model()->headerData(c, Qt::Horizontal, traveller::ui::RunTableModel::ColumnRole) != setting)
                out << t->model()->headerData(c, Qt::Horizontal).toString();
    return out;
}

} // namespace

class LanguageTest : public QObject {
    Q_OBJECT

    QTemporaryDir home_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(home_.isValid());
        qputenv("TRAVELLER_HOME", QFile::encodeName(home_.path()));
        QVERIFY(traveller::ui::translationCount() > 400);
        QCOMPARE(traveller::ui::untranslatedCount(), 0);
    }

    void switchesEveryTabAtRunTimeAndBack()
    {
        MainWindow w;
        w.resize(1024, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* tabs = w.findChild<QTabWidget*>("mainTabs");
        QVERIFY(tabs);
        QStringList english;
        for (int i = 0; i < tabs->count(); ++i)
            english << tabs->tabText(i);
        QCOMPARE(english.last(), QString("Lab"));

        // View > Language > 简体中文, as a student would.
        QAction* zh = w.findChild<QAction*>("language_zh_CN");
        QVERIFY(zh);
        zh->trigger();
        QCoreApplication::processEvents();
        QCOMPARE(traveller::ui::language(), QString("zh_CN"));
        QStringList leftInEnglish;
        for (int i = 0; i < tabs->count(); ++i) {
            QVERIFY2(hasChinese(tabs->tabText(i)), qPrintable(tabs->tabText(i)));
            tabs->setCurrentIndex(i);
            QCoreApplication::processEvents();
            for (const QString& text : staticTexts(tabs->widget(i)))
                if (hasEnglishWord(text) && !hasChinese(text))
                    leftInEnglish << QStringLiteral("%1: %2").arg(english[i], text);
        }
        QVERIFY2(leftInEnglish.isEmpty(), qPrintable(leftInEnglish.join('\n')));
        // The menus too, and the Lab tab's steps from the core's lab texts.
        for (QMenu* menu : w.findChildren<QMenu*>())
            if (!menu->title().isEmpty() && menu->objectName() != "languageMenu")
                QVERIFY2(hasChinese(menu->title()), qPrintable(menu->title()));
        auto* steps = w.labPanel()->findChild<QListWidget*>("labSteps");
        QVERIFY(steps->item(3)->text().contains(QStringLiteral("比较")));
        // The Runs tab is 运行记录 (运行库 reads as "runtime library"); the
        // Lens's spin boxes say 层/单元, not "layer 0", "unit 0".
        QVERIFY(english.indexOf("Runs") >= 0);
        QCOMPARE(tabs->tabText(english.indexOf("Runs")), QStringLiteral("运行记录"));
        auto* layer = w.findChild<QSpinBox*>("lensLayer");
        QVERIFY(layer);
        QVERIFY2(hasChinese(layer->prefix()), qPrintable(layer->prefix()));
        auto* device = w.findChild<QComboBox*>("train.device");
        const int cpu = device->findData(QString("cpu"));
        QVERIFY(cpu >= 0);
        QVERIFY2(hasChinese(device->itemText(cpu)), qPrintable(device->itemText(cpu)));
        // The Lab tab's buttons still fit the 1024-pixel window in Chinese.
        tabs->setCurrentWidget(w.labPanel());
        QCoreApplication::processEvents();
        for (const char* name : {"labRunStep", "labRunAll", "labStop", "labReport"}) {
            auto* b = w.labPanel()->findChild<QPushButton*>(name);
            const QRect r(b->mapTo(&w, QPoint(0, 0)), b->size());
            QVERIFY2(QRect(0, 0, w.width(), w.height()).contains(r), name);
            QVERIFY2(b->width() >= b->fontMetrics().horizontalAdvance(b->text()), name);
        }

        // And back, without a restart.
        QAction* en = w.findChild<QAction*>("language_en");
        en->trigger();
        QCoreApplication::processEvents();
        for (int i = 0; i < tabs->count(); ++i)
            QCOMPARE(tabs->tabText(i), english[i]);
        QCOMPARE(w.labPanel()->findChild<QPushButton*>("labRunAll")->text(), QString("Run the whole lab"));
        QCOMPARE(layer->prefix(), QString("layer "));
        QVERIFY2(device->itemText(cpu).startsWith("CPU (") && !hasChinese(device->itemText(cpu)),
                 qPrintable(device->itemText(cpu)));
        QVERIFY(steps->item(3)->text().contains("Comparison"));
    }

    // Every message template of the core has a Chinese text keeping its
    // arguments, and composed core texts (an error's position and key, a
    // run's divergence naming its learning rate) come out Chinese whole.
    void coreMessagesAreFormattedInChinese()
    {
        QVERIFY(traveller::ui::setLanguage("zh_CN"));
        for (const auto& t : traveller::messageCatalogue()) {
            const QString zh = QCoreApplication::translate("traveller::CoreMessages", t.english);
            QVERIFY2(zh != QString::fromUtf8(t.english) && hasChinese(zh), t.english);
            for (int n = 0; n < 5; ++n) {
                const QString arg = QStringLiteral("{%1}").arg(n);
                QCOMPARE(zh.contains(arg), QString::fromUtf8(t.english).contains(arg));
            }
        }
        try {
            traveller::parseExperimentYaml("train: {lr: fast}\n", "x.yaml");
            QFAIL("a bad learning rate was accepted");
        } catch (const traveller::ConfigError& e) {
            QCOMPARE(QString::fromStdString(e.message().code), QString("config.number"));
            QCOMPARE(traveller::ui::coreText(e.what()),
                     QString::fromUtf8("x.yaml：第 1 行第 13 列：train.lr：应为数字，实际为“fast”"));
            // From the code and arguments the error carries: the same text.
            QCOMPARE(traveller::ui::coreText(static_cast<const std::exception&>(e)),
                     QString::fromUtf8("x.yaml：第 1 行第 13 列：train.lr：应为数字，实际为“fast”"));
        }
        {
            // A message whose English no longer matches a template (worded
            // anew, or an argument holding ": ") is still translated from its
            // code; a corpus's path stays before it.
            const traveller::CorpusError corpus("/data/a: b.txt", traveller::message("corpus.too_few"));
            QCOMPARE(traveller::ui::coreText(static_cast<const std::exception&>(corpus)),
                     "/data/a: b.txt：" +
                         QCoreApplication::translate("traveller::CoreMessages",
                                                     traveller::findTemplate("corpus.too_few")->english));
            const traveller::Error plain("no code here");
            QCOMPARE(traveller::ui::coreText(static_cast<const std::exception&>(plain)), QString("no code here"));
            const traveller::Message m = traveller::message("train.learning_rate", {"10"});
            QCOMPARE(traveller::ui::messageText(m), QString::fromUtf8("学习率 10"));
        }
        const std::string diverged =
            traveller::message("train.diverged", {"3", traveller::message("train.loss_nan").text(),
                                                  traveller::message("train.learning_rate", {"10"}).text()})
                .text();
        QCOMPARE(traveller::ui::coreText(diverged),
                 QString::fromUtf8("在第 3 个迭代周期发散：损失变成了 NaN（学习率 10 太大？）"));
        const std::string corpus = "/data/timemachine.txt: " +
                                   traveller::message("corpus.missing", {"090b5e7e", "timemachine.txt"}).text();
        QVERIFY2(traveller::ui::coreText(corpus).startsWith(QString::fromUtf8("/data/timemachine.txt：文件缺失")),
                 qPrintable(traveller::ui::coreText(corpus)));
        QCOMPARE(traveller::ui::coreText("something no template made"), QString("something no template made"));
        // A long text of many ": " (a LibTorch backtrace) comes back as it is, at once.
        std::string backtrace = "c10::Error: boom";
        for (int i = 0; i < 200; ++i)
            backtrace += "\nframe #" + std::to_string(i) + ": 0x7f (in libtorch: at: some::function: here)";
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(traveller::ui::coreText(backtrace), QString::fromStdString(backtrace));
        QVERIFY(clock.elapsed() < 500);
        QVERIFY(traveller::ui::setLanguage("en"));
        QCOMPARE(traveller::ui::coreText(diverged), QString::fromStdString(diverged));
        // In English the code gives back what() itself, prefixes and all.
        try {
            traveller::parseExperimentYaml("train: {lr: fast}\n", "x.yaml");
        } catch (const traveller::ConfigError& e) {
            QCOMPARE(traveller::ui::coreText(static_cast<const std::exception&>(e)), QString::fromStdString(e.what()));
        }
    }

    // In the window: a sweep file's bad value, and learning rate 10 diverging
    // next to a normal run, are told in Chinese.
    void coreMessagesInTheWindowAreChinese()
    {
        QVERIFY(traveller::ui::setLanguage("zh_CN"));
        {
            MainWindow w;
            w.resize(1024, 768);
            w.show();
            w.tabs()->setCurrentWidget(w.sweepsPanel());
            traveller::ui::SweepsPanel* p = w.sweepsPanel();
            QVERIFY(!p->loadSweepText("name: x\ngrid:\n  train.lr: [0.1, fast]\n", "bad.yaml"));
            QVERIFY2(p->message().contains(QString::fromUtf8("应为数字")) &&
                         p->message().contains(QString::fromUtf8("第 3 行")),
                     qPrintable(p->message()));
            QVERIFY(p->loadSweepText("name: two\nbase:\n  model: {arch: rnn, hidden: 16}\n"
                                     "  train: {epochs: 3, device: cpu}\n  data: {max_tokens: 2000, batch_size: 8}\n"
                                     "grid:\n  train.lr: [1, 1000]\n",
                                     "two.yaml"));
            QSignalSpy done(p, &traveller::ui::SweepsPanel::sweepFinished);
            QVERIFY(p->start());
            QVERIFY(done.wait(120000));
            const QString status = QString::fromUtf8("状态");
            QStringList words;
            QString tooltip;
            for (int row = 0; row < p->visibleRows(); ++row) {
                words << p->cell(row, status);
                if (p->cell(row, "train.lr") == "1000") {
                    const QModelIndex i = p->resultsView()->model()->index(row, p->column(status));
                    tooltip = i.data(Qt::ToolTipRole).toString();
                }
            }
            words.sort();
            QCOMPARE(words, (QStringList{QString::fromUtf8("已发散"), QString::fromUtf8("已完成")}));
            QVERIFY2(tooltip.contains(QString::fromUtf8("迭代周期发散")) && tooltip.contains(QString::fromUtf8("学习率 1000")),
                     qPrintable(tooltip));
        }
        QVERIFY(traveller::ui::setLanguage("en"));
    }

    void aWindowMadeInChineseIsChineseFromTheStart()
    {
        QVERIFY(traveller::ui::setLanguage("zh_CN"));
        MainWindow w;
        auto* tabs = w.findChild<QTabWidget*>("mainTabs");
        for (int i = 0; i < tabs->count(); ++i)
            QVERIFY2(hasChinese(tabs->tabText(i)), qPrintable(tabs->tabText(i)));
        // The device box names the CPU in Chinese ("CPU（2 个线程）").
        auto* device = w.findChild<QComboBox*>("train.device");
        QVERIFY(device);
        const int cpu = device->findData(QString("cpu"));
        QVERIFY(cpu >= 0);
        QVERIFY2(hasChinese(device->itemText(cpu)), qPrintable(device->itemText(cpu)));
        QVERIFY(!traveller::ui::setLanguage("fr"));
        QCOMPARE(traveller::ui::language(), QString("zh_CN"));
        QVERIFY(traveller::ui::setLanguage("en"));
    }

    // Issue 24: on the 1024x768 projector in presentation mode the Language
    // model tab's charts draw their titles whole (the gradient chart's names
    // its run), in English and in Chinese.
    void chartTitlesAreWholeInPresentationMode()
    {
        using namespace traveller::ui::test;
        struct EnglishAtTheEnd {
            ~EnglishAtTheEnd() { traveller::ui::setLanguage("en"); }
        } english;
        for (const char* lang : {"en", "zh_CN"}) {
            QVERIFY(traveller::ui::setLanguage(lang));
            MainWindow w;
            w.resize(1024, 768);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            setField(w, "model.arch", "lstm");
            setField(w, "model.hidden", "32");
            setField(w, "train.epochs", "2");
            setField(w, "data.max_tokens", "2000");
            setField(w, "data.batch_size", "8");
            setField(w, "train.device", "cpu");
            const int id = w.train();
            QTRY_VERIFY_WITH_TIMEOUT(ended(w, id), 60000);
            w.setPresentationMode(true);
            w.resize(1024, 768);
            QTest::qWait(100);  // the titles are fitted once the charts are laid out
            if (const QString dir = qEnvironmentVariable("TRAVELLER_LAB_SHOTS"); !dir.isEmpty())
                w.grab().save(dir + "/lm-presentation-" + lang + ".png");
            for (traveller::ui::LineChart* chart : {w.perplexityChart(), w.gradNormChart()}) {
                const QString cut = cutChartText(chart);
                QVERIFY2(cut.isEmpty(), qPrintable(QStringLiteral("%1, %2: %3").arg(chart->objectName(), lang, cut)));
            }
            // The Runs tab's curve beside the table: its ticks and axis titles whole too.
            auto* tabs = w.findChild<QTabWidget*>();
            QVERIFY(tabs);
            tabs->setCurrentWidget(w.runsPanel());
            w.runsPanel()->refresh();
            w.runsPanel()->selectRuns({id});
            QTest::qWait(100);
            if (const QString dir = qEnvironmentVariable("TRAVELLER_LAB_SHOTS"); !dir.isEmpty())
                w.grab().save(dir + "/runs-presentation-" + lang + ".png");
            auto* runsChart = w.runsPanel()->findChild<traveller::ui::LineChart*>("runsChart");
            QVERIFY(runsChart);
            const QString cut = cutChartText(runsChart);
            QVERIFY2(cut.isEmpty(), qPrintable(QStringLiteral("runsChart, %1: %2").arg(lang, cut)));
            const QSize need = w.minimumSizeHint().expandedTo(w.minimumSize());
            QVERIFY2(need.width() <= 1024 && need.height() <= 768,
                     qPrintable(QStringLiteral("%1x%2, %3").arg(need.width()).arg(need.height()).arg(lang)));
            w.setPresentationMode(false);  // the application's font back for the next window
        }
    }

    // Qt's own texts (standard buttons, file dialogs) come from Qt's
    // translations, loaded with the language and removed for English.
    void qtsOwnButtonsFollowTheLanguage()
    {
        const QString qm = QLibraryInfo::path(QLibraryInfo::TranslationsPath) + "/qtbase_zh_CN.qm";
        if (!QFile::exists(qm))
            QSKIP("Qt's translations (qt6-translations-l10n) are not installed");
        QVERIFY(traveller::ui::setLanguage("zh_CN"));
        {
            QDialogButtonBox box(QDialogButtonBox::Close | QDialogButtonBox::Cancel);
            const QString close = box.button(QDialogButtonBox::Close)->text();
            const QString cancel = box.button(QDialogButtonBox::Cancel)->text();
            QVERIFY2(!close.contains("Close") && hasChinese(close), qPrintable(close));
            QVERIFY2(!cancel.contains("Cancel") && hasChinese(cancel), qPrintable(cancel));
        }
        QVERIFY(traveller::ui::setLanguage("en"));
        QDialogButtonBox box(QDialogButtonBox::Close);
        QCOMPARE(box.button(QDialogButtonBox::Close)->text().remove('&'), QString("Close"));
    }
};

QTEST_MAIN(LanguageTest)
#include "LanguageTest.moc"
