// `runs import-torch` and `runs export-torch`: the book's own PyTorch models
// in and out of the run library (core's store/TorchInterop.h).
#include "Commands.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Format.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/store/TorchInterop.h"

#include <iostream>
#include <memory>

namespace traveller::cli {

namespace {

struct TorchArgs {
    std::string file, arch, vocab, library, dataDir, name, output, id;
    std::string epochs;
    std::vector<std::string> sets;
    bool json = false, seq2seq = false;
};

// What both imports take from the command line; `set` applies a --set. A
// key the file's shapes decide is refused, not silently overruled.
template <class Request, class Set>
void fillRequest(Request& request, const TorchArgs& a, const char* defaultEpochs, Set set)
{
    for (const std::string& kv : a.sets) {
        const std::string key = splitSetting(kv).first;
        for (const char* decided : {"model.arch", "model.cell", "model.hidden", "model.layers", "model.embed"})
            if (key == decided)
                throw UsageError("--set " + key + ": the file decides it (the shapes of its tensors)");
    }
    request.path = a.file;
    request.dataDir = resolveDataDir(a.dataDir);
    request.epochs = wholeNumber("--epochs", a.epochs.empty() ? defaultEpochs : a.epochs, 1, 1000000);
    request.name = a.name;
    request.programVersion = TRAVELLER_VERSION;
    for (const std::string& kv : a.sets) {
        const auto [key, value] = splitSetting(kv);
        set(request.settings, key, value);
    }
}

int importTranslationCommand(const TorchArgs& a)
{
    TorchTranslationImport request;
    if (!a.vocab.empty())
        throw UsageError("--vocab is for a language model: a translation's vocabularies are rebuilt from the "
                         "corpus as the book builds them (data.examples)");
    if (!a.arch.empty())
        setTranslationValue(request.settings, "model.cell", a.arch);
    fillRequest(request, a, "300", [](TranslationConfig& c, const std::string& k, const std::string& v) {
        setTranslationValue(c, k, v);
    });
    RunStore store(RunStore::resolveFolder(a.library));
    const TorchTranslationImported run = importTorchTranslation(store, request);
    if (a.json) {
        std::string rows;
        for (const BleuRow& r : run.evaluation.rows)
            rows += (rows.empty() ? "" : ",") + std::string("{\"source\":") + jsonString(r.source) +
                    ",\"output\":" + jsonString(r.output) + ",\"bleu\":" + jsonNumber(r.bleu) + "}";
        std::cout << "{\"id\":" << run.id << ",\"translations\":[" << rows << "]}\n";
        return 0;
    }
    std::cout << "imported as run " << run.id << ": " << run.config.name << '\n';
    for (const BleuRow& r : run.evaluation.rows)
        std::cout << r.source << " => " << r.output << ", bleu " << formatNumber(r.bleu, 3) << '\n';
    return 0;
}

int importCommand(const TorchArgs& a)
{
    if (a.seq2seq)
        return importTranslationCommand(a);
    if (a.arch.empty())
        throw UsageError("--arch is required: the book's layer (rnn, gru or lstm)");
    TorchImport request;
    request.arch = a.arch;
    request.vocabPath = a.vocab;
    fillRequest(request, a, "500", [](ExperimentConfig& c, const std::string& k, const std::string& v) {
        setConfigValue(c, k, v);
    });
    RunStore store(RunStore::resolveFolder(a.library));
    const TorchImported run = importTorchModel(store, request);
    if (a.json) {
        std::cout << "{\"id\":" << run.id << ",\"perplexity\":" << jsonNumber(run.perplexity)
                  << ",\"sample\":" << jsonString(run.sample) << ",\"permuted\":" << (run.permuted ? "true" : "false")
                  << "}\n";
        return 0;
    }
    std::cout << "imported as run " << run.id << ": " << run.config.name << ", perplexity "
              << formatNumber(run.perplexity, 4) << " on the corpus's first " << run.config.data.maxTokens
              << " tokens\n"
              << "greedy sample: " << run.sample << '\n';
    if (run.permuted)
        std::cout << "(the vocabulary's order differed from Traveller's: the token rows were permuted)\n";
    return 0;
}

int exportCommand(const TorchArgs& a)
{
    RunStore store(RunStore::resolveFolder(a.library));
    const TorchExported out = exportTorchModel(store, runId(a.id), a.output, resolveDataDir(a.dataDir));
    std::cout << "wrote " << out.stateDict << " (state_dict), " << out.vocab << " (vocabulary) and " << out.snippet
              << " (loads them in the book's model)\n";
    return 0;
}

} // namespace

void addTorchCommands(CLI::App& app, int& status)
{
    CLI::App* runs = app.get_subcommand("runs");
    {
        auto a = std::make_shared<TorchArgs>();
        CLI::App* c = runs->add_subcommand("import-torch", "A state_dict the book's code saved (RNNModel over "
                                                           "nn.RNN/GRU/LSTM) as a run of the library");
        c->add_option("file", a->file, "torch.save(net.state_dict(), FILE)")->required()->type_name("FILE");
        c->add_option("--arch", a->arch, "The book's layer: rnn, gru or lstm (with --seq2seq: model.cell, default gru)")
            ->type_name("CELL");
        c->add_flag("--seq2seq", a->seq2seq, "The chapter's EncoderDecoder (Seq2SeqEncoder + Seq2SeqDecoder) as a "
                                             "translation run");
        c->add_option("--vocab", a->vocab, "The model's vocabulary as a JSON list (json.dump(vocab.idx_to_token, f)); "
                                           "default: the book's vocabulary of the corpus")
            ->type_name("FILE");
        c->add_option("--epochs", a->epochs, "The epochs the book trained it (default 500; 300 with --seq2seq)")
            ->type_name("N");
        c->add_option("--name", a->name, "The run's name")->type_name("NAME");
        repeatable(c->add_option("--set", a->sets, "A setting for the run, e.g. --set data.corpus=FILE (repeatable)")
                       ->type_name("KEY=VALUE"));
        c->add_option("--library", a->library, "The run library's folder")->type_name("DIR");
        c->add_option("--data-dir", a->dataDir, "Corpus folder (the vocabulary comes from it)")->type_name("DIR");
        c->add_flag("--json", a->json, "One JSON object: id, perplexity, sample, permuted");
        c->callback([a, &status] { status = importCommand(*a); });
    }
    {
        auto a = std::make_shared<TorchArgs>();
        CLI::App* c = runs->add_subcommand("export-torch", "A run's weights as a state_dict the book's RNNModel "
                                                           "(a translation run: the chapter's EncoderDecoder) "
                                                           "loads, with its vocabulary and a Python snippet");
        c->add_option("id", a->id, "The run's id")->required();
        c->add_option("--output", a->output, "The state_dict file (FILE.vocab.json and FILE.py beside it)")
            ->required()
            ->type_name("FILE");
        c->add_option("--library", a->library, "The run library's folder")->type_name("DIR");
        c->add_option("--data-dir", a->dataDir, "Corpus folder (the vocabulary comes from it)")->type_name("DIR");
        c->callback([a, &status] { status = exportCommand(*a); });
    }
}

} // namespace traveller::cli
