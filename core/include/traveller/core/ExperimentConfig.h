// An experiment: everything that decides what a language-model run does.
// Loaded from and saved to the YAML files shared by the CLI and the GUI; every
// key falls back to the book's default (d2l, "RNN from scratch" chapter).
#pragma once

#include "traveller/core/cells/Cells.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace traveller {

enum class Impl { Builtin, Scratch, Fused };
enum class Optimizer { Sgd, Adam };
enum class TokenKind { Char, Word };
enum class Sampling { Sequential, Random };
enum class LineJoin { None, Space };
// How a corpus's text becomes tokens: the book's cleaning (ASCII letters,
// lower-cased, other runs -> one space) or every Unicode code point kept
// (whitespace runs -> one space), for text in any script.
enum class Normalize { Book, Unicode };
// What a run does when its loss blows up while staying finite (an epoch's
// perplexity far above guessing): stop there (the default), or go on, as the
// lab's learning-rate-10 runs do to show their chaotic curve. A NaN or
// infinite loss ends the run either way.
enum class OnDivergence { Stop, Continue };
// The learning rate's shape over the run's epochs (train.lr_schedule).
enum class LrShape { Constant, Step, Cosine, WarmupCosine };
// A training forward's products (train.precision): float32, or bfloat16
// inputs with float32 accumulation — the fused layers' own kernels, else
// LibTorch's autocast (impl builtin or scratch, GPUs); weights, optimizer
// state, loss and clipping stay float32, checkpoints too (lm/Precision.h).
enum class Precision { Fp32, Bf16 };
// The RNN cell's activation (the book's exercise: ReLU instead of tanh).
enum class Nonlinearity { Tanh, Relu };

struct ModelConfig {
    Arch arch = Arch::Rnn;
    Impl impl = Impl::Fused;  // computes what Builtin does (tested), faster on CPUs; Builtin on GPUs
    int hidden = 256;
    int layers = 1;
    Nonlinearity nonlinearity = Nonlinearity::Tanh;  // the plain RNN's; the gated cells keep theirs
    int embedding = 0;  // 0: one-hot input (the book); N: a learned N-dimensional embedding
};

// One entry of a run's schedule (train.schedule): before batch `batch` (0 =
// the first) of epoch `epoch` (the run's, 1-based), set these keys. A change
// made while the run trains is written into its schedule the same way, so
// the run can be trained again exactly (runs replay).
struct ScheduleEntry {
    int epoch = 1;
    std::int64_t batch = 0;
    std::vector<std::pair<std::string, std::string>> set;  // dotted key -> YAML text, in order
    bool operator==(const ScheduleEntry& o) const { return epoch == o.epoch && batch == o.batch && set == o.set; }
};

struct TrainConfig {
    int epochs = 500;
    double lr = 1.0;
    // The rate of epoch e is lr x the shape's factor (learningRateAt): step
    // multiplies by lrStepGamma every lrStepEvery epochs; cosine falls from 1
    // to lrMinFactor over the run's epochs; warmup-cosine first rises
    // linearly over lrWarmup epochs.
    LrShape lrSchedule = LrShape::Constant;
    int lrStepEvery = 100;
    double lrStepGamma = 0.5;
    int lrWarmup = 0;
    double lrMinFactor = 0.0;
    Optimizer optimizer = Optimizer::Sgd;
    double clip = 1.0;            // gradient-norm threshold; 0 turns clipping off
    std::string device = "auto";  // cpu | cuda | cuda:N | auto
    std::uint64_t seed = 0;
    int threads = 0;              // intra-op threads; 0 = all cores
    Precision precision = Precision::Fp32;
    OnDivergence onDivergence = OnDivergence::Stop;
    // Sequential batches: cut the graph between batches (the book). false
    // back-propagates through the whole epoch with one update per epoch (the
    // exercise); memory grows with the epoch, so LmSession refuses it beyond
    // kMaxUndetachedBytes (Training.h).
    bool detachState = true;
    // Every Nth epoch's weights are kept (RunStore::keptCheckpointPath), the
    // points a fork starts from; 0 keeps only the last epoch's.
    int keepCheckpoints = 100;
    std::vector<ScheduleEntry> schedule;  // in (epoch, batch) order
};

