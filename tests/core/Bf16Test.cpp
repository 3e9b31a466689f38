// train.precision: bf16 (issue 31): the rounding, the vdpbf16ps kernel
// against the emulated product, one training step's gradients per cell
// against float32, a bf16 run end to end (its checkpoint float32), and the
// refusals. The hardware cases skip on a CPU without AVX512-BF16; CTest runs
// the suite a second time with TRAVELLER_BF16=emulate.
#include "TestData.h"
#include "lm/LmModels.h"
#include "lm/Precision.h"
#include "lm/SkinnyGemm.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/store/Sweep.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <ATen/autocast_mode.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

using namespace traveller;
using namespace traveller::lm;

namespace {

bool hardwareBf16() { return PackedWeightsBf16::supported(); }

double relativeL2(const torch::Tensor& got, const torch::Tensor& want)
{
    return (got - want).norm().item<double>() / std::max(want.norm().item<double>(), 1e-30);
}

// One training step's gradients of a 2-layer fused model (the second layer's
// input products and dx go through the large bf16 products, the first's
// through the one-hot lookup) at batch 32 x 35 steps, in `mode`; hidden 96,
// or an odd size (bf16 pairs padded with a zero).
// impl builtin or scratch: LibTorch's own products, under its autocast
// (ForwardPrecision's rule, as the trainers use it).
std::map<std::string, torch::Tensor> oneStepGradients(Arch arch, Impl impl, const ForwardPrecision& precision,
                                                      int hidden = 96)
{
    torch::manual_seed(7);
    auto model = makeLanguageModel({arch, impl, hidden, 2}, 28, torch::kCPU);
    const auto x = torch::randint(28, {32, 35}, torch::kInt64);
    const auto y = torch::randint(28, {32, 35}, torch::kInt64);
    RnnState state = model->initialState(32, torch::kCPU);
    torch::Tensor loss;
    {
        const ForwardScope scope(precision);
        loss = torch::nn::functional::cross_entropy(model->forward(x, state), y.t().reshape(-1));
    }
    loss.backward();  // outside the scope: each layer kept its mode for its backward
    std::map<std::string, torch::Tensor> grads;
    for (const auto& p : model->named_parameters())
        grads[p.key()] = p.value().grad().clone();
    return grads;
}

std::map<std::string, torch::Tensor> oneStepGradients(Arch arch, MatmulMode mode, int hidden = 96)
{
    ForwardPrecision precision;
    precision.fused = mode;
    return oneStepGradients(arch, Impl::Fused, precision, hidden);
}

std::vector<MatmulMode> bf16Modes()
{
    std::vector<MatmulMode> modes{MatmulMode::Bf16Emulated};
    if (hardwareBf16())
        modes.push_back(MatmulMode::Bf16);
    return modes;
}

ExperimentConfig smallBf16Run(Arch arch, int epochs)
{
    ExperimentConfig c;
    c.model.arch = arch;
    c.model.hidden = 64;
    c.train.epochs = epochs;
    c.train.device = "cpu";
    c.train.precision = Precision::Bf16;
    c.sample.every = 0;
    return c;
}

// Every floating-point tensor of a checkpoint, in its nested archives too,
// is float32; returns how many there are.
int floatingTensorsAreFloat32(torch::serialize::InputArchive& archive, const std::string& prefix)
{
    int count = 0;
    for (const std::string& key : archive.keys()) {
        torch::Tensor t;
        torch::serialize::InputArchive inner;
        if (archive.try_read(key, t)) {
            if (t.is_floating_point()) {  // the extras hold ints and bytes
                EXPECT_EQ(t.scalar_type(), torch::kFloat32) << prefix << key;
                ++count;
            }
        } else if (archive.try_read(key, inner)) {
            count += floatingTensorsAreFloat32(inner, prefix + key + ".");
        }
    }
    return count;
}

struct Quiet : TrainingObserver {
    std::vector<double> perplexities;
    void onEpoch(const EpochStats& s) override { perplexities.push_back(s.perplexity); }
};

} // namespace

