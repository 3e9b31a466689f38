// The fast CPU path: the recurrent body's forward and backward through time
// written by hand (see FusedLm.cpp). On other devices LibTorch's own layers
// (cuDNN on CUDA) are already fused, so "fused" falls back to them there.
#pragma once

#include "lm/LmModels.h"

namespace traveller::lm {

// One recurrent layer through the hand-written forward/backward (one autograd
// node), for other models built on LibTorch's layers (the seq2seq encoder and
// decoder). CPU float32 only. x: (T, B, In) float or (T, B) int64 token ids
// (one-hot input); h0, c0: (B, H) (c0 an empty tensor unless LSTM); LibTorch's
// weight_ih, weight_hh, bias_ih, bias_hh. Returns {Y (T, B, H), hT, cT}.
std::vector<torch::Tensor> fusedRecurrentLayer(Arch arch, const torch::Tensor& x, const torch::Tensor& h0,
                                               const torch::Tensor& c0, const torch::Tensor& wIh,
                                               const torch::Tensor& wHh, const torch::Tensor& bIh,
                                               const torch::Tensor& bHh);

std::shared_ptr<LanguageModel> makeFusedLm(Arch arch, std::int64_t vocab, std::int64_t hidden, std::int64_t layers,
                                           const torch::Device& device, std::int64_t embedding = 0);

} // namespace traveller::lm
