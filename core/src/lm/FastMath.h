// Branch-free float exp, sigmoid and tanh that GCC vectorises (SSE2, AVX2,
// AVX-512 through target_clones in FusedLm.cpp). exp follows Cephes' expf:
// range reduction by ln 2 split in two constants, then a degree-6 polynomial;
// about 2 ulp, plenty for float training (tests compare with LibTorch at 1e-5).
#pragma once

#include <cstdint>
#include <cstring>

namespace traveller::lm::fastmath {

inline float exp(float x)
{
    x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
    // Round x / ln2 to nearest with the 1.5 * 2^23 trick (vectorises, unlike nearbyint).
    const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

inline float sigmoid(float x) { return 1.0f / (1.0f + exp(-x)); }

// tanh(x) = 1 - 2 / (1 + e^{2x}): absolute error ~1e-7 near 0, exact limits at +-inf.
inline float tanh(float x) { return 1.0f - 2.0f / (1.0f + exp(2.0f * x)); }

} // namespace traveller::lm::fastmath