TEST(Bf16, RoundingIsNearestEvenAsLibTorchConverts)
{
    const auto values = torch::randn({100000}) * torch::pow(10.0, torch::randint(-20, 20, {100000}).to(torch::kFloat));
    const auto ours = roundedToBf16(values);
    const auto torchs = values.to(torch::kBFloat16).to(torch::kFloat32);
    EXPECT_TRUE(torch::equal(ours, torchs));
    // Ties: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 and goes to the even 1.
    EXPECT_EQ(roundToBf16(1.0f + 1.0f / 256), 1.0f);
    EXPECT_EQ(roundToBf16(1.0f + 3.0f / 256), 1.0f + 4.0f / 256);
    EXPECT_TRUE(std::isnan(roundToBf16(std::nanf(""))));
}

// The vdpbf16ps kernel against float32 products of the rounded inputs: the
// products of two bf16 values are exact in float32, so only the order of the
// float32 sums differs. Odd K, a partial last panel, rows not a multiple of 8.
TEST(Bf16, PackedKernelEqualsTheEmulatedProduct)
{
    if (!hardwareBf16())
        GTEST_SKIP() << "no AVX512-BF16 on this CPU (" << bf16Summary() << ")";
    torch::manual_seed(3);
    const std::int64_t m = 37, k = 67, n = 70;
    const auto a = torch::randn({m, k}), w = torch::randn({n, k}), bias = torch::randn({n});
    const auto want = torch::addmm(bias, roundedToBf16(a), roundedToBf16(w).t());
    PackedWeightsBf16 packed;
    packed.packRows(w.data_ptr<float>(), n, k, k);
    auto c = torch::empty({m, n});
    packed.multiply(a.data_ptr<float>(), m, k, bias.data_ptr<float>(), nullptr, c.data_ptr<float>(), n);
    EXPECT_LT(relativeL2(c, want), 1e-6);
    // W given as (K, N): C = A · W + addend.
    const auto wt = w.t().contiguous();  // (k, n)
    const auto addend = torch::randn({m, n});
    PackedWeightsBf16 columns;
    columns.packColumns(wt.data_ptr<float>(), k, n, n);
    columns.multiply(a.data_ptr<float>(), m, k, nullptr, addend.data_ptr<float>(), c.data_ptr<float>(), n);
    EXPECT_LT(relativeL2(c, torch::mm(roundedToBf16(a), roundedToBf16(wt)) + addend), 1e-6);
}

