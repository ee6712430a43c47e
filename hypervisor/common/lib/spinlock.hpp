// Fair ticket spinlocks. Waiters are served in arrival order: each takes a
// ticket from `next_` and spins until `owner_` reaches it.
//
// Locking: a SpinLock protects whatever its owner says it protects. Locks
// that interrupt handlers also take must be held with IrqSpinGuard so that
// an interrupt on the same CPU cannot deadlock against its own holder.
#pragma once

#include <atomic>
#include <cstdint>

#include "arch/cpu.hpp"

namespace cxen {

class SpinLock {
  public:
    constexpr SpinLock() = default;
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;

    void lock() {
        const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
        while (owner_.load(std::memory_order_acquire) != ticket) arch::cpu_relax();
    }
    /// Take the lock only if nobody holds or waits for it.
    bool try_lock() {
        // Acquire pairs with unlock()'s release: a winner sees the last holder's writes.
        uint32_t owner = owner_.load(std::memory_order_acquire);
        uint32_t expected = owner;
        return next_.compare_exchange_strong(expected, owner + 1, std::memory_order_acquire,
                                             std::memory_order_relaxed);
    }
    void unlock() { owner_.store(owner_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
    bool is_locked() const {
        return owner_.load(std::memory_order_relaxed) != next_.load(std::memory_order_relaxed);
    }
    /// Panic path only: forget every holder and waiter so that the panicking
    /// CPU can print even if another CPU died holding the console lock.
    void force_reset() { owner_.store(next_.load(std::memory_order_relaxed), std::memory_order_release); }

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
