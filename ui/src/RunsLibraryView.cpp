#include "RunsLibraryView.h"

#include "RunFamilies.h"
#include "RunsFilter.h"

#include "RunGroups.h"
#include "TableItems.h"

#include <QEvent>
#include <QHeaderView>
#include <QProxyStyle>
#include <QSet>
#include <QStyle>
#include <QStyleOptionHeader>
#include <QItemSelectionModel>
#include <QSortFilterProxyModel>

#include <algorithm>
#include <iterator>

namespace traveller::ui {

namespace {

// What a class reads first, then what tells lab runs apart: at 1024 pixels
// the columns up to the learning rate fit beside the details pane
// (fitColumns), the rest scroll. Status, perplexity and BLEU come before the
// settings so that they are never the ones cut.
// A group's row (Group seeds, Group by…) adds its n, best and held-out.
constexpr RunColumn kColumns[] = {RunColumn::Id,      RunColumn::Name,  RunColumn::Family, RunColumn::Count, RunColumn::Status,
                                  RunColumn::Epochs,  RunColumn::Perplexity, RunColumn::Best, RunColumn::Heldout,
                                  RunColumn::Bleu,    RunColumn::Cell,  RunColumn::Hidden, RunColumn::Lr,
                                  RunColumn::Sweep,   RunColumn::Label, RunColumn::Tags,  RunColumn::Speed,
                                  RunColumn::Time,    RunColumn::Created};

constexpr int indexOf(RunColumn kind)
{
    for (int c = 0; c < static_cast<int>(std::size(kColumns)); ++c)
        if (kColumns[c] == kind)
            return c;
    return -1;
}

constexpr int kIdColumn = indexOf(RunColumn::Id);
constexpr int kNameColumn = indexOf(RunColumn::Name);
constexpr int kStatusColumn = indexOf(RunColumn::Status);
constexpr int kSweepColumn = indexOf(RunColumn::Sweep);

// Columns shown only when some run has something in them.
constexpr RunColumn kOptionalColumns[] = {RunColumn::Count, RunColumn::Best,  RunColumn::Heldout, RunColumn::Bleu,
                                          RunColumn::Sweep, RunColumn::Label, RunColumn::Tags,
                                          RunColumn::Family};
// The name gives way (elided, its whole text in the tooltip) down to this
// width so that the columns before kSweepColumn fit; never wider than the max.
constexpr int kNameMinWidth = 90;
constexpr int kNameMaxWidth = 260;
constexpr int kStatusMaxWidth = 130;

// Qt's styles draw a descending sort as an up arrow (the largest on top);
// students read an up arrow as "ascending". The Runs table's header draws
// the arrow that points the way the values go.
class SortArrowStyle : public QProxyStyle {
public:
    using QProxyStyle::QProxyStyle;
    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget) const override
    {
        if (element == PE_IndicatorHeaderArrow) {
            if (const auto* header = qstyleoption_cast<const QStyleOptionHeader*>(option)) {
                QStyleOptionHeader flipped(*header);
                if (header->sortIndicator == QStyleOptionHeader::SortUp)
                    flipped.sortIndicator = QStyleOptionHeader::SortDown;
                else if (header->sortIndicator == QStyleOptionHeader::SortDown)
                    flipped.sortIndicator = QStyleOptionHeader::SortUp;
                QProxyStyle::drawPrimitive(element, &flipped, painter, widget);
                return;
            }
        }
        QProxyStyle::drawPrimitive(element, option, painter, widget);
    }
};

} // namespace

