// A simple per-pCPU round-robin scheduler: each vCPU is pinned to one
// pCPU; runnable vCPUs of a pCPU take turns in 10 ms slices. Enough to run
// more vCPUs than pCPUs with blocking and wake-ups; credit2 replaces it.
//
// Locking: each pCPU's queue has a lock (taken with interrupts off); a
// vCPU's state changes with atomic operations so that wake-ups from other
// pCPUs need no lock of the target.
#pragma once

#include "arch/vcpu.hpp"
#include "common/domain.hpp"

namespace cxen {

constexpr uint64_t sched_slice_ns = 10'000'000;

/// Prepare the scheduler on this pCPU (its slice timer).
void sched_init_cpu(unsigned cpu);
/// Put v on its pCPU's queue (offline -> runnable). A vCPU of a dying
/// domain stays offline (it is queued only to be taken off by the reaper).
void sched_add_vcpu(Vcpu& v);
/// Take v off its queue for good (the domain is being destroyed).
void sched_remove_vcpu(Vcpu& v);
/// Is v on a pCPU? Read under its run queue's lock, which its pCPU's
/// scheduler holds while it takes v out of `running`: false also means that
/// scheduler no longer looks at v, so the reaper may free it.
bool sched_vcpu_running(Vcpu& v);
/// blocked -> runnable, and poke v's pCPU.
void vcpu_wake(Vcpu& v);
/// The running vCPU gives up its pCPU until vcpu_wake().
void vcpu_block(Vcpu& v);
/// Xen's vcpu_block() for SCHEDOP_block: block, then unblock at once if
/// an interrupt is deliverable already (arch::local_events_need_delivery()),
/// so an event that raced the hypercall is not left waiting.
void vcpu_block_check_events(Vcpu& v);
/// Does a kick of v from pCPU `this_cpu` need an IPI (Xen's vcpu_kick)?
/// Only if v is in guest mode on another pCPU; one not running looks at
/// its pending state before its next VMRUN anyway.
bool vcpu_kick_needs_ipi(const Vcpu& v, unsigned this_cpu);
/// Is some vCPU other than `v` runnable on this pCPU?
bool sched_others_runnable(const Vcpu& v);
/// The pCPU's main loop: run softirqs and runnable vCPUs, halt when idle.
[[noreturn]] void sched_loop();

} // namespace cxen
