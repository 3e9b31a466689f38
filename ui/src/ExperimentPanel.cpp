#include "traveller/ui/ExperimentPanel.h"

#include "traveller/core/Errors.h"
#include "traveller/core/lm/Training.h"
#include "LmCharts.h"

#include <QComboBox>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
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

// A choice that gives way to the form's width (its text elided, the list
// whole): long items must not widen the form past its scroll area.
QComboBox* newCombo(QWidget* parent)
{
    auto* combo = new QComboBox(parent);
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(6);
    return combo;
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

    presets_ = newCombo(this);
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

    buildModelAndTraining(layout);
    buildDataAndSamples(layout);
    buildAdvanced(layout);

    message_ = new QLabel(this);
    message_->setObjectName("validationMessage");
    message_->setWordWrap(true);
    message_->setStyleSheet("color: #b00020;");
    message_->hide();
    layout->addWidget(message_);
    layout->addStretch(1);

    setConfig(ExperimentConfig{});
}

QWidget* ExperimentPanel::addGroup(QVBoxLayout* layout, const QString& title)
{
    auto* box = new QGroupBox(title, this);
    newForm(box);
    layout->addWidget(box);
    form_ = box;
    return box;
}

void ExperimentPanel::buildModelAndTraining(QVBoxLayout* layout)
{
    addGroup(layout, tr("Model"));
    addLine("name", tr("Run name"));
    QList<QPair<QString, QString>> cells;
    for (const CellInfo& c : cellCatalogue())  // the cell registry
        cells.append({QString::fromStdString(c.name), QString::fromStdString(c.key)});
    addChoice("model.arch", tr("Architecture"), cells);
    addChoice("model.impl", tr("Implementation"),
              {{tr("built-in"), "builtin"}, {tr("from scratch"), "scratch"}, {tr("fused (fast CPU)"), "fused"}});
    addLine("model.hidden", tr("Hidden size"));
    addLine("model.layers", tr("Layers"));

    addGroup(layout, tr("Training"));
    addLine("train.epochs", tr("Epochs"));
    addLine("train.lr", tr("Learning rate"));
    addChoice("train.optimizer", tr("Optimizer"), {{tr("SGD (the book)"), "sgd"}, {tr("Adam"), "adam"}});
    addLine("train.clip", tr("Clipping (0 = off)"));
    // Visible beside the learning rate: with "train on", a rate that blows up
    // trains through it (the lab's lr-10 runs) instead of stopping.
    addChoice("train.on_divergence", tr("When it diverges"),
              {{tr("stop the run"), "stop"}, {tr("train on"), "continue"}});
    addLine("train.seed", tr("Seed"));
    addDevicePicker();
}

void ExperimentPanel::buildDataAndSamples(QVBoxLayout* layout)
{
    addGroup(layout, tr("Data and samples"));
    addLine("data.batch_size", tr("Batch size"));
    addLine("data.num_steps", tr("Steps"));
    addChoice("data.sampling", tr("Sampling"), {{tr("sequential"), "sequential"}, {tr("random"), "random"}});
    addLine("data.max_tokens", tr("Max tokens (0 = all)"));
    addLine("sample.every", tr("Sample every (epochs)"));
    addLine("data.corpus", tr("Corpus"));
}

