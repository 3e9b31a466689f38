#include "TranslationForm.h"

#include "traveller/core/Errors.h"
#include "traveller/core/cells/Cells.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <climits>

namespace traveller::ui {

namespace {

// The keys always in sight, with the object names the tab's tests and the
// docs tool have always used.
const QList<QPair<QString, QString>>& everydayKeys()
{
    static const QList<QPair<QString, QString>> keys = {
        {"model.cell", "translate.cell"},      {"model.decoder", "translate.attention"},
        {"model.hidden", "translate.hidden"},  {"train.epochs", "translate.epochs"},
        {"train.lr", "translate.lr"},          {"data.examples", "translate.examples"},
        {"eval.beam", "translate.beam"}};
    return keys;
}

// Only a file holds them: a marker and a list of sentence pairs.
bool fileOnly(const std::string& key) { return key == "task" || key == "eval.pairs"; }

bool isBoolean(const ConfigKeyInfo& info) { return info.type == "true|false"; }

QString tooltipFor(const ConfigKeyInfo& info)
{
    return QStringLiteral("<b>%1</b> (%2, default %3)<br>%4")
        .arg(QString::fromStdString(info.key), QString::fromStdString(info.type).toHtmlEscaped(),
             QString::fromStdString(info.defaultValue).toHtmlEscaped(),
             QString::fromStdString(info.help).toHtmlEscaped());
}

void setInvalid(QWidget* field, bool invalid)
{
    field->setProperty("invalid", invalid);
    field->setStyleSheet(invalid ? "background: #ffd6d6;" : "");
}

} // namespace

TranslationForm::TranslationForm(const TranslationConfig& start, QWidget* parent) : QWidget(parent), start_(start)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const QHash<QString, QString> labels = {
        {"model.cell", tr("Cell")},           {"model.decoder", tr("Bahdanau attention")},
        {"model.hidden", tr("Hidden units")}, {"train.epochs", tr("Epochs")},
        {"train.lr", tr("Learning rate")},    {"data.examples", tr("Training pairs")},
        {"eval.beam", tr("Beam size")}};
    for (const auto& [key, name] : everydayKeys())
        addField(form, key, labels.value(key), name);
    layout->addLayout(form);
    buildFolded();
    setConfig(start_);
}

// Every key of the schema that is neither everyday nor file-only, in the
// schema's order; a key added to the schema later shows here under its own
// name until it is given a label.
void TranslationForm::buildFolded()
{
    const QHash<QString, QString> labels = {
        {"name", tr("Run name")},
        {"model.context", tr("Plain decoder's context")},
        {"model.embed", tr("Embedding size")},
        {"model.layers", tr("Layers")},
        {"model.dropout", tr("Dropout")},
        {"model.impl", tr("Implementation")},
        {"train.batch_size", tr("Batch size")},
        {"train.clip", tr("Clipping (0 = off)")},
        {"train.device", tr("Device")},
        {"train.seed", tr("Seed")},
        {"train.threads", tr("CPU threads (0 = all)")},
        {"train.report_every", tr("Report every (epochs)")},
        {"train.mask", tr("Masked loss (the book)")},
        {"train.teacher_forcing", tr("Teacher forcing")},
        {"data.corpus", tr("Corpus")},
        {"data.book_extra_line", tr("One line more (the book's loop)")},
        {"data.num_steps", tr("Steps per sentence")},
        {"data.min_freq", tr("Minimum word count")},
        {"data.heldout", tr("Held-out pairs")},
        {"eval.length_penalty", tr("Length penalty")},
        {"eval.bleu_order", tr("BLEU n-gram order")}};
    toggle_ = new QToolButton(this);
    toggle_->setObjectName("translateMoreToggle");
    toggle_->setCheckable(true);
    toggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toggle_->setAutoRaise(true);
    layout()->addWidget(toggle_);
    foldedBox_ = new QWidget(this);
    foldedBox_->setObjectName("translateMoreSettings");
    auto* form = new QFormLayout(foldedBox_);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setContentsMargins(0, 0, 0, 0);
    for (const ConfigKeyInfo& info : translationSchema()) {
        const QString key = QString::fromStdString(info.key);
        if (fileOnly(info.key) || fields_.contains(key))
            continue;
        addField(form, key, labels.value(key, key), QStringLiteral("translate.") + key);
        folded_ << key;
    }
    layout()->addWidget(foldedBox_);
    connect(toggle_, &QToolButton::toggled, this, [this](bool open) {
        foldedBox_->setVisible(open);
        updateToggle();
    });
    foldedBox_->setVisible(false);
    updateToggle();
}

