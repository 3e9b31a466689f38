// A recurrent cell, everything Traveller computes with it in one place. Each
// cell is one file in this folder (Rnn.cpp, Gru.cpp, ...) and one line in
// CellList.h (or a CellRegistrar in its file, below); the language model, seq2seq, the fused CPU path, the config
// schema, benchmarks, sweeps and the window all ask the registry below.
//
// Shapes: B batch rows, H hidden units, In input size, G gate blocks
// (CellInfo::gates). A layer's weights are LibTorch's layout: W_ih (G*H, In),
// W_hh (G*H, H), b_ih and b_hh (G*H); cells without hidden weights have no
// W_hh and b_hh.
#pragma once

#include "traveller/core/cells/Cells.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace traveller::cells {

struct LayerWeights {
    torch::Tensor wIh, wHh, bIh, bHh;  // wHh, bHh undefined without hidden weights
};

struct State {
    torch::Tensor h;  // (B, H)
    torch::Tensor c;  // (B, H) for cells with a cell state, undefined otherwise
};

// One textbook step: the next state and the values CellInfo::inspected names.
struct Step {
    State next;
    std::vector<torch::Tensor> values;
};

// One time step of the fused CPU kernels, rows [begin, end) of the batch.
// Forward reads xp = x W_ih^T + b_ih and hp = h_prev W_hh^T + b_hh (both
// (B, G*H); hp null without hidden weights) and writes h; what the backward
// pass needs goes into `gates` (B, G*H) and `extra` (B, H) when the cell's
// FusedLayout asks for them. Cells with a cell state keep c in `extra`.
struct FusedForward {
    std::int64_t H = 0;
    const float* xp = nullptr;
    const float* hp = nullptr;
    const float* hPrev = nullptr;
    const float* cPrev = nullptr;  // the previous step's extra (c) for cells with a cell state
    float* h = nullptr;
    float* gates = nullptr;
    float* extra = nullptr;
};

// Backward through one step: from dh (the gradient arriving from the next
// step, plus dy from above) to the pre-activation gradients of both products:
// dgi (input side) and dgh (hidden side; the same buffer unless the layout
// says they differ), and `direct`, the part of dh_prev that does not go
// through W_hh. Cells with a cell state update dc in place (dc_prev on return).
struct FusedBackward {
    std::int64_t H = 0;
    const float* gates = nullptr;
    const float* extra = nullptr;
    const float* extraPrev = nullptr;  // c_prev for cells with a cell state
    const float* h = nullptr;          // this step's output
    const float* hPrev = nullptr;
    const float* dhIn = nullptr;
    const float* dy = nullptr;
    float* dc = nullptr;
    float* dgi = nullptr;
    float* dgh = nullptr;
    float* direct = nullptr;
};

struct FusedLayout {
    bool savesGates = true;                // fills FusedForward::gates
    bool savesExtra = false;               // fills FusedForward::extra
    bool separateHiddenGradient = false;   // dgh differs from dgi (GRU: the reset gate sits inside)
    bool directHiddenGradient = false;     // fills FusedBackward::direct
};

class Cell {
public:
    virtual ~Cell() = default;
    virtual const CellInfo& info() const = 0;

    // The book's equations for one step of one layer, x (B, In). Differentiable
    // (autograd), the reference every other implementation is tested against.
    // It forms the step's two products and hands them to stepFromProducts().
    Step step(const LayerWeights& w, const torch::Tensor& x, const State& prev) const;

    // What each cell writes: its equations from the step's two products,
    // xp = x W_ihᵀ + b_ih and hp = h_prev W_hhᵀ + b_hh, both (B, G·H) with the
    // G blocks side by side (hp undefined for cells without hidden weights).
    // The Lens calls it directly with the products the fast path has already
    // formed for every character, so that it does not form them twice.
    virtual Step stepFromProducts(const torch::Tensor& xp, const torch::Tensor& hp, const State& prev) const = 0;

    // LibTorch's layer for this cell (CellInfo::builtinLayer), and running it
    // on x (T, B, In) from `state` (h, c: (L, B, H) or undefined for zeros),
    // which it replaces. Cells without one never get these calls.
    virtual torch::nn::AnyModule builtinLayer(std::int64_t input, std::int64_t hidden, std::int64_t layers,
                                              double dropout) const;
    virtual torch::Tensor runBuiltin(torch::nn::AnyModule& layer, const torch::Tensor& x, State& state) const;

    virtual FusedLayout fusedLayout() const = 0;
    virtual void fusedForward(const FusedForward& a, std::int64_t begin, std::int64_t end) const = 0;
    virtual void fusedBackward(const FusedBackward& a, std::int64_t begin, std::int64_t end) const = 0;
};

// A cell that is not in CellList.h (a test's, an application's own) joins the
// registry with one line in its file, a static registrar:
//
//   const CellRegistrar kLeaky(leakyCell);  // `const Cell& leakyCell()` in the same file
//
// It comes after the listed cells, in the order registered, and everything that
// asks the registry knows it (configs, menus, training, the Lens). The
// registrar must run before the registry is first read (a static one does;
// later ones abort). Core's own cells stay in CellList.h: a static library
// drops an object file nothing refers to, registrar and all.
class CellRegistrar {
public:
    explicit CellRegistrar(const Cell& (*cell)());
};

// The registry.
const Cell& cell(const Arch& arch);     // throws for an unknown key
const Cell& cellAt(std::int64_t index);  // by position in cellCatalogue()
std::int64_t cellCount();
std::int64_t cellIndex(const Arch& arch);

// A whole layer through the textbook step: x (T, B, In) from state (h, c:
// (B, H)), which it replaces; returns Y (T, B, H).
torch::Tensor textbookLayer(const Cell& cell, const LayerWeights& w, const torch::Tensor& x, State& state);

} // namespace traveller::cells
