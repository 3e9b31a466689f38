// The Lens's numbers (LmSession::inspect, lm::inspectModel) for every cell
// and implementation: the guesses are the model's own softmax, the gates
// rebuild the hidden states through the cell's equations, saliency matches
// finite differences, and the text's perplexity an independent evaluation.
#include "Checkpoint.h"
#include "cells/Cell.h"
#include "lm/Inspect.h"
#include "lm/LmModels.h"
#include "lm/StatePlane.h"
#include "traveller/core/cells/Cells.h"
#include "traveller/core/Corpus.h"
#include "traveller/core/Presets.h"
#include "traveller/core/lm/Training.h"

#include "TestData.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cctype>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

using namespace traveller;

namespace {

const std::string kText = "the time traveller (for so it will be convenient to speak of him)";

Vocab charVocab()
{
    std::vector<std::string> chars;
    for (char c : std::string("abcdefghijklmnopqrstuvwxyz ()"))
        chars.push_back(std::string(1, c));
    return Vocab::build(chars);
}

std::vector<std::string> chars(const std::string& text)
{
    std::vector<std::string> out;
    for (char c : text)
        out.push_back(std::string(1, c));
    return out;
}

struct Case {
    std::string arch;
    Impl impl;
    int layers;
};

std::vector<Case> everyCellAndImplementation()
{
    std::vector<Case> out;
    for (const CellInfo& cell : cellCatalogue())
        for (Impl impl : {Impl::Builtin, Impl::Scratch, Impl::Fused})
            if (impl != Impl::Builtin || cell.builtinLayer)
                for (int layers : {1, 2})
                    out.push_back({cell.key, impl, layers});
    return out;
}

std::string caseName(const ::testing::TestParamInfo<Case>& info)
{
    static const char* impls[] = {"builtin", "scratch", "fused"};
    std::string cell = info.param.arch;  // test names take letters, digits and '_' only
    for (char& ch : cell)
        if (!std::isalnum(static_cast<unsigned char>(ch)))
            ch = '_';
    return cell + "_" + impls[static_cast<int>(info.param.impl)] + "_L" + std::to_string(info.param.layers);
}

class Lens : public ::testing::TestWithParam<Case> {};

} // namespace

