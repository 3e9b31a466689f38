// The core's message catalogue (Messages.h): unique codes, every template read
// back from its own text, and the errors the core throws carrying code and
// arguments (what the window formats in Chinese).
#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Messages.h"
#include "traveller/core/lm/Training.h"

#include <gtest/gtest.h>

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
