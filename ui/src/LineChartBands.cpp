// LineChart's bands and smoothing. A band (a group of runs' min–max or
// ±1 sd around their mean) is a faint QAreaSeries between two lines; a
// smoothed line keeps its values as given as a faint line of the same colour
// under it. Both are laid on the axis by the same rule as the lines
// (chart::placePoints: clipped into the view, log10 on a log scale); neither
// is in the legend, the hover or order_.
#include "traveller/ui/LineChart.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>

namespace traveller::ui {

namespace {

constexpr double kBandAlpha = 0.18;
constexpr double kShadowAlpha = 0.28;

std::vector<double> ysOf(const QList<QPointF>& points)
{
    std::vector<double> ys;
    ys.reserve(static_cast<std::size_t>(points.size()));
    for (const QPointF& p : points)
        ys.push_back(p.y());
    return ys;
}

} // namespace

void LineChart::setBand(const QString& key, const QList<QPointF>& lower, const QList<QPointF>& upper,
                        const QColor& color)
{
    Band& band = bands_[key];
    if (!band.area) {
        auto* lo = new QLineSeries;
        auto* hi = new QLineSeries;
        band.area = new QAreaSeries(hi, lo);
        lo->setParent(band.area);
        hi->setParent(band.area);
        band.area->setName(key);
        chart_->addSeries(band.area);
        band.area->attachAxis(xAxis_);
        band.area->attachAxis(yAxis_);
    }
    QColor fill = color;
    fill.setAlphaF(kBandAlpha);
    band.area->setBrush(fill);
    band.area->setPen(Qt::NoPen);
    band.lower = lower;
    band.upper = upper;
    hideExtraMarkers();
    rescale();
}

void LineChart::removeBand(const QString& key)
{
    const Band band = bands_.take(key);
    if (!band.area)
        return;
    chart_->removeSeries(band.area);
    delete band.area;
    rescale();
}

QList<QPointF> LineChart::bandLower(const QString& key) const { return bands_.value(key).lower; }
QList<QPointF> LineChart::bandUpper(const QString& key) const { return bands_.value(key).upper; }

void LineChart::setSmoothing(const chart::SmoothingSpec& spec)
{
    smoothing_ = spec;
    fitTitles();
    rescale();
}

QString LineChart::smoothingNote() const
{
    if (!smoothing_.active())
        return {};
    if (smoothing_.kind == chart::Smoothing::Ema)
        return tr("Smoothed for display: EMA, weight %1").arg(smoothing_.weight);
    return tr("Smoothed for display: centred mean of %n point(s)", "", smoothing_.window / 2 * 2 + 1);
}

QList<QPointF> LineChart::shownPoints(const QString& key) const
{
    const QList<QPointF> raw = raw_.value(key);
    if (!smoothing_.active() || styles_.value(key) == Style::Markers)
        return raw;
    const std::vector<double> smooth = chart::smoothed(ysOf(raw), smoothing_);
    QList<QPointF> out;
    out.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i)
        out.append(QPointF(raw[i].x(), smooth[static_cast<std::size_t>(i)]));
    return out;
}

QList<QPointF> LineChart::rawShadowPoints(const QString& key) const
{
    const QLineSeries* s = shadows_.value(key);
    return s ? s->points() : QList<QPointF>();
}

QList<QPointF> LineChart::placed(const QList<QPointF>& points, const chart::YView& view) const
{
    std::vector<double> xs;
    xs.reserve(static_cast<std::size_t>(points.size()));
    for (const QPointF& p : points)
        xs.push_back(p.x());
    const chart::PlacedSeries placedSeries =
        chart::placePoints(xs, ysOf(points), view, logScale_ ? chart::Scale::Log : chart::Scale::Linear);
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(placedSeries.points.size()));
    for (const auto& [x, y] : placedSeries.points)
        if (std::isfinite(y))
            out.append(QPointF(x, logScale_ ? std::log10(y) : y));
    return out;
}

void LineChart::extraValues(std::vector<std::vector<double>>& ys, std::vector<double>& xs) const
{
    for (const Band& band : bands_) {
        for (const QList<QPointF>* side : {&band.lower, &band.upper}) {
            ys.push_back(ysOf(*side));
            for (const QPointF& p : *side)
                xs.push_back(p.x());
        }
    }
}

void LineChart::placeExtras(const chart::YView& view)
{
    for (const Band& band : std::as_const(bands_)) {
        band.area->lowerSeries()->replace(placed(band.lower, view));
        band.area->upperSeries()->replace(placed(band.upper, view));
    }
    // A faint line under each smoothed one, in its colour; none while smoothing is off.
    const bool on = smoothing_.active();
    for (const QString& key : shadows_.keys())
        if (!on || !series_.contains(key) || styles_.value(key) == Style::Markers) {
            QLineSeries* s = shadows_.take(key);
            chart_->removeSeries(s);
            delete s;
        }
    if (!on)
        return;
    for (const QString& key : std::as_const(order_)) {
        if (styles_.value(key) == Style::Markers)
            continue;
        QLineSeries*& shadow = shadows_[key];
        if (!shadow) {
            shadow = new QLineSeries;
            shadow->setName(key);
            chart_->addSeries(shadow);
            shadow->attachAxis(xAxis_);
            shadow->attachAxis(yAxis_);
        }
        const QXYSeries* line = series_.value(key);
        QColor faint = line->color();
        faint.setAlphaF(kShadowAlpha);
        QPen pen = line->pen();
        pen.setColor(faint);
        pen.setWidthF(std::max(1.0, pen.widthF() / 2));
        shadow->setPen(pen);
        shadow->setVisible(line->isVisible());
        shadow->replace(placed(raw_.value(key), view));
    }
    hideExtraMarkers();
}

void LineChart::hideExtraMarkers()
{
    QList<QAbstractSeries*> extras{clippedMarks_};
    for (const Band& band : std::as_const(bands_))
        extras << band.area;
    for (QLineSeries* s : std::as_const(shadows_))
        extras << s;
    for (QAbstractSeries* s : extras)
        for (QLegendMarker* marker : chart_->legend()->markers(s))
            marker->setVisible(false);
}

} // namespace traveller::ui
