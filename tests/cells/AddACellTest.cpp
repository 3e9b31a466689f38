// "Adding a cell is one file and one line", shown by doing it: this file
// defines a cell the project does not have (a leaky RNN) and registers it
// with one line, a CellRegistrar; nothing else in the tree names it. The
// config accepts it, the session trains it (textbook and fused), its
// equations fill with one unit's values and the Lens inspects it.
//
//   a = x·W_xh + h_prev·W_hh + b
//   t = tanh(a)
//   h = ½·h_prev + ½·t
#include "cells/Cell.h"

#include "TestData.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/cells/Cells.h"
#include "traveller/core/lm/Training.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace traveller::cells {

namespace {

class LeakyRnn final : public Cell {
public:
    const CellInfo& info() const override
    {
        static const CellInfo i{"leaky", "leaky RNN", "A plain RNN that keeps half of its state each step", 1,
                                {"h"}, {"a", "t"}, /*cellState=*/false, /*hiddenWeights=*/true,
                                /*builtinLayer=*/false,
                                {"a = x·W_xh + h_prev·W_hh + b", "  = {a}", "t = tanh(a) = {t}",
                                 "h = ½·h_prev + ½·t", "  = ½·{h_prev*} + ½·{t*}", "  = {h}"}};
        return i;
    }

    Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& hp, const State& prev) const override
    {
        const auto a = xp + hp;
        const auto t = torch::tanh(a);
        const auto h = 0.5 * prev.h + 0.5 * t;
        return {{h, {}}, {a, t}};
    }

    // Saves t; dh_prev has a direct part, ½·dh, besides the one through W_hh.
    FusedLayout fusedLayout() const override
    {
        return {/*savesGates=*/true, /*savesExtra=*/false, /*separateHiddenGradient=*/false,
                /*directHiddenGradient=*/true};
    }

    void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const override
    {
        for (std::int64_t k = begin * a.H; k < end * a.H; ++k) {
            const float t = std::tanh(a.xp[k] + a.hp[k]);
            a.gates[k] = t;
            a.h[k] = 0.5f * a.hPrev[k] + 0.5f * t;
        }
    }

    void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const override
    {
        for (std::int64_t k = begin * a.H; k < end * a.H; ++k) {
            const float dh = a.dhIn[k] + a.dy[k];
            const float t = a.gates[k];
            a.dgi[k] = dh * 0.5f * (1.0f - t * t);
            a.direct[k] = dh * 0.5f;
        }
    }
};

const Cell& leakyCell()
{
    static const LeakyRnn c;
    return c;
}

// The one line.
const CellRegistrar kLeaky(leakyCell);

} // namespace

} // namespace traveller::cells

using namespace traveller;

namespace {

ExperimentConfig leakyRun(Impl impl)
{
    ExperimentConfig c = parseExperimentYaml("model:\n  arch: leaky\n  hidden: 16\ntrain:\n  epochs: 2\n  lr: 1\n"
                                             "  device: cpu\ndata:\n  max_tokens: 2000\n");
    c.model.impl = impl;
    c.sample.every = 0;
    return c;
}

struct Epochs : TrainingObserver {
    std::vector<EpochStats> seen;
    void onEpoch(const EpochStats& s) override { seen.push_back(s); }
};

} // namespace

TEST(AddACell, TheRegistryListsItAfterTheProjectsOwnCells)
{
    const std::vector<std::string> own = {"rnn",      "gru",     "lstm",      "mingru",
                                          "minlstm",  "rnn-relu", "gru-reset", "gru-update"};
    const auto& all = cellCatalogue();
    ASSERT_EQ(all.size(), own.size() + 1);
    for (std::size_t i = 0; i < own.size(); ++i)
        EXPECT_EQ(all[i].key, own[i]);
    EXPECT_EQ(all.back().key, "leaky");
    ASSERT_NE(findCell("leaky"), nullptr);
    EXPECT_EQ(cells::cell(Arch{"leaky"}).info().name, "leaky RNN");
    EXPECT_NE(cellKeys().find("|leaky"), std::string::npos);
}

TEST(AddACell, TheConfigAcceptsItsKey)
{
    EXPECT_EQ(leakyRun(Impl::Fused).model.arch, Arch{"leaky"});
    ExperimentConfig c;
    setConfigValue(c, "model.arch", "leaky");
    EXPECT_EQ(configValue(c, "model.arch"), "leaky");
    EXPECT_EQ(parseExperimentYaml(toYaml(c)).model.arch, Arch{"leaky"});
    EXPECT_THROW(setConfigValue(c, "model.arch", "leakier"), ConfigError);
}

TEST(AddACell, ItTrainsTextbookAndFusedAlike)
{
    setTrainingThreads(2);
    std::vector<double> first;
    for (Impl impl : {Impl::Scratch, Impl::Fused}) {
        LmSession session(leakyRun(impl), test::dataDir());
        Epochs epochs;
        RunControl control;
        const RunResult r = session.train(epochs, control);
        ASSERT_EQ(r.status, RunStatus::Finished) << r.message;
        ASSERT_EQ(epochs.seen.size(), 2u);
        EXPECT_TRUE(std::isfinite(r.perplexity));
        EXPECT_LT(r.perplexity, epochs.seen.front().perplexity);  // it learns
        first.push_back(epochs.seen.front().perplexity);
    }
    // The fused kernels compute what the textbook step computes.
    EXPECT_NEAR(first[1], first[0], 1e-3 * first[0]);
}

TEST(AddACell, ItsEquationsFillAndTheLensInspectsIt)
{
    const CellInfo& info = *findCell("leaky");
    EXPECT_EQ(equationNames(info), (std::vector<std::string>{"a", "t", "h", "h_prev"}));
    const std::vector<std::string> lines = stepEquations(info, [](const std::string& name) {
        return name == "a" ? 0.5 : name == "t" ? std::tanh(0.5) : name == "h_prev" ? -0.25 : 0.5 * (-0.25 + std::tanh(0.5));
    });
    ASSERT_EQ(lines.size(), info.equations.size());
    EXPECT_EQ(lines[1], "  = 0.500");
    EXPECT_EQ(lines[4], "  = ½·(-0.250) + ½·0.462");

    LmSession session(leakyRun(Impl::Fused), test::dataDir());
    const std::string text = "the time traveller";
    const Inspection in = session.inspect(text);
    EXPECT_EQ(in.arch, "leaky");
    EXPECT_EQ(in.valueNames, (std::vector<std::string>{"a", "t"}));
    ASSERT_EQ(in.steps.size(), text.size());
    // The Lens's values rebuild h through the cell's own equation.
    for (std::size_t s = 0; s < in.steps.size(); ++s) {
        const auto& layer = in.steps[s].layers[0];
        for (std::size_t j = 0; j < layer.h.size(); ++j) {
            const float hPrev = s > 0 ? in.steps[s - 1].layers[0].h[j] : 0.0f;
            EXPECT_NEAR(layer.values[1][j], std::tanh(layer.values[0][j]), 1e-5);
            EXPECT_NEAR(layer.h[j], 0.5f * hPrev + 0.5f * layer.values[1][j], 1e-5);
        }
    }
}
