#include "LabRunTable.h"

#include "ChangeMarkers.h"

#include "Format.h"
#include "RunTableModel.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LineChart.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QTimer>

#include <cmath>

namespace traveller::ui {

namespace {

constexpr int kCurveDelayMs = 40;  // coalesces a burst of epochs into one setPoints
constexpr int kFadedAlpha = 70;    // the curves of the rows not selected
const QString kHeldoutSuffix = QStringLiteral("-heldout");

// The base run's label, "base", in the window's language (基准), on any seed
// ("base seed=1"); the other labels ("lr=10", "hidden=1024") are settings
// and stay as they are.
QString shownLabel(const QString& label)
{
    if (label == QLatin1String("base"))
        return LabRunTable::tr("base");
    if (label.startsWith(QLatin1String("base ")))
        return LabRunTable::tr("base") + label.mid(4);
    return label;
}

} // namespace

LabRunTable::LabRunTable(LineChart* chart, QWidget* parent)
    : QTableView(parent), model_(new RunTableModel(this)), chart_(chart)
{
    setObjectName("labRuns");
    setModel(model_);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->hide();
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setWordWrap(false);
    setToolTip(tr("Select a run to highlight its curve in the chart"));
    curveTimer_ = new QTimer(this);
    curveTimer_->setSingleShot(true);
    curveTimer_->setInterval(kCurveDelayMs);
    connect(curveTimer_, &QTimer::timeout, this, &LabRunTable::flushCurves);
    connect(selectionModel(), &QItemSelectionModel::selectionChanged, this, &LabRunTable::highlight);
    valueTitle_ = tr("perplexity");
}

void LabRunTable::begin(const QString& step, Value value, const QString& chartTitle)
{
    reselect_ = step == step_ ? selected_ : QString();
    step_ = step;
    value_ = value;
    const bool loss = value == Value::Loss;
    // A reset, not a new selection: no highlight() until end().
    model_->setColumns({RunColumn::Run, RunColumn::Status, RunColumn::Epochs, loss ? RunColumn::Loss : RunColumn::Perplexity,
                        loss ? RunColumn::Bleu : RunColumn::Heldout, RunColumn::Time, RunColumn::Sample});
    model_->setRows({});
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(kSample, QHeaderView::Stretch);
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
    const int row = model_->rowCount();
    std::vector<StoredEpoch> epochs;
    RunRow shown;
    if (run) {
        epochs = store.epochs(run->id);
        shown = runRow(*run, &epochs);
        if (run->isTranslation())
            shown.bleu = measureCheck(store, *run, ReferenceCheck{"heldout_bleu", "", 0, 0});
    } else {
        shown.statusNote = tr("not run yet");
    }
    // The stored label ("base", "lr=10") stays the row's key; the cell shows
    // it in the window's language.
    shown.name = shownLabel(label);
    shown.label = label;
    model_->appendRow(std::move(shown));
    if (!run)
        return;

    const QColor colour = format::seriesColor(row);
    chart_->addSeries(label, shownLabel(label), LineChart::Style::Line, colour);
    chart_->setPoints(label, format::perplexityCurve(epochs));
    colours_.insert(label, colour);
    drawChangeMarkers(chart_, label, run->events, epochs, colour);  // settings changed while it trained
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
    for (int r = 0; r < model_->rowCount(); ++r)
        if (model_->row(r).label == label)
            return r;
    return -1;
}

void LabRunTable::epochDone(const QString& label, int epoch, int epochs, double value)
{
    const int row = rowOf(label);
    if (row < 0)
        return;
    RunRow moved = model_->row(row);
    moved.state = StoredState::Running;
    moved.statusNote.clear();
    moved.epochsDone = epoch;
    moved.epochs = epochs;
    (value_ == Value::Loss ? moved.loss : moved.perplexity) = value;
    model_->setRow(row, std::move(moved));
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
    const QModelIndexList chosen = selectionModel()->selectedRows();
    selected_ = chosen.isEmpty() ? QString() : model_->row(chosen.front().row()).label;
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
