#include "traveller/ui/SweepWorker.h"
#include "traveller/ui/Language.h"

#include <exception>

namespace traveller::ui {

SweepWorker::SweepWorker(std::shared_ptr<RunStore> store, const Sweep& sweep, const SweepOptions& options)
    : store_(std::move(store))
{
    for (const auto& run : sweep.runs)
        prefixes_.push_back(run.config.sample.prefix);
    runner_ = std::make_unique<SweepRunner>(*store_, sweep, options);
}

SweepWorker::~SweepWorker() = default;

void SweepWorker::run()
{
    QString error;
    try {
        runner_->run(*this, control_);
    } catch (const std::exception& e) {
        error = coreText(e);
    }
    Q_EMIT sweepFinished(error);
}

void SweepWorker::onRunStarted(std::size_t index, std::int64_t id)
{
    Q_EMIT runStarted(static_cast<int>(index), static_cast<qint64>(id));
}

void SweepWorker::onEpoch(std::size_t index, const EpochStats& stats)
{
    Q_EMIT epochDone(static_cast<int>(index), stats);
}

void SweepWorker::onRunFinished(std::size_t index, std::int64_t id, const RunResult& result)
{
    const std::string& prefix = index < prefixes_.size() ? prefixes_[index] : std::string("time traveller");
    Q_EMIT runFinished(static_cast<int>(index), static_cast<qint64>(id), toOutcome(result, prefix));
}

} // namespace traveller::ui
