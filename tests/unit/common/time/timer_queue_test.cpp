#include "common/time/timer_queue.hpp"

// Taken before the standard headers below: their <cerrno> makes ENOSPC and
// EBUSY macros, which would rewrite `Errno::XEN_ENOSPC`.
namespace {
constexpr cxen::Errno err_nospc = cxen::Errno::XEN_ENOSPC;
constexpr cxen::Errno err_busy = cxen::Errno::XEN_EBUSY;
} // namespace

#include <algorithm>
#include <cstdint>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <set>
#include <vector>

using cxen::Timer;
using cxen::TimerQueue;

namespace {

// A queue with its own storage.
template <size_t N> struct Queue {
    Timer* storage[N] = {};
    TimerQueue q{storage, N};
};

Timer at(uint64_t ns) {
    Timer t;
    t.expires_ns = ns;
    return t;
}

std::vector<uint64_t> drain(TimerQueue& q, uint64_t now = UINT64_MAX) {
    std::vector<uint64_t> out;
    while (Timer* t = q.pop_expired(now)) {
        EXPECT_EQ(t->heap_index, -1);
        out.push_back(t->expires_ns);
    }
    return out;
}

} // namespace

TEST(TimerQueue, EmptyQueue) {
    Queue<4> s;
    EXPECT_EQ(s.q.size(), 0u);
    EXPECT_TRUE(s.q.empty());
    EXPECT_EQ(s.q.next_deadline(), UINT64_MAX);
    EXPECT_EQ(s.q.pop_expired(UINT64_MAX), nullptr);
}

TEST(TimerQueue, PopsInDeadlineOrder) {
    Queue<8> s;
    Timer t[] = {at(50), at(10), at(70), at(30), at(20), at(60), at(40)};
    for (Timer& x : t) ASSERT_TRUE(s.q.add(x).ok());
    EXPECT_EQ(s.q.size(), 7u);
    EXPECT_EQ(s.q.next_deadline(), 10u);
    EXPECT_EQ(drain(s.q), (std::vector<uint64_t>{10, 20, 30, 40, 50, 60, 70}));
    EXPECT_TRUE(s.q.empty());
}

TEST(TimerQueue, PopExpiredOnlyReturnsDueTimers) {
    Queue<8> s;
    Timer t[] = {at(100), at(200), at(300)};
    for (Timer& x : t) ASSERT_TRUE(s.q.add(x).ok());
    EXPECT_EQ(s.q.pop_expired(99), nullptr);
    EXPECT_EQ(drain(s.q, 200), (std::vector<uint64_t>{100, 200})); // deadline == now is due
    EXPECT_EQ(s.q.next_deadline(), 300u);
    EXPECT_EQ(s.q.size(), 1u);
}

TEST(TimerQueue, PopReturnsTheTimerWithItsCallback) {
    Queue<2> s;
    int fired = 0;
    Timer t = at(5);
    t.fn = [](void* d) { ++*static_cast<int*>(d); };
    t.data = &fired;
    ASSERT_TRUE(s.q.add(t).ok());
    Timer* p = s.q.pop_expired(5);
    ASSERT_EQ(p, &t);
    p->fn(p->data);
    EXPECT_EQ(fired, 1);
}

TEST(TimerQueue, AddReportsWhetherTimerBecameEarliest) {
    Queue<8> s;
    Timer a = at(100), b = at(200), c = at(50), d = at(50);
    EXPECT_TRUE(s.q.add(a).value());  // first timer
    EXPECT_FALSE(s.q.add(b).value()); // later
    EXPECT_TRUE(s.q.add(c).value());  // earlier
    EXPECT_FALSE(s.q.add(d).value()); // equal to the earliest: does not displace it
}

