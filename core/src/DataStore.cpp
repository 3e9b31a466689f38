#include "traveller/core/DataStore.h"

#include "CorpusFile.h"
#include "traveller/core/Errors.h"

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>

#include <unistd.h>

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
    // A regular file only: a FIFO put where the corpus belongs is refused, not waited on.
    const int fd = openCorpusFile(path, "corpus.unreadable");
    std::FILE* f = ::fdopen(fd, "rb");
    if (!f) {
        ::close(fd);
        throw CorpusError(path, message("corpus.unreadable"));
    }
    const std::string hex = sha1OfFileImpl(f);
    std::fclose(f);
    return hex;
}

std::string requireDataFile(DataFile file, const std::string& dataDir)
{
    const DataFileInfo& info = dataFileInfo(file);
    const std::string path = (fs::path(dataDir) / info.relativePath).string();
    std::error_code ec;
    // Something that is there but not a file (a FIFO, a folder) is refused by sha1OfFile, saying what it is.
    if (!fs::exists(path, ec))
        throw CorpusError(path, message("corpus.missing", {info.acceptedSha1.front(), info.relativePath}));
    const std::string actual = sha1OfFile(path);
    for (const auto& good : info.acceptedSha1)
        if (actual == good)
            return path;
    throw CorpusError(path, message("corpus.wrong_sha1", {actual, info.acceptedSha1.front(), info.relativePath}));
}

namespace {

bool acceptedSha1(const DataFileInfo& info, const std::string& sha1)
{
    for (const auto& good : info.acceptedSha1)
        if (sha1 == good)
            return true;
    return false;
}

// Copies the regular file `from` into `to` through a descriptor opened as a
// corpus is (never blocking on a FIFO swapped in meanwhile).
void copyRegularFile(const std::string& from, const std::string& to, const std::string& target)
{
    const int in = openCorpusFile(from, "corpus.unreadable");
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> source(::fdopen(in, "rb"), std::fclose);
    if (!source) {
        ::close(in);
        throw CorpusError(from, message("corpus.unreadable"));
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(to.c_str(), "wb"), std::fclose);
    if (!out)
        throw CorpusError(target, "cannot write " + to + ": " + std::strerror(errno));
    char buf[1 << 16];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, source.get())) > 0;)
        if (std::fwrite(buf, 1, n, out.get()) != n)
            throw CorpusError(target, "cannot write " + to + ": " + std::strerror(errno));
    if (std::ferror(source.get()))
        throw CorpusError(from, message("corpus.unreadable"));
    if (std::fclose(out.release()) != 0)
        throw CorpusError(target, "cannot write " + to + ": " + std::strerror(errno));
}

} // namespace

bool installDataFile(DataFile file, const std::string& sourcePath, const std::string& dataDir)
{
    const DataFileInfo& info = dataFileInfo(file);
    if (!acceptedSha1(info, sha1OfFile(sourcePath)))
        return false;
    const fs::path target = fs::path(dataDir) / info.relativePath;
    try {
        requireDataFile(file, dataDir);
        return true;  // the data folder has it already (perhaps it is this very file)
    } catch (const CorpusError&) {
        // missing or not the book's: replaced below
    }
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec)
        throw CorpusError(target.string(), "cannot create folder " + target.parent_path().string() + ": " + ec.message());
    const std::string copy = target.string() + ".copy";
    try {
        copyRegularFile(sourcePath, copy, target.string());
        // The copy is what goes into place: check it, not the file it came from.
        if (!acceptedSha1(info, sha1OfFile(copy))) {
            fs::remove(copy, ec);
            return false;
        }
    } catch (...) {
        fs::remove(copy, ec);
        throw;
    }
    fs::rename(copy, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(copy, ignored);
        throw CorpusError(target.string(), "cannot move the verified copy into place: " + ec.message());
    }
    return true;
}

