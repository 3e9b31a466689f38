// Writes text with a stored run's final weights, and inspects what they
// compute on a text (the Lens), on a worker QThread: the run's config builds
// an LmSession (corpus and vocabulary), its checkpoint is loaded, and
// generate() continues the prefix or inspect() reads the text. The session is
// kept for the next request while the same checkpoint file is asked for.
#pragma once

#include "traveller/core/lm/Inspect.h"
#include "traveller/core/lm/Training.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <memory>

namespace traveller::ui {

using InspectionPtr = std::shared_ptr<const Inspection>;

class GenerateWorker : public QObject {
    Q_OBJECT
public:
    explicit GenerateWorker(QString dataDir);
    ~GenerateWorker() override;

    // Worker thread (call through a queued invocation). Answers generated().
    // `seed` < 0: the run's own generation seed (core's generationSeed);
    // else that seed, so that runs compared side by side sample alike.
    void generate(int requestId, qint64 runId, const QString& configYaml, const QString& checkpointPath,
                  const QString& prefix, int length, double temperature, qint64 seed = -1);

    // Worker thread (queued): what the weights compute on `text`; answers inspected().
    void inspect(int requestId, qint64 runId, const QString& configYaml, const QString& checkpointPath,
                 const QString& text, const InspectOptions& options);

Q_SIGNALS:
    // Exactly one of text and error is set.
    void generated(int requestId, qint64 runId, const QString& text, const QString& error);
    // Exactly one of inspection and error is set.
    void inspected(int requestId, qint64 runId, const traveller::ui::InspectionPtr& inspection, const QString& error);

private:
    LmSession& sessionFor(qint64 runId, const QString& configYaml, const QString& checkpointPath);

    const QString dataDir_;
    std::unique_ptr<LmSession> session_;  // worker thread only
    qint64 sessionRun_ = 0;
    QString sessionCheckpoint_;
    QDateTime sessionStamp_;
};

} // namespace traveller::ui

Q_DECLARE_METATYPE(traveller::ui::InspectionPtr)