// The AMX tile kernel (AmxTiles.h) on emulated tiles — each instruction as the
// manual says, in C++ — against the emulated product: rows fewer than, equal
// to and beyond a tile's 16 and a block's 32, K neither a whole tile row of
// pairs nor even, a partial last panel, bias and addend (the addend also C
// itself, as the backward's step uses it). The same object alternates with
// the vdpbf16ps kernel, whose copy of A has another layout.
TEST(Bf16, TheTileKernelOnEmulatedTilesEqualsTheEmulatedProduct)
{
    if (!hardwareBf16())
        GTEST_SKIP() << "no AVX512-BF16 on this CPU (" << bf16Summary() << ")";
    torch::manual_seed(5);
    for (const std::int64_t k : {7, 32, 67}) {
        const std::int64_t n = 70;
        const auto w = torch::randn({n, k}), bias = torch::randn({n});
        PackedWeightsBf16 packed;
        packed.packRows(w.data_ptr<float>(), n, k, k);
        for (const std::int64_t m : {1, 15, 16, 17, 32, 33, 40, 64}) {
            const auto a = torch::randn({m, k});
            const auto want = torch::addmm(bias, roundedToBf16(a), roundedToBf16(w).t());
            auto c = torch::full({m, n}, std::nanf(""));
            packed.multiplyWith(PackedWeightsBf16::Kernel::EmulatedTiles, a.data_ptr<float>(), m, k,
                                bias.data_ptr<float>(), nullptr, c.data_ptr<float>(), n);
            EXPECT_LT(relativeL2(c, want), 1e-6) << "k " << k << " m " << m;
            auto viaPairs = torch::empty({m, n});
            packed.multiplyWith(PackedWeightsBf16::Kernel::Vdpbf16ps, a.data_ptr<float>(), m, k,
                                bias.data_ptr<float>(), nullptr, viaPairs.data_ptr<float>(), n);
            EXPECT_LT(relativeL2(c, viaPairs), 1e-6) << "k " << k << " m " << m;
        }
        // W given as (K, N), the addend C itself: C = A · W + C.
        const auto wt = w.t().contiguous();
        PackedWeightsBf16 columns;
        columns.packColumns(wt.data_ptr<float>(), k, n, n);
        const auto a = torch::randn({33, k});
        const auto before = torch::randn({33, n});
        auto c = before.clone();
        columns.multiplyWith(PackedWeightsBf16::Kernel::EmulatedTiles, a.data_ptr<float>(), 33, k, nullptr,
                             c.data_ptr<float>(), c.data_ptr<float>(), n);
        EXPECT_LT(relativeL2(c, torch::mm(roundedToBf16(a), roundedToBf16(wt)) + before), 1e-6) << "k " << k;
    }
    // The CPU's tiles run only where the CPU has them and they passed the check.
    if (bf16Path() != Bf16Path::Amx)
        EXPECT_FALSE(PackedWeightsBf16::tilesReady());
    std::printf("this process: %s; tiles: %s\n", bf16Summary().c_str(), PackedWeightsBf16::tilesState());
}

// The stated tolerance: one step's gradients in bf16 within a relative L2
// error of 1e-2 of float32's, for every parameter of every cell (bf16 keeps 8
// significant bits: one rounding is at most 2^-9 relative).
TEST(Bf16, OneStepGradientsAreWithinTheToleranceOfFloat32PerCell)
{
    for (const char* key : {"rnn", "gru", "lstm"}) {
        const Arch arch{key};
        const auto reference = oneStepGradients(arch, MatmulMode::Fp32);
        for (const MatmulMode mode : bf16Modes()) {
            const auto grads = oneStepGradients(arch, mode);
            double worst = 0;
            for (const auto& [name, g] : reference) {
                const double e = relativeL2(grads.at(name), g);
                worst = std::max(worst, e);
                EXPECT_LT(e, 1e-2) << key << " " << name << " mode " << static_cast<int>(mode);
            }
            std::printf("%s, mode %d: worst relative L2 error of a gradient %.2e\n", key, static_cast<int>(mode), worst);
        }
    }
}

// impl builtin and scratch in bf16 (LibTorch's autocast, as torch.autocast):
// every gradient within 3e-2 of float32's, and not equal to it (the products
// were rounded); autocast is off again after the scope. Autocast also rounds
// each product's result to bf16, so it lands further from float32 than the
// fused layers (which keep their results float32): the builtin layers here
// give worst errors 1.05e-2 (RNN), 1.31e-2 (GRU), 1.85e-2 (LSTM), the very
// figures of PyTorch 1.13's torch.autocast on nn.RNN/GRU/LSTM with the same
// sizes (docs/PERFORMANCE.md).
TEST(Bf16, BuiltinAndScratchRunUnderAutocastWithinTheTolerance)
{
    if (bf16Path() == Bf16Path::None)
        GTEST_SKIP() << "no bf16 path in this process (" << bf16Summary() << ")";
    for (const Impl impl : {Impl::Builtin, Impl::Scratch}) {
        const ForwardPrecision precision = forwardPrecisionFor(Precision::Bf16, impl, torch::kCPU);
        ASSERT_TRUE(precision.autocast);
        ASSERT_EQ(precision.fused, MatmulMode::Fp32);
        for (const char* key : {"rnn", "gru", "lstm"}) {
            const auto reference = oneStepGradients(Arch{key}, impl, ForwardPrecision{});
            const auto grads = oneStepGradients(Arch{key}, impl, precision);
            EXPECT_FALSE(at::autocast::is_cpu_enabled());
            double worst = 0;
            for (const auto& [name, g] : reference) {
                const double e = relativeL2(grads.at(name), g);
                worst = std::max(worst, e);
                EXPECT_LT(e, 3e-2) << toString(impl) << " " << key << " " << name;
            }
            EXPECT_GT(worst, 1e-5) << toString(impl) << " " << key << ": bf16 changed nothing";
            std::printf("%s %s: worst relative L2 error of a gradient %.2e\n", toString(impl).c_str(), key, worst);
        }
    }
    // The fused layers keep their own kernels, outside autocast.
    const ForwardPrecision fused = forwardPrecisionFor(Precision::Bf16, Impl::Fused, torch::kCPU);
    EXPECT_FALSE(fused.autocast);
    EXPECT_NE(fused.fused, MatmulMode::Fp32);
}

