#include "traveller/core/store/RunRules.h"

#include "traveller/core/Messages.h"

#include <algorithm>
#include <array>
#include <utility>

namespace traveller {

namespace {

// The word of each state, as the library and run folders store it: the one
// place a state becomes text and text a state.
constexpr std::array<std::pair<StoredState, const char*>, 7> kWords{{
    {StoredState::Queued, "queued"},
    {StoredState::Running, "running"},
    {StoredState::Finished, "finished"},
    {StoredState::Stopped, "stopped"},
    {StoredState::Diverged, "diverged"},
    {StoredState::Failed, "failed"},
    {StoredState::Interrupted, "interrupted"},
}};

// A refusal as the text of a catalogue message, so that the window can read
// it back to its code (parseMessage) and say it in its language.
RuleVerdict refuse(const char* code, const StoredRun& run)
{
    const Message why = message(code, {std::to_string(run.id)});
    return {false, why.text(), why};
}

} // namespace

const char* toString(StoredState state)
{
    for (const auto& [s, word] : kWords)
        if (s == state)
            return word;
    return toString(StoredState::Failed);
}

std::optional<StoredState> parseStoredState(const std::string& word)
{
    for (const auto& [state, w] : kWords)
        if (word == w)
            return state;
    return std::nullopt;
}

StoredState storedState(RunStatus status)
{
    switch (status) {
    case RunStatus::Finished: return StoredState::Finished;
    case RunStatus::Stopped: return StoredState::Stopped;
    case RunStatus::Diverged: return StoredState::Diverged;
    case RunStatus::Failed: return StoredState::Failed;
    }
    return StoredState::Failed;
}

bool needsAttention(StoredState state)
{
    return state == StoredState::Diverged || state == StoredState::Failed || state == StoredState::Interrupted;
}

bool finishedBlownUp(StoredState state, int blewUpAt) { return state == StoredState::Finished && blewUpAt > 0; }

const char* stateLabel(StoredState state, int blewUpAt)
{
    return finishedBlownUp(state, blewUpAt) ? "blew up, trained on" : toString(state);
}

RuleVerdict canResume(const StoredRun& run)
{
    if (run.isTranslation())
        return refuse("rules.resume_translation", run);
    switch (run.state) {
    case StoredState::Queued:
    case StoredState::Stopped:
    case StoredState::Interrupted:
    case StoredState::Failed: return {};
    case StoredState::Running: return refuse("rules.training_elsewhere", run);
    case StoredState::Finished: return refuse("rules.resume_finished", run);
    case StoredState::Diverged: return refuse("rules.resume_diverged", run);
    }
    return refuse("rules.cannot_resume", run);
}

RuleVerdict canContinue(const StoredRun& run)
{
    if (run.isTranslation())
        return refuse("rules.resume_translation", run);
    switch (run.state) {
    case StoredState::Finished:
    case StoredState::Stopped:
        if (run.checkpointEpoch < run.epochsDone || run.epochsDone == 0)
            return refuse("rules.continue_no_weights", run);
        return {};
    case StoredState::Running: return refuse("rules.training_elsewhere", run);
    case StoredState::Diverged: return refuse("rules.resume_diverged", run);
    default: return refuse("rules.continue_not_ended", run);
    }
}

RuleVerdict canFork(const StoredRun& run, int epoch, const std::vector<int>& epochs)
{
    if (run.isTranslation())
        return refuse("rules.fork_translation", run);
    if (run.state == StoredState::Running)
        return refuse("rules.training_elsewhere", run);
    // A diverged run's last recorded epoch is the one that blew up.
    const bool diverged = run.state == StoredState::Diverged;
    std::string kept;
    for (const int e : epochs)
        if (!diverged || e < run.epochsDone)
            kept += (kept.empty() ? "" : ", ") + std::to_string(e);
    if (kept.empty())
        kept = "-";
    const auto refused = [](Message why) { return RuleVerdict{false, why.text(), why}; };
    if (std::find(epochs.begin(), epochs.end(), epoch) == epochs.end())
        return refused(message("rules.fork_no_weights", {std::to_string(run.id), std::to_string(epoch), kept}));
    if (diverged && epoch >= run.epochsDone)
        return refused(message("rules.fork_diverged", {std::to_string(run.id), std::to_string(run.epochsDone), kept}));
    return {};
}

RuleVerdict canDelete(const StoredRun& run)
{
    if (run.state == StoredState::Running)
        return refuse("rules.delete_training", run);
    return {};
}

RuleVerdict canGenerate(const StoredRun& run)
{
    if (run.isTranslation())
        return refuse("rules.generate_translation", run);
    if (run.checkpointEpoch <= 0)
        return refuse("rules.no_weights", run);
    return {};
}

std::uint64_t generationSeed(const ExperimentConfig& config) { return config.train.seed; }

} // namespace traveller
