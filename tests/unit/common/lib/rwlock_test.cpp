// RwLock (common/lib/rwlock.hpp): readers share it, a writer has it alone,
// a waiting writer keeps new readers out, and under ThreadSanitizer a
// reader that writes what it only read-locked is a reported race. Built
// into both unit binaries (the TSan one through the glob in tests/CMakeLists.txt).
#include "common/lib/rwlock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace cxen {
namespace {

TEST(RwLock, ReadersShareIt) {
    RwLock l;
    l.read_lock();
    std::atomic<bool> second_in{false};
    std::thread t([&] {
        ReadGuard g(l); // would spin for ever if readers excluded each other
        second_in = true;
    });
    t.join();
    EXPECT_TRUE(second_in.load());
    EXPECT_EQ(l.readers(), 1u);
    l.read_unlock();
    EXPECT_EQ(l.readers(), 0u);
}

TEST(RwLock, AWriterWaitsForTheReadersAndKeepsNewOnesOut) {
    RwLock l;
    l.read_lock();
    std::atomic<bool> writer_in{false}, late_reader_in{false};
    std::thread writer([&] {
        WriteGuard g(l);
        writer_in = true;
        // The late reader cannot be in while the writer is.
        EXPECT_FALSE(late_reader_in.load());
    });
    while (!l.is_write_locked()) std::this_thread::yield(); // the writer has claimed it
    std::thread late_reader([&] {
        ReadGuard g(l);
        late_reader_in = true;
    });
    // Neither gets in while the first reader holds it; the late reader
    // would if readers went ahead of a waiting writer.
    for (int i = 0; i < 1000; ++i) std::this_thread::yield();
    EXPECT_FALSE(writer_in.load());
    EXPECT_FALSE(late_reader_in.load());
    l.read_unlock();
    writer.join();
    late_reader.join();
    EXPECT_TRUE(writer_in.load());
    EXPECT_TRUE(late_reader_in.load());
    EXPECT_EQ(l.readers(), 0u);
    EXPECT_FALSE(l.is_write_locked());
}

TEST(RwLock, WritersAreExclusiveAndReadersSeeWholeUpdates) {
    RwLock l;
    uint64_t a = 0, b = 0; // written together under the write lock
    std::atomic<bool> torn{false};
    std::vector<std::thread> ts;
    for (int w = 0; w < 2; ++w)
        ts.emplace_back([&] {
            for (int i = 0; i < 20000; ++i) {
                WriteGuard g(l);
                ++a;
                ++b;
            }
        });
    for (int r = 0; r < 2; ++r)
        ts.emplace_back([&] {
            for (int i = 0; i < 20000; ++i) {
                ReadGuard g(l);
                if (a != b) torn = true;
            }
        });
    for (auto& t : ts) t.join();
    EXPECT_EQ(a, 40000u); // no lost update between the writers
    EXPECT_EQ(b, 40000u);
    EXPECT_FALSE(torn.load());
}

} // namespace
} // namespace cxen
