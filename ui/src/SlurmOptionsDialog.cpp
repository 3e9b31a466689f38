#include "SlurmOptionsDialog.h"

#include "traveller/ui/Language.h"
#include "traveller/ui/SweepsPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace traveller::ui {

// The Slurm options of a submission, asked in a small dialog; remembered.
std::optional<SlurmOptions> askSlurmOptions(QWidget* parent, int runs)
{
    QSettings settings;
    QDialog dialog(parent);
    dialog.setObjectName("slurmDialog");
    dialog.setWindowTitle(SweepsPanel::tr("Submit to Slurm"));
    auto* form = new QFormLayout;
    auto* partition = new QLineEdit(settings.value("slurm/partition").toString());
    partition->setPlaceholderText(SweepsPanel::tr("the cluster's default"));
    auto* time = new QLineEdit(settings.value("slurm/time").toString());
    time->setPlaceholderText(SweepsPanel::tr("the partition's limit, e.g. 2:00:00"));
    auto* cpus = new QSpinBox;
    cpus->setRange(1, 256);
    cpus->setValue(settings.value("slurm/cpus", 1).toInt());
    auto* gpus = new QSpinBox;
    gpus->setRange(0, 16);
    gpus->setValue(settings.value("slurm/gpus", 0).toInt());
    auto* parallel = new QSpinBox;
    parallel->setRange(0, 100000);
    parallel->setSpecialValueText(SweepsPanel::tr("no limit"));
    parallel->setValue(settings.value("slurm/maxParallel", 0).toInt());
    auto* folder = new QLineEdit;
    folder->setPlaceholderText(SweepsPanel::tr("<library>/slurm/… (every node must see it)"));
    form->addRow(SweepsPanel::tr("Partition:"), partition);
    form->addRow(SweepsPanel::tr("Time limit per run:"), time);
    form->addRow(SweepsPanel::tr("CPUs per run:"), cpus);
    form->addRow(SweepsPanel::tr("GPUs per run:"), gpus);
    form->addRow(SweepsPanel::tr("Runs at once (per epoch level):"), parallel);
    form->addRow(SweepsPanel::tr("Run folder:"), folder);
    auto* note = new QLabel(SweepsPanel::tr("%n run(s), one array task each. Each task writes only its own folder; "
                                            "an import job copies the runs into the run library when all have "
                                            "ended. A requeued task resumes from its checkpoint.",
                                            nullptr, runs));
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(SweepsPanel::tr("Submit"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    settings.setValue("slurm/partition", partition->text().trimmed());
    settings.setValue("slurm/time", time->text().trimmed());
    settings.setValue("slurm/cpus", cpus->value());
    settings.setValue("slurm/gpus", gpus->value());
    settings.setValue("slurm/maxParallel", parallel->value());
    SlurmOptions o;
    o.partition = partition->text().trimmed().toStdString();
    o.time = time->text().trimmed().toStdString();
    o.cpusPerTask = cpus->value();
    o.gpusPerTask = gpus->value();
    o.maxParallel = parallel->value();
    o.runFolder = folder->text().trimmed().toStdString();
    return o;
}

} // namespace traveller::ui
