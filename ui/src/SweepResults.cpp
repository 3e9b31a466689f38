#include "SweepResults.h"

#include "Format.h"
#include "TableItems.h"

#include <QEvent>

#include "traveller/core/store/RunRules.h"
#include "traveller/ui/LineChart.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace traveller::ui {

namespace {

// Epoch signals from two parallel runs are drawn at most this often.
constexpr int kRefreshIntervalMs = 40;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const QString kPlanned = QStringLiteral("planned");

} // namespace

SweepResults::SweepResults(QWidget* parent) : QWidget(parent)
{
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(kRefreshIntervalMs);
    connect(refreshTimer_, &QTimer::timeout, this, &SweepResults::refresh);
    filter_ = new QLineEdit;
    filter_->setObjectName("sweepFilter");
    filter_->setPlaceholderText(tr("Filter: text in any column (e.g. diverged, 0.1)"));
    filter_->setClearButtonEnabled(true);

    model_ = new RunTableModel(this);
    proxy_ = table::makeProxy(this);
    proxy_->setSourceModel(model_);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);

    view_ = new QTableView;
    view_->setObjectName("sweepResults");
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->sortByColumn(0, Qt::AscendingOrder);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view_->verticalHeader()->setVisible(false);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setWordWrap(false);
    view_->setToolTip(tr("Select runs to compare their curves; click a header to sort"));
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SweepResults::updateChart);

    auto* tableBox = new QWidget;
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(filter_);
    tableLayout->addWidget(view_, 1);

    chart_ = new LineChart(tr("epoch"), tr("perplexity"));
    chart_->setObjectName("sweepChart");
    chart_->setTitle(tr("Perplexity"));
    chart_->setHoverFormat([](const QString& name, double x, double y) {
        return tr("%1\nepoch %2: perplexity %3").arg(name).arg(x, 0, 'f', 0).arg(y, 0, 'f', 3);
    });

    auto exportButton = [this](const QString& name, const QString& text, const QString& title, const QString& filter,
                               bool report) {
        auto* b = new QPushButton(text);
        b->setObjectName(name);
        auto* menu = new QMenu(b);
        for (const bool scope : {false, true}) {
            menu->addAction(!scope ? tr("Whole sweep…") : tr("Selected runs…"), this,
                            [this, scope, title, filter, report] {
                                const QString path = QFileDialog::getSaveFileName(this, title, QString(), filter);
                                if (path.isEmpty())
                                    return;
                                Q_EMIT exportRequested(path, scope, report);
                            });
        }
        b->setMenu(menu);
        return b;
    };
    csvButton_ = exportButton("sweepCsvButton", tr("CSV"), tr("Export runs as CSV"), tr("CSV table (*.csv)"), false);
    reportButton_ = exportButton("sweepReportButton", tr("Markdown report"), tr("Export a Markdown report"),
                                 tr("Markdown (*.md)"), true);
    reportButton_->setToolTip(tr("The table, a perplexity chart (SVG beside the .md) and every run's samples"));
    auto* logScale = new QCheckBox(tr("Log scale"));
    logScale->setObjectName("sweepLogScale");
    connect(logScale, &QCheckBox::toggled, chart_, &LineChart::setLogScale);
    auto* exportBar = new QHBoxLayout;
    exportBar->addWidget(logScale);
    exportBar->addStretch(1);
    exportBar->addWidget(new QLabel(tr("Export:")));
    exportBar->addWidget(csvButton_);
    exportBar->addWidget(reportButton_);
    auto* chartBox = new QWidget;
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(chart_, 1);
    chartLayout->addLayout(exportBar);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(tableBox);
    split->addWidget(chartBox);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
}

void SweepResults::setExportEnabled(bool on)
{
    csvButton_->setEnabled(on);
    reportButton_->setEnabled(on);
}

