// Every cell of the registry computes one thing however it runs: the fused
// CPU path and LibTorch's layer (where it has one) give the textbook step's
// logits, states and gradients (autograd through the textbook step) for the
// same weights. New cells get these tests by being in the registry.
#include "cells/Cell.h"
#include "lm/GradClip.h"
#include "lm/LmModels.h"
#include "lm/SkinnyGemm.h"

#include "traveller/core/Errors.h"

#include <gtest/gtest.h>

#include <cctype>

#include <set>


using namespace traveller;
using namespace traveller::lm;

namespace {

struct Case {
    Arch arch;
    Impl impl;
    int layers;
};

void PrintTo(const Case& c, std::ostream* os)
{
    *os << toString(c.arch) << "/" << toString(c.impl) << "/" << c.layers << " layer(s)";
}

std::string caseName(const ::testing::TestParamInfo<Case>& info)
{
    // Test names take letters, digits and '_' only ("gru-reset" -> "gru_reset").
    std::string cell = info.param.arch.key;
    for (char& ch : cell)
        if (!std::isalnum(static_cast<unsigned char>(ch)))
            ch = '_';
    return cell + "_" + toString(info.param.impl) + "_L" + std::to_string(info.param.layers);
}

void copyWeights(LanguageModel& from, LanguageModel& to)
{
    torch::NoGradGuard noGrad;
    const auto source = from.named_parameters();
    for (auto& p : to.named_parameters()) {
        ASSERT_TRUE(source.contains(p.key())) << p.key();
        p.value().copy_(source[p.key()]);
    }
    ASSERT_EQ(source.size(), to.named_parameters().size());
}

class SameAsTextbook : public ::testing::TestWithParam<Case> {};

// Fused (1 and 2 layers) and, where LibTorch has the cell, builtin, for every
// cell of the registry.
std::vector<Case> everyCellAndImplementation()
{
    std::vector<Case> cases;
    for (const CellInfo& cell : cellCatalogue())
        for (int layers : {1, 2}) {
            cases.push_back({Arch{cell.key}, Impl::Fused, layers});
            if (cell.builtinLayer)
                cases.push_back({Arch{cell.key}, Impl::Builtin, layers});
        }
    return cases;
}

} // namespace

TEST_P(SameAsTextbook, LogitsStatesAndGradientsMatch)
{
    const Case c = GetParam();
    const std::int64_t vocab = 28, hidden = 16, batch = 4, steps = 7;
    torch::manual_seed(3);
    ModelConfig builtinConfig{c.arch, Impl::Scratch, static_cast<int>(hidden), c.layers};
    ModelConfig otherConfig{c.arch, c.impl, static_cast<int>(hidden), c.layers};
    auto reference = makeLanguageModel(builtinConfig, vocab, torch::kCPU);
    auto model = makeLanguageModel(otherConfig, vocab, torch::kCPU);
    copyWeights(*reference, *model);

    const auto x = torch::randint(vocab, {batch, steps}, torch::kInt64);
    const auto y = torch::randint(vocab, {batch, steps}, torch::kInt64);
    // A non-zero starting state, as sequential batches carry one.
    RnnState s1 = reference->initialState(batch, torch::kCPU);
    s1.h.normal_(0, 0.5);
    if (s1.c.defined())
        s1.c.normal_(0, 0.5);
    RnnState s2{s1.h.clone(), s1.c.defined() ? s1.c.clone() : torch::Tensor()};

    const auto l1 = reference->forward(x, s1);
    const auto l2 = model->forward(x, s2);
    ASSERT_EQ(l1.sizes(), (std::vector<std::int64_t>{steps * batch, vocab}));
    ASSERT_EQ(l2.sizes(), l1.sizes());
    EXPECT_TRUE(torch::allclose(l1, l2, 1e-5, 1e-5)) << (l1 - l2).abs().max().item<float>();
    EXPECT_TRUE(torch::allclose(s1.h, s2.h, 1e-5, 1e-5));
    ASSERT_EQ(s1.c.defined(), c.arch.info().cellState);
    ASSERT_EQ(s2.c.defined(), c.arch.info().cellState);
    if (s1.c.defined())
        EXPECT_TRUE(torch::allclose(s1.c, s2.c, 1e-5, 1e-5));

    // Gradients through the loss, the final state included (as the next batch would use it).
    auto loss1 = torch::nn::functional::cross_entropy(l1, y.t().reshape(-1)) + s1.h.sum() * 0.1;
    auto loss2 = torch::nn::functional::cross_entropy(l2, y.t().reshape(-1)) + s2.h.sum() * 0.1;
    loss1.backward();
    loss2.backward();
    const auto g1 = reference->named_parameters();
    for (const auto& p : model->named_parameters()) {
        const auto& a = g1[p.key()].grad();
        const auto& b = p.value().grad();
        ASSERT_TRUE(b.defined()) << p.key();
        EXPECT_TRUE(torch::allclose(a, b, 1e-4, 1e-5))
            << p.key() << " max diff " << (a - b).abs().max().item<float>();
    }
}

