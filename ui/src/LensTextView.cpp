#include "LensTextView.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

namespace {

constexpr int kGuesses = 3;  // guesses drawn under each character

const std::vector<float>* series(const Inspection& in, int t, int layer, int value)
{
    if (t < 0 || t >= static_cast<int>(in.steps.size()) || layer < 0 ||
        layer >= static_cast<int>(in.steps[static_cast<std::size_t>(t)].layers.size()))
        return nullptr;
    const InspectLayer& l = in.steps[static_cast<std::size_t>(t)].layers[static_cast<std::size_t>(layer)];
    if (value < 0)
        return &l.h;
    return value < static_cast<int>(l.values.size()) ? &l.values[static_cast<std::size_t>(value)] : nullptr;
}

bool isGate(const Inspection& in, int value)
{
    // Gates are sigmoids: r, z (GRU, minGRU), i, f, o (LSTM).
    if (value < 0 || value >= static_cast<int>(in.valueNames.size()))
        return false;
    const std::string& n = in.valueNames[static_cast<std::size_t>(value)];
    return n == "r" || n == "z" || n == "i" || n == "f" || n == "o";
}

QString shown(const std::string& token) { return token == " " ? QStringLiteral("␣") : QString::fromStdString(token); }

} // namespace

QColor lensColour(double v, bool unitInterval)
{
    if (!std::isfinite(v))
        return QColor("#cccccc");
    if (unitInterval) {
        const double a = std::clamp(v, 0.0, 1.0);
        return QColor::fromRgbF(1.0, 1.0 - 0.45 * a, 1.0 - 0.9 * a);
    }
    const double a = std::clamp(v, -1.0, 1.0);
    return a >= 0 ? QColor::fromRgbF(1.0, 1.0 - 0.75 * a, 1.0 - 0.75 * a)
                  : QColor::fromRgbF(1.0 + 0.75 * a, 1.0 + 0.45 * a, 1.0);
}

LensTextView::LensTextView(QWidget* parent) : QWidget(parent)
{
    setObjectName("lensText");
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void LensTextView::setInspection(std::shared_ptr<const Inspection> inspection)
{
    in_ = std::move(inspection);
    step_ = 0;
    hovered_ = -1;
    spanBegin_ = spanEnd_ = -1;
    setColouring(layer_, value_, unit_);
    updateGeometry();
}

void LensTextView::setColouring(int layer, int value, int unit)
{
    layer_ = layer;
    value_ = value;
    unit_ = unit;
    scale_ = 1;
    unitInterval_ = in_ && isGate(*in_, value);
    if (in_ && !unitInterval_) {
        double m = 0;
        for (int t = 0; t < static_cast<int>(in_->steps.size()); ++t)
            if (const auto* s = series(*in_, t, layer, value); s && unit < static_cast<int>(s->size()))
                m = std::max(m, std::fabs(static_cast<double>((*s)[static_cast<std::size_t>(unit)])));
        scale_ = m > 0 ? m : 1;
    }
    update();
}

void LensTextView::setSpan(int begin, int end)
{
    spanBegin_ = begin;
    spanEnd_ = end;
    update();
    Q_EMIT spanChosen(begin, end);
}

void LensTextView::setStep(int step)
{
    if (!in_ || in_->steps.empty())
        return;
    step_ = std::clamp(step, 0, static_cast<int>(in_->steps.size()) - 1);
    update();
    Q_EMIT stepChosen(step_);
}

double LensTextView::valueAt(int t) const
{
    const auto* s = in_ ? series(*in_, t, layer_, value_) : nullptr;
    if (!s || unit_ >= static_cast<int>(s->size()))
        return std::nan("");
    return (*s)[static_cast<std::size_t>(unit_)];
}

QSize LensTextView::cellSize() const
{
    const QFontMetrics fm(font());
    return {std::max(fm.horizontalAdvance(QStringLiteral("W")) * 2 + 8, fm.height() * 2), fm.height() * (2 + kGuesses) + 8};
}

int LensTextView::columns(int width) const { return std::max(1, width / cellSize().width()); }

int LensTextView::heightForWidth(int width) const
{
    const int n = in_ ? static_cast<int>(in_->steps.size()) : 0;
    const int rows = std::max(1, (n + columns(width) - 1) / columns(width));
    return rows * cellSize().height() + 4;
}

QSize LensTextView::sizeHint() const { return {cellSize().width() * 20, heightForWidth(cellSize().width() * 20)}; }

QRect LensTextView::cellRect(int t) const { return cellRect(t, width()); }

QRect LensTextView::cellRect(int t, int width) const
{
    const QSize c = cellSize();
    const int cols = columns(width);
    return {(t % cols) * c.width(), (t / cols) * c.height(), c.width(), c.height()};
}

int LensTextView::stepAt(const QPoint& pos) const
{
    if (!in_)
        return -1;
    const QSize c = cellSize();
    const int col = pos.x() / c.width(), row = pos.y() / c.height();
    if (col >= columns(width()) || pos.x() < 0 || pos.y() < 0)
        return -1;
    const int t = row * columns(width()) + col;
    return t < static_cast<int>(in_->steps.size()) ? t : -1;
}

void LensTextView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    paintAll(p, width());
}

