// The translation experiment's YAML: sections model, train, data, eval (and an
// optional `task: translate`), every key defaulting to the book's setting.
// Errors as in ExperimentConfig.cpp: dotted key plus 1-based line/column.
#include "traveller/core/s2s/Translation.h"

#include "ConfigFields.h"
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

using Field = config::Field<TranslationConfig>;
using F = config::Fields<TranslationConfig>;
using config::fail;
using config::formatFloat;

const std::vector<Field>& fields()
{
    static const std::vector<Field> table = [] {
        constexpr long long kBig = 1'000'000'000LL;
        using C = TranslationConfig;
        std::vector<Field> t;
        t.push_back(F::stringField("name", [](C& c) -> std::string& { return c.name; }, true,
                                "Run name; empty derives one (\"seq2seq GRU h32x2\")."));
        t.push_back(F::enumField<Arch>("model.cell", config::cellChoices(), [](C& c) -> Arch& { return c.model.cell; },
                                       "Recurrent cell of encoder and decoder (the cell registry)."));
        t.push_back(F::enumField<S2sDecoder>("model.decoder", {{"plain", S2sDecoder::Plain}, {"attention", S2sDecoder::Attention}},
                                          [](C& c) -> S2sDecoder& { return c.model.decoder; },
                                          "plain: the book's Seq2SeqDecoder; attention: Bahdanau (additive) attention."));
        t.push_back(F::enumField<ContextSource>(
            "model.context", {{"book", ContextSource::Book}, {"encoder", ContextSource::Encoder}},
            [](C& c) -> ContextSource& { return c.model.context; },
            "Plain decoder's context. book: state[-1], which during prediction is the decoder's own latest state "
            "(the book's quirk); encoder: the encoder's final state at every step."));
        t.push_back(F::intField<int>("model.embed", [](C& c) -> int& { return c.model.embed; }, 1, 65536, "Embedding size."));
        t.push_back(F::intField<int>("model.hidden", [](C& c) -> int& { return c.model.hidden; }, 1, 65536, "Hidden units per layer."));
        t.push_back(F::intField<int>("model.layers", [](C& c) -> int& { return c.model.layers; }, 1, 64, "Stacked recurrent layers."));
        t.push_back(F::floatField("model.dropout", [](C& c) -> double& { return c.model.dropout; }, 0.0, true, 0.99,
                               "Dropout between recurrent layers (and on attention weights)."));
        t.push_back(F::enumField<Impl>("model.impl", {{"fused", Impl::Fused}, {"builtin", Impl::Builtin}},
                                       [](C& c) -> Impl& { return c.model.impl; },
                                       "fused: hand-written recurrent layers on CPUs (same results, faster); "
                                       "builtin: torch::nn::GRU/LSTM. GPUs use builtin."));
        t.push_back(F::intField<int>("train.epochs", [](C& c) -> int& { return c.train.epochs; }, 1, kBig, "Passes over the pairs."));
        t.push_back(F::intField<int>("train.batch_size", [](C& c) -> int& { return c.train.batchSize; }, 1, 1 << 20, "Pairs per minibatch."));
        t.push_back(F::floatField("train.lr", [](C& c) -> double& { return c.train.lr; }, 0.0, false,
                               std::numeric_limits<double>::max(), "Adam's learning rate."));
        t.push_back(F::floatField("train.clip", [](C& c) -> double& { return c.train.clip; }, 0.0, true,
                               std::numeric_limits<double>::max(), "Gradient-norm clipping threshold; 0 disables it."));
        t.push_back(F::stringField("train.device", [](C& c) -> std::string& { return c.train.device; }, false,
                                "cpu, cuda (= cuda:0), cuda:N, or auto."));
        t.push_back(F::intField<std::uint64_t>("train.seed", [](C& c) -> std::uint64_t& { return c.train.seed; }, 0,
                                            std::numeric_limits<long long>::max(), "Seed for weights, shuffling and dropout."));
        t.push_back(F::intField<int>("train.threads", [](C& c) -> int& { return c.train.threads; }, 0, 1024,
                                  "Intra-op CPU threads; 0 uses every core."));
        t.push_back(F::enumField<Precision>(
            "train.precision", {{"fp32", Precision::Fp32}, {"bf16", Precision::Bf16}},
            [](C& c) -> Precision& { return c.train.precision; },
            "fp32: float32 products (the default); bf16: the fused encoder's and decoder's recurrent products with "
            "bfloat16 inputs and float32 accumulation (AVX512-BF16 CPUs; weights, optimizer and checkpoints stay "
            "float32)."));
        t.push_back(F::intField<int>("train.report_every", [](C& c) -> int& { return c.train.reportEvery; }, 1, kBig,
                                  "Epochs between progress events (the last epoch is always reported)."));
        t.push_back(F::boolField("train.mask", [](C& c) -> bool& { return c.train.mask; },
                                 "true: the book's masked loss (padding after <eos> ignored); false: padded positions "
                                 "count too (the exercise)."));
        t.push_back(F::floatField("train.teacher_forcing", [](C& c) -> double& { return c.train.teacherForcing; }, 0.0,
                                  true, 1.0,
                                  "Probability that a decoder input is the reference's previous word (the book: 1); "
                                  "otherwise the model's own previous guess, decoded step by step (the exercise)."));
        t.push_back(F::stringField("data.corpus", [](C& c) -> std::string& { return c.data.corpus; }, false,
                                "fra-eng (the book's file, checked by SHA-1) or a path to \"English<TAB>French\" lines."));
        t.push_back(F::intField<int>("data.examples", [](C& c) -> int& { return c.data.examples; }, 1, kBig,
                                  "Training pairs taken from the start of the file."));
        t.push_back(F::boolField("data.book_extra_line", [](C& c) -> bool& { return c.data.bookExtraLine; },
                              "Read one line more than data.examples, as the book's loop (`i > num_examples`) does."));
        t.push_back(F::intField<int>("data.num_steps", [](C& c) -> int& { return c.data.numSteps; }, 1, 4096,
                                  "Tokens per sequence, <eos> included; longer ones are truncated."));
        t.push_back(F::intField<int>("data.min_freq", [](C& c) -> int& { return c.data.minFreq; }, 0, kBig,
                                  "Words seen fewer times become <unk>."));
        t.push_back(F::intField<int>("data.heldout", [](C& c) -> int& { return c.data.heldout; }, 0, kBig,
                                  "Pairs after the training lines (with unseen sources) scored as a held-out set; 0: none."));
        t.push_back(F::intField<int>("eval.beam", [](C& c) -> int& { return c.eval.beam; }, 1, 1000,
                                  "Beam size; 1 is greedy decoding (the book)."));
        t.push_back(F::floatField("eval.length_penalty", [](C& c) -> double& { return c.eval.lengthPenalty; }, 0.0, true, 10.0,
                               "alpha in beam search's score log P / L^alpha."));
        t.push_back(F::intField<int>("eval.bleu_order", [](C& c) -> int& { return c.eval.bleuOrder; }, 1, 16,
                                  "k of the book's sentence BLEU (n-grams up to k)."));
        return t;
    }();
    return table;
}