RunsLibraryView::RunsLibraryView(QWidget* parent) : QTableView(parent)
{
    model_ = new RunTableModel(this);
    model_->setColumns({std::begin(kColumns), std::end(kColumns)});
    proxy_ = new RunsFilterProxy(this);
    proxy_->setSourceModel(model_);
    setObjectName("runsLibraryTable");
    setModel(proxy_);
    setSortingEnabled(true);
    sortByColumn(kIdColumn, Qt::DescendingOrder);  // newest first
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->setVisible(false);
    horizontalHeader()->setStretchLastSection(true);
    // No base style given: it follows the application's (owned by the header).
    auto* arrows = new SortArrowStyle;
    arrows->setParent(horizontalHeader());
    horizontalHeader()->setStyle(arrows);
    setWordWrap(false);
    connect(selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { Q_EMIT selectedRunsChanged(); });
    // The newly sorted column makes room for its arrow.
    connect(horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this] {
        if (model_->rowCount() > 0) {
            resizeColumnsToContents();
            fitColumns();
        }
    });
    connect(this, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        Q_EMIT runActivated(index.data(RunTableModel::IdRole).toLongLong());
    });
}

QString RunsLibraryView::setFilter(const QString& text) { return proxy_->setFilterText(text); }

void RunsLibraryView::setOnlyIds(const std::optional<QSet<qint64>>& ids) { proxy_->setOnlyIds(ids); }

void RunsLibraryView::setRuns(const std::vector<StoredRun>& runs, const Grouping* grouping)
{
    const QList<qint64> selected = selectedIds();
    std::vector<RunRow> rows;
    rows.reserve(runs.size());
    QSet<qint64> grouped;
    if (grouping)
        for (const RunGroup& g : grouping->groups) {
            rows.push_back(groupRow(g, runs));
            grouped.unite(QSet<qint64>(g.ids.begin(), g.ids.end()));
        }
    for (const StoredRun& r : runs) {
        if (grouped.contains(r.id))
            continue;
        RunRow row = runRow(r);
        if (grouping)
            for (const RunFigures& f : grouping->figures)
                if (f.id == r.id) {
                    row.best = f.best;
                    row.heldout = f.heldout;
                }
        rows.push_back(std::move(row));
    }
    setFamilies(rows, runs);
    proxy_->setRuns(runs);
    {
        // One reset instead of a selection signal per removed row.
        const QSignalBlocker block(selectionModel());
        model_->setRows(std::move(rows));
    }
    for (RunColumn kind : kOptionalColumns) {
        const int c = model_->columnOf(kind);
        bool used = false;
        for (int row = 0; row < model_->rowCount() && !used; ++row)
            used = !model_->text(row, c).isEmpty();
        setColumnHidden(c, !used);
    }
    resizeColumnsToContents();
    fitColumns();
    selectRuns(selected);
}

int RunsLibraryView::snugWidth(int column) const
{
    const QString text = model_->headerData(column, Qt::Horizontal).toString();
    const int margin = style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, horizontalHeader());
    return std::max(sizeHintForColumn(column), horizontalHeader()->fontMetrics().horizontalAdvance(text) + 4 * margin);
}

void RunsLibraryView::fitColumns()
{
    // Qt sizes every header for its text and a sort arrow; only the sorted
    // column draws one, so the others keep the room of their text and
    // contents (BLEU stays on screen in presentation mode).
    const int sorted = horizontalHeader()->sortIndicatorSection();
    for (int c = 0; c < kSweepColumn; ++c)
        if (c != kNameColumn && c != sorted && !isColumnHidden(c))
            setColumnWidth(c, std::min(columnWidth(c), snugWidth(c)));
    // Contents' widths as resizeColumnsToContents left them, within bounds.
    const int nameWanted =
        std::min(std::max(sizeHintForColumn(kNameColumn), horizontalHeader()->sectionSizeHint(kNameColumn)), kNameMaxWidth);
    setColumnWidth(kStatusColumn, std::min(columnWidth(kStatusColumn), kStatusMaxWidth));
    int others = 0;
    for (int c = 0; c < kSweepColumn; ++c)
        if (c != kNameColumn && !isColumnHidden(c))
            others += columnWidth(c);
    const int room = viewport()->width() - others;
    setColumnWidth(kNameColumn, std::clamp(room, kNameMinWidth, std::max(kNameMinWidth, nameWanted)));
}

