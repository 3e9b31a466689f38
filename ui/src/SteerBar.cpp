#include "SteerBar.h"

#include "traveller/ui/Language.h"
#include "traveller/ui/RunQueue.h"

#include "traveller/core/Messages.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include <utility>

namespace traveller::ui {

namespace {

QLineEdit* field(const char* name, int characters)
{
    auto* f = new QLineEdit;
    f->setObjectName(name);
    f->setMaximumWidth(f->fontMetrics().horizontalAdvance(QLatin1Char('0')) * characters + 16);
    return f;
}

} // namespace

SteerBar::SteerBar(RunQueue& queue, QWidget* parent) : QWidget(parent), queue_(queue)
{
    setObjectName("steerBar");
    lr_ = field("steer.train.lr", 6);
    clip_ = field("steer.train.clip", 4);
    epochs_ = field("steer.train.epochs", 5);
    temperature_ = field("steer.sample.temperature", 4);
    apply_ = new QPushButton;
    apply_->setObjectName("steerApply");
    status_ = new QLabel;
    status_->setObjectName("steerStatus");
    // One line: the whole text is its tooltip when the row is narrow.
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(12, 0, 0, 0);
    for (QLineEdit* f : {lr_, clip_, epochs_, temperature_}) {
        auto* label = new QLabel;
        label->setObjectName(f->objectName() + "Label");
        label->setBuddy(f);
        row->addWidget(label);
        row->addWidget(f);
        connect(f, &QLineEdit::returnPressed, this, &SteerBar::apply);
    }
    row->addWidget(apply_);
    row->addWidget(status_, 1);
    connect(apply_, &QPushButton::clicked, this, &SteerBar::apply);
    connect(&queue_, &RunQueue::settingChanged, this, &SteerBar::landed);
    retranslate();
    hide();
}

void SteerBar::retranslate()
{
    // No caption: the row shows only while a run trains; its labels and
    // tooltips say the rest (a caption cost presentation mode its width).
    setToolTip(tr("While it trains:"));
    const QStringList names = {tr("lr"), tr("clip"), tr("epochs"), tr("T")};
    const QList<QLineEdit*> fields = {lr_, clip_, epochs_, temperature_};
    for (int i = 0; i < fields.size(); ++i)
        findChild<QLabel*>(fields[i]->objectName() + "Label")->setText(names[i]);
    lr_->setToolTip(tr("Learning rate: the change lands before the next batch"));
    clip_->setToolTip(tr("Gradient clipping threshold (0 = off)"));
    epochs_->setToolTip(tr("Train to this epoch: more extends the run, fewer ends it sooner"));
    temperature_->setToolTip(tr("Temperature of the live samples (0 = the likeliest character)"));
    apply_->setText(tr("Apply"));
    apply_->setToolTip(tr("Change the run in training; every change is kept with the run and can be replayed"));
}

void SteerBar::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
}

void SteerBar::showRun()
{
    const RunQueue::Run* r = queue_.current();
    const bool training = r && (r->state == RunQueue::RunState::Training || r->state == RunQueue::RunState::Paused);
    setVisible(training);
    if (!training || r->id == shownRun_)
        return;
    shownRun_ = r->id;  // a new run: its own values (edits in progress are kept for the same run)
    lr_->setText(QString::fromStdString(configValue(r->config, "train.lr")));
    clip_->setText(QString::fromStdString(configValue(r->config, "train.clip")));
    epochs_->setText(QString::fromStdString(configValue(r->config, "train.epochs")));
    temperature_->setText(QString::fromStdString(configValue(r->config, "sample.temperature")));
    status_->clear();
}

bool SteerBar::apply()
{
    const RunQueue::Run* r = queue_.current();
    if (!r)
        return false;
    const std::pair<QLineEdit*, const char*> fields[] = {
        {lr_, "train.lr"}, {clip_, "train.clip"}, {epochs_, "train.epochs"}, {temperature_, "sample.temperature"}};
    bool sent = false;
    for (const auto& [f, key] : fields) {
        const std::string value = f->text().trimmed().toStdString();
        if (value == configValue(r->config, key))
            continue;
        QString why;
        if (!queue_.requestChange(key, value, &why)) {
            status_->setStyleSheet(QStringLiteral("color: #b00020;"));
            status_->setText(why);
            status_->setToolTip(why);
            f->setFocus();
            return false;
        }
        sent = true;
    }
    status_->setStyleSheet(QString());
    status_->setText(sent ? tr("Sent: it lands before the next batch") : QString());
    status_->setToolTip(status_->text());
    return true;
}

void SteerBar::landed(int runId, const SettingEvent& e)
{
    // The field shows what the run now trains with (a scheduled change too),
    // unless it is being edited.
    const std::pair<QLineEdit*, const char*> fields[] = {
        {lr_, "train.lr"}, {clip_, "train.clip"}, {epochs_, "train.epochs"}, {temperature_, "sample.temperature"}};
    for (const auto& [f, key] : fields)
        if (runId == shownRun_ && e.key == key && !f->hasFocus())
            f->setText(QString::fromStdString(e.to));
    status_->setStyleSheet(QString());
    // "train.lr 1 → 0.3 at epoch 212, batch 4", in the window's language.
    status_->setText(messageText(
        message("train.setting_changed", {e.key, e.from, e.to, std::to_string(e.epoch), std::to_string(e.batch)})));
    status_->setToolTip(status_->text());
}

QString SteerBar::status() const { return status_->text(); }

} // namespace traveller::ui
