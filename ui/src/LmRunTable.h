// The language model tab's table of its runs (private to traveller_ui): the
// columns that tell lab runs apart first (cell, hidden size, learning rate),
// then how each is doing. A tick shows a run on the perplexity chart; the
// selected row is the run the gradient chart and the timeline follow.
#pragma once

#include "traveller/ui/RunQueue.h"

#include <QTableView>

namespace traveller::ui {

class RunTableModel;

// Its rows come from the one model of runs (RunTableModel), keyed by the
// queue's run id.
class LmRunTable : public QTableView {
    Q_OBJECT
public:
    explicit LmRunTable(QWidget* parent = nullptr);

    void addRun(const RunQueue::Run& run);
    // Every cell of the run's row from its current state.
    void updateRun(const RunQueue::Run& run);
    // A run that never started (its corpus was missing) leaves the table.
    void removeRun(int runId);
    bool isTicked(int runId) const;
    void setTicked(int runId, bool ticked);  // without visibilityToggled
    // The selected run, or -1.
    int focusedRunId() const;
    void selectRun(int runId);

Q_SIGNALS:
    void visibilityToggled(int runId, bool visible);
    void focusChanged(int runId);

private:
    int rowOf(int runId) const;

    RunTableModel* model_;
};

} // namespace traveller::ui
