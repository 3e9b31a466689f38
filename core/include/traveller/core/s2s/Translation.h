// English -> French translation with an RNN encoder-decoder (d2l, "Sequence to
// Sequence Learning" and "Bahdanau Attention"): data preparation, the experiment
// config, and a session that trains, translates and scores. Torch-free: the GUI
// and the CLI see only value types.
#pragma once

#include "traveller/core/s2s/Bleu.h"
#include "traveller/core/cells/Cells.h"
#include "traveller/core/Corpus.h"
#include "traveller/core/lm/Training.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace traveller {

// ---------------------------------------------------------------- config

enum class S2sDecoder { Plain, Attention };  // plain: the book's Seq2SeqDecoder; attention: Bahdanau
// Where the plain decoder's context comes from at each step. Book: state[-1],
// i.e. the encoder's final state in training but the decoder's own latest state
// when predicting step by step. Encoder: the encoder's final state throughout.
enum class ContextSource { Book, Encoder };

struct TranslationPair {
    std::string source;     // English
    std::string reference;  // French
};

struct S2sModelConfig {
    Arch cell = Arch::Gru;  // a key of the cell registry, as model.arch of a language model
    S2sDecoder decoder = S2sDecoder::Plain;
    ContextSource context = ContextSource::Book;
    int embed = 32;
    int hidden = 32;
    int layers = 2;
    double dropout = 0.1;
    // fused: the language model's hand-written recurrent layers on CPUs (the
    // same computation, fewer operations); builtin: torch::nn::GRU/LSTM.
    // GPUs always use builtin (cuDNN).
    Impl impl = Impl::Fused;
};

struct S2sTrainConfig {
    int epochs = 300;
    int batchSize = 64;
    double lr = 0.005;            // Adam
    double clip = 1.0;            // gradient-norm threshold; 0 turns clipping off
    std::string device = "cpu";   // cpu | cuda | cuda:N | auto
    std::uint64_t seed = 0;
    int threads = 0;              // intra-op threads; 0 = all cores
    Precision precision = Precision::Fp32;  // the training forward's products (as a language model's)
    int reportEvery = 10;         // epochs between reported epochs (the last is always reported)
    // The exercises of d2l 9.7: the loss over padding too (mask false), and
    // decoder inputs that are the model's own previous guess with probability
    // 1 - teacherForcing (1: the book's teacher forcing throughout).
    bool mask = true;
    double teacherForcing = 1.0;
};

struct S2sDataConfig {
    std::string corpus = "fra-eng";  // the book's file (SHA-1 checked) or a path to "en<TAB>fr" lines
    int examples = 600;
    // The book's loop stops at `i > num_examples`, so it reads one line more
    // than asked (601 pairs for 600).
    bool bookExtraLine = true;
    int numSteps = 10;
    int minFreq = 2;
    int heldout = 200;  // pairs after the training lines kept for held-out BLEU; 0: none
};

struct S2sEvalConfig {
    std::vector<TranslationPair> pairs = {
        {"go .", "va !"}, {"i lost .", "j'ai perdu ."}, {"he's calm .", "il est calme ."}, {"i'm home .", "je suis chez moi ."}};
    int beam = 1;                 // 1: greedy (the book)
    double lengthPenalty = 0.75;  // beam search ranks finished hypotheses by log P / L^alpha (the book's alpha)
    int bleuOrder = 2;            // k of the book's sentence BLEU
};

struct TranslationConfig {
    std::string name;
    S2sModelConfig model;
    S2sTrainConfig train;
    S2sDataConfig data;
    S2sEvalConfig eval;

    std::string displayName() const;  // name, or e.g. "seq2seq GRU h32x2"
};

// Parsing, as ExperimentConfig: all throw ConfigError with the dotted key and
// the 1-based YAML line/column. A file may say `task: translate`.
TranslationConfig loadTranslationFile(const std::string& path);
TranslationConfig parseTranslationYaml(const std::string& text, const std::string& sourceName = "");
void setTranslationValue(TranslationConfig& config, const std::string& key, const std::string& valueText,
                         int line = 0, int column = 0);
std::string translationValue(const TranslationConfig& config, const std::string& key);
void validate(const TranslationConfig& config);
std::string toYaml(const TranslationConfig& config);
const std::vector<ConfigKeyInfo>& translationSchema();
std::string toString(S2sDecoder decoder);
std::string toString(ContextSource context);

// ---------------------------------------------------------------- data

// The book's preprocess_nmt: U+202F and U+00A0 -> space, lower-case (ASCII and
// Latin-1/Latin Extended-A capitals such as É, À, Œ), and a space inserted before
// , . ! ? unless one precedes it.
std::string preprocessNmt(const std::string& text);
// Words of a preprocessed sentence, split on single spaces as the book does.
Tokens nmtWords(const std::string& preprocessed);

// Pairs of lines [first, first + count) that hold exactly one tab, raw (not
// preprocessed). Throws CorpusError naming the file.
std::vector<TranslationPair> readTranslationPairs(const std::string& path, int firstLine, int count);

// Token ids of one side, <eos> appended, truncated or padded with <pad> to numSteps.
struct PaddedSequences {
    std::vector<std::vector<std::int64_t>> ids;  // (N, numSteps)
    std::vector<std::int64_t> validLengths;      // tokens that are not <pad>, <eos> included
};
PaddedSequences padSequences(const std::vector<Tokens>& sentences, const Vocab& vocab, int numSteps);

