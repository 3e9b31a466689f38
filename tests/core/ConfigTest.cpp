// Experiment files: defaults, every key, and errors that name key, line and column.
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/Presets.h"
#include "traveller/core/store/Sweep.h"
#include "traveller/core/s2s/Translation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace traveller;

namespace {
ConfigError parseError(const std::string& yaml)
{
    try {
        parseExperimentYaml(yaml);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
    return ConfigError("", 0, 0, "none");
}
} // namespace

TEST(Config, EmptyFileGivesTheBooksDefaults)
{
    const auto c = parseExperimentYaml("");
    EXPECT_EQ(c.model.arch, Arch::Rnn);
    EXPECT_EQ(c.model.hidden, 256);
    EXPECT_EQ(c.train.epochs, 500);
    EXPECT_DOUBLE_EQ(c.train.lr, 1.0);
    EXPECT_DOUBLE_EQ(c.train.clip, 1.0);
    EXPECT_EQ(c.data.maxTokens, 10000);
    EXPECT_EQ(c.data.batchSize, 32);
    EXPECT_EQ(c.data.numSteps, 35);
    EXPECT_EQ(c.data.sampling, Sampling::Sequential);
    EXPECT_EQ(c.data.joinLines, LineJoin::None);
    EXPECT_EQ(c.data.normalize, Normalize::Book);
    EXPECT_EQ(c.sample.prefix, "time traveller");
    EXPECT_EQ(c.sample.every, 10);
    EXPECT_EQ(c.sample.length, 50);
}

TEST(Config, ReadsEveryDocumentedKey)
{
    const auto c = parseExperimentYaml(R"(
name: my run
model: {arch: lstm, impl: scratch, hidden: 64, layers: 2, embedding: 12}
train: {epochs: 7, lr: 0.5, optimizer: adam, clip: 0, device: cpu, seed: 42, threads: 1, on_divergence: continue, detach_state: false,
        lr_schedule: warmup-cosine, lr_step_every: 3, lr_step_gamma: 0.1, lr_warmup: 2, lr_min_factor: 0.05,
        keep_checkpoints: 5, precision: bf16, schedule: [{epoch: 3, batch: 1, set: {train.lr: 0.25}}]}
data: {corpus: /tmp/x.txt, tokens: word, max_tokens: -1, batch_size: 4, num_steps: 5, sampling: random, join_lines: space, normalize: unicode, heldout: 500}
sample: {prefix: "the", every: 2, length: 9, temperature: 0.7}
)");
    EXPECT_EQ(c.name, "my run");
    EXPECT_EQ(c.model.arch, Arch::Lstm);
    EXPECT_EQ(c.model.impl, Impl::Scratch);
    EXPECT_EQ(c.model.hidden, 64);
    EXPECT_EQ(c.model.layers, 2);
    EXPECT_EQ(c.model.embedding, 12);
    EXPECT_EQ(c.train.epochs, 7);
    EXPECT_DOUBLE_EQ(c.train.lr, 0.5);
    EXPECT_EQ(c.train.optimizer, Optimizer::Adam);
    EXPECT_DOUBLE_EQ(c.train.clip, 0.0);
    EXPECT_EQ(c.train.device, "cpu");
    EXPECT_EQ(c.train.seed, 42u);
    EXPECT_EQ(c.train.threads, 1);
    EXPECT_EQ(c.train.onDivergence, OnDivergence::Continue);
    EXPECT_FALSE(c.train.detachState);
    EXPECT_EQ(c.train.precision, Precision::Bf16);
    EXPECT_EQ(c.data.heldout, 500);
    EXPECT_EQ(c.data.corpus, "/tmp/x.txt");
    EXPECT_EQ(c.data.tokens, TokenKind::Word);
    EXPECT_EQ(c.data.maxTokens, -1);
    EXPECT_EQ(c.data.sampling, Sampling::Random);
    EXPECT_EQ(c.data.joinLines, LineJoin::Space);
    EXPECT_EQ(c.data.normalize, Normalize::Unicode);
    EXPECT_EQ(c.data.batchSize, 4);
    EXPECT_EQ(c.data.numSteps, 5);
    EXPECT_EQ(c.sample.prefix, "the");
    EXPECT_EQ(c.sample.every, 2);
    EXPECT_EQ(c.sample.length, 9);
    EXPECT_DOUBLE_EQ(c.sample.temperature, 0.7);
    // Every key of the schema is covered by this file: each one reads a value
    // other than its default, so a key the parser skipped would show here.
    const ExperimentConfig defaults;
    EXPECT_EQ(configSchema().size(), 36u);
    EXPECT_EQ(c.train.schedule, (std::vector<ScheduleEntry>{{3, 1, {{"train.lr", "0.25"}}}}));
    for (const auto& key : configSchema())
        EXPECT_NE(configValue(c, key.key), configValue(defaults, key.key)) << key.key << " kept its default";
    // And it writes back what it read.
    EXPECT_EQ(toYaml(parseExperimentYaml(toYaml(c))), toYaml(c));
}

TEST(Config, UnknownKeyNamesKeyLineAndColumn)
{
    const auto e = parseError("model:\n  arch: gru\n  hiden: 128\n");
    EXPECT_EQ(e.key(), "model.hiden");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 3);
    // It suggests the known keys of the section.
    EXPECT_EQ(e.message().code, "config.unknown_key_expected") << e.what();
    ASSERT_EQ(e.message().args.size(), 1u) << e.what();
    EXPECT_NE(e.message().args[0].find("hidden"), std::string::npos) << e.what();
}

