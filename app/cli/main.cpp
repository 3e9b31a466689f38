// traveller-cli: the headless front end. Same YAML experiments as the GUI;
// results as JSON Lines on stdout, human progress on stderr. One CLI11
// application; each command family registers itself (Commands.h).
#include "Commands.h"

#include "traveller/core/lm/Precision.h"
#include "traveller/core/lm/Training.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

using namespace traveller;

namespace {

constexpr const char* kFooter = R"(CONFIG is a YAML experiment file or the name of a preset (traveller-cli presets).
Data: --data-dir, else $TRAVELLER_DATA_DIR, else ~/.cache/traveller/data.
Every command has its own --help (traveller-cli runs export --help).
Exit status: 0 finished, 1 error, 2 bad usage, 3 diverged, 130 interrupted.
)";

// "traveller-cli runs export": the command the arguments selected, deepest first.
std::string commandPath(const CLI::App& app)
{
    std::string path = "traveller-cli";
    const CLI::App* at = &app;
    for (;;) {
        const auto chosen = at->get_subcommands();
        if (chosen.empty())
            return path;
        at = chosen.front();
        path += " " + at->get_name();
    }
}

int usageError(const CLI::App& app, const std::string& what)
{
    const std::string path = commandPath(app);
    std::cerr << path << ": " << what << "\n(see " << path << " --help)\n";
    return 2;
}

int runCommand(int argc, char** argv)
{
    CLI::App app("traveller-cli — train and compare recurrent language models (Dive into Deep Learning, ch. 8-9)",
                 "traveller-cli");
    app.require_subcommand(1);
    app.set_version_flag("--version", [] {
        return "traveller-cli " TRAVELLER_VERSION " (LibTorch " + torchVersion() + ")\n" + bf16Summary();
    });
    int status = 0;
    cli::addTrainCommands(app, status);
    cli::addTranslateCommands(app, status);
    cli::addBenchCommand(app, status);
    cli::addSweepCommands(app, status);
    cli::addRunsCommands(app, status);
    cli::addRunsEvidenceCommands(app, status);
    cli::addTorchCommands(app, status);
    cli::addInspectCommand(app, status);
    cli::addLabCommands(app, status);
    cli::addLessonCommands(app, status);
    app.footer(kFooter);  // after the commands: theirs do not inherit it

    if (argc < 2) {
        std::cerr << app.help();
        return 2;
    }
    if (std::string(argv[1]) == "help") {
        std::cout << app.help();
        return 0;
    }
    const std::string first = argv[1];
    if (first.rfind("-", 0) != 0 &&
        app.get_subcommands([&](const CLI::App* c) { return c->get_name() == first; }).empty())
        return usageError(app, "unknown command '" + first + "'");
    try {
        app.parse(argc, argv);
        return status;
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();  // the selected command's own
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::CallForVersion& e) {
        std::cout << e.what() << '\n';
        return 0;
    } catch (const CLI::ParseError& e) {
        return usageError(app, e.what());
    } catch (const cli::UsageError& e) {
        return usageError(app, e.what());
    } catch (const std::exception& e) {
        std::cerr << "traveller-cli: " << e.what() << '\n';
        return 1;
    }
}

// What a command printed must have reached standard output: `runs list >
// /dev/full` fails, it does not exit 0 with the text lost.
int checkedStdout(int status)
{
    errno = 0;
    std::cout.flush();
    const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (!failed)
        return status;
    std::cerr << "traveller-cli: cannot write to standard output"
              << (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string()) << '\n';
    return status != 0 ? status : 1;
}

} // namespace

int main(int argc, char** argv) { return checkedStdout(runCommand(argc, argv)); }
