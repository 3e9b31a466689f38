// traveller-cli bench: training speed of each architecture, size and
// implementation on the book's pipeline, and the machine's GEMM ceiling.
#include "traveller/core/Benchmark.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Json.h"
#include "traveller/core/Training.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace traveller;

namespace {

// "rnn,gru,lstm,...": the cell registry's keys, as --arch takes them.
std::string listOfCells()
{
    std::string keys = cellKeys();
    std::replace(keys.begin(), keys.end(), '|', ',');
    return keys;
}

std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

int wholeNumber(const std::string& name, const std::string& v, long lo, long hi)
{
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n < lo || n > hi)
        throw Error("bench: " + name + " must be a whole number from " + std::to_string(lo) + " to " +
                    std::to_string(hi) + ", got '" + v + "'");
    return static_cast<int>(n);
}

} // namespace

int runBenchCommand(int argc, char** argv)
{
    std::vector<std::string> arches{"rnn", "gru", "lstm"}, hiddens{"256"}, impls{"builtin", "fused"};
    std::string epochs = "20", dataDir, layers = "1";
    int threads = 0;
    bool gemm = false;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw Error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--arch")
            arches = splitList(value());
        else if (a == "--hidden")
            hiddens = splitList(value());
        else if (a == "--impl")
            impls = splitList(value());
        else if (a == "--epochs")
            epochs = value();
        else if (a == "--layers")
            layers = value();
        else if (a == "--threads")
            threads = wholeNumber("--threads", value(), 0, 1024);
        else if (a == "--data-dir")
            dataDir = value();
        else if (a == "--gemm")
            gemm = true;
        else
            throw Error("bench: unknown option " + a +
                        " (options: --arch " + listOfCells() + " --hidden 256,1024 --impl builtin,scratch,fused --epochs N "
                        "--layers N --threads N --data-dir DIR --gemm)");
    }
    const int usedThreads = setTrainingThreads(threads);
    if (gemm) {
        for (const auto& h : hiddens) {
            const std::int64_t H = wholeNumber("--hidden", h, 1, 1 << 16);
            // Skinny: one time step's h W_hh^T (batch 32 rows); large: all 35 steps at once.
            for (const auto& shape : std::vector<std::vector<std::int64_t>>{{32, H, 3 * H}, {32 * 35, H, 3 * H}}) {
                std::cout << JsonObject()
                                 .add("event", "gemm")
                                 .add("m", shape[0])
                                 .add("k", shape[1])
                                 .add("n", shape[2])
                                 .add("threads", usedThreads)
                                 .add("gflops", measureGemmGflops(shape[0], shape[1], shape[2]))
                                 .str()
                          << std::endl;
            }
        }
        std::cout << JsonObject()
                         .add("event", "gemm")
                         .add("m", std::int64_t{2048})
                         .add("k", std::int64_t{2048})
                         .add("n", std::int64_t{2048})
                         .add("threads", usedThreads)
                         .add("gflops", measureGemmGflops(2048, 2048, 2048))
                         .str()
                  << std::endl;
        return 0;
    }
    const std::string dir = resolveDataDir(dataDir);
    for (const auto& arch : arches)
        for (const auto& hidden : hiddens)
            for (const auto& impl : impls) {
                ExperimentConfig c;
                setConfigValue(c, "model.arch", arch);
                setConfigValue(c, "model.hidden", hidden);
                setConfigValue(c, "model.impl", impl);
                setConfigValue(c, "model.layers", layers);
                setConfigValue(c, "train.epochs", epochs);
                c.train.device = "cpu";
                c.train.threads = usedThreads;  // the session sets its own thread count from this
                c.sample.every = 0;
                LmSession session(c, dir);
                TrainingObserver quiet;
                RunControl control;
                const RunResult r = session.train(quiet, control);
                const double flops = lmFlopsPerToken(c.model.arch, session.corpus().vocab.size(), c.model.hidden,
                                                     c.model.layers);
                std::cout << JsonObject()
                                 .add("event", "bench")
                                 .add("arch", arch)
                                 .add("impl", impl)
                                 .add("step_kernel", impl == "fused" ? recurrentGemmKernel() : "libtorch")
                                 .add("hidden", c.model.hidden)
                                 .add("layers", c.model.layers)
                                 .add("threads", usedThreads)
                                 .add("epochs", r.epochsDone)
                                 .add("tokens_per_s", r.tokensPerSecond)
                                 .add("mflop_per_token", flops / 1e6)
                                 .add("gflops", r.tokensPerSecond * flops / 1e9)
                                 .add("perplexity", r.perplexity)
                                 .str()
                          << std::endl;
            }
    return 0;
}
