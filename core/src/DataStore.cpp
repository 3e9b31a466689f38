#include "traveller/core/DataStore.h"

#include "traveller/core/Errors.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace traveller {

std::string sha1OfFileImpl(std::FILE* f);  // Sha1.cpp

namespace fs = std::filesystem;

namespace {

// The book's public data host; TRAVELLER_DATA_HOST points elsewhere (a mirror).
const std::string kBookDataHost = "http://d2l-data.s3-accelerate.amazonaws.com/";

std::string dataHost()
{
    const char* env = std::getenv("TRAVELLER_DATA_HOST");
    std::string host = env && *env ? env : kBookDataHost;
    if (host.back() != '/')
        host += '/';
    return host;
}

// Runs a program without a shell; returns its exit status (-1 if it could not start).
int runProgram(const std::vector<std::string>& argv)
{
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid;
    if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0)
        return -1;
    int status = 0;
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

const DataFileInfo& dataFileInfo(DataFile file)
{
    static const DataFileInfo timeMachine{DataFile::TimeMachine,
                                          "timemachine.txt",
                                          {"090b5e7e70c295757f55df93cb0a180b9691891a"},
                                          "timemachine.txt",
                                          "090b5e7e70c295757f55df93cb0a180b9691891a",
                                          ""};
    // The full Tatoeba file the book ships, or its first 25,000 lines (the copy CI uses).
    static const DataFileInfo fraEng{DataFile::FraEng,
                                     "fra-eng/fra.txt",
                                     {"c43f99dce27311d3afd4d3e0716848194cfcc103",
                                      "beac26a0efc2465a79cc637888af57689769e2dc"},
                                     "fra-eng.zip",
                                     "94646ad1522d915e7b0f9296181140edcf86a4f5",
                                     "fra-eng/fra.txt"};
    return file == DataFile::TimeMachine ? timeMachine : fraEng;
}

std::string resolveDataDir(const std::string& option)
{
    if (!option.empty())
        return option;
    if (const char* env = std::getenv("TRAVELLER_DATA_DIR"); env && *env)
        return env;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/traveller/data";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/traveller/data";
    return ".traveller-data";
}

std::string sha1OfFile(const std::string& path)
{
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f)
        throw CorpusError(path, "cannot be read");
    const std::string hex = sha1OfFileImpl(f);
    std::fclose(f);
    return hex;
}

std::string requireDataFile(DataFile file, const std::string& dataDir)
{
    const DataFileInfo& info = dataFileInfo(file);
    const std::string path = (fs::path(dataDir) / info.relativePath).string();
    const std::string remedy =
        "; run `traveller-cli fetch-data` to download it, or point --data-dir / TRAVELLER_DATA_DIR at a folder "
        "holding " + info.relativePath;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw CorpusError(path, "missing (expected SHA-1 " + info.acceptedSha1.front() + ")" + remedy);
    const std::string actual = sha1OfFile(path);
    for (const auto& good : info.acceptedSha1)
        if (actual == good)
            return path;
    throw CorpusError(path, "SHA-1 is " + actual + ", expected " + info.acceptedSha1.front() +
                                " (the file is truncated, corrupt or a different text)" + remedy);
}

void fetchDataFile(DataFile file, const std::string& dataDir, const std::function<void(const std::string&)>& log)
{
    const DataFileInfo& info = dataFileInfo(file);
    const fs::path target = fs::path(dataDir) / info.relativePath;
    auto say = [&](const std::string& s) {
        if (log)
            log(s);
    };
    std::error_code ec;
    if (fs::is_regular_file(target, ec)) {
        try {
            requireDataFile(file, dataDir);
            say(target.string() + " is already present and verified");
            return;
        } catch (const CorpusError&) {
            say(target.string() + " is present but fails its SHA-1 check; downloading a fresh copy");
        }
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec)
        throw CorpusError(target.string(), "cannot create folder " + target.parent_path().string() + ": " + ec.message());
    const std::string download = target.string() + ".download";
    const std::string url = dataHost() + info.url;
    say("downloading " + url);
    const int rc = runProgram({"curl", "--fail", "--location", "--silent", "--show-error", "--max-time", "600",
                               "--output", download, url});
    if (rc != 0) {
        fs::remove(download, ec);
        throw CorpusError(target.string(), rc < 0 ? "cannot run curl to download " + url
                                                  : "download of " + url + " failed (curl exit " +
                                                        std::to_string(rc) + "); nothing was changed");
    }
    const std::string got = sha1OfFile(download);
    if (got != info.urlSha1) {
        fs::remove(download, ec);
        throw CorpusError(target.string(), "download of " + url + " has SHA-1 " + got + ", expected " +
                                               info.urlSha1 + "; nothing was changed");
    }
    std::string ready = download;
    if (!info.archiveMember.empty()) {
        const std::string extracted = target.string() + ".extracted";
        const std::string extractDir = target.string() + ".unzip";
        fs::remove_all(extractDir, ec);
        const int urc = runProgram({"unzip", "-q", "-o", download, info.archiveMember, "-d", extractDir});
        fs::remove(download, ec);
        if (urc != 0) {
            fs::remove_all(extractDir, ec);
            throw CorpusError(target.string(), "cannot unzip " + url + " (is `unzip` installed?)");
        }
        fs::rename(fs::path(extractDir) / info.archiveMember, extracted, ec);
        fs::remove_all(extractDir, ec);
        ready = extracted;
    }
    const std::string member = sha1OfFile(ready);
    bool ok = false;
    for (const auto& good : info.acceptedSha1)
        ok = ok || member == good;
    if (!ok) {
        fs::remove(ready, ec);
        throw CorpusError(target.string(), "downloaded file has SHA-1 " + member + ", expected " +
                                               info.acceptedSha1.front() + "; nothing was changed");
    }
    fs::rename(ready, target, ec);
    if (ec)
        throw CorpusError(target.string(), "cannot move the verified download into place: " + ec.message());
    say(target.string() + " verified (SHA-1 " + member + ")");
}

} // namespace traveller
