#include "traveller/core/Errors.h"
#include "traveller/core/store/Sweep.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

ConfigError parseError(const std::string& yaml)
{
    try {
        parseSweepYaml(yaml, "s.yaml");
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << yaml;
    return ConfigError("", 0, 0, "");
}

} // namespace

TEST(Sweep, GridIsTheCartesianProductLastKeyFastest)
{
    const Sweep s = parseSweepYaml("name: g\n"
                                   "base:\n"
                                   "  model: {arch: gru}\n"
                                   "grid:\n"
                                   "  train.lr: [0.1, 1]\n"
                                   "  model.hidden: [16, 32, 64]\n");
    EXPECT_EQ(s.name, "g");
    ASSERT_EQ(s.runs.size(), 6u);
    EXPECT_EQ(s.runs[0].label, "lr=0.1 hidden=16");
    EXPECT_EQ(s.runs[2].label, "lr=0.1 hidden=64");
    EXPECT_EQ(s.runs[3].label, "lr=1 hidden=16");
    EXPECT_DOUBLE_EQ(s.runs[4].config.train.lr, 1.0);
    EXPECT_EQ(s.runs[4].config.model.hidden, 32);
    for (const auto& run : s.runs)
        EXPECT_EQ(run.config.model.arch, Arch::Gru);
    ASSERT_EQ(s.runs[5].settings.size(), 2u);
    EXPECT_EQ(s.runs[5].settings[1], std::make_pair(std::string("model.hidden"), std::string("64")));
}

TEST(Sweep, VariantsAreCrossedWithTheGrid)
{
    const Sweep s = parseSweepYaml("base: {train: {epochs: 3}}\n"
                                   "variants:\n"
                                   "  - {model.arch: rnn}\n"
                                   "  - {model.arch: gru, name: \"GRU (book)\"}\n"
                                   "  - model.arch: lstm\n"
                                   "    model.hidden: 32\n"
                                   "grid:\n"
                                   "  train.epochs: [1, 2]\n");
    ASSERT_EQ(s.runs.size(), 6u);
    EXPECT_EQ(s.runs[0].label, "arch=rnn epochs=1");
    EXPECT_EQ(s.runs[3].label, "GRU (book) epochs=2");
    EXPECT_EQ(s.runs[3].config.name, "GRU (book) epochs=2");
    EXPECT_EQ(s.runs[3].config.train.epochs, 2);
    EXPECT_EQ(s.runs[4].config.model.arch, Arch::Lstm);
    EXPECT_EQ(s.runs[4].config.model.hidden, 32);
    EXPECT_EQ(s.runs[1].config.model.hidden, 256);
}

TEST(Sweep, NoGridNoVariantsIsTheBaseAlone)
{
    const Sweep s = parseSweepYaml("base: {model: {hidden: 64}}\n");
    ASSERT_EQ(s.runs.size(), 1u);
    EXPECT_EQ(s.runs[0].label, "base");
    EXPECT_EQ(s.runs[0].config.model.hidden, 64);
}

TEST(Sweep, UnknownGridKeyNamesItsLineAndColumn)
{
    const ConfigError e = parseError("base: {}\n"
                                     "grid:\n"
                                     "  train.epochs: [1, 2]\n"
                                     "  train.learning_rate: [0.1]\n");
    EXPECT_EQ(e.key(), "train.learning_rate");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 3);
    EXPECT_EQ(e.source(), "s.yaml");
}

TEST(Sweep, BadGridValueNamesTheValue)
{
    const ConfigError e = parseError("base: {}\n"
                                     "grid:\n"
                                     "  train.lr: [0.1, fast]\n");
    EXPECT_EQ(e.key(), "train.lr");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 19);
}

TEST(Sweep, GridValuesMustBeAList)
{
    const ConfigError e = parseError("base: {}\ngrid:\n  train.lr: 0.1\n");
    EXPECT_EQ(e.key(), "train.lr");
    EXPECT_EQ(e.line(), 3);
}

TEST(Sweep, BadVariantKeyAndValueAreLocated)
{
    ConfigError e = parseError("base: {}\n"
                               "variants:\n"
                               "  - {model.arch: gru}\n"
                               "  - {model.archh: lstm}\n");
    EXPECT_EQ(e.key(), "model.archh");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 6);
    e = parseError("base: {}\n"
                   "variants:\n"
                   "  - model.arch: transformer\n");
    EXPECT_EQ(e.key(), "model.arch");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 17);
}