using yaml::columnOf;
using yaml::lineOf;

// eval.pairs: a list of [source, reference] or {source: ..., reference: ...}.
std::vector<TranslationPair> parsePairs(const YAML::Node& value, const std::string& key)
{
    if (!value.IsSequence())
        fail(key, lineOf(value), columnOf(value), "expected a list of [source, reference] pairs");
    std::vector<TranslationPair> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const YAML::Node item = value[i];
        const std::string itemKey = key + "[" + std::to_string(i) + "]";
        if (item.IsSequence() && item.size() == 2 && item[0].IsScalar() && item[1].IsScalar()) {
            out.push_back({item[0].Scalar(), item[1].Scalar()});
        } else if (item.IsMap() && item.size() == 2 && item["source"] && item["reference"] &&
                   item["source"].IsScalar() && item["reference"].IsScalar()) {
            out.push_back({item["source"].Scalar(), item["reference"].Scalar()});
        } else {
            fail(itemKey, lineOf(item), columnOf(item),
                 "expected [source, reference] or {source: ..., reference: ...}");
        }
        if (out.back().source.empty())
            fail(itemKey, lineOf(item), columnOf(item), "the source sentence must not be empty");
    }
    return out;
}

TranslationConfig parseRoot(const std::string& text)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError("", e.mark.line + 1, e.mark.column + 1, message("config.malformed_yaml", {e.msg}));
    }
    TranslationConfig cfg;
    if (root.IsNull())
        return cfg;
    if (!root.IsMap())
        fail("", lineOf(root), columnOf(root),
             "a translation experiment must be a mapping with sections model, train, data, eval");
    const YAML::Node& constRoot = root;  // const lookups never add keys
    if (constRoot["sample"] || (constRoot["model"] && constRoot["model"].IsMap() && constRoot["model"]["arch"]))
        fail("", lineOf(root), columnOf(root),
             "this is a language-model experiment (it has sample or model.arch): run it with `traveller-cli train`");
    config::walk(fields(), cfg, root, "", [](TranslationConfig& c, const std::string& key, const YAML::Node& value) {
        if (key == "task") {
            if (!value.IsScalar() || value.Scalar() != "translate")
                fail(key, lineOf(value), columnOf(value),
                     "this file is read as a translation experiment: task must be 'translate' "
                     "(language-model experiments go to `traveller-cli train`)");
            return true;
        }
        if (key == "eval.pairs") {
            c.eval.pairs = parsePairs(value, key);
            return true;
        }
        return false;
    });
    validate(cfg);
    return cfg;
}

} // namespace

