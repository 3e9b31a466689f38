#include "traveller/ui/LineChart.h"

#include "ChartLegend.h"

#include "traveller/core/chart/ChartScale.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QCoreApplication>
#include <QEvent>
#include <QFontInfo>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QBoxLayout>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPainter>
#include <QPen>
#include <QScatterSeries>
#include <QScrollArea>
#include <QScrollBar>
#include <QSet>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace traveller::ui {

namespace {

const QColor kClipColor("#b00020");

// Short labels: 12.5, 0.002, 1.65e+11 (as the core's formatValue writes them).
constexpr const char* kLabelFormat = "%.4g";

QString tickLabel(double v) { return QString::asprintf(kLabelFormat, v); }

} // namespace

LineChart::LineChart(const QString& xTitle, const QString& yTitle, QWidget* parent)
    : QWidget(parent),
      chart_(new QChart),
      xAxis_(new QValueAxis),
      yAxis_(new QCategoryAxis),
      yTitle_(yTitle),
      clippedMarks_(new QScatterSeries),
      note_(new QLabel),
      legend_(new ChartLegend),
      legendArea_(new QScrollArea)
{
    chart_->legend()->setAlignment(Qt::AlignBottom);
    chart_->setMargins(QMargins(4, 4, 4, 4));
    xAxis_->setTitleText(xTitle);
    yAxis_->setTitleText(yTitle);
    for (QValueAxis* axis : {xAxis_, static_cast<QValueAxis*>(yAxis_)}) {
        axis->setLabelFormat(kLabelFormat);
        axis->setTickType(QValueAxis::TicksFixed);
        axis->setTickCount(5);
        axis->setRange(0, 1);
    }
    yAxis_->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    chart_->addAxis(xAxis_, Qt::AlignBottom);
    chart_->addAxis(yAxis_, Qt::AlignLeft);

    clippedMarks_->setName(QStringLiteral("clipped"));
    clippedMarks_->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    clippedMarks_->setMarkerSize(11);
    clippedMarks_->setColor(kClipColor);
    clippedMarks_->setBorderColor(Qt::white);
    chart_->addSeries(clippedMarks_);
    clippedMarks_->attachAxis(xAxis_);
    clippedMarks_->attachAxis(yAxis_);
    for (QLegendMarker* marker : chart_->legend()->markers(clippedMarks_))
        marker->setVisible(false);

    view_ = new QChartView(chart_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumSize(200, 150);
    view_->setMouseTracking(true);
    view_->viewport()->setMouseTracking(true);
    view_->viewport()->installEventFilter(this);
    view_->installEventFilter(this);  // its width changes with the list of names beside it

    note_->setObjectName("chartClipNote");
    note_->setWordWrap(true);
    note_->setStyleSheet(QStringLiteral("color: %1;").arg(kClipColor.name()));
    note_->hide();

    legendArea_->setObjectName("chartLegendArea");
    legendArea_->setWidget(legend_);
    legendArea_->setWidgetResizable(true);
    legendArea_->setFrameShape(QFrame::NoFrame);
    legendArea_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    legendArea_->setMinimumWidth(legend_->minimumSizeHint().width());
    legendArea_->hide();
    connect(legend_, &ChartLegend::toggled, this, [this](const QString& key, bool visible) {
        setSeriesVisible(key, visible);
        Q_EMIT visibilityToggled(key, visible);
    });

    // The list takes up to 3/10 of the width or height (less when it needs less).
    plotLayout_ = new QBoxLayout(QBoxLayout::LeftToRight);
    plotLayout_->setContentsMargins(0, 0, 0, 0);
    plotLayout_->setSpacing(0);
    plotLayout_->addWidget(view_, 7);
    plotLayout_->addWidget(legendArea_, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(plotLayout_, 1);
    layout->addWidget(note_);
    applyFonts();
    // A title wraps to the plot's height once the chart is laid out (queued:
    // not from inside Qt's layout).
    connect(chart_, &QChart::plotAreaChanged, this, &LineChart::fitTitles, Qt::QueuedConnection);
    fitTitles();
    rescale();
}

void LineChart::mapTexts(const std::function<QString(const QString&)>& map)
{
    title_ = map(title_);
    xAxis_->setTitleText(map(xAxis_->titleText()));
    yTitle_ = map(yTitle_);
    fitTitles();
    for (const QString& key : std::as_const(order_))
        setLabel(key, map(label(key)));
}

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
    s->attachAxis(yAxis_);
    if (color.isValid())
        s->setColor(color);
    series_.insert(key, s);
    styles_.insert(key, style);
    raw_.insert(key, {});
    inLegend_.insert(key, true);
    order_.append(key);
    applyFonts();  // the pen width follows the font size

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
    hideExtraMarkers();
    updateLegend();
}

void LineChart::setColor(const QString& key, const QColor& color)
{
    QXYSeries* s = series_.value(key);
    if (!s || !color.isValid() || s->color() == color)
        return;
    s->setColor(color);
    styleLegendMarker(key);
    updateLegend();
}

QColor LineChart::color(const QString& key) const
{
    const QXYSeries* s = series_.value(key);
    return s ? s->color() : QColor();
}

void LineChart::removeSeries(const QString& key)
{
    QXYSeries* s = series_.take(key);
    if (!s)
        return;
    order_.removeAll(key);
    inLegend_.remove(key);
    styles_.remove(key);
    raw_.remove(key);
    drawn_.remove(key);
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
    if (QXYSeries* s = series_.value(key)) {
        s->setName(label);
        styleLegendMarker(key);
        updateLegend();
    }
}

QString LineChart::label(const QString& key) const
{
    const QXYSeries* s = series_.value(key);
    return s ? s->name() : QString();
}

void LineChart::setPoints(const QString& key, const QList<QPointF>& points)
{
    if (!series_.contains(key))
        return;
    raw_[key] = points;
    rescale();
}

QList<QPointF> LineChart::drawnPoints(const QString& key) const { return drawn_.value(key); }

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

void LineChart::setLogScale(bool on)
{
    if (on == logScale_)
        return;
    logScale_ = on;
    // Empty the series first: the new axis must not lay out values of the old scale.
    for (QXYSeries* s : std::as_const(series_))
        s->clear();
    clippedMarks_->clear();
    fitTitles();
    rescale();
}

void LineChart::setIntegerX(bool on)
{
    integerX_ = on;
    rescale();
}

void LineChart::setLinearAxis(QValueAxis* axis, double lo, double hi, double step)
{
    // Qt lays the ticks out on every change: with the previous step against a
    // new range of 1e11 that is 1e10 ticks (the freeze this replaces). So the
    // range changes while the axis counts a fixed five ticks, then the step
    // (a multiple of it anchors the ticks), then the ticks go dynamic.
    axis->setTickType(QValueAxis::TicksFixed);
    axis->setRange(lo, hi);
    axis->setTickInterval(step);
    axis->setTickAnchor(std::ceil(lo / step) * step);
    axis->setTickType(QValueAxis::TicksDynamic);
}

QStringList LineChart::setYTicks(double lo, double hi, int target)
{
    // Qt's dynamic ticks add the step to the first tick again and again, so a
    // tick at zero reached from below read "-5.551e-17" (0.2 is not exact in
    // binary). Here each tick is placed and labelled at its own value, as
    // core's linearTicks / logTicks computed it: a linear axis with four
    // digits, more only where four would make two labels equal; a log axis
    // at round values, placed at their log10.
    std::vector<double> at;  // where on the axis
    QStringList labels;
    if (logScale_) {
        for (double t : chart::logTicks(lo, hi, target)) {
            at.push_back(std::log10(t));
            labels << QString::fromStdString(chart::formatTick(t));
        }
        lo = std::log10(lo);
        hi = std::log10(hi);
    } else {
        at = chart::linearTicks(lo, hi, target);
        for (int digits : {4, 6, 8, 10, 12, 15, 17}) {
            labels.clear();
            for (double t : at)
                labels << QString::asprintf("%.*g", digits, t);
            if (QSet<QString>(labels.cbegin(), labels.cend()).size() == labels.size())
                break;
        }
    }
    for (const QString& label : yAxis_->categoriesLabels())
        yAxis_->remove(label);
    yAxis_->setRange(lo, hi);
    yAxis_->setStartValue(at.empty() ? lo : std::min(lo, at.front()));
    for (std::size_t i = 0; i < at.size(); ++i)
        yAxis_->append(labels[static_cast<qsizetype>(i)], at[i]);
    return yAxis_->categoriesLabels();  // as the axis draws them
}

void LineChart::beginUpdate() { ++updateDepth_; }

void LineChart::endUpdate()
{
    if (updateDepth_ > 0 && --updateDepth_ == 0)
        rescale();
}

void LineChart::rescale()
{
    if (updateDepth_ > 0)
        return;  // endUpdate() lays the chart out once
    using chart::Scale;
    const Scale scale = logScale_ ? Scale::Log : Scale::Linear;
    std::vector<std::vector<double>> ys;
    std::vector<double> xs;
    for (const QString& key : std::as_const(order_)) {
        if (!series_.value(key)->isVisible())
            continue;
        std::vector<double> y;
        for (const QPointF& p : raw_.value(key)) {
            y.push_back(p.y());
            xs.push_back(p.x());
        }
        ys.push_back(std::move(y));
    }
    extraValues(ys, xs);
    const chart::YView view = chart::yView(ys, scale);
    const auto [xLo, xHi] = chart::xRange(xs, integerX_);
    xLo_ = xLo;
    xHi_ = xHi;
    yLo_ = view.lo;
    yHi_ = view.hi;

    QList<QPointF> marks;
    QStringList notes;
    clippedCount_ = 0;
    for (const QString& key : std::as_const(order_)) {
        QXYSeries* s = series_.value(key);
        const QList<QPointF> raw = shownPoints(key);  // smoothed for display, or as given
        std::vector<double> rx, ry;
        rx.reserve(static_cast<std::size_t>(raw.size()));
        ry.reserve(static_cast<std::size_t>(raw.size()));
        for (const QPointF& p : raw) {
            rx.push_back(p.x());
            ry.push_back(p.y());
        }
        const chart::PlacedSeries placed = chart::placePoints(rx, ry, view, scale);
        QList<QPointF> pts;
        pts.reserve(static_cast<qsizetype>(placed.points.size()));
        for (const auto& [x, y] : placed.points)  // y > 0 on a log scale: placed within the view
            pts.append(QPointF(x, logScale_ ? std::log10(y) : y));
        const int clipped = s->isVisible() ? static_cast<int>(placed.outOfRange.size()) : 0;
        if (clipped > 0)
            for (std::size_t i : placed.outOfRange)
                marks.append(pts[static_cast<qsizetype>(i)]);
        const double worst = placed.worst;
        const bool worstIsNan = placed.worstIsNan;
        // Qt redraws a series on replace(): only the ones whose drawing changed.
        if (pts != drawn_.value(key) || s->count() != pts.size()) {
            s->replace(pts);
            if (styles_.value(key) != Style::Markers)
                s->setPointsVisible(pts.size() == 1);  // one point: no line to draw
            drawn_.insert(key, pts);
        }
        if (clipped > 0) {
            clippedCount_ += clipped;
            const QString value = worstIsNan ? QStringLiteral("NaN") : QString::fromStdString(chart::formatValue(worst));
            notes << tr("%1: %n point(s) outside the axis, drawn at its edge (extreme value %2)", "", clipped)
                         .arg(s->name(), value);
        }
    }
    clippedMarks_->replace(marks);
    placeExtras(view);

    // The axes, with at most chart::kMaxTicks ticks each, and no more than
    // the plot's size leaves room for.
    const QSize targets = tickTargets();
    const int xTarget = targets.width(), yTarget = targets.height();
    yTicks_ = setYTicks(view.lo, view.hi, yTarget);
    setLinearAxis(xAxis_, xLo, xHi, chart::niceStep(xLo, xHi, xTarget, integerX_));
    xTicks_.clear();
    for (double t : chart::linearTicks(xLo, xHi, xTarget, integerX_))
        xTicks_ << tickLabel(t);
    tickTargets_ = QSize(xTarget, yTarget);

    clippedNote_ = notes.isEmpty() ? QString() : QStringLiteral("▲ ") + notes.join(QStringLiteral("\n▲ "));
    note_->setText(clippedNote_);
    note_->setVisible(!clippedNote_.isEmpty());
    updateLegend();
}

QStringList LineChart::yTickLabels() const { return yTicks_; }

QStringList LineChart::xTickLabels() const { return xTicks_; }

QString LineChart::clippedNote() const { return clippedNote_; }

void LineChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitTitles();
    // Room for a different number of labels: lay the ticks out again.
    if (tickTargets() != tickTargets_)
        rescale();
    else
        updateLegend();  // Qt's row may have room for every name now, or no longer
}

