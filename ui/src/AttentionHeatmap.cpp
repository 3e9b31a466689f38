#include "traveller/ui/AttentionHeatmap.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace traveller::ui {

AttentionHeatmap::AttentionHeatmap(QWidget* parent) : QWidget(parent)
{
    setMinimumSize(200, 140);
}

void AttentionHeatmap::setData(const QStringList& source, const QStringList& output,
                               const std::vector<std::vector<float>>& weights)
{
    source_ = source;
    output_ = output;
    weights_ = weights;
    update();
}

void AttentionHeatmap::clear()
{
    setData({}, {}, {});
}

void AttentionHeatmap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (weights_.empty() || columns() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Attention weights appear here for a translation by the attention decoder."));
        return;
    }
    const QFontMetrics fm(font());
    int labelWidth = 0;
    for (const QString& t : output_)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(t));
    labelWidth += 8;
    const int labelHeight = fm.height() + 6;
    const int rowsN = rows(), colsN = columns();
    const double cellW = std::max(1.0, (width() - labelWidth - 4.0) / colsN);
    const double cellH = std::max(1.0, (height() - labelHeight - 4.0) / rowsN);

    p.setPen(palette().color(QPalette::Text));
    for (int j = 0; j < colsN; ++j) {
        const QRectF r(labelWidth + j * cellW, 0, cellW, labelHeight);
        p.drawText(r, Qt::AlignCenter, j < source_.size() ? fm.elidedText(source_[j], Qt::ElideRight, int(cellW)) : QString());
    }
    for (int i = 0; i < rowsN; ++i) {
        const QRectF r(0, labelHeight + i * cellH, labelWidth - 4, cellH);
        p.drawText(r, Qt::AlignRight | Qt::AlignVCenter, i < output_.size() ? output_[i] : QString());
    }
    for (int i = 0; i < rowsN; ++i) {
        for (int j = 0; j < colsN && j < static_cast<int>(weights_[size_t(i)].size()); ++j) {
            const float w = std::clamp(weights_[size_t(i)][size_t(j)], 0.0f, 1.0f);
            // White (0) to dark blue (1).
            const QColor c = QColor::fromRgbF(1.0f - 0.8f * w, 1.0f - 0.65f * w, 1.0f - 0.3f * w);
            const QRectF cell(labelWidth + j * cellW, labelHeight + i * cellH, cellW, cellH);
            p.fillRect(cell, c);
            if (cellW > 34 && cellH > fm.height()) {
                p.setPen(w > 0.5f ? Qt::white : Qt::black);
                p.drawText(cell, Qt::AlignCenter, QString::number(double(w), 'f', 2));
            }
        }
    }
}

} // namespace traveller::ui
