// How a training process is known to be alive: it holds its run's lock file
// (<library>/locks/<id>.lock) with an open-file-description lock
// (F_OFD_SETLK) from markRunning to finishRun. The kernel drops the lock when
// the process dies however it dies (kill -9 included), and the lock means the
// same in every pid namespace and on every host that shares the folder
// (NFS locks), unlike a pid, which another namespace cannot see and the
// kernel reuses.
//
// An OFD lock belongs to one open file, not to the process: a second
// RunLock on the same file in the same process conflicts too, so a window
// that trains a run and deletes it from another tab is refused as well.
#pragma once

#include <string>

namespace traveller {

class RunLock {
public:
    enum class Outcome { Acquired, HeldElsewhere, Unavailable };

    RunLock() = default;
    ~RunLock() { release(); }
    RunLock(RunLock&& other) noexcept;
    RunLock& operator=(RunLock&& other) noexcept;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    // Takes the lock without waiting. Unavailable: the file cannot be made
    // (a read-only library; `why` says so).
    static RunLock tryAcquire(const std::string& path, Outcome& outcome, std::string* why = nullptr);

    bool held() const { return fd_ >= 0; }
    // Releases the lock; with removeFile the lock file goes first (while it
    // is still held, so nobody locks a file that is about to vanish).
    void release(bool removeFile = false);

private:
    int fd_ = -1;
    std::string path_;
};

// Held by some process, this one included? (Takes and drops the lock.)
// Unavailable counts as not known: `known` is set false then.
bool runLockHeld(const std::string& path, bool* known = nullptr);

} // namespace traveller