void SweepResults::setSweep(const Sweep& sweep)
{
    sweptKeys_.clear();
    for (const auto& run : sweep.runs)
        for (const auto& [key, value] : run.settings)
            if (!sweptKeys_.contains(QString::fromStdString(key)))
                sweptKeys_ << QString::fromStdString(key);

    rows_.clear();
    for (const auto& run : sweep.runs) {
        Row row;
        row.label = QString::fromStdString(run.label);
        for (const QString& key : std::as_const(sweptKeys_))
            row.values << QString::fromStdString(configValue(run.config, key.toStdString()));
        row.word = kPlanned;
        row.epochs = run.config.train.epochs;
        row.perplexity = row.tokensPerSecond = row.seconds = kNaN;
        rows_.push_back(row);
    }

    view_->setSortingEnabled(false);
    model_->setColumns({RunColumn::Id, RunColumn::Run, RunColumn::Setting, RunColumn::Perplexity, RunColumn::Speed,
                        RunColumn::Time, RunColumn::Epochs, RunColumn::Status, RunColumn::Sample},
                       sweptKeys_);
    std::vector<RunRow> shown;
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i)
        shown.push_back(runRowOf(i));
    model_->setRows(std::move(shown));
    view_->setSortingEnabled(true);
    view_->sortByColumn(0, Qt::AscendingOrder);
    view_->resizeColumnsToContents();
    chart_->removeAll();
    updateChart();

}

void SweepResults::setQueued(const std::vector<std::int64_t>& ids)
{
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        Row& row = rows_[i];
        row.id = i < ids.size() ? ids[i] : 0;
        row.state = StoredState::Queued;
        row.blewUpAt = 0;
        row.epochsDone = 0;
        row.perplexity = row.tokensPerSecond = row.seconds = kNaN;
        row.sample.clear();
        row.message.clear();
        row.curve.clear();
        fillRow(static_cast<int>(i));
    }
    chart_->removeAll();
    updateChart();

}

void SweepResults::runStarted(int index, qint64 id, RunStore* store)
{
    if (!valid(index))
        return;
    Row& row = rows_[static_cast<std::size_t>(index)];
    row.id = id;
    row.state = StoredState::Running;
    // A run that continues a shorter one of its epoch chain starts with that
    // run's epochs already recorded.
    if (store) {
        try {
            const auto epochs = store->epochs(id);
            row.curve = format::perplexityCurve(epochs);
            if (!epochs.empty()) {
                row.epochsDone = epochs.back().epoch;
                row.perplexity = epochs.back().perplexity;
                row.seconds = epochs.back().elapsedSeconds;
            }
        } catch (const std::exception&) {
            // Shown from the live epochs instead.
        }
    }
    row.dirty = true;
    fillRow(index);
    scheduleRefresh();
}

void SweepResults::epochDone(int index, const EpochStats& stats)
{
    if (!valid(index))
        return;
    Row& row = rows_[static_cast<std::size_t>(index)];
    while (!row.curve.isEmpty() && row.curve.last().x() >= stats.epoch)
        row.curve.removeLast();
    if (std::isfinite(stats.perplexity))
        row.curve.append(QPointF(stats.epoch, stats.perplexity));
    row.epochsDone = stats.epoch;
    if (stats.epochs > 0)
        row.epochs = stats.epochs;
    row.perplexity = stats.perplexity;
    row.tokensPerSecond = stats.tokensPerSecond;
    row.seconds = stats.elapsedSeconds;
    if (stats.hasSample)
        row.sample = QString::fromStdString(stats.sample);
    row.dirty = true;
    scheduleRefresh();
}

void SweepResults::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::LanguageChange)
        return;
    for (auto& row : rows_)
        row.dirty = true;
    scheduleRefresh();
}

void SweepResults::clusterTask(int index, const QString& status, int epochsDone, int epochs, double perplexity,
                               const QString& message)
{
    if (!valid(index))
        return;
    Row& row = rows_[static_cast<std::size_t>(index)];
    if (row.id > 0)
        return;  // imported: the library's record is the run's
    // The task's word is a run's state once it has trained (running,
    // finished, ...); before, Slurm's (pending, not started, cancelled).
    const std::optional<StoredState> state = parseStoredState(status.toStdString());
    if (row.state == state && row.word == status && row.epochsDone == epochsDone && row.message == message)
        return;
    row.state = state;
    row.word = status;
    row.epochsDone = epochsDone;
    row.epochs = epochs;
    row.perplexity = epochsDone > 0 ? perplexity : kNaN;
    row.message = message;
    row.dirty = true;
    scheduleRefresh();
}

