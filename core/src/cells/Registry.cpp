#include "cells/Cell.h"

#include "cells/CellList.h"
#include "traveller/core/Errors.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace traveller::cells {

#define TRAVELLER_DECLARE_CELL(function) const Cell& function();
TRAVELLER_CELL_LIST(TRAVELLER_DECLARE_CELL)
#undef TRAVELLER_DECLARE_CELL

namespace {

// The registrars' cells, in the order they ran (static initialisation).
std::vector<const Cell& (*)()>& registered()
{
    static std::vector<const Cell& (*)()> cells;
    return cells;
}

std::atomic<bool>& registryRead()
{
    static std::atomic<bool> read{false};
    return read;
}

const std::vector<const Cell*>& registry()
{
#define TRAVELLER_CELL_ADDRESS(function) &function(),
    static const std::vector<const Cell*> all = [] {
        registryRead() = true;
        std::vector<const Cell*> cells = {TRAVELLER_CELL_LIST(TRAVELLER_CELL_ADDRESS)};
        for (const auto& function : registered())
            cells.push_back(&function());
        return cells;
    }();
#undef TRAVELLER_CELL_ADDRESS
    return all;
}

} // namespace

CellRegistrar::CellRegistrar(const Cell& (*cell)())
{
    if (registryRead()) {
        // Menus, schemas and checkpoints have seen the registry already: a
        // late cell would be in some of them and not the others.
        std::fprintf(stderr, "traveller: a cell was registered after the registry was read\n");
        std::abort();
    }
    registered().push_back(cell);
}

std::int64_t cellCount() { return static_cast<std::int64_t>(registry().size()); }

const Cell& cellAt(std::int64_t index)
{
    const auto& all = registry();
    if (index < 0 || index >= static_cast<std::int64_t>(all.size()))
        throw Error("no cell number " + std::to_string(index) + " in the registry");
    return *all[static_cast<std::size_t>(index)];
}

std::int64_t cellIndex(const Arch& arch)
{
    const auto& all = registry();
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i]->info().key == arch.key)
            return static_cast<std::int64_t>(i);
    throw ConfigError("model.arch", 0, 0, message("config.unknown_cell", {arch.key, cellKeys()}));
}

const Cell& cell(const Arch& arch) { return cellAt(cellIndex(arch)); }

Step Cell::step(const LayerWeights& w, const torch::Tensor& x, const State& prev) const
{
    return stepFromProducts(torch::addmm(w.bIh, x, w.wIh.t()),
                            info().hiddenWeights ? torch::addmm(w.bHh, prev.h, w.wHh.t()) : torch::Tensor(), prev);
}

torch::nn::AnyModule Cell::builtinLayer(std::int64_t, std::int64_t, std::int64_t, double) const
{
    throw Error("LibTorch has no layer for the " + info().name + " cell");
}

torch::Tensor Cell::runBuiltin(torch::nn::AnyModule&, const torch::Tensor&, State&) const
{
    throw Error("LibTorch has no layer for the " + info().name + " cell");
}

torch::Tensor textbookLayer(const Cell& cell, const LayerWeights& w, const torch::Tensor& x, State& state)
{
    const std::int64_t steps = x.size(0);
    std::vector<torch::Tensor> outputs;
    outputs.reserve(static_cast<std::size_t>(steps));
    for (std::int64_t t = 0; t < steps; ++t) {
        state = cell.step(w, x[t], state).next;
        outputs.push_back(state.h);
    }
    return torch::stack(outputs);  // (T, B, H)
}

} // namespace traveller::cells

namespace traveller {

const std::vector<CellInfo>& cellCatalogue()
{
    static const std::vector<CellInfo> all = [] {
        std::vector<CellInfo> v;
        for (std::int64_t i = 0; i < cells::cellCount(); ++i)
            v.push_back(cells::cellAt(i).info());
        return v;
    }();
    return all;
}

const CellInfo* findCell(const std::string& key)
{
    for (const auto& c : cellCatalogue())
        if (c.key == key)
            return &c;
    return nullptr;
}

std::string cellKeys()
{
    std::string keys;
    for (const auto& c : cellCatalogue())
        keys += (keys.empty() ? "" : "|") + c.key;
    return keys;
}

const CellInfo& Arch::info() const
{
    if (const CellInfo* c = findCell(key))
        return *c;
    throw ConfigError("model.arch", 0, 0, message("config.unknown_cell", {key, cellKeys()}));
}

} // namespace traveller
