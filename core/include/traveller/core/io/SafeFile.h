// Reading a file a user or another program handed us, without trusting it:
// one rule for every text that enters Traveller (notes, run folders, the
// Lens's text, corpora), used by the CLI and the window alike.
//
//   - only a regular file is read: a FIFO, a device, a socket or a folder is
//     refused at once (opened with O_NONBLOCK, so a FIFO never blocks);
//   - at most `limit` bytes: a larger file is refused, saying the limit;
//   - with noFollow, a symbolic link is refused (O_NOFOLLOW), for files that
//     come from a folder other people can write to.
//
// Failures are FileError with a catalogue code (Messages.h: file.*).
#pragma once

#include "traveller/core/Errors.h"

#include <cstdint>
#include <string>

namespace traveller {

class FileError : public Error {
public:
    FileError(std::string path, const Message& why);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct ReadLimits {
    std::uint64_t maxBytes = 1 << 20;
    bool noFollow = false;  // refuse a symbolic link as the last component
};

// The whole file. Throws FileError: file.missing, file.not_regular,
// file.symlink, file.too_large, file.cannot_read.
std::string readRegularFile(const std::string& path, const ReadLimits& limits);

// Standard input (a pipe, a redirect, a terminal) read whole, at most
// `maxBytes`: FileError file.too_large past it (named "standard input").
std::string readStandardInput(std::uint64_t maxBytes);
// A file the user named, "-" meaning standard input: readRegularFile or
// readStandardInput.
std::string readFileArgument(const std::string& path, const ReadLimits& limits);

// An open file descriptor of a regular file (O_RDONLY | O_CLOEXEC, and
// O_NOFOLLOW when asked), checked as readRegularFile checks; the caller
// closes it. Throws FileError.
int openRegularFile(const std::string& path, bool noFollow);

// Byte counts for messages: "64 KiB", "1 MiB".
std::string byteLimitText(std::uint64_t bytes);

// The limits on texts stored in the run library (RunStore enforces them;
// the front ends say them).
constexpr std::uint64_t kMaxNoteBytes = 64 * 1024;     // a lab note
constexpr std::uint64_t kMaxNameBytes = 512;           // a run's name, label or tag
constexpr std::uint64_t kMaxMessageBytes = 16 * 1024;  // a run's message (why it failed)

} // namespace traveller