// The emulated path is the hardware path's model: they agree far closer than
// either to float32 (they differ in the order of float32 sums and, through
// that, in a few roundings of the large products' bf16 results).
TEST(Bf16, EmulatedAndHardwareGradientsAgree)
{
    if (!hardwareBf16())
        GTEST_SKIP() << "no AVX512-BF16 on this CPU (" << bf16Summary() << ")";
    for (const int hidden : {96, 33})
        for (const char* key : {"rnn", "gru", "lstm"}) {
            const auto emulated = oneStepGradients(Arch{key}, MatmulMode::Bf16Emulated, hidden);
            const auto hardware = oneStepGradients(Arch{key}, MatmulMode::Bf16, hidden);
            for (const auto& [name, g] : emulated)
                EXPECT_LT(relativeL2(hardware.at(name), g), 3e-3) << key << " " << hidden << " " << name;
        }
}

// A bf16 run trains end to end; its checkpoint is float32 and reloads into a
// float32 session as any other.
TEST(Bf16, ARunTrainsAndItsCheckpointIsFloat32)
{
    if (bf16Path() == Bf16Path::None)
        GTEST_SKIP() << "no bf16 path on this CPU";
    const ExperimentConfig c = smallBf16Run(Arch{"gru"}, 4);
    LmSession session(c, test::dataDir());
    Quiet observer;
    RunControl control;
    const RunResult r = session.train(observer, control);
    ASSERT_EQ(r.status, RunStatus::Finished) << r.message;
    ASSERT_EQ(observer.perplexities.size(), 4u);
    EXPECT_LT(observer.perplexities.back(), observer.perplexities.front());
    const auto path = (std::filesystem::temp_directory_path() / "traveller-bf16-test.pt").string();
    session.saveCheckpoint(path, 4);
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    const int tensors = floatingTensorsAreFloat32(archive, "");
    EXPECT_GT(tensors, 0);
    ExperimentConfig fp32 = c;
    fp32.train.precision = Precision::Fp32;
    LmSession again(fp32, test::dataDir());
    again.loadCheckpoint(path);
    EXPECT_EQ(again.generate("time traveller", 20), session.generate("time traveller", 20));
    std::filesystem::remove(path);
    std::printf("%d floating-point tensors in the checkpoint, all float32\n", tensors);
}

// The trainer's wiring: a builtin run in bf16 trains under autocast; its
// perplexities are not float32's, and near them.
TEST(Bf16, ABuiltinRunTrainsUnderAutocast)
{
    if (bf16Path() == Bf16Path::None)
        GTEST_SKIP() << "no bf16 path on this CPU";
    ExperimentConfig c = smallBf16Run(Arch{"lstm"}, 3);
    c.model.impl = Impl::Builtin;
    Quiet bf16, fp32;
    RunControl control;
    ASSERT_EQ(LmSession(c, test::dataDir()).train(bf16, control).status, RunStatus::Finished);
    c.train.precision = Precision::Fp32;
    ASSERT_EQ(LmSession(c, test::dataDir()).train(fp32, control).status, RunStatus::Finished);
    ASSERT_EQ(bf16.perplexities.size(), 3u);
    ASSERT_EQ(fp32.perplexities.size(), 3u);
    EXPECT_LT(bf16.perplexities.back(), bf16.perplexities.front());
    EXPECT_NE(bf16.perplexities.front(), fp32.perplexities.front());
    EXPECT_NEAR(bf16.perplexities.front(), fp32.perplexities.front(), 0.02 * fp32.perplexities.front());
}

