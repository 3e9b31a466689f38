// Whole-file reads and writes of the run folders (internal to the cluster
// sources): a reader, or a kill, never sees half of a file that is written.
#pragma once

#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/io/SafeFile.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace traveller::cluster {

// A run folder sits on a file system other people may write to: its files
// are read only when they are plain files, not symbolic links (to a file
// anywhere on the machine), not FIFOs (which block), and not larger than
// this. Epoch lines of the longest sweep fit many times over.
constexpr std::uint64_t kMaxRunFolderFile = 64ULL << 20;

// The file's bytes; empty when there is no such file. FileError for one that
// is not a plain file, a symbolic link, too large or unreadable.
inline std::string readText(const std::filesystem::path& path, std::uint64_t limit = kMaxRunFolderFile)
{
    try {
        return readRegularFile(path.string(), {limit, true});
    } catch (const FileError& e) {
        if (e.message().code == "file.missing")
            return {};
        throw;
    }
}

// A whole new file renamed over the old one; executable for the job scripts.
inline void writeWhole(const std::filesystem::path& path, const std::string& text, bool executable = false)
{
    namespace fs = std::filesystem;
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            throw ClusterError("cannot write '" + tmp.string() + "'");
    }
    std::error_code ec;
    if (executable)
        fs::permissions(tmp,
                        fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec,
                        ec);
    fs::rename(tmp, path, ec);
    if (ec)
        throw ClusterError("cannot write '" + path.string() + "': " + ec.message());
}

// Run `run`'s folder: <plan folder>/tasks/<run>.
inline std::string taskFolder(const SlurmPlan& plan, std::size_t run)
{
    return (std::filesystem::path(plan.folder) / "tasks" / std::to_string(run)).string();
}

// How messages name a task: "task 3 (lr=1)".
inline std::string taskName(const PlannedRun& run)
{
    return "task " + std::to_string(run.index) + (run.label.empty() ? "" : " (" + run.label + ")");
}

} // namespace traveller::cluster
