// A chart's legend as a list beside its plot (private to traveller_ui;
// LineChart owns it): each series' whole name, wrapped onto as many lines as
// it takes, after a swatch of its colour and line. Qt Charts' own legend
// shares one row among all names and cuts long ones to "#33 …", so charts
// that name runs use this one. Clicking an entry shows or hides its series.
#pragma once

#include <QColor>
#include <QList>
#include <QRect>
#include <QString>
#include <QStringList>
#include <QWidget>

namespace traveller::ui {

class ChartLegend : public QWidget {
    Q_OBJECT
public:
    struct Entry {
        QString key;
        QString label;
        QColor color;
        Qt::PenStyle pen = Qt::SolidLine;
        bool markers = false;  // a scatter series: a dot, not a line
        bool visible = true;   // hidden series stay listed, faded, to be clicked back on
        bool operator==(const Entry& o) const
        {
            return key == o.key && label == o.label && color == o.color && pen == o.pen && markers == o.markers &&
                   visible == o.visible;
        }
    };

    explicit ChartLegend(QWidget* parent = nullptr);

    void setEntries(const QList<Entry>& entries);
    const QList<Entry>& entries() const { return entries_; }
    // The lines entry `index` is drawn in at the legend's width: its label,
    // whole, wrapped (at spaces, else anywhere).
    QStringList shownLines(int index) const;
    QRect entryRect(int index) const;
    // Wide enough for every label on one line.
    int naturalWidth() const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void toggled(const QString& key, bool visible);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Placed {
        QRect rect;
        QStringList lines;
    };
    QList<Placed> layoutFor(int width) const;
    int swatchWidth() const;

    QList<Entry> entries_;
    QList<Placed> placed_;  // at the current width
};

} // namespace traveller::ui
