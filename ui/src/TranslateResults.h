// The Translate tab's scores of the model shown (private to traveller_ui):
// the book's sentences with the model's outputs, their references and
// sentence BLEU, the held-out corpus BLEU-4 under them, and the held-out BLEU
// by sentence length (a chart the tab places beside its loss chart). Long
// outputs and references wrap in their cells and show whole in tooltips.
#pragma once

#include "traveller/ui/TranslationWorker.h"

#include <QWidget>

#include <functional>

class QLabel;
class QTableWidget;

namespace traveller::ui {

class LineChart;

class TranslateResults : public QWidget {
    Q_OBJECT
public:
    explicit TranslateResults(QWidget* parent = nullptr);

    LineChart* lengthChart() const { return lengthChart_; }
    QTableWidget* table() const { return table_; }
    // Empties the table and the chart; the held-out line says `training`
    // (a model is training) or asks for one.
    void clear(bool training);
    // The scores of a model that finished training or was reopened.
    void show(const TranslationOutcome& outcome);
    // Selects the first sentence (its attention shows).
    void selectFirst();

Q_SIGNALS:
    // A sentence of the table was selected: translate it for the heatmap.
    void sentenceChosen(const QString& source);

protected:
    void changeEvent(QEvent* event) override;

private:
    void setHeldout(std::function<QString()> text);

    QTableWidget* table_;
    QLabel* heldout_;
    LineChart* lengthChart_;
    std::function<QString()> heldoutText_;  // written again in a new language
};

} // namespace traveller::ui
