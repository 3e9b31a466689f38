// The Runs tab's table of the library (private to traveller_ui): a row per
// stored run with what tells lab runs apart (cell, hidden size, learning
// rate), its state and figures; sortable, filterable, several rows selectable.
#pragma once

#include "RunTableModel.h"

#include "traveller/core/store/RunStore.h"

#include <QList>
#include <QTableView>

#include <vector>

class QSortFilterProxyModel;

namespace traveller::ui {

struct Grouping;
class RunsFilterProxy;

class RunsLibraryView : public QTableView {
    Q_OBJECT
public:
    explicit RunsLibraryView(QWidget* parent = nullptr);

    // Fills the rows from `runs`, keeping the selection. With `grouping`,
    // each of its groups is one row (mean ± sd, n) and the other runs show
    // their best and held-out perplexity too.
    void setRuns(const std::vector<StoredRun>& runs, const Grouping* grouping = nullptr);
    // A run another part trains: its row follows each epoch.
    void showEpoch(qint64 id, const EpochStats& stats);
    // Core's filter language (RunsFilter.h); "" when applied, else why not.
    QString setFilter(const QString& text);
    // Only these runs listed (a parallel-coordinates brush); empty optional: all.
    void setOnlyIds(const std::optional<QSet<qint64>>& ids);

    bool contains(qint64 id) const { return sourceRow(id) >= 0; }
    QString name(qint64 id) const;
    void selectRuns(const QList<qint64>& ids);
    // Ids of runs: a group's row stands for all of its runs.
    QList<qint64> selectedIds() const;
    QList<qint64> listedIds() const;  // in the table's (sorted, filtered) order
    // The selected rows that are groups (their runs, in the group's order).
    QList<QList<qint64>> selectedGroups() const;
    // The row's name (a group's label) for run `id`'s row.
    QString rowName(qint64 id) const;
    const RunTableModel* runModel() const { return model_; }
    int column(const QString& header) const;
    int column(RunColumn kind) const;
    QString cell(qint64 id, const QString& header) const;
    QString cell(qint64 id, RunColumn kind) const;

Q_SIGNALS:
    void selectedRunsChanged();
    void runActivated(qint64 id);  // double-clicked

protected:
    // The model translates the headers and words; the widths follow them
    // and the font (presentation mode).
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int sourceRow(qint64 id) const;
    // Narrows the name column (down to a minimum) so that the columns that
    // tell runs apart and their results fit the view's width.
    void fitColumns();
    // A column's width for its header's text (no sort arrow) and contents.
    int snugWidth(int column) const;

    RunTableModel* model_;
    RunsFilterProxy* proxy_;
};

} // namespace traveller::ui
