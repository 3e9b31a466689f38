// Where the corpora live, how they are checked, and how they are fetched.
// Layout of a data folder (as ../shared/data): timemachine.txt, fra-eng/fra.txt.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace traveller {

enum class DataFile { TimeMachine, FraEng };

struct DataFileInfo {
    DataFile id;
    std::string relativePath;             // inside the data folder
    std::vector<std::string> acceptedSha1; // any of these is a good file
    std::string url;                       // file name on the book's data host ($TRAVELLER_DATA_HOST)
    std::string urlSha1;                   // of what the URL serves
    std::string archiveMember;             // non-empty: the URL is a zip holding this member
};
const DataFileInfo& dataFileInfo(DataFile file);

// --data-dir if given, else $TRAVELLER_DATA_DIR, else the per-user cache
// ($XDG_CACHE_HOME/traveller/data or ~/.cache/traveller/data).
std::string resolveDataDir(const std::string& option = "");

std::string sha1Hex(const std::string& bytes);
std::string sha1OfFile(const std::string& path);  // throws CorpusError if unreadable

// The verified path of a known file; throws CorpusError naming the file, the
// expected SHA-1 and what to do (fetch-data, --data-dir) when it is missing or wrong.
std::string requireDataFile(DataFile file, const std::string& dataDir);

// Downloads a known file into dataDir with curl, verifies its SHA-1 and only
// then moves it into place; a bad download never replaces anything. `log`
// receives one-line progress messages. Throws CorpusError on failure.
void fetchDataFile(DataFile file, const std::string& dataDir,
                   const std::function<void(const std::string&)>& log = {});

} // namespace traveller