TEST(Sweep, UnknownTopLevelKeyAndMissingBase)
{
    ConfigError e = parseError("base: {}\ngird:\n  train.lr: [1]\n");
    EXPECT_EQ(e.key(), "gird");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 1);
    e = parseError("grid:\n  train.lr: [1]\n");
    EXPECT_EQ(e.key(), "base");
}

TEST(Sweep, InlineBaseErrorsKeepTheSweepFilesLines)
{
    const ConfigError e = parseError("name: x\n"
                                     "base:\n"
                                     "  model:\n"
                                     "    hidden: lots\n"
                                     "grid:\n"
                                     "  train.lr: [1]\n");
    EXPECT_EQ(e.key(), "model.hidden");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 13);
}

TEST(Sweep, BaseMayBeAFileBesideTheSweep)
{
    const fs::path dir = fs::temp_directory_path() / ("traveller-sweep-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "exp.yaml") << "model:\n  arch: lstm\n  hidden: 48\n";
    std::ofstream(dir / "s.yaml") << "base: exp.yaml\ngrid:\n  train.lr: [0.5, 2]\n";
    const Sweep s = loadSweepFile((dir / "s.yaml").string());
    EXPECT_EQ(s.name, "s");
    ASSERT_EQ(s.runs.size(), 2u);
    EXPECT_EQ(s.runs[1].config.model.arch, Arch::Lstm);
    EXPECT_EQ(s.runs[1].config.model.hidden, 48);
    EXPECT_DOUBLE_EQ(s.runs[1].config.train.lr, 2.0);
    std::ofstream(dir / "bad.yaml") << "base: missing.yaml\n";
    EXPECT_THROW(loadSweepFile((dir / "bad.yaml").string()), ConfigError);
    fs::remove_all(dir);
}

TEST(Sweep, ShippedPresetsExpandToTheLabGrid)
{
    const fs::path dir = fs::path(TRAVELLER_SOURCE_DIR) / "resources/presets/sweeps";
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const Sweep s = loadSweepFile(entry.path().string());
        ++files;
        const std::string name = entry.path().stem().string();
        if (name == "lab-rnn-grid")
            EXPECT_EQ(s.runs.size(), 64u);
        else if (name == "lab-architectures")
            EXPECT_EQ(s.runs.size(), 3u);
        else
            EXPECT_EQ(s.runs.size(), 4u) << name;  // the lab's axes, and the four exercises
        if (name.size() > 3 && name.substr(name.size() - 3) == "-lr") {
            for (const auto& r : s.runs)
                EXPECT_EQ(r.config.train.onDivergence, OnDivergence::Continue) << name << " " << r.label;
        }
    }
    EXPECT_EQ(files, 12);
}

// A name belongs to the settings it was written for: an architecture sweep on
// the book's RNN must not call its GRU and LSTM runs "RNN (book)".
TEST(Sweep, TheBasesNameStaysWithTheBasesRun)
{
    const fs::path book = fs::path(TRAVELLER_SOURCE_DIR) / "resources/presets/book-rnn.yaml";
    const Sweep s = parseSweepYaml("name: archs\n"
                                   "base: " + book.string() + "\n"
                                   "variants:\n"
                                   "  - {model.arch: rnn}\n"
                                   "  - {model.arch: gru}\n"
                                   "  - {model.arch: lstm}\n"
                                   "  - {model.arch: gru, name: \"my GRU\"}\n");
    ASSERT_EQ(s.runs.size(), 4u);
    EXPECT_EQ(s.runs[0].config.name, "RNN (book)");  // the base's own run
    EXPECT_EQ(s.runs[1].config.displayName(), "GRU h256 lr1");
    EXPECT_EQ(s.runs[2].config.displayName(), "LSTM h256 lr1");
    EXPECT_EQ(s.runs[3].config.displayName(), "my GRU");

    // Keys the derived name does not show are added from the label; a grid
    // over the seed keeps the base's run (and its name) apart by the seed.
    const Sweep t = parseSweepYaml("base: " + book.string() + "\n"
                                   "grid:\n"
                                   "  data.num_steps: [10, 35]\n");
    EXPECT_EQ(t.runs[0].config.displayName(), "RNN h256 lr1 num_steps=10");
    EXPECT_EQ(t.runs[1].config.displayName(), "RNN (book) num_steps=35");
    const Sweep u = parseSweepYaml("base: " + book.string() + "\n"
                                   "grid:\n"
                                   "  train.seed: [1, 2]\n");
    EXPECT_EQ(u.runs[1].config.displayName(), "RNN (book) seed=2");
}

