// The chapter's EncoderDecoder into the run library (store/TorchInterop.h):
// its names and shapes checked against Traveller's Seq2Seq of the same sizes,
// its vocabularies against the corpus, then a finished translation run.
#include "traveller/core/store/TorchInterop.h"

#include "Checkpoint.h"
#include "interop/TorchPickle.h"
#include "s2s/S2sModels.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lm/Training.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>

namespace traveller {

namespace fs = std::filesystem;

namespace {


// The book's name of a Traveller parameter: the recurrent layer sits one
// module deeper here (encoder.rnn.gru.weight_ih_l0).
std::string bookS2sName(const std::string& traveller)
{
    const auto rnn = traveller.find("rnn.");
    if (rnn == std::string::npos)
        return traveller;
    const auto next = traveller.find('.', rnn + 4);
    return next == std::string::npos ? traveller : traveller.substr(0, rnn + 4) + traveller.substr(next + 1);
}

// The sizes the file says: embedding, hidden units, layers.
TranslationConfig configFromFile(const interop::StateDict& dict, const TorchTranslationImport& request,
                                 const std::string& model)
{
    const torch::Tensor embedding = interop::find(dict, "encoder.embedding.weight");
    const torch::Tensor hh = interop::find(dict, "encoder.rnn.weight_hh_l0");
    if (!embedding.defined() || !hh.defined() || embedding.dim() != 2 || hh.dim() != 2)
        throw Error(message("torch.wrong_keys", {request.path, model,
                                                 "it has no encoder.embedding.weight or encoder.rnn.weight_hh_l0"}));
    TranslationConfig config = request.settings;
    std::int64_t layers = 0;
    while (interop::find(dict, "encoder.rnn.weight_ih_l" + std::to_string(layers)).defined())
        ++layers;
    // Through the schema's own rules: sizes of 0 (or beyond a model's) are
    // refused as those settings would be.
    setTranslationValue(config, "model.embed", std::to_string(embedding.size(1)));
    setTranslationValue(config, "model.hidden", std::to_string(hh.size(1)));
    setTranslationValue(config, "model.layers", std::to_string(layers));
    config.model.decoder = S2sDecoder::Plain;
    config.train.epochs = request.epochs;
    config.name = request.name.empty() ? config.displayName() + " (the book's code)" : request.name;
    validate(config);
    return config;
}

// Copies the file's tensors into the model, every name and shape checked both ways.
void placeWeights(s2s::Seq2Seq& model, const interop::StateDict& dict, const std::string& path, const std::string& name,
                  int hidden)
{
    std::set<std::string> used;
    torch::NoGradGuard noGrad;
    for (auto& p : model->named_parameters()) {
        const std::string book = bookS2sName(p.key());
        const torch::Tensor w = interop::find(dict, book);
        if (!w.defined())
            throw Error(message("torch.wrong_keys", {path, name, "it has no " + book}));
        if (w.sizes() != p.value().sizes())
            throw Error(message("torch.wrong_shape", {path, book, interop::shapeText(w.sizes()), name, std::to_string(hidden),
                                                      interop::shapeText(p.value().sizes())}));
        p.value().copy_(w.to(torch::kFloat32));
        used.insert(book);
    }
    for (const auto& [key, tensor] : dict)
        if (!used.count(key))
            throw Error(message("torch.wrong_keys", {path, name, key + " is not one of its parameters"}));
}

// Records the run: created, claimed, its weights placed, results, finished.
// A failure on the way deletes the run again.
std::int64_t recordTranslation(RunStore& store, const TorchTranslationImport& request, const TranslationConfig& config,
                               const Evaluation& evaluation, const std::string& staged)
{
    const std::int64_t id = store.createTranslationRun(config, config.name, request.programVersion);
    try {
        store.markRunning(id, "cpu", 1);
        std::error_code ec;
        fs::rename(staged, store.checkpointPath(id), ec);
        if (ec)
            throw Error(message("torch.cannot_write", {store.checkpointPath(id), ec.message()}));
        StoredEpoch epoch;
        epoch.epoch = request.epochs;
        epoch.perplexity = std::nan("");  // the book's loss is not in a state_dict
        store.appendEpoch(id, epoch);
        store.setCheckpointEpoch(id, request.epochs);
        store.setResults(id, translationResultsJson(evaluation, Evaluation{}, 0));
        RunResult r;
        r.status = RunStatus::Finished;
        r.epochsDone = request.epochs;
        r.perplexity = std::nan("");  // the book's loss is not in a state_dict
        r.device = "cpu";
        for (const auto& row : evaluation.rows)
            r.samples[row.source] = row.output;
        store.finishRun(id, r, 0);
    } catch (...) {
        try {
            RunResult failed;
            failed.status = RunStatus::Failed;
            store.finishRun(id, failed, 0);
            store.deleteRun(id);
        } catch (const std::exception&) {
            // The library itself failed: the first error is the one to report.
        }
        throw;
    }
    return id;
}

std::string translationSnippet(const TranslationConfig& c, const std::string& file, const std::string& vocab)
{
    const std::string sizes = std::to_string(c.model.embed) + ", " + std::to_string(c.model.hidden) + ", " +
                              std::to_string(c.model.layers) + ", 0.1";
    return "# Written by traveller-cli runs export-torch: the run's weights in the chapter's EncoderDecoder.\n"
           "# Run beside the book's d2l package, with the chapter's Seq2SeqDecoder class defined\n"
           "# (d2l \"Sequence to Sequence Learning\", seq2seq.md; torch.py has the encoder only).\n"
           "import json, torch\nfrom d2l import torch as d2l\n\n"
           "tokens = json.load(open(" + nlohmann::json(vocab).dump() + ", encoding='utf-8'))\n"
           "src_vocab, tgt_vocab = d2l.Vocab(), d2l.Vocab()\n"
           "for v, side in ((src_vocab, 'source'), (tgt_vocab, 'target')):\n"
           "    v.idx_to_token = tokens[side]\n"
           "    v.token_to_idx = {t: i for i, t in enumerate(v.idx_to_token)}\n"
           "net = d2l.EncoderDecoder(d2l.Seq2SeqEncoder(len(src_vocab), " + sizes + "),\n"
           "                         Seq2SeqDecoder(len(tgt_vocab), " + sizes + "))\n"
           "net.load_state_dict(torch.load(" + nlohmann::json(file).dump() + "))\n"
           "net.eval()\n"
           "for eng in ['go .', 'i lost .', \"he's calm .\", \"i'm home .\"]:\n"
           "    print(d2l.predict_seq2seq(net, eng, src_vocab, tgt_vocab, 10, torch.device('cpu'))[0])\n";
}

} // namespace

TorchExported exportTorchTranslation(RunStore& store, std::int64_t id, const std::string& output,
                                     const std::string& dataDir)
{
    const StoredRun run = store.run(id);
    if (run.checkpointEpoch <= 0)
        throw Error(message("rules.no_weights", {std::to_string(id)}));
    const TranslationConfig config = run.translationConfig();
    if (config.model.decoder != S2sDecoder::Plain)
        throw Error(message("torch.export_not_book", {std::to_string(id), "an attention decoder"}));
    if (!config.model.cell.info().builtinLayer)
        throw Error(message("torch.export_not_book", {std::to_string(id), "model.cell: " + config.model.cell.info().key}));
    const TranslationCorpus corpus = loadTranslationCorpus(config.data, dataDir);
    s2s::Seq2Seq net(config.model, corpus.sourceVocab.size(), corpus.targetVocab.size());
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(config.train.lr));
    loadCheckpointFile(*net, adam, store.checkpointPath(id), torch::kCPU);
    interop::StateDict dict;
    for (const auto& p : net->named_parameters())
        dict.emplace_back(bookS2sName(p.key()), p.value().detach().clone());
    TorchExported out{output, output + ".vocab.json", output + ".py"};
    const std::vector<char> bytes = interop::stateDictArchive(dict);
    interop::writeWhole(out.stateDict, bytes.data(), bytes.size());
    const std::string vocab =
        nlohmann::json{{"source", corpus.sourceVocab.tokens()}, {"target", corpus.targetVocab.tokens()}}.dump() + "\n";
    interop::writeWhole(out.vocab, vocab.data(), vocab.size());
    const std::string snippet = translationSnippet(config, fs::path(out.stateDict).filename().string(),
                                                   fs::path(out.vocab).filename().string());
    interop::writeWhole(out.snippet, snippet.data(), snippet.size());
    return out;
}

