// Parallel coordinates and setting importance over runs (issue 28.5): the
// Runs tab's Parallel… on the selection (or every listed run). Brushing an
// axis filters the Runs table and its chart to the runs inside (brushed());
// the axes chosen persist between sessions. The importance is core's
// settingImportance (functional-ANOVA main effects), named as such.
#pragma once

#include "ParallelPlot.h"

#include "traveller/core/store/RunEvidence.h"
#include "traveller/core/store/RunStore.h"

#include <QDialog>

class QListWidget;
class QTableWidget;
class QLabel;

namespace traveller::ui {

class ParallelDialog : public QDialog {
    Q_OBJECT
public:
    ParallelDialog(RunStore& store, const std::vector<StoredRun>& runs, QWidget* parent = nullptr);

    ParallelPlot* plot() const { return plot_; }
    QListWidget* axisList() const { return axisList_; }
    QTableWidget* importanceTable() const { return importance_; }

Q_SIGNALS:
    void brushed(const QSet<qint64>& ids);

private:
    void buildAxes(RunStore& store, const std::vector<StoredRun>& runs);
    void buildImportance(const std::vector<StoredRun>& runs);
    void showChosenAxes();

    ParallelPlot* plot_;
    QListWidget* axisList_;
    QTableWidget* importance_;
    QLabel* method_;
    std::vector<ParallelAxis> allAxes_;
    std::vector<ParallelLine> allLines_;
    std::vector<RunFigures> figures_;
};

} // namespace traveller::ui