QSize LineChart::tickTargets() const
{
    // A label needs about three text lines of height (y) or seven digits of
    // width (x) besides the title, legend and axis text, or Qt cuts it to "…".
    // Digits, not the font's average character: a Chinese UI font reports a
    // narrow average and its "100" came out as "1…".
    const QFontMetrics metrics(font());
    const int digit = std::max(metrics.averageCharWidth(), metrics.horizontalAdvance(QStringLiteral("0123456789")) / 10);
    const int plotHeight = std::max(0, view_->height() - 7 * metrics.height());
    const int plotWidth = std::max(0, view_->width() - 8 * digit - metrics.height());
    return {std::clamp(plotWidth / (7 * digit), 2, 8), std::clamp(plotHeight / (3 * metrics.height()), 2, 6)};
}

void LineChart::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        applyFonts();
        fitTitles();
        rescale();
    }
}

void LineChart::applyFonts()
{
    // The chart follows the widget's font (Presentation mode and zoom change
    // the application's font): text, and the line widths with it.
    const QFont base = font();
    QFont title = base;
    title.setBold(true);
    if (base.pointSizeF() > 0)
        title.setPointSizeF(base.pointSizeF() * 1.1);
    chart_->setTitleFont(title);
    chart_->legend()->setFont(base);
    legend_->setFont(base);
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(xAxis_), static_cast<QAbstractAxis*>(yAxis_)}) {
        axis->setLabelsFont(base);
        axis->setTitleFont(base);
    }
    const double scale = std::max(1.0, QFontInfo(base).pixelSize() / 13.0);
    for (auto it = series_.cbegin(); it != series_.cend(); ++it) {
        const Style style = styles_.value(it.key());
        if (style == Style::Markers) {
            static_cast<QScatterSeries*>(it.value())->setMarkerSize(7 * scale);
            continue;
        }
        QPen pen = it.value()->pen();
        pen.setWidthF(2.0 * scale);
        pen.setStyle(style == Style::DashedLine ? Qt::DashLine : Qt::SolidLine);
        it.value()->setPen(pen);
    }
    clippedMarks_->setMarkerSize(11 * scale);
    note_->setFont(base);
}

