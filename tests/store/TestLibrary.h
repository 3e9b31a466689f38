// A fresh run library in a temporary folder, removed afterwards.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

class TestLibrary {
public:
    TestLibrary()
    {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("traveller-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TestLibrary() { std::filesystem::remove_all(path_); }
    std::string str() const { return path_.string(); }
    std::filesystem::path path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A language model small enough to train an epoch in milliseconds.
inline const char* kTinyExperiment = R"(model: {arch: gru, hidden: 16}
train: {epochs: 4, device: cpu, threads: 1}
data: {max_tokens: 2000}
sample: {every: 2, length: 10}
)";
