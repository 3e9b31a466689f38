#include "traveller/core/ExperimentConfig.h"

#include "ConfigFields.h"
#include "Schedule.h"
#include "traveller/core/Errors.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

namespace traveller {

namespace {

using Field = config::Field<ExperimentConfig>;
using F = config::Fields<ExperimentConfig>;
using config::fail;
using config::formatFloat;

constexpr long long kBig = 1'000'000'000LL;
// The weights and their updates are float32: a larger rate or
// threshold cannot reach them (LibTorch fails "without overflow").
constexpr double kFloatMax = std::numeric_limits<float>::max();

void addModelAndTrainFields(std::vector<Field>& t)
{
    t.push_back(F::stringField(
        "name", [](ExperimentConfig& c) -> std::string& { return c.name; }, true,
        "Run name shown in legends and tables; empty derives one (\"GRU h256 lr1\")."));
    t.push_back(F::enumField<Arch>(
        "model.arch", config::cellChoices(), [](ExperimentConfig& c) -> Arch& { return c.model.arch; },
        "Recurrent cell (the cell registry, core/src/cells/)."));
    t.push_back(F::enumField<Impl>(
        "model.impl", {{"builtin", Impl::Builtin}, {"scratch", Impl::Scratch}, {"fused", Impl::Fused}},
        [](ExperimentConfig& c) -> Impl& { return c.model.impl; },
        "builtin: LibTorch's torch::nn layers (a cell LibTorch has no layer for runs its textbook step); "
        "scratch: the cell's textbook step, gate by gate, for reading; "
        "fused: the fast CPU path (hand-written backward through time)."));
    t.push_back(F::intField<int>(
        "model.hidden", [](ExperimentConfig& c) -> int& { return c.model.hidden; }, 1, 65536,
        "Hidden units per layer."));
    t.push_back(F::intField<int>(
        "model.layers", [](ExperimentConfig& c) -> int& { return c.model.layers; }, 1, 64,
        "Stacked recurrent layers."));
    t.push_back(F::intField<int>(
        "model.embedding", [](ExperimentConfig& c) -> int& { return c.model.embedding; }, 0, 65536,
        "0: one-hot input (the book); N: a learned N-dimensional embedding of each token feeds the first layer "
        "(the exercise)."));
    t.push_back(F::intField<int>(
        "train.epochs", [](ExperimentConfig& c) -> int& { return c.train.epochs; }, 1, kBig,
        "Passes over the corpus."));
    t.push_back(F::floatField(
        "train.lr", [](ExperimentConfig& c) -> double& { return c.train.lr; }, 0.0, false,
        kFloatMax, "Learning rate."));
    t.push_back(F::enumField<LrShape>(
        "train.lr_schedule",
        {{"constant", LrShape::Constant}, {"step", LrShape::Step}, {"cosine", LrShape::Cosine},
         {"warmup-cosine", LrShape::WarmupCosine}},
        [](ExperimentConfig& c) -> LrShape& { return c.train.lrSchedule; },
        "The learning rate's shape over the epochs: constant (the book); step (x lr_step_gamma every lr_step_every "
        "epochs); cosine (from lr down to lr x lr_min_factor); warmup-cosine (up from 0 over lr_warmup epochs, "
        "then cosine)."));
    t.push_back(F::intField<int>(
        "train.lr_step_every", [](ExperimentConfig& c) -> int& { return c.train.lrStepEvery; }, 1, kBig,
        "step: epochs between two steps down."));
    t.push_back(F::floatField(
        "train.lr_step_gamma", [](ExperimentConfig& c) -> double& { return c.train.lrStepGamma; }, 0.0, false, 1.0,
        "step: the factor of each step down."));
    t.push_back(F::intField<int>(
        "train.lr_warmup", [](ExperimentConfig& c) -> int& { return c.train.lrWarmup; }, 0, kBig,
        "warmup-cosine: epochs over which the rate rises from lr/lr_warmup to lr."));
    t.push_back(F::floatField(
        "train.lr_min_factor", [](ExperimentConfig& c) -> double& { return c.train.lrMinFactor; }, 0.0, true, 1.0,
        "cosine, warmup-cosine: the last epoch's rate as a fraction of lr."));
    t.push_back(F::enumField<Optimizer>(
        "train.optimizer", {{"sgd", Optimizer::Sgd}, {"adam", Optimizer::Adam}},
        [](ExperimentConfig& c) -> Optimizer& { return c.train.optimizer; },
        "Plain SGD (the book) or Adam."));
    t.push_back(F::floatField(
        "train.clip", [](ExperimentConfig& c) -> double& { return c.train.clip; }, 0.0, true,
        kFloatMax,
        "Gradient-norm clipping threshold over all parameters; 0 disables clipping."));
    t.push_back(F::stringField(
        "train.device", [](ExperimentConfig& c) -> std::string& { return c.train.device; }, false,
        "cpu, cuda (= cuda:0), cuda:N, or auto (the first GPU if there is one, else the CPU)."));
    t.push_back(F::intField<std::uint64_t>(
        "train.seed", [](ExperimentConfig& c) -> std::uint64_t& { return c.train.seed; }, 0,
        std::numeric_limits<long long>::max(),
        "Random seed for weights and batch offsets; same seed, device and threads give the same run."));
    t.push_back(F::intField<int>(
        "train.threads", [](ExperimentConfig& c) -> int& { return c.train.threads; }, 0, 1024,
        "Intra-op CPU threads; 0 uses every core."));
    t.push_back(F::enumField<Precision>(
        "train.precision", {{"fp32", Precision::Fp32}, {"bf16", Precision::Bf16}},
        [](ExperimentConfig& c) -> Precision& { return c.train.precision; },
        "fp32: float32 products (the default); bf16: the fused layers' products with bfloat16 inputs and float32 "
        "accumulation (AVX512-BF16 CPUs; weights, optimizer, loss, clipping and checkpoints stay float32)."));
    t.push_back(F::enumField<OnDivergence>(
        "train.on_divergence", {{"stop", OnDivergence::Stop}, {"continue", OnDivergence::Continue}},
        [](ExperimentConfig& c) -> OnDivergence& { return c.train.onDivergence; },
        "stop: an epoch whose perplexity exceeds 100 x the vocabulary size ends the run as diverged; continue: "
        "training goes on while the loss stays finite (the lab's lr-10 runs). A NaN or infinite loss ends the "
        "run either way."));
    t.push_back(F::intField<int>(
        "train.keep_checkpoints", [](ExperimentConfig& c) -> int& { return c.train.keepCheckpoints; }, 0, kBig,
        "Keep the weights of every Nth epoch (checkpoints/<id>.kept/), the points a fork can start from; 0 keeps "
        "only the last."));
    t.push_back(F::boolField(
        "train.detach_state", [](ExperimentConfig& c) -> bool& { return c.train.detachState; },
        "true: sequential batches carry the state but cut the graph between batches (the book); false: "
        "back-propagation through the whole epoch, one update per epoch (the exercise; memory grows with the "
        "epoch and is refused beyond 2 GiB)."));
}

void addDataAndSampleFields(std::vector<Field>& t)
{
    t.push_back(F::stringField(
        "data.corpus", [](ExperimentConfig& c) -> std::string& { return c.data.corpus; }, false,
        "timemachine (the book's corpus, checked by SHA-1) or a path to a UTF-8 text file (see data.normalize)."));
    t.push_back(F::enumField<TokenKind>(
        "data.tokens", {{"char", TokenKind::Char}, {"word", TokenKind::Word}},
        [](ExperimentConfig& c) -> TokenKind& { return c.data.tokens; }, "Character or word tokens."));
    t.push_back(F::intField<std::int64_t>(
        "data.max_tokens", [](ExperimentConfig& c) -> std::int64_t& { return c.data.maxTokens; }, -1,
        std::numeric_limits<long long>::max(), "Keep the first N tokens; 0 or -1 keeps the whole corpus."));
    t.push_back(F::intField<std::int64_t>(
        "data.heldout", [](ExperimentConfig& c) -> std::int64_t& { return c.data.heldout; }, 0,
        1LL << 31,
        "Tokens after the training slice held out (never trained on) for a held-out perplexity per epoch; "
        "0: none. With max_tokens 0 they are the corpus's last tokens."));
    t.push_back(F::intField<int>(
        "data.batch_size", [](ExperimentConfig& c) -> int& { return c.data.batchSize; }, 1, 1 << 20,
        "Sequences per minibatch."));
    t.push_back(F::intField<int>(
        "data.num_steps", [](ExperimentConfig& c) -> int& { return c.data.numSteps; }, 1, 1 << 20,
        "Time steps per sequence (truncated backpropagation length)."));
    t.push_back(F::enumField<Sampling>(
        "data.sampling", {{"sequential", Sampling::Sequential}, {"random", Sampling::Random}},
        [](ExperimentConfig& c) -> Sampling& { return c.data.sampling; },
        "sequential: hidden state carried across batches (the book); random: shuffled subsequences, "
        "fresh state per batch."));
    t.push_back(F::enumField<LineJoin>(
        "data.join_lines", {{"none", LineJoin::None}, {"space", LineJoin::Space}},
        [](ExperimentConfig& c) -> LineJoin& { return c.data.joinLines; },
        "How character-level lines are joined: none (the book: \"himwas\") or with a space."));
    t.push_back(F::enumField<Normalize>(
        "data.normalize", {{"book", Normalize::Book}, {"unicode", Normalize::Unicode}},
        [](ExperimentConfig& c) -> Normalize& { return c.data.normalize; },
        "book: the book's cleaning (letters a-z, lower-cased; everything else one space); unicode: every "
        "Unicode character is a token (white space runs one space), for text in any language."));
    t.push_back(F::stringField(
        "sample.prefix", [](ExperimentConfig& c) -> std::string& { return c.sample.prefix; }, false,
        "Text the model continues."));
    t.push_back(F::intField<int>(
        "sample.every", [](ExperimentConfig& c) -> int& { return c.sample.every; }, 0, kBig,
        "Epochs between samples; 0 samples only at the end."));
    t.push_back(F::intField<int>(
        "sample.length", [](ExperimentConfig& c) -> int& { return c.sample.length; }, 1, 100000,
        "Tokens generated after the prefix."));
    t.push_back(F::floatField(
        "sample.temperature", [](ExperimentConfig& c) -> double& { return c.sample.temperature; }, 0.0, true,
        1000.0, "0 = greedy argmax (the book); > 0 samples from softmax(logits / temperature), which is P^(1/temperature) "
        "renormalised: the exercise's sampling from P^alpha is temperature 1/alpha."));
}

const std::vector<Field>& fields()
{
    static const std::vector<Field> table = [] {
        std::vector<Field> t;
        addModelAndTrainFields(t);
        addDataAndSampleFields(t);
        return t;
    }();
    return table;
}


} // namespace

std::string toString(const Arch& arch) { return arch.info().name; }

std::pair<std::string, std::string> splitSetting(const std::string& keyEqualsValue)
{
    const auto eq = keyEqualsValue.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError("", 0, 0, message("config.set_syntax", {keyEqualsValue}));
    return {keyEqualsValue.substr(0, eq), keyEqualsValue.substr(eq + 1)};
}

std::string toString(Impl impl)
{
    switch (impl) {
    case Impl::Builtin: return "builtin";
    case Impl::Scratch: return "scratch";
    case Impl::Fused: return "fused";
    }
    return "?";
}

std::string ExperimentConfig::displayName() const
{
    if (!name.empty())
        return name;
    std::string out = toString(model.arch);
    if (model.impl == Impl::Scratch)
        out += " (scratch)";
    else if (model.impl == Impl::Builtin)
        out += " (builtin)";
    out += " h" + std::to_string(model.hidden);
    if (model.layers > 1)
        out += "x" + std::to_string(model.layers);
    out += " lr" + formatFloat(train.lr);
    if (train.epochs != 500)
        out += " e" + std::to_string(train.epochs);
    return out;
}

bool sameRun(const ExperimentConfig& a, const ExperimentConfig& b)
{
    for (const auto& info : configSchema()) {
        const std::string& key = info.key;
        if (key == "name" || key == "train.device" || key == "train.threads" || key == "train.seed" ||
            key == "train.keep_checkpoints" || key.rfind("sample.", 0) == 0)
            continue;
        if (configValue(a, key) != configValue(b, key))
            return false;
    }
    return true;
}

std::string nameFor(const ExperimentConfig& named, const ExperimentConfig& now)
{
    return sameRun(named, now) ? named.name : std::string();
}

const std::vector<ConfigKeyInfo>& configSchema()
{
    static const std::vector<ConfigKeyInfo> infos = [] {
        std::vector<ConfigKeyInfo> out;
        for (const auto& f : fields()) {
            out.push_back(f.info);
            if (f.info.key == "train.detach_state")
                out.push_back({"train.schedule", "list", "[]",
                               "Changes while the run trains: [{epoch: E, batch: B, set: {train.lr: 0.3}}]; keys: "
                               "train.lr, train.clip, train.epochs, sample.*. A live change is written here."});
        }
        return out;
    }();
    return infos;
}

const ConfigKeyInfo& schemaKey(const std::vector<ConfigKeyInfo>& schema, const std::string& key)
{
    for (const auto& info : schema)
        if (info.key == key)
            return info;
    throw std::logic_error("no key " + key + " in the schema");
}

namespace {
ExperimentConfig parseRoot(const std::string& text)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError("", e.mark.line + 1, e.mark.column + 1, message("config.malformed_yaml", {e.msg}));
    }
    ExperimentConfig cfg;
    if (root.IsNull())
        return cfg;  // an empty file is the book's defaults
    if (!root.IsMap())
        fail("", root.Mark().line + 1, root.Mark().column + 1,
             "an experiment file must be a mapping with sections model, train, data, sample");
    config::walk(fields(), cfg, root, "", [](ExperimentConfig& c, const std::string& key, const YAML::Node& value) {
        if (key != "train.schedule")
            return false;
        c.train.schedule = config::parseSchedule(value, key);
        return true;
    });
    validate(cfg);
    return cfg;
}
} // namespace

