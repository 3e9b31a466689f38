// Which point of which curve lies under a place of the chart (the hover's
// tooltip, the right-click menu): the nearest within a finger's reach.
#include "traveller/ui/LineChart.h"

#include "traveller/core/chart/ChartScale.h"

#include <QChart>
#include <QChartView>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

namespace {

constexpr double kHoverRadiusPx = 24;

} // namespace

bool LineChart::pointAt(const QPoint& viewportPos, QString* hitKey, QPointF* point) const
{
    const QPointF inChart = chart_->mapFromScene(view_->mapToScene(viewportPos));
    double best = kHoverRadiusPx * kHoverRadiusPx;
    QString bestKey;
    int bestIndex = -1;
    for (const QString& key : std::as_const(order_)) {
        QXYSeries* s = series_.value(key);
        if (!s->isVisible())
            continue;
        const QList<QPointF>& pts = drawn_.value(key);
        if (pts.isEmpty())
            continue;
        // Points come in x order (epochs): look only near the mouse's x.
        const double x = chart_->mapToValue(inChart, s).x();
        auto it = std::lower_bound(pts.begin(), pts.end(), x, [](const QPointF& p, double v) { return p.x() < v; });
        const qsizetype at = it - pts.begin();
        for (qsizetype i = std::max<qsizetype>(0, at - 2); i < std::min(pts.size(), at + 2); ++i) {
            const QPointF pos = chart_->mapToPosition(pts.at(i), s);
            const double d = (pos.x() - inChart.x()) * (pos.x() - inChart.x()) + (pos.y() - inChart.y()) * (pos.y() - inChart.y());
            if (d < best) {
                best = d;
                bestKey = key;
                bestIndex = static_cast<int>(i);
            }
        }
    }
    if (bestIndex < 0)
        return false;
    // Report the value as given, not as drawn: the drawn list skips nothing
    // but non-finite x, so map back through the raw points with finite x.
    const QList<QPointF>& raw = raw_.value(bestKey);
    int seen = -1;
    QPointF value;
    for (const QPointF& p : raw) {
        if (!std::isfinite(p.x()) || std::fabs(p.x()) > chart::kDisplayLimit)
            continue;
        if (++seen == bestIndex) {
            value = p;
            break;
        }
    }
    *hitKey = bestKey;
    *point = value;
    return true;
}

} // namespace traveller::ui
