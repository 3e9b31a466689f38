// Writes text with a stored run's final weights, on a worker QThread: the
// run's config builds an LmSession (corpus and vocabulary), its checkpoint
// is loaded, and generate() continues the prefix. The session is kept for
// the next request while the same checkpoint file is asked for.
#pragma once

#include "traveller/core/Training.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <memory>

namespace traveller::ui {

class GenerateWorker : public QObject {
    Q_OBJECT
public:
    explicit GenerateWorker(QString dataDir);
    ~GenerateWorker() override;

    // Worker thread (call through a queued invocation). Answers generated().
    void generate(int requestId, qint64 runId, const QString& configYaml, const QString& checkpointPath,
                  const QString& prefix, int length, double temperature);

Q_SIGNALS:
    // Exactly one of text and error is set.
    void generated(int requestId, qint64 runId, const QString& text, const QString& error);

private:
    const QString dataDir_;
    std::unique_ptr<LmSession> session_;  // worker thread only
    qint64 sessionRun_ = 0;
    QString sessionCheckpoint_;
    QDateTime sessionStamp_;
};

} // namespace traveller::ui
