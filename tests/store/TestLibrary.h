// A fresh run library in a temporary folder, removed afterwards.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

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

struct CliResult {
    int status = -1;     // the exit status; -1 when the process did not exit
    std::string output;  // stdout and stderr together
};

// Runs traveller-cli through the shell (`args` is shell text, and may
// redirect stdout elsewhere) and waits for it; with `seconds`, at most that
// long (status 124 when it ran past them).
inline CliResult cli(const std::string& args, int seconds = 0)
{
    CliResult r;
    const std::string command = (seconds > 0 ? "timeout " + std::to_string(seconds) + " " : std::string()) + "\"" +
                                TRAVELLER_CLI + "\" 2>&1 " + args;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        return r;
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;)
        r.output.append(buf, n);
    const int status = pclose(pipe);
    if (WIFEXITED(status))
        r.status = WEXITSTATUS(status);
    return r;
}

// Starts traveller-cli in the background, its output (stdout and stderr) to
// `log`; `prefix` runs before it (e.g. {"unshare", "--pid", "--fork"}).
inline pid_t startCli(const std::vector<std::string>& args, const std::string& log,
                      const std::vector<std::string>& prefix = {})
{
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<std::string> words = prefix;
        words.push_back(TRAVELLER_CLI);
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& w : words)
            argv.push_back(w.data());
        argv.push_back(nullptr);
        if (!freopen(log.c_str(), "w", stdout) || dup2(fileno(stdout), 2) < 0)
            _exit(126);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

inline std::string fileText(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// traveller-cli with `args` (shell text), at most `seconds`.
inline CliResult cliWithin(int seconds, const std::string& args) { return cli(args, seconds); }
