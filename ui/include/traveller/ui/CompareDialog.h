// Runs of the library side by side, whichever session recorded them: their
// perplexity curves overlaid, their samples in one column per run, and a
// table of the runs (the shared run table model, one row per run) with the
// experiment settings that differ between them as columns (flattened dotted
// keys, as the YAML files and `--set` write them).
#pragma once

#include "traveller/core/store/RunStore.h"

#include <QDialog>
#include <QList>
#include <QStringList>

#include <memory>
#include <vector>

class QLabel;
class QTableView;
class QTableWidget;

namespace traveller::ui {

class LineChart;

class CompareDialog : public QDialog {
    Q_OBJECT
public:
    // Reads the runs once; ids that are not in the library are listed as missing.
    CompareDialog(const std::shared_ptr<RunStore>& store, const QList<qint64>& ids, QWidget* parent = nullptr);

    // Schema keys (configSchema(): name, model.arch, train.lr, ...) whose
    // values are not the same in every compared run, in schema order.
    static QStringList differingKeys(const std::vector<StoredRun>& runs);

    QList<qint64> runIds() const;
    QStringList differingKeys() const { return differing_; }
    LineChart* chart() const { return chart_; }
    QTableWidget* samplesTable() const { return samples_; }
    // One row per run (its model a RunTableModel); a Setting column per
    // differing key but the name.
    QTableView* runsTable() const { return runsTable_; }

private:
    std::vector<StoredRun> runs_;
    QStringList differing_;
    LineChart* chart_;
    QTableWidget* samples_;
    QTableView* runsTable_;
    QLabel* note_;
};

} // namespace traveller::ui
