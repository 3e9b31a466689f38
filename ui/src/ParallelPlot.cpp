#include "ParallelPlot.h"

#include "Format.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPolygonF>

#include <algorithm>
#include <limits>

namespace traveller::ui {

namespace {

constexpr double kMarginX = 60, kTop = 28, kBottom = 46;
constexpr double kGrab = 14;  // pixels either side of an axis a drag starts on

bool finite(double v) { return std::isfinite(v); }

} // namespace

ParallelPlot::ParallelPlot(QWidget* parent) : QWidget(parent)
{
    setObjectName("parallelPlot");
    setMouseTracking(false);
    setToolTip(tr("Drag along an axis to keep only the runs in that range; double-click an axis to clear it"));
}

QSize ParallelPlot::minimumSizeHint() const { return {360, 220}; }

void ParallelPlot::setData(std::vector<ParallelAxis> axes, std::vector<ParallelLine> lines)
{
    std::vector<std::optional<std::pair<double, double>>> brushes(axes.size());
    for (std::size_t a = 0; a < axes.size(); ++a)
        for (std::size_t b = 0; b < axes_.size() && b < brush_.size(); ++b)
            if (axes_[b].key == axes[a].key && axes_[b].words == axes[a].words)
                brushes[a] = brush_[b];
    axes_ = std::move(axes);
    lines_ = std::move(lines);
    brush_ = std::move(brushes);
    range_.assign(axes_.size(), {0.0, 1.0});
    for (std::size_t a = 0; a < axes_.size(); ++a) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const ParallelLine& l : lines_) {
            double v = a < l.values.size() ? l.values[a] : NAN;
            if (axes_[a].log)
                v = v > 0 ? std::log10(v) : NAN;
            if (finite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
        if (!axes_[a].numeric) {
            lo = 0;
            hi = std::max<double>(1, axes_[a].words.size() - 1);
        }
        if (!finite(lo))
            lo = 0, hi = 1;
        if (hi <= lo)
            hi = lo + 1, lo -= 1;
        range_[a] = {lo, hi};
    }
    update();
    Q_EMIT brushed(lit());
}

void ParallelPlot::setBrush(int axis, std::optional<std::pair<double, double>> range)
{
    if (axis < 0 || axis >= static_cast<int>(brush_.size()))
        return;
    if (range && range->first > range->second)
        std::swap(range->first, range->second);
    brush_[static_cast<std::size_t>(axis)] = range;
    update();
    Q_EMIT brushed(lit());
}

void ParallelPlot::clearBrushes()
{
    std::fill(brush_.begin(), brush_.end(), std::nullopt);
    update();
    Q_EMIT brushed(lit());
}

QSet<qint64> ParallelPlot::lit() const
{
    QSet<qint64> out;
    for (const ParallelLine& l : lines_) {
        bool in = true;
        for (std::size_t a = 0; a < brush_.size() && in; ++a)
            if (brush_[a]) {
                const double v = a < l.values.size() ? l.values[a] : NAN;
                in = finite(v) && v >= brush_[a]->first && v <= brush_[a]->second;
            }
        if (in)
            out.insert(l.id);
    }
    return out;
}

QRectF ParallelPlot::plotArea() const
{
    return QRectF(kMarginX, kTop, std::max(1.0, width() - 2 * kMarginX), std::max(1.0, height() - kTop - kBottom));
}

double ParallelPlot::axisX(int axis) const
{
    const QRectF area = plotArea();
    const int n = static_cast<int>(axes_.size());
    return n <= 1 ? area.center().x() : area.left() + area.width() * axis / (n - 1);
}

double ParallelPlot::position(int axis, double value) const
{
    const auto& a = axes_[static_cast<std::size_t>(axis)];
    double v = a.log ? (value > 0 ? std::log10(value) : NAN) : value;
    if (!finite(v))
        return NAN;
    const auto [lo, hi] = range_[static_cast<std::size_t>(axis)];
    return (v - lo) / (hi - lo);
}

double ParallelPlot::valueAt(int axis, double pos) const
{
    const auto [lo, hi] = range_[static_cast<std::size_t>(axis)];
    const double v = lo + std::clamp(pos, -0.05, 1.05) * (hi - lo);
    return axes_[static_cast<std::size_t>(axis)].log ? std::pow(10.0, v) : v;
}

int ParallelPlot::axisNear(double x) const
{
    for (int a = 0; a < static_cast<int>(axes_.size()); ++a)
        if (std::abs(axisX(a) - x) <= kGrab)
            return a;
    return -1;
}

void ParallelPlot::paintAxis(QPainter& p, int axis) const
{
    const QRectF area = plotArea();
    const double x = axisX(axis);
    const auto& a = axes_[static_cast<std::size_t>(axis)];
    p.setPen(QPen(palette().color(QPalette::WindowText), 1.5));
    p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    const QFontMetrics fm = p.fontMetrics();
    const double slot = area.width() / std::max<int>(1, static_cast<int>(axes_.size()) - 1);
    const QString title = fm.elidedText(a.title + (a.log ? tr(" (log)") : QString()), Qt::ElideMiddle,
                                        static_cast<int>(std::max(60.0, slot - 6)));
    p.drawText(QRectF(x - slot / 2, area.bottom() + 8, slot, fm.height() * 2.2), Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
               title);
    // The ends' values (a word axis: each word).
    const auto [lo, hi] = range_[static_cast<std::size_t>(axis)];
    // Right of the axis; left of the last one, which has no room beyond it.
    const bool last = axis + 1 == static_cast<int>(axes_.size()) && axis > 0;
    auto label = [&](double pos, const QString& text) {
        const double y = area.bottom() - pos * area.height();
        const double w = kMarginX * 1.6;
        p.drawText(QRectF(last ? x - 4 - w : x + 4, y - fm.height() / 2.0, w, fm.height()),
                   (last ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, text);
    };
    if (!a.numeric) {
        for (int i = 0; i < a.words.size(); ++i)
            label(position(axis, i), a.words[i]);
    } else {
        // A few values (a grid's): each one; many: the ends.
        std::vector<double> values;
        for (const ParallelLine& l : lines_) {
            const double v = static_cast<std::size_t>(axis) < l.values.size() ? l.values[static_cast<std::size_t>(axis)] : NAN;
            if (finite(v) && std::find(values.begin(), values.end(), v) == values.end())
                values.push_back(v);
        }
        if (values.size() > 8)
            values = {a.log ? std::pow(10.0, lo) : lo, a.log ? std::pow(10.0, hi) : hi};
        for (double v : values)
            if (finite(position(axis, v)))
                label(position(axis, v), QString::number(v, 'g', 4));
    }
    if (const auto& b = brush_[static_cast<std::size_t>(axis)]) {
        const double y1 = area.bottom() - position(axis, b->second) * area.height();
        const double y0 = area.bottom() - position(axis, b->first) * area.height();
        QColor fill = palette().color(QPalette::Highlight);
        fill.setAlpha(70);
        p.fillRect(QRectF(x - 7, std::min(y0, y1), 14, std::abs(y0 - y1) + 1), fill);
    }
}

void ParallelPlot::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    // Smooth lines for a few runs; hundreds stay fast without it.
    p.setRenderHint(QPainter::Antialiasing, lines_.size() <= 64);
    const QRectF area = plotArea();
    const QSet<qint64> on = lit();
    // Coloured by the rank of their last axis (a metric): best blue-green to worst red, whatever its range.
    std::vector<double> lastValues;
    for (const ParallelLine& l : lines_)
        if (!l.values.empty() && finite(l.values.back()))
            lastValues.push_back(l.values.back());
    std::sort(lastValues.begin(), lastValues.end());
    auto rank = [&](double v) -> double {
        if (!finite(v) || lastValues.size() < 2)
            return NAN;
        const auto at = std::lower_bound(lastValues.begin(), lastValues.end(), v) - lastValues.begin();
        return static_cast<double>(at) / static_cast<double>(lastValues.size() - 1);
    };
    // Dim lines first, lit ones over them, coloured along the last axis (a metric).
    for (int pass = 0; pass < 2; ++pass)
        for (const ParallelLine& l : lines_) {
            const bool isLit = on.contains(l.id);
            if (isLit != (pass == 1))
                continue;
            // Polylines, broken where a run has no value.
            std::vector<QPolygonF> pieces(1);
            for (int a = 0; a < static_cast<int>(axes_.size()); ++a) {
                const double pos = position(a, a < static_cast<int>(l.values.size()) ? l.values[static_cast<std::size_t>(a)] : NAN);
                if (!finite(pos)) {
                    if (!pieces.back().isEmpty())
                        pieces.emplace_back();
                    continue;
                }
                pieces.back() << QPointF(axisX(a), area.bottom() - pos * area.height());
            }
            const double last = rank(l.values.empty() ? NAN : l.values.back());
            QColor colour = finite(last) ? QColor::fromHsvF(static_cast<float>(0.5 * (1.0 - last)), 0.8f, 0.8f)
                                         : QColor(Qt::gray);
            if (!isLit)
                colour = QColor(218, 218, 218);  // opaque: blending hundreds of lines costs more than drawing them
            p.setPen(QPen(colour, isLit ? 1.6 : 1.0));
            for (const QPolygonF& piece : pieces)
                if (piece.size() > 1)
                    p.drawPolyline(piece);
        }
    for (int a = 0; a < static_cast<int>(axes_.size()); ++a)
        paintAxis(p, a);
}

void ParallelPlot::mousePressEvent(QMouseEvent* event)
{
    dragAxis_ = axisNear(event->position().x());
    if (dragAxis_ >= 0) {
        const QRectF area = plotArea();
        dragFrom_ = valueAt(dragAxis_, (area.bottom() - event->position().y()) / area.height());
    }
}

void ParallelPlot::mouseMoveEvent(QMouseEvent* event)
{
    if (dragAxis_ < 0)
        return;
    const QRectF area = plotArea();
    const double to = valueAt(dragAxis_, (area.bottom() - event->position().y()) / area.height());
    setBrush(dragAxis_, std::pair{std::min(dragFrom_, to), std::max(dragFrom_, to)});
}

void ParallelPlot::mouseReleaseEvent(QMouseEvent*) { dragAxis_ = -1; }

void ParallelPlot::mouseDoubleClickEvent(QMouseEvent* event)
{
    const int axis = axisNear(event->position().x());
    if (axis >= 0)
        setBrush(axis, std::nullopt);
}

} // namespace traveller::ui