TEST(Bf16, UnknownPrecisionIsRefusedWithACode)
{
    EXPECT_EQ(parseExperimentYaml("train: {precision: bf16}\n").train.precision, Precision::Bf16);
    EXPECT_EQ(configValue(ExperimentConfig{}, "train.precision"), "fp32");
    try {
        parseExperimentYaml("train: {precision: fp16}\n");
        ADD_FAILURE() << "fp16 was taken";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "config.one_of");
        EXPECT_EQ(e.key(), "train.precision");
    }
}

// A sweep's grid varies it; a run's YAML (what Slurm's tasks and the run
// library keep) carries it.
TEST(Bf16, SweepsAndRunFilesCarryThePrecision)
{
    const Sweep s = parseSweepYaml("base: {train: {epochs: 2}}\ngrid:\n  train.precision: [fp32, bf16]\n");
    ASSERT_EQ(s.runs.size(), 2u);
    EXPECT_EQ(s.runs[1].config.train.precision, Precision::Bf16);
    EXPECT_EQ(parseExperimentYaml(toYaml(s.runs[1].config)).train.precision, Precision::Bf16);
    EXPECT_FALSE(sameRun(s.runs[0].config, s.runs[1].config));
}

// lab run --precision bf16: every run of the language-model and translation
// steps carries it, and is planned apart from the fp32 lab's runs.
TEST(Bf16, TheLabsRunsCarryThePrecision)
{
    const LabStep* gru = findLabStep("gru");
    const LabStep* seq2seq = findLabStep("seq2seq");
    ASSERT_TRUE(gru && seq2seq);
    const Sweep sweep = labSweep(*gru, LabMode::Quick, 2, 1, Precision::Bf16);
    ASSERT_FALSE(sweep.runs.empty());
    for (const SweepRun& r : sweep.runs)
        EXPECT_EQ(r.config.train.precision, Precision::Bf16) << r.label;
    EXPECT_EQ(labSweep(*gru, LabMode::Quick, 2).runs.front().config.train.precision, Precision::Fp32);
    for (const auto& [label, config] : labTranslations(*seq2seq, LabMode::Quick, 2, 1, Precision::Bf16))
        EXPECT_EQ(config.train.precision, Precision::Bf16) << label;
}

TEST(Bf16, ACpuWithoutBf16IsRefusedWithACode)
{
    if (bf16Path() != Bf16Path::None)
        GTEST_SKIP() << "this process has a bf16 path (" << bf16Summary() << "); TRAVELLER_BF16=off tests this";
    try {
        LmSession session(smallBf16Run(Arch{"rnn"}, 1), test::dataDir());
        ADD_FAILURE() << "bf16 was taken on a CPU without it";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "train.bf16_unavailable");
        EXPECT_EQ(e.key(), "train.precision");
    }
}

