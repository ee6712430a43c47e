// Binary min-heap on Timer::expires_ns. Locking: see timer_queue.hpp (the
// caller holds its per-CPU lock).
#include "common/time/timer_queue.hpp"

#include <limits>

#include "lib/base/assert.hpp"

namespace cxen {

TimerQueue::TimerQueue(Timer** storage, size_t capacity) : heap_(storage), capacity_(capacity) {
    ASSERT(storage || capacity == 0);
    // heap_index is an int32_t.
    ASSERT(capacity <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
}

bool TimerQueue::contains(const Timer& t) const {
    if (t.heap_index < 0) return false;
    size_t i = static_cast<size_t>(t.heap_index);
    return i < size_ && heap_[i] == &t;
}

void TimerQueue::place(size_t i, Timer* t) {
    heap_[i] = t;
    t->heap_index = static_cast<int32_t>(i);
}

// Move heap_[i] towards the root while it is earlier than its parent.
void TimerQueue::sift_up(size_t i) {
    Timer* t = heap_[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (heap_[parent]->expires_ns <= t->expires_ns) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, t);
}

// Move heap_[i] towards the leaves while a child is earlier.
void TimerQueue::sift_down(size_t i) {
    Timer* t = heap_[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= size_) break;
        if (child + 1 < size_ && heap_[child + 1]->expires_ns < heap_[child]->expires_ns) ++child;
        if (t->expires_ns <= heap_[child]->expires_ns) break;
        place(i, heap_[child]);
        i = child;
    }
    place(i, t);
}

// Take heap_[i] out: fill its slot with the last timer, then restore order
// in whichever direction that timer needs.
void TimerQueue::remove_at(size_t i) {
    Timer* t = heap_[i];
    t->heap_index = -1;
    --size_;
    if (i == size_) return; // was the last slot
    place(i, heap_[size_]);
    if (i > 0 && heap_[i]->expires_ns < heap_[(i - 1) / 2]->expires_ns)
        sift_up(i);
    else
        sift_down(i);
}

Result<bool> TimerQueue::add(Timer& t) {
    if (contains(t)) {
        // New deadline for a queued timer: restore order from its slot.
        size_t i = static_cast<size_t>(t.heap_index);
        if (i > 0 && t.expires_ns < heap_[(i - 1) / 2]->expires_ns)
            sift_up(i);
        else
            sift_down(i);
        return heap_[0] == &t;
    }
    if (t.heap_index >= 0) return Err(Errno::XEN_EBUSY);
    if (size_ == capacity_) return Err(Errno::XEN_ENOSPC);
    place(size_, &t);
    ++size_;
    sift_up(size_ - 1);
    return heap_[0] == &t;
}

bool TimerQueue::remove(Timer& t) {
    if (!contains(t)) return false;
    remove_at(static_cast<size_t>(t.heap_index));
    return true;
}

Timer* TimerQueue::pop_expired(uint64_t now_ns) {
    if (size_ == 0 || heap_[0]->expires_ns > now_ns) return nullptr;
    Timer* t = heap_[0];
    remove_at(0);
    return t;
}

uint64_t TimerQueue::next_deadline() const {
    return size_ == 0 ? std::numeric_limits<uint64_t>::max() : heap_[0]->expires_ns;
}

} // namespace cxen
