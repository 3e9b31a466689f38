// The roles and the proxy of the sortable, filterable run tables (Sweeps and
// Runs tabs, over RunTableModel): the value to sort by in kSortRole (a double
// for numbers, so 10 sorts after 9, and missing numbers last), the run's id
// in kIdRole.
#pragma once

#include <QSortFilterProxyModel>

namespace traveller::ui::table {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kIdRole = Qt::UserRole + 2;

// Sorts by kSortRole; the filter matches the text of any column, ignoring case.
inline QSortFilterProxyModel* makeProxy(QObject* parent)
{
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSortRole(kSortRole);
    proxy->setFilterKeyColumn(-1);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    proxy->setDynamicSortFilter(true);
    return proxy;
}

} // namespace traveller::ui::table
