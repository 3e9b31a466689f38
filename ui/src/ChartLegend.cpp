#include "ChartLegend.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTextLayout>
#include <QTextOption>

#include <algorithm>

namespace traveller::ui {

namespace {

constexpr int kMargin = 4;  // around the list and between an entry's swatch and text

// `text` broken into lines no wider than `width`: at spaces where it can be,
// anywhere where a word alone is wider (a long run name, a Chinese name).
QStringList wrap(const QString& text, const QFont& font, int width)
{
    QTextLayout layout(text, font);
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    QStringList lines;
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(std::max(1, width));
        lines << text.mid(line.textStart(), line.textLength());
    }
    layout.endLayout();
    return lines.isEmpty() ? QStringList{QString()} : lines;
}

} // namespace

ChartLegend::ChartLegend(QWidget* parent) : QWidget(parent)
{
    setObjectName("chartLegend");
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Click a name to show or hide its curve"));
}

void ChartLegend::setEntries(const QList<Entry>& entries)
{
    if (entries == entries_)
        return;
    entries_ = entries;
    placed_ = layoutFor(width());
    updateGeometry();
    update();
}

int ChartLegend::swatchWidth() const { return 2 * fontMetrics().height(); }

QList<ChartLegend::Placed> ChartLegend::layoutFor(int width) const
{
    QList<Placed> out;
    const QFontMetrics metrics = fontMetrics();
    const int textX = kMargin + swatchWidth() + kMargin;
    const int textWidth = std::max(metrics.height(), width - textX - kMargin);
    int y = kMargin;
    for (const Entry& e : entries_) {
        Placed p;
        p.lines = wrap(e.label, font(), textWidth);
        const int height = static_cast<int>(p.lines.size()) * metrics.lineSpacing();
        p.rect = QRect(0, y, std::max(width, 1), height + kMargin);
        y += height + kMargin;
        out << p;
    }
    return out;
}

QStringList ChartLegend::shownLines(int index) const
{
    return index >= 0 && index < placed_.size() ? placed_[index].lines : QStringList();
}

QRect ChartLegend::entryRect(int index) const
{
    return index >= 0 && index < placed_.size() ? placed_[index].rect : QRect();
}

int ChartLegend::naturalWidth() const
{
    int widest = 0;
    for (const Entry& e : entries_)
        widest = std::max(widest, fontMetrics().horizontalAdvance(e.label));
    return kMargin + swatchWidth() + kMargin + widest + 2 * kMargin;
}

int ChartLegend::heightForWidth(int width) const
{
    const QList<Placed> placed = layoutFor(width);
    return placed.isEmpty() ? 0 : placed.last().rect.bottom() + kMargin;
}

QSize ChartLegend::sizeHint() const
{
    const int width = naturalWidth();
    return {width, heightForWidth(width)};
}

QSize ChartLegend::minimumSizeHint() const
{
    // Narrow is fine: names wrap. Never a reason for a window to grow.
    return {kMargin + swatchWidth() + kMargin + 4 * fontMetrics().height(), fontMetrics().height()};
}

void ChartLegend::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    placed_ = layoutFor(width());
}

void ChartLegend::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        placed_ = layoutFor(width());
        updateGeometry();
    }
}

void ChartLegend::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics metrics = fontMetrics();
    const int swatch = swatchWidth();
    for (int i = 0; i < entries_.size() && i < placed_.size(); ++i) {
        const Entry& e = entries_[i];
        const Placed& at = placed_[i];
        QColor colour = e.color;
        colour.setAlphaF(e.visible ? 1.0 : 0.3);
        const int midY = at.rect.top() + metrics.lineSpacing() / 2;
        if (e.markers) {
            p.setPen(Qt::NoPen);
            p.setBrush(colour);
            p.drawEllipse(QPoint(kMargin + swatch / 2, midY), metrics.height() / 4, metrics.height() / 4);
        } else {
            p.setPen(QPen(colour, std::max(2.0, metrics.height() / 7.0), e.pen, Qt::FlatCap));
            p.drawLine(kMargin, midY, kMargin + swatch, midY);
        }
        QColor ink = palette().text().color();
        ink.setAlphaF(e.visible ? 1.0 : 0.45);
        p.setPen(ink);
        int y = at.rect.top();
        for (const QString& line : at.lines) {
            p.drawText(QRect(kMargin + swatch + kMargin, y, width(), metrics.lineSpacing()),
                       Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, line);
            y += metrics.lineSpacing();
        }
    }
}

void ChartLegend::mousePressEvent(QMouseEvent* event)
{
    for (int i = 0; i < placed_.size() && i < entries_.size(); ++i)
        if (placed_[i].rect.contains(event->position().toPoint())) {
            Q_EMIT toggled(entries_[i].key, !entries_[i].visible);
            return;
        }
    QWidget::mousePressEvent(event);
}

} // namespace traveller::ui
