#include "LmRunTable.h"

#include "Format.h"
#include "traveller/core/store/RunRules.h"

#include <QHeaderView>

namespace traveller::ui {

namespace {

enum RunColumn {
    kNameColumn,
    kCellColumn,
    kHiddenColumn,
    kLrColumn,
    kEpochColumn,
    kPerplexityColumn,
    kSpeedColumn,
    kStatusColumn,
    kDeviceColumn,
    kRunColumns
};

} // namespace

LmRunTable::LmRunTable(QWidget* parent) : QTableWidget(0, kRunColumns, parent)
{
    setObjectName("runsTable");
    setHorizontalHeaderLabels({tr("Run"), tr("Cell"), tr("Hidden"), tr("LR"), tr("Epoch"), tr("Perplexity"), tr("tok/s"),
                               tr("Status"), tr("Device")});
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setMinimumSectionSize(24);
    verticalHeader()->setVisible(false);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setToolTip(tr("Tick a run to show it on the perplexity chart; select it for its gradient norms and timeline"));
    connect(this, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() == kNameColumn)
            Q_EMIT visibilityToggled(item->data(Qt::UserRole).toInt(), item->checkState() == Qt::Checked);
    });
    connect(this, &QTableWidget::itemSelectionChanged, this, [this] { Q_EMIT focusChanged(focusedRunId()); });
}

int LmRunTable::rowOf(int runId) const
{
    for (int row = 0; row < rowCount(); ++row)
        if (item(row, kNameColumn)->data(Qt::UserRole).toInt() == runId)
            return row;
    return -1;
}

void LmRunTable::addRun(const RunQueue::Run& run)
{
    const int row = rowCount();
    QSignalBlocker block(this);
    insertRow(row);
    for (int c = 0; c < kRunColumns; ++c)
        setItem(row, c, new QTableWidgetItem);
    QTableWidgetItem* name = item(row, kNameColumn);
    name->setData(Qt::UserRole, run.id);
    name->setFlags(name->flags() | Qt::ItemIsUserCheckable);
    name->setCheckState(Qt::Checked);
    updateRun(run);
}

void LmRunTable::updateRun(const RunQueue::Run& r)
{
    const int row = rowOf(r.id);
    if (row < 0)
        return;
    QSignalBlocker block(this);
    QTableWidgetItem* name = item(row, kNameColumn);
    name->setText(r.name);
    name->setToolTip(r.name);
    name->setForeground(r.color);
    item(row, kCellColumn)->setText(QString::fromStdString(toString(r.config.model.arch)) +
                                    (r.config.model.layers > 1 ? QStringLiteral(" ×%1").arg(r.config.model.layers) : QString()));
    item(row, kHiddenColumn)->setText(QString::number(r.config.model.hidden));
    item(row, kLrColumn)->setText(QString::fromStdString(configValue(r.config, "train.lr")));
    QTableWidgetItem* status = item(row, kStatusColumn);
    status->setText(r.statusText);
    const bool bad = r.state == RunQueue::RunState::Diverged || r.state == RunQueue::RunState::Failed ||
                     (r.state == RunQueue::RunState::Finished && r.outcome.blewUpAt > 0);
    status->setForeground(bad ? QColor("#b00020") : palette().text().color());
    status->setToolTip(r.statusText);
    item(row, kEpochColumn)->setText(r.last.epoch > 0 ? tr("%1/%2").arg(r.last.epoch).arg(r.config.train.epochs) : QString());
    item(row, kPerplexityColumn)->setText(r.last.epoch > 0 ? format::number(r.last.perplexity) : QString());
    const double speed = r.outcome.tokensPerSecond > 0 ? r.outcome.tokensPerSecond : r.last.tokensPerSecond;
    item(row, kSpeedColumn)->setText(speed > 0 ? format::number(speed, 0) : QString());
    item(row, kDeviceColumn)->setText(r.info.device);
}

void LmRunTable::removeRun(int runId)
{
    if (const int row = rowOf(runId); row >= 0)
        removeRow(row);
}

bool LmRunTable::isTicked(int runId) const
{
    const int row = rowOf(runId);
    return row >= 0 && item(row, kNameColumn)->checkState() == Qt::Checked;
}

void LmRunTable::setTicked(int runId, bool ticked)
{
    const int row = rowOf(runId);
    if (row < 0)
        return;
    QSignalBlocker block(this);
    item(row, kNameColumn)->setCheckState(ticked ? Qt::Checked : Qt::Unchecked);
}

int LmRunTable::focusedRunId() const
{
    const auto rows = selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : item(rows.first().row(), kNameColumn)->data(Qt::UserRole).toInt();
}

void LmRunTable::selectRun(int runId)
{
    const int row = rowOf(runId);
    if (row >= 0 && !item(row, kNameColumn)->isSelected())
        selectRow(row);
}

} // namespace traveller::ui
