#include "traveller/ui/ExperimentPanel.h"

#include "traveller/core/Errors.h"
#include "traveller/core/Training.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace traveller::ui {

namespace {

const ConfigKeyInfo* schemaInfo(const QString& key)
{
    for (const auto& info : configSchema())
        if (QString::fromStdString(info.key) == key)
            return &info;
    return nullptr;
}

QString tooltipFor(const QString& key)
{
    const ConfigKeyInfo* info = schemaInfo(key);
    if (!info)
        return key;
    return QStringLiteral("<b>%1</b> (%2, default %3)<br>%4")
        .arg(key, QString::fromStdString(info->type).toHtmlEscaped(),
             QString::fromStdString(info->defaultValue).toHtmlEscaped(),
             QString::fromStdString(info->help).toHtmlEscaped());
}

QFormLayout* newForm(QWidget* box)
{
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setContentsMargins(6, 6, 6, 6);
    return form;
}

} // namespace

ExperimentPanel::ExperimentPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    presets_ = new QComboBox(this);
    presets_->setObjectName("presetCombo");
    presets_->setToolTip(tr("Experiments shipped with Traveller (resources/presets)"));
    auto* presetRow = new QFormLayout;
    presetRow->addRow(tr("Preset"), presets_);
    layout->addLayout(presetRow);
    connect(presets_, &QComboBox::activated, this, [this](int index) {
        const QString path = presets_->itemData(index).toString();
        if (!path.isEmpty())
            Q_EMIT presetChosen(path);
    });

    auto group = [&](const QString& title) {
        auto* box = new QGroupBox(title, this);
        newForm(box);
        layout->addWidget(box);
        form_ = box;
    };

    group(tr("Model"));
    addLine("name", tr("Run name"));
    QList<QPair<QString, QString>> cells;
    for (const CellInfo& c : cellCatalogue())  // the cell registry
        cells.append({QString::fromStdString(c.name), QString::fromStdString(c.key)});
    addChoice("model.arch", tr("Architecture"), cells);
    addChoice("model.impl", tr("Implementation"),
              {{tr("built-in"), "builtin"}, {tr("from scratch"), "scratch"}, {tr("fused (fast CPU)"), "fused"}});
    addLine("model.hidden", tr("Hidden size"));
    addLine("model.layers", tr("Layers"));

    group(tr("Training"));
    addLine("train.epochs", tr("Epochs"));
    addLine("train.lr", tr("Learning rate"));
    addLine("train.clip", tr("Clipping (0 = off)"));
    addLine("train.seed", tr("Seed"));
    addDevicePicker();

    group(tr("Data and samples"));
    addLine("data.batch_size", tr("Batch size"));
    addLine("data.num_steps", tr("Steps"));
    addChoice("data.sampling", tr("Sampling"), {{tr("sequential"), "sequential"}, {tr("random"), "random"}});
    addLine("data.max_tokens", tr("Max tokens (0 = all)"));
    addLine("sample.every", tr("Sample every (epochs)"));
    addLine("data.corpus", tr("Corpus"));

    message_ = new QLabel(this);
    message_->setObjectName("validationMessage");
    message_->setWordWrap(true);
    message_->setStyleSheet("color: #b00020;");
    message_->hide();
    layout->addWidget(message_);
    layout->addStretch(1);

    setConfig(ExperimentConfig{});
}

void ExperimentPanel::addLine(const QString& key, const QString& label)
{
    auto* edit = new QLineEdit(form_);
    edit->setObjectName(key);
    edit->setToolTip(tooltipFor(key));
    static_cast<QFormLayout*>(form_->layout())->addRow(label, edit);
    fields_.insert(key, edit);
    labels_.insert(key, label);
    order_.append(key);
    connect(edit, &QLineEdit::textChanged, this, [this, key] {
        if (filling_)
            return;
        if (key == QLatin1String("name")) {
            // A name typed now belongs to the settings as they are now (core's sameRun).
            named_ = base_;
            for (const QString& k : std::as_const(order_)) {
                try {
                    setConfigValue(named_, k.toStdString(), value(k).toStdString());
                } catch (const std::exception&) {
                    // A field being typed: the base's value stands for it.
                }
            }
        }
        revalidate();
    });
}

void ExperimentPanel::addChoice(const QString& key, const QString& label,
                                const QList<QPair<QString, QString>>& choices)
{
    auto* combo = new QComboBox(form_);
    combo->setObjectName(key);
    combo->setToolTip(tooltipFor(key));
    for (const auto& [text, value] : choices)
        combo->addItem(text, value);
    static_cast<QFormLayout*>(form_->layout())->addRow(label, combo);
    fields_.insert(key, combo);
    labels_.insert(key, label);
    order_.append(key);
    connect(combo, &QComboBox::currentIndexChanged, this, [this] {
        if (!filling_)
            revalidate();
    });
}

