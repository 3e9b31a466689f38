// `traveller-cli lesson`: a teacher's lesson files (Lesson.h, docs/LESSONS.md).
// `lesson check` reads each file as the window would and says what is wrong
// with its line and column (exit 1), `lesson show` prints a lesson's steps in
// English or 简体中文, `lesson list` the shipped ones, `lesson answers` the
// students' answers kept in the run library, `lesson report` all of it with
// what the checks measured, as Markdown.
#include "Commands.h"

#include "traveller/core/lesson/Lesson.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/RunStore.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace traveller::cli {

namespace {

using namespace traveller::lesson;

struct Args {
    std::vector<std::string> files;
    std::string file, lang = "en", library, output;
};

std::string lessonPath(const std::string& arg)
{
    const std::string path = resolveLesson(arg);
    return path.empty() ? arg : path;  // loadLesson says what is wrong with it
}

std::string joined(const std::vector<std::string>& items, const std::string& sep = ", ")
{
    std::string out;
    for (const std::string& s : items)
        out += (out.empty() ? "" : sep) + s;
    return out;
}

int checkFiles(const std::vector<std::string>& files)
{
    int status = 0;
    for (const std::string& arg : files) {
        try {
            const Lesson l = loadLesson(lessonPath(arg));
            checkLibraryRuns(l);  // the weights of its library's runs, as the window opens them
            std::cout << l.path << ": ok, " << l.steps.size() << " step(s)\n";
        } catch (const Error& e) {
            std::cerr << e.what() << '\n';
            status = 1;
        }
    }
    return status;
}

void showRun(const LessonRun& r)
{
    std::cout << "    run " << r.label << ": ";
    if (!r.open.empty())
        std::cout << "opened from the lesson's library (" << r.open << ")";
    else
        std::cout << "preset " << r.preset;
    for (const auto& [k, v] : r.set)
        std::cout << ", " << k << "=" << v;
    std::cout << '\n';
}

void showStep(const LessonStep& s, std::size_t index, const std::string& lang)
{
    std::cout << "\n" << index + 1 << ". " << s.title.of(lang) << '\n';
    if (!s.text.empty())
        std::cout << "  " << s.text.of(lang) << '\n';
    std::cout << "  tabs: " << joined(s.shownTabs()) << '\n';
    if (!s.hide.empty())
        std::cout << "  hidden: " << joined(s.hide) << '\n';
    for (const LockedControl& l : s.lock)
        std::cout << "  locked: " << l.control << " (" << l.why.of(lang) << ")\n";
    for (const FixedSetting& f : s.set)
        std::cout << "  fixed: " << f.key << " = " << f.value << '\n';
    for (const LessonRun& r : s.runs)
        showRun(r);
    if (s.lens)
        std::cout << "  lens: " << s.lens->run << ", " << s.lens->value << ", \"" << s.lens->text << "\"\n";
    if (s.sample)
        std::cout << "  sample: \"" << s.sample->prefix << "\", " << s.sample->length << " characters, temperature "
                  << s.sample->temperature << '\n';
    for (const LessonCheck& c : s.checks)
        std::cout << "  check: " << c.run << " " << c.check.metric << " " << c.check.value << " ± " << c.check.tolerance
                  << '\n';
    if (!s.question.empty())
        std::cout << "  question: " << s.question.of(lang) << '\n';
}

int show(const Args& a)
{
    if (a.lang != "en" && a.lang != "zh_CN")
        throw UsageError("--lang is en or zh_CN, not '" + a.lang + "'");
    const Lesson l = loadLesson(lessonPath(a.file));
    std::cout << l.title.of(a.lang) << '\n';
    if (!l.summary.empty())
        std::cout << l.summary.of(a.lang) << '\n';
    for (const BookSection& b : l.book)
        std::cout << "  d2l " << (b.d2l.empty() ? "-" : b.d2l) << " / d2l-zh " << (b.d2lZh.empty() ? "-" : b.d2lZh)
                  << (b.title.empty() ? "" : ": " + b.title.of(a.lang)) << '\n';
    if (l.presentation)
        std::cout << "  (starts in presentation mode)\n";
    for (std::size_t i = 0; i < l.steps.size(); ++i)
        showStep(l.steps[i], i, a.lang);
    return 0;
}

int answers(const Args& a)
{
    const Lesson l = loadLesson(lessonPath(a.file));
    RunStore store(RunStore::resolveFolder(a.library));
    const auto kept = store.lessonAnswers(l.name);
    for (const auto& [step, text] : kept)
        if (step >= 0 && static_cast<std::size_t>(step) < l.steps.size())
            std::cout << step + 1 << ". " << l.steps[static_cast<std::size_t>(step)].question.of(a.lang) << "\n   "
                      << text << '\n';
    if (kept.empty())
        std::cout << "no answers to " << l.name << " in " << store.folder() << '\n';
    return 0;
}

int report(const Args& a)
{
    if (a.lang != "en" && a.lang != "zh_CN")
        throw UsageError("--lang is en or zh_CN, not '" + a.lang + "'");
    const Lesson l = loadLesson(lessonPath(a.file));
    RunStore store(RunStore::resolveFolder(a.library));
    const std::string text = lessonReport(l, store, a.lang);
    if (a.output.empty()) {
        std::cout << text;
        return 0;
    }
    writeFileAtomically(a.output, text);  // a pipe, a device or a folder there is refused
    std::cout << "wrote " << a.output << '\n';
    return 0;
}

} // namespace

void addLessonCommands(CLI::App& app, int& status)
{
    auto args = std::make_shared<Args>();
    CLI::App* lesson = app.add_subcommand("lesson", "Lesson files for class (*.traveller-lesson): check, show, list, answers, report");
    lesson->require_subcommand(1);

    CLI::App* check = lesson->add_subcommand("check", "Check lesson files; errors name the line and column (exit 1)");
    check->add_option("files", args->files, "Lesson files, or names of shipped lessons")->required();
    check->callback([args, &status] { status = checkFiles(args->files); });

    CLI::App* showCmd = lesson->add_subcommand("show", "Print a lesson's steps");
    showCmd->add_option("file", args->file, "Lesson file, or the name of a shipped lesson")->required();
    showCmd->add_option("--lang", args->lang, "en or zh_CN (default en)");
    showCmd->callback([args, &status] { status = show(*args); });

    CLI::App* list = lesson->add_subcommand("list", "List the lessons shipped with Traveller");
    list->callback([&status] {
        for (const std::string& path : shippedLessons())
            std::cout << std::filesystem::path(path).stem().string() << "  " << path << '\n';
        status = 0;
    });

    CLI::App* answersCmd = lesson->add_subcommand("answers", "Print the students' answers kept in the run library");
    answersCmd->add_option("file", args->file, "Lesson file, or the name of a shipped lesson")->required();
    answersCmd->add_option("--library", args->library, "Run library folder");
    answersCmd->add_option("--lang", args->lang, "en or zh_CN (default en)");
    answersCmd->callback([args, &status] { status = answers(*args); });

    CLI::App* reportCmd = lesson->add_subcommand("report", "The lesson's report (Markdown): steps, answers, checks");
    reportCmd->add_option("file", args->file, "Lesson file, or the name of a shipped lesson")->required();
    reportCmd->add_option("--library", args->library, "Run library folder");
    reportCmd->add_option("--lang", args->lang, "en or zh_CN (default en)");
    reportCmd->add_option("--output", args->output, "Write it to FILE.md (default: standard output)")->type_name("FILE");
    reportCmd->callback([args, &status] { status = report(*args); });
}

} // namespace traveller::cli
