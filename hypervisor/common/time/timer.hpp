// Per-pCPU software timers on top of TimerQueue and the arch one-shot timer
// (Xen's xen/common/timer.c: init_timer, set_timer, stop_timer). A timer's
// function runs on its pCPU, in TIMER_SOFTIRQ context, with interrupts on.
#pragma once

#include <cstdint>

#include "common/lib/result.hpp"
#include "common/time/timer_queue.hpp"

namespace cxen {

/// Prepare t to call fn(data) on pCPU `cpu`. Must not be active.
void init_timer(Timer& t, void (*fn)(void*), void* data, unsigned cpu);
/// Arm (or re-arm) t for expires_ns (system time, ns since boot); a time in
/// the past fires as soon as the softirq runs. Errors: -ENOSPC when the
/// pCPU's queue is full, -ENODEV when the pCPU has no timer queue.
[[nodiscard]] Status set_timer(Timer& t, uint64_t expires_ns);
/// Disarm t; harmless if it is not armed. Its fn may be running on t's
/// pCPU right now, and may re-arm it: use kill_timer() before freeing t.
void stop_timer(Timer& t);
/// Disarm t for good (Xen's kill_timer): dequeued, set_timer() on it does
/// nothing until init_timer() again, and a call of its fn running on
/// another pCPU has returned. After this, t and what its fn uses may be
/// freed. Not from t's own fn. Harmless on a timer never armed.
void kill_timer(Timer& t);
bool timer_is_active(const Timer& t);

/// Create pCPU `cpu`'s queue (boot, or when the CPU comes up). Panics
/// without memory: a CPU without timers cannot run anything.
void timers_init_cpu(unsigned cpu);
/// Undo timers_init_cpu() (host tests: the queue comes from the heap
/// each test starts afresh). The queue must be empty.
void timers_destroy_cpu(unsigned cpu);
/// Called from the timer interrupt: defer the work to TIMER_SOFTIRQ.
void timer_softirq_raise();

} // namespace cxen
