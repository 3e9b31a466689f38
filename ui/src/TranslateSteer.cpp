#include "TranslateSteer.h"

#include "traveller/core/Messages.h"
#include "traveller/ui/Language.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace traveller::ui {

TranslateSteer::TranslateSteer(QWidget* parent) : QWidget(parent)
{
    setObjectName("translateSteer");
    // The fields on one line, what became of a change under them (a long
    // message wraps, never widening the window).
    auto* lines = new QVBoxLayout(this);
    lines->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    lines->addLayout(row);
    for (const char* key : {"train.lr", "train.clip", "train.teacher_forcing", "train.epochs"}) {
        auto* label = new QLabel;
        auto* field = new QLineEdit;
        field->setObjectName(QStringLiteral("translateSteer.") + key);
        label->setObjectName(field->objectName() + "Label");
        field->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0.0001")) + 12);
        field->setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0.00001")) + 16);
        connect(field, &QLineEdit::returnPressed, this, &TranslateSteer::apply);
        row->addWidget(label);
        row->addWidget(field);
        fields_.append({key, field});
    }
    apply_ = new QPushButton;
    apply_->setObjectName("translateSteerApply");
    connect(apply_, &QPushButton::clicked, this, &TranslateSteer::apply);
    row->addWidget(apply_);
    row->addStretch(1);
    status_ = new QLabel;
    status_->setObjectName("translateSteerStatus");
    status_->setWordWrap(true);
    lines->addWidget(status_);
    retranslate();
    hide();
}

void TranslateSteer::retranslate()
{
    const QStringList names = {tr("lr"), tr("clip"), tr("forcing"), tr("epochs")};
    const QStringList tips = {tr("Learning rate: the change lands before the next batch"),
                              tr("Gradient clipping threshold (0 = off)"),
                              tr("Teacher forcing: the share of decoder inputs taken from the reference (1 = the book)"),
                              tr("Train to this epoch: more extends the run, fewer ends it sooner")};
    for (int i = 0; i < fields_.size(); ++i) {
        findChild<QLabel*>(fields_[i].second->objectName() + "Label")->setText(names[i]);
        fields_[i].second->setToolTip(tips[i]);
    }
    apply_->setText(tr("Apply"));
    apply_->setToolTip(tr("Change the run in training; every change is kept with the run"));
}

void TranslateSteer::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
}

void TranslateSteer::start(const TranslationConfig& config, Send send)
{
    config_ = config;
    send_ = std::move(send);
    for (const auto& [key, field] : fields_)
        field->setText(QString::fromStdString(translationValue(config_, key)));
    status_->clear();
    show();
}

void TranslateSteer::stop()
{
    send_ = nullptr;
    hide();
}

bool TranslateSteer::apply()
{
    if (!send_)
        return false;
    bool sent = false;
    for (const auto& [key, field] : fields_) {
        const std::string value = field->text().trimmed().toStdString();
        if (value == translationValue(config_, key))
            continue;
        try {
            TranslationConfig checked = config_;
            setTranslationValue(checked, key, value);  // the schema's range, said at once
            config_ = checked;
        } catch (const std::exception& e) {
            status_->setStyleSheet(QStringLiteral("color: #b00020;"));
            status_->setText(coreText(e));
            field->setFocus();
            return false;
        }
        send_(key, value);
        sent = true;
    }
    status_->setStyleSheet(QString());
    status_->setText(sent ? tr("Sent: it lands before the next batch") : QString());
    return true;
}

void TranslateSteer::landed(const SettingEvent& e)
{
    status_->setStyleSheet(QString());
    status_->setText(messageText(
        message("train.setting_changed", {e.key, e.from, e.to, std::to_string(e.epoch), std::to_string(e.batch)})));
    status_->setToolTip(status_->text());
}

QString TranslateSteer::status() const { return status_->text(); }

} // namespace traveller::ui
