#include "traveller/core/RunRules.h"

#include <array>
#include <utility>

namespace traveller {

namespace {

constexpr std::array<std::pair<StoredState, const char*>, 7> kWords{{
    {StoredState::Queued, "queued"},
    {StoredState::Running, kStatusRunning},
    {StoredState::Finished, "finished"},
    {StoredState::Stopped, "stopped"},
    {StoredState::Diverged, "diverged"},
    {StoredState::Failed, "failed"},
    {StoredState::Interrupted, kStatusInterrupted},
}};

std::string runLabel(const StoredRun& run) { return "run " + std::to_string(run.id); }

} // namespace

StoredState storedState(const StoredRun& run)
{
    for (const auto& [state, word] : kWords)
        if (run.status == word)
            return state;
    return StoredState::Failed;
}

const char* toString(StoredState state)
{
    for (const auto& [s, word] : kWords)
        if (s == state)
            return word;
    return "failed";
}

bool isStoredStateWord(const std::string& word)
{
    for (const auto& entry : kWords)
        if (word == entry.second)
            return true;
    return false;
}

bool needsAttention(StoredState state)
{
    return state == StoredState::Diverged || state == StoredState::Failed || state == StoredState::Interrupted;
}

RuleVerdict canResume(const StoredRun& run)
{
    if (run.isTranslation())
        return {false, runLabel(run) + " is a translation run; train it again from the Translate tab or "
                                       "`traveller-cli translate`"};
    switch (storedState(run)) {
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
    if (storedState(run) == StoredState::Running)
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

bool blewUp(const std::string& message) { return message.find(kBlewUpMark) != std::string::npos; }

std::string blowUpEpoch(const std::string& message)
{
    const auto at = message.find(kBlewUpMark);
    if (at == std::string::npos)
        return "?";
    std::string digits;
    for (std::size_t i = at + std::string(kBlewUpMark).size();
         i < message.size() && message[i] >= '0' && message[i] <= '9'; ++i)
        digits += message[i];
    return digits.empty() ? "?" : digits;
}

} // namespace traveller