void ExperimentPanel::addDevicePicker()
{
    auto* combo = new QComboBox(form_);
    combo->setObjectName("train.device");
    combo->setToolTip(tooltipFor("train.device"));
    bool anyCuda = false;
    for (const DeviceInfo& d : availableDevices()) {
        combo->addItem(QString::fromStdString(d.label), QString::fromStdString(d.id));
        anyCuda = anyCuda || d.id != "cpu";
    }
    auto* form = static_cast<QFormLayout*>(form_->layout());
    form->addRow(tr("Device"), combo);
    deviceNote_ = new QLabel(form_);
    deviceNote_->setObjectName("deviceNote");
    deviceNote_->setWordWrap(true);
    if (!cudaSupportCompiled())
        deviceNote_->setText(tr("This LibTorch build is CPU-only: no CUDA devices can be used."));
    else if (!anyCuda)
        deviceNote_->setText(tr("LibTorch has CUDA support but sees no GPU."));
    deviceNote_->setVisible(!deviceNote_->text().isEmpty());
    form->addRow(QString(), deviceNote_);
    fields_.insert("train.device", combo);
    labels_.insert("train.device", tr("Device"));
    order_.append("train.device");
    connect(combo, &QComboBox::currentIndexChanged, this, [this] {
        if (!filling_)
            revalidate();
    });
}

void ExperimentPanel::setPresets(const QStringList& paths)
{
    presets_->clear();
    presets_->addItem(tr("(choose a preset)"), QString());
    for (const QString& p : paths)
        presets_->addItem(QFileInfo(p).completeBaseName(), p);
}

void ExperimentPanel::setValue(const QString& key, const QString& valueText)
{
    QWidget* w = fields_.value(key);
    if (!w) {
        // A key without a field (optimizer, threads, ...): it lives in the base config.
        setConfigValue(base_, key.toStdString(), valueText.toStdString());
        revalidate();
        return;
    }
    if (auto* edit = qobject_cast<QLineEdit*>(w)) {
        edit->setText(valueText);
    } else if (auto* combo = qobject_cast<QComboBox*>(w)) {
        int index = combo->findData(valueText);
        if (key == "train.device" && index < 0) {
            // auto / cuda resolve to the first GPU when there is one, else the CPU.
            index = combo->count() > 1 && valueText != "cpu" ? 1 : 0;
        }
        if (index >= 0)
            combo->setCurrentIndex(index);
    }
}

QString ExperimentPanel::value(const QString& key) const
{
    QWidget* w = fields_.value(key);
    if (auto* edit = qobject_cast<QLineEdit*>(w))
        return edit->text().trimmed();
    if (auto* combo = qobject_cast<QComboBox*>(w))
        return combo->currentData().toString();
    return {};
}

void ExperimentPanel::setConfig(const ExperimentConfig& config)
{
    base_ = config;
    named_ = config;
    filling_ = true;
    for (const QString& key : std::as_const(order_))
        setValue(key, QString::fromStdString(configValue(config, key.toStdString())));
    filling_ = false;
    if (auto* name = qobject_cast<QLineEdit*>(fields_.value("name")))
        name->setPlaceholderText(QString::fromStdString(ExperimentConfig{config}.displayName()));
    revalidate();
}

ExperimentConfig ExperimentPanel::config() const
{
    ExperimentConfig c = base_;
    for (const QString& key : order_)
        setConfigValue(c, key.toStdString(), value(key).toStdString());
    validate(c);
    return c;
}

void ExperimentPanel::setInvalid(QWidget* field, bool invalid)
{
    field->setProperty("invalid", invalid);
    field->setStyleSheet(invalid ? "background: #ffd6d6;" : "");
}

void ExperimentPanel::revalidate()
{
    QString first;
    ExperimentConfig c = base_;
    for (const QString& key : std::as_const(order_)) {
        QWidget* field = fields_.value(key);
        try {
            setConfigValue(c, key.toStdString(), value(key).toStdString());
            setInvalid(field, false);
        } catch (const ConfigError& e) {
            setInvalid(field, true);
            if (first.isEmpty())
                first = tr("%1 (%2): %3").arg(labels_.value(key), key, QString::fromStdString(e.detail()));
        }
    }
    if (first.isEmpty()) {
        try {
            validate(c);
        } catch (const ConfigError& e) {
            const QString key = QString::fromStdString(e.key());
            if (QWidget* field = fields_.value(key))
                setInvalid(field, true);
            first = tr("%1 (%2): %3").arg(labels_.value(key, key), key, QString::fromStdString(e.detail()));
        }
        // The settings moved away from the ones the name was given for
        // ("RNN (book)" switched to GRU): the name goes, the derived one shows.
        if (auto* name = qobject_cast<QLineEdit*>(fields_.value("name"))) {
            if (!name->text().trimmed().isEmpty() && !sameRun(named_, c)) {
                filling_ = true;
                name->clear();
                filling_ = false;
                c.name.clear();
            }
            name->setPlaceholderText(QString::fromStdString(c.displayName()));
        }
    }
    message_->setText(first);
    message_->setVisible(!first.isEmpty());
    const bool valid = first.isEmpty();
    if (valid != valid_) {
        valid_ = valid;
        Q_EMIT validityChanged(valid);
    }
}

bool ExperimentPanel::checkInput()
{
    revalidate();
    if (!valid_) {
        for (const QString& key : std::as_const(order_))
            if (fields_.value(key)->property("invalid").toBool()) {
                fields_.value(key)->setFocus();
                break;
            }
    }
    return valid_;
}

QString ExperimentPanel::validationMessage() const { return message_->text(); }

void ExperimentPanel::markKey(const QString& key, const QString& message)
{
    if (QWidget* field = fields_.value(key)) {
        setInvalid(field, true);
        field->setFocus();
    }
    message_->setText(message);
    message_->setVisible(!message.isEmpty());
}

} // namespace traveller::ui
