// The scheduler core (Xen's xen/common/sched/core.c): vCPU states,
// blocking and wake-ups, the per-pCPU loop, hard/soft affinity and
// migration of a vCPU with its timers. Which runnable vCPU a pCPU runs,
// and for how long, is the policy's (scheduler.hpp), chosen at boot with
// `sched=`; the default is credit2 (credit2.cpp), as Xen's; round-robin
// (rr.cpp, `sched=rr`) keeps every vCPU on the pCPU it was created on.
// Load balancing: before each pass a pCPU may pull one runnable vCPU from
// another (Scheduler::balance_source/balance_pick; the core moves it).
//
// States: offline -> runnable (sched_add_vcpu) -> running (picked by its
// pCPU) -> runnable | blocked | offline (when vcpu_run() returns);
// blocked -> runnable (vcpu_wake). A vCPU's state changes with atomics, so
// wake-ups from other pCPUs never wait for its pCPU; only the pCPU a vCPU
// runs on moves it out of `running`, so it runs on at most one pCPU.
//
// Locking: each pCPU has a scheduler lock (SchedResource::lock, Xen's
// schedule_lock), taken with interrupts off. It covers the policy's data
// for that pCPU and its vCPUs, the vCPUs' SchedUnit affinities, and the
// store that takes a vCPU out of `running` (the reaper reads `running`
// under it). A vCPU's processor changes only under the old and the new
// pCPU's locks (taken in ascending pCPU order), so vcpu_schedule_lock()
// reads processor, locks, and checks again. Order: scheduler locks, then
// timer queue locks (timers follow a migrating vCPU); never the other way.
#pragma once

#include "arch/vcpu.hpp"
#include "common/domain.hpp"
#include "lib/base/result.hpp"
#include "common/sched/cpumask.hpp"
#include "common/sched/scheduler.hpp"

namespace cxen {

/// Round-robin's default slice (Xen's credit uses 30 ms; cxen has always
/// used 10 ms).
constexpr uint64_t sched_slice_ns = 10'000'000;

/// Choose the policy (`sched=`, Xen's scheduler_init() choice point),
/// before the first sched_init_cpu(). An unknown name keeps the default
/// (as Xen does, with a warning); returns whether `opt_name` was found.
bool sched_select(const char* opt_name);
/// The policy in use.
Scheduler& sched_policy();
/// Use `s` (host tests put a recording policy in; cpupools will give each
/// pool its own instance, TODO(#15)). No pCPU may be online yet.
void sched_use(Scheduler& s);
/// Bring pCPU `cpu` under the scheduler (its slice timer, the policy's
/// per-pCPU data); panics without memory, as a pCPU that cannot schedule
/// is useless. Its timer queue must exist (timers_init_cpu).
void sched_init_cpu(unsigned cpu);
/// Undo sched_init_cpu() (host tests): no vCPU may be on `cpu`.
void sched_deinit_cpu(unsigned cpu);
/// pCPUs under the scheduler.
CpuMask sched_online_cpus();

/// The policy's per-domain data (domain_create). Errors: -ENOMEM.
[[nodiscard]] Status sched_init_domain(Domain& d);
void sched_destroy_domain(Domain& d);
/// The policy's per-vCPU data and default affinities (vcpu_create).
/// Errors: -ENOMEM.
[[nodiscard]] Status sched_init_vcpu(Vcpu& v);
/// Take v off its queue for good and free the policy's data (domain
/// destruction; v is not running).
void sched_destroy_vcpu(Vcpu& v);

/// Put v on its pCPU's queue (offline -> runnable). A vCPU of a dying
/// domain stays offline (it is queued only to be taken off by the reaper).
void sched_add_vcpu(Vcpu& v);
/// Take v off its queue for good (the domain is being destroyed).
void sched_remove_vcpu(Vcpu& v);
/// Is v on a pCPU? Read under its pCPU's scheduler lock, which that pCPU
/// holds while it takes v out of `running`: false also means no scheduler
/// looks at v any more once it is off its queue, so the reaper may free it.
bool sched_vcpu_running(Vcpu& v);
/// Policies: may v be picked now? Runnable, its domain neither paused nor
/// dying, not waiting to migrate (Xen's unit_runnable() and the pause
/// flags).
bool sched_vcpu_eligible(const Vcpu& v);

/// blocked -> runnable, and poke v's pCPU.
void vcpu_wake(Vcpu& v);
/// The running vCPU gives up its pCPU until vcpu_wake().
void vcpu_block(Vcpu& v);
/// Xen's vcpu_block() for SCHEDOP_block: block, then unblock at once if
/// an interrupt is deliverable already (arch::local_events_need_delivery()),
/// so an event that raced the hypercall is not left waiting.
void vcpu_block_check_events(Vcpu& v);
/// SCHEDOP_yield from the running v: it is taken off at once and the
/// policy may run another vCPU first (Xen's vcpu_yield).
void vcpu_yield(Vcpu& v);
/// Does a kick of v from pCPU `this_cpu` need an IPI (Xen's vcpu_kick)?
/// Only if v is in guest mode on another pCPU; one not running looks at
/// its pending state before its next VMRUN anyway.
bool vcpu_kick_needs_ipi(const Vcpu& v, unsigned this_cpu);

/// Set v's hard affinity (Xen's vcpu_set_hard_affinity): v never runs
/// outside it. If v's pCPU is no longer in it, v moves, with its timers,
/// to a pCPU the policy picks: at once if v is not running, else when its
/// pCPU takes it off (which is poked now). Errors: -EINVAL if `mask` has
/// no online pCPU (as Xen).
[[nodiscard]] Status vcpu_set_hard_affinity(Vcpu& v, const CpuMask& mask);
/// Set v's soft affinity (a hint to the policy; never moves v by itself).
/// Errors: -EINVAL if empty.
[[nodiscard]] Status vcpu_set_soft_affinity(Vcpu& v, const CpuMask& mask);

/// v's hard and soft affinity, read together under its scheduler lock.
void vcpu_get_affinity(const Vcpu& v, CpuMask& hard, CpuMask& soft);

/// One pass of pCPU `cpu`'s loop (Xen's schedule()): ask the policy,
/// run its choice until vcpu_run() returns, take it off. Returns false if
/// there was nothing to run. Must run on `cpu`.
bool sched_schedule(unsigned cpu);
/// The pCPU's main loop: run softirqs and runnable vCPUs, halt when idle.
[[noreturn]] void sched_loop();

} // namespace cxen
