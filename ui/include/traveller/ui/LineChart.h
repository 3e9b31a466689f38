// The plotting adapter: every use of Qt Charts in the workbench goes through
// this widget (Qt Charts is deprecated from Qt 6.10 on; swapping the backend
// means rewriting this file only). Series are addressed by a string key.
//
// Whatever the values — a diverged run's 1e11 beside perplexities of 1–30,
// 1e30, inf, NaN, one point — the chart draws in bounded time and memory:
// the axis range and its ticks come from the core's one rule
// (traveller/core/chart/ChartScale.h), out-of-range points are drawn at the plot's
// edge with a red triangle and named under the chart, and Qt Charts only
// ever sees numbers inside the axis with at most a dozen ticks (the tick step
// is set while the axis counts a fixed five ticks, so no Qt tick loop can run
// away between a range and its step). A log axis is drawn as log10 of the
// values on a linear axis whose ticks sit at round values (1, 2, 5, 10 …).
//
// The legend is Qt Charts' row under the plot while every name fits in it,
// else a list with each name whole (ChartLegend): beside the plot, or under
// it where the chart is too narrow to share its width.
#pragma once

#include "traveller/core/chart/ChartScale.h"
#include "traveller/core/chart/Smoothing.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <vector>

class QAreaSeries;
class QBoxLayout;
class QChart;
class QLineSeries;
class QChartView;
class QLabel;
class QPaintDevice;
class QScatterSeries;
class QScrollArea;
class QValueAxis;
class QCategoryAxis;
class QXYSeries;

namespace traveller::ui {

class ChartLegend;

class LineChart : public QWidget {
    Q_OBJECT
public:
    enum class Style { Line, Markers, DashedLine };
    // Auto: Qt Charts' row under the plot while every name fits there, else
    // the list beside it. List: always the list (charts that name runs).
    enum class Legend { Auto, List };
    // The default export width: readable on a slide.
    static constexpr int kExportWidth = 1600;

    LineChart(const QString& xTitle, const QString& yTitle, QWidget* parent = nullptr);

    void setTitle(const QString& title);
    QString title() const;
    // Rewrites the chart's own texts (title, axis titles, series labels)
    // through `map`: a language switch (Language.h).
    void mapTexts(const std::function<QString(const QString&)>& map);
    void addSeries(const QString& key, const QString& label, Style style = Style::Line, const QColor& color = {});
    void setColor(const QString& key, const QColor& color);
    QColor color(const QString& key) const;
    bool hasSeries(const QString& key) const { return series_.contains(key); }
    void removeSeries(const QString& key);
    void removeAll();
    void setLabel(const QString& key, const QString& label);
    QString label(const QString& key) const;
    // Between beginUpdate() and endUpdate() series are added, filled and
    // removed without laying the chart out; endUpdate() does it once (64
    // curves of 1,000 epochs: one layout instead of 64).
    void beginUpdate();
    void endUpdate();
    // beginUpdate() now, endUpdate() at the end of the scope (an exception included).
    class Batch {
    public:
        explicit Batch(LineChart* chart) : chart_(chart) { chart_->beginUpdate(); }
        ~Batch() { chart_->endUpdate(); }
        Batch(const Batch&) = delete;
        Batch& operator=(const Batch&) = delete;

    private:
        LineChart* chart_;
    };
    // Replaces all points at once (one repaint, not one per point). Any value
    // is accepted; what cannot be drawn is clipped and marked.
    void setPoints(const QString& key, const QList<QPointF>& points);
    // The points as given (not as drawn).
    QList<QPointF> points(const QString& key) const { return raw_.value(key); }
    int pointCount(const QString& key) const { return static_cast<int>(raw_.value(key).size()); }
    // The points handed to Qt Charts, clipped into the axis range.
    QList<QPointF> drawnPoints(const QString& key) const;
    QStringList keys() const { return order_; }

    // A band between two curves (a group of runs' spread), filled faintly in
    // `color`: not in the legend nor the hover; its values count in the axis
    // range and are clipped like a line's. Points of `lower` and `upper` pair
    // by index. In LineChartBands.cpp, with the smoothing.
    void setBand(const QString& key, const QList<QPointF>& lower, const QList<QPointF>& upper, const QColor& color);
    void removeBand(const QString& key);
    QStringList bandKeys() const { return bands_.keys(); }
    QList<QPointF> bandLower(const QString& key) const;
    QList<QPointF> bandUpper(const QString& key) const;

    // Smoothing for display: every line (not markers, not bands) is drawn
    // smoothed, its values as given faint underneath; points(), the hover
    // and the stored values keep the values as given, and the exports say
    // it (the title's note in PNG and SVG, a column of their own in CSV).
    void setSmoothing(const chart::SmoothingSpec& spec);
    chart::SmoothingSpec smoothing() const { return smoothing_; }
    // What a line is drawn from: smoothed, or its points as given.
    QList<QPointF> shownPoints(const QString& key) const;
    // The sentence the title carries while smoothing is on ("" when off).
    QString smoothingNote() const;
    // The faint line of a smoothed series' values as given, as drawn (empty when off).
    QList<QPointF> rawShadowPoints(const QString& key) const;

