// The core's message catalogue (Messages.h): unique codes, every template read
// back from its own text, and the errors the core throws carrying code and
// arguments (what the window formats in Chinese).
#include "Checkpoint.h"
#include "traveller/core/Errors.h"
#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Messages.h"
#include "traveller/core/lm/Training.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

using namespace traveller;

TEST(Messages, CodesAreUniqueAndEveryTemplateReadsBack)
{
    std::set<std::string> codes;
    static const std::regex placeholder(R"(\{(\d+)\})");
    for (const auto& t : messageCatalogue()) {
        EXPECT_TRUE(codes.insert(t.code).second) << t.code;
        const std::string text = t.english;
        int count = 0;
        for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder); it != std::sregex_iterator(); ++it)
            count = std::max(count, std::stoi((*it)[1].str()) + 1);
        std::vector<std::string> args;
        for (int i = 0; i < count; ++i)
            args.push_back("value " + std::to_string(i) + " x/y.txt");
        const Message m = message(t.code, args);
        const auto parsed = parseMessage(m.text());
        ASSERT_TRUE(parsed) << t.code << ": " << m.text();
        EXPECT_EQ(parsed->code, t.code) << m.text();
        EXPECT_EQ(parsed->args, args) << t.code;
    }
    EXPECT_THROW(message("no.such.code"), std::logic_error);
    EXPECT_FALSE(parseMessage("a text no template made"));
}

TEST(Messages, ErrorsCarryTheirCodeAndArguments)
{
    try {
        parseExperimentYaml("train: {lr: fast}\n", "x.yaml");
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "config.number");
        EXPECT_EQ(e.message().args, std::vector<std::string>{"fast"});
        EXPECT_EQ(std::string(e.what()), "x.yaml: line 1, column 13: train.lr: expected a number, got 'fast'");
    }
    try {
        parseExperimentYaml("train: {epochs: 0}\n");
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.message().code, "config.int_range") << e.what();
    }
    try {
        resolveDeviceSpec("gpu");
        FAIL() << "accepted";
    } catch (const DeviceError& e) {
        EXPECT_EQ(e.message().code, "device.unknown");
        EXPECT_EQ(e.message().args, std::vector<std::string>{"gpu"});
    }
    // A divergence message, as the run library stores it, reads back nested.
    const std::string stored =
        message("train.diverged", {"2", message("train.perplexity_limit", {"1.7e11", "1400", "50"}).text(),
                                   message("train.learning_rate", {"10"}).text()})
            .text();
    const auto outer = parseMessage(stored);
    ASSERT_TRUE(outer);
    EXPECT_EQ(outer->code, "train.diverged");
    ASSERT_EQ(outer->args.size(), 3u);
    EXPECT_EQ(parseMessage(outer->args[1])->code, "train.perplexity_limit");
    EXPECT_EQ(parseMessage(outer->args[2])->args, std::vector<std::string>{"10"});
}

