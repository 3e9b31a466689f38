// How a chart of runs is drawn, never what is stored (private to
// traveller_ui): smoothing for display (off, an exponential moving average
// debiased as TensorBoard's with its weight, or a centred moving average
// with its window; core's chart/Smoothing.h) and, where groups of runs are
// drawn, their band (min–max or ±1 sd). Off by default.
#pragma once

#include "traveller/core/chart/Smoothing.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QToolButton;

namespace traveller::ui {

enum class BandKind;

class ChartDisplayBar : public QWidget {
    Q_OBJECT
public:
    explicit ChartDisplayBar(QWidget* parent = nullptr);

    chart::SmoothingSpec smoothing() const;
    void setSmoothing(const chart::SmoothingSpec& spec);
    BandKind band() const;
    void setBand(BandKind band);
    // The band's choice is shown only while groups are drawn.
    void setBandShown(bool shown);

Q_SIGNALS:
    void smoothingChanged();
    void bandChanged();
    // Save… chose a file (its suffix says the format: .png, .svg or .csv).
    void saveRequested(const QString& path);

private:
    void updateStrength();

    QComboBox* smoothing_;
    QDoubleSpinBox* weight_;
    QSpinBox* window_;
    QLabel* bandLabel_;
    QComboBox* band_;
    QToolButton* save_;
};

} // namespace traveller::ui