TEST_P(Lens, GuessesAreTheModelsOwnAndTheGatesRebuildTheStates)
{
    torch::manual_seed(7);
    const Vocab vocab = charVocab();
    ModelConfig mc;
    mc.arch = Arch{GetParam().arch};
    mc.impl = GetParam().impl;
    mc.hidden = 24;
    mc.layers = GetParam().layers;
    auto model = lm::makeLanguageModel(mc, vocab.size(), torch::kCPU);
    const auto tokens = chars(kText);
    InspectOptions options;
    options.topK = 4;
    options.saliency = false;
    const Inspection in = lm::inspectModel(*model, vocab, tokens, options);
    ASSERT_EQ(in.steps.size(), tokens.size());
    EXPECT_EQ(in.layers, mc.layers);
    EXPECT_EQ(in.hidden, 24);

    // The model's own forward pass over the same text, batch 1.
    std::vector<std::int64_t> ids;
    for (const auto& t : tokens)
        ids.push_back(vocab.index(t));
    torch::NoGradGuard noGrad;
    lm::RnnState state = model->initialState(1, torch::kCPU);
    const torch::Tensor probs =
        torch::softmax(model->forward(torch::tensor(ids, torch::kInt64).unsqueeze(0), state), 1);  // (T, V)
    double nll = 0;
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        const InspectStep& s = in.steps[t];
        ASSERT_EQ(s.top.size(), 4u);
        for (const NextGuess& g : s.top)
            EXPECT_NEAR(g.p, probs[static_cast<std::int64_t>(t)][vocab.index(g.token)].item<double>(), 1e-5);
        EXPECT_GE(s.top[0].p, s.top[3].p);
        if (t + 1 < tokens.size()) {
            EXPECT_EQ(s.next, tokens[t + 1]);
            EXPECT_NEAR(s.pNext, probs[static_cast<std::int64_t>(t)][ids[t + 1]].item<double>(), 1e-5);
            nll -= std::log(s.pNext);
        } else {
            EXPECT_TRUE(s.next.empty());
            EXPECT_TRUE(std::isnan(s.pNext));
        }
    }
    EXPECT_NEAR(in.perplexity, std::exp(nll / static_cast<double>(tokens.size() - 1)), 1e-6 * in.perplexity);

    // The gates rebuild h (and c) through the cell's equations.
    const std::string arch = GetParam().arch;
    auto value = [&](std::size_t t, int l, const std::string& name) {
        for (std::size_t i = 0; i < in.valueNames.size(); ++i)
            if (in.valueNames[i] == name)
                return in.steps[t].layers[static_cast<std::size_t>(l)].values[i];
        ADD_FAILURE() << "no value " << name;
        return std::vector<float>();
    };
    for (int l = 0; l < mc.layers; ++l)
        for (std::size_t t = 0; t < tokens.size(); ++t) {
            const auto& h = in.steps[t].layers[static_cast<std::size_t>(l)].h;
            ASSERT_EQ(h.size(), 24u);
            for (std::size_t j = 0; j < h.size(); ++j) {
                const float hPrev = t > 0 ? in.steps[t - 1].layers[static_cast<std::size_t>(l)].h[j] : 0.0f;
                if (arch == "gru") {
                    const float z = value(t, l, "z")[j], n = value(t, l, "n")[j];
                    EXPECT_NEAR(h[j], (1 - z) * n + z * hPrev, 1e-5);
                } else if (arch == "lstm") {
                    const float cPrev = t > 0 ? value(t - 1, l, "c")[j] : 0.0f;
                    const float i = value(t, l, "i")[j], f = value(t, l, "f")[j], g = value(t, l, "g")[j],
                                o = value(t, l, "o")[j], c = value(t, l, "c")[j];
                    EXPECT_NEAR(c, f * cPrev + i * g, 1e-5);
                    EXPECT_NEAR(h[j], o * std::tanh(c), 1e-5);
                } else if (arch == "rnn") {
                    EXPECT_NEAR(h[j], std::tanh(value(t, l, "a")[j]), 1e-5);
                } else if (arch == "rnn-relu") {
                    EXPECT_NEAR(h[j], std::max(0.0f, value(t, l, "a")[j]), 1e-5);
                } else if (arch == "gru-reset") {
                    EXPECT_NEAR(h[j], value(t, l, "n")[j], 1e-5);
                } else if (arch == "gru-update") {
                    const float z = value(t, l, "z")[j], n = value(t, l, "n")[j];
                    EXPECT_NEAR(h[j], (1 - z) * n + z * hPrev, 1e-5);
                } else if (arch == "mingru") {
                    const float z = value(t, l, "z")[j], n = value(t, l, "n")[j];
                    EXPECT_NEAR(h[j], (1 - z) * hPrev + z * n, 1e-5);
                }
            }
        }
}

INSTANTIATE_TEST_SUITE_P(Registry, Lens, ::testing::ValuesIn(everyCellAndImplementation()), caseName);