// The field a key's type asks for: a cell menu, a check box for a yes/no
// (the decoder's attention too), a menu of an enum's words, a spin box for
// an int a spin box can hold (the schema's range, so that a loaded run is
// shown as it is, never clamped), else a line the schema checks.
QWidget* TranslationForm::newField(const ConfigKeyInfo& info, const QString& label)
{
    const QString type = QString::fromStdString(info.type);
    if (info.key == "model.cell") {
        auto* combo = new QComboBox;
        for (const CellInfo& c : cellCatalogue())  // the cell registry
            combo->addItem(QString::fromStdString(c.name), QString::fromStdString(c.key));
        return combo;
    }
    if (info.key == "model.decoder" || isBoolean(info))
        return new QCheckBox(label);
    if (type.contains('|')) {
        const QHash<QString, QString> words = {
            {"model.context=book", tr("the book's (latest state)")},
            {"model.context=encoder", tr("the encoder's final state")},
            {"model.impl=fused", tr("fused (fast CPU)")},
            {"model.impl=builtin", tr("built-in")}};
        auto* combo = new QComboBox;
        for (const QString& word : type.split('|'))
            combo->addItem(words.value(QString::fromStdString(info.key) + '=' + word, word), word);
        return combo;
    }
    if (info.type == "int" && info.maximum <= INT_MAX) {
        auto* spin = new QSpinBox;
        spin->setRange(static_cast<int>(info.minimum), static_cast<int>(info.maximum));
        return spin;
    }
    return new QLineEdit;
}

void TranslationForm::addField(QFormLayout* form, const QString& key, const QString& label, const QString& name)
{
    const ConfigKeyInfo& info = schemaKey(translationSchema(), key.toStdString());
    QWidget* field = newField(info, label);
    field->setObjectName(name);
    field->setToolTip(tooltipFor(info));
    // A check box says its own label.
    form->addRow(qobject_cast<QCheckBox*>(field) ? QString() : label, field);
    fields_.insert(key, field);
    order_ << key;
    auto changed = [this, key] {
        if (filling_)
            return;
        revalidate();
        Q_EMIT edited(key);
    };
    if (auto* combo = qobject_cast<QComboBox*>(field))
        connect(combo, &QComboBox::currentIndexChanged, this, changed);
    else if (auto* box = qobject_cast<QCheckBox*>(field))
        connect(box, &QCheckBox::toggled, this, changed);
    else if (auto* spin = qobject_cast<QSpinBox*>(field))
        connect(spin, &QSpinBox::valueChanged, this, changed);
    else if (auto* line = qobject_cast<QLineEdit*>(field))
        connect(line, &QLineEdit::textChanged, this, changed);
}

QString TranslationForm::value(const QString& key) const
{
    QWidget* w = fields_.value(key);
    if (auto* combo = qobject_cast<QComboBox*>(w))
        return combo->currentData().toString();
    if (auto* box = qobject_cast<QCheckBox*>(w)) {
        if (key == QLatin1String("model.decoder"))
            return box->isChecked() ? QStringLiteral("attention") : QStringLiteral("plain");
        return box->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    }
    if (auto* spin = qobject_cast<QSpinBox*>(w))
        return QString::number(spin->value());
    if (auto* line = qobject_cast<QLineEdit*>(w))
        return line->text().trimmed();
    return {};
}

void TranslationForm::setValue(const QString& key, const QString& text)
{
    QWidget* w = fields_.value(key);
    if (auto* combo = qobject_cast<QComboBox*>(w))
        combo->setCurrentIndex(combo->findData(text));
    else if (auto* box = qobject_cast<QCheckBox*>(w))
        box->setChecked(text == QLatin1String("attention") || text == QLatin1String("true"));
    else if (auto* spin = qobject_cast<QSpinBox*>(w))
        spin->setValue(text.toInt());
    else if (auto* line = qobject_cast<QLineEdit*>(w))
        line->setText(text);
}

void TranslationForm::setConfig(const TranslationConfig& config)
{
    base_ = config;
    filling_ = true;
    for (const QString& key : std::as_const(order_))
        setValue(key, QString::fromStdString(translationValue(config, key.toStdString())));
    filling_ = false;
    // No setting that changes the run out of sight.
    if (changedFolded() > 0)
        toggle_->setChecked(true);
    revalidate();
}

TranslationConfig TranslationForm::config() const
{
    TranslationConfig c = base_;
    for (const QString& key : order_)
        setTranslationValue(c, key.toStdString(), value(key).toStdString());
    return c;
}

void TranslationForm::revalidate()
{
    TranslationConfig c = base_;
    for (const QString& key : std::as_const(order_)) {
        try {
            setTranslationValue(c, key.toStdString(), value(key).toStdString());
            setInvalid(fields_.value(key), false);
        } catch (const ConfigError&) {
            setInvalid(fields_.value(key), true);  // the panel's plan says why
        }
    }
    updateToggle();
}

void TranslationForm::showKey(const QString& key)
{
    if (folded_.contains(key))
        toggle_->setChecked(true);
    if (QWidget* field = fields_.value(key))
        field->setFocus();
}

void TranslationForm::setEditable(bool editable)
{
    for (const QString& key : std::as_const(order_))
        if (key != QLatin1String("eval.beam"))
            fields_.value(key)->setEnabled(editable);
}

int TranslationForm::changedFolded() const
{
    int changed = 0;
    for (const QString& key : folded_)
        changed += value(key) != QString::fromStdString(translationValue(start_, key.toStdString()));
    return changed;
}

void TranslationForm::updateToggle()
{
    toggle_->setArrowType(toggle_->isChecked() ? Qt::DownArrow : Qt::RightArrow);
    const int changed = changedFolded();
    toggle_->setText(changed > 0 ? tr("More settings (%n changed)", nullptr, changed) : tr("More settings"));
}

void TranslationForm::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange && toggle_)
        updateToggle();
}

} // namespace traveller::ui
