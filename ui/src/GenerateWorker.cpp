#include "traveller/ui/GenerateWorker.h"
#include "traveller/ui/Language.h"

#include "traveller/core/store/RunRules.h"

#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"

#include <QFileInfo>

#include <exception>

namespace traveller::ui {

GenerateWorker::GenerateWorker(QString dataDir) : dataDir_(std::move(dataDir)) {}

GenerateWorker::~GenerateWorker() = default;

LmSession& GenerateWorker::sessionFor(qint64 runId, const QString& configYaml, const QString& checkpointPath)
{
    const QFileInfo file(checkpointPath);
    if (!file.isFile())
        throw Error("run " + std::to_string(runId) + " has no weights yet (no checkpoint)");
    // A resumed run rewrites its checkpoint: reload when the file changed.
    if (!session_ || sessionRun_ != runId || sessionCheckpoint_ != checkpointPath ||
        sessionStamp_ != file.lastModified()) {
        session_.reset();
        ExperimentConfig config = parseExperimentYaml(configYaml.toStdString());
        config.train.device = "cpu";  // a few hundred characters need no GPU
        auto session = std::make_unique<LmSession>(config, dataDir_.toStdString());
        session->loadCheckpoint(checkpointPath.toStdString());
        session_ = std::move(session);
        sessionRun_ = runId;
        sessionCheckpoint_ = checkpointPath;
        sessionStamp_ = file.lastModified();
    }
    return *session_;
}

void GenerateWorker::generate(int requestId, qint64 runId, const QString& configYaml, const QString& checkpointPath,
                              const QString& prefix, int length, double temperature, qint64 seed)
{
    try {
        LmSession& session = sessionFor(runId, configYaml, checkpointPath);
        const std::string text =
            session.generate(prefix.toStdString(), length, temperature,
                             seed >= 0 ? static_cast<std::uint64_t>(seed) : generationSeed(session.config()));
        Q_EMIT generated(requestId, runId, QString::fromStdString(text), QString());
    } catch (const std::exception& e) {
        Q_EMIT generated(requestId, runId, QString(), coreText(e));
    }
}

void GenerateWorker::inspect(int requestId, qint64 runId, const QString& configYaml, const QString& checkpointPath,
                             const QString& text, const InspectOptions& options)
{
    try {
        LmSession& session = sessionFor(runId, configYaml, checkpointPath);
        auto result = std::make_shared<const Inspection>(session.inspect(text.toStdString(), options));
        Q_EMIT inspected(requestId, runId, result, QString());
    } catch (const std::exception& e) {
        Q_EMIT inspected(requestId, runId, nullptr, coreText(e));
    }
}

} // namespace traveller::ui