void ExperimentPanel::buildAdvanced(QVBoxLayout* layout)
{
    // Folded while every key in it has its default; a loaded experiment that
    // sets one opens it (setConfig), so no setting that changes a run hides.
    advancedToggle_ = new QToolButton(this);
    advancedToggle_->setObjectName("advancedToggle");
    advancedToggle_->setCheckable(true);
    advancedToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    advancedToggle_->setAutoRaise(true);
    layout->addWidget(advancedToggle_);
    const int first = static_cast<int>(order_.size());
    advanced_ = addGroup(layout, QString());
    advanced_->setObjectName("advancedGroup");
    addLine("model.embedding", tr("Embedding (0 = one-hot)"));
    addChoice("train.detach_state", tr("Backpropagation"),
              {{tr("per batch"), "true"}, {tr("whole epoch"), "false"}});
    addLine("train.threads", tr("CPU threads (0 = all)"));
    addChoice("train.precision", tr("Precision"), {{tr("float32"), "fp32"}, {tr("bfloat16 (mixed)"), "bf16"}});
    addLine("train.schedule", tr("Schedule"));
    addChoice("train.lr_schedule", tr("Learning-rate shape"),
              {{tr("constant"), "constant"}, {tr("step"), "step"}, {tr("cosine"), "cosine"},
               {tr("warm-up + cosine"), "warmup-cosine"}});
    addLine("train.lr_step_every", tr("Step every (epochs)"));
    addLine("train.lr_step_gamma", tr("Step factor"));
    addLine("train.lr_warmup", tr("Warm-up (epochs)"));
    addLine("train.lr_min_factor", tr("Final rate (x lr)"));
    addLine("train.keep_checkpoints", tr("Keep weights every (epochs)"));
    addChoice("data.tokens", tr("Tokens"), {{tr("characters"), "char"}, {tr("words"), "word"}});
    addChoice("data.normalize", tr("Text cleaning"),
              {{tr("a-z only"), "book"}, {tr("all Unicode"), "unicode"}});
    addChoice("data.join_lines", tr("Lines joined"), {{tr("directly"), "none"}, {tr("with a space"), "space"}});
    addLine("data.heldout", tr("Held-out tokens"));
    addLine("sample.prefix", tr("Sample prefix"));
    addLine("sample.length", tr("Sample length"));
    addLine("sample.temperature", tr("Temperature (0 = greedy)"));
    advancedKeys_ = order_.mid(first);
    connect(advancedToggle_, &QToolButton::toggled, this, [this](bool open) {
        advanced_->setVisible(open);
        updateAdvancedToggle();
    });
    advanced_->setVisible(false);
    updateAdvancedToggle();
}

int ExperimentPanel::changedAdvanced() const
{
    static const ExperimentConfig defaults;
    int changed = 0;
    for (const QString& key : advancedKeys_)
        changed += value(key) != QString::fromStdString(configValue(defaults, key.toStdString()));
    return changed;
}

void ExperimentPanel::updateAdvancedToggle()
{
    const bool open = advancedToggle_->isChecked();
    advancedToggle_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    const int changed = changedAdvanced();
    advancedToggle_->setText(changed > 0 ? tr("More settings (%n changed)", nullptr, changed) : tr("More settings"));
}

void ExperimentPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::LanguageChange)
        return;
    updateAdvancedToggle();
    // The devices' labels ("CPU (2 threads)") carry a number, so the switch's
    // table cannot map them: named again in the new language.
    if (auto* combo = qobject_cast<QComboBox*>(fields_.value("train.device")))
        for (const DeviceInfo& d : availableDevices())
            if (const int i = combo->findData(QString::fromStdString(d.id)); i >= 0)
                combo->setItemText(i, deviceLabel(d.id, d.label));
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
    auto* combo = newCombo(form_);
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
    auto* combo = newCombo(form_);
    combo->setObjectName("train.device");
    combo->setToolTip(tooltipFor("train.device"));
    // The schema's default: the first GPU if there is one, else the CPU.
    combo->addItem(tr("Automatic"), QStringLiteral("auto"));
    bool anyCuda = false;
    for (const DeviceInfo& d : availableDevices()) {
        combo->addItem(deviceLabel(d.id, d.label), QString::fromStdString(d.id));
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
    for (const QString& p : paths) {
        // The experiment's own name ("GRU (book)"); the file's when it has none.
        const QString file = QFileInfo(p).completeBaseName();
        QString name;
        try {
            name = QString::fromStdString(loadExperimentFile(QFile::encodeName(p).toStdString()).name);
        } catch (const std::exception&) {
            // Listed all the same: choosing it says what is wrong with it.
        }
        presets_->addItem(name.isEmpty() ? file : name, p);
        presets_->setItemData(presets_->count() - 1, QFileInfo(p).fileName(), Qt::ToolTipRole);
    }
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
            // cuda is cuda:0; a GPU this machine lacks leaves the choice to auto.
            index = valueText == QLatin1String("cuda") ? combo->findData(QStringLiteral("cuda:0")) : -1;
            if (index < 0)
                index = combo->findData(QStringLiteral("auto"));
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
    if (changedAdvanced() > 0)
        advancedToggle_->setChecked(true);
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
    updateAdvancedToggle();
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
                if (advancedKeys_.contains(key))
                    advancedToggle_->setChecked(true);
                fields_.value(key)->setFocus();
                break;
            }
    }
    return valid_;
}

QString ExperimentPanel::validationMessage() const { return message_->text(); }

void ExperimentPanel::markKey(const QString& key, const QString& message)
{
    if (advancedKeys_.contains(key))
        advancedToggle_->setChecked(true);
    if (QWidget* field = fields_.value(key)) {
        setInvalid(field, true);
        field->setFocus();
    }
    message_->setText(message);
    message_->setVisible(!message.isEmpty());
}

} // namespace traveller::ui
