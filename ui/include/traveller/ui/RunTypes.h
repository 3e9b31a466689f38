// Value structs that cross from a training thread to the GUI thread through
// queued signals. No tensors, no pointers into the session.
#pragma once

#include "traveller/core/lm/Training.h"

#include <QMetaType>
#include <QString>

#include <string>

namespace traveller::ui {

// What the worker learned while building the session, before the first batch.
struct RunStarted {
    QString device;
    int threads = 0;
    qint64 parameters = 0;
    qint64 batchesPerEpoch = 0;
    qint64 corpusTokens = 0;
    qint64 vocabSize = 0;
    qint64 libraryId = 0;  // its id in the run library (its colour everywhere); 0 = not recorded
};

// How a run ended, built on the worker thread from RunResult.
struct RunOutcome {
    RunStatus status = RunStatus::Finished;
    int epochsDone = 0;
    int divergedEpoch = 0;
    double perplexity = 0;       // NaN when no epoch completed
    double tokensPerSecond = 0;
    double seconds = 0;
    QString device;
    QString finalSample;         // continuation of the experiment's prefix with the last weights
    QString message;
    int blewUpAt = 0;            // the epoch it first blew up and trained on; 0 = never
    qint64 libraryId = 0;        // its id in the run library; 0 = not recorded
    QString libraryNote;         // why it was not recorded, when it was not
};

enum class FailureKind { Config, Corpus, Device, Other };

// A run that could not start or crashed inside the core; nothing was trained.
struct RunFailure {
    FailureKind kind = FailureKind::Other;
    QString message;
    QString key;   // Config: dotted key
    int line = 0;  // Config: 1-based YAML line, 0 if none
    QString path;  // Corpus: the file that is missing or wrong
};

// Call once before connecting workers (main() and test initTestCase do).
void registerUiMetaTypes();

// The outcome of a run (language-model tab, sweep, resume, re-run), with the
// final continuation of `prefix`.
inline RunOutcome toOutcome(const RunResult& r, const std::string& prefix)
{
    RunOutcome out;
    out.status = r.status;
    out.epochsDone = r.epochsDone;
    out.divergedEpoch = r.divergedEpoch;
    out.perplexity = r.perplexity;
    out.tokensPerSecond = r.tokensPerSecond;
    out.seconds = r.seconds;
    out.device = QString::fromStdString(r.device);
    out.message = QString::fromStdString(r.message);
    out.blewUpAt = r.blewUpAt;
    if (const auto it = r.samples.find(prefix); it != r.samples.end())
        out.finalSample = QString::fromStdString(it->second);
    return out;
}

} // namespace traveller::ui

Q_DECLARE_METATYPE(traveller::BatchStats)
Q_DECLARE_METATYPE(traveller::EpochStats)
Q_DECLARE_METATYPE(traveller::SettingEvent)
Q_DECLARE_METATYPE(traveller::ui::RunStarted)
Q_DECLARE_METATYPE(traveller::ui::RunOutcome)
Q_DECLARE_METATYPE(traveller::ui::RunFailure)
