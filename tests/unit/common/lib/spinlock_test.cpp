#include "common/lib/spinlock.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <gtest/gtest.h>
#include <thread>
#include <type_traits>
#include <vector>

using cxen::SpinGuard;
using cxen::SpinLock;

namespace {

// White-box probe for the FIFO test: how many tickets have been handed out.
// SpinLock is standard-layout with the ticket dispenser `next_` as its first
// member, and a standard-layout object is pointer-interconvertible with its
// first member, so this reads next_ without copying the lock. TicketsTaken
// checks this assumption on a fresh lock, so that a reordering of the
// members fails that test instead of hanging the FIFO one.
static_assert(std::is_standard_layout_v<SpinLock>);
static_assert(sizeof(SpinLock) == 2 * sizeof(std::atomic<uint32_t>));

uint32_t tickets_taken(SpinLock& l) {
    return reinterpret_cast<std::atomic<uint32_t>*>(&l)->load(std::memory_order_acquire);
}

// Spin (yielding) until pred() holds; false after ~10 s so a broken lock
// fails the test instead of hanging it.
template <typename Pred> bool wait_for(Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::yield();
    }
    return true;
}

} // namespace

TEST(SpinLock, TicketProbeMatchesLayout) {
    SpinLock l;
    EXPECT_EQ(tickets_taken(l), 0u);
    l.lock();
    EXPECT_EQ(tickets_taken(l), 1u); // next_ moved; owner_ did not
    l.unlock();
    EXPECT_EQ(tickets_taken(l), 1u); // unlock moves owner_ only
}

TEST(SpinLock, MutualExclusionUnderFourThreads) {
    constexpr int threads = 4, iterations = 20000;
    SpinLock l;
    uint64_t counter = 0; // deliberately not atomic: only the lock protects it
    std::atomic<int> inside{0};
    std::atomic<bool> overlap{false};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&] {
            for (int n = 0; n < iterations; ++n) {
                SpinGuard g(l);
                if (inside.fetch_add(1, std::memory_order_relaxed) != 0)
                    overlap.store(true, std::memory_order_relaxed);
                ++counter;
                inside.fetch_sub(1, std::memory_order_relaxed);
            }
        });
    }
    for (auto& t : pool) t.join();
    EXPECT_EQ(counter, uint64_t{threads} * iterations);
    EXPECT_FALSE(overlap.load());
    EXPECT_FALSE(l.is_locked());
}

TEST(SpinLock, TryLockMixedWithLockKeepsMutualExclusion) {
    constexpr int threads = 4, iterations = 10000;
    SpinLock l;
    uint64_t counter = 0;
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, i] {
            for (int n = 0; n < iterations; ++n) {
                if (i % 2) {
                    while (!l.try_lock()) cxen::arch::cpu_relax();
                } else {
                    l.lock();
                }
                ++counter;
                l.unlock();
            }
        });
    }
    for (auto& t : pool) t.join();
    EXPECT_EQ(counter, uint64_t{threads} * iterations);
}

TEST(SpinLock, TryLockSemantics) {
    SpinLock l;
    EXPECT_FALSE(l.is_locked());
    EXPECT_TRUE(l.try_lock());
    EXPECT_TRUE(l.is_locked());
    EXPECT_FALSE(l.try_lock()); // held (by us: not recursive)
    l.unlock();
    EXPECT_FALSE(l.is_locked());
    EXPECT_TRUE(l.try_lock()); // free again after unlock
    l.unlock();
    l.lock();
    EXPECT_FALSE(l.try_lock()); // held via lock()
    l.unlock();
    EXPECT_TRUE(l.try_lock());
    l.unlock();
}

TEST(SpinLock, TryLockDoesNotJumpTheQueue) {
    SpinLock l;
    l.lock();
    std::atomic<bool> waiter_has_lock{false}, release{false};
    std::thread waiter([&] {
        l.lock();
        waiter_has_lock = true;
        while (!release) std::this_thread::yield();
        l.unlock();
    });
    // (EXPECT, not ASSERT: the waiter must be joined whatever happens.)
    EXPECT_TRUE(wait_for([&] { return tickets_taken(l) == 2; }));
    EXPECT_FALSE(l.try_lock()); // held, and someone is waiting
    l.unlock();                 // hand over to the waiter
    EXPECT_TRUE(wait_for([&] { return waiter_has_lock.load(); }));
    EXPECT_FALSE(l.try_lock());
    release = true;
    waiter.join();
    EXPECT_TRUE(l.try_lock());
    l.unlock();
}

// Waiters queue up one at a time, in a known order, while the lock is held;
// they must then get it in exactly that order.
TEST(SpinLock, WaitersAcquireInTicketOrder) {
    constexpr int waiters = 6;
    SpinLock l;
    l.lock();
    std::vector<int> order; // appended under the lock
    std::vector<std::thread> pool;
    for (int i = 0; i < waiters; ++i) {
        pool.emplace_back([&, i] {
            SpinGuard g(l);
            order.push_back(i);
        });
        // Start the next waiter only once this one holds its ticket.
        if (!wait_for([&] { return tickets_taken(l) == static_cast<uint32_t>(i + 2); })) {
            ADD_FAILURE() << "waiter " << i << " never queued";
            break;
        }
    }
    l.unlock();
    for (auto& t : pool) t.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST(SpinLock, ForceResetReleasesAHeldLock) {
    SpinLock l;
    l.lock();
    l.force_reset();
    EXPECT_FALSE(l.is_locked());
    EXPECT_TRUE(l.try_lock());
    l.unlock();
}
