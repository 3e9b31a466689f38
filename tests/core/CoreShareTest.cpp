// Threads that follow the free cores (lm/CoreShare.h, issue 31.7): the rule
// that turns the cores other programs kept busy into a thread count, the CPU
// times it reads, and a run with explicit threads that keeps them.
#include "lm/CoreShare.h"
#include "traveller/core/lm/Training.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <time.h>

using namespace traveller::lm;

TEST(CoreShare, BusyCoresElsewhereTakeThreadsAway)
{
    EXPECT_EQ(threadsForFreeCores(2, 0.0, 2), 2);   // an idle machine: every core
    EXPECT_EQ(threadsForFreeCores(2, 0.3, 2), 2);   // a shell, a short burst: not a core taken
    EXPECT_EQ(threadsForFreeCores(2, 0.95, 2), 1);  // one busy process
    EXPECT_EQ(threadsForFreeCores(2, 1.9, 2), 1);   // never fewer than one
    EXPECT_EQ(threadsForFreeCores(8, 2.7, 8), 5);
    EXPECT_EQ(threadsForFreeCores(1, 0.0, 8), 1);   // never more than the run started with
    EXPECT_EQ(threadsForFreeCores(4, 0.0, 2), 2);   // nor than the cores it may use
    EXPECT_EQ(threadsForFreeCores(2, -0.2, 2), 2);  // a counter that went back (a new VM tick)
}

TEST(CoreShare, ReadsTheMachinesAndItsOwnCpuTime)
{
    const CpuTimes before = readCpuTimes();
    ASSERT_TRUE(before.valid);
    volatile double x = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    while (std::chrono::steady_clock::now() < until)
        x = x + 1.0;
    const CpuTimes after = readCpuTimes();
    EXPECT_GT(after.self, before.self);
    EXPECT_GE(after.machineBusy, before.machineBusy);
}

TEST(CoreShare, ExplicitThreadsAreKept)
{
    traveller::setTrainingThreads(0);  // train.threads: 0, every core it may use
    EXPECT_TRUE(followsFreeCores());
    traveller::setTrainingThreads(1);
    EXPECT_FALSE(followsFreeCores());
    at::set_num_threads(2);
    CoreShare keep(2, false);
    keep.adjust();
    EXPECT_EQ(keep.threads(), 2);
    EXPECT_EQ(at::get_num_threads(), 2);
}

// A run's own time is its training thread's and its OpenMP team's: a thread
// of the same process outside the team (another run, the window) is someone
// else's. The other thread burns 0.3 s of its own CPU time (its clock, not
// the wall's: a loaded machine only makes it take longer).
TEST(CoreShare, AnotherThreadOfTheProcessIsNotTheRunsOwnTime)
{
    at::set_num_threads(2);
    TeamTimes team;
    EXPECT_EQ(team.sinceLast(), 0.0);  // the first look only learns the team
    const CpuTimes before = readCpuTimes();
    std::thread other([] {
        const auto cpu = [] {
            timespec t{};
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
            return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
        };
        volatile double x = 0;
        const double start = cpu();
        while (cpu() - start < 0.3)
            x = x + 1.0;
    });
    other.join();
    const double teamUsed = team.sinceLast();
    const CpuTimes after = readCpuTimes();
    EXPECT_GE(after.self - before.self, 0.25);  // the process did use it (clock ticks: 10 ms)
    EXPECT_LT(teamUsed, 0.1);                   // not the run's team
    // The team's own work counts.
    volatile double y = 0;
    timespec start{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    for (;;) {
        timespec now{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        if (static_cast<double>(now.tv_sec - start.tv_sec) + static_cast<double>(now.tv_nsec - start.tv_nsec) * 1e-9 >= 0.3)
            break;
        y = y + 1.0;
    }
    EXPECT_GE(team.sinceLast(), 0.25);
}
