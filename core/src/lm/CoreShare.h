// Training threads that follow the cores other programs leave free (issue 31,
// a busy machine). With `train.threads: 0` a run takes every core it may use;
// when another program keeps one of them busy, a thread of ours waits at each
// parallel region's barrier for a core the kernel has given away, and OpenMP's
// workers spin there meanwhile: on 2 cores beside one busy process a GRU ran
// 17x below its idle speed, where a fair share is 2x. So while it trains,
// a quarter of a second after the start and then twice a second (between
// batches), the run measures the CPU time the
// rest of the machine used (/proc/stat's busy time less its own threads',
// TeamTimes) and trains on the cores left: never fewer than 1 thread,
// never more than it started with. On an idle machine nothing changes.
// A run with an explicit `train.threads: N` keeps N.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>

namespace traveller::lm {

// What the machine's CPU time was at one moment (seconds of CPU time, all
// cores together): the whole machine's busy time and this process's.
struct CpuTimes {
    double machineBusy = 0;
    double self = 0;
    bool valid = false;
};
CpuTimes readCpuTimes();

// The threads to use, given the threads the run started with, the cores
// other programs kept busy over the last interval (may be fractional), and
// the cores this process may run on. A core counts as taken when others
// used more than 60 % of it (a short burst, a shell, does not take one).
int threadsForFreeCores(int started, double othersBusyCores, int usable);

// Whether runs trained on this thread follow the free cores: set by
// setTrainingThreads (true for `train.threads: 0`), read by the training loop.
void setFollowFreeCores(bool follow);
bool followsFreeCores();

// The CPU time of one run's own threads: the training thread and the OpenMP
// workers of its parallel regions (LibTorch's, OpenBLAS's and oneDNN's all
// run on the calling thread's team), read from /proc/self/task/TID/stat.
// Another run in the same process (the window's Language model and
// Translate tabs at once) counts as someone else's, as another process does.
// Call on the training thread.
class TeamTimes {
public:
    // CPU seconds the team used since the last call (0 on the first); a
    // thread first seen now counts from now; -1 where no thread's stat file
    // could be read (the caller falls back to the process's time).
    double sinceLast();

private:
    std::map<pid_t, double> last_;
};

class CoreShare {
public:
    // `follow`: false when the run asked for a thread count (it keeps it).
    CoreShare(int started, bool follow);
    // Between batches: at most once per interval, looks at the machine and
    // sets LibTorch's intra-op threads on the calling (training) thread.
    void adjust();
    int threads() const { return threads_; }

private:
    std::chrono::steady_clock::time_point last_;
    CpuTimes lastTimes_;
    TeamTimes team_;
    int started_;
    int threads_;
    bool follow_;
    bool looked_ = false;
};

} // namespace traveller::lm
