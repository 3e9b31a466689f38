// The commands of traveller-cli and the rules they share for reading their
// arguments. main.cpp builds one CLI11 application; each file registers its
// family of subcommands on it (train.. in TrainCommands.cpp, translate/bleu,
// bench, sweep/runs). A command's callback stores its exit status.
#pragma once

#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace traveller::cli {

// Bad usage found after parsing (a number out of range, a missing choice):
// exit status 2 and a pointer to the command's --help, like CLI11's own.
struct UsageError : Error {
    using Error::Error;
};

// All of `text` as a whole number from lo to hi, else UsageError naming `option`.
int wholeNumber(const std::string& option, const std::string& text, long lo, long hi);
// All of `text` as a finite decimal from lo to hi ("5x", "nan", "1e308" refused).
double decimalNumber(const std::string& option, const std::string& text, double lo, double hi);
// `text` within the range the schema gives `key` (ConfigKeyInfo::minimum ..
// maximum): an option that sets a config key takes the key's own bounds.
double schemaNumber(const std::string& option, const std::string& text, const ConfigKeyInfo& key);
// --threads, bounded as train.threads.
int threadsOption(const std::string& text);
// A run id of the library (a positive whole number).
std::int64_t runId(const std::string& text);
// "3 5-8" -> 3 5 6 7 8; a range naming over a million runs is refused.
std::vector<std::int64_t> runIds(const std::vector<std::string>& items);

// An option that may be given many times, one value each (--set A=1 --set
// B=2): a later word is never swallowed as a second value.
CLI::Option* repeatable(CLI::Option* option);

void addTrainCommands(CLI::App& app, int& status);      // train, fetch-data, presets, schema, devices, version
void addTranslateCommands(CLI::App& app, int& status);  // translate, bleu
void addBenchCommand(CLI::App& app, int& status);       // bench
void addSweepCommands(CLI::App& app, int& status);      // sweep, sweep status, sweep task
void addRunsCommands(CLI::App& app, int& status);       // runs list, show, ..., resume, generate
void addInspectCommand(CLI::App& app, int& status);     // inspect
void addLabCommands(CLI::App& app, int& status);        // lab run, status, report, note
void addLessonCommands(CLI::App& app, int& status);     // lesson check, show, list, answers
void addRunsEvidenceCommands(CLI::App& app, int& status);  // runs diff, runs groups, sweep importance (after both)
void addTorchCommands(CLI::App& app, int& status);         // runs import-torch, export-torch (after runs)

} // namespace traveller::cli
