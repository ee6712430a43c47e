// A simple per-pCPU round-robin scheduler: each vCPU is pinned to one
// pCPU; runnable vCPUs of a pCPU take turns in 10 ms slices. Enough to run
// more vCPUs than pCPUs with blocking and wake-ups; credit2 replaces it.
//
// Locking: each pCPU's queue has a lock (taken with interrupts off); a
// vCPU's state changes with atomic operations so that wake-ups from other
// pCPUs need no lock of the target.
#pragma once

#include "common/domain.hpp"

namespace cxen {

constexpr uint64_t sched_slice_ns = 10'000'000;

/// Prepare the scheduler on this pCPU (its slice timer).
void sched_init_cpu(unsigned cpu);
/// Put v on its pCPU's queue (offline -> runnable).
void sched_add_vcpu(Vcpu& v);
/// Take v off its queue for good (the domain is being destroyed).
void sched_remove_vcpu(Vcpu& v);
/// blocked -> runnable, and poke v's pCPU.
void vcpu_wake(Vcpu& v);
/// The running vCPU gives up its pCPU until vcpu_wake().
void vcpu_block(Vcpu& v);
/// Is some vCPU other than `v` runnable on this pCPU?
bool sched_others_runnable(const Vcpu& v);
/// The pCPU's main loop: run softirqs and runnable vCPUs, halt when idle.
[[noreturn]] void sched_loop();

} // namespace cxen
