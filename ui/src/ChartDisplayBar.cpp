#include "ChartDisplayBar.h"

#include "RunGroups.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QToolButton>
#include "traveller/ui/LineChart.h"
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>

namespace traveller::ui {

ChartDisplayBar::ChartDisplayBar(QWidget* parent) : QWidget(parent)
{
    smoothing_ = new QComboBox;
    smoothing_->setObjectName("smoothingCombo");
    smoothing_->addItem(tr("No smoothing"), static_cast<int>(chart::Smoothing::None));
    smoothing_->addItem(tr("EMA"), static_cast<int>(chart::Smoothing::Ema));
    smoothing_->addItem(tr("Centred mean"), static_cast<int>(chart::Smoothing::Centred));
    smoothing_->setToolTip(tr("Smooth the curves for display only (the stored values never change; the values as "
                              "given stay faint underneath). EMA: exponential moving average, debiased as "
                              "TensorBoard's. Centred mean: the mean of a window of epochs around each."));
    weight_ = new QDoubleSpinBox;
    weight_->setObjectName("smoothingWeight");
    weight_->setRange(0.0, 0.99);
    weight_->setSingleStep(0.05);
    weight_->setDecimals(2);
    weight_->setValue(0.6);
    weight_->setToolTip(tr("The weight of the past: 0 draws the values as given, 0.99 smooths the most"));
    window_ = new QSpinBox;
    window_->setObjectName("smoothingWindow");
    window_->setRange(3, chart::kMaxWindow);
    window_->setSingleStep(2);
    window_->setValue(5);
    window_->setToolTip(tr("How many epochs each point averages, centred on it (odd)"));
    bandLabel_ = new QLabel(tr("Band:"));
    band_ = new QComboBox;
    band_->setObjectName("bandCombo");
    band_->addItem(tr("min–max"), static_cast<int>(BandKind::MinMax));
    band_->addItem(tr("±1 sd"), static_cast<int>(BandKind::StdDev));
    band_->setToolTip(tr("Around a group's mean curve: the range of its runs, or one standard deviation each side"));

    save_ = new QToolButton;
    save_->setObjectName("saveChartButton");
    save_->setText(tr("Save…"));
    save_->setToolTip(tr("Save the chart as PNG or SVG, or its values as CSV; a smoothed chart says so in each"));
    save_->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(save_);
    for (auto [text, filter, suffix] : {std::tuple{tr("PNG…"), tr("PNG image (*.png)"), ".png"},
                                        std::tuple{tr("SVG…"), tr("SVG image (*.svg)"), ".svg"},
                                        std::tuple{tr("CSV…"), tr("CSV table (*.csv)"), ".csv"}}) {
        QAction* a = menu->addAction(text);
        a->setEnabled(QString(suffix) != ".svg" || LineChart::svgSupported());
        connect(a, &QAction::triggered, this, [this, filter = filter, suffix = suffix] {
            const QString path = QFileDialog::getSaveFileName(this, tr("Save the chart"), QString(), filter);
            // A name typed without an extension: the menu's entry says which format.
            if (!path.isEmpty())
                Q_EMIT saveRequested(QFileInfo(path).suffix().isEmpty() ? path + suffix : path);
        });
    }
    save_->setMenu(menu);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(smoothing_);
    layout->addWidget(weight_);
    layout->addWidget(window_);
    layout->addStretch(1);
    layout->addWidget(bandLabel_);
    layout->addWidget(band_);
    layout->addWidget(save_);

    connect(smoothing_, &QComboBox::currentIndexChanged, this, [this] {
        updateStrength();
        Q_EMIT smoothingChanged();
    });
    connect(weight_, &QDoubleSpinBox::valueChanged, this, &ChartDisplayBar::smoothingChanged);
    connect(window_, &QSpinBox::valueChanged, this, [this](int value) {
        if (value % 2 == 0)
            window_->setValue(value + 1);  // centred: as many epochs each side
        else
            Q_EMIT smoothingChanged();
    });
    connect(band_, &QComboBox::currentIndexChanged, this, &ChartDisplayBar::bandChanged);
    updateStrength();
    setBandShown(false);
}

void ChartDisplayBar::updateStrength()
{
    const auto kind = static_cast<chart::Smoothing>(smoothing_->currentData().toInt());
    weight_->setVisible(kind == chart::Smoothing::Ema);
    window_->setVisible(kind == chart::Smoothing::Centred);
}

chart::SmoothingSpec ChartDisplayBar::smoothing() const
{
    return {static_cast<chart::Smoothing>(smoothing_->currentData().toInt()), weight_->value(), window_->value()};
}

void ChartDisplayBar::setSmoothing(const chart::SmoothingSpec& spec)
{
    weight_->setValue(spec.weight);
    window_->setValue(spec.window);
    smoothing_->setCurrentIndex(smoothing_->findData(static_cast<int>(spec.kind)));
}

BandKind ChartDisplayBar::band() const { return static_cast<BandKind>(band_->currentData().toInt()); }

void ChartDisplayBar::setBand(BandKind band) { band_->setCurrentIndex(band_->findData(static_cast<int>(band))); }

void ChartDisplayBar::setBandShown(bool shown)
{
    bandLabel_->setVisible(shown);
    band_->setVisible(shown);
}

} // namespace traveller::ui
