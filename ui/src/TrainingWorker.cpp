#include "traveller/ui/TrainingWorker.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/GenerateWorker.h"

#include "traveller/core/store/RunRules.h"

#include "traveller/core/Errors.h"
#include "traveller/core/store/RunStore.h"

#include <QMetaObject>

#include <algorithm>
#include <cmath>
#include <exception>

namespace traveller::ui {

void registerUiMetaTypes()
{
    qRegisterMetaType<traveller::BatchStats>();
    qRegisterMetaType<traveller::EpochStats>();
    qRegisterMetaType<traveller::SettingEvent>();
    qRegisterMetaType<traveller::ui::RunStarted>();
    qRegisterMetaType<traveller::ui::RunOutcome>();
    qRegisterMetaType<traveller::ui::RunFailure>();
    qRegisterMetaType<traveller::ui::InspectionPtr>();
}

TrainingWorker::TrainingWorker(int runId, ExperimentConfig config, QString dataDir, std::shared_ptr<RunStore> store)
    : runId_(runId), config_(std::move(config)), dataDir_(std::move(dataDir)), store_(std::move(store))
{
}

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::requestGenerate(int requestId, const QString& prefix, int length, double temperature)
{
    {
        std::lock_guard<std::mutex> lock(requestsMutex_);
        requests_.push_back({requestId, prefix.toStdString(), length, temperature});
        hasRequests_ = true;
    }
    // While train() blocks this thread the queued call waits; onBatch serves
    // the request first and the late call finds nothing to do.
    QMetaObject::invokeMethod(this, &TrainingWorker::serveGenerateRequests, Qt::QueuedConnection);
}

void TrainingWorker::setLensText(const QString& text)
{
    {
        std::lock_guard<std::mutex> lock(requestsMutex_);
        lensText_ = text.toStdString();
    }
    // Idle (trained, or between runs): read it now. While training this call
    // waits for train() to return; the next sample interval serves the text.
    QMetaObject::invokeMethod(this, [this] { serveLens(lastEpoch_); }, Qt::QueuedConnection);
}

void TrainingWorker::serveLens(int epoch)
{
    std::string text;
    {
        std::lock_guard<std::mutex> lock(requestsMutex_);
        text = lensText_;
    }
    if (text.empty() || !session_)
        return;
    try {
        InspectOptions options;
        options.saliency = false;  // the training thread's time: the guesses and the gates only
        auto result = std::make_shared<const Inspection>(session_->inspect(text, options));
        Q_EMIT inspected(runId_, epoch, result);
    } catch (const std::exception&) {
        // A text the model cannot read (empty after normalising): nothing to show.
    }
}

void TrainingWorker::serveGenerateRequests()
{
    if (!hasRequests_.load())
        return;
    std::vector<GenerateRequest> pending;
    {
        std::lock_guard<std::mutex> lock(requestsMutex_);
        pending.swap(requests_);
        hasRequests_ = false;
    }
    for (const auto& r : pending) {
        QString text;
        if (!session_) {
            text = tr("(no model: the run did not start)");
        } else {
            try {
                text = QString::fromStdString(
                    session_->generate(r.prefix, r.length, r.temperature, generationSeed(config_)));
            } catch (const std::exception& e) {
                text = tr("(could not generate: %1)").arg(coreText(e));
            }
        }
        Q_EMIT generated(runId_, r.id, QString::fromStdString(r.prefix), text);
    }
}

void TrainingWorker::onBatch(const BatchStats& stats)
{
    Q_EMIT batchDone(runId_, stats);
    if (hasRequests_.load())
        serveGenerateRequests();
}

void TrainingWorker::onSettingChanged(const SettingEvent& event) { Q_EMIT settingChanged(runId_, event); }

void TrainingWorker::onEpoch(const EpochStats& stats)
{
    Q_EMIT epochDone(runId_, stats);
    lastEpoch_ = stats.epoch;
    if (stats.hasSample)
        serveLens(stats.epoch);
}

void TrainingWorker::run()
{
    RunFailure failure;
    try {
        session_ = std::make_unique<LmSession>(config_, dataDir_.toStdString());
        RunStarted info;
        info.device = QString::fromStdString(session_->device());
        info.threads = trainingThreads();
        info.parameters = session_->parameterCount();
        info.batchesPerEpoch = session_->batchesPerEpoch();
        info.corpusTokens = static_cast<qint64>(session_->corpus().ids.size());
        info.vocabSize = session_->corpus().vocab.size();

        // Recorded in the library when there is one; a library that cannot be
        // written to costs the record, not the run.
        std::int64_t libraryId = 0;
        QString libraryNote;
        if (store_) {
            try {
                libraryId = store_->createRun({config_, config_.displayName(), "", "", TRAVELLER_VERSION});
            } catch (const std::exception& e) {
                libraryNote = tr("not recorded in the run library: %1").arg(coreText(e));
            }
        }
        info.libraryId = libraryId;
        Q_EMIT started(runId_, info);
        RunResult r;
        if (libraryId > 0) {
            RecordOptions options;
            options.dataDir = dataDir_.toStdString();
            options.programVersion = TRAVELLER_VERSION;
            r = trainRecordedSession(*store_, libraryId, *session_, options, *this, control_);
        } else {
            r = session_->train(*this, control_);
        }
        RunOutcome out = toOutcome(r, config_.sample.prefix);
        out.libraryId = libraryId;
        out.libraryNote = libraryNote;
        Q_EMIT finished(runId_, out);
        serveGenerateRequests();
        return;
    } catch (const ConfigError& e) {
        failure.kind = FailureKind::Config;
        failure.key = QString::fromStdString(e.key());
        failure.line = e.line();
        failure.message = coreText(e);
    } catch (const CorpusError& e) {
        failure.kind = FailureKind::Corpus;
        failure.path = QString::fromStdString(e.path());
        failure.message = coreText(e);
    } catch (const DeviceError& e) {
        failure.kind = FailureKind::Device;
        failure.message = coreText(e);
    } catch (const std::exception& e) {
        failure.kind = FailureKind::Other;
        failure.message = coreText(e);
    }
    session_.reset();
    Q_EMIT failed(runId_, failure);
}

} // namespace traveller::ui