TEST(Lens, SaliencyIsTheGradientOfEachGuessAsFiniteDifferencesSeeIt)
{
    torch::manual_seed(3);
    const Vocab vocab = charVocab();
    ModelConfig mc;
    mc.arch = Arch::Gru;
    mc.impl = Impl::Scratch;
    mc.hidden = 16;
    mc.layers = 2;
    auto model = lm::makeLanguageModel(mc, vocab.size(), torch::kCPU);
    model->to(torch::kFloat64);
    // Longer than one group of guesses (32): the second group's gradients too.
    const auto tokens = chars("the time traveller for so it will be convenient");
    const Inspection in = lm::inspectModel(*model, vocab, tokens, {});
    ASSERT_EQ(in.saliency.size(), tokens.size() - 1);
    EXPECT_FALSE(in.saliencyLeftOut);
    // Past the limit the text is read without saliency, and says so; at the
    // limit it has it.
    InspectOptions limited;
    limited.saliencyLimit = static_cast<int>(tokens.size()) - 1;
    const Inspection without = lm::inspectModel(*model, vocab, tokens, limited);
    EXPECT_TRUE(without.saliencyLeftOut);
    EXPECT_TRUE(without.saliency.empty());
    EXPECT_EQ(without.steps.size(), tokens.size());
    limited.saliencyLimit = static_cast<int>(tokens.size());
    EXPECT_EQ(lm::inspectModel(*model, vocab, tokens, limited).saliency.size(), tokens.size() - 1);

    // log p(next of t) as a function of the one-hot inputs, in double, through
    // the textbook step with the model's weights.
    std::map<std::string, torch::Tensor> p;
    for (const auto& kv : model->named_parameters())
        p[kv.key()] = kv.value().detach().to(torch::kFloat64);
    const cells::Cell& cell = cells::cell(Arch::Gru);
    auto logP = [&](const torch::Tensor& x, std::size_t t, std::int64_t next) {
        torch::Tensor input = x;
        for (int l = 0; l < 2; ++l) {
            const std::string k = std::to_string(l);
            cells::LayerWeights w{p["rnn.weight_ih_l" + k], p["rnn.weight_hh_l" + k], p["rnn.bias_ih_l" + k],
                                  p["rnn.bias_hh_l" + k]};
            cells::State s{torch::zeros({1, 16}, torch::kFloat64), {}};
            input = cells::textbookLayer(cell, w, input.unsqueeze(1), s).squeeze(1);
        }
        const auto logits = torch::nn::functional::linear(input, p["head.weight"], p["head.bias"]);
        return torch::log_softmax(logits, 1)[static_cast<std::int64_t>(t)][next].item<double>();
    };
    std::vector<std::int64_t> ids;
    for (const auto& t : tokens)
        ids.push_back(vocab.index(t));
    const torch::Tensor x = torch::one_hot(torch::tensor(ids), vocab.size()).to(torch::kFloat64);
    const double eps = 1e-6;
    for (std::size_t t : {std::size_t{3}, std::size_t{31}, std::size_t{32}, tokens.size() - 2}) {
        ASSERT_EQ(in.saliency[t].size(), t + 1);
        for (std::size_t s : {std::size_t{0}, t / 2, t}) {
            double sq = 0;
            for (std::int64_t j = 0; j < vocab.size(); ++j) {
                torch::Tensor up = x.clone(), down = x.clone();
                up[static_cast<std::int64_t>(s)][j] += eps;
                down[static_cast<std::int64_t>(s)][j] -= eps;
                const double d = (logP(up, t, ids[t + 1]) - logP(down, t, ids[t + 1])) / (2 * eps);
                sq += d * d;
            }
            EXPECT_NEAR(in.saliency[t][s], std::sqrt(sq), 2e-3 * std::max(1.0, std::sqrt(sq)))
                << "t " << t << " s " << s;
        }
    }
}

