// A reader/writer spinlock for the grant tables (Xen's grant-table lock is a
// percpu rwlock: many readers map, unmap and copy at once; growth and version
// changes write). Writers are preferred: a waiting writer stops new readers,
// so a stream of map operations cannot starve GNTTABOP_setup_table.
//
// Locking: the lock protects whatever its owner says; it is never taken
// from interrupt context, so it does not disable interrupts.
#pragma once

#include <atomic>
#include <cstdint>

#include "arch/cpu.hpp"

namespace cxen {

class RwLock {
  public:
    constexpr RwLock() = default;
    RwLock(const RwLock&) = delete;
    RwLock& operator=(const RwLock&) = delete;

    void read_lock() {
        for (;;) {
            uint32_t s = state_.load(std::memory_order_relaxed);
            if (!(s & (writer_ | writer_waiting_)) &&
                state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire, std::memory_order_relaxed))
                return;
            arch::cpu_relax();
        }
    }
    void read_unlock() { state_.fetch_sub(1, std::memory_order_release); }

    void write_lock() {
        waiting_writers_.fetch_add(1, std::memory_order_relaxed);
        state_.fetch_or(writer_waiting_, std::memory_order_relaxed);
        for (;;) {
            uint32_t s = state_.load(std::memory_order_relaxed);
            // Free of readers and of a writer: take it (keeping the waiting
            // bit if other writers still wait).
            if ((s & ~writer_waiting_) == 0) {
                const bool others = waiting_writers_.load(std::memory_order_relaxed) > 1;
                if (state_.compare_exchange_weak(s, writer_ | (others ? writer_waiting_ : 0),
                                                 std::memory_order_acquire, std::memory_order_relaxed)) {
                    waiting_writers_.fetch_sub(1, std::memory_order_relaxed);
                    return;
                }
                continue;
            }
            if (!(s & writer_waiting_)) state_.fetch_or(writer_waiting_, std::memory_order_relaxed);
            arch::cpu_relax();
        }
    }
    void write_unlock() {
        const bool others = waiting_writers_.load(std::memory_order_relaxed) > 0;
        state_.store(others ? writer_waiting_ : 0, std::memory_order_release);
    }

  private:
    static constexpr uint32_t writer_ = 1u << 31;
    static constexpr uint32_t writer_waiting_ = 1u << 30;
    std::atomic<uint32_t> state_{0}; ///< reader count | writer_ | writer_waiting_
    std::atomic<uint32_t> waiting_writers_{0};
};

class ReadGuard {
  public:
    explicit ReadGuard(RwLock& l) : l_(l) { l_.read_lock(); }
    ~ReadGuard() { l_.read_unlock(); }
    ReadGuard(const ReadGuard&) = delete;
    ReadGuard& operator=(const ReadGuard&) = delete;

  private:
    RwLock& l_;
};

class WriteGuard {
  public:
    explicit WriteGuard(RwLock& l) : l_(l) { l_.write_lock(); }
    ~WriteGuard() { l_.write_unlock(); }
    WriteGuard(const WriteGuard&) = delete;
    WriteGuard& operator=(const WriteGuard&) = delete;

  private:
    RwLock& l_;
};

} // namespace cxen
