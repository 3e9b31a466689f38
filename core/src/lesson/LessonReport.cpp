// A lesson's report (Lesson.h: lessonReport): the steps, the student's
// answers and what the checks measured, as Markdown in English or 简体中文.
#include "traveller/core/Format.h"
#include "traveller/core/io/Escape.h"
#include "traveller/core/lesson/Lesson.h"
#include "traveller/core/store/RunStore.h"

#include <cmath>
#include <map>
#include <sstream>

namespace traveller::lesson {

namespace {

// The report's own words; every other text is the lesson's.
std::string word(const std::string& english, const std::string& lang)
{
    static const std::map<std::string, std::string> zh = {
        {"Book", "教材"},
        {"Step", "第 {0} 步"},
        {"Question", "问题"},
        {"Answer", "回答"},
        {"no answer yet", "尚无回答"},
        {"Checks", "检查"},
        {"not measured yet", "尚未测得"},
        {"expected", "预期"},
        {"Report of the lesson", "课程报告"},
    };
    if (lang.rfind("zh", 0) == 0)
        if (const auto it = zh.find(english); it != zh.end())
            return it->second;
    return english == "Step" ? "Step {0}" : english;
}

// The newest finished run of the library named `label`; 0 when none.
std::int64_t runNamed(const std::vector<StoredRun>& runs, const std::string& label)
{
    std::int64_t id = 0;
    for (const StoredRun& r : runs)
        if (r.name == label && r.state == StoredState::Finished && r.id > id)
            id = r.id;
    return id;
}

std::string checkLine(RunStore& store, const std::vector<StoredRun>& runs, const LessonCheck& c, const std::string& lang)
{
    std::ostringstream out;
    out << "- " << markdownText(c.run) << ", " << markdownCode(c.check.metric) << ": ";
    const std::int64_t id = runNamed(runs, c.run);
    const double measured = id > 0 ? measureCheck(store, store.run(id), c.check) : std::nan("");
    const std::string expected = word("expected", lang) + " " + formatNumber(c.check.value, 2) + " ± " +
                                 formatNumber(c.check.tolerance, 2);
    if (std::isnan(measured))
        out << word("not measured yet", lang) << " (" << expected << ")";
    else
        out << formatNumber(measured, 2) << (std::abs(measured - c.check.value) <= c.check.tolerance ? " ✓" : " ✗")
            << " (" << expected << ", run " << id << ")";
    return out.str();
}

} // namespace

std::string lessonReport(const Lesson& lesson, RunStore& store, const std::string& lang)
{
    std::ostringstream out;
    out << "# " << word("Report of the lesson", lang) << ": " << markdownText(lesson.title.of(lang)) << "\n\n";
    if (!lesson.summary.empty())
        out << markdownText(lesson.summary.of(lang)) << "\n\n";
    for (const BookSection& b : lesson.book)
        out << "- " << word("Book", lang) << ": d2l " << markdownText(b.d2l) << " / d2l-zh " << markdownText(b.d2lZh)
            << (b.title.empty() ? "" : " " + markdownText(b.title.of(lang))) << "\n";
    const auto answers = store.lessonAnswers(lesson.name);
    const std::vector<StoredRun> runs = store.runs();
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        const LessonStep& s = lesson.steps[i];
        out << "\n## " << fillTemplate(word("Step", lang), {std::to_string(i + 1)}) << ": "
            << markdownText(s.title.of(lang)) << "\n\n";
        if (!s.text.empty())
            out << markdownText(s.text.of(lang)) << "\n\n";
        if (!s.question.empty()) {
            out << "**" << word("Question", lang) << "**: " << markdownText(s.question.of(lang)) << "\n\n";
            const auto it = answers.find(static_cast<int>(i));
            out << "**" << word("Answer", lang) << "**: "
                << (it != answers.end() ? markdownText(it->second) : "*" + word("no answer yet", lang) + "*") << "\n\n";
        }
        if (!s.checks.empty()) {
            out << "**" << word("Checks", lang) << "**:\n\n";
            for (const LessonCheck& c : s.checks)
                out << checkLine(store, runs, c, lang) << "\n";
        }
    }
    return out.str();
}

} // namespace traveller::lesson
