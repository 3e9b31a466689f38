#include "traveller/ui/ResponsivenessProbe.h"

#include <algorithm>
#include <numeric>

namespace traveller::ui {

ResponsivenessProbe::ResponsivenessProbe(int intervalMs, QObject* parent) : QObject(parent), intervalMs_(intervalMs)
{
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(intervalMs_);
    connect(&timer_, &QTimer::timeout, this, &ResponsivenessProbe::tick);
}

void ResponsivenessProbe::start()
{
    latenessMs_.clear();
    clock_.start();
    lastNs_ = 0;
    timer_.start();
}

void ResponsivenessProbe::stop() { timer_.stop(); }

void ResponsivenessProbe::tick()
{
    const qint64 now = clock_.nsecsElapsed();
    latenessMs_.push_back(std::max(0.0, static_cast<double>(now - lastNs_) / 1e6 - intervalMs_));
    lastNs_ = now;
}

double ResponsivenessProbe::maxLatenessMs() const
{
    return latenessMs_.empty() ? 0.0 : *std::max_element(latenessMs_.begin(), latenessMs_.end());
}

double ResponsivenessProbe::percentileLatenessMs(double p) const
{
    if (latenessMs_.empty())
        return 0.0;
    std::vector<double> sorted = latenessMs_;
    std::sort(sorted.begin(), sorted.end());
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

double ResponsivenessProbe::meanLatenessMs() const
{
    return latenessMs_.empty() ? 0.0
                               : std::accumulate(latenessMs_.begin(), latenessMs_.end(), 0.0) /
                                     static_cast<double>(latenessMs_.size());
}

} // namespace traveller::ui
