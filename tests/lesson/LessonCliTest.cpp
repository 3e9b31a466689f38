// `traveller-cli lesson check` and `lesson show`: exit 0 for a good lesson,
// 1 with the line and column for a bad one; show prints either language.
#include "TestLibrary.h"

#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

namespace {

std::string lessons() { return std::string(TRAVELLER_SOURCE_DIR) + "/resources/lessons/"; }

} // namespace

TEST(LessonCli, CheckPassesTheShippedLessons)
{
    const CliResult r = cli("lesson check " + lessons() + "why-gates.traveller-lesson " + lessons() +
                         "temperature.traveller-lesson " + lessons() + "teacher-forcing-and-beam-search.traveller-lesson");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("ok, 2 step(s)"), std::string::npos) << r.output;
}

TEST(LessonCli, CheckSaysTheLineAndColumnAndFails)
{
    TestLibrary dir;
    const std::string bad = (dir.path() / "bad.traveller-lesson").string();
    std::ofstream(bad) << "title: x\nsteps:\n  - title: a\n    runs:\n      - {preset: book-nope}\n";
    const CliResult r = cli("lesson check " + bad);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("line 5, column 18"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("book-nope"), std::string::npos) << r.output;
    EXPECT_EQ(cli("lesson check").status, 2);
}

TEST(LessonCli, ShowPrintsEitherLanguage)
{
    const CliResult en = cli("lesson show " + lessons() + "why-gates.traveller-lesson");
    EXPECT_EQ(en.status, 0) << en.output;
    EXPECT_NE(en.output.find("Why gates?"), std::string::npos);
    EXPECT_NE(en.output.find("d2l-zh 9.2"), std::string::npos);
    const CliResult zh = cli("lesson show why-gates --lang zh_CN");
    EXPECT_EQ(zh.status, 0) << zh.output;
    EXPECT_NE(zh.output.find("为什么需要门控？"), std::string::npos) << zh.output;
    EXPECT_EQ(cli("lesson show why-gates --lang fr").status, 2);
}

TEST(LessonCli, ReportWritesMarkdownWithTheAnswers)
{
    TestLibrary lib;
    {
        traveller::RunStore store(lib.str());
        store.setLessonAnswer("temperature", 4, "a low one");
    }
    const std::string out = (lib.path() / "report.md").string();
    const CliResult r = cli("lesson report temperature --library " + lib.str() + " --output " + out);
    ASSERT_EQ(r.status, 0) << r.output;
    std::ifstream in(out);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("a low one"), std::string::npos) << text;
    EXPECT_NE(text.find("## Step 5"), std::string::npos) << text;
    EXPECT_EQ(cli("lesson report temperature --lang de").status, 2);
}
