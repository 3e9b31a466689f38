// The fast CPU path: the recurrent body's forward and backward through time
// written by hand (see FusedLm.cpp). On other devices LibTorch's own layers
// (cuDNN on CUDA) are already fused, so "fused" falls back to them there.
#pragma once

#include "lm/LmModels.h"

namespace traveller::lm {

std::shared_ptr<LanguageModel> makeFusedLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers,
                                           const torch::Device& device);

} // namespace traveller::lm