TEST(Lens, TheTextsPerplexityIsAnIndependentEvaluationOfTheSameWeights)
{
    // A trained session's Lens perplexity of the corpus's first 2,000
    // characters against the cross-entropy of the same weights loaded into a
    // model of their own (builtin), one forward pass.
    ExperimentConfig c;
    setConfigValue(c, "model.arch", "lstm");
    setConfigValue(c, "model.impl", "fused");
    setConfigValue(c, "model.hidden", "32");
    setConfigValue(c, "train.epochs", "3");
    setConfigValue(c, "data.max_tokens", "3000");
    setConfigValue(c, "train.device", "cpu");
    setConfigValue(c, "sample.every", "0");
    LmSession session(c, test::dataDir());
    TrainingObserver quiet;
    RunControl control;
    session.train(quiet, control);
    const auto& corpus = session.corpus();
    std::string text;
    std::vector<std::int64_t> ids(corpus.ids.begin(), corpus.ids.begin() + 2000);
    for (std::int64_t id : ids)
        text += corpus.vocab.token(id);
    InspectOptions options;
    options.saliency = false;
    const Inspection in = session.inspect(text, options);
    ASSERT_EQ(in.steps.size(), 2000u);
    EXPECT_TRUE(in.unknown.empty());

    const std::string path = ::testing::TempDir() + "lens-lstm.pt";
    session.saveCheckpoint(path);
    ModelConfig builtin = c.model;
    builtin.impl = Impl::Builtin;
    auto model = lm::makeLanguageModel(builtin, corpus.vocab.size(), torch::kCPU);
    torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(1.0));
    loadCheckpointFile(*model, sgd, path, torch::kCPU);
    torch::NoGradGuard noGrad;
    lm::RnnState state = model->initialState(1, torch::kCPU);
    const torch::Tensor x = torch::tensor(ids, torch::kInt64);
    const torch::Tensor logits = model->forward(x.slice(0, 0, 1999).unsqueeze(0), state);
    const double loss = torch::nn::functional::cross_entropy(logits, x.slice(0, 1, 2000)).item<double>();
    EXPECT_NEAR(in.perplexity, std::exp(loss), 1e-4 * in.perplexity);
    // Better than guessing uniformly after 3 epochs, far from perfect.
    EXPECT_GT(in.perplexity, 1.5);
    EXPECT_LT(in.perplexity, static_cast<double>(corpus.vocab.size()));
    EXPECT_THROW(session.inspect("", options), Error);

    // The state trajectory: centred, the two components uncorrelated, the
    // first carrying at least as much variance, the shares as the variances say.
    ASSERT_EQ(in.trajectory.size(), 1u);
    ASSERT_EQ(in.trajectory[0].size(), 2000u);
    double m1 = 0, m2 = 0, v1 = 0, v2 = 0, cross = 0, total = 0;
    for (const auto& [a, b] : in.trajectory[0]) {
        m1 += a;
        m2 += b;
        v1 += a * a;
        v2 += b * b;
        cross += a * b;
    }
    std::vector<double> mean(32, 0.0);
    for (const auto& step : in.steps)
        for (int u = 0; u < 32; ++u)
            mean[static_cast<std::size_t>(u)] += step.layers[0].h[static_cast<std::size_t>(u)] / 2000.0;
    for (const auto& step : in.steps)
        for (int u = 0; u < 32; ++u)
            total += std::pow(step.layers[0].h[static_cast<std::size_t>(u)] - mean[static_cast<std::size_t>(u)], 2);
    EXPECT_NEAR(m1 / 2000, 0, 1e-6);
    EXPECT_NEAR(m2 / 2000, 0, 1e-6);
    EXPECT_NEAR(cross / std::sqrt(v1 * v2), 0, 1e-6);
    EXPECT_GE(v1, v2);
    EXPECT_NEAR(in.explained[0].first, v1 / total, 1e-4);
    EXPECT_NEAR(in.explained[0].second, v2 / total, 1e-4);
    // The checkpoint says which experiment it holds.
    EXPECT_EQ(parseExperimentYaml(checkpointFileConfig(path), path).model.hidden, 32);
}

