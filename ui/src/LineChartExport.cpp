// LineChart's files: the chart as PNG or SVG (drawn at the image's scale, so
// text and lines stay sharp; with the list of names beside the plot when the
// chart shows one) and its values as CSV, every value as given (a diverged
// run's 1e11 and NaN included, not as drawn).
#include "traveller/ui/LineChart.h"

#include <QChart>
#include <QChartView>
#include <QImage>
#include <QPainter>
#include <QTextStream>
#include <QXYSeries>

#ifdef TRAVELLER_HAVE_SVG
#include <QSvgGenerator>
#endif

#include <algorithm>

namespace traveller::ui {

QSize LineChart::exportSize(int width, int height) const
{
    width = std::clamp(width, 100, 10000);
    if (height <= 0) {
        const QSize shown = legendIsList() ? size() : view_->size();
        height = shown.width() > 50 && shown.height() > 50 ? width * shown.height() / shown.width() : width * 9 / 16;
    }
    return {width, std::clamp(height, 100, 10000)};
}

bool LineChart::exportTo(QPaintDevice& device, const QSize& size) const
{
    QPainter painter;
    if (!painter.begin(&device))
        return false;
    painter.setRenderHint(QPainter::Antialiasing);
    if (legendIsList()) {
        // The plot and the list of names as laid out, painted at the image's scale.
        painter.scale(size.width() / static_cast<double>(std::max(1, this->width())),
                      size.height() / static_cast<double>(std::max(1, this->height())));
        const_cast<LineChart*>(this)->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    } else {
        // Rendered from the scene, so text and lines scale with the image.
        view_->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), view_->viewport()->rect(), Qt::IgnoreAspectRatio);
    }
    return painter.end();
}

bool LineChart::exportPng(const QString& path, int width, int height) const
{
    const QSize size = exportSize(width, height);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    return exportTo(image, size) && image.save(path, "PNG");
}

bool LineChart::svgSupported()
{
#ifdef TRAVELLER_HAVE_SVG
    return true;
#else
    return false;
#endif
}

bool LineChart::exportSvg(const QString& path, int width, int height) const
{
#ifdef TRAVELLER_HAVE_SVG
    const QSize size = exportSize(width, height);
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(title_);
    return exportTo(generator, size);
#else
    Q_UNUSED(path);
    Q_UNUSED(width);
    Q_UNUSED(height);
    return false;
#endif
}

QString LineChart::toCsv(const QString& xName, const QString& yName) const
{
    QString out;
    QTextStream ts(&out);
    // Smoothed for display: the values as given, then the drawn ones in a
    // column named after the smoothing (y_smoothed_ema_0.6).
    const QString tag = QString::fromStdString(chart::smoothingTag(smoothing_));
    ts << "series," << xName << ',' << yName;
    if (!tag.isEmpty())
        ts << ',' << yName << "_smoothed_" << tag;
    ts << '\n';
    for (const QString& k : order_) {
        const QXYSeries* s = series_.value(k);
        QString name = s->name();
        if (name.contains(',') || name.contains('"'))
            name = '"' + name.replace('"', "\"\"") + '"';
        const QList<QPointF> shown = shownPoints(k);
        const QList<QPointF> raw = raw_.value(k);
        for (qsizetype i = 0; i < raw.size(); ++i) {
            const QPointF& p = raw[i];
            ts << name << ',' << QString::number(p.x(), 'g', 10) << ',' << QString::number(p.y(), 'g', 10);
            if (!tag.isEmpty())
                ts << ',' << QString::number(shown[i].y(), 'g', 10);
            ts << '\n';
        }
    }
    return out;
}

} // namespace traveller::ui
