// Per-pCPU software timers on top of TimerQueue and the arch one-shot timer
// (Xen's xen/common/timer.c: init_timer, set_timer, stop_timer,
// migrate_timer, kill_timer). A timer's function runs on its pCPU, in
// TIMER_SOFTIRQ context, with interrupts on. A timer moves to another pCPU
// only through migrate_timer() (the scheduler moves a vCPU's timers with
// the vCPU); every operation finds the timer's pCPU again under that
// pCPU's lock, so one racing a migration acts on the right queue.
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"
#include "common/time/timer_queue.hpp"

namespace cxen {

/// The pCPU t is on now (it may be migrated at any time, see above).
inline unsigned timer_cpu(const Timer& t) { return __atomic_load_n(&t.cpu, __ATOMIC_SEQ_CST); }

/// Prepare t to call fn(data) on pCPU `cpu`. Must not be active.
void init_timer(Timer& t, void (*fn)(void*), void* data, unsigned cpu);
/// Arm (or re-arm) t for expires_ns (system time, ns since boot); a time in
/// the past fires as soon as the softirq runs. Errors: -ENOSPC when the
/// pCPU's queue is full, -ENODEV when the pCPU has no timer queue.
[[nodiscard]] Status set_timer(Timer& t, uint64_t expires_ns);
/// Disarm t; harmless if it is not armed. Its fn may be running on t's
/// pCPU right now, and may re-arm it: use kill_timer() before freeing t.
void stop_timer(Timer& t);
/// Disarm t for good (Xen's kill_timer): dequeued, set_timer() and
/// migrate_timer() on it do nothing until init_timer() again, and a call of
/// its fn running on any pCPU (the one it was migrated away from too) has
/// returned; a fn that re-arms t while kill_timer() waits re-arms nothing.
/// After this, t and what its fn uses may be freed. Not from t's own fn.
/// Harmless on a timer never armed, and twice.
void kill_timer(Timer& t);
/// Move t to pCPU `cpu`'s queue (Xen's migrate_timer): armed, it stays armed
/// for the same deadline there; its fn may still be running on the old pCPU
/// (kill_timer() waits for that too). Nothing for a killed timer, or one
/// already on `cpu`. The target queue must exist, as in Xen (online pCPUs).
void migrate_timer(Timer& t, unsigned cpu);
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