INSTANTIATE_TEST_SUITE_P(Registry, SameAsTextbook, ::testing::ValuesIn(everyCellAndImplementation()), caseName);

// What the registry promises every cell: a unique key that configs accept, a
// weight layout the models allocate, and a textbook step that exposes the
// values it names, each (B, H), with the state the cell declares.
TEST(CellRegistry, EveryCellKeepsItsPromises)
{
    ASSERT_GE(cellCatalogue().size(), 3U);
    std::set<std::string> keys;
    for (const CellInfo& info : cellCatalogue()) {
        SCOPED_TRACE(info.key);
        EXPECT_TRUE(keys.insert(info.key).second);
        EXPECT_EQ(findCell(info.key), &info);
        EXPECT_NE(cellKeys().find(info.key), std::string::npos);
        EXPECT_EQ(static_cast<int>(info.blocks.size()), info.gates);
        const cells::Cell& cell = cells::cell(Arch{info.key});
        EXPECT_EQ(cell.info().key, info.key);

        const std::int64_t in = 5, hidden = 6, batch = 3;
        torch::manual_seed(1);
        RecurrentWeights weights(Arch{info.key}, in, hidden, 1);
        const auto names = weights->named_parameters();
        EXPECT_EQ(names.contains("weight_hh_l0"), info.hiddenWeights);
        EXPECT_EQ(names["weight_ih_l0"].sizes(), (std::vector<std::int64_t>{info.gates * hidden, in}));
        cells::State prev{torch::randn({batch, hidden}), info.cellState ? torch::randn({batch, hidden}) : torch::Tensor()};
        const cells::Step step = cell.step(weights->layer(0), torch::randn({batch, in}), prev);
        EXPECT_EQ(step.next.h.sizes(), (std::vector<std::int64_t>{batch, hidden}));
        EXPECT_EQ(step.next.c.defined(), info.cellState);
        ASSERT_EQ(step.values.size(), info.inspected.size());
        for (const auto& v : step.values)
            EXPECT_EQ(v.sizes(), (std::vector<std::int64_t>{batch, hidden}));
        EXPECT_TRUE(torch::isfinite(step.next.h).all().item<bool>());

        // Its equations for the Lens name only what the step exposes, and
        // filled with row 0, unit 0 of this step they end in its h.
        ASSERT_FALSE(info.equations.empty());
        std::set<std::string> asked;
        const auto lines = stepEquations(info, [&](const std::string& name) -> double {
            asked.insert(name);
            if (name == "h")
                return step.next.h[0][0].item<double>();
            if (name == "h_prev")
                return prev.h[0][0].item<double>();
            if (name == "c_prev")
                return prev.c[0][0].item<double>();
            const auto at = std::find(info.inspected.begin(), info.inspected.end(), name) - info.inspected.begin();
            return step.values[static_cast<std::size_t>(at)][0][0].item<double>();
        });
        ASSERT_EQ(lines.size(), info.equations.size());
        EXPECT_TRUE(asked.count("h"));
        for (const std::string& line : lines)
            EXPECT_EQ(line.find('{'), std::string::npos) << line;
        char h[32];
        std::snprintf(h, sizeof h, "%.3f", step.next.h[0][0].item<double>());
        EXPECT_NE(lines.back().find(h), std::string::npos) << lines.back() << " should show h = " << h;
    }
    EXPECT_EQ(findCell("no-such-cell"), nullptr);
    EXPECT_THROW(Arch{"no-such-cell"}.info(), ConfigError);
}