TorchTranslationImported importTorchTranslation(RunStore& store, const TorchTranslationImport& request)
{
    const CellInfo& cell = request.settings.model.cell.info();
    const std::string model = "EncoderDecoder over nn." + cell.name;
    const interop::StateDict dict = interop::readStateDict(request.path);
    TorchTranslationImported out;
    out.config = configFromFile(dict, request, model);
    const TranslationCorpus corpus = loadTranslationCorpus(out.config.data, request.dataDir);
    const auto vocabularyOf = [&](const char* key, const Vocab& vocab, const char* side) {
        const torch::Tensor w = interop::find(dict, key);
        if (!w.defined() || w.dim() != 2 || w.size(0) != vocab.size())
            throw Error(message("torch.s2s_vocab_size", {request.path, w.defined() ? std::to_string(w.size(0)) : "no", side,
                                                         out.config.data.corpus, std::to_string(vocab.size())}));
    };
    vocabularyOf("encoder.embedding.weight", corpus.sourceVocab, "source");
    vocabularyOf("decoder.dense.weight", corpus.targetVocab, "target");
    s2s::Seq2Seq net(out.config.model, corpus.sourceVocab.size(), corpus.targetVocab.size());
    placeWeights(net, dict, request.path, model, out.config.model.hidden);
    const std::string staged = (fs::path(store.folder()) / "checkpoints" /
                                (".torch-import-" + std::to_string(::getpid()) + ".pt")).string();
    try {
        torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(out.config.train.lr));
        saveCheckpointFile(*net, adam, staged);
        TranslationSession session(out.config, request.dataDir);
        session.loadCheckpoint(staged);
        out.evaluation = session.evaluate(out.config.eval.pairs);
        out.id = recordTranslation(store, request, out.config, out.evaluation, staged);
    } catch (...) {
        std::error_code ec;
        fs::remove(staged, ec);
        throw;
    }
    return out;
}

} // namespace traveller
