#include "traveller/core/io/SafeFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace traveller {

FileError::FileError(std::string path, const Message& why)
    : Error(path + ": " + why.text(), why), path_(std::move(path))
{
}

std::string byteLimitText(std::uint64_t bytes)
{
    if (bytes >= (1ULL << 30) && bytes % (1ULL << 30) == 0)
        return std::to_string(bytes >> 30) + " GiB";
    if (bytes >= (1ULL << 20) && bytes % (1ULL << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0)
        return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

namespace {

// What the path is, as a catalogue text (the window translates it too).
std::string kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return message("file.kind_folder").text();
    if (S_ISFIFO(mode))
        return message("file.kind_fifo").text();
    if (S_ISSOCK(mode))
        return message("file.kind_socket").text();
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return message("file.kind_device").text();
    return message("file.kind_other").text();
}

} // namespace

int openRegularFile(const std::string& path, bool noFollow)
{
    // O_NONBLOCK: opening a FIFO with no writer would wait forever.
    const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (noFollow ? O_NOFOLLOW : 0);
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0) {
        const int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            throw FileError(path, message("file.missing"));
        if (e == ELOOP && noFollow)
            throw FileError(path, message("file.symlink"));
        struct stat st{};
        if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
            throw FileError(path, message("file.not_regular", {kindOf(st.st_mode)}));
        throw FileError(path, message("file.cannot_read", {std::strerror(e)}));
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const mode_t mode = st.st_mode;
        ::close(fd);
        throw FileError(path, message("file.not_regular", {kindOf(mode)}));
    }
    // Reads of a regular file never block; clear O_NONBLOCK all the same.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

std::string readRegularFile(const std::string& path, const ReadLimits& limits)
{
    const int fd = openRegularFile(path, limits.noFollow);
    struct stat st{};
    ::fstat(fd, &st);
    if (static_cast<std::uint64_t>(st.st_size) > limits.maxBytes) {
        ::close(fd);
        throw FileError(path, message("file.too_large", {byteLimitText(limits.maxBytes)}));
    }
    std::string out;
    out.reserve(static_cast<std::size_t>(st.st_size));
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int e = errno;
            ::close(fd);
            throw FileError(path, message("file.cannot_read", {std::strerror(e)}));
        }
        if (n == 0)
            break;
        out.append(buffer, static_cast<std::size_t>(n));
        // A file that grows while it is read (a procfs-like file reports 0).
        if (out.size() > limits.maxBytes) {
            ::close(fd);
            throw FileError(path, message("file.too_large", {byteLimitText(limits.maxBytes)}));
        }
    }
    ::close(fd);
    return out;
}

std::string readStandardInput(std::uint64_t maxBytes)
{
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw FileError("standard input", message("file.cannot_read", {std::strerror(errno)}));
        if (n == 0)
            return text;
        if (text.size() + static_cast<std::size_t>(n) > maxBytes)
            throw FileError("standard input", message("file.too_large", {byteLimitText(maxBytes)}));
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

std::string readFileArgument(const std::string& path, const ReadLimits& limits)
{
    return path == "-" ? readStandardInput(limits.maxBytes) : readRegularFile(path, limits);
}

} // namespace traveller
