#include "TranslateResults.h"

#include "traveller/ui/LineChart.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace traveller::ui {

namespace {

enum Column { kSourceColumn, kOutputColumn, kReferenceColumn, kBleuColumn, kColumns };

} // namespace

TranslateResults::TranslateResults(QWidget* parent) : QWidget(parent)
{
    lengthChart_ = new LineChart(tr("source words"), tr("BLEU"));
    lengthChart_->setObjectName("bleuByLengthChart");
    lengthChart_->setTitle(tr("Held-out BLEU by sentence length"));
    lengthChart_->addSeries("corpus", tr("corpus BLEU-4"), LineChart::Style::Line, QColor("#4c72b0"));
    lengthChart_->addSeries("sentence", tr("mean sentence BLEU"), LineChart::Style::DashedLine, QColor("#dd8452"));

    heldout_ = new QLabel;
    heldout_->setObjectName("heldoutBleu");
    heldout_->setWordWrap(true);

    table_ = new QTableWidget(0, kColumns);
    table_->setObjectName("evaluationTable");
    table_->setHorizontalHeaderLabels({tr("English"), tr("Output"), tr("Reference"), tr("BLEU")});
    // The sentences wrap in their columns (the rows grow), never cut to "je suis …".
    table_->setWordWrap(true);
    table_->setTextElideMode(Qt::ElideNone);
    QHeaderView* header = table_->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Stretch);
    header->setSectionResizeMode(kBleuColumn, QHeaderView::ResizeToContents);
    connect(header, &QHeaderView::sectionResized, table_, [this] { table_->resizeRowsToContents(); });
    table_->verticalHeader()->setVisible(false);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setToolTip(tr("Select a row to see its attention weights"));
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = table_->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            Q_EMIT sentenceChosen(table_->item(rows.first().row(), kSourceColumn)->text());
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table_, 1);
    layout->addWidget(heldout_);
    clear(false);
}

void TranslateResults::setHeldout(std::function<QString()> text)
{
    heldoutText_ = std::move(text);
    heldout_->setText(heldoutText_());
}

void TranslateResults::clear(bool training)
{
    lengthChart_->setPoints("corpus", {});
    lengthChart_->setPoints("sentence", {});
    table_->setRowCount(0);
    if (training)
        setHeldout([] { return tr("Held-out BLEU: computed when training ends."); });
    else
        setHeldout([] { return tr("Held-out BLEU: train a model to see it."); });
}

void TranslateResults::show(const TranslationOutcome& outcome)
{
    const auto& rows = outcome.evaluation.rows;
    table_->setRowCount(static_cast<int>(rows.size()));
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const BleuRow& r = rows[std::size_t(i)];
        int column = kSourceColumn;
        for (const std::string& text : {r.source, r.output, r.reference}) {
            auto* item = new QTableWidgetItem(QString::fromStdString(text));
            item->setToolTip(item->text());  // whole, whatever the column's width
            table_->setItem(i, column++, item);
        }
        auto* bleu = new QTableWidgetItem(QString::number(r.bleu, 'f', 3));
        bleu->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(i, kBleuColumn, bleu);
    }
    table_->resizeRowsToContents();

    if (outcome.heldoutPairs > 0) {
        const double score = outcome.heldout.corpus.score;
        const int pairs = outcome.heldoutPairs;
        setHeldout([score, pairs] {
            return tr("Held-out corpus BLEU-4: %1 over %2 pairs not used for training").arg(score, 0, 'f', 3).arg(pairs);
        });
        QList<QPointF> corpus, sentence;
        for (const LengthBleu& g : outcome.heldout.byLength) {
            corpus.append(QPointF(g.sourceLength, g.corpusBleu));
            sentence.append(QPointF(g.sourceLength, g.meanSentenceBleu));
        }
        lengthChart_->setPoints("corpus", corpus);
        lengthChart_->setPoints("sentence", sentence);
    } else {
        setHeldout([] { return tr("Held-out BLEU: no held-out pairs (data.heldout is 0)."); });
    }
}

void TranslateResults::selectFirst()
{
    if (table_->rowCount() > 0)
        table_->selectRow(0);
}

void TranslateResults::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The held-out line carries numbers, so the window's retranslation
    // cannot look it up: it is written again in the new language.
    if (event->type() == QEvent::LanguageChange && heldoutText_)
        heldout_->setText(heldoutText_());
}

} // namespace traveller::ui
