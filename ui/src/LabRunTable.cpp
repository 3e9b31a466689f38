#include "LabRunTable.h"

#include "Format.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LineChart.h"

#include <QHeaderView>
#include <QTimer>

#include <cmath>

namespace traveller::ui {

namespace {

constexpr int kCurveDelayMs = 40;  // coalesces a burst of epochs into one setPoints
constexpr int kFadedAlpha = 70;    // the curves of the rows not selected
const QString kHeldoutSuffix = QStringLiteral("-heldout");

QTableWidgetItem* cell(const QString& text)
{
    auto* it = new QTableWidgetItem(text);
    it->setFlags(it->flags() & ~Qt::ItemIsEditable);
    it->setToolTip(text.size() > 30 ? text : QString());
    return it;
}

// The base run's label, "base", in the window's language (基准); the other
// labels ("lr=10", "hidden=1024") are settings and stay as they are.
QString shownLabel(const QString& label)
{
    return label == QLatin1String("base") ? LabRunTable::tr("base") : label;
}

// A translation's sample is what it made of a sentence: "source → output".
QString translationSample(const StoredRun& run)
{
    if (run.samples.empty())
        return {};
    const auto& [source, output] = *run.samples.begin();
    return QStringLiteral("%1 → %2").arg(QString::fromStdString(source), QString::fromStdString(output));
}

} // namespace

LabRunTable::LabRunTable(LineChart* chart, QWidget* parent) : QTableWidget(0, kColumns, parent), chart_(chart)
{
    setObjectName("labRuns");
    verticalHeader()->hide();
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(kSample, QHeaderView::Stretch);
    setWordWrap(false);
    setToolTip(tr("Select a run to highlight its curve in the chart"));
    curveTimer_ = new QTimer(this);
    curveTimer_->setSingleShot(true);
    curveTimer_->setInterval(kCurveDelayMs);
    connect(curveTimer_, &QTimer::timeout, this, &LabRunTable::flushCurves);
    connect(this, &QTableWidget::itemSelectionChanged, this, &LabRunTable::highlight);
    valueTitle_ = tr("perplexity");
}

void LabRunTable::begin(const QString& step, Value value, const QString& chartTitle)
{
    reselect_ = step == step_ ? selected_ : QString();
    step_ = step;
    value_ = value;
    const bool loss = value == Value::Loss;
    setHorizontalHeaderLabels({tr("Run"), tr("Status"), tr("Epochs"), loss ? tr("Loss") : tr("Perplexity"),
                               loss ? tr("BLEU") : tr("Held-out"), tr("Time"), tr("Sample")});
    horizontalHeaderItem(kSecond)->setToolTip(loss ? tr("Corpus BLEU-4 on held-out pairs, never trained on")
                                                   : tr("Perplexity on held-out text, never trained on"));
    {
        const QSignalBlocker quiet(this);  // a refresh is not a new selection
        setRowCount(0);
    }
    colours_.clear();
    newPoints_.clear();
    chart_->removeAll();
    chart_->setTitle(chartTitle);
    // The axis names the value: "loss" for a translation, never "perplexity".
    const QString title = loss ? tr("loss") : tr("perplexity");
    const QStringList names{valueTitle_, tr("loss"), tr("perplexity"), QStringLiteral("loss"),
                            QStringLiteral("perplexity")};
    chart_->mapTexts([&](const QString& s) { return names.contains(s) ? title : s; });
    valueTitle_ = title;
}

void LabRunTable::addRun(RunStore& store, const QString& label, const StoredRun* run, bool heldoutCurve)
{
    const int row = rowCount();
    insertRow(row);
    // The stored label ("base", "lr=10") stays the row's key; the cell shows
    // it in the window's language.
    QTableWidgetItem* name = cell(shownLabel(label));
    name->setData(Qt::UserRole, label);
    setItem(row, kRun, name);
    if (!run) {
        setItem(row, kStatus, cell(tr("not run yet")));
        for (int c = kEpochs; c < kColumns; ++c)
            setItem(row, c, cell(QStringLiteral("—")));
        return;
    }
    const auto epochs = store.epochs(run->id);
    const StateLook look = stateLook(run->state, run->blewUpAt);
    auto* status = cell(look.label);
    if (look.marked)
        status->setForeground(look.colour);
    status->setToolTip(coreText(run->message));
    setItem(row, kStatus, status);
    setItem(row, kEpochs, cell(QStringLiteral("%1/%2").arg(run->epochsDone).arg(run->epochs)));
    setItem(row, kValue, cell(format::number(run->perplexity, run->isTranslation() ? 4 : 3)));
    if (run->isTranslation()) {
        const double bleu = measureCheck(store, *run, ReferenceCheck{"heldout_bleu", "", 0, 0});
        setItem(row, kSecond, cell(std::isnan(bleu) ? QStringLiteral("—") : format::number(bleu)));
    } else {
        setItem(row, kSecond, cell(epochs.empty() ? QStringLiteral("—") : format::number(epochs.back().heldoutPerplexity)));
    }
    setItem(row, kTime, cell(format::duration(run->seconds)));
    setItem(row, kSample, cell(run->isTranslation() ? translationSample(*run) : format::finalSample(*run, &epochs)));

    const QColor colour = format::seriesColor(row);
    chart_->addSeries(label, shownLabel(label), LineChart::Style::Line, colour);
    chart_->setPoints(label, format::perplexityCurve(epochs));
    colours_.insert(label, colour);
    if (!heldoutCurve || run->isTranslation())
        return;
    QList<QPointF> heldout;
    for (const auto& e : epochs)
        if (!std::isnan(e.heldoutPerplexity))
            heldout.append(QPointF(e.epoch, e.heldoutPerplexity));
    if (!heldout.isEmpty()) {
        chart_->addSeries(label + kHeldoutSuffix, tr("%1 held-out").arg(shownLabel(label)), LineChart::Style::DashedLine, colour);
        chart_->setPoints(label + kHeldoutSuffix, heldout);
        colours_.insert(label + kHeldoutSuffix, colour);
    }
}

void LabRunTable::end()
{
    const int row = rowOf(reselect_);
    reselect_.clear();
    if (row >= 0)
        selectRow(row);
    else
        highlight();
}

int LabRunTable::rowOf(const QString& label) const
{
    for (int r = 0; r < rowCount(); ++r)
        if (item(r, kRun) && item(r, kRun)->data(Qt::UserRole).toString() == label)
            return r;
    return -1;
}

void LabRunTable::epochDone(const QString& label, int epoch, int epochs, double value)
{
    const int row = rowOf(label);
    if (row < 0)
        return;
    setItem(row, kStatus, cell(stateLook(StoredState::Running).label));
    setItem(row, kEpochs, cell(QStringLiteral("%1/%2").arg(epoch).arg(epochs)));
    setItem(row, kValue, cell(format::number(value, value_ == Value::Loss ? 4 : 3)));
    newPoints_[label].append(QPointF(epoch, value));
    if (!curveTimer_->isActive())
        curveTimer_->start();
}

// The epochs that arrived since the last call, onto their curves: a resumed
// run's curve is cut where it goes on, so an epoch is never drawn twice.
void LabRunTable::flushCurves()
{
    if (newPoints_.isEmpty())
        return;
    LineChart::Batch batch(chart_);
    for (auto it = newPoints_.cbegin(); it != newPoints_.cend(); ++it) {
        const QString& label = it.key();
        if (!chart_->hasSeries(label)) {
            const QColor colour = format::seriesColor(std::max(0, rowOf(label)));
            chart_->addSeries(label, shownLabel(label), LineChart::Style::Line, colour);
            colours_.insert(label, colour);
        }
        QList<QPointF> points = chart_->points(label);
        const double from = it.value().front().x();
        while (!points.isEmpty() && points.back().x() >= from)
            points.removeLast();
        points.append(it.value());
        chart_->setPoints(label, points);
    }
    newPoints_.clear();
    highlight();
}

// The selected run's curves in their colours, the others faded; none
// selected: every curve in its colour.
void LabRunTable::highlight()
{
    const QList<QTableWidgetItem*> chosen = selectedItems();
    selected_.clear();
    if (!chosen.isEmpty() && item(chosen.front()->row(), kRun))
        selected_ = item(chosen.front()->row(), kRun)->data(Qt::UserRole).toString();
    for (auto it = colours_.cbegin(); it != colours_.cend(); ++it) {
        QString label = it.key();
        if (label.endsWith(kHeldoutSuffix) && rowOf(label) < 0)
            label.chop(kHeldoutSuffix.size());
        QColor colour = it.value();
        if (!selected_.isEmpty() && label != selected_)
            colour.setAlpha(kFadedAlpha);
        chart_->setColor(it.key(), colour);
    }
}

} // namespace traveller::ui