void LensTextView::paintAll(QPainter& p, int width) const
{
    p.fillRect(QRect(0, 0, width, heightForWidth(width)), palette().base());
    if (!in_)
        return;
    const QFontMetrics fm(font());
    const int n = static_cast<int>(in_->steps.size());
    // Hovering character t (which has a guess): its saliency over t and the ones before.
    const bool sal = hovered_ >= 0 && hovered_ < static_cast<int>(in_->saliency.size());
    double salMax = 0;
    if (sal)
        for (double v : in_->saliency[static_cast<std::size_t>(hovered_)])
            salMax = std::max(salMax, v);
    for (int t = 0; t < n; ++t) {
        const InspectStep& s = in_->steps[static_cast<std::size_t>(t)];
        const QRect r = cellRect(t, width).adjusted(1, 1, -1, -1);
        const QRect top(r.left(), r.top(), r.width(), fm.height() * 2);
        // The character on its unit's colour, or shaded by saliency while hovering a later one.
        QColor bg = lensColour(valueAt(t) / scale_, unitInterval_);
        if (sal && salMax > 0 && t <= hovered_) {
            const double a = in_->saliency[static_cast<std::size_t>(hovered_)][static_cast<std::size_t>(t)] / salMax;
            bg = QColor::fromRgbF(1.0 - 0.7 * a, 1.0 - 0.2 * a, 1.0 - 0.7 * a);
        }
        p.fillRect(top, bg);
        if (t >= spanBegin_ && t < spanEnd_)
            p.fillRect(QRect(top.left(), top.top(), top.width(), 3), palette().highlight());
        if (t == step_) {
            p.setPen(QPen(palette().highlight().color(), 2));
            p.drawRect(top.adjusted(1, 1, -1, -1));
        }
        if (t == hovered_) {
            p.setPen(QPen(palette().text().color(), 1, Qt::DashLine));
            p.drawRect(top.adjusted(0, 0, -1, -1));
        }
        p.setPen(palette().text().color());
        QFont big = font();
        big.setBold(true);
        p.setFont(big);
        p.drawText(top, Qt::AlignCenter, shown(s.token));
        p.setFont(font());
        // The probability given to the character that follows, as a bar.
        if (!s.next.empty() && std::isfinite(s.pNext))
            p.fillRect(QRect(r.left(), top.bottom() - 2, static_cast<int>(r.width() * s.pNext), 3), QColor("#2a9d8f"));
        // The guesses, shaded by probability (the one that follows underlined).
        for (int g = 0; g < kGuesses && g < static_cast<int>(s.top.size()); ++g) {
            const NextGuess& guess = s.top[static_cast<std::size_t>(g)];
            const QRect gr(r.left(), top.bottom() + 2 + g * fm.height(), r.width(), fm.height());
            p.fillRect(gr, QColor::fromRgbF(1.0, 1.0 - 0.6 * guess.p, 1.0 - 0.6 * guess.p));
            QFont f = font();
            f.setUnderline(guess.token == s.next);
            p.setFont(f);
            p.setPen(palette().text().color());
            p.drawText(gr, Qt::AlignCenter, shown(guess.token));
        }
        p.setFont(font());
    }
}

