// Minibatches for language modelling, as the book's seq_data_iter_sequential
// and seq_data_iter_random. Internal to the core (uses LibTorch).
//
// Shapes: X, Y: (B, T) int64 token ids, Y is X shifted one token ahead.
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <torch/torch.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace traveller::lm {

struct Batch {
    torch::Tensor x;  // (B, T)
    torch::Tensor y;  // (B, T)
};

class LmBatches {
public:
    // Throws CorpusError if the corpus cannot fill one batch for every offset.
    LmBatches(std::vector<std::int64_t> ids, int batchSize, int numSteps, Sampling sampling);

    // One epoch's batches; draws the random offset (and the shuffle) from rng.
    std::vector<Batch> epoch(std::mt19937_64& rng) const;
    // Batches in the epoch whose offset is the worst case (the fewest).
    std::int64_t minBatches() const;
    Sampling sampling() const { return sampling_; }

private:
    std::vector<std::int64_t> ids_;
    int batchSize_;
    int numSteps_;
    Sampling sampling_;
};

} // namespace traveller::lm
