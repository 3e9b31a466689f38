// File → Import a PyTorch model… (ImportTorchDialog.h).
#include "ImportTorchDialog.h"

#include "traveller/core/cells/Cells.h"
#include "traveller/core/Format.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/TorchInterop.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/RunLibrary.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>

namespace traveller::ui {

ImportTorchDialog::ImportTorchDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Import a PyTorch model"));
    auto* form = new QFormLayout(this);
    file_ = new QLineEdit(this);
    file_->setObjectName("importTorchFile");
    file_->setPlaceholderText(QStringLiteral("torch.save(net.state_dict(), FILE)"));
    form->addRow(tr("State dict:"), fileRow(file_, tr("PyTorch files (*.pt *.pth);;All files (*)")));
    kind_ = new QComboBox(this);
    kind_->setObjectName("importTorchKind");
    kind_->addItem(tr("Language model (the book's RNNModel)"));
    kind_->addItem(tr("Translation (the seq2seq chapter's EncoderDecoder)"));
    form->addRow(tr("Model:"), kind_);
    cell_ = new QComboBox(this);
    cell_->setObjectName("importTorchCell");
    for (const CellInfo& c : cellCatalogue())
        if (c.builtinLayer)
            cell_->addItem(QString::fromStdString(c.name), QString::fromStdString(c.key));
    form->addRow(tr("Cell (the book's layer):"), cell_);
    vocab_ = new QLineEdit(this);
    vocab_->setPlaceholderText(tr("Optional: the book's vocab.idx_to_token as JSON"));
    form->addRow(tr("Vocabulary:"), fileRow(vocab_, tr("JSON (*.json);;All files (*)")));
    epochs_ = new QSpinBox(this);
    epochs_->setRange(1, 1000000);
    epochs_->setValue(500);
    form->addRow(tr("Epochs the book trained it:"), epochs_);
    connect(kind_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int kind) {
        vocab_->setEnabled(kind == 0);
        epochs_->setValue(kind == 0 ? 500 : 300);
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QString ImportTorchDialog::file() const { return file_->text(); }

QWidget* ImportTorchDialog::fileRow(QLineEdit* edit, const QString& filter)
{
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* browse = new QPushButton(tr("Browse…"), row);
    layout->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this, edit, filter] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Choose a file"), edit->text(), filter);
        if (!path.isEmpty())
            edit->setText(path);
    });
    return row;
}

QString ImportTorchDialog::runImport(RunStore& store, const QString& dataDir) const
{
    const std::string key = cell_->currentData().toString().toStdString();
    if (kind_->currentIndex() == 1) {
        TorchTranslationImport request;
        request.path = file_->text().toStdString();
        setTranslationValue(request.settings, "model.cell", key);
        request.dataDir = dataDir.toStdString();
        request.epochs = epochs_->value();
        const TorchTranslationImported run = importTorchTranslation(store, request);
        QString text = tr("Imported as run %1: %2.").arg(run.id).arg(QString::fromStdString(run.config.name));
        for (const BleuRow& r : run.evaluation.rows)
            text += QStringLiteral("\n") + tr("%1 ⇒ %2 (BLEU %3)")
                                               .arg(QString::fromStdString(r.source), QString::fromStdString(r.output),
                                                    QString::fromStdString(formatNumber(r.bleu, 3)));
        return text;
    }
    TorchImport request;
    request.path = file_->text().toStdString();
    request.arch = key;
    request.vocabPath = vocab_->text().toStdString();
    request.dataDir = dataDir.toStdString();
    request.epochs = epochs_->value();
    const TorchImported run = importTorchModel(store, request);
    return tr("Imported as run %1: %2, perplexity %3 on the corpus.\nGreedy sample: %4")
        .arg(run.id)
        .arg(QString::fromStdString(run.config.name), QString::fromStdString(formatNumber(run.perplexity, 3)),
             QString::fromStdString(run.sample));
}

bool importPyTorchModel(QWidget* parent, RunLibrary& library, const QString& dataDir)
{
    ImportTorchDialog dialog(parent);
    if (dialog.exec() != QDialog::Accepted || dialog.file().isEmpty())
        return false;
    const std::shared_ptr<RunStore> store = library.store();
    if (!store) {
        QMessageBox::warning(parent, dialog.windowTitle(), library.error());
        return false;
    }
    // A few seconds (the corpus, one pass over it, a sample): on this thread.
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        const QString text = dialog.runImport(*store, dataDir);
        QApplication::restoreOverrideCursor();
        QMessageBox::information(parent, dialog.windowTitle(), text);
        return true;
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        QMessageBox::warning(parent, dialog.windowTitle(), coreText(e));
        return false;
    }
}

} // namespace traveller::ui
