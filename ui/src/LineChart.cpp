#include "traveller/ui/LineChart.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QFile>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPainter>
#include <QPen>
#include <QScatterSeries>
#include <QTextStream>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#ifdef TRAVELLER_HAVE_SVG
#include <QSvgGenerator>
#endif

#include <algorithm>
#include <cmath>
#include <limits>

namespace traveller::ui {

namespace {

// Ticks at 1, 2 or 5 times a power of ten, about five per axis, anchored at 0,
// while the range itself hugs the data (applyNiceNumbers could double it).
void setNiceTicks(QValueAxis* axis, double lo, double hi)
{
    const double raw = (hi - lo) / 5.0;
    if (!(raw > 0))
        return;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0.0);
    axis->setTickInterval(step);
}

} // namespace

LineChart::LineChart(const QString& xTitle, const QString& yTitle, QWidget* parent)
    : QWidget(parent),
      chart_(new QChart),
      xAxis_(new QValueAxis),
      yLinear_(new QValueAxis),
      yLog_(new QLogValueAxis)
{
    chart_->legend()->setAlignment(Qt::AlignBottom);
    chart_->setMargins(QMargins(4, 4, 4, 4));
    xAxis_->setTitleText(xTitle);
    xAxis_->setLabelFormat("%g");
    yLinear_->setTitleText(yTitle);
    yLinear_->setLabelFormat("%g");
    yLog_->setTitleText(yTitle + tr(" (log)"));
    yLog_->setLabelFormat("%g");
    yLog_->setBase(10);
    yLog_->setMinorTickCount(8);
    chart_->addAxis(xAxis_, Qt::AlignBottom);
    chart_->addAxis(yLinear_, Qt::AlignLeft);
    // The chart owns an axis only while attached; keep the log one parented here.
    yLog_->setParent(this);
    xAxis_->setRange(0, 1);
    yLinear_->setRange(0, 1);

    view_ = new QChartView(chart_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumSize(240, 180);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
}

void LineChart::setTitle(const QString& title) { chart_->setTitle(title); }

void LineChart::addSeries(const QString& key, const QString& label, Style style, const QColor& color)
{
    if (series_.contains(key))
        return;
    QXYSeries* s = nullptr;
    if (style == Style::Markers) {
        auto* scatter = new QScatterSeries;
        scatter->setMarkerSize(7);
        scatter->setBorderColor(Qt::transparent);
        s = scatter;
    } else {
        s = new QLineSeries;
    }
    s->setName(label);
    chart_->addSeries(s);
    s->attachAxis(xAxis_);
    s->attachAxis(logScale_ ? static_cast<QAbstractAxis*>(yLog_) : yLinear_);
    if (color.isValid())
        s->setColor(color);
    QPen pen = s->pen();
    if (style != Style::Markers) {
        pen.setWidthF(2.0);
        if (style == Style::DashedLine)
            pen.setStyle(Qt::DashLine);
        if (color.isValid())
            pen.setColor(color);
        s->setPen(pen);
    }
    series_.insert(key, s);
    inLegend_.insert(key, true);
    order_.append(key);
    connect(s, &QXYSeries::hovered, this, [this, key](const QPointF& p, bool state) { showHover(key, p, state); });

    // Adding a series recreates the legend markers: reconnect all of them.
    for (const QString& k : std::as_const(order_)) {
        for (QLegendMarker* marker : chart_->legend()->markers(series_.value(k))) {
            QObject::disconnect(marker, &QLegendMarker::clicked, this, nullptr);
            connect(marker, &QLegendMarker::clicked, this, [this, k] {
                const bool visible = !seriesVisible(k);
                setSeriesVisible(k, visible);
                Q_EMIT visibilityToggled(k, visible);
            });
        }
        styleLegendMarker(k);
    }
}

void LineChart::removeSeries(const QString& key)
{
    QXYSeries* s = series_.take(key);
    if (!s)
        return;
    order_.removeAll(key);
    inLegend_.remove(key);
    chart_->removeSeries(s);
    delete s;
    rescale();
}

void LineChart::removeAll()
{
    const QStringList keys = order_;
    for (const QString& k : keys)
        removeSeries(k);
}

void LineChart::setLabel(const QString& key, const QString& label)
{
    if (QXYSeries* s = series_.value(key))
        s->setName(label);
}

QString LineChart::label(const QString& key) const
{
    const QXYSeries* s = series_.value(key);
    return s ? s->name() : QString();
}

void LineChart::setPoints(const QString& key, const QList<QPointF>& points)
{
    QXYSeries* s = series_.value(key);
    if (!s)
        return;
    s->replace(points);
    rescale();
}

QList<QPointF> LineChart::points(const QString& key) const
{
    const QXYSeries* s = series_.value(key);
    return s ? s->points() : QList<QPointF>();
}

int LineChart::pointCount(const QString& key) const
{
    const QXYSeries* s = series_.value(key);
    return s ? s->count() : 0;
}

void LineChart::setSeriesVisible(const QString& key, bool visible)
{
    QXYSeries* s = series_.value(key);
    if (!s)
        return;
    s->setVisible(visible);
    styleLegendMarker(key);
    rescale();
}

bool LineChart::seriesVisible(const QString& key) const
{
    const QXYSeries* s = series_.value(key);
    return s && s->isVisible();
}

void LineChart::setInLegend(const QString& key, bool inLegend)
{
    inLegend_[key] = inLegend;
    styleLegendMarker(key);
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
        QColor c = brush.color();
        c.setAlphaF(s->isVisible() ? 1.0 : 0.3);
        brush.setColor(c);
        marker->setBrush(brush);
    }
}