TEST(TimerQueue, EqualDeadlinesAllFireTogether) {
    Queue<16> s;
    std::vector<Timer> t(10, at(42));
    Timer early = at(41), late = at(43);
    for (Timer& x : t) ASSERT_TRUE(s.q.add(x).ok());
    ASSERT_TRUE(s.q.add(late).ok());
    ASSERT_TRUE(s.q.add(early).ok());
    EXPECT_EQ(drain(s.q, 41), (std::vector<uint64_t>{41}));
    std::vector<Timer*> popped;
    while (Timer* p = s.q.pop_expired(42)) popped.push_back(p);
    ASSERT_EQ(popped.size(), 10u);
    for (Timer& x : t) EXPECT_NE(std::find(popped.begin(), popped.end(), &x), popped.end());
    EXPECT_EQ(s.q.next_deadline(), 43u);
}

TEST(TimerQueue, RemoveFromTheMiddleKeepsOrder) {
    Queue<16> s;
    std::vector<Timer> t;
    for (uint64_t ns : {80, 10, 60, 30, 90, 20, 70, 40, 50}) t.push_back(at(ns));
    for (Timer& x : t) ASSERT_TRUE(s.q.add(x).ok());
    // 60, 30 and 20: an inner node, and ones whose replacement must move up
    // or down depending on what fills the hole.
    for (size_t i : {2u, 3u, 5u}) {
        EXPECT_TRUE(s.q.remove(t[i]));
        EXPECT_EQ(t[i].heap_index, -1);
        EXPECT_FALSE(s.q.contains(t[i]));
    }
    EXPECT_EQ(s.q.size(), 6u);
    EXPECT_EQ(drain(s.q), (std::vector<uint64_t>{10, 40, 50, 70, 80, 90}));
}

TEST(TimerQueue, RemoveEarliestAndLast) {
    Queue<8> s;
    Timer a = at(1), b = at(2), c = at(3);
    for (Timer* x : {&a, &b, &c}) ASSERT_TRUE(s.q.add(*x).ok());
    EXPECT_TRUE(s.q.remove(a));
    EXPECT_EQ(s.q.next_deadline(), 2u);
    EXPECT_TRUE(s.q.remove(c));
    EXPECT_TRUE(s.q.remove(b));
    EXPECT_TRUE(s.q.empty());
    EXPECT_EQ(s.q.next_deadline(), UINT64_MAX);
}

TEST(TimerQueue, RemoveOfUnqueuedTimerReturnsFalse) {
    Queue<4> s;
    Timer a = at(1), never = at(2);
    EXPECT_FALSE(s.q.remove(never));
    ASSERT_TRUE(s.q.add(a).ok());
    EXPECT_TRUE(s.q.remove(a));
    EXPECT_FALSE(s.q.remove(a));
    EXPECT_TRUE(s.q.empty());
}

TEST(TimerQueue, ReAddingAQueuedTimerMovesIt) {
    Queue<8> s;
    Timer a = at(10), b = at(20), c = at(30);
    for (Timer* x : {&a, &b, &c}) ASSERT_TRUE(s.q.add(*x).ok());

    c.expires_ns = 5; // later -> earliest
    EXPECT_TRUE(s.q.add(c).value());
    EXPECT_EQ(s.q.size(), 3u);
    EXPECT_EQ(s.q.next_deadline(), 5u);

    c.expires_ns = 100; // earliest -> latest
    EXPECT_FALSE(s.q.add(c).value());
    EXPECT_EQ(s.q.size(), 3u);
    EXPECT_EQ(s.q.next_deadline(), 10u);

    b.expires_ns = 20; // unchanged deadline: still queued once
    EXPECT_FALSE(s.q.add(b).value());
    EXPECT_EQ(s.q.size(), 3u);
    EXPECT_EQ(drain(s.q), (std::vector<uint64_t>{10, 20, 100}));
}

TEST(TimerQueue, FullQueueRejectsNewTimersButStillMovesQueuedOnes) {
    Queue<3> s;
    Timer a = at(1), b = at(2), c = at(3), d = at(0);
    for (Timer* x : {&a, &b, &c}) ASSERT_TRUE(s.q.add(*x).ok());
    auto r = s.q.add(d);
    EXPECT_EQ(r.error(), err_nospc);
    EXPECT_EQ(d.heap_index, -1);
    EXPECT_EQ(s.q.next_deadline(), 1u);

    c.expires_ns = 0;
    EXPECT_TRUE(s.q.add(c).value()); // a move needs no free slot
    EXPECT_EQ(s.q.size(), 3u);

    ASSERT_NE(s.q.pop_expired(0), nullptr);
    EXPECT_TRUE(s.q.add(d).ok()); // room again
}

