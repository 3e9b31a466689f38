// Parallel coordinates (issue 28.5): an axis per setting that varies and per
// metric, a line per run through its values; a drag along an axis brushes a
// range and only the runs inside every brushed range stay lit (brushed()).
// Numbers on a linear axis, a learning rate (or any positive spread over two
// decades) on a log axis, words on an axis of their own values. Painted by
// hand: hundreds of runs redraw in milliseconds.
#pragma once

#include <QSet>
#include <QStringList>
#include <QWidget>

#include <cmath>
#include <optional>
#include <vector>

namespace traveller::ui {

struct ParallelAxis {
    QString key;        // "train.lr", or a metric's name
    QString title;      // as drawn under the axis
    bool numeric = true;
    bool log = false;
    QStringList words;  // a word axis's values, in order
};

struct ParallelLine {
    qint64 id = 0;
    std::vector<double> values;  // per axis; a word axis's value is its index; NaN: none
};

class ParallelPlot : public QWidget {
    Q_OBJECT
public:
    explicit ParallelPlot(QWidget* parent = nullptr);

    // Axes and lines; brushes on axes that stay (by key) are kept.
    void setData(std::vector<ParallelAxis> axes, std::vector<ParallelLine> lines);
    const std::vector<ParallelAxis>& axes() const { return axes_; }
    // A brush on axis `axis` from `lo` to `hi` (in its values; a word axis's
    // index); none clears it. brushed() follows.
    void setBrush(int axis, std::optional<std::pair<double, double>> range);
    void clearBrushes();
    // The runs inside every brush (all of them when nothing is brushed).
    QSet<qint64> lit() const;

    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void brushed(const QSet<qint64>& ids);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    QRectF plotArea() const;
    double axisX(int axis) const;
    // A value's height on its axis (0 bottom .. 1 top); NaN for none.
    double position(int axis, double value) const;
    double valueAt(int axis, double position) const;
    int axisNear(double x) const;
    void paintAxis(QPainter& p, int axis) const;

    std::vector<ParallelAxis> axes_;
    std::vector<ParallelLine> lines_;
    std::vector<std::pair<double, double>> range_;  // per axis: min, max of its values (log: of their logs)
    std::vector<std::optional<std::pair<double, double>>> brush_;  // per axis, in its values
    int dragAxis_ = -1;
    double dragFrom_ = 0;
};

} // namespace traveller::ui
