// Whole-file reads and writes of the run folders (internal to the cluster
// sources): a reader, or a kill, never sees half of a file that is written.
#pragma once

#include "traveller/core/Cluster.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace traveller::cluster {

// The file's bytes; empty when it cannot be read.
inline std::string readText(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
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

} // namespace traveller::cluster
