// Measures how late the GUI thread's event loop runs: a precise heartbeat
// timer notes how far past its interval each tick arrives. The worst lateness
// is the longest the window could not react to input.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace traveller::ui {

class ResponsivenessProbe : public QObject {
    Q_OBJECT
public:
    explicit ResponsivenessProbe(int intervalMs = 10, QObject* parent = nullptr);

    void start();
    void stop();
    double maxLatenessMs() const;
    double percentileLatenessMs(double p) const;  // p in [0, 100]
    double meanLatenessMs() const;
    int ticks() const { return static_cast<int>(latenessMs_.size()); }

private:
    void tick();

    int intervalMs_;
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 lastNs_ = 0;
    std::vector<double> latenessMs_;
};

} // namespace traveller::ui