// The trajectory's own arithmetic (no LAPACK) against the exact principal
// components of LibTorch's full SVD, in double: states with two strong
// directions, a weak third, noise and an offset; then states whose variance
// falls off slowly over 24 directions (13.3, 9.75, 9.3, 8.3 % ..., the
// spectrum of a barely trained GRU at hidden 1024), where the first version,
// whose start spanned two directions, was 59 % off on the second component.
TEST(Lens, TheTrajectoryIsTheStatesOnTheirExactFirstTwoPrincipalComponents)
{
    constexpr std::int64_t T = 700, H = 300;
    torch::manual_seed(5);
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    auto statesWith = [&](const std::vector<double>& scales, double noise) {
        const auto n = static_cast<std::int64_t>(scales.size());
        torch::Tensor amounts = torch::randn({T, n}, f64);
        amounts = std::get<0>(torch::linalg::qr(amounts - amounts.mean(0, true)));  // centred, orthonormal
        const torch::Tensor directions = std::get<0>(torch::linalg::qr(torch::randn({H, n}, f64)));
        return ((amounts * torch::tensor(scales, f64)).matmul(directions.t()) + noise * torch::randn({T, H}, f64) +
                torch::rand({1, H}, f64))
            .to(torch::kFloat32)
            .contiguous();
    };
    std::vector<double> slow;
    for (double share : {13.3, 9.75, 9.3, 8.3, 6.9, 6.2, 5.4, 4.9, 4.6, 3.9, 3.3, 3.0})
        slow.push_back(std::sqrt(share));
    while (slow.size() < 24)
        slow.push_back(slow.back() * std::sqrt(0.88));
    for (const torch::Tensor& states : {statesWith({60.0, 30.0, 8.0}, 0.05), statesWith(slow, 0.01)}) {
        const lm::StatePlane plane = lm::principalPlane(states.data_ptr<float>(), T, H);
        const torch::Tensor centred = states.to(torch::kFloat64) - states.to(torch::kFloat64).mean(0, true);
        const auto [u, sv, vh] = torch::linalg::svd(centred, false, c10::nullopt);
        const torch::Tensor exact = u.slice(1, 0, 2) * sv.slice(0, 0, 2);  // (T, 2)
        const double total = centred.pow(2).sum().item<double>();
        ASSERT_EQ(plane.points.size(), static_cast<std::size_t>(T));
        for (int j = 0; j < 2; ++j) {
            const torch::Tensor column = exact.select(1, j).contiguous();
            const double* e = column.data_ptr<double>();
            // The sign: the largest score on the positive side.
            const std::int64_t largest = column.abs().argmax().item<std::int64_t>();
            const double sign = e[largest] < 0 ? -1.0 : 1.0;
            const double scale = std::abs(e[largest]);
            double worst = 0.0;
            for (std::int64_t t = 0; t < T; ++t) {
                const double mine = j == 0 ? plane.points[static_cast<std::size_t>(t)].first
                                           : plane.points[static_cast<std::size_t>(t)].second;
                worst = std::max(worst, std::abs(mine - sign * e[t]));
            }
            EXPECT_LT(worst, 1e-3 * scale) << "component " << j;
            const double share = std::pow(sv[j].item<double>(), 2) / total;
            EXPECT_NEAR(j == 0 ? plane.share.first : plane.share.second, share, 1e-5) << "component " << j;
        }
        EXPECT_GT(plane.share.first, plane.share.second);
        // The same states give the same picture.
        const lm::StatePlane again = lm::principalPlane(states.data_ptr<float>(), T, H);
        EXPECT_EQ(again.points, plane.points);
    }

    // Too few states or directions, or nothing that varies: points at the
    // origin or on one axis, shares that are numbers.
    const float one[3] = {0.5f, -0.25f, 1.0f};
    const lm::StatePlane single = lm::principalPlane(one, 1, 3);
    ASSERT_EQ(single.points.size(), 1u);
    EXPECT_EQ(single.points[0], std::make_pair(0.0, 0.0));
    EXPECT_EQ(single.share, std::make_pair(0.0, 0.0));
    const float three[9] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 3.0f, 4.0f, 0.0f};  // two alike, one 5 away
    const lm::StatePlane pair = lm::principalPlane(three, 3, 3);
    EXPECT_NEAR(pair.points[2].first, 10.0 / 3.0, 1e-6);  // the farthest, on the positive side
    EXPECT_NEAR(pair.points[0].first, -5.0 / 3.0, 1e-6);
    EXPECT_NEAR(pair.points[1].first, -5.0 / 3.0, 1e-6);
    EXPECT_NEAR(pair.points[0].second, 0.0, 1e-6);
    EXPECT_NEAR(pair.share.first, 1.0, 1e-6);
    EXPECT_NEAR(pair.share.second, 0.0, 1e-6);
    const std::vector<float> flat(40 * 8, 0.75f);
    const lm::StatePlane still = lm::principalPlane(flat.data(), 40, 8);
    for (const auto& point : still.points)
        EXPECT_EQ(point, std::make_pair(0.0, 0.0));
    EXPECT_EQ(still.share, std::make_pair(0.0, 0.0));
    const float line[4] = {1.0f, 2.0f, 4.0f, 8.0f};  // H = 1: one direction only
    const lm::StatePlane narrow = lm::principalPlane(line, 4, 1);
    EXPECT_NEAR(narrow.points[3].first, 4.25, 1e-6);
    EXPECT_EQ(narrow.points[3].second, 0.0);
    EXPECT_NEAR(narrow.share.first, 1.0, 1e-6);
}

