#include "traveller/ui/TranslationWorker.h"
#include "traveller/ui/Language.h"

#include "traveller/core/Errors.h"

#include <exception>
#include <utility>

namespace traveller::ui {

void registerTranslationMetaTypes()
{
    qRegisterMetaType<traveller::TranslationEpochStats>();
    qRegisterMetaType<traveller::Translation>();
    qRegisterMetaType<traveller::ui::TranslationOutcome>();
}

TranslationWorker::TranslationWorker(TranslationConfig config, QString dataDir, std::shared_ptr<RunStore> store,
                                     qint64 storedRunId)
    : config_(std::move(config)), dataDir_(std::move(dataDir)), store_(std::move(store)), storedRunId_(storedRunId)
{
}

TranslationWorker::~TranslationWorker() = default;

void TranslationWorker::onEpoch(const TranslationEpochStats& stats)
{
    Q_EMIT epochDone(stats);
}

void TranslationWorker::run()
{
    try {
        // The intra-op thread count is per thread: set it on the one that trains.
        setTrainingThreads(config_.train.threads);
        session_ = std::make_unique<TranslationSession>(config_, dataDir_.toStdString());
        Q_EMIT started(tr("%1 on %2: %3 parameters, %4 training pairs, vocab %5 / %6")
                           .arg(QString::fromStdString(config_.displayName()))
                           .arg(QString::fromStdString(session_->device()))
                           .arg(session_->parameterCount())
                           .arg(session_->corpus().source.size())
                           .arg(session_->corpus().sourceVocab.size())
                           .arg(session_->corpus().targetVocab.size()));
        TranslationOutcome out;
        if (storedRunId_ > 0) {
            // A run of the library: its weights, scored again (the same numbers).
            const StoredRun stored = store_->run(storedRunId_);
            session_->loadCheckpoint(store_->checkpointPath(storedRunId_));
            out.status = RunStatus::Finished;
            out.epochsDone = stored.epochsDone;
            out.loss = stored.perplexity;
            out.seconds = stored.seconds;
            out.device = QString::fromStdString(session_->device());
            out.libraryId = storedRunId_;
            out.reopened = true;
            out.evaluation = session_->evaluate(config_.eval.pairs);
            out.heldout = session_->evaluateHeldout();
            out.heldoutPairs = static_cast<int>(session_->corpus().heldout.size());
            Q_EMIT finished(out);
            return;
        }
        std::int64_t libraryId = 0;
        if (store_) {
            try {
                libraryId = store_->createTranslationRun(config_, "", TRAVELLER_VERSION);
            } catch (const std::exception& e) {
                out.libraryNote = tr("not recorded in the run library: %1").arg(coreText(e));
            }
        }
        TranslationRunResult r;
        if (libraryId > 0) {
            RecordedTranslation recorded = trainRecordedTranslation(*store_, libraryId, *session_, *this, control_);
            r = recorded.result;
            out.evaluation = std::move(recorded.evaluation);
            out.heldout = std::move(recorded.heldout);
            out.heldoutPairs = recorded.heldoutPairs;
            out.libraryId = libraryId;
        } else {
            r = session_->train(*this, control_);
            if (!abandoned_.load() && r.epochsDone > 0) {
                out.evaluation = session_->evaluate(config_.eval.pairs);
                out.heldout = session_->evaluateHeldout();
                out.heldoutPairs = static_cast<int>(session_->corpus().heldout.size());
            }
        }
        out.status = r.status;
        out.epochsDone = r.epochsDone;
        out.loss = r.loss;
        out.seconds = r.seconds;
        out.device = QString::fromStdString(r.device);
        out.message = coreText(r.message);
        Q_EMIT finished(out);
    } catch (const ConfigError& e) {
        Q_EMIT failed(RunFailure{FailureKind::Config, tr("Configuration: %1").arg(coreText(e)),
                                 QString::fromStdString(e.key()), e.line(), {}});
    } catch (const CorpusError& e) {
        Q_EMIT failed(RunFailure{FailureKind::Corpus, tr("Corpus: %1").arg(coreText(e)), {}, 0,
                                 QString::fromStdString(e.path())});
    } catch (const std::exception& e) {
        Q_EMIT failed(RunFailure{FailureKind::Other, coreText(e), {}, 0, {}});
    }
}

void TranslationWorker::translate(int requestId, const QString& sentence, int beam)
{
    if (!session_) {
        Q_EMIT translated(requestId, {}, tr("No model: train one first."));
        return;
    }
    try {
        Q_EMIT translated(requestId, session_->translate(sentence.toStdString(), beam), {});
    } catch (const std::exception& e) {
        Q_EMIT translated(requestId, {}, coreText(e));
    }
}

} // namespace traveller::ui