void LensTextView::mouseMoveEvent(QMouseEvent* event)
{
    const int t = stepAt(event->position().toPoint());
    if (t != hovered_) {
        hovered_ = t;
        update();
    }
    if (t >= 0 && in_) {
        const InspectStep& s = in_->steps[static_cast<std::size_t>(t)];
        QString tip = tr("'%1' → next '%2': p = %3").arg(shown(s.token), shown(s.next)).arg(s.pNext, 0, 'f', 3);
        for (const NextGuess& g : s.top)
            tip += QStringLiteral("\n  %1  %2").arg(shown(g.token)).arg(g.p, 0, 'f', 3);
        QToolTip::showText(event->globalPosition().toPoint(), tip, this);
    }
}

void LensTextView::leaveEvent(QEvent*)
{
    hovered_ = -1;
    update();
}

void LensTextView::mousePressEvent(QMouseEvent* event)
{
    const int t = stepAt(event->position().toPoint());
    if (t >= 0 && (event->modifiers() & Qt::ShiftModifier))
        setSpan(std::min(step_, t), std::max(step_, t) + 1);  // the chosen step to here
    else if (t >= 0)
        setStep(t);
    setFocus();
}

void LensTextView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Right)
        setStep(step_ + 1);
    else if (event->key() == Qt::Key_Left)
        setStep(step_ - 1);
    else
        QWidget::keyPressEvent(event);
}

LensHeatmap::LensHeatmap(QWidget* parent) : QWidget(parent)
{
    setObjectName("lensHeatmap");
    setMinimumHeight(120);
    setToolTip(tr("Every unit (rows) at every character (columns); click a row to colour the text by that unit"));
}

void LensHeatmap::setInspection(std::shared_ptr<const Inspection> in, int layer, int value, int unit, int step)
{
    in_ = std::move(in);
    unit_ = unit;
    step_ = step;
    image_ = QImage();
    if (in_ && !in_->steps.empty()) {
        const int T = static_cast<int>(in_->steps.size()), H = in_->hidden;
        const bool gate = isGate(*in_, value);
        double m = 0;
        for (int t = 0; t < T; ++t)
            if (const auto* s = series(*in_, t, layer, value))
                for (float v : *s)
                    m = std::max(m, std::fabs(static_cast<double>(v)));
        image_ = QImage(T, H, QImage::Format_RGB32);
        for (int t = 0; t < T; ++t) {
            const auto* s = series(*in_, t, layer, value);
            for (int u = 0; u < H; ++u)
                image_.setPixelColor(t, u,
                                     lensColour(s ? (*s)[static_cast<std::size_t>(u)] / (gate || m == 0 ? 1.0 : m) : NAN, gate));
        }
    }
    update();
}

QRect LensHeatmap::plotRect() const { return rect().adjusted(2, 2, -2, -2); }

void LensHeatmap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (image_.isNull())
        return;
    const QRect r = plotRect();
    p.drawImage(r, image_);
    // The chosen unit and step.
    const double rowH = static_cast<double>(r.height()) / image_.height();
    const double colW = static_cast<double>(r.width()) / image_.width();
    p.setPen(QPen(QColor("#1d3557"), 1));
    p.drawRect(QRectF(r.left(), r.top() + unit_ * rowH, r.width() - 1, std::max(1.0, rowH)));
    p.drawRect(QRectF(r.left() + step_ * colW, r.top(), std::max(1.0, colW), r.height() - 1));
}

