// The language model tab's two live charts (private to traveller_ui): the
// perplexity of every run, with a log-scale switch and PNG/SVG/CSV export,
// and the gradient norm of each batch of one run against its clipping
// threshold.
#pragma once

#include "traveller/ui/RunQueue.h"

#include <QList>
#include <QSplitter>

class QCheckBox;
class QLabel;

namespace traveller::ui {

class LineChart;

// "CPU (2 threads)".
QString cpuLabel(int threads);
// A device of availableDevices() as the window names it: the CPU's label
// ("CPU (2 threads)") in the window's language, a GPU's as core writes it.
QString deviceLabel(const std::string& id, const std::string& label);

class LmCharts : public QSplitter {
    Q_OBJECT
public:
    explicit LmCharts(QWidget* parent = nullptr);

    LineChart* perplexity() const { return perplexity_; }
    LineChart* gradient() const { return gradient_; }
    void setLogScale(bool on);
    // The gradient chart shows `run`'s batches (nothing for null).
    void showGradients(const RunQueue::Run* run);

Q_SIGNALS:
    // An export button was used and a file named (its suffix set).
    void exportRequested(const QString& path);

private:
    LineChart* perplexity_;
    LineChart* gradient_;
    QCheckBox* logScale_;
};

// The language model tab's figures in the window's status bar: the run in
// progress (else the last one that trained), its epoch, perplexity, speed,
// time and device.
class LmStatus {
public:
    explicit LmStatus(QWidget* owner, const QString& perplexityTip);
    QList<QLabel*> labels() const { return labels_; }
    void show(const RunQueue& queue);

private:
    QList<QLabel*> labels_;
};

} // namespace traveller::ui
