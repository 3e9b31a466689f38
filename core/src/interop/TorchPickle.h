// Reading and writing the files PyTorch's torch.save writes, for the book's
// state_dicts (docs/FIDELITY.md, "The book's own code"). Internal to the core.
//
// LibTorch 1.13's torch::pickle_load cannot read a state_dict: its unpickler
// turns collections.OrderedDict into None (it expects one only as a tensor's
// backward hooks), so `torch.save(net.state_dict(), F)` fails there. This file
// runs the few pickle opcodes torch.save emits itself (protocol 2: a dict of
// names to _rebuild_tensor_v2 calls over storages kept as data/<key> in the
// zip), and refuses anything else by name. Writing goes through
// torch::pickle_save, whose archive torch.load reads as a dict.
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace traveller::interop {

// Names to tensors in the file's order (a state_dict's: the module's).
using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;

// The state_dict in `path` (float tensors as float32, on the CPU). Throws
// Error with code torch.not_archive (not a zip archive of torch.save's, or a
// damaged one), torch.not_state_dict (another object: a whole module, a list).
StateDict readStateDict(const std::string& path);

// The bytes of torch.save's archive holding `dict` as a dict of tensors.
std::vector<char> stateDictArchive(const StateDict& dict);
// "256x28", or "a scalar": a tensor's shape in messages.
inline std::string shapeText(torch::IntArrayRef sizes)
{
    std::string out;
    for (auto d : sizes)
        out += (out.empty() ? "" : "x") + std::to_string(d);
    return out.empty() ? "a scalar" : out;
}
// Writes `size` bytes to `path` through a file beside it, renamed into
// place; Error torch.cannot_write.
void writeWhole(const std::string& path, const char* data, std::size_t size);

// The tensor named `key`, or an undefined one.
torch::Tensor find(const StateDict& dict, const std::string& key);

} // namespace traveller::interop