// The placeholders of a cell's equations: a negative factor is bracketed, a
// name the cell does not expose is refused.
TEST(CellRegistry, StepEquationsFillPlaceholders)
{
    CellInfo info = *findCell("rnn");
    info.equations = {"h = {a}·{h_prev*} + {h_prev}"};
    const auto value = [](const std::string& name) { return name == "a" ? 0.5 : -0.25; };
    EXPECT_EQ(stepEquations(info, value), std::vector<std::string>{"h = 0.500·(-0.250) + -0.250"});
    info.equations = {"c = {c_prev}"};  // an RNN has no cell state
    EXPECT_THROW(stepEquations(info, value), Error);
    info.equations = {"a = {a"};
    EXPECT_THROW(stepEquations(info, value), Error);
}

TEST(GradClip, ScalesToThetaAndReportsTheNormBefore)
{
    auto a = torch::zeros({2}, torch::requires_grad());
    auto b = torch::zeros({1}, torch::requires_grad());
    a.mutable_grad() = torch::tensor({3.0f, 0.0f});
    b.mutable_grad() = torch::tensor({4.0f});
    const double norm = clipGradNorm({a, b}, 1.0);
    EXPECT_DOUBLE_EQ(norm, 5.0);
    EXPECT_TRUE(torch::allclose(a.grad(), torch::tensor({0.6f, 0.0f})));
    EXPECT_TRUE(torch::allclose(b.grad(), torch::tensor({0.8f})));
    // Below the threshold nothing changes; theta 0 only measures.
    EXPECT_NEAR(clipGradNorm({a, b}, 2.0), 1.0, 1e-6);
    EXPECT_TRUE(torch::allclose(b.grad(), torch::tensor({0.8f})));
    b.mutable_grad() = torch::tensor({40.0f});
    EXPECT_NEAR(clipGradNorm({a, b}, 0.0), std::sqrt(0.36 + 1600.0), 1e-3);
    EXPECT_FLOAT_EQ(b.grad().item<float>(), 40.0f);
}

TEST(FusedLm, MatchesTheTextbookAtTheBooksSizeOverTrainingSteps)
{
    // Book-sized batches take the multi-threaded row split; several SGD steps
    // with clipping must keep the fused model on the textbook model's trajectory.
    for (const CellInfo& cell : cellCatalogue()) {
        const Arch arch{cell.key};
        torch::manual_seed(5);
        auto reference = makeLanguageModel({arch, Impl::Scratch, 256, 1}, 28, torch::kCPU);
        auto fused = makeLanguageModel({arch, Impl::Fused, 256, 1}, 28, torch::kCPU);
        copyWeights(*reference, *fused);
        torch::optim::SGD opt1(reference->parameters(), 1.0), opt2(fused->parameters(), 1.0);
        RnnState s1 = reference->initialState(32, torch::kCPU), s2 = fused->initialState(32, torch::kCPU);
        for (int step = 0; step < 5; ++step) {
            const auto x = torch::randint(28, {32, 35}, torch::kInt64);
            const auto y = torch::randint(28, {32, 35}, torch::kInt64).t().reshape(-1);
            s1 = s1.detached();
            s2 = s2.detached();
            const auto loss1 = torch::nn::functional::cross_entropy(reference->forward(x, s1), y);
            const auto loss2 = torch::nn::functional::cross_entropy(fused->forward(x, s2), y);
            EXPECT_NEAR(loss1.item<double>(), loss2.item<double>(), 1e-4) << toString(arch) << " step " << step;
            opt1.zero_grad();
            opt2.zero_grad();
            loss1.backward();
            loss2.backward();
            EXPECT_NEAR(clipGradNorm(reference->parameters(), 1.0), clipGradNorm(fused->parameters(), 1.0), 1e-3);
            opt1.step();
            opt2.step();
        }
    }
}

