// The run library's rules, in one place for both front ends: which states a
// stored run can be in and what may be done with it in each. The CLI's `runs`
// commands and the window's Runs tab ask these, so they cannot disagree.
#pragma once

#include "traveller/core/Messages.h"
#include "traveller/core/store/RunStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace traveller {

// Diverged, failed and interrupted runs are the ones tables mark.
bool needsAttention(StoredState state);

// What the lab report and the CLI call a run's state: its word, or "blew up,
// trained on" for a run that finished after blowing up (blewUpAt > 0). The
// window's tables say the same through ui's stateLook.
const char* stateLabel(StoredState state, int blewUpAt);
// Whether the run finished after blowing up (such a run is marked, like a diverged one).
bool finishedBlownUp(StoredState state, int blewUpAt);

// Allowed, or not and why (one sentence naming the run).
struct RuleVerdict {
    bool allowed = true;
    std::string reason;
    Message why;  // the reason as its code and arguments (the window says it in its language)
    explicit operator bool() const { return allowed; }
};

// Resume continues a language-model run from its last checkpoint: queued,
// stopped, interrupted and failed runs. Not a finished or running one, not a
// diverged one (from the same weights at the same rate it diverges again:
// re-run it with other settings), not a translation run.
RuleVerdict canResume(const StoredRun& run);
// Continue trains a language-model run that ended (finished or stopped)
// more epochs as the same run. Not a diverged one (lr too high: fork it with
// another rate), not one training, not a translation, not one whose final
// weights are gone.
RuleVerdict canContinue(const StoredRun& run);
// A fork starts from a language-model run's weights kept at `epoch` (one of
// `epochs`, forkEpochs in Fork.h): any run not training; a diverged run only
// from weights kept before the epoch it diverged at.
RuleVerdict canFork(const StoredRun& run, int epoch, const std::vector<int>& epochs);
// A run another window or process is training is never deleted.
RuleVerdict canDelete(const StoredRun& run);
// Writing text needs a language-model run with weights.
RuleVerdict canGenerate(const StoredRun& run);

// The seed of text written from a run's weights: the run's own seed, so that
// the same run, prefix, length and temperature give the same text in the
// window and the CLI.
std::uint64_t generationSeed(const ExperimentConfig& config);

} // namespace traveller
