// LibTorch draws initial weights from one process-wide generator. A session
// seeds it and builds its model under this lock, so two sessions built at once
// on two threads (a sweep's runs, a GUI regenerate during a sweep) cannot
// interleave that stream and each gets the weights its seed promises.
#pragma once

#include <mutex>

namespace traveller {

inline std::mutex& seedLock()
{
    static std::mutex lock;
    return lock;
}

} // namespace traveller