TEST(Lens, FindUnitsRanksByTheSpanAgainstTheRest)
{
    // Three units over six characters: unit 2 fires on characters 2-3 only,
    // unit 0 is high everywhere, unit 1 is low on the span.
    Inspection in;
    in.arch = "gru";
    in.layers = 1;
    in.hidden = 3;
    in.valueNames = {"r", "z", "n"};
    const float h[6][3] = {{0.9f, 0.5f, 0.0f}, {0.9f, 0.5f, 0.1f}, {0.9f, -0.5f, 0.9f},
                           {0.9f, -0.5f, 0.8f}, {0.9f, 0.5f, 0.0f}, {0.9f, 0.5f, 0.1f}};
    for (int t = 0; t < 6; ++t) {
        InspectStep s;
        s.token = std::string(1, static_cast<char>('a' + t));
        InspectLayer l;
        l.h = {h[t][0], h[t][1], h[t][2]};
        l.values = {l.h, l.h, l.h};
        s.layers.push_back(l);
        in.steps.push_back(s);
    }
    const auto best = findUnits(in, 0, -1, 2, 4, 3);
    ASSERT_EQ(best.size(), 3u);
    EXPECT_EQ(best[0].unit, 2);
    EXPECT_NEAR(best[0].inside, 0.85, 1e-6);
    EXPECT_NEAR(best[0].outside, 0.05, 1e-6);
    EXPECT_EQ(best[1].unit, 0);  // high everywhere: no difference
    EXPECT_EQ(best[2].unit, 1);  // low on the span
    EXPECT_THROW(findUnits(in, 0, -1, 4, 4), Error);
    EXPECT_THROW(findUnits(in, 0, -1, 0, 7), Error);
    EXPECT_THROW(findUnits(in, 1, -1, 0, 2), Error);

    const std::string csv = inspectionCsv(in, 0);
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "step,char,next,p_next,h_0,h_1,h_2,r_0,r_1,r_2,z_0,z_1,z_2,n_0,n_1,n_2");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
    EXPECT_NE(csv.find("\n2,\"c\",\"\",0,0.9,-0.5,0.9,"), std::string::npos) << csv;
}