void SweepResults::importedRun(int index, qint64 id, RunStore* store)
{
    if (!valid(index) || id <= 0)
        return;
    Row& row = rows_[static_cast<std::size_t>(index)];
    if (row.id == id)
        return;
    row.id = id;
    reload(index, store);
    row.dirty = true;
    refresh();
    view_->resizeColumnsToContents();
}

void SweepResults::runFinished(int index, qint64 id, const RunOutcome& outcome, RunStore* store)
{
    if (!valid(index))
        return;
    Row& row = rows_[static_cast<std::size_t>(index)];
    row.id = id;
    row.state = storedState(outcome.status);
    row.blewUpAt = outcome.blewUpAt;
    row.epochsDone = outcome.epochsDone;
    row.perplexity = outcome.perplexity;
    row.tokensPerSecond = outcome.tokensPerSecond;
    row.seconds = outcome.seconds;
    if (!outcome.finalSample.isEmpty())
        row.sample = outcome.finalSample;
    row.message = outcome.message;
    reload(index, store);  // the library's row is final now: its curve, time and samples
    row.dirty = true;
    refresh();
    // The columns were sized for the empty table; fit the numbers now written.
    view_->resizeColumnsToContents();
}

void SweepResults::reloadAll(RunStore* store)
{
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
        reload(i, store);
        rows_[static_cast<std::size_t>(i)].dirty = true;
    }
    refresh();
}

void SweepResults::reload(int index, RunStore* store)
{
    Row& row = rows_[static_cast<std::size_t>(index)];
    if (!store || row.id <= 0)
        return;
    try {
        const StoredRun r = store->run(row.id);
        const auto epochs = store->epochs(row.id);
        // Running in the library while this process trains it: keep the live state.
        if (r.state != StoredState::Running)
            row.state = r.state;
        row.blewUpAt = r.blewUpAt;
        row.epochs = r.epochs;
        row.epochsDone = r.epochsDone;
        row.perplexity = r.perplexity;
        if (r.tokensPerSecond > 0)
            row.tokensPerSecond = r.tokensPerSecond;
        if (r.seconds > 0)
            row.seconds = r.seconds;
        const QString sample = format::finalSample(r, &epochs);
        if (!sample.isEmpty())
            row.sample = sample;
        if (!epochs.empty())
            row.curve = format::perplexityCurve(epochs);
        if (!r.message.empty())
            row.message = QString::fromStdString(r.message);
    } catch (const std::exception&) {
        // Deleted from the library meanwhile (Runs tab): keep what was seen.
    }
}

void SweepResults::fillRow(int index) { model_->setRow(index, runRowOf(index)); }

RunRow SweepResults::runRowOf(int index) const
{
    const Row& row = rows_[static_cast<std::size_t>(index)];
    RunRow r;
    r.id = row.id;
    r.name = row.label;
    r.settings = row.values;
    // Said and marked as the Lab and Runs tabs do (a run that trained
    // through a blow-up is finished, but not well).
    r.state = row.state;
    r.word = row.word;
    r.blewUpAt = row.blewUpAt;
    r.message = row.message;
    r.epochs = row.epochs;
    r.epochsDone = row.epochsDone;
    if (row.epochsDone > 0)
        r.perplexity = row.perplexity;
    r.tokensPerSecond = row.tokensPerSecond;
    r.seconds = row.seconds;
    r.sample = row.sample;
    // A row's name in its curve's colour while the chart draws it.
    if (drawnColors_.contains(index))
        r.colour = drawnColors_.value(index);
    return r;
}

void SweepResults::scheduleRefresh()
{
    if (!refreshTimer_->isActive())
        refreshTimer_->start();
}

