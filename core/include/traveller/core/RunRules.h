// The run library's rules, in one place for both front ends: which states a
// stored run can be in and what may be done with it in each. The CLI's `runs`
// commands and the window's Runs tab ask these, so they cannot disagree.
#pragma once

#include "traveller/core/RunStore.h"

#include <cstdint>
#include <string>

namespace traveller {

// Every state a stored run can be in, with the word both front ends show
// (RunStore keeps the word).
enum class StoredState { Queued, Running, Finished, Stopped, Diverged, Failed, Interrupted };

StoredState storedState(const StoredRun& run);  // an unknown word reads as Failed
const char* toString(StoredState state);
// One of the words above (what an imported run folder may say).
bool isStoredStateWord(const std::string& word);
// Diverged, failed and interrupted runs are the ones tables mark.
bool needsAttention(StoredState state);

// A run that trained through a blow-up (train.on_divergence: continue)
// finishes with this at the start of its message ("blew up at epoch 3: ...");
// every table shows such a run as "blew up, trained on", marked.
constexpr const char* kBlewUpMark = "blew up at epoch ";
bool blewUp(const std::string& message);
// The epoch the message names ("3"), or "?".
std::string blowUpEpoch(const std::string& message);

// Allowed, or not and why (one sentence naming the run).
struct RuleVerdict {
    bool allowed = true;
    std::string reason;
    explicit operator bool() const { return allowed; }
};

// Resume continues a language-model run from its last checkpoint: queued,
// stopped, interrupted and failed runs. Not a finished or running one, not a
// diverged one (from the same weights at the same rate it diverges again:
// re-run it with other settings), not a translation run.
RuleVerdict canResume(const StoredRun& run);
// A run another window or process is training is never deleted.
RuleVerdict canDelete(const StoredRun& run);
// Writing text needs a language-model run with weights.
RuleVerdict canGenerate(const StoredRun& run);

// The seed of text written from a run's weights: the run's own seed, so that
// the same run, prefix, length and temperature give the same text in the
// window and the CLI.
std::uint64_t generationSeed(const ExperimentConfig& config);

} // namespace traveller
