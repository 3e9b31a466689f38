// Stopping and pausing a run from another thread (RunControl, Training.h).
#include "traveller/core/lm/Training.h"
#include "traveller/core/Format.h"
#include "TrainingLoop.h"
#include "lm/Inspect.h"

#include "Checkpoint.h"
#include "SeedLock.h"

#include "lm/GradClip.h"
#include "lm/LmBatches.h"
#include "lm/LmModels.h"
#include "traveller/core/Errors.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunRules.h"

#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <torch/version.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sched.h>
#include <sys/mman.h>
#include <cmath>
#include <limits>
#include <malloc.h>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include "lm/LmSessionImpl.h"

namespace traveller {

// The word of the state such a run is stored in (one vocabulary, RunRules.cpp).
std::string toString(RunStatus status) { return toString(storedState(status)); }

void RunControl::requestStop()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
}

void RunControl::pause() { pause_ = true; }

void RunControl::requestChange(const std::string& key, const std::string& value)
{
    std::lock_guard<std::mutex> lock(mutex_);
    changes_.emplace_back(key, value);
    haveChanges_ = true;
}

std::vector<std::pair<std::string, std::string>> RunControl::takeChanges()
{
    if (!haveChanges_.load())
        return {};  // once per batch: no lock unless something was asked
    std::lock_guard<std::mutex> lock(mutex_);
    haveChanges_ = false;
    return std::exchange(changes_, {});
}

std::string RunControl::changeRefused() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return refused_;
}

void RunControl::setChangeRefused(const std::string& why)
{
    std::lock_guard<std::mutex> lock(mutex_);
    refused_ = why;
}

void RunControl::resume()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pause_ = false;
    }
    wake_.notify_all();
}

bool RunControl::proceed()
{
    if (pause_.load()) {
        const auto start = std::chrono::steady_clock::now();
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return !pause_.load() || stop_.load(); });
        const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        pausedSeconds_.store(pausedSeconds_.load() + waited);  // only the trainer's thread writes it
    }
    return !stop_.load();
}

} // namespace traveller