TEST(Lens, TheJsonGivesBackEveryFloatAndEveryCharacterExactly)
{
    // An LSTM reading of two characters with the values a float can be: the
    // shortest decimals must read back as the same floats, the last step has
    // no next, NaN and infinity are null, c sits beside h and the gates in
    // the book's order, and characters that JSON must escape survive.
    Inspection in;
    in.arch = "lstm";
    in.layers = 1;
    in.hidden = 3;
    in.valueNames = {"i", "f", "g", "o", "c"};
    in.perplexity = 3.0000000000000004;
    in.unknown = {"\xff"};
    const std::vector<std::vector<float>> rows = {{0.1f, -0.0f, 1e-38f},
                                                  {3.4028235e38f, 0.33333334f, -1.17549435e-38f},
                                                  {1.0f / 3.0f, 2.0f / 3.0f, 1e-45f}};
    const std::vector<std::string> tokens = {"\"", "\\\n"};
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        InspectStep s;
        s.token = tokens[t];
        if (t == 0) {
            s.next = tokens[1];
            s.pNext = 0.91234567f;
        } else {
            s.pNext = std::numeric_limits<double>::quiet_NaN();
        }
        s.top = {{"\t", 0.5f}, {"x", std::numeric_limits<double>::infinity()}};
        InspectLayer l;
        l.h = rows[t];
        for (std::size_t v = 0; v < in.valueNames.size(); ++v)
            l.values.push_back(rows[(t + v + 1) % rows.size()]);
        s.layers.push_back(l);
        in.steps.push_back(s);
    }
    in.trajectory = {{{0.125, -2.5}, {1e-300, 7.0}}};
    in.explained = {{0.75, 0.2}};
    in.saliency = {{0.25f}, {0.5f, 1.5e-7f}};
    in.seconds = 0.012;

    const std::string text = inspectionJson(in);
    const nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);  // throws on malformed JSON
    std::vector<std::string> keys;
    for (const auto& item : j.items())
        keys.push_back(item.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"arch", "layers", "hidden", "perplexity", "steps", "unknown",
                                              "trajectory", "saliency", "seconds"}));
    EXPECT_EQ(j["arch"], "lstm");
    EXPECT_EQ(j["hidden"], 3);
    EXPECT_EQ(j["perplexity"].get<double>(), in.perplexity);
    EXPECT_EQ(j["unknown"][0], "\xef\xbf\xbd");  // invalid UTF-8 becomes U+FFFD, not a broken document
    ASSERT_EQ(j["steps"].size(), 2u);
    for (std::size_t t = 0; t < 2; ++t) {
        const auto& s = j["steps"][t];
        EXPECT_EQ(s["char"], tokens[t]);
        const auto& layer = s["layers"][0];
        std::vector<std::string> layerKeys;
        for (const auto& item : layer.items())
            layerKeys.push_back(item.key());
        EXPECT_EQ(layerKeys, (std::vector<std::string>{"h", "c", "gates"}));
        std::vector<std::string> gateKeys;
        for (const auto& item : layer["gates"].items())
            gateKeys.push_back(item.key());
        EXPECT_EQ(gateKeys, (std::vector<std::string>{"i", "f", "g", "o"}));
        auto same = [](const nlohmann::ordered_json& values, const std::vector<float>& expected) {
            ASSERT_EQ(values.size(), expected.size());
            for (std::size_t u = 0; u < expected.size(); ++u) {
                const float back = static_cast<float>(values[u].get<double>());
                EXPECT_EQ(back, expected[u]) << values[u];  // -0 reads back as 0: equal
            }
        };
        same(layer["h"], in.steps[t].layers[0].h);
        same(layer["c"], in.steps[t].layers[0].values[4]);
        same(layer["gates"]["f"], in.steps[t].layers[0].values[1]);
        EXPECT_EQ(s["top"][0]["char"], "\t");
        EXPECT_EQ(s["top"][0]["p"].get<double>(), 0.5);
        EXPECT_TRUE(s["top"][1]["p"].is_null());
    }
    EXPECT_EQ(j["steps"][0]["next"], "\\\n");
    EXPECT_EQ(static_cast<float>(j["steps"][0]["p_next"].get<double>()), 0.91234567f);
    EXPECT_FALSE(j["steps"][1].contains("next"));
    EXPECT_FALSE(j["steps"][1].contains("p_next"));
    EXPECT_EQ(j["trajectory"][0]["points"][1][0].get<double>(), 1e-300);
    EXPECT_EQ(j["trajectory"][0]["explained"][0].get<double>(), 0.75);
    EXPECT_EQ(static_cast<float>(j["saliency"][1][1].get<double>()), 1.5e-7f);
    EXPECT_EQ(j["seconds"].get<double>(), 0.012);
    EXPECT_EQ(text.find("0.10000000149"), std::string::npos) << "a float written as the double it widens to";
}
