// The Lab tab's table of a step's runs and their curves in the step's chart.
// Rows are filled from the run library (begin, addRun, end); while a step
// trains, each epoch the worker reports moves its row on at once (status
// running, epochs done, the value) and its curve after a ~40 ms coalescing
// timer (one setPoints per burst). The selected row's curves keep their
// colour and the others fade, so a click on a row shows its run in the chart.
// A translation step's value is the loss (column, axis) with a held-out BLEU
// column and "source → output" samples; a language model's is perplexity.
#pragma once

#include "traveller/core/store/RunStore.h"

#include <QColor>
#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>
#include <QTableView>

class QTimer;

namespace traveller::ui {

class LineChart;
class RunTableModel;

// Its rows come from the one model of runs (RunTableModel), keyed by their
// lab label (RunRow::label).
class LabRunTable : public QTableView {
    Q_OBJECT
public:
    enum Column { kRun, kStatus, kEpochs, kValue, kSecond, kTime, kSample, kColumns };
    enum class Value { Perplexity, Loss };

    LabRunTable(LineChart* chart, QWidget* parent = nullptr);

    // Empties the table and the chart for step `step` whose runs measure
    // `value`; the same step again (a refresh) keeps the selected run.
    void begin(const QString& step, Value value, const QString& chartTitle);
    // One row and its curve (and, with `heldoutCurve`, the held-out curve of
    // a language model that measured it); no run: "not run yet".
    void addRun(RunStore& store, const QString& label, const StoredRun* run, bool heldoutCurve);
    // Selects again the run selected before begin(), if it is still a row.
    void end();
    // An epoch of the run in row `label`, as the worker reports it: the row
    // reads running and the epochs done at once, the curve follows.
    void epochDone(const QString& label, int epoch, int epochs, double value);

    // The label of the run whose curves are highlighted ("" when none is).
    QString highlighted() const { return selected_; }
    // The chart's y-axis title for this step ("perplexity" or "loss").
    QString valueTitle() const { return valueTitle_; }
    int rowOf(const QString& label) const;

private:
    void flushCurves();
    void highlight();

    RunTableModel* model_;
    LineChart* chart_;
    QTimer* curveTimer_;
    Value value_ = Value::Perplexity;
    QString valueTitle_;
    QString step_;
    QString selected_;
    QString reselect_;
    QHash<QString, QColor> colours_;             // series key -> its own colour
    QHash<QString, QList<QPointF>> newPoints_;   // label -> epochs not drawn yet
};

} // namespace traveller::ui