ExperimentConfig parseExperimentYaml(const std::string& text, const std::string& sourceName)
{
    return config::parseAttributed(parseRoot, text, sourceName);
}

ExperimentConfig loadExperimentFile(const std::string& path)
{
    return parseExperimentYaml(config::readFile(path), path);
}

void setConfigValue(ExperimentConfig& config, const std::string& key, const std::string& valueText, int line,
                    int column)
{
    if (key == "train.schedule") {
        // A list, as flow YAML: "[{epoch: 200, set: {train.lr: 0.3}}]" (--set, the form).
        YAML::Node node;
        try {
            node = YAML::Load(valueText);
        } catch (const YAML::Exception& e) {
            throw ConfigError(key, line, column, message("config.malformed_yaml", {e.msg}));
        }
        config.train.schedule = config::parseSchedule(node, key);
        return;
    }
    config::setValue(fields(), config, key, valueText, line, column);
}

std::string configValue(const ExperimentConfig& config, const std::string& key)
{
    if (key == "train.schedule")
        return config::scheduleYaml(config.train.schedule);
    return config::value(fields(), config, key);
}

void validate(const ExperimentConfig& config)
{
    config::checkFields(fields(), config);  // ranges, choices, the strings that may not be empty
    config::checkSchedule(config);
}

std::string toYaml(const ExperimentConfig& config)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    if (!config.name.empty())
        out << YAML::Key << "name" << YAML::Value << config.name;
    const auto schedule = [&config](YAML::Emitter& e, const std::string& section) {
        if (section != "train" || config.train.schedule.empty())
            return;
        e << YAML::Key << "schedule" << YAML::Value << YAML::Load(config::scheduleYaml(config.train.schedule));
    };
    if (config::emitSections(out, fields(), config, schedule))
        out << YAML::EndMap;
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

void saveExperimentFile(const ExperimentConfig& config, const std::string& path)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error("cannot write '" + path + "'");
        out << toYaml(config);
        if (!out.flush())
            throw Error("cannot write '" + path + "'");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw Error("cannot replace '" + path + "'");
}

} // namespace traveller
