// The recurrent cells Traveller trains, as the front ends see them: what the
// registry under core/src/cells/ says about each (one file per cell there).
// Torch-free, so the window and the CLI can list and name cells; the numbers
// themselves live in core.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace traveller {

struct CellInfo {
    std::string key;          // what configs say: model.arch (LM), model.cell (seq2seq)
    std::string name;         // what tables and legends show: "GRU"
    std::string description;  // one line for menus and --help
    int gates = 1;            // G: W_ih (and W_hh) stack G blocks of H rows
    // The stacked blocks of W_ih in order, LibTorch's where it has the cell
    // (GRU: r, z, n; LSTM: i, f, g, o).
    std::vector<std::string> blocks;
    // The values one textbook step exposes for inspection, each (B, H), in
    // this order: gates, candidates, the cell state ("c").
    std::vector<std::string> inspected;
    bool cellState = false;      // carries c besides h (LSTM)
    bool hiddenWeights = true;   // has W_hh and b_hh; without them (minGRU) each step
                                 // depends on the previous one only elementwise
    bool builtinLayer = false;   // LibTorch has a layer for it (impl builtin); others
                                 // run the textbook step there
    // One step's equations as the Lens shows them, one short line each (they
    // fit a narrow pane), with placeholders for one unit's values at one step:
    // {name} a value of `inspected`, {h}, {h_prev} and, with a cell state,
    // {c_prev}; {name*} the same as a factor of a product ("(-0.690)" when
    // negative). stepEquations() fills them in; the Lens knows no cell.
    std::vector<std::string> equations;
};

// The cell's equations with one unit's values at one step filled in (three
// decimals), one line each. `value(name)` answers every name the placeholders
// use (equationNames()); a placeholder naming anything else throws.
std::vector<std::string> stepEquations(const CellInfo& cell, const std::function<double(const std::string&)>& value);
// The names a cell's equations may use: its inspected values, h, h_prev and,
// with a cell state, c_prev.
std::vector<std::string> equationNames(const CellInfo& cell);

// A cell of the registry, named by its key. Comparing and copying compare and
// copy the key; info() finds the cell (every Arch a config holds is a known one:
// parsing refuses the others).
struct Arch {
    std::string key = "rnn";

    const CellInfo& info() const;
    bool operator==(const Arch& other) const { return key == other.key; }
    bool operator!=(const Arch& other) const { return key != other.key; }

    // The book's three cells, by name, for code and tests that mean them.
    static const Arch Rnn;
    static const Arch Gru;
    static const Arch Lstm;
};
inline const Arch Arch::Rnn{"rnn"};
inline const Arch Arch::Gru{"gru"};
inline const Arch Arch::Lstm{"lstm"};

// Every cell of the registry, in the order menus list them.
const std::vector<CellInfo>& cellCatalogue();
// The cell with this key, or null.
const CellInfo* findCell(const std::string& key);
// "rnn|gru|lstm|..." for messages.
std::string cellKeys();

} // namespace traveller
