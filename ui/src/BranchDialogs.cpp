#include "BranchDialogs.h"

#include "traveller/ui/Language.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace traveller::ui {

std::optional<int> askMoreEpochs(QWidget* parent, const StoredRun& run)
{
    bool ok = false;
    const int more = QInputDialog::getInt(
        parent, ForkDialog::tr("Continue run %1").arg(run.id),
        ForkDialog::tr("Train run %1 on from epoch %2 for this many more epochs (it stays the same run; its curve "
                       "goes on):")
            .arg(run.id)
            .arg(run.epochsDone),
        std::max(1, run.epochsDone / 2), 1, 1000000, 10, &ok);
    if (!ok)
        return std::nullopt;
    return more;
}

ForkDialog::ForkDialog(const StoredRun& run, std::vector<int> epochs, int suggested, QWidget* parent)
    : QDialog(parent), run_(run), config_(run.config()), epochs_(std::move(epochs))
{
    setWindowTitle(tr("Fork run %1").arg(run.id));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("A new run starts from the weights run %1 kept at the chosen epoch and trains with "
                                "the settings below from there on. Run %1 itself does not change.")
                                 .arg(run.id));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    layout->addLayout(form);
    epoch_ = new QComboBox;
    epoch_->setObjectName("forkEpoch");
    int chosen = 0;
    for (std::size_t i = 0; i < epochs_.size(); ++i) {
        epoch_->addItem(QString::number(epochs_[i]), epochs_[i]);
        if (epochs_[i] <= suggested || suggested <= 0)
            chosen = static_cast<int>(i);
    }
    epoch_->setCurrentIndex(chosen);
    epoch_->setToolTip(tr("The epochs whose weights the run kept (train.keep_checkpoints) and its last"));
    form->addRow(tr("From epoch"), epoch_);
    const QList<QPair<QString, QString>> keys{{"train.lr", tr("Learning rate")},
                                              {"train.clip", tr("Clipping (0 = off)")},
                                              {"sample.temperature", tr("Temperature (0 = greedy)")},
                                              {"train.epochs", tr("Train to epoch")}};
    for (const auto& [key, label] : keys) {
        auto* line = new QLineEdit;
        line->setObjectName(QStringLiteral("fork_") + QString(key).replace('.', '_'));
        fields_.append({key, line});
        form->addRow(label, line);
    }
    name_ = new QLineEdit;
    name_->setObjectName("forkName");
    name_->setPlaceholderText(tr("(the run's name, the epoch and the changes)"));
    form->addRow(tr("Name"), name_);
    error_ = new QLabel;
    error_->setObjectName("forkError");
    error_->setWordWrap(true);
    error_->setStyleSheet("color: #b00020");
    error_->hide();
    layout->addWidget(error_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Fork and train"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ForkDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ForkDialog::reject);
    layout->addWidget(buttons);
    connect(epoch_, &QComboBox::currentIndexChanged, this, [this] { fillFrom(epoch_->currentData().toInt()); });
    fillFrom(epoch_->currentData().toInt());
}

QLineEdit* ForkDialog::field(const QString& key) const
{
    for (const auto& [k, line] : fields_)
        if (k == key)
            return line;
    return nullptr;
}

void ForkDialog::fillFrom(int epoch)
{
    // The settings as they were at the branch point: the schedule's changes
    // up to it applied.
    ExperimentConfig at = config_;
    for (const ScheduleEntry& e : config_.train.schedule)
        if (e.epoch <= epoch)
            for (const auto& [key, value] : e.set)
                if (key != "train.epochs")
                    setConfigValue(at, key, value);
    shown_.clear();
    for (const auto& [key, line] : fields_) {
        QString value = QString::fromStdString(configValue(at, key.toStdString()));
        if (key == "train.epochs")
            value = QString::number(std::max(config_.train.epochs, epoch + std::max(1, epoch / 2)));
        // The epochs to train to differ from the parent's when it ended there.
        shown_.append({key, key == "train.epochs" ? QString::number(config_.train.epochs) : value});
        line->setText(value);
    }
}

ForkRequest ForkDialog::request() const
{
    ForkRequest r;
    r.epoch = epoch_->currentData().toInt();
    for (int i = 0; i < fields_.size(); ++i) {
        const QString text = fields_[i].second->text().trimmed();
        if (text != shown_[i].second)
            r.changes.emplace_back(fields_[i].first.toStdString(), text.toStdString());
    }
    r.name = name_->text().trimmed().toStdString();
    return r;
}

void ForkDialog::accept()
{
    // Checked here as the fork will be: a bad value keeps the dialog open.
    const ForkRequest r = request();
    try {
        forkSettings(config_, r.epoch, r.changes);
    } catch (const std::exception& e) {
        error_->setText(coreText(e));
        error_->show();
        return;
    }
    QDialog::accept();
}

} // namespace traveller::ui
