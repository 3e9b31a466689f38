#include "traveller/ui/StoredRunWorker.h"
#include "traveller/ui/Language.h"

#include <exception>

namespace traveller::ui {

StoredRunWorker::StoredRunWorker(std::shared_ptr<RunStore> store, qint64 runId, RecordOptions options, int moreEpochs)
    : store_(std::move(store)), runId_(runId), options_(std::move(options)), moreEpochs_(moreEpochs)
{
}

StoredRunWorker::~StoredRunWorker() = default;

void StoredRunWorker::onEpoch(const EpochStats& stats) { Q_EMIT epochDone(runId_, stats); }

void StoredRunWorker::run()
{
    RunOutcome outcome;
    try {
        std::string prefix = "time traveller";
        try {
            prefix = store_->run(runId_).config().sample.prefix;
        } catch (const ConfigError&) {
            // trainRecordedRun reports the unreadable config below.
        }
        outcome = toOutcome(moreEpochs_ > 0
                                ? continueRecordedRun(*store_, runId_, moreEpochs_, options_, *this, control_)
                                : trainRecordedRun(*store_, runId_, options_, *this, control_),
                            prefix);
    } catch (const std::exception& e) {
        outcome.status = RunStatus::Failed;
        outcome.message = coreText(e);
    }
    Q_EMIT finished(runId_, outcome);
}

} // namespace traveller::ui
