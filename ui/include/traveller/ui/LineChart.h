// The plotting adapter: every use of Qt Charts in the workbench goes through
// this widget (Qt Charts is deprecated from Qt 6.10 on; swapping the backend
// means rewriting this file only). Series are addressed by a string key.
#pragma once

#include <QHash>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>

class QChart;
class QChartView;
class QXYSeries;
class QValueAxis;
class QLogValueAxis;
class QAbstractAxis;

namespace traveller::ui {

class LineChart : public QWidget {
    Q_OBJECT
public:
    enum class Style { Line, Markers, DashedLine };

    LineChart(const QString& xTitle, const QString& yTitle, QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void addSeries(const QString& key, const QString& label, Style style = Style::Line, const QColor& color = {});
    bool hasSeries(const QString& key) const { return series_.contains(key); }
    void removeSeries(const QString& key);
    void removeAll();
    void setLabel(const QString& key, const QString& label);
    QString label(const QString& key) const;
    // Replaces all points at once (one repaint, not one per point).
    void setPoints(const QString& key, const QList<QPointF>& points);
    QList<QPointF> points(const QString& key) const;
    int pointCount(const QString& key) const;
    QStringList keys() const { return order_; }

    void setSeriesVisible(const QString& key, bool visible);
    bool seriesVisible(const QString& key) const;
    // Hide a series from the legend (e.g. markers that belong to a line).
    void setInLegend(const QString& key, bool inLegend);

    void setLogScale(bool on);
    bool logScale() const { return logScale_; }

    // Text shown when hovering a point: label, x, y -> text.
    void setHoverFormat(std::function<QString(const QString&, double, double)> format);
    QString lastHoverText() const { return lastHoverText_; }

    bool exportPng(const QString& path) const;
    static bool svgSupported();
    bool exportSvg(const QString& path) const;
    // "series,<xName>,<yName>" rows for every series, in order.
    QString toCsv(const QString& xName, const QString& yName) const;

Q_SIGNALS:
    // The user clicked a legend entry.
    void visibilityToggled(const QString& key, bool visible);

private:
    void rescale();
    void attachYAxis(QAbstractAxis* axis);
    void showHover(const QString& key, const QPointF& point, bool state);
    void styleLegendMarker(const QString& key);

    QChart* chart_;
    QChartView* view_;
    QValueAxis* xAxis_;
    QValueAxis* yLinear_;
    QLogValueAxis* yLog_;
    bool logScale_ = false;
    QHash<QString, QXYSeries*> series_;
    QHash<QString, bool> inLegend_;
    QStringList order_;
    std::function<QString(const QString&, double, double)> hoverFormat_;
    QString lastHoverText_;
};

} // namespace traveller::ui
