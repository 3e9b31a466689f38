#include "traveller/ui/Language.h"

#include <QCoreApplication>

#include "traveller/core/Errors.h"
#include "traveller/core/Messages.h"
#include "traveller/core/store/RunRules.h"

#include <regex>

#include "traveller/ui/LineChart.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextEdit>
#include <QTranslator>
#include <QXmlStreamReader>

#include <functional>
#include <memory>

namespace traveller::ui {

namespace {

// The translation table as the .ts file holds it, both ways: the window's
// texts already on screen are re-looked-up here on a switch (tr() calls after
// it go through the QTranslator).
struct Table {
    QHash<QString, QString> toChinese;  // English source -> translation
    QHash<QString, QString> toEnglish;  // translation -> English source
    int messages = 0;
    int unfinished = 0;
};

const Table& table()
{
    static const Table t = [] {
        Table out;
        QFile file(QStringLiteral(":/i18n/traveller_zh_CN.ts"));
        if (!file.open(QIODevice::ReadOnly))
            return out;
        QXmlStreamReader xml(&file);
        QString source, translation;
        bool unfinished = false, numerus = false;
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement()) {
                if (xml.name() == QLatin1String("message")) {
                    source.clear();
                    translation.clear();
                    unfinished = false;
                    numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
                } else if (xml.name() == QLatin1String("source")) {
                    source = xml.readElementText();
                } else if (xml.name() == QLatin1String("translation")) {
                    const auto type = xml.attributes().value(QLatin1String("type"));
                    unfinished = type == QLatin1String("unfinished");
                    if (!numerus)
                        translation = xml.readElementText();
                } else if (xml.name() == QLatin1String("numerusform") && translation.isEmpty()) {
                    translation = xml.readElementText();
                }
            } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
                ++out.messages;
                if (unfinished || translation.isEmpty()) {
                    ++out.unfinished;
                    continue;
                }
                if (numerus)
                    continue;  // "%n run(s)" is never on screen as written
                if (!out.toChinese.contains(source))
                    out.toChinese.insert(source, translation);
                if (!out.toEnglish.contains(translation))
                    out.toEnglish.insert(translation, source);
            }
        }
        return out;
    }();
    return t;
}

QString& current()
{
    static QString lang = QStringLiteral("en");
    return lang;
}

std::unique_ptr<QTranslator>& translator()
{
    static std::unique_ptr<QTranslator> t;
    return t;
}

// Qt's own texts (the file dialogs, the standard buttons "OK", "Cancel",
// "Close"): Qt's translations, from Debian's qt6-translations-l10n. Without
// them those texts stay English; the window's own translation still loads.
std::unique_ptr<QTranslator>& qtTranslator()
{
    static std::unique_ptr<QTranslator> t;
    return t;
}

