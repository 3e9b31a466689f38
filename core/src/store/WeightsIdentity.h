// A config as its weights see it, to tell whether a checkpoint belongs to a
// run: where it trained (device, threads) and how long it trains do not
// change the weights (an array task overrides the one, a chain's longer run
// goes on from the shorter one's weights). The Slurm import and a lesson's
// opened runs compare checkpoints with it.
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <string>

namespace traveller {

inline std::string weightsIdentity(ExperimentConfig config)
{
    config.train.device = "auto";
    config.train.threads = 0;
    config.train.epochs = 1;
    return toYaml(config);
}

} // namespace traveller
