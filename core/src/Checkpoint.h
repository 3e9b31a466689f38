// Model + optimizer checkpoints shared by the language-model and translation
// sessions. Internal to the core (uses LibTorch).
#pragma once

#include <torch/torch.h>

#include <string>

namespace traveller {

// Writes beside the target and renames, so a crash never leaves half a file.
// Throws traveller::Error naming the path.
void saveCheckpointFile(torch::nn::Module& model, torch::optim::Optimizer& optimizer, const std::string& path);
// Throws traveller::Error when the file is missing or holds another model.
void loadCheckpointFile(torch::nn::Module& model, torch::optim::Optimizer& optimizer, const std::string& path,
                        const torch::Device& device);

} // namespace traveller
