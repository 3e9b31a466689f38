// Which bfloat16 path this process uses for train.precision: bf16 (torch-free,
// for `traveller-cli --version` and the About dialog).
#pragma once

#include <string>

namespace traveller {

// Chosen once per process from the CPU's features (cpuid), in this order:
// AMX tiles (amx_bf16 + amx_tile), AVX512-BF16 (vdpbf16ps), none. The
// environment variable TRAVELLER_BF16=emulate selects the emulated path (bf16
// rounding of the inputs, float32 products: slow, any CPU, for tests);
// TRAVELLER_BF16=off behaves as a CPU without bf16.
enum class Bf16Path { Amx, Avx512Bf16, Emulated, None };

Bf16Path bf16Path();
// "amx", "avx512-bf16 (vdpbf16ps)", "emulated", "not available".
std::string bf16PathName(Bf16Path path);
// One line for --version and the About dialog: "bf16: avx512-bf16 (vdpbf16ps)".
std::string bf16Summary();

} // namespace traveller
