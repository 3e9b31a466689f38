// The Runs table's filter (issue 28.6): core's filter language (RunFilter.h,
// the same as `traveller-cli runs list --where`) over the stored runs, and a
// free word also matches the text of any column (a cell's "GRU", "256").
#pragma once

#include "RunTableModel.h"

#include "traveller/core/store/RunFilter.h"

#include <QHash>
#include <QSet>

#include <optional>
#include <QSortFilterProxyModel>

namespace traveller::ui {

class RunsFilterProxy : public QSortFilterProxyModel {
public:
    explicit RunsFilterProxy(QObject* parent = nullptr);
    // The runs the rows stand for (by id); kept until the next call.
    void setRuns(const std::vector<StoredRun>& runs);
    // "" when `text` is a filter (applied), else why not (the filter stays).
    QString setFilterText(const QString& text);
    // Only these runs (parallel coordinates' brush); nullopt: no such limit.
    void setOnlyIds(std::optional<QSet<qint64>> ids);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool termMatches(const RunFilterTerm& term, const StoredRun* run, int sourceRow) const;

    void resolveFamilies();

    QHash<qint64, StoredRun> runs_;
    RunFilter filter_;
    std::optional<QSet<qint64>> family_;  // the runs every family term keeps
    std::optional<QSet<qint64>> only_;
};

} // namespace traveller::ui
