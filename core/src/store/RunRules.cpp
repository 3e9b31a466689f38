#include "traveller/core/store/RunRules.h"

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

std::string runLabel(const StoredRun& run) { return "run " + std::to_string(run.id); }

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
        return {false, runLabel(run) + " is a translation run; train it again from the Translate tab or "
                                       "`traveller-cli translate`"};
    switch (run.state) {
    case StoredState::Queued:
    case StoredState::Stopped:
    case StoredState::Interrupted:
    case StoredState::Failed: return {};
    case StoredState::Running:
        return {false, runLabel(run) + " is training in another window or process"};
    case StoredState::Finished:
        return {false, runLabel(run) + " is finished; only interrupted, stopped, queued or failed runs resume "
                                       "(re-run it to train it again)"};
    case StoredState::Diverged:
        return {false, runLabel(run) + " diverged; resumed from the same weights at the same learning rate it "
                                       "diverges again (re-run it with other settings)"};
    }
    return {false, runLabel(run) + " cannot be resumed"};
}

RuleVerdict canDelete(const StoredRun& run)
{
    if (run.state == StoredState::Running)
        return {false, runLabel(run) + " is training in another window or process; stop it first"};
    return {};
}

RuleVerdict canGenerate(const StoredRun& run)
{
    if (run.isTranslation())
        return {false, runLabel(run) + " is a translation run; translate with it in the Translate tab"};
    if (run.checkpointEpoch <= 0)
        return {false, runLabel(run) + " has no weights yet"};
    return {};
}

std::uint64_t generationSeed(const ExperimentConfig& config) { return config.train.seed; }

} // namespace traveller
