#include "lm/Precision.h"
#include "lm/SkinnyGemm.h"

#include "traveller/core/Errors.h"
#include "traveller/core/Messages.h"

#include <ATen/autocast_mode.h>
#include <cpuid.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace traveller {

namespace {

struct CpuBf16 {
    bool avx512Bf16 = false;
    bool amx = false;
};

// cpuid leaf 7: subleaf 1 EAX bit 5 AVX512_BF16; subleaf 0 EDX bit 22
// AMX_BF16, bit 24 AMX_TILE. AVX-512 also needs the OS to save its state,
// which __builtin_cpu_supports("avx512f") checks (xgetbv).
CpuBf16 detect()
{
    CpuBf16 cpu;
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw"))
        return cpu;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx))
        cpu.avx512Bf16 = (eax >> 5) & 1u;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
        cpu.amx = cpu.avx512Bf16 && ((edx >> 22) & 1u) && ((edx >> 24) & 1u);
    return cpu;
}

} // namespace

Bf16Path bf16Path()
{
    static const Bf16Path path = [] {
        const char* env = std::getenv("TRAVELLER_BF16");
        const std::string forced = env ? env : "";
        if (forced == "emulate")
            return Bf16Path::Emulated;
        if (forced == "off" || forced == "0")
            return Bf16Path::None;
        const CpuBf16 cpu = detect();
        return cpu.amx ? Bf16Path::Amx : cpu.avx512Bf16 ? Bf16Path::Avx512Bf16 : Bf16Path::None;
    }();
    return path;
}

std::string bf16PathName(Bf16Path path)
{
    switch (path) {
    case Bf16Path::Amx:
        // The large products reach the tiles through oneDNN; the per-step
        // ones through our tile kernel once Linux granted the tiles and the
        // kernel passed its check, else vdpbf16ps (every AMX CPU has it).
        if (lm::PackedWeightsBf16::tilesReady())
            return "amx (tdpbf16ps)";
        return std::string("amx (") + lm::PackedWeightsBf16::tilesState() + "; vdpbf16ps)";
    case Bf16Path::Avx512Bf16:
        return "avx512-bf16 (vdpbf16ps)";
    case Bf16Path::Emulated:
        return "emulated";
    case Bf16Path::None:
        break;
    }
    return "not available";
}

std::string bf16Summary() { return "bf16: " + bf16PathName(bf16Path()); }

namespace lm {

namespace {
thread_local MatmulMode tCurrent = MatmulMode::Fp32;
} // namespace

MatmulMode matmulModeFor(Precision precision)
{
    if (precision == Precision::Fp32)
        return MatmulMode::Fp32;
    switch (bf16Path()) {
    case Bf16Path::Amx:
    case Bf16Path::Avx512Bf16:
        return MatmulMode::Bf16;
    case Bf16Path::Emulated:
        return MatmulMode::Bf16Emulated;
    case Bf16Path::None:
        break;
    }
    throw ConfigError("train.precision", 0, 0, message("train.bf16_unavailable"));
}

MatmulMode currentMatmulMode() { return tCurrent; }

PrecisionScope::PrecisionScope(MatmulMode mode) : previous_(tCurrent) { tCurrent = mode; }

PrecisionScope::~PrecisionScope() { tCurrent = previous_; }

ForwardPrecision forwardPrecisionFor(Precision precision, Impl impl, const torch::Device& device)
{
    ForwardPrecision p;
    if (precision == Precision::Fp32)
        return p;
    if (!device.is_cpu()) {
        p.autocast = true;
        p.cuda = device.is_cuda();
        return p;
    }
    const MatmulMode mode = matmulModeFor(precision);
    if (impl == Impl::Fused)
        p.fused = mode;
    else
        p.autocast = true;
    return p;
}

ForwardScope::ForwardScope(const ForwardPrecision& precision)
    : fused_(precision.fused), autocast_(precision.autocast), cuda_(precision.cuda)
{
    if (!autocast_)
        return;
    if (cuda_) {
        wasEnabled_ = at::autocast::is_enabled();
        wasDtype_ = at::autocast::get_autocast_gpu_dtype();
        at::autocast::set_enabled(true);
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    } else {
        wasEnabled_ = at::autocast::is_cpu_enabled();
        wasDtype_ = at::autocast::get_autocast_cpu_dtype();
        at::autocast::set_cpu_enabled(true);
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    }
    at::autocast::increment_nesting();
}

ForwardScope::~ForwardScope()
{
    if (!autocast_)
        return;
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    if (cuda_) {
        at::autocast::set_enabled(wasEnabled_);
        at::autocast::set_autocast_gpu_dtype(wasDtype_);
    } else {
        at::autocast::set_cpu_enabled(wasEnabled_);
        at::autocast::set_autocast_cpu_dtype(wasDtype_);
    }
}

std::uint16_t bf16Bits(float x)
{
    std::uint32_t u = 0;
    std::memcpy(&u, &x, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return static_cast<std::uint16_t>((u >> 16) | 0x40u);  // NaN: quiet, never rounded to inf
    u += 0x7fffu + ((u >> 16) & 1u);
    return static_cast<std::uint16_t>(u >> 16);
}

float roundToBf16(float x)
{
    const std::uint32_t u = static_cast<std::uint32_t>(bf16Bits(x)) << 16;
    float out = 0.0f;
    std::memcpy(&out, &u, sizeof out);
    return out;
}

void roundToBf16(const float* in, float* out, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        out[i] = roundToBf16(in[i]);
}

torch::Tensor roundedToBf16(const torch::Tensor& t)
{
    auto out = t.to(torch::kFloat32).contiguous().clone();
    float* p = out.data_ptr<float>();
    roundToBf16(p, p, out.numel());
    return out;
}

torch::Tensor mmIn(MatmulMode mode, const torch::Tensor& a, const torch::Tensor& b)
{
    switch (mode) {
    case MatmulMode::Fp32:
        return torch::mm(a, b);
    case MatmulMode::Bf16:
        return torch::mm(a.to(torch::kBFloat16), b.to(torch::kBFloat16)).to(torch::kFloat32);
    case MatmulMode::Bf16Emulated:
        break;
    }
    return roundedToBf16(torch::mm(roundedToBf16(a), roundedToBf16(b)));
}

} // namespace lm

} // namespace traveller
