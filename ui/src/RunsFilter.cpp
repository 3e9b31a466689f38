#include "RunsFilter.h"

#include "TableItems.h"
#include "traveller/ui/RunsPanel.h"

#include <algorithm>
#include "traveller/ui/Language.h"

namespace traveller::ui {

RunsFilterProxy::RunsFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(table::kSortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void RunsFilterProxy::setRuns(const std::vector<StoredRun>& runs)
{
    runs_.clear();
    for (const StoredRun& r : runs)
        runs_.insert(r.id, r);
    resolveFamilies();
    invalidateFilter();
}

QString RunsFilterProxy::setFilterText(const QString& text)
{
    try {
        filter_ = parseRunFilter(text.toStdString());
    } catch (const std::exception& e) {
        return coreText(e);
    }
    resolveFamilies();
    invalidateFilter();
    return {};
}

void RunsFilterProxy::resolveFamilies()
{
    family_.reset();
    if (std::none_of(filter_.terms.begin(), filter_.terms.end(),
                     [](const RunFilterTerm& t) { return t.kind == RunFilterTerm::Kind::Family; }))
        return;
    std::vector<StoredRun> all(runs_.begin(), runs_.end());
    RunFilter families;
    for (const RunFilterTerm& t : filter_.terms)
        if (t.kind == RunFilterTerm::Kind::Family)
            families.terms.push_back(t);
    QSet<qint64> kept;
    for (const StoredRun& r : filterRuns(families, all))
        kept.insert(r.id);
    family_ = kept;
}

void RunsFilterProxy::setOnlyIds(std::optional<QSet<qint64>> ids)
{
    only_ = std::move(ids);
    invalidateFilter();
}

bool RunsFilterProxy::termMatches(const RunFilterTerm& term, const StoredRun* run, int sourceRow) const
{
    if (run && matches(RunFilter{{term}}, *run))
        return true;
    if (term.kind != RunFilterTerm::Kind::Text)
        return false;
    // A free word: the text of any column, as the table shows it.
    const QString word = QString::fromStdString(term.value);
    for (int c = 0; c < sourceModel()->columnCount(); ++c)
        if (sourceModel()->index(sourceRow, c).data().toString().contains(word, Qt::CaseInsensitive))
            return true;
    return false;
}

bool RunsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const auto* model = static_cast<const RunTableModel*>(sourceModel());
    const RunRow& row = model->row(sourceRow);
    // A group's row stays while any of its runs matches every word.
    QList<qint64> ids = row.isGroup() ? row.members : QList<qint64>{row.id};
    if (only_ && std::none_of(ids.begin(), ids.end(), [&](qint64 id) { return only_->contains(id); }))
        return false;
    if (family_ && std::none_of(ids.begin(), ids.end(), [&](qint64 id) { return family_->contains(id); }))
        return false;
    if (filter_.empty())
        return true;
    for (qint64 id : ids) {
        const auto found = runs_.constFind(id);
        const StoredRun* run = found == runs_.constEnd() ? nullptr : &found.value();
        bool all = true;
        for (const RunFilterTerm& term : filter_.terms)
            all = all && termMatches(term, run, sourceRow);
        if (all)
            return true;
    }
    return false;
}

// The Runs tab filter box's tooltip: the language it speaks.
QString RunsPanel::filterHelp()
{
    return tr("Every word must match: free text (name, tag, status, note, any column); tag:lab or #lab; note:word; "
              "a setting compared, e.g. cell=gru lr<1 hidden>=256 epochs>100 status=finished; family:3 (run 3, the run "
              "it forked from and its forks). The same filter as "
              "traveller-cli runs list --where.");
}

} // namespace traveller::ui
