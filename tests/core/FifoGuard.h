// For tests that hand a reader a FIFO (named pipe) and expect it refused at
// once: should the reader block on it instead, the test must fail, not hang.
// FifoGuard makes the FIFO and, from a watchdog thread, opens and closes its
// writing end once `patienceMs` have passed, which ends any read that waits;
// the test then sees how long the reader took.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace traveller::test {

class FifoGuard {
public:
    explicit FifoGuard(std::string path, int patienceMs = 3000) : path_(std::move(path))
    {
        if (::mkfifo(path_.c_str(), 0600) != 0)
            throw std::runtime_error("mkfifo " + path_ + " failed");
        watchdog_ = std::thread([this, patienceMs] {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(patienceMs);
            while (!done_.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                if (std::chrono::steady_clock::now() < deadline)
                    continue;
                // Succeeds only while a reader has the FIFO open (ENXIO otherwise).
                const int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                if (fd >= 0)
                    ::close(fd);
            }
        });
    }
    ~FifoGuard()
    {
        done_.store(true);
        watchdog_.join();
        ::unlink(path_.c_str());
    }
    FifoGuard(const FifoGuard&) = delete;
    FifoGuard& operator=(const FifoGuard&) = delete;

    const std::string& path() const { return path_; }

    // Seconds `read` took (it is expected to throw; what it throws is the caller's to check).
    template <typename Read>
    static double seconds(Read&& read)
    {
        const auto start = std::chrono::steady_clock::now();
        read();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }

private:
    std::string path_;
    std::atomic<bool> done_{false};
    std::thread watchdog_;
};

} // namespace traveller::test
