// A small tmpfs mounted for one test (a full disk for real), unmounted after.
// Mounting needs root (or CAP_SYS_ADMIN); where it fails, `reason()` says why
// and the test skips.
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

class Tmpfs {
public:
    explicit Tmpfs(std::size_t bytes)
    {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("traveller-tmpfs-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
        const std::string options = "size=" + std::to_string(bytes);
        if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0)
            mounted_ = true;
        else
            reason_ = "cannot mount a tmpfs on " + path_.string() + " (" + std::strerror(errno) +
                      "): the test needs root or CAP_SYS_ADMIN";
    }
    ~Tmpfs()
    {
        if (mounted_)
            ::umount2(path_.c_str(), MNT_DETACH);
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    Tmpfs(const Tmpfs&) = delete;
    Tmpfs& operator=(const Tmpfs&) = delete;

    bool mounted() const { return mounted_; }
    const std::string& reason() const { return reason_; }
    std::filesystem::path path() const { return path_; }
    std::string str() const { return path_.string(); }

private:
    std::filesystem::path path_;
    bool mounted_ = false;
    std::string reason_;
};
