#include "LmRunTable.h"

#include "RunTableModel.h"

#include <QHeaderView>
#include <QItemSelectionModel>

namespace traveller::ui {

namespace {

// What tells lab runs apart first, then how each is doing.
const std::vector<RunColumn> kColumns = {RunColumn::Run,        RunColumn::Cell,  RunColumn::Hidden,
                                         RunColumn::Lr,         RunColumn::Epochs, RunColumn::Perplexity,
                                         RunColumn::Speed,      RunColumn::Status, RunColumn::Device};

// The table's rows are keyed by the queue's id: a run has no library id
// before it starts, and may never get one.
RunRow queueRow(const RunQueue::Run& run)
{
    RunRow row = runRow(run);
    row.id = run.id;
    return row;
}

} // namespace

LmRunTable::LmRunTable(QWidget* parent) : QTableView(parent), model_(new RunTableModel(this))
{
    setObjectName("runsTable");
    model_->setColumns(kColumns);
    model_->setCheckable(RunColumn::Run);
    setModel(model_);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setMinimumSectionSize(24);
    verticalHeader()->setVisible(false);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setWordWrap(false);
    setToolTip(tr("Tick a run to show it on the perplexity chart; select it for its gradient norms and timeline"));
    connect(model_, &RunTableModel::tickToggled, this,
            [this](int row, bool ticked) { Q_EMIT visibilityToggled(static_cast<int>(model_->row(row).id), ticked); });
    connect(selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { Q_EMIT focusChanged(focusedRunId()); });
}

int LmRunTable::rowOf(int runId) const { return model_->rowOf(runId); }

void LmRunTable::addRun(const RunQueue::Run& run) { model_->appendRow(queueRow(run)); }

void LmRunTable::updateRun(const RunQueue::Run& run)
{
    const int row = rowOf(run.id);
    if (row < 0)
        return;
    RunRow updated = queueRow(run);
    updated.ticked = model_->row(row).ticked;
    model_->setRow(row, std::move(updated));
}

void LmRunTable::removeRun(int runId) { model_->removeRowAt(rowOf(runId)); }

bool LmRunTable::isTicked(int runId) const
{
    const int row = rowOf(runId);
    return row >= 0 && model_->row(row).ticked;
}

void LmRunTable::setTicked(int runId, bool ticked) { model_->setTicked(rowOf(runId), ticked); }

int LmRunTable::focusedRunId() const
{
    const auto rows = selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : static_cast<int>(model_->row(rows.first().row()).id);
}

void LmRunTable::selectRun(int runId)
{
    const int row = rowOf(runId);
    if (row >= 0 && !selectionModel()->isRowSelected(row, {}))
        selectRow(row);
}

} // namespace traveller::ui
