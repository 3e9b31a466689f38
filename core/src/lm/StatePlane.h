// The Lens's state trajectory: the states h_t of a text projected on their
// first two principal components. Plain loops over the (T, H) floats, no
// LibTorch and no LAPACK: at hidden 1024 the first LAPACK and double GEMM of a
// process cost 30-45 ms of set-up and page faults, more than this whole
// computation (PERFORMANCE.md, "The Lens").
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace traveller::lm {

struct StatePlane {
    // Per state, its scores on the first and the second component (0 where
    // there is no second). Each component's sign puts its largest score on
    // the positive side, so a picture does not flip between readings.
    std::vector<std::pair<double, double>> points;
    // The share of the states' total variance each component carries.
    std::pair<double, double> share{0.0, 0.0};
};

// states: T rows of H floats, row-major. T = 0 or 1 gives points at the origin.
StatePlane principalPlane(const float* states, std::int64_t T, std::int64_t H);

} // namespace traveller::lm
