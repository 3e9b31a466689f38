#include "traveller/ui/Language.h"
#include "traveller/ui/RunQueue.h"

#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/TrainingWorker.h"

#include "Format.h"
#include "traveller/core/store/RunRules.h"
#include "WorkerThread.h"

#include <QPointer>

#include <cmath>

namespace traveller::ui {

struct RunQueue::Slot {
    Run run;
    WorkerThread thread;
    QPointer<TrainingWorker> worker;  // lives on `thread`
};

RunQueue::RunQueue(QString dataDir, RunLibrary* library, QObject* parent)
    : QObject(parent), dataDir_(std::move(dataDir)), library_(library)
{
    registerUiMetaTypes();
}

RunQueue::~RunQueue()
{
    // Every trainer is asked first, then each is joined: they stop together,
    // within a batch, a paused one included (requestStop wakes it).
    for (auto& [id, s] : runs_)
        s->thread.requestStop();
    for (auto& [id, s] : runs_)
        s->thread.join();
}

RunQueue::Slot* RunQueue::slot(int id) const
{
    const auto it = runs_.find(id);
    return it == runs_.end() ? nullptr : it->second.get();
}

const RunQueue::Run* RunQueue::run(int id) const
{
    const Slot* s = slot(id);
    return s ? &s->run : nullptr;
}

QList<int> RunQueue::ids() const
{
    QList<int> out;
    for (const auto& [id, s] : runs_)
        out << id;
    return out;
}

int RunQueue::enqueue(const ExperimentConfig& config)
{
    auto s = std::make_unique<Slot>();
    Run& r = s->run;
    r.id = nextId_++;
    r.config = config;
    r.name = QString::fromStdString(config.displayName());
    // Two runs of the same settings would share a legend entry: number them.
    int same = 0;
    for (const auto& [id, other] : runs_)
        if (QString::fromStdString(other->run.config.displayName()) == r.name)
            ++same;
    if (same > 0)
        r.name += QStringLiteral(" #%1").arg(same + 1);
    r.color = format::seriesColor(r.id - 1);  // the n-th run of the tab, the n-th colour
    r.last.perplexity = std::nan("");
    const int id = r.id;
    runs_.emplace(id, std::move(s));
    setState(slot(id)->run, RunState::Queued);
    waiting_.append(id);
    Q_EMIT runAdded(id);
    startNext();
    return id;
}

void RunQueue::startNext()
{
    if (currentId_ >= 0)
        return;
    if (waiting_.isEmpty()) {
        Q_EMIT queueDrained();
        return;
    }
    Slot& s = *slot(waiting_.takeFirst());
    Run& r = s.run;
    currentId_ = r.id;
    // A library that cannot be opened costs the record, not the run: it
    // trains, and says so now and when it ends.
    std::shared_ptr<RunStore> store = library_ ? library_->store() : nullptr;
    if (library_ && !store)
        r.unrecorded = library_->unrecordedNote();
    auto* worker = new TrainingWorker(r.id, r.config, dataDir_, store);
    connect(worker, &TrainingWorker::started, this, &RunQueue::onStarted);
    connect(worker, &TrainingWorker::batchDone, this, &RunQueue::onBatch);
    connect(worker, &TrainingWorker::epochDone, this, &RunQueue::onEpoch);
    connect(worker, &TrainingWorker::finished, this, &RunQueue::onFinished);
    connect(worker, &TrainingWorker::failed, this, &RunQueue::onFailed);
    connect(worker, &TrainingWorker::generated, this,
            [this](int runId, int, const QString&, const QString& text) { Q_EMIT generated(runId, text); });
    connect(worker, &TrainingWorker::inspected, this, &RunQueue::inspected);
    connect(worker, &TrainingWorker::settingChanged, this, [this](int runId, const SettingEvent& e) {
        if (Slot* changed = slot(runId)) {
            changed->run.events.append(e);
            try {  // the run's settings follow (a later change is checked against them)
                changed->run.config = withLiveChange(changed->run.config, e.key, e.to);
            } catch (const ConfigError&) {
            }
        }
        Q_EMIT settingChanged(runId, e);
    });
    setState(r, RunState::Loading);
    s.worker = s.thread.start(worker, &TrainingWorker::run, QStringLiteral("run%1").arg(r.id));
}

bool RunQueue::requestChange(const std::string& key, const std::string& value, QString* why)
{
    Slot* s = slot(currentId_);
    if (!s || (s->run.state != RunState::Training && s->run.state != RunState::Paused)) {
        if (why)
            *why = tr("No run is training");
        return false;
    }
    try {
        // The epoch it is in: an end before it is refused here, at once.
        withLiveChange(s->run.config, key, value, s->run.last.epoch + 1);
    } catch (const ConfigError& e) {
        if (why)
            *why = coreText(e);
        return false;
    }
    s->worker->requestChange(key, value);
    return true;
}

void RunQueue::pause()
{
    Slot* s = slot(currentId_);
    if (!s || s->run.state != RunState::Training)
        return;
    s->worker->pause();
    setState(s->run, RunState::Paused);
}

void RunQueue::resume()
{
    Slot* s = slot(currentId_);
    if (!s || s->run.state != RunState::Paused)
        return;
    s->worker->resume();
    setState(s->run, RunState::Training);
}

void RunQueue::stop()
{
    for (int id : std::as_const(waiting_))
        setState(slot(id)->run, RunState::Cancelled);
    waiting_.clear();
    if (Slot* s = slot(currentId_)) {
        // The trainer notices within one batch and returns what it has.
        s->thread.requestStop();
        setState(s->run, s->run.state, tr("stopping…"));
    }
}

QList<int> RunQueue::regenerate(const QString& prefix, int length, double temperature)
{
    QList<int> asked;
    for (auto& [id, s] : runs_) {
        if (!s->worker || s->run.state == RunState::Failed)
            continue;
        s->worker->requestGenerate(nextRequestId_++, prefix, length, temperature);
        asked << id;
    }
    return asked;
}

void RunQueue::setLensText(int id, const QString& text)
{
    if (Slot* s = slot(id); s && s->worker)
        s->worker->setLensText(text);
}

void RunQueue::setState(Run& r, RunState state, const QString& text)
{
    r.state = state;
    if (!text.isEmpty()) {
        r.statusText = text;
    } else {
        switch (state) {
        case RunState::Queued: r.statusText = tr("queued"); break;
        case RunState::Loading: r.statusText = tr("loading corpus and model…"); break;
        case RunState::Training: r.statusText = tr("training"); break;
        case RunState::Paused: r.statusText = tr("paused"); break;
        case RunState::Finished:
            // Trained through a blow-up (on_divergence: continue): said as every table says it.
            r.statusText = r.outcome.blewUpAt > 0
                               ? tr("blew up at epoch %1, trained on").arg(r.outcome.blewUpAt)
                               : tr("finished");
            break;
        case RunState::Stopped: r.statusText = tr("stopped at epoch %1").arg(r.outcome.epochsDone); break;
        case RunState::Diverged: r.statusText = tr("diverged at epoch %1").arg(r.outcome.divergedEpoch); break;
        case RunState::Failed: r.statusText = tr("failed"); break;
        case RunState::Cancelled: r.statusText = tr("cancelled"); break;
        }
    }
    Q_EMIT stateChanged(r.id);
}

void RunQueue::onStarted(int runId, const RunStarted& info)
{
    Slot* s = slot(runId);
    if (!s)
        return;
    s->run.info = info;
    setState(s->run, s->worker && s->worker->paused() ? RunState::Paused : RunState::Training);
    Q_EMIT runStarted(runId);
}

void RunQueue::onBatch(int runId, const BatchStats& stats)
{
    Slot* s = slot(runId);
    if (!s)
        return;
    Run& r = s->run;
    const double perEpoch = r.info.batchesPerEpoch > 0 ? static_cast<double>(r.info.batchesPerEpoch) : 1.0;
    const QPointF p(stats.epoch - 1 + (static_cast<double>(stats.batch) + 1) / perEpoch, stats.gradNorm);
    r.gradNorm.append(p);
    if (stats.clipped)
        r.clipped.append(p);
    Q_EMIT batchDone(runId);
}

void RunQueue::onEpoch(int runId, const EpochStats& stats)
{
    Slot* s = slot(runId);
    if (!s)
        return;
    s->run.last = stats;
    s->run.perplexity.append(QPointF(stats.epoch, stats.perplexity));
    if (std::isfinite(stats.heldoutPerplexity))
        s->run.heldout.append(QPointF(stats.epoch, stats.heldoutPerplexity));
    Q_EMIT epochDone(runId, stats);
}

void RunQueue::onFinished(int runId, const RunOutcome& outcome)
{
    Slot* s = slot(runId);
    if (!s)
        return;
    Run& r = s->run;
    r.outcome = outcome;
    switch (outcome.status) {
    case RunStatus::Finished: setState(r, RunState::Finished); break;
    case RunStatus::Stopped: setState(r, RunState::Stopped); break;
    case RunStatus::Diverged: setState(r, RunState::Diverged); break;
    case RunStatus::Failed: setState(r, RunState::Failed, tr("failed: %1").arg(coreText(outcome.message.toStdString()))); break;
    }
    if (currentId_ == runId)
        currentId_ = -1;
    Q_EMIT runFinished(runId, outcome);
    startNext();
}

void RunQueue::onFailed(int runId, const RunFailure& failure)
{
    Slot* s = slot(runId);
    if (!s)
        return;
    setState(s->run, RunState::Failed, tr("failed: %1").arg(failure.message));
    if (currentId_ == runId)
        currentId_ = -1;
    Q_EMIT runFailed(runId, failure);
    // A missing corpus would fail every queued run the same way: wait for the
    // corpus (startNext() once it is there).
    if (failure.kind != FailureKind::Corpus)
        startNext();
}

} // namespace traveller::ui
