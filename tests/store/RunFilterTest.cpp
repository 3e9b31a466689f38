// The one filter language of the Runs tab and `runs list --where` (issue 28.6).
#include "TestLibrary.h"

#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/store/RunFilter.h"

#include <gtest/gtest.h>

using namespace traveller;

namespace {

StoredRun run(std::int64_t id, const std::string& yaml, const std::string& name, std::vector<std::string> tags = {},
              const std::string& note = "")
{
    StoredRun r;
    r.id = id;
    r.name = name;
    r.configYaml = toYaml(parseExperimentYaml(yaml));
    r.tags = std::move(tags);
    r.note = note;
    r.state = StoredState::Finished;
    r.perplexity = 1.5;
    return r;
}

std::vector<std::int64_t> kept(const std::string& filter, const std::vector<StoredRun>& runs)
{
    const RunFilter f = parseRunFilter(filter);
    std::vector<std::int64_t> out;
    for (const auto& r : runs)
        if (matches(f, r))
            out.push_back(r.id);
    return out;
}

std::string codeOf(const std::string& filter)
{
    try {
        parseRunFilter(filter);
    } catch (const Error& e) {
        return e.message().code;
    }
    return "";
}

} // namespace

TEST(RunFilter, SettingsTagsNotesAndTextAllMustMatch)
{
    const std::vector<StoredRun> runs{
        run(1, "model: {arch: gru, hidden: 256}\ntrain: {lr: 1}\n", "GRU one", {"lab"}, "smooth curve"),
        run(2, "model: {arch: gru, hidden: 512}\ntrain: {lr: 0.1}\n", "GRU slow", {"lab", "slow"}),
        run(3, "model: {arch: lstm, hidden: 256}\ntrain: {lr: 10}\n", "LSTM hot", {}, "overfits after 300"),
    };
    EXPECT_EQ(kept("", runs), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(kept("cell=gru", runs), (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(kept("cell=GRU lr<1", runs), (std::vector<std::int64_t>{2}));
    EXPECT_EQ(kept("lr>=1", runs), (std::vector<std::int64_t>{1, 3}));        // as numbers: 10 > 1
    EXPECT_EQ(kept("model.hidden!=256", runs), (std::vector<std::int64_t>{2}));
    EXPECT_EQ(kept("tag:lab", runs), (std::vector<std::int64_t>{1, 2}));
    EXPECT_EQ(kept("#slow", runs), (std::vector<std::int64_t>{2}));
    EXPECT_EQ(kept("note:OVERFITS", runs), (std::vector<std::int64_t>{3}));
    EXPECT_EQ(kept("hot", runs), (std::vector<std::int64_t>{3}));             // free text: the name
    EXPECT_EQ(kept("smooth", runs), (std::vector<std::int64_t>{1}));          // free text: the note
    EXPECT_EQ(kept("id>1 status=finished", runs), (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(kept("cell=gru #nothing", runs), (std::vector<std::int64_t>{}));
}

TEST(RunFilter, BadFiltersAreNamed)
{
    EXPECT_EQ(codeOf("colour=red"), "filter.unknown_key");
    EXPECT_EQ(codeOf("lr<"), "filter.empty_value");
    EXPECT_EQ(codeOf("tag:"), "filter.empty_value");
    EXPECT_EQ(codeOf("lr<1 cell=gru  "), "");
    // A translation run has no language-model settings: a setting matches nothing.
    StoredRun t;
    t.kind = "translate";
    t.name = "seq2seq";
    EXPECT_FALSE(matches(parseRunFilter("lr<1"), t));
    EXPECT_TRUE(matches(parseRunFilter("seq2seq"), t));
}

TEST(RunFilter, TheCliListsWhatTheFilterMatches)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        NewRun a;
        a.config = parseExperimentYaml("model: {arch: gru}\n");
        NewRun b;
        b.config = parseExperimentYaml("model: {arch: lstm}\n");
        store.createRun(a);
        const auto id = store.createRun(b);
        store.setNote(id, "the gates help");
    }
    const std::string library = " --library '" + lib.str() + "'";
    const CliResult lstm = cli("runs list --json --where 'cell=lstm note:gates'" + library);
    ASSERT_EQ(lstm.status, 0) << lstm.output;
    EXPECT_EQ(std::count(lstm.output.begin(), lstm.output.end(), '\n'), 1) << lstm.output;
    EXPECT_NE(lstm.output.find("\"id\":2"), std::string::npos) << lstm.output;
    const CliResult bad = cli("runs list --where 'colour=red'" + library);
    EXPECT_EQ(bad.status, 1) << bad.output;
}

TEST(RunFilter, AFamilyIsItsRootAndEveryForkBelow)
{
    auto fork = [](std::int64_t id, std::int64_t parent) {
        StoredRun r = run(id, "model: {arch: gru}\n", "run " + std::to_string(id));
        r.parentId = parent;
        r.branchEpoch = parent > 0 ? 10 : 0;
        return r;
    };
    // 1 <- 2 <- 3; 4 forked from a deleted 9 (its own root); 5 alone.
    const std::vector<StoredRun> runs{fork(1, 0), fork(2, 1), fork(3, 2), fork(4, 9), fork(5, 0)};
    auto ids = [&](const std::string& filter) {
        std::vector<std::int64_t> out;
        for (const auto& r : filterRuns(parseRunFilter(filter), runs))
            out.push_back(r.id);
        return out;
    };
    EXPECT_EQ(ids("family:3"), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(ids("family:1"), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(ids("family:4"), (std::vector<std::int64_t>{4}));
    EXPECT_EQ(ids("family:2 id>1"), (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(ids("family:77"), (std::vector<std::int64_t>{}));
    EXPECT_EQ(codeOf("family:x"), "filter.empty_value");
}
