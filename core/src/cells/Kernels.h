// What the cells' fused CPU kernels share: fast sigmoid/tanh and the
// per-CPU clones of the row loops.
#pragma once

#include "lm/FastMath.h"

#include <cstdint>

namespace traveller::cells {

namespace fm = lm::fastmath;

} // namespace traveller::cells

// target_clones dispatches through an ifunc resolver that the dynamic loader
// runs before a sanitizer's runtime is up (TSan crashes at start-up), so a
// sanitizer build compiles the kernels once, for the baseline CPU.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(TRAVELLER_NO_TARGET_CLONES)
#define TRAVELLER_CLONES
#else
#define TRAVELLER_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
