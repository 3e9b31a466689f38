// Forking a run: from the weights it kept at an epoch, with changed settings,
// into a new run that records its parent and branch epoch. A fork carries the
// weights, the optimizer's state, the data-order generator and the settings
// changed before the branch point, so a fork with no change trains as its
// parent went on (test: Fork.AForkWithNoChangeEqualsTheParentsContinuation).
#pragma once

#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace traveller {

struct ForkRequest {
    int epoch = 0;  // the parent's epoch whose weights the fork starts from
    // KEY=VALUE changes from the branch point on: what a run can change while
    // it trains (liveKeys()), each written into the fork's schedule at the
    // first batch after the branch point, and train.epochs (the fork's end).
    std::vector<std::pair<std::string, std::string>> changes;
    std::string name;  // empty: "<parent's name> fork@E lr=0.3"
    std::string programVersion;
};

// The epochs run `run` can be forked at, ascending: those whose weights it
// kept (train.keep_checkpoints) and its last checkpoint's.
std::vector<int> forkEpochs(RunStore& store, const StoredRun& run);

// The fork's settings: the parent's, its later schedule entries for a key
// the fork changes dropped, the changes at (epoch + 1, batch 0).
// ConfigError naming the key for a change a fork cannot make.
ExperimentConfig forkSettings(const ExperimentConfig& parent, int epoch,
                              const std::vector<std::pair<std::string, std::string>>& changes);

// Creates the fork as a queued run that has trained the parent's epochs up to
// the branch point (its history, copied with their setting changes) and holds
// the weights of that epoch: trainRecordedRun trains it on from there. One
// transaction: a kill leaves no half fork. Throws StoreError (canFork's
// reason, a kept checkpoint that is gone or not of that epoch) or
// ConfigError (forkSettings); nothing is written then.
std::int64_t forkRun(RunStore& store, std::int64_t parent, const ForkRequest& request);

} // namespace traveller