namespace {

// The code and arguments of what `f` throws as E; empty code when it throws nothing.
template <class E, class F>
Message thrown(F f)
{
    try {
        f();
    } catch (const E& e) {
        return e.message();
    }
    return {};
}

struct TempFolder {
    std::filesystem::path path;
    TempFolder()
        : path(std::filesystem::temp_directory_path() /
               ("traveller-messages-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                std::to_string(reinterpret_cast<std::uintptr_t>(this))))
    {
        std::filesystem::create_directories(path);
    }
    ~TempFolder() { std::filesystem::remove_all(path); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

} // namespace

// A library, a checkpoint and a Slurm run folder that cannot be used say why
// by code (the window shows them in Chinese), not in bare English.
TEST(Messages, DamagedFilesCarryTheirCodes)
{
    {
        TempFolder library;
        library.write("runs.sqlite", "");
        const Message m = thrown<StoreError>([&] { RunStore store(library.path.string()); });
        EXPECT_EQ(m.code, "store.damaged");
        ASSERT_EQ(m.args.size(), 2u);
        EXPECT_EQ(parseMessage(m.args[1])->code, "store.empty_file");
    }
    {
        TempFolder library;
        library.write("runs.sqlite", std::string(4096, 'x'));
        EXPECT_EQ(thrown<StoreError>([&] { RunStore store(library.path.string()); }).code, "store.damaged");
    }
    {
        TempFolder library;
        std::filesystem::create_directories(library.path / "runs.sqlite");
        const Message m = thrown<StoreError>([&] { RunStore store(library.path.string()); });
        EXPECT_EQ(m.code, "store.not_regular");
        EXPECT_EQ(m.args, std::vector<std::string>{(library.path / "runs.sqlite").string()});
    }
    {
        TempFolder folder;
        const std::string path = (folder.path / "bad.pt").string();
        torch::nn::Linear model(2, 2);
        torch::optim::SGD optimizer(model->parameters(), 0.1);
        saveCheckpointFile(*model, optimizer, path, {{kCheckpointEpochKey, torch::tensor(std::int64_t{-1})}});
        const Message m = thrown<Error>([&] { checkpointFileEpoch(path); });
        EXPECT_EQ(m.code, "checkpoint.epoch_damaged");
        EXPECT_EQ(m.args, std::vector<std::string>{path});
    }
    {
        TempFolder folder;
        EXPECT_EQ(thrown<ClusterError>([&] { loadSlurmPlan(folder.path.string()); }).code, "cluster.not_a_run_folder");
        folder.write("plan.json", "{\"format\": 7}");
        const Message m = thrown<ClusterError>([&] { loadSlurmPlan(folder.path.string()); });
        EXPECT_EQ(m.code, "cluster.plan_format");
        ASSERT_EQ(m.args.size(), 2u);
        EXPECT_EQ(m.args[1], "7");
        folder.write("plan.json", "{\"format\": 1}");
        EXPECT_EQ(thrown<ClusterError>([&] { loadSlurmPlan(folder.path.string()); }).code, "cluster.file_damaged");
    }
}

// A value read from a hostile file (a 10 MB vocabulary token, a NUL inside
// a key) cannot make a message megabytes long or cut it short: every
// argument is cut near kMaxArgumentBytes, at a character's start, saying
// the whole length, and its control characters are shown, not sent.
TEST(Messages, AHostileArgumentIsCutAndItsControlCharactersShown)
{
    const std::string huge(10 << 20, 'a');
    const std::string withNul("to\0ken\x1b", 7);
    std::string chinese;
    for (int i = 0; i < 600; ++i)
        chinese += "时";  // 3 bytes each
    const Message m = message("torch.vocab_mismatch", {huge, withNul, chinese});
    ASSERT_EQ(m.args.size(), 3u);
    EXPECT_LE(m.args[0].size(), kMaxArgumentBytes + 40);
    EXPECT_EQ(m.args[0].substr(0, 10), std::string(10, 'a'));
    EXPECT_NE(m.args[0].find(std::to_string(huge.size())), std::string::npos);
    EXPECT_EQ(m.args[1], "to\\x00ken\\x1b");
    EXPECT_EQ(m.text().find('\0'), std::string::npos);
    // Cut between characters: what is kept is whole characters of the text.
    const std::string kept = m.args[2].substr(0, m.args[2].find("…"));
    EXPECT_EQ(kept.size() % 3, 0u);
    EXPECT_EQ(chinese.compare(0, kept.size(), kept), 0);
    EXPECT_LE(kept.size(), kMaxArgumentBytes + 3);
    // Ordinary arguments are untouched, newlines and tabs included.
    EXPECT_EQ(message("torch.vocab_mismatch", {"a\tb\nc", "x", "y"}).args[0], "a\tb\nc");
    EXPECT_EQ(shownValue("0123456789", 4).substr(0, 4), "0123");
}
