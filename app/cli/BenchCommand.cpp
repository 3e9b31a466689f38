// traveller-cli bench: training speed of each architecture, size and
// implementation on the book's pipeline, the machine's GEMM ceiling, and the
// time of a Lens reading.
#include "Commands.h"

#include "traveller/core/lm/Benchmark.h"
#include "traveller/core/lm/Precision.h"
#include "traveller/core/cells/Cells.h"
#include "traveller/core/Errors.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/lm/Training.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <memory>
#include <vector>

namespace traveller::cli {

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

struct BenchArgs {
    std::string arch = "rnn,gru,lstm", hidden = "256", impl = "builtin,fused", epochs = "20", layers = "1", threads = "0";
    std::string precision = "fp32";
    std::string dataDir;
    bool gemm = false;
    std::string lens = "0", repeat = "5";
    bool saliency = false;
};

// --lens CHARS: the Lens (LmSession::inspect, what `traveller-cli inspect`
// and the window's Lens tab compute) on the corpus's first CHARS characters,
// with the weights a model starts from: the time does not depend on what the
// weights have learned. The first reading of a process pays for memory and
// code it touches for the first time; the window's Lens reads again at
// every sample interval, which the following readings measure.
int benchLens(const BenchArgs& a, const std::vector<std::string>& arches, const std::vector<std::string>& hiddens,
              int threads)
{
    const int chars = wholeNumber("--lens", a.lens, 3, 1000000);
    const int repeat = wholeNumber("--repeat", a.repeat, 1, 10000);
    const std::string dir = resolveDataDir(a.dataDir);
    for (const auto& arch : arches)
        for (const auto& hidden : hiddens) {
            ExperimentConfig c;
            setConfigValue(c, "model.arch", arch);
            setConfigValue(c, "model.hidden", hidden);
            setConfigValue(c, "model.layers", a.layers);
            setConfigValue(c, "data.max_tokens", std::to_string(chars));
            // No training: a short text need not fill the book's batch.
            setConfigValue(c, "data.batch_size", "1");
            setConfigValue(c, "data.num_steps", "1");
            c.train.device = "cpu";
            c.train.threads = threads;
            LmSession session(c, dir);
            std::string text;
            for (std::int64_t id : session.corpus().ids)
                text += session.corpus().vocab.token(id);
            InspectOptions options;
            options.saliency = a.saliency;
            options.saliencyLimit = chars;  // what is measured is what was asked for
            std::vector<double> seconds;
            for (int i = 0; i < repeat; ++i)
                seconds.push_back(session.inspect(text, options).seconds);
            std::vector<double> rest(seconds.begin() + 1, seconds.end());
            std::sort(rest.begin(), rest.end());
            JsonObject line;
            line.add("event", "lens")
                .add("arch", arch)
                .add("hidden", c.model.hidden)
                .add("layers", c.model.layers)
                .add("chars", static_cast<std::int64_t>(session.corpus().ids.size()))
                .add("saliency", a.saliency)
                .add("threads", threads)
                .add("first_s", seconds.front());
            if (!rest.empty())
                line.add("median_s", rest[rest.size() / 2]).add("min_s", rest.front()).add("max_s", rest.back());
            std::cout << line.str() << std::endl;
        }
    return 0;
}

int bench(const BenchArgs& a)
{
    const std::vector<std::string> arches = splitList(a.arch), hiddens = splitList(a.hidden), impls = splitList(a.impl),
                                   precisions = splitList(a.precision);
    const int threads = threadsOption(a.threads);
    wholeNumber("--epochs", a.epochs, 1, 1000000);
    wholeNumber("--layers", a.layers, 1, 64);
    for (const auto& h : hiddens)
        wholeNumber("--hidden", h, 1, 1 << 16);
    // The experiment schema's own rule for each value, named by the option.
    ExperimentConfig probe;
    for (const auto& [option, key, values] : {std::tuple{"--arch", "model.arch", &arches}, {"--impl", "model.impl", &impls},
                                              {"--precision", "train.precision", &precisions}})
        for (const auto& v : *values)
            try {
                setConfigValue(probe, key, v);
            } catch (const Error& e) {
                throw UsageError(std::string(option) + ": " + e.what());
            }
    const int usedThreads = setTrainingThreads(threads);
    if (a.lens != "0")
        return benchLens(a, arches, hiddens, usedThreads);
    if (a.gemm) {
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
    const std::string dir = resolveDataDir(a.dataDir);
    for (const auto& arch : arches)
        for (const auto& hidden : hiddens)
            for (const auto& impl : impls)
                for (const auto& precision : precisions) {  // alternated, for ratios within one process
                    ExperimentConfig c;
                    setConfigValue(c, "model.arch", arch);
                    setConfigValue(c, "model.hidden", hidden);
                    setConfigValue(c, "model.impl", impl);
                    setConfigValue(c, "model.layers", a.layers);
                    setConfigValue(c, "train.epochs", a.epochs);
                    setConfigValue(c, "train.precision", precision);
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
                                     .add("step_kernel", impl != "fused"       ? std::string("libtorch")
                                                     : precision == "bf16" ? bf16PathName(bf16Path())
                                                                           : std::string(recurrentGemmKernel()))
                                     .add("precision", precision)
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

} // namespace

void addBenchCommand(CLI::App& app, int& status)
{
    auto args = std::make_shared<BenchArgs>();
    CLI::App* bench = app.add_subcommand("bench", "Training speed of each cell, size and implementation; the GEMM ceiling");
    bench->add_option("--arch", args->arch, "Cells, comma-separated: " + listOfCells())->capture_default_str();
    bench->add_option("--hidden", args->hidden, "Hidden sizes, comma-separated")->capture_default_str();
    bench->add_option("--impl", args->impl, "builtin, scratch and/or fused, comma-separated")->capture_default_str();
    bench->add_option("--epochs", args->epochs, "Epochs per measurement")->capture_default_str();
    bench->add_option("--layers", args->layers, "Stacked layers")->capture_default_str();
    bench->add_option("--threads", args->threads, "CPU threads, 0 = all cores")->capture_default_str();
    bench->add_option("--precision", args->precision, "fp32 and/or bf16 (train.precision), comma-separated")
        ->capture_default_str();
    bench->add_option("--data-dir", args->dataDir, "Corpus folder")->type_name("DIR");
    bench->add_flag("--gemm", args->gemm, "Measure the machine's GEMM speed at the recurrent step's shapes instead");
    bench->add_option("--lens", args->lens,
                      "Time the Lens instead: read the corpus's first CHARS characters with each --arch and --hidden")
        ->type_name("CHARS");
    bench->add_option("--repeat", args->repeat,
                      "Readings per model with --lens (its first reading, then the median of the rest)")
        ->capture_default_str();
    bench->add_flag("--saliency", args->saliency, "With --lens: compute saliency too");
    bench->footer("Prints a JSON Lines \"bench\" event per measurement (tokens/s, GFLOP/s, perplexity); with --lens a\n"
                  "\"lens\" event per cell and size (seconds of the first reading, then the median of the rest).\n");
    bench->callback([args, &status] { status = cli::bench(*args); });
}

} // namespace traveller::cli