std::string toString(S2sDecoder decoder) { return decoder == S2sDecoder::Plain ? "plain" : "attention"; }
std::string toString(ContextSource context) { return context == ContextSource::Book ? "book" : "encoder"; }

std::string TranslationConfig::displayName() const
{
    if (!name.empty())
        return name;
    std::string out = "seq2seq " + model.cell.info().name;
    if (model.decoder == S2sDecoder::Attention)
        out += "+attention";
    out += " h" + std::to_string(model.hidden);
    if (model.layers > 1)
        out += "x" + std::to_string(model.layers);
    if (model.decoder == S2sDecoder::Plain && model.context == ContextSource::Encoder)
        out += " encoder-context";
    return out;
}

const std::vector<ConfigKeyInfo>& translationSchema()
{
    static const std::vector<ConfigKeyInfo> infos = [] {
        std::vector<ConfigKeyInfo> out;
        out.push_back({"task", "translate", "translate", "Marks the file as a translation experiment (optional)."});
        for (const auto& f : fields())
            out.push_back(f.info);
        out.push_back({"eval.pairs", "list", "the book's four", "[source, reference] pairs translated and scored at the end."});
        return out;
    }();
    return infos;
}

TranslationConfig parseTranslationYaml(const std::string& text, const std::string& sourceName)
{
    return config::parseAttributed(parseRoot, text, sourceName);
}

TranslationConfig loadTranslationFile(const std::string& path)
{
    return parseTranslationYaml(config::readFile(path), path);
}

void setTranslationValue(TranslationConfig& config, const std::string& key, const std::string& valueText, int line,
                         int column)
{
    config::setValue(fields(), config, key, valueText, line, column);
}

std::string translationValue(const TranslationConfig& config, const std::string& key)
{
    return config::value(fields(), config, key);
}

void validate(const TranslationConfig& config)
{
    config::checkFields(fields(), config);  // ranges, choices, the strings that may not be empty
}

std::string toYaml(const TranslationConfig& config)
{
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "task" << YAML::Value << "translate";
    if (!config.name.empty())
        out << YAML::Key << "name" << YAML::Value << config.name;
    config::emitSections(out, fields(), config);
    // eval is the last section of the table: its pairs close it.
    out << YAML::Key << "pairs" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : config.eval.pairs)
        out << YAML::Flow << YAML::BeginSeq << YAML::DoubleQuoted << p.source << YAML::DoubleQuoted << p.reference
            << YAML::EndSeq;
    out << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

} // namespace traveller
