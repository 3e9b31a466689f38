#include "traveller/ui/TranslationWorker.h"

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

TranslationWorker::TranslationWorker(TranslationConfig config, QString dataDir)
    : config_(std::move(config)), dataDir_(std::move(dataDir))
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
        const TranslationRunResult r = session_->train(*this, control_);
        TranslationOutcome out;
        out.status = r.status;
        out.epochsDone = r.epochsDone;
        out.loss = r.loss;
        out.seconds = r.seconds;
        out.device = QString::fromStdString(r.device);
        out.message = QString::fromStdString(r.message);
        if (!abandoned_.load() && r.epochsDone > 0) {
            out.evaluation = session_->evaluate(config_.eval.pairs);
            out.heldout = session_->evaluateHeldout();
            out.heldoutPairs = static_cast<int>(session_->corpus().heldout.size());
        }
        Q_EMIT finished(out);
    } catch (const ConfigError& e) {
        Q_EMIT failed(tr("Configuration: %1").arg(QString::fromStdString(e.what())));
    } catch (const CorpusError& e) {
        Q_EMIT failed(tr("Corpus: %1").arg(QString::fromStdString(e.what())));
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
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
        Q_EMIT translated(requestId, {}, QString::fromStdString(e.what()));
    }
}

} // namespace traveller::ui
