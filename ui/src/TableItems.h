// Cells for the sortable, filterable run tables (Sweeps and Runs tabs):
// the text a student reads in DisplayRole, the value to sort by in kSortRole
// (a double for numbers, so 10 sorts after 9, and missing numbers last).
#pragma once

#include <QSortFilterProxyModel>
#include <QStandardItem>
#include <QString>

#include <cmath>
#include <limits>

namespace traveller::ui::table {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kIdRole = Qt::UserRole + 2;

inline QStandardItem* item()
{
    auto* it = new QStandardItem;
    it->setEditable(false);
    return it;
}

inline void setText(QStandardItem* it, const QString& text)
{
    it->setText(text);
    it->setData(text, kSortRole);
    it->setToolTip(text.size() > 40 ? text : QString());
}

// NaN (no epoch yet) sorts after every number when ascending.
inline void setNumber(QStandardItem* it, double value, const QString& text)
{
    it->setText(text);
    it->setData(std::isfinite(value) ? value : std::numeric_limits<double>::infinity(), kSortRole);
    it->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
}

// A swept value as written in YAML: numeric when it reads as a number.
inline void setValue(QStandardItem* it, const QString& text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (ok)
        setNumber(it, v, text);
    else
        setText(it, text);
}

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