// `set:` overrides the base's keys; the base's name goes when they change the run.
TEST(Sweep, SetOverridesTheBaseAndSaveAsRebasesItsPath)
{
    const fs::path presets = fs::path(TRAVELLER_SOURCE_DIR) / "resources/presets/sweeps";
    const std::string text = "name: short\nbase: ../book-rnn.yaml\nset: {train.epochs: 5}\ngrid:\n  train.lr: [1, 2]\n";
    const Sweep s = parseSweepYaml(text, "short.yaml", presets.string());
    ASSERT_EQ(s.runs.size(), 2u);
    EXPECT_EQ(s.runs[0].config.train.epochs, 5);
    EXPECT_EQ(s.runs[0].config.displayName(), "RNN h256 lr1 e5");
    EXPECT_THROW(parseSweepYaml("base: ../book-rnn.yaml\nset: {train.epochz: 5}\n", "x", presets.string()), ConfigError);

    const fs::path dir = fs::temp_directory_path() / ("traveller-rebase-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string moved = rebaseSweepText(text, presets.string(), dir.string());
    EXPECT_NE(moved.find("set: {train.epochs: 5}"), std::string::npos);  // every other byte kept
    EXPECT_EQ(moved.find("base: ../book-rnn.yaml"), std::string::npos);
    std::ofstream(dir / "short.yaml") << moved;
    EXPECT_EQ(loadSweepFile((dir / "short.yaml").string()).runs.size(), 2u);
    fs::remove_all(dir);
}

// YAML keeps both entries of a repeated key; a sweep file names the second
// one, wherever it is written, instead of silently taking either.
TEST(Sweep, DuplicateKeysAreRejectedWithTheirPosition)
{
    struct Case {
        std::string yaml;
        std::string key;
        int line;
        int column;
    };
    const std::vector<Case> cases = {
        {"base: {}\ngrid:\n  train.lr: [1]\ngrid:\n  train.lr: [2]\n", "grid", 4, 1},
        {"base: {}\nbase: {}\n", "base", 2, 1},
        {"base: {}\ngrid:\n  train.lr: [1]\n  model.hidden: [8]\n  train.lr: [2]\n", "train.lr", 5, 3},
        {"base: {}\nset:\n  train.epochs: 1\n  train.epochs: 2\n", "train.epochs", 4, 3},
        {"base: {}\nset: {train.epochs: 1, train.epochs: 2}\n", "train.epochs", 2, 24},
        {"base: {}\nvariants:\n  - {model.arch: gru}\n  - model.arch: rnn\n    model.arch: lstm\n", "model.arch", 5, 5},
        {"base: {}\nvariants:\n  - {name: a, model.hidden: 8, name: b}\n", "name", 3, 32},
    };
    for (const auto& c : cases) {
        const ConfigError e = parseError(c.yaml);
        EXPECT_EQ(e.key(), c.key) << c.yaml;
        EXPECT_EQ(e.line(), c.line) << c.yaml;
        EXPECT_EQ(e.column(), c.column) << c.yaml;
        EXPECT_EQ(e.message().code, "config.duplicate_key") << e.what();
    }
}

// 10^12 runs are counted, not built: refused at once, saying how many.
// Seeds as an axis: `repeat: 3` runs every setting on seeds 0, 1 and 2, the
// seed varying fastest; a grid that chooses seeds as well is refused, and
// the repeat counts toward the sweep's size.
TEST(Sweep, RepeatRunsEverySettingOnSeedsZeroToNMinusOne)
{
    const Sweep s = parseSweepYaml("base: {train: {epochs: 3, seed: 7}}\nrepeat: 3\ngrid:\n  train.lr: [1, 10]\n");
    ASSERT_EQ(s.runs.size(), 6u);
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
        EXPECT_EQ(s.runs[i].config.train.seed, i % 3) << s.runs[i].label;
        EXPECT_EQ(s.runs[i].config.train.lr, i < 3 ? 1.0 : 10.0) << s.runs[i].label;
        EXPECT_EQ(s.runs[i].settings.back(), (std::pair<std::string, std::string>{"train.seed", std::to_string(i % 3)}));
    }
    EXPECT_EQ(s.runs[4].label, "lr=10 seed=1");
    EXPECT_EQ(parseSweepYaml("base: {}\nrepeat: 2\n").runs.size(), 2u);

    EXPECT_EQ(parseError("base: {}\nrepeat: 2\ngrid: {train.seed: [1, 2]}\n").message().code,
              "sweep.repeat_and_seed_grid");
    EXPECT_EQ(parseError("base: {}\nrepeat: 0\n").message().code, "config.int_range");
    EXPECT_EQ(parseError("base: {}\nrepeat: [2]\n").message().code, "config.single_value");
    const ConfigError big = parseError("base: {}\nrepeat: 200\ngrid: {train.lr: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, "
                                       "13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, "
                                       "32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, "
                                       "51]}\n");
    EXPECT_EQ(big.message().code, "sweep.too_many_runs") << big.what();
    EXPECT_EQ(big.message().args, (std::vector<std::string>{"10200", "10000"})) << big.what();
}

