// LineChart's legend: Qt Charts' row under the plot while every name fits
// in it, else the list beside the plot (ChartLegend) with each name whole;
// either way a click on an entry shows or hides its series.
#include "traveller/ui/LineChart.h"

#include "ChartLegend.h"

#include <QBoxLayout>
#include <QChart>
#include <QCoreApplication>
#include <QEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QScrollArea>
#include <QScrollBar>
#include <QXYSeries>

#include <algorithm>

namespace traveller::ui {

void LineChart::setInLegend(const QString& key, bool inLegend)
{
    inLegend_[key] = inLegend;
    styleLegendMarker(key);
    updateLegend();
}

void LineChart::setLegend(Legend legend)
{
    legendMode_ = legend;
    updateLegend();
}

bool LineChart::legendIsList() const { return !legendArea_->isHidden(); }

void LineChart::updateLegend()
{
    if (updateDepth_ > 0)
        return;  // endUpdate() does it once
    QList<ChartLegend::Entry> entries;
    // What Qt's row under the plot needs: per entry a marker, the name and spacing.
    const QFontMetrics metrics(chart_->legend()->font());
    int rowWidth = 0;
    for (const QString& key : std::as_const(order_)) {
        const QXYSeries* s = series_.value(key);
        if (!inLegend_.value(key, true))
            continue;
        const Style style = styles_.value(key);
        entries << ChartLegend::Entry{key,
                                      s->name(),
                                      s->color(),
                                      style == Style::DashedLine ? Qt::DashLine : Qt::SolidLine,
                                      /*markers=*/style == Style::Markers,
                                      /*visible=*/s->isVisible()};
        rowWidth += metrics.horizontalAdvance(s->name()) + 3 * metrics.height();
    }
    legend_->setEntries(entries);
    const bool list =
        !entries.isEmpty() && (legendMode_ == Legend::List || rowWidth > width() - 2 * metrics.height());
    chart_->legend()->setVisible(!list);
    legendArea_->setVisible(list);
    if (!list)
        return;
    // Beside the plot while that leaves it room for its ticks and curves,
    // else under it, one name (or a few lines) per run.
    const int scrollBar = legendArea_->verticalScrollBar()->sizeHint().width();
    const int besideWidth = std::min(legend_->naturalWidth() + scrollBar, width() * 3 / 10);
    constexpr int kPlotChars = 50;  // the plot's least width beside the list, in average characters
    if (width() - besideWidth >= kPlotChars * metrics.averageCharWidth()) {
        plotLayout_->setDirection(QBoxLayout::LeftToRight);
        legendArea_->setMaximumSize(legend_->naturalWidth() + scrollBar, QWIDGETSIZE_MAX);
    } else {
        plotLayout_->setDirection(QBoxLayout::TopToBottom);
        legendArea_->setMaximumSize(QWIDGETSIZE_MAX, legend_->heightForWidth(width() - scrollBar));
    }
    // The scroll area asks the list for its height again (names may wrap anew).
    QEvent request(QEvent::LayoutRequest);
    QCoreApplication::sendEvent(legendArea_, &request);
}

void LineChart::styleLegendMarker(const QString& key)
{
    QXYSeries* s = series_.value(key);
    if (!s)
        return;
    for (QLegendMarker* marker : chart_->legend()->markers(s)) {
        // Hiding a series hides its marker too; keep it, faded, so it can be clicked back on.
        marker->setVisible(inLegend_.value(key, true));
        QColor label = marker->labelBrush().color();
        label.setAlphaF(s->isVisible() ? 1.0 : 0.4);
        marker->setLabelBrush(label);
        QBrush brush = marker->brush();
        QColor c = s->color();  // the series' own (setColor may have changed it)
        c.setAlphaF(s->isVisible() ? 1.0 : 0.3);
        brush.setColor(c);
        marker->setBrush(brush);
    }
}

} // namespace traveller::ui
