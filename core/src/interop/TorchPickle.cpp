// The subset of Python's pickle that torch.save writes for a state_dict
// (TorchPickle.h says why LibTorch's own unpickler is not used to read).
#include "interop/TorchPickle.h"

#include "traveller/core/Errors.h"
#include "traveller/core/io/SafeFile.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>

namespace traveller::interop {

namespace {

// A state_dict of a large model is still far below this (the book's LSTM
// at 1024 hidden units: 17 MB).
constexpr std::uint64_t kMaxArchiveBytes = 1ULL << 30;

// One value on the unpickler's stack: what a state_dict's pickle builds.
struct Value {
    enum class Kind { None, Bool, Int, Float, Str, Tuple, List, Dict, Global, Storage, Tensor, Mark };
    Kind kind = Kind::None;
    std::int64_t i = 0;
    double f = 0;
    std::string s;                                // Str; Global: "module name"
    std::shared_ptr<std::vector<Value>> items;    // Tuple, List; Dict: key, value, key, value...
    torch::Tensor t;                              // Storage (1-D), Tensor
};

Value ofKind(Value::Kind k) { Value v; v.kind = k; return v; }
Value sequence(Value::Kind k, std::vector<Value> items)
{
    Value v = ofKind(k);
    v.items = std::make_shared<std::vector<Value>>(std::move(items));
    return v;
}

// The storage types torch.save names, as the dtype of their elements.
torch::Dtype storageType(const std::string& global)
{
    static const std::map<std::string, torch::Dtype> types = {
        {"torch FloatStorage", torch::kFloat32}, {"torch DoubleStorage", torch::kFloat64},
        {"torch HalfStorage", torch::kFloat16},  {"torch BFloat16Storage", torch::kBFloat16},
        {"torch LongStorage", torch::kInt64},    {"torch IntStorage", torch::kInt32},
        {"torch ShortStorage", torch::kInt16},   {"torch CharStorage", torch::kInt8},
        {"torch ByteStorage", torch::kUInt8},    {"torch BoolStorage", torch::kBool}};
    const auto found = types.find(global);
    if (found == types.end())
        throw std::runtime_error("a storage of " + global);
    return found->second;
}

std::vector<std::int64_t> integers(const Value& tuple, const char* what)
{
    if (tuple.kind != Value::Kind::Tuple)
        throw std::runtime_error(std::string("a ") + what + " that is not a tuple");
    std::vector<std::int64_t> out;
    for (const Value& v : *tuple.items) {
        if (v.kind != Value::Kind::Int)
            throw std::runtime_error(std::string("a ") + what + " that holds something other than integers");
        out.push_back(v.i);
    }
    return out;
}

// _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])
Value rebuildTensor(const std::vector<Value>& args)
{
    if (args.size() < 4 || args[0].kind != Value::Kind::Storage || args[1].kind != Value::Kind::Int)
        throw std::runtime_error("a tensor whose arguments are not torch.save's");
    const auto size = integers(args[2], "tensor size");
    const auto stride = integers(args[3], "tensor stride");
    if (size.size() != stride.size())
        throw std::runtime_error("a tensor whose size and stride disagree");
    // Every bound in 128-bit arithmetic: a hostile size or stride overflows
    // no product. A state_dict's tensor never holds more elements than its
    // storage (no broadcast strides), so nothing larger than the file is made.
    const torch::Tensor& storage = args[0].t;
    const auto limit = static_cast<__int128>(storage.numel());
    __int128 last = args[1].i;
    __int128 elements = 1;
    for (std::size_t d = 0; d < size.size(); ++d)
        if (size[d] < 0 || stride[d] < 0)
            throw std::runtime_error("a tensor of negative size or stride");
    // A tensor with a dimension of size 0 (a layer of 0 units) has no
    // elements, whatever its other sizes and strides say.
    const bool empty = std::find(size.begin(), size.end(), 0) != size.end();
    for (std::size_t d = 0; d < size.size() && !empty; ++d) {
        last += static_cast<__int128>(size[d] - 1) * stride[d];
        elements = std::min<__int128>(elements * size[d], limit + 1);
        if (last > limit)
            break;
    }
    if (args[1].i < 0 || (!empty && (last >= limit || elements > limit)))
        throw std::runtime_error("a tensor reaching past its storage");
    Value v = ofKind(Value::Kind::Tensor);
    v.t = empty ? torch::empty(size, storage.options()) : storage.as_strided(size, stride, args[1].i).clone();
    return v;
}

class Unpickler {
public:
    Unpickler(const std::string& pickle, caffe2::serialize::PyTorchStreamReader& reader)
        : p_(pickle), reader_(reader)
    {
    }
    Value run();

private:
    std::uint8_t byte() { need(1); return static_cast<std::uint8_t>(p_[at_++]); }
    std::uint64_t unsignedLe(int n)
    {
        need(static_cast<std::size_t>(n));
        std::uint64_t v = 0;
        for (int k = n - 1; k >= 0; --k)
            v = (v << 8) | static_cast<std::uint8_t>(p_[at_ + static_cast<std::size_t>(k)]);
        at_ += static_cast<std::size_t>(n);
        return v;
    }
    std::string bytes(std::size_t n) { need(n); std::string s = p_.substr(at_, n); at_ += n; return s; }
    std::string line()
    {
        const std::size_t end = p_.find('\n', at_);
        if (end == std::string::npos)
            throw std::runtime_error("a pickle cut short");
        std::string s = p_.substr(at_, end - at_);
        at_ = end + 1;
        return s;
    }
    void need(std::size_t n) const
    {
        if (at_ + n > p_.size())
            throw std::runtime_error("a pickle cut short");
    }
    Value pop()
    {
        if (stack_.empty() || stack_.back().kind == Value::Kind::Mark)
            throw std::runtime_error("a pickle that pops an empty stack");
        Value v = std::move(stack_.back());
        stack_.pop_back();
        return v;
    }
    std::vector<Value> popToMark()
    {
        std::vector<Value> out;
        while (!stack_.empty() && stack_.back().kind != Value::Kind::Mark) {
            out.push_back(std::move(stack_.back()));
            stack_.pop_back();
        }
        if (stack_.empty())
            throw std::runtime_error("a pickle without its mark");
        stack_.pop_back();
        std::reverse(out.begin(), out.end());  // linear, however long the list
        return out;
    }
    Value& top()
    {
        if (stack_.empty())
            throw std::runtime_error("a pickle that reads an empty stack");
        return stack_.back();
    }
    void addItems(std::vector<Value> items, bool dict);
    Value reduce(const Value& callable, const Value& args);
    Value persistentLoad(const Value& pid);
    bool step(std::uint8_t op);

