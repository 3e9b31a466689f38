// A language model's checkpoints: weights, optimizer, the data-order
// generator and the experiment, and what can be read from a file alone.
#include "traveller/core/lm/Training.h"
#include "traveller/core/Format.h"
#include "TrainingLoop.h"
#include "lm/Inspect.h"

#include "Checkpoint.h"
#include "SeedLock.h"

#include "lm/GradClip.h"
#include "lm/LmBatches.h"
#include "lm/LmModels.h"
#include "traveller/core/Errors.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunRules.h"

#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <torch/version.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sched.h>
#include <sys/mman.h>
#include <cmath>
#include <limits>
#include <malloc.h>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include "lm/LmSessionImpl.h"

namespace traveller {

// The checkpoint also keeps the generator of the batches' random offsets, so a
// resumed run reads the same data in the same order as one that never stopped.
// (Dropout's masks come from LibTorch's global generator, which parallel runs
// share; a resumed run with dropout draws other masks from the same law.)
void LmSession::saveCheckpoint(const std::string& path, int epoch)
{
    std::ostringstream rngText;
    rngText << impl_->rng;
    const std::string text = rngText.str();
    auto bytes = torch::empty({static_cast<std::int64_t>(text.size())}, torch::kUInt8);
    std::memcpy(bytes.data_ptr<std::uint8_t>(), text.data(), text.size());
    CheckpointExtras extras{{"data_order_rng", bytes}};
    // The experiment too: a checkpoint file alone can be inspected or trained on.
    const std::string yaml = toYaml(impl_->config);
    auto config = torch::empty({static_cast<std::int64_t>(yaml.size())}, torch::kUInt8);
    std::memcpy(config.data_ptr<std::uint8_t>(), yaml.data(), yaml.size());
    extras[kCheckpointConfigKey] = config;
    if (epoch > 0)
        extras[kCheckpointEpochKey] = torch::tensor(static_cast<std::int64_t>(epoch), torch::kInt64);
    saveCheckpointFile(*impl_->model, *impl_->optimizer, path, extras);
}

int checkpointFileEpoch(const std::string& path)
{
    const torch::Tensor epoch = readCheckpointExtra(path, kCheckpointEpochKey);
    if (!epoch.defined())
        return 0;
    if (epoch.numel() != 1 || epoch.scalar_type() != torch::kInt64 || epoch.item<std::int64_t>() < 1 ||
        epoch.item<std::int64_t>() > std::numeric_limits<int>::max())
        throw Error(message("checkpoint.epoch_damaged", {path}));
    return static_cast<int>(epoch.item<std::int64_t>());
}

std::string checkpointFileConfig(const std::string& path)
{
    const torch::Tensor bytes = readCheckpointExtra(path, kCheckpointConfigKey);
    if (!bytes.defined() || bytes.scalar_type() != torch::kUInt8 || bytes.dim() != 1)
        return {};
    const torch::Tensor c = bytes.contiguous();
    return std::string(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<std::size_t>(c.numel()));
}


void LmSession::loadCheckpoint(const std::string& path)
{
    CheckpointExtras extras{{"data_order_rng", torch::Tensor()}};
    loadCheckpointFile(*impl_->model, *impl_->optimizer, path, impl_->device, &extras);
    impl_->epochsBefore = checkpointFileEpoch(path);
    const auto found = extras.find("data_order_rng");
    if (found == extras.end())
        return;  // an older checkpoint: the order restarts from the seed
    const auto bytes = found->second.to(torch::kCPU).contiguous();
    std::istringstream rngText(std::string(reinterpret_cast<const char*>(bytes.data_ptr<std::uint8_t>()),
                                           static_cast<std::size_t>(bytes.numel())));
    std::mt19937_64 rng;
    if (!(rngText >> rng))
        throw Error(message("checkpoint.rng_damaged", {path}));
    impl_->rng = rng;
}

} // namespace traveller
