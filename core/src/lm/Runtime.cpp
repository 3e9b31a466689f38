// The process around training: threads, the heap, the BLAS in use, the
// devices LibTorch can see (Training.h).
#include "traveller/core/lm/Training.h"
#include "traveller/core/Format.h"
#include "TrainingLoop.h"
#include "lm/Inspect.h"
#include "lm/CoreShare.h"

#include "Checkpoint.h"
#include "SeedLock.h"

#include "lm/GradClip.h"
#include "lm/LmBatches.h"
#include "lm/LmModels.h"
#include "traveller/core/Errors.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunRules.h"

#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <torch/version.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sched.h>
#include <sys/mman.h>
#include <cmath>
#include <limits>
#include <malloc.h>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include "lm/LmSessionImpl.h"

namespace traveller {

namespace {
// Cores this process may run on: the affinity mask (taskset, cgroups' cpusets),
// not hardware_concurrency(), which counts every core of the machine and would
// oversubscribe a pinned process many times over.
int usableCores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}
} // namespace

namespace {

// Each batch allocates and frees the same few megabyte-sized tensors (the
// fused layers' gates and states, their gradients). Above glibc's mmap
// threshold each one is a fresh mapping whose pages fault in on first touch
// and go back to the kernel on free: on a VM that made the book's GRU run at
// 36k tokens/s instead of 86-99k (same binary, same numbers; PERFORMANCE.md).
// Kept in the heap instead, they are reused from batch to batch. Process-wide
// and set once, before the first training of either front end.
//
// The first touch of a page costs too: about 12 us per 4 KiB page on the 2-core
// VM (150 MB of fresh memory, 0.45 s), more than the arithmetic of a Lens reading
// at hidden 1024, which touches ~150 MB. Where transparent huge pages are
// "madvise" (Debian's default), the heap's next 224 MiB are advised as huge
// pages: grown by seven 32 MiB blocks (nothing is touched but their headers),
// advised, and freed back into the heap, which keeps them (under the trim
// threshold). A 2 MiB page then faults in where 512 small ones did: 150 MB of
// fresh memory in 0.04 s (bench/lens_floor.cpp; PERFORMANCE.md, "The Lens").
// Only the main thread's heap: other threads have their own arenas.
void adviseHugePagesForTheHeap()
{
#ifdef MADV_HUGEPAGE
    constexpr std::size_t kBlock = std::size_t(32) << 20, kBlocks = 7;
    constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
    void* blocks[kBlocks] = {};
    for (auto& b : blocks)
        b = std::malloc(kBlock);
    for (void* b : blocks) {
        if (!b)
            continue;
        const auto begin = (reinterpret_cast<std::uintptr_t>(b) + kHuge - 1) & ~(kHuge - 1);
        const auto end = (reinterpret_cast<std::uintptr_t>(b) + kBlock) & ~(kHuge - 1);
        if (end > begin)
            madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice: failure is harmless
    }
    for (void* b : blocks)
        std::free(b);
#endif
}

void keepBatchBuffersInTheHeap()
{
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 64 << 20);   // allocations up to 64 MiB from the heap
        mallopt(M_TRIM_THRESHOLD, 256 << 20);  // and up to 256 MiB of free heap kept for reuse
        adviseHugePagesForTheHeap();
    });
}

} // namespace

int setTrainingThreads(int threads)
{
    keepBatchBuffersInTheHeap();
    const int n = threads > 0 ? threads : usableCores();
    at::set_num_threads(n);
    lm::setFollowFreeCores(threads <= 0);
    return n;
}

int trainingThreads() { return at::get_num_threads(); }

bool cudaSupportCompiled() { return at::hasCUDA(); }

std::string torchVersion() { return TORCH_VERSION; }

std::string blasLibrary()
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string path = line.substr(slash);
        const std::string file = path.substr(path.rfind('/') + 1);
        if (file.rfind("libopenblas", 0) == 0 || file.rfind("libblas", 0) == 0 || file.rfind("libmkl", 0) == 0) {
            std::error_code ec;
            const std::string real = std::filesystem::canonical(path, ec).string();
            const std::string shown = ec ? path : real;
            if (shown.find("openblas") != std::string::npos) {
                const auto dir = std::filesystem::path(shown).parent_path().filename().string();
                return "OpenBLAS (" + dir + ")";
            }
            if (shown.find("mkl") != std::string::npos)
                return "Intel MKL (" + shown + ")";
            return "reference BLAS (" + shown + "): about 12x slower, install libopenblas0-openmp";
        }
    }
    return "linked statically or not loaded yet";
}

namespace {
// "NVIDIA H100 80GB HBM3 (79.2 GiB)" through the CUDA driver API, loaded at run
// time so core needs no CUDA headers; empty when the driver is not there.
std::string cudaDeviceDescription(int index)
{
    using InitFn = int (*)(unsigned);
    using GetFn = int (*)(int*, int);
    using NameFn = int (*)(char*, int, int);
    using MemFn = int (*)(std::size_t*, int);
    void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!lib)
        return {};
    auto init = reinterpret_cast<InitFn>(dlsym(lib, "cuInit"));
    auto get = reinterpret_cast<GetFn>(dlsym(lib, "cuDeviceGet"));
    auto name = reinterpret_cast<NameFn>(dlsym(lib, "cuDeviceGetName"));
    auto mem = reinterpret_cast<MemFn>(dlsym(lib, "cuDeviceTotalMem_v2"));
    std::string out;
    int device = 0;
    char buffer[256] = {};
    if (init && get && name && init(0) == 0 && get(&device, index) == 0 &&
        name(buffer, sizeof buffer - 1, device) == 0) {
        out = buffer;
        std::size_t bytes = 0;
        if (mem && mem(&bytes, device) == 0 && bytes > 0) {
            char gib[32];
            std::snprintf(gib, sizeof gib, " (%.1f GiB)", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
            out += gib;
        }
    }
    dlclose(lib);
    return out;
}
} // namespace

std::vector<DeviceInfo> availableDevices()
{
    std::vector<DeviceInfo> out;
    const int threads = trainingThreads();
    out.push_back({"cpu", "CPU (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)")});
    if (torch::cuda::is_available()) {
        const auto count = torch::cuda::device_count();
        for (std::size_t i = 0; i < count; ++i) {
            const std::string id = "cuda:" + std::to_string(i);
            const std::string name = cudaDeviceDescription(static_cast<int>(i));
            out.push_back({id, id + " \u2014 " + (name.empty() ? "CUDA GPU" : name)});
        }
    }
    return out;
}

std::string resolveDeviceSpec(const std::string& spec)
{
    if (spec == "cpu")
        return "cpu";
    if (spec == "auto")
        return torch::cuda::is_available() ? "cuda:0" : "cpu";
    std::string s = spec == "cuda" ? "cuda:0" : spec;
    if (s.rfind("cuda:", 0) != 0 || s.size() == 5 ||
        s.find_first_not_of("0123456789", 5) != std::string::npos)
        throw DeviceError(message("device.unknown", {spec}));
    const long index = std::stol(s.substr(5));
    if (!at::hasCUDA())
        throw DeviceError(message("device.no_cuda_build", {s}));
    const auto count = static_cast<long>(torch::cuda::device_count());
    if (count == 0)
        throw DeviceError(message("device.no_gpu", {s}));
    if (index >= count)
        throw DeviceError(message("device.index", {s, std::to_string(count),
                                                   "cuda:0" + (count > 1 ? "..cuda:" + std::to_string(count - 1) : "")}));
    return s;
}

} // namespace traveller