// Each thread runs every step for its own batch rows (FusedLm.cpp's
// throughTime): batches that split unevenly over 2 and 3 threads (13, 33
// rows; 5 rows stay on one thread) give the textbook step's logits and
// gradients, two layers deep (the second layer's input products and dx too).
TEST(FusedLm, RowsSplitOverThreadsMatchTheTextbook)
{
    const int before = at::get_num_threads();
    for (int threads : {2, 3})
        for (std::int64_t batch : {5, 13, 33})
            for (const char* key : {"rnn", "gru", "lstm"}) {
                SCOPED_TRACE(std::string(key) + " batch " + std::to_string(batch) + " threads " +
                             std::to_string(threads));
                at::set_num_threads(threads);
                torch::manual_seed(9);
                auto reference = makeLanguageModel({Arch{key}, Impl::Scratch, 40, 2}, 28, torch::kCPU);
                auto fused = makeLanguageModel({Arch{key}, Impl::Fused, 40, 2}, 28, torch::kCPU);
                copyWeights(*reference, *fused);
                const auto x = torch::randint(28, {batch, 9}, torch::kInt64);
                const auto y = torch::randint(28, {batch, 9}, torch::kInt64).t().reshape(-1);
                RnnState s1 = reference->initialState(batch, torch::kCPU), s2 = fused->initialState(batch, torch::kCPU);
                const auto out1 = reference->forward(x, s1), out2 = fused->forward(x, s2);
                EXPECT_TRUE(torch::allclose(out1, out2, 1e-4, 1e-5)) << (out1 - out2).abs().max().item<double>();
                torch::nn::functional::cross_entropy(out1, y).backward();
                torch::nn::functional::cross_entropy(out2, y).backward();
                const auto p1 = reference->named_parameters(), p2 = fused->named_parameters();
                for (const auto& item : p1) {
                    const auto& g1 = item.value().grad();
                    const auto& g2 = p2[item.key()].grad();
                    EXPECT_TRUE(torch::allclose(g1, g2, 1e-4, 1e-5))
                        << item.key() << " " << (g1 - g2).abs().max().item<double>();
                }
            }
    at::set_num_threads(before);
}

// The per-step product with W_hh packed once: C = A Wᵀ (+ bias, + addend) and
// C = A W, against LibTorch's GEMM, for shapes with partial panels and row
// blocks, one and two threads.
TEST(SkinnyGemm, MatchesLibTorchOnRaggedShapes)
{
    if (!lm::PackedWeights::supported())
        GTEST_SKIP() << "this CPU has no AVX-512; the fused layers use LibTorch's GEMM";
    torch::manual_seed(11);
    const int before = at::get_num_threads();
    for (int threads : {1, 2}) {
        at::set_num_threads(threads);
        for (auto [m, k, n] : {std::tuple{32, 256, 1024}, std::tuple{7, 33, 50}, std::tuple{13, 64, 17},
                               std::tuple{1, 5, 3}, std::tuple{32, 1024, 3072}}) {
            SCOPED_TRACE("m=" + std::to_string(m) + " k=" + std::to_string(k) + " n=" + std::to_string(n));
            const auto a = torch::randn({m, k});
            const auto w = torch::randn({n, k});
            const auto bias = torch::randn({n});
            const auto addend = torch::randn({m, n});
            lm::PackedWeights rows;
            rows.packRows(w.data_ptr<float>(), n, k, k);
            auto c = torch::full({m, n}, 12345.0f);
            rows.multiply(a.data_ptr<float>(), m, k, bias.data_ptr<float>(), nullptr, c.data_ptr<float>(), n);
            const auto expected = torch::addmm(bias, a, w.t());
            EXPECT_TRUE(torch::allclose(c, expected, 1e-4, 1e-3)) << (c - expected).abs().max().item<double>();
            // W as the first k columns of a wider matrix (rows k + 7 apart).
            const auto wide = torch::randn({n, k + 7});
            lm::PackedWeights strided;
            strided.packRows(wide.data_ptr<float>(), n, k, k + 7);
            strided.multiply(a.data_ptr<float>(), m, k, nullptr, nullptr, c.data_ptr<float>(), n);
            const auto expected1 = a.matmul(wide.slice(1, 0, k).t());
            EXPECT_TRUE(torch::allclose(c, expected1, 1e-4, 1e-3)) << (c - expected1).abs().max().item<double>();

            // C = addend + A W with W given (K, N): the backward step's shape.
            const auto wkn = torch::randn({k, n});
            lm::PackedWeights cols;
            cols.packColumns(wkn.data_ptr<float>(), k, n, n);
            auto d = addend.clone();
            cols.multiply(a.data_ptr<float>(), m, k, nullptr, d.data_ptr<float>(), d.data_ptr<float>(), n);
            const auto expected2 = torch::addmm(addend, a, wkn);
            EXPECT_TRUE(torch::allclose(d, expected2, 1e-4, 1e-3)) << (d - expected2).abs().max().item<double>();
        }
    }
    at::set_num_threads(before);
}

