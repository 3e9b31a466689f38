#include "lm/Inspect.h"

#include "cells/Cell.h"
#include "lm/SkinnyGemm.h"
#include "lm/StatePlane.h"
#include "traveller/core/Errors.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <limits>
#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

namespace traveller {

namespace lm {

namespace {

torch::Tensor parameter(const std::map<std::string, torch::Tensor>& params, const std::string& name)
{
    const auto it = params.find(name);
    if (it == params.end())
        throw Error("inspect: the model has no parameter '" + name + "'");
    return it->second;
}

// One layer over the whole text, fast: the input products for all
// characters in one GEMM, then per character h·W_hhᵀ by a GEMV with W_hh
// packed once for the text (SkinnyGemm.h; a plain GEMV where the CPU lacks
// AVX-512) and the cell's fused kernel for the gates' arithmetic, which gives
// the state the next character starts from. Keeps both products of every
// character (xp, hp: (T, G·H), hp undefined without W_hh) for the textbook
// step, and the states h (T, H) and, for cells with a cell state, c (T, H).
struct LayerRun {
    torch::Tensor xp, hp, h, c;
};

LayerRun fastLayer(const cells::Cell& cell, const cells::LayerWeights& w, const torch::Tensor& input, std::int64_t H)
{
    const cells::FusedLayout layout = cell.fusedLayout();
    const bool recurrent = cell.info().hiddenWeights, cellState = cell.info().cellState;
    const std::int64_t T = input.size(0), GH = w.wIh.size(0);
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    LayerRun run;
    run.xp = torch::addmm(w.bIh, input, w.wIh.t()).contiguous();  // (T, G*H)
    run.h = torch::empty({T, H}, f32);
    if (recurrent)
        run.hp = torch::empty({T, GH}, f32);
    torch::Tensor gates = layout.savesGates ? torch::empty({1, GH}, f32) : torch::Tensor();
    torch::Tensor extra = layout.savesExtra ? torch::empty({T, H}, f32) : torch::Tensor();
    const torch::Tensor zeros = torch::zeros({H}, f32);
    const torch::Tensor& wHh = w.wHh;  // contiguous: clones of the parameters
    const torch::Tensor& bHh = w.bHh;
    PackedWeights packed;
    const bool usePacked = recurrent && PackedWeights::supported();
    if (usePacked)
        packed.packRows(wHh.data_ptr<float>(), GH, H, H);
    float* const y = run.h.data_ptr<float>();
    float* const hp = recurrent ? run.hp.data_ptr<float>() : nullptr;
    for (std::int64_t t = 0; t < T; ++t) {
        const float* hPrev = t > 0 ? y + (t - 1) * H : zeros.data_ptr<float>();
        if (usePacked) {
            packed.multiply(hPrev, 1, H, bHh.data_ptr<float>(), nullptr, hp + t * GH, GH);
        } else if (recurrent) {
            torch::Tensor row = run.hp[t];
            at::addmv_out(row, bHh, wHh, t > 0 ? run.h[t - 1] : zeros);
        }
        cells::FusedForward step;
        step.H = H;
        step.xp = run.xp.data_ptr<float>() + t * GH;
        step.hp = recurrent ? hp + t * GH : nullptr;
        step.hPrev = hPrev;
        step.cPrev = cellState ? (t > 0 ? extra.data_ptr<float>() + (t - 1) * H : zeros.data_ptr<float>()) : nullptr;
        step.h = y + t * H;
        step.gates = gates.defined() ? gates.data_ptr<float>() : nullptr;
        step.extra = extra.defined() ? extra.data_ptr<float>() + t * H : nullptr;
        cell.fusedForward(step, 0, 1);
    }
    if (cellState)
        run.c = extra;
    return run;
}

// Characters per batch of the textbook step over a text (inspectModel).
constexpr std::int64_t kStepRows = 64;

// saliency[t][s] = |d log p(next of t) / d x_s| for s <= t. One backward
// pass per guess would walk the recurrence T times one row at a time; here
// the guesses go in groups: the group's copies of the text run side by side
// as one batch (each step one GEMM), copy j ends in guess g0 + j, and one
// backward pass through their summed log-probabilities gives every copy's
// gradient at once.
std::vector<std::vector<double>> saliency(const cells::Cell& cell, const std::vector<cells::LayerWeights>& layers,
                                          const torch::Tensor& headW, const torch::Tensor& headB,
                                          const torch::Tensor& x, const std::vector<std::int64_t>& ids, std::int64_t H)
{
    constexpr std::int64_t kGroup = 32;
    const bool cellState = cell.info().cellState;
    const std::int64_t T = x.size(0), V = x.size(1);
    std::vector<std::vector<double>> out;
    for (std::int64_t g0 = 0; g0 + 1 < T; g0 += kGroup) {
        const std::int64_t n = std::min(kGroup, T - 1 - g0), steps = g0 + n;  // guesses g0 .. g0+n-1
        torch::Tensor copies = x.slice(0, 0, steps).unsqueeze(0).expand({n, steps, V}).clone().requires_grad_(true);
        torch::Tensor input = copies;  // (n, steps, In)
        for (const auto& w : layers) {
            cells::State state{torch::zeros({n, H}), cellState ? torch::zeros({n, H}) : torch::Tensor()};
            std::vector<torch::Tensor> outputs;
            for (std::int64_t k = 0; k < steps; ++k) {
                state = cell.step(w, input.select(1, k), state).next;
                outputs.push_back(state.h);
            }
            input = torch::stack(outputs, 1);  // (n, steps, H)
        }
        const torch::Tensor rows = torch::arange(n), at = rows + g0;
        const torch::Tensor last = input.index({rows, at});  // copy j's state at its guess: (n, H)
        const torch::Tensor logProbs = torch::log_softmax(torch::nn::functional::linear(last, headW, headB), 1);
        const torch::Tensor next = torch::tensor(std::vector<std::int64_t>(ids.begin() + g0 + 1, ids.begin() + g0 + n + 1));
        const torch::Tensor target = logProbs.gather(1, next.unsqueeze(1)).sum();
        const torch::Tensor norms = torch::autograd::grad({target}, {copies})[0].norm(2, 2).contiguous();  // (n, steps)
        for (std::int64_t j = 0; j < n; ++j) {
            const float* r = norms[j].data_ptr<float>();
            out.emplace_back(r, r + g0 + j + 1);
        }
    }
    return out;
}

// A snapshot of the weights on the CPU: training may go on meanwhile, on
// any device, and every implementation (builtin, scratch, fused) has them
// under the same names.
struct Weights {
    std::vector<cells::LayerWeights> layers;
    torch::Tensor headW, headB;
    torch::Tensor embedding;  // (V, E); undefined where the input is one-hot
};

Weights snapshotWeights(const LanguageModel& model, const CellInfo& info)
{
    std::map<std::string, torch::Tensor> params;
    for (const auto& p : model.named_parameters())
        params[p.key()] = p.value().detach().to(torch::kCPU, torch::kFloat32).clone();
    Weights out;
    for (std::int64_t l = 0; l < model.layers(); ++l) {
        const std::string k = std::to_string(l);
        cells::LayerWeights w;
        w.wIh = parameter(params, "rnn.weight_ih_l" + k);
        w.bIh = parameter(params, "rnn.bias_ih_l" + k);
        if (info.hiddenWeights) {
            w.wHh = parameter(params, "rnn.weight_hh_l" + k);
            w.bHh = parameter(params, "rnn.bias_hh_l" + k);
        }
        out.layers.push_back(w);
    }
    out.headW = parameter(params, "head.weight");
    out.headB = parameter(params, "head.bias");
    if (const auto embedding = params.find("embedding.weight"); embedding != params.end())
        out.embedding = embedding->second;
    return out;
}

// One layer's states and the values its cell exposes over the text: h (T, H)
// and a (T, H) per value, contiguous floats.
struct LayerValues {
    torch::Tensor h;
    std::vector<torch::Tensor> values;
};

// The values come from the cell's textbook step, the same equations every
// implementation is tested equal to: the states first, fast, then the
// textbook step's equations for all characters at once, from the state
// each one started from and the two products the fast pass formed.
std::vector<LayerValues> runLayers(const cells::Cell& cell, const Weights& weights, const torch::Tensor& x,
                                   std::int64_t H)
{
    const CellInfo& info = cell.info();
    const std::int64_t T = x.size(0);
    std::vector<LayerValues> out;
    torch::Tensor input = x;
    for (const cells::LayerWeights& w : weights.layers) {
        const LayerRun run = fastLayer(cell, w, input, H);
        // The textbook step a batch of characters at a time: its temporaries
        // (a dozen per batch) stay in the caches and are reused, where for the
        // whole text at once they were ~60 MB of fresh memory at hidden 1024.
        LayerValues layer{torch::empty({T, H}), {}};
        std::vector<torch::Tensor>& v = layer.values;
        const torch::Tensor zero = torch::zeros({1, H});
        auto before = [&](const torch::Tensor& states, std::int64_t t0, std::int64_t t1) {  // rows t0-1 .. t1-2
            return t0 > 0 ? states.slice(0, t0 - 1, t1 - 1) : torch::cat({zero, states.slice(0, 0, t1 - 1)}, 0);
        };
        for (std::int64_t t0 = 0; t0 < T; t0 += kStepRows) {
            const std::int64_t t1 = std::min(T, t0 + kStepRows);
            const cells::Step step = cell.stepFromProducts(
                run.xp.slice(0, t0, t1), run.hp.defined() ? run.hp.slice(0, t0, t1) : run.hp,
                {before(run.h, t0, t1), info.cellState ? before(run.c, t0, t1) : run.c});
            if (v.empty())
                for (const torch::Tensor& value : step.values)
                    v.push_back(torch::empty({T, value.size(1)}));
            for (std::size_t i = 0; i < v.size(); ++i)
                v[i].slice(0, t0, t1).copy_(step.values[i]);
            layer.h.slice(0, t0, t1).copy_(step.next.h);
        }
        input = layer.h;
        out.push_back(std::move(layer));
    }
    return out;
}

// The steps of `out`: each character's guesses (from logProbs (T, V)) and
// every layer's state and values, a layer at a time, each layer's tensors
// released once copied (`layers` is left empty): the heap they held takes the
// steps' vectors, so the peak is not the tensors and the steps together.
// Returns the summed -log p(next).
double fillSteps(Inspection& out, const std::vector<std::string>& tokens, const std::vector<std::int64_t>& ids,
                 const Vocab& vocab, torch::Tensor logProbs, int topK, std::vector<LayerValues>& layers)
{
    const std::int64_t T = logProbs.size(0), V = logProbs.size(1);
    double nll = 0;
    out.steps.resize(static_cast<std::size_t>(T));
    {
        const torch::Tensor probs = logProbs.exp();
        const int k = static_cast<int>(std::min<std::int64_t>(std::max(1, topK), V));
        const auto [topP, topId] = probs.topk(k, 1);
        // Contiguous copies to read the rows from (a tensor op per row would
        // cost more than the reading itself).
        const torch::Tensor probsC = probs.contiguous(), logProbsC = logProbs.contiguous(),
                            topPC = topP.contiguous(), topIdC = topId.contiguous();
        for (std::int64_t t = 0; t < T; ++t) {
            InspectStep& s = out.steps[static_cast<std::size_t>(t)];
            s.token = tokens[static_cast<std::size_t>(t)];
            if (t + 1 < T) {
                s.next = tokens[static_cast<std::size_t>(t + 1)];
                const std::int64_t next = ids[static_cast<std::size_t>(t + 1)];
                s.pNext = probsC.data_ptr<float>()[t * V + next];
                nll -= static_cast<double>(logProbsC.data_ptr<float>()[t * V + next]);
            } else {
                s.pNext = std::numeric_limits<double>::quiet_NaN();
            }
            s.top.reserve(static_cast<std::size_t>(k));
            for (int j = 0; j < k; ++j)
                s.top.push_back({vocab.token(topIdC.data_ptr<std::int64_t>()[t * k + j]), topPC.data_ptr<float>()[t * k + j]});
            s.layers.reserve(layers.size());
        }
    }
    logProbs = torch::Tensor();
    for (LayerValues& l : layers) {
        const std::int64_t H = l.h.size(1);
        for (std::int64_t t = 0; t < T; ++t) {
            InspectLayer layer;
            const float* h = l.h.data_ptr<float>() + t * H;
            layer.h.assign(h, h + H);
            layer.values.reserve(l.values.size());
            for (const torch::Tensor& v : l.values) {
                const float* p = v.data_ptr<float>() + t * H;
                layer.values.emplace_back(p, p + H);
            }
            out.steps[static_cast<std::size_t>(t)].layers.push_back(std::move(layer));
        }
        l = LayerValues{};
    }
    layers.clear();
    return nll;
}

} // namespace

Inspection inspectModel(const LanguageModel& model, const Vocab& vocab, const std::vector<std::string>& tokens,
                        const InspectOptions& options)
{
    if (tokens.empty())
        throw Error("inspect: the text is empty");
    const auto start = std::chrono::steady_clock::now();
    const cells::Cell& cell = cells::cell(model.arch());
    const CellInfo& info = cell.info();
    const std::int64_t T = static_cast<std::int64_t>(tokens.size());
    const std::int64_t V = model.vocab();
    const std::int64_t H = model.hidden();
    const Weights weights = snapshotWeights(model, info);

    Inspection out;
    out.arch = info.key;
    out.layers = static_cast<int>(model.layers());
    out.hidden = static_cast<int>(H);
    out.valueNames = info.inspected;
    std::vector<std::int64_t> ids;
    for (const auto& t : tokens) {
        ids.push_back(vocab.index(t));
        if (ids.back() == 0 && t != vocab.token(0))
            out.unknown.push_back(t);
    }

    const torch::Tensor idTensor = torch::tensor(ids, torch::kInt64);
    // The first layer's input: one-hot rows, or the learned embedding's.
    torch::Tensor x = weights.embedding.defined() ? weights.embedding.index_select(0, idTensor)  // (T, E)
                                                  : torch::one_hot(idTensor, V).to(torch::kFloat32);  // (T, V)
    std::optional<torch::NoGradGuard> noGrad(std::in_place);
    std::vector<LayerValues> layers = runLayers(cell, weights, x, H);
    out.saliencyLeftOut = options.saliency && T > options.saliencyLimit;
    const bool withSaliency = options.saliency && !out.saliencyLeftOut;
    if (!withSaliency)
        x = torch::Tensor();  // only saliency reads the input again
    for (LayerValues& l : layers) {  // no-ops for the floats runLayers makes; kept as the reading's contract
        l.h = l.h.detach().to(torch::kFloat32).contiguous();
        for (torch::Tensor& v : l.values)
            v = v.detach().to(torch::kFloat32).contiguous();
    }
    // The state trajectory: h_t on the first two principal components.
    for (const LayerValues& l : layers) {
        StatePlane plane = principalPlane(l.h.data_ptr<float>(), T, H);
        out.trajectory.push_back(std::move(plane.points));
        out.explained.push_back(plane.share);
    }
    torch::Tensor logProbs =
        torch::log_softmax(torch::nn::functional::linear(layers.back().h, weights.headW, weights.headB), 1).detach();  // (T, V)
    const double nll = fillSteps(out, tokens, ids, vocab, std::move(logProbs), options.topK, layers);
    out.perplexity = T > 1 ? std::exp(nll / static_cast<double>(T - 1)) : std::numeric_limits<double>::quiet_NaN();

    if (withSaliency) {
        noGrad.reset();
        out.saliency = saliency(cell, weights.layers, weights.headW, weights.headB, x, ids, H);
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

} // namespace lm

std::vector<UnitScore> findUnits(const Inspection& in, int layer, int value, int begin, int end, int count)
{
    const int T = static_cast<int>(in.steps.size());
    if (begin < 0 || end > T || begin >= end)
        throw Error("find units: the span " + std::to_string(begin) + "-" + std::to_string(end) + " is not within the " +
                    std::to_string(T) + " characters");
    if (layer < 0 || layer >= in.layers || value < -1 || value >= static_cast<int>(in.valueNames.size()))
        throw Error("find units: no such layer or value");
    std::vector<UnitScore> scores(static_cast<std::size_t>(in.hidden));
    for (int u = 0; u < in.hidden; ++u) {
        double inside = 0, outside = 0;
        for (int t = 0; t < T; ++t) {
            const InspectLayer& l = in.steps[static_cast<std::size_t>(t)].layers[static_cast<std::size_t>(layer)];
            const double v = (value < 0 ? l.h : l.values[static_cast<std::size_t>(value)])[static_cast<std::size_t>(u)];
            (t >= begin && t < end ? inside : outside) += v;
        }
        scores[static_cast<std::size_t>(u)] = {u, inside / (end - begin), T > end - begin ? outside / (T - (end - begin)) : 0.0};
    }
    std::stable_sort(scores.begin(), scores.end(), [](const UnitScore& a, const UnitScore& b) { return a.score() > b.score(); });
    scores.resize(std::min(scores.size(), static_cast<std::size_t>(std::max(0, count))));
    return scores;
}

std::string inspectionCsv(const Inspection& in, int layer)
{
    auto quoted = [](const std::string& s) {
        std::string out = "\"";
        for (char c : s)
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    };
    std::string out = "step,char,next,p_next";
    for (int u = 0; u < in.hidden; ++u)
        out += ",h_" + std::to_string(u);
    for (const auto& name : in.valueNames)
        for (int u = 0; u < in.hidden; ++u)
            out += "," + name + "_" + std::to_string(u);
    out += "\n";
    char buf[32];
    for (std::size_t t = 0; t < in.steps.size(); ++t) {
        const InspectStep& s = in.steps[t];
        std::snprintf(buf, sizeof buf, "%.9g", s.pNext);
        out += std::to_string(t) + "," + quoted(s.token) + "," + quoted(s.next) + "," + (std::isfinite(s.pNext) ? buf : "");
        const InspectLayer& l = s.layers.at(static_cast<std::size_t>(layer));
        auto add = [&](const std::vector<float>& v) {
            for (float x : v) {
                std::snprintf(buf, sizeof buf, ",%.7g", static_cast<double>(x));
                out += buf;
            }
        };
        add(l.h);
        for (const auto& v : l.values)
            add(v);
        out += "\n";
    }
    return out;
}

namespace {

// The JSON of a reading is written directly: at hidden 1024 a text of 1,000
// characters carries four million numbers, and building an nlohmann tree of
// them and dumping it took 2.9 s and wrote every float as the 17 digits of the
// double it was widened to (82 MB). Here each float is written as the
// shortest decimal that reads back as the same float (std::to_chars), and
// each double likewise; strings go through nlohmann's escaping. The writer
// places the commas: every value and key after the first in its object or
// array gets one. It fills a buffer and hands it to the stream whenever it
// holds kJsonChunkBytes, so memory does not grow with the text.
class JsonWriter {
public:
    explicit JsonWriter(std::ostream& stream) : stream_(stream) { out_.reserve(kJsonChunkBytes + 4096); }

    void begin(char bracket)
    {
        separate();
        out_ += bracket;
        first_.push_back(true);
    }
    void end(char bracket)
    {
        out_ += bracket;
        first_.pop_back();
        if (out_.size() >= kJsonChunkBytes)
            flush();
    }
    void key(const std::string& name)
    {
        string(name);
        out_ += ':';
        afterKey_ = true;
    }
    void string(const std::string& s)
    {
        separate();
        out_ += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    template <typename T>
    void number(T v)
    {
        separate();
        if (!std::isfinite(v)) {
            out_ += "null";
            return;
        }
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        out_.append(buf, r.ptr);
    }
    template <typename T>
    void numbers(const std::vector<T>& values)
    {
        begin('[');
        for (T v : values)
            number(v);
        end(']');
    }
    void flush()
    {
        stream_.write(out_.data(), static_cast<std::streamsize>(out_.size()));
        out_.clear();
        if (!stream_)
            throw Error("inspect: cannot write the JSON (the output failed: a full disk or a closed stream)");
    }

private:
    void separate()
    {
        if (afterKey_) {
            afterKey_ = false;
        } else if (!first_.empty()) {
            if (!first_.back())
                out_ += ',';
            first_.back() = false;
        }
    }
    std::ostream& stream_;
    std::string out_;  // what is not yet handed to stream_
    std::vector<bool> first_;  // per open object or array: nothing written in it yet
    bool afterKey_ = false;
};

// Probabilities and saliency are floats the model computed, held as
// doubles: written as those floats.
float asFloat(double v) { return static_cast<float>(v); }

// One step: {char, next, p_next, top [{char, p}], layers [{h, c|a, gates {...}}]}.
void writeStep(JsonWriter& w, const InspectStep& s, const std::vector<std::string>& valueNames,
               const std::vector<bool>& isGate)
{
    w.begin('{');
    w.key("char");
    w.string(s.token);
    if (!s.next.empty() || !std::isnan(s.pNext)) {
        w.key("next");
        w.string(s.next);
        w.key("p_next");
        w.number(asFloat(s.pNext));
    }
    w.key("top");
    w.begin('[');
    for (const NextGuess& g : s.top) {
        w.begin('{');
        w.key("char");
        w.string(g.token);
        w.key("p");
        w.number(asFloat(g.p));
        w.end('}');
    }
    w.end(']');
    w.key("layers");
    w.begin('[');
    for (const InspectLayer& layer : s.layers) {
        const std::size_t count = std::min(layer.values.size(), valueNames.size());
        w.begin('{');
        w.key("h");
        w.numbers(layer.h);
        for (std::size_t i = 0; i < count; ++i)  // beside h: LSTM's c, the RNN's pre-activation a
            if (!isGate[i]) {
                w.key(valueNames[i]);
                w.numbers(layer.values[i]);
            }
        w.key("gates");
        w.begin('{');
        for (std::size_t i = 0; i < count; ++i)  // in the book's order: r, z, n
            if (isGate[i]) {
                w.key(valueNames[i]);
                w.numbers(layer.values[i]);
            }
        w.end('}');
        w.end('}');
    }
    w.end(']');
    w.end('}');
}

// "trajectory": [{explained: [pc1, pc2], points: [[x, y], ...]}] per layer.
void writeTrajectory(JsonWriter& w, const Inspection& in)
{
    auto pair = [&w](const std::pair<double, double>& p) {
        w.begin('[');
        w.number(p.first);
        w.number(p.second);
        w.end(']');
    };
    w.key("trajectory");
    w.begin('[');
    for (std::size_t l = 0; l < in.trajectory.size(); ++l) {
        w.begin('{');
        w.key("explained");
        pair(in.explained[l]);
        w.key("points");
        w.begin('[');
        for (const auto& point : in.trajectory[l])
            pair(point);
        w.end(']');
        w.end('}');
    }
    w.end(']');
}

} // namespace

void writeInspectionJson(std::ostream& stream, const Inspection& in)
{
    const auto& blocks = cells::cell(Arch{in.arch}).info().blocks;
    std::vector<bool> isGate;
    for (const std::string& name : in.valueNames)
        isGate.push_back(std::find(blocks.begin(), blocks.end(), name) != blocks.end());
    JsonWriter w(stream);
    w.begin('{');
    w.key("arch");
    w.string(in.arch);
    w.key("layers");
    w.number(in.layers);
    w.key("hidden");
    w.number(in.hidden);
    w.key("perplexity");
    w.number(in.perplexity);
    w.key("steps");
    w.begin('[');
    for (const InspectStep& s : in.steps)
        writeStep(w, s, in.valueNames, isGate);
    w.end(']');
    if (!in.unknown.empty()) {
        w.key("unknown");
        w.begin('[');
        for (const std::string& token : in.unknown)
            w.string(token);
        w.end(']');
    }
    writeTrajectory(w, in);
    if (!in.saliency.empty()) {
        w.key("saliency");
        w.begin('[');
        for (const std::vector<double>& row : in.saliency) {
            w.begin('[');
            for (double v : row)
                w.number(asFloat(v));
            w.end(']');
        }
        w.end(']');
    }
    w.key("seconds");
    w.number(in.seconds);
    w.end('}');
    w.flush();
}

std::string inspectionJson(const Inspection& in)
{
    std::ostringstream out;
    writeInspectionJson(out, in);
    return out.str();
}

} // namespace traveller