void RunsLibraryView::resizeEvent(QResizeEvent* event)
{
    QTableView::resizeEvent(event);
    if (model_->rowCount() > 0)
        fitColumns();
}

void RunsLibraryView::changeEvent(QEvent* event)
{
    QTableView::changeEvent(event);
    // Presentation mode's larger font, too: "100/100" would read "100/…".
    const bool refit = event->type() == QEvent::LanguageChange || event->type() == QEvent::FontChange;
    if (refit && model_->rowCount() > 0) {
        resizeColumnsToContents();
        fitColumns();
    }
}

QString RunsLibraryView::name(qint64 id) const
{
    const int row = sourceRow(id);
    return row >= 0 ? model_->row(row).name : QString();
}

void RunsLibraryView::showEpoch(qint64 id, const EpochStats& stats)
{
    const int row = sourceRow(id);
    if (row < 0 || model_->row(row).isGroup())
        return;  // a group's row is read again when the run ends
    RunRow r = model_->row(row);
    r.state = StoredState::Running;
    r.epochsDone = stats.epoch;
    r.epochs = stats.epochs;
    (r.translation ? r.loss : r.perplexity) = stats.perplexity;
    r.tokensPerSecond = stats.tokensPerSecond;
    r.seconds = stats.elapsedSeconds;
    model_->setRow(row, std::move(r));
}

int RunsLibraryView::sourceRow(qint64 id) const
{
    const int row = model_->rowOf(id);
    if (row >= 0)
        return row;
    for (int r = 0; r < model_->rowCount(); ++r)
        if (model_->row(r).members.contains(id))
            return r;
    return -1;
}

QString RunsLibraryView::rowName(qint64 id) const
{
    const int row = sourceRow(id);
    return row >= 0 ? model_->row(row).name : QString();
}

QList<QList<qint64>> RunsLibraryView::selectedGroups() const
{
    QList<QList<qint64>> groups;
    for (const QModelIndex& i : selectionModel()->selectedRows(kIdColumn)) {
        const RunRow& r = model_->row(proxy_->mapToSource(i).row());
        if (r.isGroup())
            groups << r.members;
    }
    return groups;
}

void RunsLibraryView::selectRuns(const QList<qint64>& ids)
{
    QItemSelection selection;
    for (qint64 id : ids) {
        const int row = sourceRow(id);
        if (row < 0)
            continue;
        const QModelIndex first = proxy_->mapFromSource(model_->index(row, 0));
        if (!first.isValid())
            continue;  // filtered out
        selection.select(first, first.siblingAtColumn(model_->columnCount() - 1));
    }
    selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty())
        scrollTo(selection.indexes().first());
}

QList<qint64> RunsLibraryView::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex& i : selectionModel()->selectedRows(kIdColumn)) {
        const RunRow& r = model_->row(proxy_->mapToSource(i).row());
        if (r.isGroup())
            ids << r.members;
        else
            ids << r.id;
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

QList<qint64> RunsLibraryView::listedIds() const
{
    QList<qint64> ids;
    for (int row = 0; row < proxy_->rowCount(); ++row) {
        const RunRow& r = model_->row(proxy_->mapToSource(proxy_->index(row, kIdColumn)).row());
        if (r.isGroup())
            ids << r.members;
        else
            ids << r.id;
    }
    return ids;
}

int RunsLibraryView::column(const QString& header) const { return RunTableModel::columnOf(model_, header); }

int RunsLibraryView::column(RunColumn kind) const { return model_->columnOf(kind); }

QString RunsLibraryView::cell(qint64 id, const QString& header) const { return model_->text(sourceRow(id), column(header)); }

QString RunsLibraryView::cell(qint64 id, RunColumn kind) const { return model_->text(sourceRow(id), column(kind)); }

} // namespace traveller::ui