void setQtTranslation(bool chinese)
{
    if (qtTranslator()) {
        QCoreApplication::removeTranslator(qtTranslator().get());
        qtTranslator().reset();
    }
    if (!chinese)
        return;
    auto t = std::make_unique<QTranslator>();
    if (!t->load(QStringLiteral("qtbase_zh_CN"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        return;
    qtTranslator() = std::move(t);
    QCoreApplication::installTranslator(qtTranslator().get());
}

// A text as the new language writes it: back to its English source if it is
// a translation, then into the new language. Texts the table does not know
// (names, numbers, texts with their arguments filled in) stay as they are.
QString mapped(const QString& text, bool chinese)
{
    if (text.isEmpty())
        return text;
    const Table& t = table();
    const QString english = t.toEnglish.value(text, text);
    return chinese ? t.toChinese.value(english, english) : english;
}

void retranslateModelHeaders(QAbstractItemModel* model, const std::function<QString(const QString&)>& map)
{
    if (auto* proxy = qobject_cast<QSortFilterProxyModel*>(model))
        model = proxy->sourceModel();
    if (auto* standard = qobject_cast<QStandardItemModel*>(model)) {
        for (int c = 0; c < standard->columnCount(); ++c)
            if (QStandardItem* h = standard->horizontalHeaderItem(c))
                h->setText(map(h->text()));
    }
}

void retranslateWidget(QWidget* w, const std::function<QString(const QString&)>& map)
{
    w->setToolTip(map(w->toolTip()));
    w->setStatusTip(map(w->statusTip()));
    w->setWhatsThis(map(w->whatsThis()));
    if (w->isWindow())
        w->setWindowTitle(map(w->windowTitle()));
    if (auto* label = qobject_cast<QLabel*>(w))
        label->setText(map(label->text()));
    if (auto* button = qobject_cast<QAbstractButton*>(w))
        button->setText(map(button->text()));
    if (auto* group = qobject_cast<QGroupBox*>(w))
        group->setTitle(map(group->title()));
    if (auto* edit = qobject_cast<QLineEdit*>(w))
        edit->setPlaceholderText(map(edit->placeholderText()));
    if (auto* edit = qobject_cast<QPlainTextEdit*>(w))
        edit->setPlaceholderText(map(edit->placeholderText()));
    if (auto* edit = qobject_cast<QTextEdit*>(w))
        edit->setPlaceholderText(map(edit->placeholderText()));
    if (auto* spin = qobject_cast<QSpinBox*>(w)) {  // the Lens's "layer 0", "unit 0"
        spin->setPrefix(map(spin->prefix()));
        spin->setSuffix(map(spin->suffix()));
    }
    if (auto* tabs = qobject_cast<QTabWidget*>(w))
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setTabText(i, map(tabs->tabText(i)));
            tabs->setTabToolTip(i, map(tabs->tabToolTip(i)));
        }
    if (auto* combo = qobject_cast<QComboBox*>(w))
        for (int i = 0; i < combo->count(); ++i) {
            combo->setItemText(i, map(combo->itemText(i)));
            const QVariant tip = combo->itemData(i, Qt::ToolTipRole);
            if (tip.canConvert<QString>())
                combo->setItemData(i, map(tip.toString()), Qt::ToolTipRole);
        }
    if (auto* table = qobject_cast<QTableWidget*>(w)) {
        for (int c = 0; c < table->columnCount(); ++c)
            if (QTableWidgetItem* h = table->horizontalHeaderItem(c))
                h->setText(map(h->text()));
    } else if (auto* view = qobject_cast<QAbstractItemView*>(w)) {
        if (view->model())
            retranslateModelHeaders(view->model(), map);
    }
    if (auto* menu = qobject_cast<QMenu*>(w))
        menu->setTitle(map(menu->title()));
    if (auto* chart = qobject_cast<LineChart*>(w))
        chart->mapTexts(map);
    for (QAction* action : w->actions()) {
        action->setText(map(action->text()));
        action->setToolTip(map(action->toolTip()));
        action->setStatusTip(map(action->statusTip()));
    }
}

} // namespace

QString language() { return current(); }

QString systemLanguage()
{
    return QLocale::system().language() == QLocale::Chinese ? QStringLiteral("zh_CN") : QStringLiteral("en");
}

std::string coreLanguage() { return current() == QLatin1String("zh_CN") ? "zh_CN" : "en"; }

int translationCount() { return table().messages; }
int untranslatedCount() { return table().unfinished; }

bool setLanguage(const QString& lang)
{
    if (lang != QLatin1String("en") && lang != QLatin1String("zh_CN"))
        return false;
    if (lang == current())
        return true;
    const bool chinese = lang == QLatin1String("zh_CN");
    if (chinese) {
        auto t = std::make_unique<QTranslator>();
        if (!t->load(QStringLiteral(":/i18n/traveller_zh_CN.qm")))
            return false;
        if (translator())
            QCoreApplication::removeTranslator(translator().get());
        translator() = std::move(t);
        QCoreApplication::installTranslator(translator().get());
    } else if (translator()) {
        QCoreApplication::removeTranslator(translator().get());
        translator().reset();
    }
    setQtTranslation(chinese);
    current() = lang;
    const auto map = [chinese](const QString& text) { return mapped(text, chinese); };
    for (QWidget* w : QApplication::allWidgets())
        retranslateWidget(w, map);
    return true;
}

QString statusText(const QString& word)
{
    static const char* const kWords[] = {
        QT_TRANSLATE_NOOP("traveller::ui::Status", "planned"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "queued"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "running"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "finished"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "stopped"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "diverged"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "failed"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "interrupted"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "pending"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "not started"),
        QT_TRANSLATE_NOOP("traveller::ui::Status", "cancelled"),
    };
    for (const char* w : kWords)
        if (word == QLatin1String(w))
            return QCoreApplication::translate("traveller::ui::Status", w);
    return word;
}

StateLook stateLook(StoredState state, int blewUpAt)
{
    StateLook look;
    // The core's word (stateLabel), translated: the tables, the lab report
    // and the CLI call a state the same.
    look.label = finishedBlownUp(state, blewUpAt)
                     ? QCoreApplication::translate("traveller::ui::Status", "blew up, trained on")
                     : statusText(QString::fromLatin1(toString(state)));
    look.marked = finishedBlownUp(state, blewUpAt) || needsAttention(state);
    look.colour = look.marked ? QColor(0xb0, 0x00, 0x20) : QApplication::palette().color(QPalette::Text);
    return look;
}

namespace {

QString coreTextIn(const std::string& text, int depth);

// The message `text` is (a whole template), in Chinese; empty when none.
QString catalogued(const std::string& text, int depth)
{
    const std::optional<Message> m = parseMessage(text);
    if (!m)
        return {};
    const MessageTemplate* t = findTemplate(m->code);
    QString out = QCoreApplication::translate("traveller::CoreMessages", t->english);
    std::vector<std::string> args;
    for (const std::string& a : m->args)
        args.push_back(coreTextIn(a, depth + 1).toStdString());
    return QString::fromStdString(fillTemplate(out.toStdString(), args));
}

QString coreTextIn(const std::string& text, int depth)
{
    // A long text (a LibTorch backtrace) is not a message of the catalogue:
    // shown as it is, without trying every split of it.
    if (depth > 4 || text.empty() || text.size() > 2000)
        return QString::fromStdString(text);
    if (const QString whole = catalogued(text, depth); !whole.isEmpty())
        return whole;
    // "line L, column C: rest" (a ConfigError's position)
    static const std::regex position(R"(^line (\d+), column (\d+): ([\s\S]*)$)");
    std::smatch m;
    if (std::regex_match(text, m, position)) {
        const QString rest = coreTextIn(m[3].str(), depth + 1);
        return QCoreApplication::translate("traveller::CoreMessages", "line %1, column %2: %3")
            .arg(QString::fromStdString(m[1].str()), QString::fromStdString(m[2].str()), rest);
    }
    // "<prefix>: rest" (a file, a path, a key): kept, when the rest is a message.
    int splits = 0;
    for (std::size_t at = text.find(": "); at != std::string::npos && splits < 3; at = text.find(": ", at + 1), ++splits) {
        const std::string rest = text.substr(at + 2);
        const QString translated = coreTextIn(rest, depth + 1);
        if (translated != QString::fromStdString(rest))
            return QString::fromStdString(text.substr(0, at)) + QStringLiteral("：") + translated;
    }
    return QString::fromStdString(text);
}

} // namespace

QString messageText(const Message& m)
{
    const MessageTemplate* t = findTemplate(m.code);
    if (!t)
        return QString::fromStdString(m.text());
    const bool chinese = language() == QLatin1String("zh_CN");
    const QString pattern = chinese ? QCoreApplication::translate("traveller::CoreMessages", t->english)
                                    : QString::fromUtf8(t->english);
    std::vector<std::string> args;
    for (const std::string& a : m.args)
        args.push_back(coreText(a).toStdString());
    return QString::fromStdString(fillTemplate(pattern.toStdString(), args));
}

QString coreText(const std::exception& error)
{
    const auto* e = dynamic_cast<const Error*>(&error);
    if (!e || e->message().code.empty() || !findTemplate(e->message().code))
        return coreText(std::string(error.what()));
    const QString text = messageText(e->message());
    const QString colon = language() == QLatin1String("zh_CN") ? QStringLiteral("：") : QStringLiteral(": ");
    if (const auto* c = dynamic_cast<const ConfigError*>(e)) {
        // As ConfigError's what() puts them: "<file>: line L, column C: <key>: <text>".
        QString out = (c->key().empty() ? QString() : QString::fromStdString(c->key()) + colon) + text;
        if (c->line() > 0)
            out = QCoreApplication::translate("traveller::CoreMessages", "line %1, column %2: %3")
                      .arg(c->line())
                      .arg(c->column())
                      .arg(out);
        if (!c->source().empty())
            out = QString::fromStdString(c->source()) + colon + out;
        return out;
    }
    // Any other error puts at most a prefix before its message ("<path>: ",
    // a CorpusError's or FileError's): kept, its colon in the window's style.
    const std::string what = error.what();
    const std::string english = e->message().text();
    if (what.size() < english.size() || what.compare(what.size() - english.size(), english.size(), english) != 0)
        return coreText(what);
    std::string prefix = what.substr(0, what.size() - english.size());
    if (prefix.size() >= 2 && prefix.compare(prefix.size() - 2, 2, ": ") == 0)
        return QString::fromStdString(prefix.substr(0, prefix.size() - 2)) + colon + text;
    return QString::fromStdString(prefix) + text;
}

QString coreText(const std::string& text)
{
    if (language() != QLatin1String("zh_CN"))
        return QString::fromStdString(text);
    return coreTextIn(text, 0);
}

} // namespace traveller::ui
