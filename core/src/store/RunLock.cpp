#include "RunLock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace traveller {

RunLock::RunLock(RunLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

RunLock& RunLock::operator=(RunLock&& other) noexcept
{
    if (this != &other) {
        release();
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

RunLock RunLock::tryAcquire(const std::string& path, Outcome& outcome, std::string* why)
{
    // A deleter removes the file while holding it: a lock taken on the old
    // file is then worthless, so the path must still name the locked file.
    for (int attempt = 0; attempt < 8; ++attempt) {
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
            outcome = Outcome::Unavailable;
            if (why)
                *why = "cannot open the lock file '" + path + "': " + std::strerror(errno);
            return {};
        }
        struct flock lock{};
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        if (::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
            const int e = errno;
            ::close(fd);
            if (e == EAGAIN || e == EACCES) {
                outcome = Outcome::HeldElsewhere;
                return {};
            }
            outcome = Outcome::Unavailable;
            if (why)
                *why = "cannot lock '" + path + "': " + std::strerror(e);
            return {};
        }
        struct stat opened{}, named{};
        if (::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 && opened.st_ino == named.st_ino &&
            opened.st_dev == named.st_dev) {
            RunLock held;
            held.fd_ = fd;
            held.path_ = path;
            outcome = Outcome::Acquired;
            return held;
        }
        ::close(fd);  // removed or replaced meanwhile: lock the new one
    }
    outcome = Outcome::HeldElsewhere;
    return {};
}

void RunLock::release(bool removeFile)
{
    if (fd_ < 0)
        return;
    if (removeFile)
        ::unlink(path_.c_str());
    ::close(fd_);  // closing the only descriptor of the open file drops the lock
    fd_ = -1;
}

bool runLockHeld(const std::string& path, bool* known)
{
    RunLock::Outcome outcome{};
    RunLock lock = RunLock::tryAcquire(path, outcome);
    if (known)
        *known = outcome != RunLock::Outcome::Unavailable;
    return outcome == RunLock::Outcome::HeldElsewhere;
}

} // namespace traveller
