// The questions before a run trains on as itself (Continue…) or branches
// into a new run (Fork…): how many more epochs; from which kept epoch and
// with which settings. The dialogs only ask; RunsPanel (RunsBranching.cpp)
// does it.
#pragma once

#include "traveller/core/store/Fork.h"

#include <QDialog>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;

namespace traveller::ui {

// More epochs for run `run`, or nullopt when the user cancels.
std::optional<int> askMoreEpochs(QWidget* parent, const StoredRun& run);

// Fork…: the epoch (one of `epochs`, `suggested` or the nearest kept one
// below it first) and the changes from there on. The settings shown are the
// run's at that epoch (its schedule's changes up to it applied); only those
// the user changes become the fork's changes.
class ForkDialog : public QDialog {
    Q_OBJECT
public:
    ForkDialog(const StoredRun& run, std::vector<int> epochs, int suggested, QWidget* parent = nullptr);
    // What the user asked for (valid after accept()).
    ForkRequest request() const;

    QComboBox* epochBox() const { return epoch_; }
    QLineEdit* field(const QString& key) const;

    void accept() override;

private:
    void fillFrom(int epoch);

    const StoredRun run_;
    ExperimentConfig config_;
    std::vector<int> epochs_;
    QComboBox* epoch_;
    QList<QPair<QString, QLineEdit*>> fields_;  // key, its line
    QList<QPair<QString, QString>> shown_;      // key, its value at the chosen epoch
    QLineEdit* name_;
    QLabel* error_;
};

} // namespace traveller::ui
