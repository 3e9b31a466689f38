#include "traveller/ui/LabWorker.h"
#include "traveller/ui/Language.h"

#include "traveller/core/store/RunRules.h"

#include <exception>

namespace traveller::ui {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
} // namespace

LabWorker::LabWorker(std::shared_ptr<RunStore> store, LabOptions options)
    : store_(std::move(store)), options_(std::move(options))
{
}

void LabWorker::run()
{
    QString error;
    try {
        runLab(*store_, options_, *this, control_);
    } catch (const std::exception& e) {
        error = coreText(e);
    }
    Q_EMIT labFinished(error);
}

void LabWorker::onStepStarted(const LabStep& step, std::size_t runs)
{
    Q_EMIT stepStarted(q(step.id), static_cast<int>(runs));
}

void LabWorker::onRunStarted(const LabStep& step, const std::string& label, std::int64_t id)
{
    Q_EMIT runStarted(q(step.id), q(label), static_cast<qint64>(id));
}

void LabWorker::onRunResumed(const LabStep& step, const std::string& label, std::int64_t id, int fromEpoch)
{
    Q_EMIT runResumed(q(step.id), q(label), static_cast<qint64>(id), fromEpoch);
}

void LabWorker::onRunReused(const LabStep& step, const std::string& label, const StoredRun& run)
{
    // The core's word (the panel translates it with the lab's texts).
    Q_EMIT runReused(q(step.id), q(label), static_cast<qint64>(run.id), q(stateLabel(run.state, run.blewUpAt)));
}

void LabWorker::onEpoch(const LabStep& step, const std::string& label, int epoch, int epochs, double value)
{
    Q_EMIT epochDone(q(step.id), q(label), epoch, epochs, value);
}

void LabWorker::onRunFinished(const LabStep& step, const std::string& label, std::int64_t id, const RunResult& r)
{
    Q_EMIT runFinished(q(step.id), q(label), static_cast<qint64>(id), q(toString(r.status)));
}

void LabWorker::onStepFinished(const LabStep& step, double seconds) { Q_EMIT stepFinished(q(step.id), seconds); }

} // namespace traveller::ui
