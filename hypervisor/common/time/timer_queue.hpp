// A per-CPU queue of one-shot timers ordered by deadline: a binary min-heap
// over caller-provided storage, so adding a timer never allocates. Each
// Timer records its heap slot, which makes remove() and re-add O(log n)
// (as Xen's xen/common/timer.c heap, whose set_timer()/stop_timer() this
// mirrors).
//
// Locking: none inside. The queue belongs to one pCPU; its owner (the
// per-CPU timer code) holds its lock, with interrupts off, around every
// call, and never runs a timer's fn under it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {

/// A one-shot timer. The owner fills in fn/data/expires_ns; heap_index
/// belongs to the TimerQueue that holds it. A Timer must not be destroyed
/// or moved while queued.
struct Timer {
    uint64_t expires_ns = 0;          ///< deadline, in system time (ns since boot)
    void (*fn)(void* data) = nullptr; ///< run by the owner after pop_expired()
    void* data = nullptr;
    int32_t heap_index = -1; ///< slot in its queue's heap; -1: not queued
    /// pCPU whose queue it goes on (common/time/timer.cpp). Changed only by
    /// migrate_timer() under both pCPUs' queue locks; read once without a
    /// lock to find which lock to take, then again under it, both with
    /// atomic accesses (timer_cpu()).
    uint16_t cpu = 0;
    bool killed = false;     ///< kill_timer() done: set_timer() ignores it (timer.cpp; under the queue lock)
};

class TimerQueue {
  public:
    /// A queue holding up to `capacity` timers in `storage[0..capacity)`,
    /// which the caller owns and must keep alive (typically a per-CPU array).
    TimerQueue(Timer** storage, size_t capacity);
    TimerQueue(const TimerQueue&) = delete;
    TimerQueue& operator=(const TimerQueue&) = delete;

    /// Queue `t` for t.expires_ns. If `t` is already in this queue it is
    /// moved to its (new) deadline instead, like Xen's set_timer() on an
    /// active timer; that never fails for lack of space.
    /// Returns true if `t` is now the earliest timer, i.e. the caller must
    /// reprogram the hardware timer. A timer whose deadline equals the
    /// current earliest one does not displace it (returns false). Moving the
    /// earliest timer later returns false if it is no longer first: the
    /// hardware timer then fires early, pop_expired() returns nullptr, and
    /// the owner reprograms it from next_deadline() (as after remove()).
    /// Errors: -ENOSPC queue full, -EBUSY `t` is queued in another queue
    /// (remove it there first, as Xen's migrate_timer() does).
    [[nodiscard]] Result<bool> add(Timer& t);

    /// Dequeue `t`. Returns false if it was not queued in this queue.
    bool remove(Timer& t);

    /// Dequeue and return the earliest timer if its deadline is <= now_ns,
    /// else nullptr. The caller runs its fn (after dropping the queue lock)
    /// and calls again until nullptr. Timers with equal deadlines come out in
    /// no particular order.
    Timer* pop_expired(uint64_t now_ns);

    /// The earliest deadline, or UINT64_MAX if the queue is empty.
    uint64_t next_deadline() const;

    size_t size() const { return size_; }
    size_t capacity() const { return capacity_; }
    bool empty() const { return size_ == 0; }

    /// Whether `t` is queued here (its slot points back to it).
    bool contains(const Timer& t) const;

  private:
    void place(size_t i, Timer* t);
    void sift_up(size_t i);
    void sift_down(size_t i);
    void remove_at(size_t i);

    Timer** heap_; // heap_[0] has the earliest deadline; heap_[i]->heap_index == i
    size_t capacity_;
    size_t size_ = 0;
};

} // namespace cxen