void LineChart::attachYAxis(QAbstractAxis* axis)
{
    QAbstractAxis* old = axis == yLog_ ? static_cast<QAbstractAxis*>(yLinear_) : yLog_;
    for (QXYSeries* s : std::as_const(series_))
        s->detachAxis(old);
    chart_->removeAxis(old);
    old->setParent(this);
    chart_->addAxis(axis, Qt::AlignLeft);
    for (QXYSeries* s : std::as_const(series_))
        s->attachAxis(axis);
}

void LineChart::setLogScale(bool on)
{
    if (on == logScale_)
        return;
    logScale_ = on;
    attachYAxis(on ? static_cast<QAbstractAxis*>(yLog_) : yLinear_);
    rescale();
}

void LineChart::rescale()
{
    double xMin = std::numeric_limits<double>::infinity(), xMax = -xMin;
    double yMin = xMin, yMax = -xMin;
    for (const QXYSeries* s : std::as_const(series_)) {
        if (!s->isVisible())
            continue;
        for (const QPointF& p : s->points()) {
            if (!std::isfinite(p.y()) || (logScale_ && p.y() <= 0))
                continue;
            xMin = std::min(xMin, p.x());
            xMax = std::max(xMax, p.x());
            yMin = std::min(yMin, p.y());
            yMax = std::max(yMax, p.y());
        }
    }
    if (!std::isfinite(xMin)) {
        xAxis_->setRange(0, 1);
        yLinear_->setRange(0, 1);
        yLog_->setRange(1, 10);
        return;
    }
    xMin = std::floor(xMin);
    xMax = std::max(std::ceil(xMax), xMin + 1);
    xAxis_->setRange(xMin, xMax);
    setNiceTicks(xAxis_, xMin, xMax);
    if (logScale_) {
        // Perplexities span 1-30: base 10 would label only 1 and 10 there, so
        // ranges under two decades are labelled at powers of 2 (1, 2, 4, 8, 16).
        yLog_->setBase(yMax / yMin < 100 ? 2 : 10);
        yLog_->setRange(yMin / 1.2, yMax * 1.2);
    } else {
        const double pad = yMax > yMin ? (yMax - yMin) * 0.05 : std::max(1.0, std::abs(yMax) * 0.1);
        const double lo = std::max(0.0, yMin - pad);
        yLinear_->setRange(lo, yMax + pad);
        setNiceTicks(yLinear_, lo, yMax + pad);
    }
}

void LineChart::setHoverFormat(std::function<QString(const QString&, double, double)> format)
{
    hoverFormat_ = std::move(format);
}

void LineChart::showHover(const QString& key, const QPointF& point, bool state)
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    const QXYSeries* s = series_.value(key);
    if (!s || s->count() == 0)
        return;
    // The hovered position lies anywhere on the line: report the nearest data point.
    const QList<QPointF> pts = s->points();
    const auto nearest = std::min_element(pts.begin(), pts.end(), [&](const QPointF& a, const QPointF& b) {
        return std::abs(a.x() - point.x()) < std::abs(b.x() - point.x());
    });
    lastHoverText_ = hoverFormat_ ? hoverFormat_(s->name(), nearest->x(), nearest->y())
                                  : QStringLiteral("%1: %2, %3").arg(s->name()).arg(nearest->x()).arg(nearest->y());
    QToolTip::showText(QCursor::pos(), lastHoverText_, view_);
}

bool LineChart::exportPng(const QString& path) const { return view_->grab().save(path, "PNG"); }

bool LineChart::svgSupported()
{
#ifdef TRAVELLER_HAVE_SVG
    return true;
#else
    return false;
#endif
}

bool LineChart::exportSvg(const QString& path) const
{
#ifdef TRAVELLER_HAVE_SVG
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(view_->size());
    generator.setViewBox(QRect(QPoint(0, 0), view_->size()));
    generator.setTitle(chart_->title());
    QPainter painter;
    if (!painter.begin(&generator))
        return false;
    view_->render(&painter);
    return painter.end();
#else
    Q_UNUSED(path);
    return false;
#endif
}

QString LineChart::toCsv(const QString& xName, const QString& yName) const
{
    QString out;
    QTextStream ts(&out);
    ts << "series," << xName << ',' << yName << '\n';
    for (const QString& k : order_) {
        const QXYSeries* s = series_.value(k);
        QString name = s->name();
        if (name.contains(',') || name.contains('"'))
            name = '"' + name.replace('"', "\"\"") + '"';
        for (const QPointF& p : s->points())
            ts << name << ',' << QString::number(p.x(), 'g', 10) << ',' << QString::number(p.y(), 'g', 10) << '\n';
    }
    return out;
}

} // namespace traveller::ui
