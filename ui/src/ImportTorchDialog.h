// File → Import a PyTorch model…: a state_dict the book's code saved (its
// RNNModel, or the seq2seq chapter's EncoderDecoder) as a run of the library,
// through core's store/TorchInterop.h (no LibTorch here).
#pragma once

#include <QDialog>
#include <QString>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace traveller {
class RunStore;
}

namespace traveller::ui {

class RunLibrary;

class ImportTorchDialog : public QDialog {
    Q_OBJECT
public:
    explicit ImportTorchDialog(QWidget* parent = nullptr);
    QString file() const;
    // Imports what the form says into `store`; the text that tells the user
    // what came of it. Throws what core throws (traveller::Error and its kin).
    QString runImport(RunStore& store, const QString& dataDir) const;

private:
    QWidget* fileRow(QLineEdit* edit, const QString& filter);

    QLineEdit* file_;
    QComboBox* kind_;  // 0: language model, 1: translation
    QComboBox* cell_;
    QLineEdit* vocab_;
    QSpinBox* epochs_;
};

// Asks for the file and what it holds, imports it, says what came of it.
// True when a run was added (the Runs tab should re-read the library).
bool importPyTorchModel(QWidget* parent, RunLibrary& library, const QString& dataDir);

} // namespace traveller::ui
