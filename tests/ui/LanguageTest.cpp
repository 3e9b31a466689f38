// The window in Simplified Chinese, switched at run time through View >
// Language: every tab's title, buttons, check boxes, group titles, static
// labels and table headers in Chinese (names such as GRU or BLEU aside), the
// Lab tab's step list from the core's lab texts, and back to English again
// without a restart; the layout still fits 1024x768.
#include "traveller/ui/LabPanel.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/MainWindow.h"

#include <QAbstractButton>
#include <QAction>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
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
    for (auto* t : tab->findChildren<QTableWidget*>())
        for (int c = 0; c < t->columnCount(); ++c)
            if (t->horizontalHeaderItem(c))
                out << t->horizontalHeaderItem(c)->text();
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
        QVERIFY(steps->item(3)->text().contains("Comparison"));
    }

    void aWindowMadeInChineseIsChineseFromTheStart()
    {
        QVERIFY(traveller::ui::setLanguage("zh_CN"));
        MainWindow w;
        auto* tabs = w.findChild<QTabWidget*>("mainTabs");
        for (int i = 0; i < tabs->count(); ++i)
            QVERIFY2(hasChinese(tabs->tabText(i)), qPrintable(tabs->tabText(i)));
        QVERIFY(!traveller::ui::setLanguage("fr"));
        QCOMPARE(traveller::ui::language(), QString("zh_CN"));
        QVERIFY(traveller::ui::setLanguage("en"));
    }
};

QTEST_MAIN(LanguageTest)
#include "LanguageTest.moc"
