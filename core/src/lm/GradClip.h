// Gradient-norm clipping over all parameters together, as the book's
// grad_clipping: g <- g * theta / ||g|| when ||g|| > theta.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace traveller::lm {

// Returns the total L2 norm of the gradients before clipping; theta <= 0 only
// measures. Parameters without a gradient are skipped.
double clipGradNorm(const std::vector<torch::Tensor>& params, double theta);

} // namespace traveller::lm
