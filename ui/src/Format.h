// Small text helpers shared by the Sweeps, Runs and Compare views (private to
// traveller_ui).
#pragma once

#include "traveller/core/chart/ChartScale.h"
#include "traveller/core/Format.h"
#include "traveller/core/store/RunStore.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace traveller::ui::format {

// core's formatNumber / formatDuration (traveller/core/Format.h): the CLI,
// the reports and every view of the window write numbers one way.
inline QString number(double v, int decimals = 3) { return QString::fromStdString(formatNumber(v, decimals)); }

inline QString duration(double seconds) { return QString::fromStdString(formatDuration(seconds)); }

// The colour of the series at `position` among those drawn together (0 the
// first), the one rule of every chart and report (core's seriesColor).
inline QColor seriesColor(int position)
{
    return QColor::fromRgb(static_cast<QRgb>(chart::seriesColor(static_cast<std::size_t>(std::max(0, position)))));
}

inline QString fromStd(const std::string& s) { return QString::fromStdString(s); }

// Epoch -> perplexity points of a stored run.
inline QList<QPointF> perplexityCurve(const std::vector<StoredEpoch>& epochs)
{
    QList<QPointF> points;
    points.reserve(static_cast<qsizetype>(epochs.size()));
    // Every value, inf and NaN included: the chart draws them at its edge, marked.
    for (const auto& e : epochs)
        points.append(QPointF(e.epoch, e.perplexity));
    return points;
}

// The continuation of the run's own prefix at the end of training, else the
// latest one recorded at a sample interval.
inline QString finalSample(const StoredRun& run, const std::vector<StoredEpoch>* epochs = nullptr)
{
    std::string prefix = "time traveller";
    try {
        prefix = run.config().sample.prefix;
    } catch (const std::exception&) {
        // A config this version cannot read: fall back to the book's prefix.
    }
    if (const auto it = run.samples.find(prefix); it != run.samples.end())
        return fromStd(it->second);
    if (!run.samples.empty())
        return fromStd(run.samples.begin()->second);
    if (epochs)
        for (auto it = epochs->rbegin(); it != epochs->rend(); ++it)
            if (!it->sample.empty())
                return fromStd(it->sample);
    return {};
}

} // namespace traveller::ui::format