TEST(TimerQueue, ZeroCapacityQueueIsAlwaysFull) {
    TimerQueue q(nullptr, 0);
    Timer a = at(1);
    EXPECT_EQ(q.add(a).error(), err_nospc);
    EXPECT_EQ(q.pop_expired(UINT64_MAX), nullptr);
}

TEST(TimerQueue, TimerQueuedElsewhereIsBusy) {
    Queue<4> one, two;
    Timer a = at(1);
    ASSERT_TRUE(one.q.add(a).ok());
    EXPECT_EQ(two.q.add(a).error(), err_busy);
    EXPECT_FALSE(two.q.remove(a));
    EXPECT_TRUE(one.q.contains(a));
    // Migrating: remove from one queue, then add to the other.
    EXPECT_TRUE(one.q.remove(a));
    EXPECT_TRUE(two.q.add(a).value());
}

// Thousands of random adds, moves, removes and pops, checked after every step
// against a std::multiset of (deadline, timer).
TEST(TimerQueue, RandomisedAgainstMultiset) {
    constexpr size_t pool = 96, capacity = 64;
    std::vector<Timer> timers(pool);
    std::vector<Timer*> storage(capacity);
    TimerQueue q(storage.data(), capacity);
    std::multiset<std::pair<uint64_t, Timer*>> model;
    std::mt19937_64 rng(12345);
    uint64_t now = 0;

    auto model_erase = [&](Timer* t) {
        for (auto it = model.begin(); it != model.end(); ++it)
            if (it->second == t) return model.erase(it), true;
        return false;
    };

    for (int step = 0; step < 20000; ++step) {
        Timer& t = timers[rng() % pool];
        switch (rng() % 4) {
        case 0:
        case 1: { // add or move, deadlines in a small window so that many tie
            const bool queued = q.contains(t);
            const uint64_t old_min = model.empty() ? UINT64_MAX : model.begin()->first;
            t.expires_ns = now + rng() % 64;
            auto r = q.add(t);
            if (!queued && model.size() == capacity) {
                ASSERT_EQ(r.error(), err_nospc);
                break;
            }
            ASSERT_TRUE(r.ok());
            model_erase(&t);
            model.insert({t.expires_ns, &t});
            // Became earliest: strictly earlier than every other timer.
            bool strictly_first = true;
            for (const auto& [ns, other] : model)
                if (other != &t && ns <= t.expires_ns) strictly_first = false;
            if (strictly_first) {
                ASSERT_TRUE(r.value());
            }
            if (r.value()) {
                ASSERT_EQ(t.expires_ns, model.begin()->first);
            }
            if (!queued && !r.value()) {
                ASSERT_GE(t.expires_ns, old_min);
            }
            break;
        }
        case 2: // remove
            ASSERT_EQ(q.remove(t), model_erase(&t));
            break;
        case 3: { // advance time and pop what is due
            now += rng() % 16;
            while (Timer* p = q.pop_expired(now)) {
                ASSERT_FALSE(model.empty());
                ASSERT_EQ(p->expires_ns, model.begin()->first);
                ASSERT_LE(p->expires_ns, now);
                ASSERT_TRUE(model_erase(p));
            }
            ASSERT_TRUE(model.empty() || model.begin()->first > now);
            break;
        }
        }
        ASSERT_EQ(q.size(), model.size());
        ASSERT_EQ(q.next_deadline(), model.empty() ? UINT64_MAX : model.begin()->first);
        if (step % 64 == 0) {
            for (Timer& x : timers) {
                bool in_model = std::any_of(model.begin(), model.end(),
                                            [&](const auto& e) { return e.second == &x; });
                ASSERT_EQ(q.contains(x), in_model);
                ASSERT_EQ(x.heap_index >= 0, in_model);
            }
        }
    }
}
