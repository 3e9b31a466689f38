// The chapter's EncoderDecoder into the run library (store/TorchInterop.h):
// its names and shapes checked against Traveller's Seq2Seq of the same sizes,
// its vocabularies against the corpus, then a finished translation run.
#include "traveller/core/store/TorchInterop.h"

#include "Checkpoint.h"
#include "interop/TorchPickle.h"
#include "s2s/S2sModels.h"
#include "traveller/core/Errors.h"
#include "traveller/core/lm/Training.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>

namespace traveller {

namespace fs = std::filesystem;

namespace {

std::string sizesText(torch::IntArrayRef sizes)
{
    std::string out;
    for (auto d : sizes)
        out += (out.empty() ? "" : "x") + std::to_string(d);
    return out.empty() ? "a scalar" : out;
}

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
    config.model.embed = static_cast<int>(embedding.size(1));
    config.model.hidden = static_cast<int>(hh.size(1));
    config.model.layers = 0;
    while (interop::find(dict, "encoder.rnn.weight_ih_l" + std::to_string(config.model.layers)).defined())
        ++config.model.layers;
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
            throw Error(message("torch.wrong_shape", {path, book, sizesText(w.sizes()), name, std::to_string(hidden),
                                                      sizesText(p.value().sizes())}));
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

} // namespace

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
