// What `traveller-cli sweep` (SweepCommands.cpp) and `traveller-cli runs`
// (RunsCommands.cpp) share: their options and the helpers both use.
#pragma once

#include "traveller/core/store/RunStore.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace traveller::cli {

// Every option of `sweep` and the `runs` subcommands; each command
// registers the ones it takes (addSweepCommands, addRunsCommands).
struct Args {
    std::vector<std::string> positional;
    std::string library, dataDir, threads, parallel, device, checkpointEvery = "0", sweep, output, prefix,
        length, temperature = "0";
    bool dryRun = false, quiet = false, everyEpoch = false, csv = false, markdown = false, json = false,
         noChain = false, fromScratch = false;
    // sweep --slurm, sweep status/task, runs import
    bool slurm = false, ended = false;
    // runs fork, runs note
    std::vector<std::string> sets;
    std::string epoch, name, note, noteFile, where;
    bool noTrain = false;
    std::string partition, maxParallel = "0", time, cpusPerTask = "1", gpusPerTask = "0", runFolder, level = "0",
        task;
};

// A number with `decimals` decimals, "-" when there is none.
std::string fixed(double value, int decimals);
// The runs as `runs list` and the end of a sweep print them.
void printTable(const std::vector<StoredRun>& runs, std::ostream& out);
// `runs import`: a Slurm sweep's ended runs into the library.
int runsImportCommand(const Args& a);
// Trains a stored run (resume, rerun; with continueBy > 0, that many epochs
// further: runs continue), printing its JSON Lines.
int trainStored(RunStore& store, std::int64_t id, const Args& a, int continueBy = 0);
// A positional argument that appends to Args::positional, in order.
CLI::Option* positional(CLI::App* command, const std::shared_ptr<Args>& args, const std::string& name,
                        const std::string& help);
void libraryOption(CLI::App* command, Args& a);
void trainingOptions(CLI::App* command, Args& a);

} // namespace traveller::cli