    const std::string& p_;
    caffe2::serialize::PyTorchStreamReader& reader_;
    std::size_t at_ = 0;
    std::vector<Value> stack_;
    std::map<std::uint64_t, Value> memo_;
    std::map<std::string, torch::Tensor> storages_;
};

void Unpickler::addItems(std::vector<Value> items, bool dict)
{
    Value& target = top();
    if (target.kind != (dict ? Value::Kind::Dict : Value::Kind::List))
        throw std::runtime_error(dict ? "items set on something other than a dict" : "an append to something other than a list");
    if (dict && items.size() % 2 != 0)
        throw std::runtime_error("a dict item without its value");
    for (Value& v : items)
        target.items->push_back(std::move(v));
}

Value Unpickler::reduce(const Value& callable, const Value& args)
{
    if (callable.kind != Value::Kind::Global || args.kind != Value::Kind::Tuple)
        throw std::runtime_error("a call of something other than a known function");
    if (callable.s == "collections OrderedDict")
        return sequence(Value::Kind::Dict, {});
    if (callable.s == "torch._utils _rebuild_tensor_v2")
        return rebuildTensor(*args.items);
    if (callable.s == "torch._utils _rebuild_parameter" && !args.items->empty() &&
        args.items->front().kind == Value::Kind::Tensor)
        return args.items->front();
    // LibTorch's pickle_save (export-torch) tags a typed dict with its type:
    // restore_type_tag(value, "Dict[str, Tensor]") is the value itself.
    if (callable.s == "torch.jit._pickle restore_type_tag" && !args.items->empty())
        return args.items->front();
    throw std::runtime_error("an object of " + callable.s);
}

Value Unpickler::persistentLoad(const Value& pid)
{
    if (pid.kind != Value::Kind::Tuple || pid.items->size() < 5 || (*pid.items)[0].s != "storage" ||
        (*pid.items)[1].kind != Value::Kind::Global || (*pid.items)[2].kind != Value::Kind::Str ||
        (*pid.items)[4].kind != Value::Kind::Int)
        throw std::runtime_error("a reference that is not torch.save's storage");
    const torch::Dtype dtype = storageType((*pid.items)[1].s);
    const std::string key = (*pid.items)[2].s;
    auto& storage = storages_[key];
    if (!storage.defined()) {
        const std::string record = "data/" + key;
        if (!reader_.hasRecord(record))
            throw std::runtime_error("no " + record + " in the archive");
        auto [data, size] = reader_.getRecord(record);
        // The element count the pickle claims, checked against the bytes
        // the archive holds before anything is allocated.
        const std::int64_t count = (*pid.items)[4].i;
        const auto wanted = static_cast<__int128>(count) * static_cast<__int128>(c10::elementSize(dtype));
        if (count < 0 || wanted != static_cast<__int128>(size))
            throw std::runtime_error(record + " holds " + std::to_string(size) + " bytes, not " +
                                     std::to_string(count) + " elements");
        storage = torch::empty({count}, torch::TensorOptions().dtype(dtype));
        std::memcpy(storage.data_ptr(), data.get(), size);
    }
    Value v = ofKind(Value::Kind::Storage);
    v.t = storage;
    return v;
}

// One opcode; false at STOP.
bool Unpickler::step(std::uint8_t op)
{
    using K = Value::Kind;
    switch (op) {
    case 0x80: byte(); break;                                      // PROTO
    case '.': return false;                                        // STOP
    case '(': stack_.push_back(ofKind(K::Mark)); break;            // MARK
    case 'N': stack_.push_back(ofKind(K::None)); break;
    case 0x88: case 0x89: { Value v = ofKind(K::Bool); v.i = op == 0x88; stack_.push_back(v); break; }
    case 'K': case 'M': case 'J': {                                // BININT1, BININT2, BININT
        Value v = ofKind(K::Int);
        v.i = op == 'K' ? byte() : op == 'M' ? static_cast<std::int64_t>(unsignedLe(2))
                                             : static_cast<std::int32_t>(unsignedLe(4));
        stack_.push_back(v);
        break;
    }
    case 0x8a: {                                                   // LONG1
        const std::size_t n = byte();
        if (n > 8)
            throw std::runtime_error("an integer too large");
        Value v = ofKind(K::Int);
        const std::uint64_t u = n == 0 ? 0 : unsignedLe(static_cast<int>(n));
        v.i = n == 0 ? 0 : n == 8 ? static_cast<std::int64_t>(u)
                                  : static_cast<std::int64_t>(u << (64 - 8 * n)) >> (64 - 8 * n);
        stack_.push_back(v);
        break;
    }
    case 'G': {                                                    // BINFLOAT, big-endian
        std::uint64_t u = 0;
        for (int k = 0; k < 8; ++k)
            u = (u << 8) | byte();
        Value v = ofKind(K::Float);
        std::memcpy(&v.f, &u, sizeof u);
        stack_.push_back(v);
        break;
    }
    case 'X': case 0x8c: case 'U': case 'T': {                     // (SHORT_)BINUNICODE, (SHORT_)BINSTRING
        Value v = ofKind(K::Str);
        v.s = bytes(static_cast<std::size_t>(op == 0x8c || op == 'U' ? byte() : unsignedLe(4)));
        stack_.push_back(v);
        break;
    }
    case 'c': { Value v = ofKind(K::Global); v.s = line(); v.s += " " + line(); stack_.push_back(v); break; }
    case 'q': memo_[byte()] = top(); break;                        // BINPUT
    case 'r': memo_[unsignedLe(4)] = top(); break;                 // LONG_BINPUT
    case 0x94: memo_[memo_.size()] = top(); break;                 // MEMOIZE
    case 'h': case 'j': {                                          // BINGET, LONG_BINGET
        const auto found = memo_.find(op == 'h' ? byte() : unsignedLe(4));
        if (found == memo_.end())
            throw std::runtime_error("a pickle that reads an unset memo");
        stack_.push_back(found->second);
        break;
    }
    case ')': stack_.push_back(sequence(K::Tuple, {})); break;
    case 't': stack_.push_back(sequence(K::Tuple, popToMark())); break;
    case 0x85: case 0x86: case 0x87: {                             // TUPLE1..3
        std::vector<Value> items(static_cast<std::size_t>(op - 0x84));
        for (auto it = items.rbegin(); it != items.rend(); ++it)
            *it = pop();
        stack_.push_back(sequence(K::Tuple, std::move(items)));
        break;
    }
    case ']': stack_.push_back(sequence(K::List, {})); break;
    case '}': stack_.push_back(sequence(K::Dict, {})); break;
    case 'a': { Value v = pop(); addItems({v}, false); break; }
    case 'e': addItems(popToMark(), false); break;
    case 's': { Value v = pop(); Value k = pop(); addItems({k, v}, true); break; }
    case 'u': addItems(popToMark(), true); break;
    case 'Q': { Value pid = pop(); stack_.push_back(persistentLoad(pid)); break; }
    case 'R': { Value args = pop(); Value f = pop(); stack_.push_back(reduce(f, args)); break; }
    case 'b': {                                                    // BUILD: a state_dict's _metadata
        pop();
        if (top().kind != K::Dict)
            throw std::runtime_error("an object built from its state");
        break;
    }
    default: {
        std::ostringstream what;
        what << "pickle opcode 0x" << std::hex << static_cast<int>(op) << " at byte " << std::dec << at_ - 1;
        throw std::runtime_error(what.str());
    }
    }
    return true;
}

Value Unpickler::run()
{
    while (step(byte())) {
    }
    if (stack_.size() != 1)
        throw std::runtime_error("a pickle that leaves " + std::to_string(stack_.size()) + " values");
    return stack_.back();
}

std::string kindName(const Value& v)
{
    switch (v.kind) {
    case Value::Kind::Dict: return "a dict whose values are not all tensors";
    case Value::Kind::List: return "a list";
    case Value::Kind::Tuple: return "a tuple";
    case Value::Kind::Tensor: return "a single tensor";
    default: return "a single value";
    }
}

} // namespace

StateDict readStateDict(const std::string& path)
{
    const std::string bytes = readRegularFile(path, ReadLimits{kMaxArchiveBytes, false});
    std::istringstream in(bytes);
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
    std::string pickle;
    try {
        reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(&in);
        auto [data, size] = reader->getRecord("data.pkl");
        pickle.assign(static_cast<const char*>(data.get()), size);
    } catch (const c10::Error& e) {
        const std::string why = e.what_without_backtrace();
        throw Error(message("torch.not_archive", {path, why.substr(0, why.find('\n'))}));
    }
    Value root;
    try {
        Unpickler unpickler(pickle, *reader);
        root = unpickler.run();
    } catch (const std::runtime_error& e) {
        throw Error(message("torch.not_state_dict", {path, e.what()}));
    } catch (const c10::Error& e) {
        throw Error(message("torch.not_archive", {path, e.what_without_backtrace()}));
    }
    StateDict out;
    const bool dict = root.kind == Value::Kind::Dict;
    for (std::size_t k = 0; dict && k + 1 < root.items->size(); k += 2) {
        const Value& key = (*root.items)[k];
        const Value& value = (*root.items)[k + 1];
        if (key.kind != Value::Kind::Str || value.kind != Value::Kind::Tensor)
            throw Error(message("torch.not_state_dict", {path, kindName(root)}));
        // A model that diverged (or a file made to look like one) is not
        // imported as a finished run whose text is <unk>: one message.
        if (value.t.is_floating_point() && !torch::isfinite(value.t).all().item<bool>())
            throw Error(message("torch.not_finite", {path, key.s}));
        out.emplace_back(key.s, value.t);
    }
    if (!dict)
        throw Error(message("torch.not_state_dict", {path, kindName(root)}));
    return out;
}

std::vector<char> stateDictArchive(const StateDict& dict)
{
    c10::impl::GenericDict out(c10::StringType::get(), c10::TensorType::get());
    for (const auto& [key, tensor] : dict)
        out.insert(key, tensor.detach().to(torch::kCPU).contiguous());
    return torch::pickle_save(out);
}

torch::Tensor find(const StateDict& dict, const std::string& key)
{
    for (const auto& [name, tensor] : dict)
        if (name == key)
            return tensor;
    return {};
}

} // namespace traveller::interop
