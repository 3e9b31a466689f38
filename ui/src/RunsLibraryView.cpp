#include "RunsLibraryView.h"

#include "Format.h"
#include "traveller/ui/Language.h"

#include <QEvent>
#include "TableItems.h"

#include "traveller/core/store/RunRules.h"

#include <QDateTime>
#include <QHeaderView>
#include <QProxyStyle>
#include <QStyleOptionHeader>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

namespace {

// In the order of what a class reads first: at 1024 pixels the columns up to
// BLEU fit beside the details pane (fitColumns), the rest scroll.
enum Column {
    kIdColumn,
    kNameColumn,
    kCellColumn,
    kHiddenColumn,
    kLrColumn,
    kStatusColumn,
    kEpochsColumn,
    kPerplexityColumn,
    kBleuColumn,
    kSweepColumn,
    kLabelColumn,
    kTagsColumn,
    kSpeedColumn,
    kTimeColumn,
    kCreatedColumn,
    kColumns
};

// Columns shown only when some run has something in them.
constexpr Column kOptionalColumns[] = {kBleuColumn, kSweepColumn, kLabelColumn, kTagsColumn};
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

QString joinTags(const std::vector<std::string>& tags)
{
    QStringList out;
    for (const auto& t : tags)
        out << QString::fromStdString(t);
    return out.join(QStringLiteral(", "));
}

QString localTime(const std::string& iso)
{
    QDateTime t = QDateTime::fromString(QString::fromStdString(iso), Qt::ISODate);
    if (!t.isValid())
        return QString::fromStdString(iso);
    if (t.timeSpec() == Qt::LocalTime)
        t.setTimeZone(QTimeZone::utc());  // the library writes UTC
    return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

double heldoutBleu(const std::string& results)
{
    const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(results)).object();
    const QJsonValue score = root.value("heldout").toObject().value("corpus_bleu");
    return root.value("heldout_pairs").toInt() > 0 && score.isDouble() ? score.toDouble() : std::nan("");
}

RunsLibraryView::RunsLibraryView(QWidget* parent) : QTableView(parent)
{
    model_ = new QStandardItemModel(0, kColumns, this);
    model_->setHorizontalHeaderLabels({tr("Id"), tr("Name"), tr("Cell"), tr("Hidden"), tr("LR"), tr("Status"), tr("Epochs"),
                                       tr("Perplexity"), tr("BLEU"), tr("Sweep"), tr("Label"), tr("Tags"), tr("tok/s"),
                                       tr("Time"), tr("Created")});
    proxy_ = table::makeProxy(this);
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
    connect(this, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        Q_EMIT runActivated(proxy_->mapToSource(index).siblingAtColumn(kIdColumn).data(table::kIdRole).toLongLong());
    });
}

void RunsLibraryView::setFilter(const QString& text) { proxy_->setFilterFixedString(text); }

