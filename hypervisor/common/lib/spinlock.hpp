// Fair ticket spinlocks. Waiters are served in arrival order: each takes a
// ticket from `next_` and spins until `owner_` reaches it.
//
// Locking: a SpinLock protects whatever its owner says it protects. Locks
// that interrupt handlers also take must be held with IrqSpinGuard so that
// an interrupt on the same CPU cannot deadlock against its own holder.
//
// ThreadSanitizer: built with -fsanitize=thread (the host tsan test binary),
// each operation is announced with TSan's mutex annotations, so TSan treats
// a SpinLock as a mutex: it checks lock-order inversions between SpinLocks
// (a potential deadlock is reported, not just hung) and a double unlock.
// Elsewhere the annotations compile to nothing.
#pragma once

#include <atomic>
#include <cstdint>

#include "arch/cpu.hpp"

#if defined(__SANITIZE_THREAD__)
#define CXEN_TSAN_SPINLOCK 1
#include <sanitizer/tsan_interface.h>
#endif

namespace cxen {

namespace tsan {
#if defined(CXEN_TSAN_SPINLOCK)
constexpr unsigned mutex_try_lock = __tsan_mutex_try_lock;
constexpr unsigned mutex_try_lock_failed = __tsan_mutex_try_lock_failed;
inline void pre_lock(void* m, unsigned f = 0) { __tsan_mutex_pre_lock(m, f); }
inline void post_lock(void* m, unsigned f = 0) { __tsan_mutex_post_lock(m, f, 0); }
inline void pre_unlock(void* m) { (void)__tsan_mutex_pre_unlock(m, 0); }
inline void post_unlock(void* m) { __tsan_mutex_post_unlock(m, 0); }
inline void destroy(void* m) { __tsan_mutex_destroy(m, 0); }
#else
constexpr unsigned mutex_try_lock = 0, mutex_try_lock_failed = 0;
inline void pre_lock(void*, unsigned = 0) {}
inline void post_lock(void*, unsigned = 0) {}
inline void pre_unlock(void*) {}
inline void post_unlock(void*) {}
#endif
} // namespace tsan

class SpinLock {
  public:
    constexpr SpinLock() = default;
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;
#if defined(CXEN_TSAN_SPINLOCK)
    // TSan keys a mutex by address: a SpinLock on the stack or in an
    // object freed without free() (a test fixture) must not pass its lock
    // order on to the next object at that address.
    ~SpinLock() { tsan::destroy(this); }
#endif

    void lock() {
        tsan::pre_lock(this);
        const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
        while (owner_.load(std::memory_order_acquire) != ticket) arch::cpu_relax();
        tsan::post_lock(this);
    }
    /// Take the lock only if nobody holds or waits for it.
    bool try_lock() {
        tsan::pre_lock(this, tsan::mutex_try_lock);
        // Acquire pairs with unlock()'s release: a winner sees the last holder's writes.
        uint32_t owner = owner_.load(std::memory_order_acquire);
        uint32_t expected = owner;
        const bool won = next_.compare_exchange_strong(expected, owner + 1, std::memory_order_acquire,
                                                       std::memory_order_relaxed);
        tsan::post_lock(this, won ? tsan::mutex_try_lock : tsan::mutex_try_lock | tsan::mutex_try_lock_failed);
        return won;
    }
    void unlock() {
        tsan::pre_unlock(this);
        owner_.store(owner_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
        tsan::post_unlock(this);
    }
    bool is_locked() const {
        return owner_.load(std::memory_order_relaxed) != next_.load(std::memory_order_relaxed);
    }
    /// Panic path only: forget every holder and waiter so that the panicking
    /// CPU can print even if another CPU died holding the console lock.
    /// Under TSan it counts as an unlock by this CPU (the holder, in the
    /// host test); a holder on another thread would be reported as a wrong
    /// unlock, which only a real panic does.
    void force_reset() {
        if (is_locked()) {
            tsan::pre_unlock(this);
            tsan::post_unlock(this);
        }
        owner_.store(next_.load(std::memory_order_relaxed), std::memory_order_release);
    }

  private:
    std::atomic<uint32_t> next_{0};
    std::atomic<uint32_t> owner_{0};
};

class SpinGuard {
  public:
    explicit SpinGuard(SpinLock& l) : lock_(l) { lock_.lock(); }
    ~SpinGuard() { lock_.unlock(); }
    SpinGuard(const SpinGuard&) = delete;
    SpinGuard& operator=(const SpinGuard&) = delete;

  private:
    SpinLock& lock_;
};

/// Holds the lock with local interrupts disabled, restoring them afterwards.
class IrqSpinGuard {
  public:
    explicit IrqSpinGuard(SpinLock& l) : lock_(l), flags_(arch::irq_save()) { lock_.lock(); }
    ~IrqSpinGuard() {
        lock_.unlock();
        arch::irq_restore(flags_);
    }
    IrqSpinGuard(const IrqSpinGuard&) = delete;
    IrqSpinGuard& operator=(const IrqSpinGuard&) = delete;

  private:
    SpinLock& lock_;
    unsigned long flags_;
};

} // namespace cxen