// Not a test: the kernels' speed ratio, bf16 against float32 on the same
// shapes, alternated within one process (run with
// --gtest_also_run_disabled_tests --gtest_filter=Bf16.DISABLED_KernelRatios).
TEST(Bf16, DISABLED_KernelRatios)
{
    if (!hardwareBf16())
        GTEST_SKIP() << "no AVX512-BF16";
    using Clock = std::chrono::steady_clock;
    for (const std::int64_t hidden : {256, 512, 1024}) {
        const std::int64_t m = 32, n = 3 * hidden, k = hidden;
        const auto a = torch::randn({m, k}), w = torch::randn({n, k});
        auto c = torch::empty({m, n});
        PackedWeights fp32;
        PackedWeightsBf16 bf16;
        fp32.packRows(w.data_ptr<float>(), n, k, k);
        bf16.packRows(w.data_ptr<float>(), n, k, k);
        const auto time = [&](auto&& f) {
            const auto start = Clock::now();
            int calls = 0;
            while (Clock::now() - start < std::chrono::milliseconds(300)) {
                f();
                ++calls;
            }
            return std::chrono::duration<double>(Clock::now() - start).count() / calls;
        };
        for (int round = 0; round < 3; ++round) {
            const double t32 = time([&] { fp32.multiply(a.data_ptr<float>(), m, k, nullptr, nullptr, c.data_ptr<float>(), n); });
            const double t16 = time([&] { bf16.multiply(a.data_ptr<float>(), m, k, nullptr, nullptr, c.data_ptr<float>(), n); });
            const auto big = torch::randn({35 * m, n}), h = torch::randn({35 * m, k});
            const double g32 = time([&] { torch::mm(big.t(), h); });
            const double g16 = time([&] { mmIn(MatmulMode::Bf16, big.t(), h); });
            const double flop = 2.0 * m * n * k, flopBig = 2.0 * 35 * m * n * k;
            std::printf("hidden %4lld step 32x%lldx%lld: fp32 %.0f, bf16 %.0f GFLOP/s (x%.2f); "
                        "weight gradient %lldx%lldx%lld: fp32 %.0f, bf16 incl. conversions %.0f GFLOP/s (x%.2f)\n",
                        static_cast<long long>(hidden), static_cast<long long>(k), static_cast<long long>(n),
                        flop / t32 / 1e9, flop / t16 / 1e9, t32 / t16, static_cast<long long>(n),
                        static_cast<long long>(35 * m), static_cast<long long>(k), flopBig / g32 / 1e9,
                        flopBig / g16 / 1e9, g32 / g16);
        }
    }
}

// Not a test: one training step (forward, backward) of a fused 1-layer model,
// fp32 against bf16, alternated within one process (as DISABLED_KernelRatios).
TEST(Bf16, DISABLED_StepRatios)
{
    if (!hardwareBf16())
        GTEST_SKIP() << "no AVX512-BF16";
    using Clock = std::chrono::steady_clock;
    for (const char* key : {"rnn", "gru", "lstm"})
        for (const std::int64_t hidden : {256, 1024}) {
            torch::manual_seed(1);
            auto model = makeLanguageModel({Arch{key}, Impl::Fused, static_cast<int>(hidden), 1}, 28, torch::kCPU);
            const auto x = torch::randint(28, {32, 35}, torch::kInt64);
            const auto y = torch::randint(28, {32, 35}, torch::kInt64);
            const auto step = [&](MatmulMode mode) {
                RnnState state = model->initialState(32, torch::kCPU);
                torch::Tensor loss;
                {
                    const PrecisionScope scope(mode);
                    loss = torch::nn::functional::cross_entropy(model->forward(x, state), y.t().reshape(-1));
                }
                model->zero_grad();
                loss.backward();
            };
            const auto time = [&](MatmulMode mode) {
                step(mode);
                const auto start = Clock::now();
                int calls = 0;
                while (Clock::now() - start < std::chrono::milliseconds(hidden > 256 ? 1500 : 500)) {
                    step(mode);
                    ++calls;
                }
                return std::chrono::duration<double>(Clock::now() - start).count() / calls;
            };
            for (int round = 0; round < 3; ++round) {
                const double t32 = time(MatmulMode::Fp32), t16 = time(MatmulMode::Bf16);
                std::printf("%s %lld: step fp32 %.2f ms, bf16 %.2f ms, tokens/s ratio bf16/fp32 %.2f\n", key,
                            static_cast<long long>(hidden), t32 * 1e3, t16 * 1e3, t32 / t16);
            }
        }
}