void RunsLibraryView::setRuns(const std::vector<StoredRun>& runs)
{
    if (&runs != &runs_)
        runs_ = runs;
    const QList<qint64> selected = selectedIds();
    {
        // One reset instead of a selection signal per removed row.
        const QSignalBlocker block(selectionModel());
        model_->removeRows(0, model_->rowCount());
        setSortingEnabled(false);
        for (const StoredRun& r : runs) {
            QList<QStandardItem*> items;
            for (int c = 0; c < kColumns; ++c)
                items << table::item();
            table::setNumber(items[kIdColumn], static_cast<double>(r.id), QString::number(r.id));
            items[kIdColumn]->setData(QVariant::fromValue<qint64>(r.id), table::kIdRole);
            table::setText(items[kNameColumn], QString::fromStdString(r.name));
            items[kNameColumn]->setToolTip(QString::fromStdString(r.name));  // it may be elided
            // What tells lab runs apart, from the run's own settings.
            try {
                if (r.isTranslation()) {
                    const TranslationConfig t = r.translationConfig();
                    table::setText(items[kCellColumn],
                                   tr("seq2seq %1%2")
                                       .arg(QString::fromStdString(toString(t.model.cell)),
                                            t.model.decoder == S2sDecoder::Attention ? tr(" + attention") : QString()));
                    table::setNumber(items[kHiddenColumn], t.model.hidden, QString::number(t.model.hidden));
                    table::setNumber(items[kLrColumn], t.train.lr, QString::fromStdString(translationValue(t, "train.lr")));
                    const double bleu = heldoutBleu(r.results);
                    table::setNumber(items[kBleuColumn], bleu, std::isfinite(bleu) ? QString::number(bleu, 'f', 3) : QString());
                    items[kBleuColumn]->setToolTip(tr("Corpus BLEU-4 over the held-out pairs"));
                } else {
                    const ExperimentConfig config = r.config();
                    table::setText(items[kCellColumn],
                                   QString::fromStdString(toString(config.model.arch)) +
                                       (config.model.layers > 1 ? QStringLiteral(" ×%1").arg(config.model.layers) : QString()));
                    table::setNumber(items[kHiddenColumn], config.model.hidden, QString::number(config.model.hidden));
                    table::setNumber(items[kLrColumn], config.train.lr,
                                     QString::fromStdString(configValue(config, "train.lr")));
                }
            } catch (const std::exception&) {
                table::setText(items[kCellColumn], QStringLiteral("?"));  // a config this version cannot read
            }
            table::setText(items[kSweepColumn], QString::fromStdString(r.sweep));
            table::setText(items[kLabelColumn], QString::fromStdString(r.label));
            table::setText(items[kTagsColumn], joinTags(r.tags));
            const StateLook look = stateLook(r.state, r.blewUpAt);
            table::setText(items[kStatusColumn], look.label);
            if (look.marked)
                items[kStatusColumn]->setForeground(look.colour);
            items[kStatusColumn]->setToolTip(coreText(r.message));
            table::setNumber(items[kEpochsColumn], r.epochsDone,
                             QStringLiteral("%1/%2").arg(r.epochsDone).arg(r.epochs));
            // A translation run's value is its loss: not a perplexity.
            const bool hasPerplexity = r.epochsDone > 0 && !r.isTranslation();
            table::setNumber(items[kPerplexityColumn], hasPerplexity ? r.perplexity : std::nan(""),
                             hasPerplexity ? format::number(r.perplexity) : QString());
            table::setNumber(items[kSpeedColumn], r.tokensPerSecond > 0 ? r.tokensPerSecond : std::nan(""),
                             r.tokensPerSecond > 0 ? QString::number(r.tokensPerSecond, 'f', 0) : QString());
            table::setNumber(items[kTimeColumn], r.seconds > 0 ? r.seconds : std::nan(""),
                             r.seconds > 0 ? format::duration(r.seconds) : QString());
            table::setText(items[kCreatedColumn], localTime(r.createdAt));
            items[kCreatedColumn]->setData(QString::fromStdString(r.createdAt), table::kSortRole);
            model_->appendRow(items);
        }
        setSortingEnabled(true);
    }
    for (Column c : kOptionalColumns) {
        bool used = false;
        for (int row = 0; row < model_->rowCount() && !used; ++row)
            used = !model_->item(row, c)->text().isEmpty();
        setColumnHidden(c, !used);
    }
    resizeColumnsToContents();
    fitColumns();
    selectRuns(selected);
}

void RunsLibraryView::fitColumns()
{
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

QString RunsLibraryView::name(qint64 id) const
{
    const int row = sourceRow(id);
    return row >= 0 ? model_->item(row, kNameColumn)->text() : QString();
}

void RunsLibraryView::showEpoch(qint64 id, const EpochStats& stats)
{
    const int row = sourceRow(id);
    if (row < 0)
        return;
    table::setText(model_->item(row, kStatusColumn), stateLook(StoredState::Running).label);
    table::setNumber(model_->item(row, kEpochsColumn), stats.epoch, QStringLiteral("%1/%2").arg(stats.epoch).arg(stats.epochs));
    table::setNumber(model_->item(row, kPerplexityColumn), stats.perplexity, format::number(stats.perplexity));
    table::setNumber(model_->item(row, kSpeedColumn), stats.tokensPerSecond, format::number(stats.tokensPerSecond, 0));
    table::setNumber(model_->item(row, kTimeColumn), stats.elapsedSeconds, format::duration(stats.elapsedSeconds));
}

int RunsLibraryView::sourceRow(qint64 id) const
{
    for (int row = 0; row < model_->rowCount(); ++row)
        if (model_->item(row, kIdColumn)->data(table::kIdRole).toLongLong() == id)
            return row;
    return -1;
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
        selection.select(first, first.siblingAtColumn(kColumns - 1));
    }
    selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty())
        scrollTo(selection.indexes().first());
}

QList<qint64> RunsLibraryView::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex& i : selectionModel()->selectedRows(kIdColumn))
        ids << proxy_->mapToSource(i).data(table::kIdRole).toLongLong();
    std::sort(ids.begin(), ids.end());
    return ids;
}

QList<qint64> RunsLibraryView::listedIds() const
{
    QList<qint64> ids;
    for (int row = 0; row < proxy_->rowCount(); ++row)
        ids << proxy_->index(row, kIdColumn).data(table::kIdRole).toLongLong();
    return ids;
}

int RunsLibraryView::column(const QString& header) const
{
    for (int c = 0; c < model_->columnCount(); ++c)
        if (model_->headerData(c, Qt::Horizontal).toString() == header)
            return c;
    return -1;
}

QString RunsLibraryView::cell(qint64 id, const QString& header) const
{
    const int row = sourceRow(id);
    const int c = column(header);
    return row < 0 || c < 0 ? QString() : model_->item(row, c)->text();
}

void RunsLibraryView::changeEvent(QEvent* event)
{
    QTableView::changeEvent(event);
    if (event->type() == QEvent::LanguageChange && !runs_.empty())
        setRuns(runs_);
}

} // namespace traveller::ui