extern const std::vector<std::string> kNmtReserved;  // <pad> <bos> <eos>

struct TranslationCorpus {
    std::string path;
    std::vector<Tokens> source, target;  // training pairs, preprocessed words
    Vocab sourceVocab, targetVocab;
    std::vector<TranslationPair> heldout;  // later pairs whose source is not a training source
};
// Reads the file the data config names ("fra-eng" inside dataDir, SHA-1 checked).
TranslationCorpus loadTranslationCorpus(const S2sDataConfig& data, const std::string& dataDir);

// ---------------------------------------------------------------- session

struct TranslationEpochStats {
    int epoch = 0;  // 1-based
    int epochs = 0;
    double loss = 0;       // the book's figure: sum of per-sequence losses (each averaged over numSteps) / sum of valid lengths
    double tokenLoss = 0;  // masked cross-entropy per target token (valid positions only)
    double tokensPerSecond = 0;  // target tokens (valid lengths) of this epoch over its time
    double elapsedSeconds = 0;
};

class TranslationObserver {
public:
    virtual ~TranslationObserver() = default;
    virtual void onEpoch(const TranslationEpochStats&) {}
    // A live change landed (RunControl::requestChange): train.lr, train.clip,
    // train.teacher_forcing or train.epochs (translationLiveKeys()).
    virtual void onSettingChanged(const SettingEvent&) {}
};

// The keys of a translation run that may change while it trains.
const std::vector<std::string>& translationLiveKeys();

struct TranslationRunResult {
    RunStatus status = RunStatus::Finished;
    int epochsDone = 0;
    double loss = 0;             // the book's figure, last completed epoch (NaN if none)
    double tokenLoss = 0;
    double tokensPerSecond = 0;  // over all completed epochs
    double seconds = 0;
    std::string device;
    std::string message;
    std::vector<SettingEvent> events;  // the settings changed while it trained
};

struct Translation {
    std::string source;                       // as given
    std::vector<std::string> sourceTokens;    // fed to the encoder: words then <eos>, at most numSteps
    std::vector<std::string> tokens;          // output words, <eos> excluded
    std::string text;                         // tokens joined by spaces
    // attention[i][j]: weight of sourceTokens[j] when emitting tokens[i]; each row
    // sums to 1. Empty for the plain decoder.
    std::vector<std::vector<float>> attention;
    std::vector<std::string> unknownWords;    // source words outside the vocabulary (read as <unk>)
    double logProbability = 0;                // of tokens plus the final <eos> when one was emitted
    // The Lens on the decoder: at each output step (tokens, then <eos> when
    // emitted), its likeliest words and their probabilities.
    struct Alternative {
        std::string token;
        double p = 0;
    };
    std::vector<std::vector<Alternative>> alternatives;
    // Every hypothesis the search kept (the greedy path alone for beam 1):
    // a node extends `parent` (-1: the start) by `token`; `chosen` marks the
    // path of the output.
    struct BeamNode {
        int parent = -1;
        int step = 0;
        std::string token;
        double logProbability = 0;
        bool ended = false;
        bool chosen = false;
    };
    std::vector<BeamNode> beamTree;
};

struct BleuRow {
    std::string source, output, reference;
    double bleu = 0;  // the book's sentence BLEU, k = eval.bleuOrder
};

struct LengthBleu {
    int sourceLength = 0;  // source words
    int pairs = 0;
    double corpusBleu = 0;         // BLEU-4 of this group
    double meanSentenceBleu = 0;   // mean of the book's sentence BLEU
};

struct Evaluation {
    std::vector<BleuRow> rows;
    CorpusBleu corpus;              // BLEU-4 over all rows
    std::vector<LengthBleu> byLength;  // ascending source length
};

// One model with its data. Construction reads the corpus and builds the model
// (throws CorpusError, ConfigError, DeviceError). Not thread-safe: use from one
// thread at a time (e.g. the worker thread that trains it).
class TranslationSession {
public:
    TranslationSession(const TranslationConfig& config, const std::string& dataDir);
    ~TranslationSession();
    TranslationSession(const TranslationSession&) = delete;
    TranslationSession& operator=(const TranslationSession&) = delete;

    TranslationRunResult train(TranslationObserver& observer, RunControl& control);

    // Preprocesses the sentence as the corpus was, then decodes greedily (beam 1)
    // or with beam search. beam 0 uses eval.beam.
    Translation translate(const std::string& sentence, int beam = 0);
    // Translates each source and scores it against its reference.
    Evaluation evaluate(const std::vector<TranslationPair>& pairs, int beam = 0);
    // evaluate() on the held-out pairs (empty Evaluation when data.heldout is 0).
    Evaluation evaluateHeldout(int beam = 0);

    void saveCheckpoint(const std::string& path);
    void loadCheckpoint(const std::string& path);

    const TranslationConfig& config() const;
    const TranslationCorpus& corpus() const;
    std::string device() const;
    std::int64_t parameterCount() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// BLEU by source length over scored rows (the source split on spaces).
std::vector<LengthBleu> bleuByLength(const std::vector<BleuRow>& rows);

} // namespace traveller