    void setSeriesVisible(const QString& key, bool visible);
    bool seriesVisible(const QString& key) const;
    // Hide a series from the legend (e.g. markers that belong to a line).
    void setInLegend(const QString& key, bool inLegend);
    void setLegend(Legend legend);
    // True while the legend is the list beside the plot.
    bool legendIsList() const;
    const ChartLegend* legendList() const { return legend_; }

    void setLogScale(bool on);
    bool logScale() const { return logScale_; }
    // x values are counts (epochs, words): ticks at whole numbers only.
    void setIntegerX(bool on);

    // The axes as drawn: range and tick labels.
    double yMin() const { return yLo_; }
    double yMax() const { return yHi_; }
    double xMin() const { return xLo_; }
    double xMax() const { return xHi_; }
    QStringList yTickLabels() const;
    QStringList xTickLabels() const;
    // Points drawn at the edge because they lie outside the axis, and the
    // sentence under the chart that names them ("" when none).
    int clippedCount() const { return clippedCount_; }
    QString clippedNote() const;

    // Text shown when hovering near a point: label, x, y -> text.
    void setHoverFormat(std::function<QString(const QString&, double, double)> format);
    // The text for the data point nearest to `viewportPos` (within 24 px), as
    // the tooltip shows it; "" when none is near.
    QString hoverTextAt(const QPoint& viewportPos);
    // The curve and its point (as given) nearest to a place of the plot, within
    // a finger's reach (LineChartHit.cpp); false when none is.
    bool pointAt(const QPoint& viewportPos, QString* key, QPointF* point) const;
    QString lastHoverText() const { return lastHoverText_; }
    QWidget* plotViewport() const;
    // Where a data point is drawn, in plotViewport() coordinates.
    QPoint viewportPosition(const QString& key, int index) const;

    // Images at a chosen width (height in the widget's proportions, or given).
    bool exportPng(const QString& path, int width = kExportWidth, int height = 0) const;
    static bool svgSupported();
    bool exportSvg(const QString& path, int width = kExportWidth, int height = 0) const;
    // "series,<xName>,<yName>" rows for every series, in order.
    QString toCsv(const QString& xName, const QString& yName) const;

Q_SIGNALS:
    // The user clicked a legend entry.
    void visibilityToggled(const QString& key, bool visible);
    // A right-click on the point `point` (as given) of the curve `key`.
    void pointMenuRequested(const QString& key, const QPointF& point, const QPoint& globalPos);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void rescale();
    void applyFonts();
    void fitTitles();  // LineChartTitles.cpp
    void styleLegendMarker(const QString& key);
    void updateLegend();
    void setLinearAxis(QValueAxis* axis, double lo, double hi, double step);
    QStringList setYTicks(double lo, double hi, int target);
    QSize exportSize(int width, int height) const;
    bool exportTo(QPaintDevice& device, const QSize& size) const;
    QSize tickTargets() const;
    // Bands and the smoothed lines' faint originals, laid on the axis as
    // `view` sets it (LineChartBands.cpp); their values for the axis range.
    void placeExtras(const chart::YView& view);
    void extraValues(std::vector<std::vector<double>>& ys, std::vector<double>& xs) const;
    QList<QPointF> placed(const QList<QPointF>& points, const chart::YView& view) const;
    void hideExtraMarkers();

    struct Band {
        QList<QPointF> lower, upper;
        QAreaSeries* area = nullptr;
    };

    QChart* chart_;
    QChartView* view_;
    QValueAxis* xAxis_;
    QCategoryAxis* yAxis_;  // a value axis whose labels are ours (setYTicks); log10 of y on a log scale
    QString title_;   // as set; the chart draws it wrapped to its width
    QString yTitle_;
    QStringList xTicks_;
    QStringList yTicks_;
    QScatterSeries* clippedMarks_;  // red triangles at the edge, not in the legend
    QLabel* note_;
    ChartLegend* legend_;
    QScrollArea* legendArea_;  // holds legend_: a long list scrolls
    QBoxLayout* plotLayout_;   // the plot and the list: side by side, or the list below a narrow plot
    Legend legendMode_ = Legend::Auto;
    bool logScale_ = false;
    bool integerX_ = true;
    double xLo_ = 0, xHi_ = 1, yLo_ = 0, yHi_ = 1;
    int clippedCount_ = 0;
    int updateDepth_ = 0;
    QSize tickTargets_;  // ticks the plot had room for at the last layout
    QString clippedNote_;
    QHash<QString, QXYSeries*> series_;
    QHash<QString, Style> styles_;
    QHash<QString, QList<QPointF>> raw_;
    QHash<QString, QList<QPointF>> drawn_;
    QHash<QString, bool> inLegend_;
    QStringList order_;
    std::function<QString(const QString&, double, double)> hoverFormat_;
    QString lastHoverText_;
    QHash<QString, Band> bands_;
    QHash<QString, QLineSeries*> shadows_;  // a smoothed line's values as given, faint
    chart::SmoothingSpec smoothing_;
};

} // namespace traveller::ui
