// The book's own PyTorch models in and out of the run library (issue 30).
//
// Import: a state_dict the book's code saved (`torch.save(net.state_dict(),
// F)` for d2l's RNNModel over nn.RNN, nn.GRU or nn.LSTM) becomes a finished
// run with one recorded epoch: it can be sampled, inspected, continued and
// forked like any other. Export: a run's weights as a state_dict the book's
// RNNModel (a translation run: the chapter's EncoderDecoder) loads with
// load_state_dict unchanged, its vocabulary beside it
// (a JSON list, vocab.idx_to_token) and a short Python snippet.
//
// Names: the book's rnn.* are Traveller's rnn.* (LibTorch's layout), its
// linear.* Traveller's head.*. Vocabulary: Traveller builds the book's
// (`<unk>` first, then by frequency, ties in order of appearance), so a
// model of the book's corpus needs none; a vocabulary given in another
// order has the rows of its token ids permuted (the columns of
// rnn.weight_ih_l0, the rows of linear.*).
//
// Bad input is one Error with a code (torch.*) and nothing is written.
#pragma once

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/s2s/Translation.h"
#include "traveller/core/store/RunStore.h"

#include <cstdint>
#include <string>

namespace traveller {

struct TorchImport {
    std::string path;       // the state_dict file
    std::string arch;       // the cell of the book's layer: a key whose cell LibTorch has a layer for
    std::string vocabPath;  // "": the book's vocabulary of settings.data.corpus; else a JSON list of tokens
    // The corpus and the settings a continuation trains with; model.arch,
    // model.hidden and model.layers come from the file.
    ExperimentConfig settings;
    std::string dataDir;
    int epochs = 500;       // the epochs the book trained it (train_ch8's 500): its one recorded epoch
    std::string name;       // "": "<cell> h<H> (the book's code)"
    std::string programVersion;
};

struct TorchImported {
    std::int64_t id = 0;
    ExperimentConfig config;
    // exp(mean cross-entropy) over the training tokens (data.max_tokens) read
    // as one stream from a zero state: what the parity test asks of the book.
    double perplexity = 0;
    std::string sample;     // greedy continuation of settings.sample.prefix (predict_ch8's)
    bool permuted = false;  // the given vocabulary's order differed from Traveller's
};

// Throws Error (torch.*, file.*, corpus errors, StoreError); nothing written then.
TorchImported importTorchModel(RunStore& store, const TorchImport& request);

struct TorchExported {
    std::string stateDict;  // the file asked for
    std::string vocab;      // <file>.vocab.json
    std::string snippet;    // <file>.py
};

// A translation run goes to exportTorchTranslation.
// Throws Error: store.no_run, rules.no_weights, torch.export_not_book (a cell
// or a setting the book's RNNModel cannot hold: a learned embedding).
TorchExported exportTorchModel(RunStore& store, std::int64_t id, const std::string& output,
                               const std::string& dataDir);

// The chapter's EncoderDecoder (Seq2SeqEncoder + Seq2SeqDecoder of
// d2l "Sequence to Sequence Learning") as a finished translation run: its
// embedding, hidden and layer sizes from the file, the vocabularies the
// book builds from settings.data (they must have the file's sizes). Names:
// the book's encoder.rnn.weight_ih_l0 is Traveller's encoder.rnn.<cell>.weight_ih_l0.
struct TorchTranslationImport {
    std::string path;
    TranslationConfig settings;  // model.cell (the chapter's gru), data, eval; sizes come from the file
    std::string dataDir;
    int epochs = 300;            // the epochs the book trained it (train_seq2seq's 300)
    std::string name;            // "": "seq2seq GRU h32x2 (the book's code)"
    std::string programVersion;
};

struct TorchTranslationImported {
    std::int64_t id = 0;
    TranslationConfig config;
    Evaluation evaluation;  // config.eval.pairs translated greedily, with the book's BLEU
};

// Throws Error (torch.*, file.*, corpus errors, StoreError); nothing kept then.
TorchTranslationImported importTorchTranslation(RunStore& store, const TorchTranslationImport& request);

// A translation run's weights as the chapter's EncoderDecoder state_dict
// (names as importTorchTranslation reads them), its two vocabularies beside it
// (<file>.vocab.json: {"source": [...], "target": [...]}) and a snippet.
// Throws Error: store.no_run, rules.no_weights, torch.export_not_book (an
// attention decoder or a cell without LibTorch's layer: not the chapter's model).
TorchExported exportTorchTranslation(RunStore& store, std::int64_t id, const std::string& output,
                                     const std::string& dataDir);

} // namespace traveller
