// Unit tests of common/time/timer.cpp: kill_timer() (Xen's kill_timer)
// against a callback running on another pCPU that re-arms its own timer,
// the LAPIC and periodic timers' pattern (finding 8 of issue 10), also
// after the timer was migrated away from that pCPU; migrate_timer().
// Run under ThreadSanitizer too (cxen-unit-tests-tsan).
#include "common/time/timer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

using HostPages = test::HostPageSource;
HostPages host_pages;

class TimerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        timers_init_cpu(0);
        timers_init_cpu(1);
        arch::fake_now_ns = 1'000'000;
    }
    void TearDown() override {
        timers_destroy_cpu(0);
        timers_destroy_cpu(1);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
};

/// The callback: says it is running, waits to be let go, then re-arms
/// its own timer as lapic_timer_fn() and periodic_fn() do.
struct Rearming {
    Timer t;
    std::atomic<bool> entered{false}, go{false}, left{false};
    static void fn(void* data) {
        auto& r = *static_cast<Rearming*>(data);
        r.entered = true;
        while (!r.go) std::this_thread::yield();
        (void)set_timer(r.t, arch::fake_now_ns + 1'000'000);
        r.left = true;
    }
};

/// Run pCPU 1's timer softirq on a thread of its own.
std::thread run_cpu1_timers() {
    return std::thread([] {
        arch::current_cpu = 1;
        raise_softirq(TIMER_SOFTIRQ);
        process_pending_softirqs();
    });
}

TEST_F(TimerTest, KillWaitsForTheRunningCallbackWhichCannotRearm) {
    Rearming r;
    init_timer(r.t, Rearming::fn, &r, 1);
    ASSERT_TRUE(set_timer(r.t, arch::fake_now_ns - 1).ok()); // due
    std::thread cpu1 = run_cpu1_timers();
    while (!r.entered) std::this_thread::yield();
    std::atomic<bool> killed{false};
    bool left_when_killed = false;
    std::thread killer([&] {
        kill_timer(r.t);
        left_when_killed = r.left;
        killed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(killed) << "kill_timer() returned while the callback still ran";
    r.go = true;
    killer.join();
    cpu1.join();
    EXPECT_TRUE(left_when_killed);
    EXPECT_FALSE(timer_is_active(r.t)) << "the callback re-armed a killed timer: its owner is about to be freed";
    EXPECT_TRUE(set_timer(r.t, arch::fake_now_ns + 5).ok()); // ignored, as Xen's set_timer() on a killed timer
    EXPECT_FALSE(timer_is_active(r.t));
}

// The scheduler moved the timer's vCPU (migrate_timer) while the callback
// still ran on the old pCPU: kill_timer() must wait for it there too (Xen
// waits on every pCPU), not only on the pCPU the timer is on now.
TEST_F(TimerTest, KillWaitsForTheCallbackStillRunningOnThePcpuItWasMigratedFrom) {
    Rearming r;
    init_timer(r.t, Rearming::fn, &r, 1);
    ASSERT_TRUE(set_timer(r.t, arch::fake_now_ns - 1).ok());
    std::thread cpu1 = run_cpu1_timers();
    while (!r.entered) std::this_thread::yield();
    migrate_timer(r.t, 0);
    EXPECT_EQ(timer_cpu(r.t), 0u);
    std::atomic<bool> killed{false};
    bool left_when_killed = false;
    std::thread killer([&] {
        kill_timer(r.t);
        left_when_killed = r.left;
        killed = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(killed) << "kill_timer() returned while the callback still ran on the old pCPU";
    r.go = true;
    killer.join();
    cpu1.join();
    EXPECT_TRUE(left_when_killed);
    EXPECT_FALSE(timer_is_active(r.t)) << "the callback re-armed a killed timer";
}

TEST_F(TimerTest, MigrateMovesAnArmedTimerWithItsDeadlineAndItFiresThere) {
    std::atomic<unsigned> fired_on{99};
    struct Ctx {
        std::atomic<unsigned>* on;
    } ctx{&fired_on};
    Timer t;
    init_timer(t, [](void* c) { static_cast<Ctx*>(c)->on->store(arch::smp_processor_id()); }, &ctx, 0);
    ASSERT_TRUE(set_timer(t, arch::fake_now_ns + 100).ok());
    migrate_timer(t, 1);
    EXPECT_EQ(timer_cpu(t), 1u);
    EXPECT_TRUE(timer_is_active(t));
    EXPECT_EQ(t.expires_ns, arch::fake_now_ns + 100);
    arch::fake_now_ns += 200;
    raise_softirq(TIMER_SOFTIRQ); // pCPU 0: nothing due there any more
    process_pending_softirqs();
    EXPECT_EQ(fired_on.load(), 99u);
    std::thread([] {
        arch::current_cpu = 1;
        raise_softirq(TIMER_SOFTIRQ);
        process_pending_softirqs();
    }).join();
    EXPECT_EQ(fired_on.load(), 1u);
    EXPECT_FALSE(timer_is_active(t));
    // An idle timer moves too, and a killed one stays put.
    migrate_timer(t, 0);
    EXPECT_EQ(timer_cpu(t), 0u);
    kill_timer(t);
    migrate_timer(t, 1);
    EXPECT_EQ(timer_cpu(t), 0u);
}

TEST_F(TimerTest, KillOfAnIdleTimerDequeuesItAndInitRevivesIt) {
    Timer t;
    init_timer(t, [](void*) {}, nullptr, 0);
    ASSERT_TRUE(set_timer(t, arch::fake_now_ns + 100).ok());
    EXPECT_TRUE(timer_is_active(t));
    kill_timer(t);
    EXPECT_FALSE(timer_is_active(t));
    kill_timer(t); // twice is harmless
    init_timer(t, [](void*) {}, nullptr, 0);
    ASSERT_TRUE(set_timer(t, arch::fake_now_ns + 100).ok());
    EXPECT_TRUE(timer_is_active(t));
    stop_timer(t);
}

TEST_F(TimerTest, KillOfANeverInitialisedTimerIsHarmless) {
    Timer t; // as a vCPU timer the guest never armed
    kill_timer(t);
    EXPECT_FALSE(timer_is_active(t));
}

} // namespace
} // namespace cxen