TEST(Config, UnknownSectionIsRejected)
{
    const auto e = parseError("trian:\n  epochs: 3\n");
    EXPECT_EQ(e.key(), "trian");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), 1);
}

TEST(Config, BadTypeNamesValuePosition)
{
    const auto e = parseError("train:\n  epochs: 3\n  lr: fast\n");
    EXPECT_EQ(e.key(), "train.lr");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 7);
    EXPECT_EQ(e.message().code, "config.number") << e.what();
    EXPECT_EQ(e.message().args, std::vector<std::string>{"fast"}) << e.what();

    const auto f = parseError("model:\n  hidden: 12.5\n");
    EXPECT_EQ(f.key(), "model.hidden");
    EXPECT_EQ(f.line(), 2);
    EXPECT_EQ(f.message().code, "config.integer") << f.what();
    EXPECT_EQ(f.message().args, std::vector<std::string>{"12.5"}) << f.what();

    const auto g = parseError("model:\n  hidden: [1, 2]\n");
    EXPECT_EQ(g.key(), "model.hidden");
}

TEST(Config, BadValueNamesAllowedValues)
{
    const auto e = parseError("model:\n  arch: transformer\n");
    EXPECT_EQ(e.key(), "model.arch");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 9);
    // {0} is the allowed values, {1} the value given.
    EXPECT_EQ(e.message().code, "config.one_of") << e.what();
    ASSERT_EQ(e.message().args.size(), 2u) << e.what();
    const std::string allowed = e.message().args[0];
    EXPECT_EQ(allowed.rfind("rnn|gru|lstm", 0), 0u) << allowed;
    EXPECT_EQ(e.message().args[1], "transformer");
    for (const CellInfo& cell : cellCatalogue()) {  // the registry's cells, every one
        EXPECT_NE(("|" + allowed + "|").find("|" + cell.key + "|"), std::string::npos) << cell.key;
        EXPECT_EQ(parseExperimentYaml("model:\n  arch: " + cell.key + "\n").model.arch, Arch{cell.key});
    }

    EXPECT_EQ(parseError("train:\n  lr: -1\n").key(), "train.lr");
    EXPECT_EQ(parseError("train:\n  lr: 0\n").key(), "train.lr");
    EXPECT_EQ(parseError("model:\n  hidden: 0\n").key(), "model.hidden");
    EXPECT_EQ(parseError("data:\n  batch_size: -4\n").key(), "data.batch_size");
    EXPECT_EQ(parseError("sample:\n  prefix: \"\"\n").key(), "sample.prefix");
}

TEST(Config, MalformedYamlReportsPosition)
{
    const auto e = parseError("model:\n  arch: [gru\n");
    EXPECT_GT(e.line(), 0);
    EXPECT_EQ(e.message().code, "config.malformed_yaml") << e.what();
}

TEST(Config, FileErrorsNameTheFile)
{
    const std::string path = ::testing::TempDir() + "traveller-bad.yaml";
    std::ofstream(path) << "train:\n  epochs: many\n";
    try {
        loadExperimentFile(path);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.source(), path);
        EXPECT_EQ(e.line(), 2);
        EXPECT_EQ(e.column(), 11);
        EXPECT_EQ(e.key(), "train.epochs");
        EXPECT_EQ(e.message().code, "config.integer") << e.what();
    }
    EXPECT_THROW(loadExperimentFile(path + ".missing"), ConfigError);
    std::remove(path.c_str());
}

