// Where the corpora live, how they are checked, and how they are fetched.
// Layout of a data folder (as ../shared/data): timemachine.txt, fra-eng/fra.txt.
#pragma once

#include "traveller/core/Errors.h"

#include <atomic>
#include <cstdint>
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

// "Use a local file" for a known file: when `sourcePath` is the book's copy
// (its SHA-1 is one of acceptedSha1), puts it into dataDir, where every
// front end and the lab look (copied beside the target, checked again, then
// renamed into place: a failed copy changes nothing), and returns true. Any
// other file: false, nothing changed. Throws CorpusError when the file cannot
// be read (a FIFO or a folder is refused, never waited on) or the data
// folder cannot be written.
bool installDataFile(DataFile file, const std::string& sourcePath, const std::string& dataDir);

// What a download tells and how it is stopped.
struct FetchControl {
    std::function<void(const std::string&)> log;  // one-line messages
    // Bytes received and expected (0 while unknown), about once a second.
    std::function<void(std::int64_t done, std::int64_t total)> progress;
    // When it turns true the download ends within about a second with
    // FetchCancelled, and nothing is changed.
    const std::atomic<bool>* cancel = nullptr;
};

class FetchCancelled : public CorpusError {
public:
    using CorpusError::CorpusError;
};

// Downloads a known file into dataDir (libcurl; zip members through
// libarchive), verifies its SHA-1 and only then moves it into place; a bad or
// cancelled download never replaces anything. Throws CorpusError on failure.
void fetchDataFile(DataFile file, const std::string& dataDir, const FetchControl& control);
void fetchDataFile(DataFile file, const std::string& dataDir,
                   const std::function<void(const std::string&)>& log = {});

} // namespace traveller