void LensHeatmap::mousePressEvent(QMouseEvent* event)
{
    if (image_.isNull())
        return;
    const QRect r = plotRect();
    const int unit = static_cast<int>((event->position().y() - r.top()) / r.height() * image_.height());
    if (unit >= 0 && unit < image_.height())
        Q_EMIT unitChosen(unit);
}

LensTrajectory::LensTrajectory(QWidget* parent) : QWidget(parent)
{
    setObjectName("lensTrajectory");
    setMinimumHeight(120);
    setToolTip(tr("The hidden state at each character on its two main directions (principal components); nearby "
                  "points are states the model treats alike"));
}

void LensTrajectory::setInspection(std::shared_ptr<const Inspection> in, int layer, int step)
{
    in_ = std::move(in);
    layer_ = layer;
    step_ = step;
    update();
}

QPointF LensTrajectory::position(int t) const
{
    if (!in_ || layer_ >= static_cast<int>(in_->trajectory.size()))
        return {};
    const auto& pts = in_->trajectory[static_cast<std::size_t>(layer_)];
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    for (const auto& [a, b] : pts) {
        x0 = std::min(x0, a);
        x1 = std::max(x1, a);
        y0 = std::min(y0, b);
        y1 = std::max(y1, b);
    }
    const QRectF r = QRectF(rect()).adjusted(16, 24, -16, -12);
    const auto& [a, b] = pts.at(static_cast<std::size_t>(t));
    return {r.left() + (x1 > x0 ? (a - x0) / (x1 - x0) : 0.5) * r.width(),
            r.bottom() - (y1 > y0 ? (b - y0) / (y1 - y0) : 0.5) * r.height()};
}

void LensTrajectory::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    if (!in_ || layer_ >= static_cast<int>(in_->trajectory.size()))
        return;
    const int T = static_cast<int>(in_->trajectory[static_cast<std::size_t>(layer_)].size());
    const auto& share = in_->explained[static_cast<std::size_t>(layer_)];
    p.setPen(palette().text().color());
    p.drawText(QRect(4, 2, width() - 8, 20), Qt::AlignLeft,
               tr("h on its principal components: %1% and %2% of the variance")
                   .arg(share.first * 100, 0, 'f', 0)
                   .arg(share.second * 100, 0, 'f', 0));
    p.setPen(QPen(QColor(0, 0, 0, 40), 1));
    for (int t = 1; t < T; ++t)
        p.drawLine(position(t - 1), position(t));
    const bool labels = T <= 200;
    for (int t = 0; t < T; ++t) {
        const QPointF at = position(t);
        const double age = T > 1 ? static_cast<double>(t) / (T - 1) : 1.0;
        const QColor c = QColor::fromRgbF(0.15 + 0.6 * (1 - age), 0.3 + 0.5 * (1 - age), 0.6 + 0.3 * (1 - age));
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawEllipse(at, 3, 3);
        if (labels) {
            p.setPen(palette().text().color());
            p.drawText(at + QPointF(4, -3), shown(in_->steps[static_cast<std::size_t>(t)].token));
        }
    }
    if (step_ >= 0 && step_ < T) {
        p.setPen(QPen(palette().highlight().color(), 2));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(position(step_), 7, 7);
    }
}

void LensTrajectory::mousePressEvent(QMouseEvent* event)
{
    if (!in_ || layer_ >= static_cast<int>(in_->trajectory.size()))
        return;
    int best = -1;
    double bestD = 1e18;
    for (int t = 0; t < static_cast<int>(in_->trajectory[static_cast<std::size_t>(layer_)].size()); ++t) {
        const QPointF d = position(t) - event->position();
        const double dd = d.x() * d.x() + d.y() * d.y();
        if (dd < bestD) {
            bestD = dd;
            best = t;
        }
    }
    if (best >= 0)
        Q_EMIT stepChosen(best);
}

} // namespace traveller::ui
