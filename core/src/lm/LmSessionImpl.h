// The language-model session's state, shared by its files (LmSession.cpp:
// building it, text and held-out perplexity; LmTrainer.cpp: training;
// LmCheckpoints.cpp: checkpoints). Internal to the core.
#pragma once

#include "traveller/core/lm/Training.h"

#include "lm/LmBatches.h"
#include "lm/LmModels.h"

#include <torch/torch.h>

#include <memory>
#include <random>
#include <string>

namespace traveller {

// Perplexity above this many times the vocabulary size counts as divergence.
constexpr double kDivergedPerplexityFactor = 100.0;

struct LmSession::Impl {
    ExperimentConfig config;
    // Epochs the loaded checkpoint had trained: this session's epoch 1 is the
    // run's epochsBefore + 1 (sample intervals and their seeds count the run's).
    int epochsBefore = 0;
    Corpus corpus;
    std::string deviceName;
    torch::Device device{torch::kCPU};
    std::shared_ptr<lm::LanguageModel> model;
    std::unique_ptr<lm::LmBatches> batches;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    std::mt19937_64 rng;

    std::string continueText(const std::string& prefix, int length, double temperature, std::uint64_t seed);
    double heldoutPerplexity();
};

} // namespace traveller