TEST(Config, SetOverridesAndRoundTripsThroughYaml)
{
    ExperimentConfig c;
    setConfigValue(c, "model.arch", "gru");
    setConfigValue(c, "train.lr", "0.1");
    setConfigValue(c, "sample.prefix", "\"the time machine\"");
    EXPECT_EQ(configValue(c, "model.arch"), "gru");
    EXPECT_EQ(c.sample.prefix, "the time machine");
    EXPECT_THROW(setConfigValue(c, "train.speed", "1"), ConfigError);
    EXPECT_THROW(setConfigValue(c, "train.epochs", "1.5"), ConfigError);

    const auto back = parseExperimentYaml(toYaml(c));
    for (const auto& key : configSchema())
        EXPECT_EQ(configValue(back, key.key), configValue(c, key.key)) << key.key;
}

// Every number key states its range, and the range is the parser's: its ends
// are taken (the minimum unless exclusive), a step past either is refused.
// The front ends bound their options and boxes by these (schemaKey()).
template <typename Config, typename Set>
void expectRangesAreTheParsers(const std::vector<ConfigKeyInfo>& schema, Set set)
{
    int numbers = 0;
    for (const ConfigKeyInfo& k : schema) {
        if (k.type != "int" && k.type != "float")
            continue;
        SCOPED_TRACE(k.key);
        ++numbers;
        ASSERT_FALSE(std::isnan(k.minimum));
        ASSERT_LE(k.minimum, k.maximum);
        const auto text = [&](double v) {
            if (k.type == "int")
                return std::to_string(static_cast<long long>(v));
            std::ostringstream out;
            out.precision(17);
            out << v;
            return out.str();
        };
        Config c;
        if (k.minimumExclusive)
            EXPECT_THROW(set(c, k.key, text(k.minimum)), ConfigError);
        else
            EXPECT_NO_THROW(set(c, k.key, text(k.minimum)));
        if (k.type == "int") {
            EXPECT_THROW(set(c, k.key, text(k.minimum - 1)), ConfigError);
            if (k.maximum < 0x1p53) {  // a double holds the whole number exactly
                EXPECT_NO_THROW(set(c, k.key, text(k.maximum)));
                EXPECT_THROW(set(c, k.key, text(k.maximum + 1)), ConfigError);
            }
        } else {
            if (k.minimum > -1e300)
                EXPECT_THROW(set(c, k.key, text(k.minimum - 1)), ConfigError);
            if (k.maximum < 1e300) {
                EXPECT_NO_THROW(set(c, k.key, text(k.maximum)));
                EXPECT_THROW(set(c, k.key, text(k.maximum * 2 + 1)), ConfigError);
            }
        }
    }
    EXPECT_GT(numbers, 5);
}

TEST(Config, EveryNumberKeysRangeIsTheParsers)
{
    expectRangesAreTheParsers<ExperimentConfig>(configSchema(), [](ExperimentConfig& c, const std::string& k,
                                                                   const std::string& v) { setConfigValue(c, k, v); });
    expectRangesAreTheParsers<TranslationConfig>(translationSchema(), [](TranslationConfig& c, const std::string& k,
                                                                         const std::string& v) {
        setTranslationValue(c, k, v);
    });
    EXPECT_EQ(schemaKey(configSchema(), "train.threads").maximum, 1024);
    EXPECT_TRUE(schemaKey(configSchema(), "train.lr").minimumExclusive);
    EXPECT_THROW(schemaKey(configSchema(), "no.such.key"), std::logic_error);
}

TEST(Config, DisplayNameDescribesTheRun)
{
    ExperimentConfig c;
    c.model.arch = Arch::Gru;
    EXPECT_EQ(c.displayName(), "GRU h256 lr1");
    c.name = "mine";
    EXPECT_EQ(c.displayName(), "mine");
}

TEST(Config, DuplicateKeyNamesKeyLineAndColumn)
{
    // YAML parsers keep both; the second would silently win.
    auto e = parseError("train: {epochs: 1, epochs: 2}\n");
    EXPECT_EQ(e.key(), "train.epochs");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), 20);
    EXPECT_EQ(e.message().code, "config.duplicate_key") << e.what();

    e = parseError("model:\n  arch: gru\ntrain:\n  lr: 1\nmodel:\n  hidden: 8\n");
    EXPECT_EQ(e.key(), "model");
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.column(), 1);
}