struct DataConfig {
    std::string corpus = "timemachine";  // the book's corpus, or a path to a UTF-8 text file
    TokenKind tokens = TokenKind::Char;
    std::int64_t maxTokens = 10000;      // <= 0: the whole corpus
    int batchSize = 32;
    int numSteps = 35;
    Sampling sampling = Sampling::Sequential;
    LineJoin joinLines = LineJoin::None; // the book concatenates lines with no separator
    Normalize normalize = Normalize::Book;
    // Tokens after the training slice held out for a held-out perplexity per
    // epoch (0: none). With max_tokens <= 0 they are the corpus's last tokens.
    std::int64_t heldout = 0;
};

struct SampleConfig {
    std::string prefix = "time traveller";
    int every = 10;            // epochs between samples; 0 = only at the end
    int length = 50;           // tokens generated after the prefix
    double temperature = 0.0;  // 0 = greedy (the book); > 0 samples from softmax(logits / T)
};

struct ExperimentConfig {
    std::string name;  // empty: derived from the settings, e.g. "GRU h256 lr1"
    ModelConfig model;
    TrainConfig train;
    DataConfig data;
    SampleConfig sample;

    std::string displayName() const;
};

// A typed name belongs to the settings it was typed for: "RNN (book)" must not
// follow the run when the architecture becomes GRU. Two configs describe the
// same run when every key that decides what is trained agrees (all but the
// name, the device, the thread count, the seed and the sample settings).
bool sameRun(const ExperimentConfig& a, const ExperimentConfig& b);
// `named.name` when `now` is the same run as `named`, else "" (the name is then
// derived from the settings by displayName()).
std::string nameFor(const ExperimentConfig& named, const ExperimentConfig& now);

// One documented key of the schema, for `traveller-cli schema`, the docs and
// the GUI's tooltips.
struct ConfigKeyInfo {
    std::string key;          // dotted path, e.g. "train.lr"
    std::string type;         // "int", "float", "string", or "a|b|c"
    std::string defaultValue; // as written in YAML
    std::string help;
    // A number's range ("int", "float"): from minimum (itself allowed unless
    // minimumExclusive, as train.lr > 0) to maximum; NaN for other types.
    // Every front end's bounds for the key come from here (CLI options,
    // spin boxes), so that none refuses or clamps what a file may hold.
    double minimum = std::numeric_limits<double>::quiet_NaN();
    double maximum = std::numeric_limits<double>::quiet_NaN();
    bool minimumExclusive = false;
};
const std::vector<ConfigKeyInfo>& configSchema();
// The key of a schema (configSchema(), translationSchema()); std::logic_error
// for a key it does not have (a programming error).
const ConfigKeyInfo& schemaKey(const std::vector<ConfigKeyInfo>& schema, const std::string& key);

// Parsing. All throw ConfigError naming the key and the YAML line/column.
ExperimentConfig loadExperimentFile(const std::string& path);
ExperimentConfig parseExperimentYaml(const std::string& text, const std::string& sourceName = "");
// Sets one dotted key from its YAML text ("train.lr", "0.5"), as `--set` does.
void setConfigValue(ExperimentConfig& config, const std::string& key, const std::string& valueText,
                    int line = 0, int column = 0);
// "train.lr=0.5" -> {"train.lr", "0.5"}: what every front end's --set takes.
// Throws ConfigError ("--set expects KEY=VALUE") for text without a key.
std::pair<std::string, std::string> splitSetting(const std::string& keyEqualsValue);
// Reads one dotted key back as YAML text.
std::string configValue(const ExperimentConfig& config, const std::string& key);
// Checks relations between keys (e.g. prefix not empty, a schedule entry
// within the run's epochs). Throws ConfigError.
void validate(const ExperimentConfig& config);

// The learning rate of the run's epoch `epoch` (1-based) of train.epochs:
// train.lr shaped by train.lr_schedule. A change of train.lr (scheduled or
// live) changes the rate the shape scales.
double learningRateAt(const TrainConfig& train, int epoch);

// The keys a run's schedule and a live change may set while it trains: the
// learning rate, the clipping threshold, the epochs to train to, and the
// live samples' prefix, temperature, length and interval.
const std::vector<std::string>& liveKeys();
// `key` = `valueText` as a change to `config` while it trains at `epoch`:
// the key must be a live one and the value the schema's (ConfigError with
// the key otherwise); train.epochs may not go below `epoch`. Returns the
// config with the change, for the caller to apply.
ExperimentConfig withLiveChange(const ExperimentConfig& config, const std::string& key, const std::string& valueText,
                                int epoch = 0);

std::string toYaml(const ExperimentConfig& config);
void saveExperimentFile(const ExperimentConfig& config, const std::string& path);

std::string toString(const Arch& arch);
std::string toString(Impl impl);

} // namespace traveller
