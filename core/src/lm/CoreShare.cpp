// Training threads that follow the free cores (CoreShare.h).
#include "lm/CoreShare.h"

#include <ATen/Parallel.h>

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace traveller::lm {

namespace {

// The first look soon after the start (two runs started together are both
// on every core until then), then twice a second: a few small /proc reads
// (the machine, and one per thread of the run).
constexpr auto kFirstLook = std::chrono::milliseconds(250);
constexpr auto kInterval = std::chrono::milliseconds(500);
constexpr double kTakenShare = 0.6;

int usableCores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    return 1;
}

// utime + stime of a /proc stat file in seconds (-1 where it cannot be read):
// fields 14 and 15 follow the name in parentheses, which may itself hold
// spaces or parentheses.
double statSeconds(const std::string& path)
{
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    std::ifstream file(path);
    std::string line;
    if (tick <= 0 || !std::getline(file, line))
        return -1;
    const auto close = line.rfind(')');
    if (close == std::string::npos || close + 2 > line.size())
        return -1;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    double utime = -1, stime = -1;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14)
            utime = std::strtod(field.c_str(), nullptr);
        else if (i == 15)
            stime = std::strtod(field.c_str(), nullptr);
    }
    return utime < 0 || stime < 0 ? -1 : (utime + stime) / tick;
}

} // namespace

CpuTimes readCpuTimes()
{
    CpuTimes t;
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    cpu_set_t mine;
    if (tick <= 0 || sched_getaffinity(0, sizeof mine, &mine) != 0)
        return t;
    // Only the cores this process may run on (a Slurm task pinned to 2 of 64
    // cores is not slowed by work on the other 62).
    std::ifstream stat("/proc/stat");
    std::string line;
    bool any = false;
    while (std::getline(stat, line)) {
        if (line.rfind("cpu", 0) != 0)
            break;
        if (line.size() < 4 || line[3] < '0' || line[3] > '9')
            continue;  // the machine's total
        std::istringstream fields(line.substr(3));
        int cpu = -1;
        double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
        if (!(fields >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq) || cpu < 0 ||
            cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &mine))
            continue;
        t.machineBusy += (user + nice + system + irq + softirq) / tick;
        any = true;
    }
    if (!any)
        return t;
    const double self = statSeconds("/proc/self/stat");
    if (self < 0)
        return t;
    t.self = self;
    t.valid = true;
    return t;
}

double TeamTimes::sinceLast()
{
    // The team's thread ids: each member of a parallel region over as many
    // indices as threads says its own (thread 0 is the calling thread).
    std::vector<pid_t> team(static_cast<std::size_t>(std::max(1, at::get_num_threads())), 0);
    at::parallel_for(0, static_cast<std::int64_t>(team.size()), 1, [&](std::int64_t, std::int64_t) {
        const auto index = static_cast<std::size_t>(at::get_thread_num());
        if (index < team.size())
            team[index] = static_cast<pid_t>(syscall(SYS_gettid));
    });
    team[0] = static_cast<pid_t>(syscall(SYS_gettid));
    std::map<pid_t, double> now;
    for (const pid_t tid : team)
        if (tid > 0)
            now[tid] = -1;
    for (const auto& [tid, seconds] : last_)  // a worker left out this time still counts
        now[tid] = -1;
    double used = 0;
    bool read = false;
    for (auto it = now.begin(); it != now.end();) {
        const double seconds = statSeconds("/proc/self/task/" + std::to_string(it->first) + "/stat");
        if (seconds < 0) {  // the thread has ended
            it = now.erase(it);
            continue;
        }
        if (const auto before = last_.find(it->first); before != last_.end())
            used += std::max(0.0, seconds - before->second);
        it->second = seconds;
        read = true;
        ++it;
    }
    last_ = std::move(now);
    return read ? used : -1;
}

namespace {
thread_local bool followFreeCores = false;
} // namespace

void setFollowFreeCores(bool follow) { followFreeCores = follow; }
bool followsFreeCores() { return followFreeCores; }

int threadsForFreeCores(int started, double othersBusyCores, int usable)
{
    const int taken = static_cast<int>(std::floor(std::max(0.0, othersBusyCores) + (1.0 - kTakenShare)));
    return std::clamp(usable - taken, 1, std::max(1, started));
}

CoreShare::CoreShare(int started, bool follow)
    : last_(std::chrono::steady_clock::now()), lastTimes_(follow ? readCpuTimes() : CpuTimes{}), started_(started),
      threads_(started), follow_(follow && started > 1)
{
    if (follow_)
        team_.sinceLast();  // from now on
}

void CoreShare::adjust()
{
    if (!follow_)
        return;
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last_).count();
    if (now - last_ < (looked_ ? kInterval : kFirstLook))
        return;
    looked_ = true;
    const CpuTimes times = readCpuTimes();
    const double team = team_.sinceLast();  // every look, so that both cover the same interval
    if (!times.valid || !lastTimes_.valid) {
        follow_ = times.valid;  // no /proc: keep the threads it has
        lastTimes_ = times;
        last_ = now;
        return;
    }
    // The run's own time: its team's; where no thread's stat could be read,
    // the whole process's (as before two runs could share one).
    const double own = team >= 0 ? team : times.self - lastTimes_.self;
    const double others = ((times.machineBusy - lastTimes_.machineBusy) - own) / seconds;
    lastTimes_ = times;
    last_ = now;
    const int wanted = threadsForFreeCores(started_, others, usableCores());
    if (wanted != threads_) {
        threads_ = wanted;
        at::set_num_threads(wanted);
    }
}

} // namespace traveller::lm
