// Threads that follow the free cores (lm/CoreShare.h, issue 31.7): the rule
// that turns the cores other programs kept busy into a thread count, the CPU
// times it reads, and a run with explicit threads that keeps them.
#include "lm/CoreShare.h"
#include "traveller/core/lm/Training.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <chrono>

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
