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

class RunsLibraryView : public QTableView {
    Q_OBJECT
public:
    explicit RunsLibraryView(QWidget* parent = nullptr);

    // Fills the rows from `runs`, keeping the selection.
    void setRuns(const std::vector<StoredRun>& runs);
    // A run another part trains: its row follows each epoch.
    void showEpoch(qint64 id, const EpochStats& stats);
    void setFilter(const QString& text);

    bool contains(qint64 id) const { return sourceRow(id) >= 0; }
    QString name(qint64 id) const;
    void selectRuns(const QList<qint64>& ids);
    QList<qint64> selectedIds() const;
    QList<qint64> listedIds() const;  // in the table's (sorted, filtered) order
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
    QSortFilterProxyModel* proxy_;
};

} // namespace traveller::ui
