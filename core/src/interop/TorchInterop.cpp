// The book's RNNModel in and out of the run library (store/TorchInterop.h):
// its names and shapes checked against the cell, its vocabulary against the
// corpus, the weights placed as a Traveller checkpoint in one import.
#include "traveller/core/store/TorchInterop.h"
#include "traveller/core/store/RunExport.h"

#include "Checkpoint.h"
#include "cells/Cell.h"
#include "interop/TorchPickle.h"
#include "lm/LmModels.h"
#include "traveller/core/Corpus.h"
#include "traveller/core/Errors.h"
#include "traveller/core/io/SafeFile.h"
#include "traveller/core/lm/Training.h"
#include "traveller/core/store/RunRules.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

namespace traveller {

namespace fs = std::filesystem;

namespace {

using interop::shapeText;

// What the book's RNNModel over the cell's nn layer holds, name -> shape.
std::vector<std::pair<std::string, std::vector<std::int64_t>>> bookShapes(const CellInfo& cell, std::int64_t vocab,
                                                                          std::int64_t hidden, std::int64_t layers)
{
    const std::int64_t gh = cell.gates * hidden;
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
    for (std::int64_t l = 0; l < layers; ++l) {
        const std::string k = std::to_string(l);
        out.push_back({"rnn.weight_ih_l" + k, {gh, l == 0 ? vocab : hidden}});
        out.push_back({"rnn.weight_hh_l" + k, {gh, hidden}});
        out.push_back({"rnn.bias_ih_l" + k, {gh}});
        out.push_back({"rnn.bias_hh_l" + k, {gh}});
    }
    out.push_back({"linear.weight", {vocab, hidden}});
    out.push_back({"linear.bias", {vocab}});
    return out;
}

// The PyTorch layer the book would build for the cell, as Python: "nn.GRU",
// and its options beyond the sizes (", nonlinearity='relu'"). Asked of
// LibTorch's layer for the cell, which has PyTorch's names.
std::pair<std::string, std::string> pythonLayer(const CellInfo& cell)
{
    const torch::nn::AnyModule layer = cells::cell(Arch{cell.key}).builtinLayer(1, 1, 1, 0.0);
    std::string type = layer.ptr()->name();  // "torch::nn::GRUImpl"
    if (type.rfind("torch::nn::", 0) == 0)
        type = type.substr(11);
    if (type.size() > 4 && type.compare(type.size() - 4, 4, "Impl") == 0)
        type.resize(type.size() - 4);
    std::string options;
    if (const auto* rnn = layer.ptr()->as<torch::nn::RNNImpl>();
        rnn && c10::holds_alternative<torch::enumtype::kReLU>(rnn->options.nonlinearity()))
        options = ", nonlinearity='relu'";
    return {"nn." + type, options};
}

std::string bookModel(const CellInfo& cell) { return "RNNModel over " + pythonLayer(cell).first; }

// The cell the book's layer is: LibTorch (and so PyTorch) has a layer for it.
const CellInfo& bookCell(const std::string& key)
{
    const CellInfo* cell = findCell(key);
    std::string books;
    for (const CellInfo& c : cellCatalogue())
        if (c.builtinLayer)
            books += (books.empty() ? "" : ", ") + c.key;
    if (!cell || !cell->builtinLayer)
        throw Error(message("torch.not_book_cell", {key, books}));
    return *cell;
}

struct BookModel {
    std::int64_t vocab = 0, hidden = 0, layers = 0;
};

// The sizes the file's tensors say, checked name by name and shape by shape
// against the book's model of that cell.
BookModel checkBookModel(const interop::StateDict& dict, const CellInfo& cell, const std::string& path)
{
    const torch::Tensor hh = interop::find(dict, "rnn.weight_hh_l0");
    const torch::Tensor head = interop::find(dict, "linear.weight");
    if (!hh.defined() || !head.defined() || hh.dim() != 2 || head.dim() != 2)
        throw Error(message("torch.wrong_keys", {path, bookModel(cell),
                                                 !hh.defined() ? "it has no rnn.weight_hh_l0"
                                                 : !head.defined() ? "it has no linear.weight"
                                                                   : "rnn.weight_hh_l0 or linear.weight is not a matrix"}));
    BookModel m{head.size(0), hh.size(1), 0};
    while (interop::find(dict, "rnn.weight_ih_l" + std::to_string(m.layers)).defined())
        ++m.layers;
    const auto expected = bookShapes(cell, m.vocab, m.hidden, std::max<std::int64_t>(m.layers, 1));
    std::set<std::string> names;
    for (const auto& [name, shape] : expected) {
        names.insert(name);
        const torch::Tensor t = interop::find(dict, name);
        if (!t.defined())
            throw Error(message("torch.wrong_keys", {path, bookModel(cell), "it has no " + name}));
        if (t.sizes() != torch::IntArrayRef(shape))
            throw Error(message("torch.wrong_shape", {path, name, shapeText(t.sizes()), bookModel(cell),
                                                      std::to_string(m.hidden), shapeText(shape)}));
    }
    for (const auto& [name, tensor] : dict)
        if (!names.count(name))
            throw Error(message("torch.wrong_keys", {path, bookModel(cell), name + " is not one of its parameters"}));
    return m;
}

// perm[book's id] = Traveller's id of the same token. Identity without a file.
std::vector<std::int64_t> vocabularyMap(const std::string& vocabPath, const Vocab& vocab, std::int64_t modelVocab,
                                        const std::string& path, const std::string& corpus)
{
    std::vector<std::int64_t> perm;
    if (vocabPath.empty()) {
        if (modelVocab != vocab.size())
            throw Error(message("torch.vocab_size", {path, std::to_string(modelVocab), corpus, std::to_string(vocab.size())}));
        for (std::int64_t i = 0; i < modelVocab; ++i)
            perm.push_back(i);
        return perm;
    }
    const std::string text = readRegularFile(vocabPath, ReadLimits{64ULL << 20, false});
    nlohmann::json list;
    try {
        list = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(message("torch.vocab_unreadable", {vocabPath, e.what()}));
    }
    if (!list.is_array() || !std::all_of(list.begin(), list.end(), [](const auto& t) { return t.is_string(); }))
        throw Error(message("torch.vocab_unreadable", {vocabPath, "expected a JSON list of strings (vocab.idx_to_token)"}));
    auto mismatch = [&](const std::string& why) { return Error(message("torch.vocab_mismatch", {vocabPath, corpus, why})); };
    if (static_cast<std::int64_t>(list.size()) != modelVocab)
        throw mismatch("it has " + std::to_string(list.size()) + " tokens, the model " + std::to_string(modelVocab));
    std::set<std::int64_t> seen;
    for (const auto& token : list) {
        const std::string t = token.get<std::string>();
        if (!vocab.contains(t))
            throw mismatch("'" + shownValue(t, 80) + "' is not a token of the corpus");
        if (!seen.insert(vocab.index(t)).second)
            throw mismatch("'" + shownValue(t, 80) + "' is listed twice");
        perm.push_back(vocab.index(t));
    }
    if (static_cast<std::int64_t>(perm.size()) != vocab.size())
        throw mismatch("the corpus has " + std::to_string(vocab.size()) + " tokens, the list " + std::to_string(perm.size()));
    return perm;
}

// Traveller's name for the book's: linear.* is head.*.
std::string travellerName(const std::string& book)
{
    return book.rfind("linear.", 0) == 0 ? "head." + book.substr(7) : book;
}
std::string bookName(const std::string& traveller)
{
    return traveller.rfind("head.", 0) == 0 ? "linear." + traveller.substr(5) : traveller;
}

// The file's weights with the token axis put in Traveller's order.
interop::StateDict inTravellerOrder(const interop::StateDict& dict, const std::vector<std::int64_t>& perm)
{
    const auto index = torch::tensor(perm, torch::kInt64);
    interop::StateDict out;
    for (const auto& [name, t] : dict) {
        torch::Tensor v = t.to(torch::kFloat32).contiguous();
        if (name == "rnn.weight_ih_l0")
            v = torch::zeros_like(v).index_copy_(1, index, v);
        else if (name.rfind("linear.", 0) == 0)
            v = torch::zeros_like(v).index_copy_(0, index, v);
        out.emplace_back(travellerName(name), v);
    }
    return out;
}

std::unique_ptr<torch::optim::Optimizer> optimizerFor(const ExperimentConfig& config, lm::LanguageModel& model)
{
    if (config.train.optimizer == Optimizer::Sgd)
        return std::make_unique<torch::optim::SGD>(model.parameters(), torch::optim::SGDOptions(config.train.lr));
    return std::make_unique<torch::optim::Adam>(model.parameters(), torch::optim::AdamOptions(config.train.lr));
}

// exp(mean cross-entropy) of `ids` read as one stream from a zero state.
double streamPerplexity(lm::LanguageModel& model, const std::vector<std::int64_t>& ids)
{
    torch::NoGradGuard noGrad;
    model.eval();
    const auto n = static_cast<std::int64_t>(ids.size()) - 1;
    if (n < 1)
        return std::nan("");
    const auto all = torch::tensor(ids, torch::kInt64);
    const auto x = all.narrow(0, 0, n).reshape({1, n});
    const auto y = all.narrow(0, 1, n);
    lm::RnnState state = model.initialState(1, torch::kCPU);
    const auto logits = model.forward(x, state);
    return std::exp(torch::nn::functional::cross_entropy(logits, y).item<double>());
}

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

// Writes the model as a Traveller checkpoint at `path` (the config and epoch as its extras).
void writeCheckpoint(const ExperimentConfig& config, lm::LanguageModel& model, int epoch, const std::string& path)
{
    const std::string yaml = toYaml(config);
    auto bytes = torch::empty({static_cast<std::int64_t>(yaml.size())}, torch::kUInt8);
    std::memcpy(bytes.data_ptr<std::uint8_t>(), yaml.data(), yaml.size());
    CheckpointExtras extras{{kCheckpointConfigKey, bytes},
                            {kCheckpointEpochKey, torch::tensor(static_cast<std::int64_t>(epoch), torch::kInt64)}};
    saveCheckpointFile(model, *optimizerFor(config, model), path, extras);
}

ExperimentConfig importedConfig(const TorchImport& request, const CellInfo& cell, const BookModel& m)
{
    ExperimentConfig config = request.settings;
    config.model.arch = Arch{cell.key};
    // Through the schema's own rules: a file of 0 hidden units (or of more
    // than a model may have) is refused as that setting would be.
    setConfigValue(config, "model.hidden", std::to_string(m.hidden));
    setConfigValue(config, "model.layers", std::to_string(m.layers));
    config.model.embedding = 0;
    config.train.epochs = request.epochs;
    config.name = request.name.empty() ? cell.name + " h" + std::to_string(m.hidden) + " (the book's code)" : request.name;
    validate(config);
    return config;
}

} // namespace

TorchImported importTorchModel(RunStore& store, const TorchImport& request)
{
    const CellInfo& cell = bookCell(request.arch);
    const interop::StateDict dict = interop::readStateDict(request.path);
    const BookModel m = checkBookModel(dict, cell, request.path);
    TorchImported out;
    out.config = importedConfig(request, cell, m);
    const Corpus corpus = loadCorpus(out.config.data, request.dataDir);
    const auto perm = vocabularyMap(request.vocabPath, corpus.vocab, m.vocab, request.path, out.config.data.corpus);
    for (std::size_t i = 0; i < perm.size(); ++i)
        out.permuted = out.permuted || perm[i] != static_cast<std::int64_t>(i);
    const interop::StateDict weights = inTravellerOrder(dict, perm);

    auto model = lm::makeLanguageModel(out.config.model, corpus.vocab.size(), torch::kCPU);
    {
        torch::NoGradGuard noGrad;
        for (auto& p : model->named_parameters()) {
            const torch::Tensor w = interop::find(weights, p.key());
            if (!w.defined() || w.sizes() != p.value().sizes())
                throw Error(message("torch.wrong_keys", {request.path, bookModel(cell), "it has no " + bookName(p.key())}));
            p.value().copy_(w);
        }
    }
    out.perplexity = streamPerplexity(*model, corpus.ids);
    const std::string staged = (fs::path(store.folder()) / "checkpoints" /
                                (".torch-import-" + std::to_string(::getpid()) + ".pt")).string();
    try {
        writeCheckpoint(out.config, *model, request.epochs, staged);
        LmSession session(out.config, request.dataDir);
        session.loadCheckpoint(staged);  // what `runs generate` and the Lens will do
        out.sample = session.generate(out.config.sample.prefix, out.config.sample.length, 0.0);
        ImportedRun run;
        run.run.config = out.config;
        run.run.name = out.config.name;
        run.run.programVersion = request.programVersion;
        run.state.state = StoredState::Finished;
        run.state.checkpointEpoch = request.epochs;
        run.state.device = "cpu";
        run.state.finishedAt = utcNow();
        run.state.samples[out.config.sample.prefix] = out.sample;
        StoredEpoch epoch;
        epoch.epoch = request.epochs;
        epoch.perplexity = out.perplexity;
        epoch.sample = out.sample;
        run.epochs.push_back(epoch);
        out.id = store.importRun(run, 0, nullptr, staged);
    } catch (...) {
        std::error_code ec;
        fs::remove(staged, ec);
        throw;
    }
    return out;
}

namespace {

// The Python that loads the export in the book's code, beside the file.
std::string snippetText(const ExperimentConfig& config, const CellInfo& cell, const std::string& file,
                        const std::string& vocab)
{
    const auto [type, options] = pythonLayer(cell);
    const std::string layer = type + "(len(vocab), " + std::to_string(config.model.hidden) +
                              (config.model.layers > 1 ? ", num_layers=" + std::to_string(config.model.layers) : "") +
                              options + ")";
    return "# Written by traveller-cli runs export-torch: the run's weights in the book's RNNModel.\n"
           "# Run beside the book's d2l package (pip install d2l, or PYTHONPATH holding d2l/torch.py).\n"
           "import json, torch\nfrom torch import nn\nfrom d2l import torch as d2l\n\n"
           "vocab = d2l.Vocab()\n"
           "vocab.idx_to_token = json.load(open(" + nlohmann::json(vocab).dump() + ", encoding='utf-8'))\n"
           "vocab.token_to_idx = {t: i for i, t in enumerate(vocab.idx_to_token)}\n"
           "net = d2l.RNNModel(" + layer + ", len(vocab))\n"
           "net.load_state_dict(torch.load(" + nlohmann::json(file).dump() + "))\n"
           "print(d2l.predict_ch8('time traveller', 50, net, vocab, torch.device('cpu')))\n";
}


} // namespace

// Through writeFileAtomically: a device, a pipe or a folder at `path` is
// refused, never replaced (export-torch --output /dev/full).
void interop::writeWhole(const std::string& path, const char* data, std::size_t size)
{
    try {
        writeFileAtomically(path, std::string(data, size));
    } catch (const Error& e) {
        throw Error(message("torch.cannot_write", {path, e.what()}));
    }
}

TorchExported exportTorchModel(RunStore& store, std::int64_t id, const std::string& output, const std::string& dataDir)
{
    const StoredRun run = store.run(id);
    if (run.isTranslation())
        return exportTorchTranslation(store, id, output, dataDir);
    if (const RuleVerdict can = canGenerate(run); !can)
        throw Error(can.why);
    const ExperimentConfig config = run.config();
    const CellInfo& cell = config.model.arch.info();
    if (!cell.builtinLayer)
        throw Error(message("torch.export_not_book", {std::to_string(id), "model.arch: " + cell.key}));
    if (config.model.embedding > 0)
        throw Error(message("torch.export_not_book", {std::to_string(id), "model.embedding: " + std::to_string(config.model.embedding)}));
    const Corpus corpus = loadCorpus(config.data, dataDir);
    auto model = lm::makeLanguageModel(config.model, corpus.vocab.size(), torch::kCPU);
    loadCheckpointFile(*model, *optimizerFor(config, *model), store.checkpointPath(id), torch::kCPU);
    interop::StateDict dict;
    for (const auto& [name, shape] : bookShapes(cell, corpus.vocab.size(), config.model.hidden, config.model.layers)) {
        const torch::Tensor* p = model->named_parameters().find(travellerName(name));
        if (!p || p->sizes() != torch::IntArrayRef(shape))
            throw Error(message("torch.export_not_book", {std::to_string(id), name}));
        dict.emplace_back(name, p->detach().clone());
    }
    TorchExported out{output, output + ".vocab.json", output + ".py"};
    const std::vector<char> bytes = interop::stateDictArchive(dict);
    interop::writeWhole(out.stateDict, bytes.data(), bytes.size());
    const std::string vocab = nlohmann::json(corpus.vocab.tokens()).dump() + "\n";
    interop::writeWhole(out.vocab, vocab.data(), vocab.size());
    const std::string snippet = snippetText(config, cell, fs::path(out.stateDict).filename().string(),
                                            fs::path(out.vocab).filename().string());
    interop::writeWhole(out.snippet, snippet.data(), snippet.size());
    return out;
}

} // namespace traveller