void SweepResults::refresh()
{
    refreshTimer_->stop();
    bool any = false;
    const LineChart::Batch batch(chart_);
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
        Row& row = rows_[static_cast<std::size_t>(i)];
        if (!row.dirty)
            continue;
        fillRow(i);
        if (chart_->hasSeries(seriesKey(i)))
            chart_->setPoints(seriesKey(i), row.curve);
        row.dirty = false;
        any = true;
    }
    if (any)
        updateChart();  // a run that just started joins an "all runs" chart
}

QList<int> SweepResults::selectedIndexes() const
{
    QList<int> out;
    for (const QModelIndex& i : view_->selectionModel()->selectedRows(1))
        out << i.data(RunTableModel::RowRole).toInt();
    std::sort(out.begin(), out.end());
    return out;
}

QColor SweepResults::rowColor(int index) const
{
    // A row's name in its curve's colour while the chart draws it.
    return drawnColors_.value(index, palette().text().color());
}

void SweepResults::updateChart()
{
    // Nothing selected: every run that has begun, except diverged ones (one
    // point at 1e8 would flatten every other curve, even on a log axis);
    // else exactly the selection.
    QList<int> shown = selectedIndexes();
    const bool all = shown.isEmpty();
    int hidden = 0;
    if (all)
        for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
            const Row& row = rows_[static_cast<std::size_t>(i)];
            if (row.curve.isEmpty())
                continue;
            if (row.state == StoredState::Diverged)
                ++hidden;
            else
                shown << i;
        }
    const LineChart::Batch batch(chart_);
    for (const QString& key : chart_->keys()) {
        bool keep = false;
        for (int i : std::as_const(shown))
            keep = keep || key == seriesKey(i);
        if (!keep)
            chart_->removeSeries(key);
    }
    // The n-th curve drawn, the n-th colour (runs drawn together never share
    // one while there are ten or fewer); the rows' names follow.
    drawnColors_.clear();
    for (int p = 0; p < shown.size(); ++p)
        drawnColors_.insert(shown[p], format::seriesColor(p));
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i)
        model_->setColour(i, drawnColors_.value(i));
    // Series already shown are kept current by refresh(), one dirty run at a
    // time: redrawing every curve per epoch would cost a 64-run grid dearly.
    for (int i : std::as_const(shown)) {
        if (chart_->hasSeries(seriesKey(i))) {
            chart_->setColor(seriesKey(i), rowColor(i));
            continue;
        }
        const Row& row = rows_[static_cast<std::size_t>(i)];
        chart_->addSeries(seriesKey(i), row.label, LineChart::Style::Line, rowColor(i));
        chart_->setPoints(seriesKey(i), row.curve);
    }
    if (!all)
        chart_->setTitle(tr("Perplexity — %n selected run(s)", nullptr, static_cast<int>(shown.size())));
    else if (hidden > 0)
        chart_->setTitle(tr("Perplexity — all runs but %n diverged (select rows to choose)", nullptr, hidden));
    else
        chart_->setTitle(tr("Perplexity — all runs (select rows to compare a few)"));
}

QList<qint64> SweepResults::runIds() const
{
    QList<qint64> ids;
    for (const Row& r : rows_)
        if (r.id > 0)
            ids << r.id;
    return ids;
}

QList<qint64> SweepResults::selectedRunIds() const
{
    QList<qint64> ids;
    for (int i : selectedIndexes())
        if (rows_[static_cast<std::size_t>(i)].id > 0)
            ids << rows_[static_cast<std::size_t>(i)].id;
    return ids;
}

int SweepResults::column(const QString& header) const { return RunTableModel::columnOf(model_, header); }

QString SweepResults::cell(int viewRow, const QString& header) const
{
    const int c = column(header);
    if (c < 0 || viewRow < 0 || viewRow >= proxy_->rowCount())
        return {};
    return proxy_->index(viewRow, c).data().toString();
}

QString SweepResults::cell(int viewRow, RunColumn kind) const
{
    const int c = model_->columnOf(kind);
    if (c < 0 || viewRow < 0 || viewRow >= proxy_->rowCount())
        return {};
    return proxy_->index(viewRow, c).data().toString();
}

int SweepResults::visibleRows() const { return proxy_->rowCount(); }

} // namespace traveller::ui