TEST(Config, DuplicateKeyInASweepsInlineBaseIsRejected)
{
    try {
        parseSweepYaml("base: {train: {epochs: 1, epochs: 2}}\n", "s.yaml");
        FAIL() << "a duplicate key was accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "train.epochs");
        EXPECT_GT(e.line(), 0);
        EXPECT_EQ(e.message().code, "config.duplicate_key") << e.what();
    }
}

// One preset catalogue for the CLI and the window: the shipped files by kind,
// each found by name, an unknown name refused by kind.
TEST(Presets, CatalogueClassifiesAndFindsTheShippedFiles)
{
    const auto all = presetCatalogue();
    auto kindOf = [&](const std::string& name) {
        for (const auto& p : all)
            if (p.name == name)
                return static_cast<int>(p.kind);
        return -1;
    };
    EXPECT_EQ(kindOf("book-rnn"), static_cast<int>(PresetKind::Experiment));
    EXPECT_EQ(kindOf("book-seq2seq"), static_cast<int>(PresetKind::Translation));
    EXPECT_EQ(kindOf("lab-rnn-lr"), static_cast<int>(PresetKind::Sweep));
    for (const auto& p : presetsOf(PresetKind::Experiment)) {
        EXPECT_EQ(resolvePreset(p.name, PresetKind::Experiment), p.path);
        EXPECT_NO_THROW(loadExperimentFile(p.path)) << p.path;
    }
    EXPECT_EQ(loadTranslationFile(resolvePreset("book-seq2seq", PresetKind::Translation)).model.cell, Arch::Gru);
    try {
        resolvePreset("no-such-preset", PresetKind::Sweep);
        ADD_FAILURE() << "an unknown preset resolved";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "preset.no_such_sweep") << e.what();
        EXPECT_EQ(e.source(), "no-such-preset");
    }
}

// The CLI's JSON Lines: numbers read back as the same double (a perplexity is
// not cut to six digits), non-finite values are null, text is escaped and
// stays UTF-8.
TEST(Json, NumbersReadBackEqualAndTextIsValid)
{
    for (double v : {16.510312345678901, 0.1, 1e-300, 1.7976931348623157e308, 1274600.0, -0.0, 3.0}) {
        const std::string text = jsonNumber(v);
        EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
    }
    EXPECT_EQ(jsonNumber(std::nan("")), "null");
    EXPECT_EQ(jsonNumber(INFINITY), "null");
    EXPECT_EQ(jsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
    EXPECT_EQ(jsonString("caf\xe9"), "\"caf\xef\xbf\xbd\"");  // a stray Latin-1 byte -> U+FFFD
    EXPECT_EQ(JsonObject().add("event", "epoch").add("epoch", 3).add("ok", true).str(),
              "{\"event\":\"epoch\",\"epoch\":3,\"ok\":true}");
}

// A config built in code (a form, the lab, a lesson, an import) is held to
// the same ranges and choices as a YAML file, by validate: one rule.
TEST(Config, ValidateHoldsACodeBuiltConfigToTheSchema)
{
    const auto refusal = [](const auto& config) {
        try {
            validate(config);
        } catch (const ConfigError& e) {
            return std::make_pair(e.key(), e.message().code);
        }
        return std::make_pair(std::string(), std::string());
    };
    ExperimentConfig lm;
    EXPECT_EQ(refusal(lm).first, "");  // the defaults pass
    lm.model.hidden = 0;
    EXPECT_EQ(refusal(lm), std::make_pair(std::string("model.hidden"), std::string("config.int_range")));
    lm = ExperimentConfig();
    lm.train.lr = -1.0;
    EXPECT_EQ(refusal(lm).first, "train.lr");
    lm = ExperimentConfig();
    lm.train.lr = std::nan("");
    EXPECT_EQ(refusal(lm), std::make_pair(std::string("train.lr"), std::string("config.number")));
    lm = ExperimentConfig();
    lm.model.impl = static_cast<Impl>(99);
    EXPECT_EQ(refusal(lm), std::make_pair(std::string("model.impl"), std::string("config.one_of")));
    lm = ExperimentConfig();
    lm.sample.prefix.clear();
    EXPECT_EQ(refusal(lm), std::make_pair(std::string("sample.prefix"), std::string("config.not_empty")));

    TranslationConfig s2s;
    EXPECT_EQ(refusal(s2s).first, "");
    s2s.data.examples = -5;
    EXPECT_EQ(refusal(s2s), std::make_pair(std::string("data.examples"), std::string("config.int_range")));
}
