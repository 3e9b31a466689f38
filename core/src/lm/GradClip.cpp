#include "lm/GradClip.h"

#include <cmath>

namespace traveller::lm {

double clipGradNorm(const std::vector<torch::Tensor>& params, double theta)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> squares;
    squares.reserve(params.size());
    for (const auto& p : params)
        if (p.grad().defined())
            squares.push_back(p.grad().pow(2).sum());
    if (squares.empty())
        return 0.0;
    // One reduction and one host sync for all parameters.
    const double norm = std::sqrt(torch::stack(squares).sum().item<double>());
    if (theta > 0 && norm > theta)
        for (const auto& p : params)
            if (p.grad().defined())
                p.grad().mul_(theta / norm);
    return norm;
}

} // namespace traveller::lm