// The weight gradient's product C = Aᵀ · X (A (K, M), X (K, N), both as the
// steps wrote them) against LibTorch, for ragged shapes: M not a multiple of
// the 8-row blocks or the 64-row tasks, N not of the 32-column panels, K odd;
// A with a wider leading dimension; one and two threads.
TEST(SkinnyGemm, TheWeightGradientProductMatchesLibTorch)
{
    if (!lm::PackedWeights::supported())
        GTEST_SKIP() << "this CPU has no AVX-512; the fused layers use LibTorch's GEMM";
    torch::manual_seed(12);
    const int before = at::get_num_threads();
    for (int threads : {1, 2}) {
        at::set_num_threads(threads);
        for (auto [k, m, n] : {std::tuple{1120, 768, 256}, std::tuple{35, 13, 17}, std::tuple{71, 130, 33},
                               std::tuple{1, 1, 1}, std::tuple{64, 200, 96}}) {
            SCOPED_TRACE("k=" + std::to_string(k) + " m=" + std::to_string(m) + " n=" + std::to_string(n));
            const auto wide = torch::randn({k, m + 5});
            const auto a = wide.narrow(1, 0, m);
            const auto x = torch::randn({k, n});
            lm::PackedWeights packed;
            packed.packColumns(x.data_ptr<float>(), k, n, n);
            auto c = torch::full({m, n}, 12345.0f);
            packed.multiplyTransposedA(wide.data_ptr<float>(), m, m + 5, c.data_ptr<float>(), n);
            const auto expected = torch::mm(a.t(), x);
            EXPECT_TRUE(torch::allclose(c, expected, 1e-4, 1e-3)) << (c - expected).abs().max().item<double>();
        }
    }
    at::set_num_threads(before);
}

// model.embedding (the exercise): a learned embedding feeds the first layer
// in every implementation; they compute the same logits and gradients (the
// embedding's included) as the textbook step, and the first layer's weights
// are E wide instead of V.
TEST(Models, LearnedEmbeddingIsTheSameInEveryImplementation)
{
    const std::int64_t vocab = 28, hidden = 16, batch = 3, steps = 5, embed = 8;
    for (const Arch& arch : {Arch::Gru, Arch::Lstm, Arch{"mingru"}})
        for (Impl impl : {Impl::Fused, Impl::Builtin}) {
            torch::manual_seed(5);
            ModelConfig textbook{arch, Impl::Scratch, static_cast<int>(hidden), 2};
            textbook.embedding = static_cast<int>(embed);
            ModelConfig other = textbook;
            other.impl = impl;
            auto reference = makeLanguageModel(textbook, vocab, torch::kCPU);
            auto model = makeLanguageModel(other, vocab, torch::kCPU);
            copyWeights(*reference, *model);
            const auto params = model->named_parameters();
            ASSERT_TRUE(params.contains("embedding.weight"));
            EXPECT_EQ(params["embedding.weight"].sizes(), (std::vector<std::int64_t>{vocab, embed}));
            EXPECT_EQ(params["rnn.weight_ih_l0"].size(1), embed) << toString(arch);
            const auto x = torch::randint(vocab, {batch, steps}, torch::kInt64);
            const auto y = torch::randint(vocab, {batch, steps}, torch::kInt64);
            RnnState s1 = reference->initialState(batch, torch::kCPU), s2 = model->initialState(batch, torch::kCPU);
            const auto l1 = reference->forward(x, s1), l2 = model->forward(x, s2);
            EXPECT_TRUE(torch::allclose(l1, l2, 1e-5, 1e-5)) << toString(arch) << " " << toString(impl);
            torch::nn::functional::cross_entropy(l1, y.t().reshape(-1)).backward();
            torch::nn::functional::cross_entropy(l2, y.t().reshape(-1)).backward();
            const auto g1 = reference->named_parameters();
            for (const auto& p : params)
                EXPECT_TRUE(torch::allclose(g1[p.key()].grad(), p.value().grad(), 1e-4, 1e-5))
                    << toString(arch) << " " << toString(impl) << " " << p.key();
        }
}
