// Model + optimizer checkpoints shared by the language-model and translation
// sessions. Internal to the core (uses LibTorch).
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>

namespace traveller {

// Named tensors stored beside the model: a session's generator states, say.
using CheckpointExtras = std::map<std::string, torch::Tensor>;

// Writes beside the target, fsyncs and reads the file back before renaming it
// over the target, so neither a crash nor a full disk leaves half a file (or
// replaces a good one). Throws traveller::Error naming the path and the reason
// (e.g. "No space left on device"); never ends the process.
void saveCheckpointFile(torch::nn::Module& model, torch::optim::Optimizer& optimizer, const std::string& path,
                        const CheckpointExtras& extras = {});
// Throws traveller::Error when the file is missing or holds another model.
// Fills those keys of `extras` that the file has and erases the others (older
// checkpoints have none).
// The extra `key` of a checkpoint file, undefined when it has none. Throws
// traveller::Error when the file is missing or not a checkpoint.
torch::Tensor readCheckpointExtra(const std::string& path, const std::string& key);
// The extra in which LmSession keeps the epoch its weights are from.
inline const char* const kCheckpointEpochKey = "epoch";
// ... and the experiment it trained (YAML text), so a file alone can be inspected.
inline const char* const kCheckpointConfigKey = "config_yaml";

void loadCheckpointFile(torch::nn::Module& model, torch::optim::Optimizer& optimizer, const std::string& path,
                        const torch::Device& device, CheckpointExtras* extras = nullptr);

} // namespace traveller