TEST(Sweep, GridsBeyondTheLimitAreRefusedWithTheirCount)
{
    const std::string list = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]";
    std::string yaml = "base: {}\ngrid:\n";
    for (const char* key : {"train.lr", "train.epochs", "model.hidden", "train.seed", "sample.length", "data.batch_size",
                            "data.num_steps", "train.clip", "sample.every", "model.layers", "train.threads",
                            "data.max_tokens"})
        yaml += std::string("  ") + key + ": " + list + "\n";
    ConfigError e = parseError(yaml);
    EXPECT_EQ(e.key(), "grid");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.message().code, "sweep.too_many_runs") << e.what();
    EXPECT_EQ(e.message().args, (std::vector<std::string>{"1000000000000", "10000"})) << e.what();

    // Variants count too: 2 variants x 5001 grid points.
    std::string values;
    for (int i = 1; i <= 5001; ++i)
        values += (values.empty() ? "" : ", ") + std::to_string(i);
    e = parseError("base: {}\nvariants: [{model.arch: gru}, {model.arch: rnn}]\ngrid:\n  train.seed: [" + values + "]\n");
    EXPECT_EQ(e.message().code, "sweep.too_many_runs") << e.what();
    EXPECT_EQ(e.message().args.at(0), "10002") << e.what();
    // The limit itself is allowed.
    values = values.substr(0, values.rfind(','));
    EXPECT_EQ(parseSweepYaml("base: {}\nvariants: [{model.arch: gru}, {model.arch: rnn}]\ngrid:\n  train.seed: [" +
                             values + "]\n")
                  .runs.size(),
              10000U);
}

TEST(Sweep, AScheduleAndAnLrShapeAreGridValues)
{
    const Sweep s = parseSweepYaml("base: {train: {epochs: 10}}\n"
                                   "grid:\n"
                                   "  train.schedule: [[], [{epoch: 5, set: {train.lr: 0.3}}]]\n"
                                   "  train.lr_schedule: [constant, cosine]\n");
    ASSERT_EQ(s.runs.size(), 4u);
    EXPECT_TRUE(s.runs[0].config.train.schedule.empty());
    ASSERT_EQ(s.runs[2].config.train.schedule.size(), 1u);
    EXPECT_EQ(s.runs[2].config.train.schedule[0], (ScheduleEntry{5, 0, {{"train.lr", "0.3"}}}));
    EXPECT_EQ(s.runs[3].config.train.lrSchedule, LrShape::Cosine);
    ASSERT_EQ(s.runs[3].settings.size(), 2u);
    EXPECT_EQ(s.runs[3].settings[0].second, "[{epoch: 5, set: {train.lr: 0.3}}]");
    // A schedule entry beyond the run's epochs is named where it is written.
    const ConfigError e = parseError("base: {train: {epochs: 10}}\n"
                                     "grid:\n"
                                     "  train.schedule: [[{epoch: 50, set: {train.lr: 0.3}}]]\n");
    EXPECT_EQ(e.key(), "train.schedule[0].epoch");
}
