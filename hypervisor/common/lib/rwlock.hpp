// Reader-writer spinlock, for data that many CPUs read and few change: a
// grant table (Xen's is a percpu rwlock: map, unmap and copy read; growth
// and version changes write) and a domain's p2m (Xen takes its p2m lock
// shared for lookups such as get_page_from_gfn(), exclusive in
// p2m_set_entry()).
//
// One word: bit 31 says a writer holds or is claiming the lock, bits 0-30
// count readers. A writer claims bit 31 first, so no new reader gets in,
// then waits for the readers inside to leave: a stream of lookups cannot
// starve a change. Writers are not ordered among themselves.
//
// Not recursive for readers either: a CPU that takes the read lock twice
// deadlocks if a writer claims the lock in between. Locks taken from
// interrupt handlers need the interrupts-off guards, as with SpinLock.
//
// ThreadSanitizer: annotated as a reader-writer mutex (read locks carry
// __tsan_mutex_read_lock), so lock-order inversions through it are reported.
#pragma once

#include <atomic>
#include <cstdint>

#include "arch/cpu.hpp"
#include "common/lib/spinlock.hpp"

namespace cxen {

namespace tsan {
#if defined(CXEN_TSAN_SPINLOCK)
constexpr unsigned mutex_read_lock = __tsan_mutex_read_lock;
inline void pre_unlock(void* m, unsigned f) { (void)__tsan_mutex_pre_unlock(m, f); }
inline void post_unlock(void* m, unsigned f) { __tsan_mutex_post_unlock(m, f); }
#else
constexpr unsigned mutex_read_lock = 0;
inline void pre_unlock(void*, unsigned) {}
inline void post_unlock(void*, unsigned) {}
#endif
} // namespace tsan

class RwLock {
  public:
    constexpr RwLock() = default;
    RwLock(const RwLock&) = delete;
    RwLock& operator=(const RwLock&) = delete;
#if defined(CXEN_TSAN_SPINLOCK)
    ~RwLock() { tsan::destroy(this); } // see SpinLock: the address may be reused
#endif

    void read_lock() {
        tsan::pre_lock(this, tsan::mutex_read_lock);
        for (;;) {
            uint32_t s = state_.load(std::memory_order_relaxed);
            if (!(s & writer) &&
                state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire, std::memory_order_relaxed))
                break;
            arch::cpu_relax();
        }
        tsan::post_lock(this, tsan::mutex_read_lock);
    }
    void read_unlock() {
        tsan::pre_unlock(this, tsan::mutex_read_lock);
        state_.fetch_sub(1, std::memory_order_release);
        tsan::post_unlock(this, tsan::mutex_read_lock);
    }
    void write_lock() {
        tsan::pre_lock(this);
        for (;;) { // claim: new readers now wait
            uint32_t s = state_.load(std::memory_order_relaxed);
            if (!(s & writer) &&
                state_.compare_exchange_weak(s, s | writer, std::memory_order_acquire, std::memory_order_relaxed))
                break;
            arch::cpu_relax();
        }
        while (state_.load(std::memory_order_acquire) != writer) arch::cpu_relax(); // readers drain
        tsan::post_lock(this);
    }
    void write_unlock() {
        tsan::pre_unlock(this);
        state_.fetch_and(~writer, std::memory_order_release);
        tsan::post_unlock(this);
    }
    bool is_write_locked() const { return state_.load(std::memory_order_relaxed) & writer; }
    unsigned readers() const { return state_.load(std::memory_order_relaxed) & ~writer; }

  private:
    static constexpr uint32_t writer = 1u << 31;
    std::atomic<uint32_t> state_{0};
};

class ReadGuard {
  public:
    explicit ReadGuard(RwLock& l) : lock_(l) { lock_.read_lock(); }
    ~ReadGuard() { lock_.read_unlock(); }
    ReadGuard(const ReadGuard&) = delete;
    ReadGuard& operator=(const ReadGuard&) = delete;

  private:
    RwLock& lock_;
};

class WriteGuard {
  public:
    explicit WriteGuard(RwLock& l) : lock_(l) { lock_.write_lock(); }
    ~WriteGuard() { lock_.write_unlock(); }
    WriteGuard(const WriteGuard&) = delete;
    WriteGuard& operator=(const WriteGuard&) = delete;

  private:
    RwLock& lock_;
};

} // namespace cxen
