// The JSON Lines events that `train`, `sweep` and `runs resume` print on stdout,
// and where the CLI looks for presets. Shared so every command reads the same.
#pragma once

#include "traveller/core/lm/Training.h"

#include <filesystem>
#include <string>
#include <vector>

namespace traveller::cli {

// {"event":"epoch","epoch":3,"perplexity":...,"tokens_per_s":...,"sample":...}
// with "run" after "event" when `run` is not empty.
std::string epochEvent(const EpochStats& stats, const std::string& run = "");
// {"event":"done","status":...,"epochs":...,...,"samples":{...}}, with "run"
// and the run library's "id" when given.
std::string doneEvent(const RunResult& result, int threads, const std::string& run = "", long long id = 0);

// The CLI's exit-status contract for one run (0 finished, 3 diverged, 130
// interrupted); prints the one-line reason on stderr for the last two.
int reportExitStatus(RunStatus status, int epochsDone, const std::string& message);

// Ctrl-C / SIGTERM ask `control` to stop (the run ends cleanly and still
// reports) for as long as the scope lives; default handling comes back after.
class InterruptScope {
public:
    explicit InterruptScope(RunControl& control);
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};

} // namespace traveller::cli
