// A run's setting changes (live or scheduled, issue 27) drawn on a chart: a
// marker on the run's curve at each epoch a change landed in, named by the
// change (hover says it). The Runs tab's chart and the Language model tab's
// use it; the keys are "<run key>-change<n>", out of the legend.
#pragma once

#include "traveller/core/lm/Training.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/LineChart.h"

#include <QColor>
#include <QCoreApplication>
#include <QString>

#include <vector>

namespace traveller::ui {

inline QString changeText(const SettingEvent& e)
{
    return QCoreApplication::translate("traveller::ui::ChangeMarkers", "%1: %2 → %3 (epoch %4, batch %5)")
        .arg(QString::fromStdString(e.key), QString::fromStdString(e.from), QString::fromStdString(e.to))
        .arg(e.epoch)
        .arg(e.batch);
}

inline void drawChangeMarkers(LineChart* chart, const QString& runKey, const std::vector<SettingEvent>& events,
                              const std::vector<StoredEpoch>& epochs, const QColor& colour)
{
    for (int n = 0;; ++n) {  // the run's earlier markers go first
        const QString key = runKey + QStringLiteral("-change%1").arg(n);
        if (!chart->hasSeries(key))
            break;
        chart->removeSeries(key);
    }
    int n = 0;
    for (const SettingEvent& e : events) {
        double y = 0;
        for (const StoredEpoch& s : epochs)
            if (s.epoch <= e.epoch && std::isfinite(s.perplexity))
                y = s.perplexity;  // the curve where the change landed (its epoch, or the last before it)
        if (!(y > 0))
            continue;
        const QString key = runKey + QStringLiteral("-change%1").arg(n++);
        chart->addSeries(key, changeText(e), LineChart::Style::Markers, colour);
        chart->setInLegend(key, false);
        chart->setPoints(key, {QPointF(e.epoch, y)});
    }
}

} // namespace traveller::ui