void LineChart::setHoverFormat(std::function<QString(const QString&, double, double)> format)
{
    hoverFormat_ = std::move(format);
}

QWidget* LineChart::plotViewport() const { return view_->viewport(); }

QPoint LineChart::viewportPosition(const QString& key, int index) const
{
    const QList<QPointF> pts = drawn_.value(key);
    QXYSeries* s = series_.value(key);
    if (!s || index < 0 || index >= pts.size())
        return {};
    const QPointF inChart = chart_->mapToPosition(pts.at(index), s);
    return view_->mapFromScene(chart_->mapToScene(inChart));
}

QString LineChart::hoverTextAt(const QPoint& viewportPos)
{
    QString key;
    QPointF value;
    if (!pointAt(viewportPos, &key, &value))
        return {};
    const QString name = series_.value(key)->name();
    if (hoverFormat_ && std::isfinite(value.y()))
        return hoverFormat_(name, value.x(), value.y());
    return QStringLiteral("%1\n%2, %3")
        .arg(name, QString::fromStdString(chart::formatValue(value.x())), QString::fromStdString(chart::formatValue(value.y())));
}

bool LineChart::eventFilter(QObject* watched, QEvent* event)
{
    // Room for a different number of labels: lay the ticks out again.
    if (watched == view_ && event->type() == QEvent::Resize && tickTargets() != tickTargets_)
        rescale();
    if (watched == view_->viewport()) {
        if (event->type() == QEvent::MouseMove) {
            const auto* me = static_cast<QMouseEvent*>(event);
            const QString text = hoverTextAt(me->position().toPoint());
            if (text.isEmpty()) {
                QToolTip::hideText();
            } else {
                lastHoverText_ = text;
                QToolTip::showText(me->globalPosition().toPoint(), text, view_);
            }
        } else if (event->type() == QEvent::Leave) {
            QToolTip::hideText();
        } else if (event->type() == QEvent::ContextMenu) {
            // A right-click on a point: the panel may offer what can be done
            // from there (Fork from here…).
            const auto* ce = static_cast<QContextMenuEvent*>(event);
            QString key;
            QPointF value;
            if (pointAt(ce->pos(), &key, &value)) {
                Q_EMIT pointMenuRequested(key, value, ce->globalPos());
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace traveller::ui