namespace {

bool cancelled(const FetchControl& control) { return control.cancel && control.cancel->load(); }

struct Transfer {
    std::FILE* out = nullptr;
    const FetchControl* control = nullptr;
    std::chrono::steady_clock::time_point lastReport{};
};

std::size_t writeBody(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* t = static_cast<Transfer*>(user);
    return std::fwrite(data, size, count, t->out) * size;
}

// libcurl calls this at least once a second, also while no byte arrives: a
// non-zero return ends the transfer (CURLE_ABORTED_BY_CALLBACK).
int onProgress(void* user, curl_off_t total, curl_off_t done, curl_off_t, curl_off_t)
{
    auto* t = static_cast<Transfer*>(user);
    if (cancelled(*t->control))
        return 1;
    const auto now = std::chrono::steady_clock::now();
    if (t->control->progress && now - t->lastReport >= std::chrono::milliseconds(500)) {
        t->lastReport = now;
        t->control->progress(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
    }
    return 0;
}

// Downloads url into file `download`; throws CorpusError (FetchCancelled when asked to stop).
void download(const std::string& url, const std::string& download, const std::string& target,
              const FetchControl& control)
{
    static std::once_flag curlReady;
    std::call_once(curlReady, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    Transfer t;
    t.control = &control;
    t.out = std::fopen(download.c_str(), "wb");
    if (!t.out)
        throw CorpusError(target, "cannot write " + download + ": " + std::strerror(errno));
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    char error[CURL_ERROR_SIZE] = "";
    CURLcode rc = CURLE_FAILED_INIT;
    if (curl) {
        CURL* h = curl.get();
        curl_easy_setopt(h, CURLOPT_URL, url.c_str());
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);     // an HTTP error is a failure, not a file
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);  // stalled for 60 s: give up
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, writeBody);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // safe on any thread
        rc = curl_easy_perform(h);
    }
    const bool closed = std::fclose(t.out) == 0;
    std::error_code ec;
    if (rc == CURLE_ABORTED_BY_CALLBACK && cancelled(control)) {
        fs::remove(download, ec);
        throw FetchCancelled(target, "download of " + url + " cancelled; nothing was changed");
    }
    if (rc != CURLE_OK || !closed) {
        fs::remove(download, ec);
        const std::string why = rc != CURLE_OK ? (*error ? error : curl_easy_strerror(rc)) : "cannot write the file";
        throw CorpusError(target, message("corpus.download_failed", {url, why}));
    }
}

// Copies the zip member `member` of `archivePath` into `outPath` (libarchive).
void extractMember(const std::string& archivePath, const std::string& member, const std::string& outPath,
                   const std::string& target, const FetchControl& control)
{
    std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_zip(a.get());
    if (archive_read_open_filename(a.get(), archivePath.c_str(), 1 << 16) != ARCHIVE_OK)
        throw CorpusError(target, "cannot open the downloaded archive: " + std::string(archive_error_string(a.get())));
    archive_entry* entry = nullptr;
    while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
        if (member != archive_entry_pathname(entry)) {
            archive_read_data_skip(a.get());
            continue;
        }
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(outPath.c_str(), "wb"), std::fclose);
        if (!out)
            throw CorpusError(target, "cannot write " + outPath + ": " + std::strerror(errno));
        char buf[1 << 16];
        for (la_ssize_t n; (n = archive_read_data(a.get(), buf, sizeof buf)) != 0;) {
            if (n < 0)
                throw CorpusError(target, "the downloaded archive is damaged: " +
                                              std::string(archive_error_string(a.get())));
            if (cancelled(control))
                throw FetchCancelled(target, "extraction cancelled; nothing was changed");
            if (std::fwrite(buf, 1, static_cast<std::size_t>(n), out.get()) != static_cast<std::size_t>(n))
                throw CorpusError(target, "cannot write " + outPath);
        }
        if (std::fclose(out.release()) != 0)
            throw CorpusError(target, "cannot write " + outPath);
        return;
    }
    throw CorpusError(target, "the downloaded archive has no " + member);
}

} // namespace

void fetchDataFile(DataFile file, const std::string& dataDir, const std::function<void(const std::string&)>& log)
{
    FetchControl control;
    control.log = log;
    fetchDataFile(file, dataDir, control);
}

void fetchDataFile(DataFile file, const std::string& dataDir, const FetchControl& control)
{
    const DataFileInfo& info = dataFileInfo(file);
    const fs::path target = fs::path(dataDir) / info.relativePath;
    auto say = [&](const std::string& s) {
        if (control.log)
            control.log(s);
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
    const std::string downloaded = target.string() + ".download";
    const std::string url = dataHost() + info.url;
    say("downloading " + url);
    download(url, downloaded, target.string(), control);
    const std::string got = sha1OfFile(downloaded);
    if (got != info.urlSha1) {
        fs::remove(downloaded, ec);
        throw CorpusError(target.string(), message("corpus.download_sha1", {url, got, info.urlSha1}));
    }
    std::string ready = downloaded;
    if (!info.archiveMember.empty()) {
        const std::string extracted = target.string() + ".extracted";
        try {
            extractMember(downloaded, info.archiveMember, extracted, target.string(), control);
        } catch (...) {
            fs::remove(downloaded, ec);
            fs::remove(extracted, ec);
            throw;
        }
        fs::remove(downloaded, ec);
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
