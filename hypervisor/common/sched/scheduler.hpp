// The scheduling policy interface (Xen's struct scheduler,
// xen/common/sched/private.h): the core (sched.cpp) owns vCPU states,
// blocking and wake-ups, the per-pCPU loop, affinity and migration with
// the vCPU's timers; a policy only decides which runnable vCPU a pCPU runs
// next, for how long, and where a vCPU should go. One policy is chosen at
// boot (`sched=`, sched_select()); an instance holds its global data, so
// cpupools (one instance per pool, TODO(#15)) can come later. The default
// is credit2 (credit2.cpp), as Xen's; rr (rr.cpp) stays as `sched=rr`.
//
// Private data, as Xen's alloc_pdata/alloc_domdata/alloc_udata: a policy
// may keep data per pCPU (SchedResource::priv), per domain
// (Domain::sched_priv) and per vCPU (SchedUnit::priv). alloc_* may fail
// with -ENOMEM; free_* take what alloc_* returned (possibly null).
//
// Locking: every per-pCPU and per-vCPU op is called with the scheduler
// lock of the pCPU concerned held and interrupts off (the vCPU's pCPU for
// vCPU ops, both pCPUs' for migrate()); alloc_*/free_*/init/deinit and
// adjust() with none. A policy must not take other locks of the core, must
// not change a vCPU's state (the core does, with atomics), and must not
// block.
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"
#include "common/sched/cpumask.hpp"

namespace cxen {

struct Domain;
struct Vcpu;

/// What do_schedule() decided for a pCPU (Xen's sched_unit next_task and
/// next_time): `next` null means idle until a wake-up.
struct SchedDecision {
    Vcpu* next = nullptr;
    uint64_t slice_ns = 0; ///< run `next` this long before asking again
};

/// Per-domain parameters of XEN_DOMCTL_SCHEDOP_{get,put}info, in cxen's
/// words; each policy uses the fields it has and ignores the others
/// (Xen's union of xen_domctl_sched_credit2 etc.).
struct SchedParams {
    uint64_t slice_ns = 0; ///< rr: the domain's time slice
    uint32_t weight = 0;   ///< credit2: relative share (0 on set: unchanged)
    uint32_t cap = 0;      ///< credit2: % of one pCPU (0 on set: no cap)
};

/// Pool-wide parameters of XEN_SYSCTL_SCHEDOP_{get,put}info (Xen's
/// xen_sysctl_credit2_schedule).
struct SchedGlobalParams {
    uint32_t ratelimit_us = 0; ///< credit2: context-switch rate limit (0: off)
};

class Scheduler {
  public:
    /// Full name, for the boot log ("Round-robin scheduler").
    virtual const char* name() const = 0;
    /// The `sched=` value that selects it ("rr", Xen's opt_name).
    virtual const char* opt_name() const = 0;
    /// Xen's sched_id (XEN_SCHEDULER_* in public/domctl.h), reported by
    /// XEN_SYSCTL_sched_id and cpupool INFO. 0, which libxl names
    /// "unknown", for a policy Xen does not have (rr): see docs/scheduling.md.
    virtual unsigned sched_id() const { return 0; }

    // ---- the policy's own data ----
    [[nodiscard]] virtual Status init() { return ok_status(); }
    virtual void deinit() {}
    /// Per-pCPU data for `cpu` coming online (Xen's alloc_pdata/init_pdata).
    [[nodiscard]] virtual Result<void*> alloc_pdata(unsigned cpu) = 0;
    virtual void free_pdata(void* pdata, unsigned cpu) = 0;
    [[nodiscard]] virtual Result<void*> alloc_domdata(Domain& d) = 0;
    virtual void free_domdata(void* domdata) = 0;
    /// Per-vCPU data; `domdata` is v's domain's.
    [[nodiscard]] virtual Result<void*> alloc_udata(Vcpu& v, void* domdata) = 0;
    virtual void free_udata(void* udata) = 0;

    // ---- a vCPU's life on its pCPU (v.processor's lock held) ----
    /// v joins the policy's queues on v.processor (Xen's insert_unit).
    virtual void insert_unit(Vcpu& v) = 0;
    /// v leaves them for good (Xen's remove_unit); v is not running.
    virtual void remove_unit(Vcpu& v) = 0;
    /// v stopped being runnable (blocked or offline) after it ran (Xen's sleep).
    virtual void sleep(Vcpu& v) = 0;
    /// v became runnable (Xen's wake): queue it, and poke a pCPU to
    /// reschedule (cpu_raise_softirq SCHEDULE_SOFTIRQ) as the policy sees fit.
    virtual void wake(Vcpu& v) = 0;
    /// v gave up the rest of its slice (SCHEDOP_yield), now taken off.
    virtual void yield(Vcpu& v) = 0;
    /// v is off its pCPU and its state is stored (Xen's context_saved).
    virtual void context_saved(Vcpu&) {}

    /// Choose what pCPU `cpu` runs next (Xen's do_schedule). `prev` is the
    /// vCPU it ran last, if still on its queues. The choice must be a vCPU
    /// on `cpu` for which sched_vcpu_eligible() holds.
    virtual SchedDecision do_schedule(unsigned cpu, uint64_t now_ns, Vcpu* prev) = 0;

    /// The pCPU v should go to, one of `allowed` (its hard affinity among
    /// the online pCPUs; never empty) (Xen's pick_resource). Only
    /// v.processor's lock is held.
    virtual unsigned pick_cpu(const Vcpu& v, const CpuMask& allowed) = 0;
    /// Move v from v.processor to `new_cpu` (Xen's migrate); both pCPUs'
    /// locks held, v not running; the core then sets v.processor.
    virtual void migrate(Vcpu& v, unsigned new_cpu) = 0;
    /// v's affinities changed (Xen's adjust_affinity); v.processor's lock held.
    virtual void adjust_affinity(Vcpu&) {}

    /// XEN_DOMCTL_SCHEDOP_putinfo (`set`) / getinfo for d. Errors: -EINVAL
    /// for a value the policy refuses.
    [[nodiscard]] virtual Status adjust(Domain& d, SchedParams& params, bool set) = 0;
    /// XEN_SYSCTL_SCHEDOP_putinfo (`set`) / getinfo for the pool (Xen's
    /// adjust_global; a policy without one accepts and reports nothing).
    [[nodiscard]] virtual Status adjust_global(SchedGlobalParams&, bool) { return ok_status(); }

    // ---- load balancing (pulls between pCPUs; the core does the move) ----
    /// Should pCPU `cpu` pull a vCPU from another before it schedules, and
    /// from which? No lock held: a policy reads only its own atomics here.
    /// CpuMask::nr_bits for "no" (the default: a policy that never balances).
    virtual unsigned balance_source(unsigned, uint64_t) { return CpuMask::nr_bits; }
    /// Which vCPU on `from` should move to `to`, if any: both pCPUs' locks
    /// held. It must be runnable (not running) and allow `to`; the core
    /// checks that again, then moves it with its timers (migrate()).
    virtual Vcpu* balance_pick(unsigned, unsigned) { return nullptr; }

  protected:
    ~Scheduler() = default; // instances are static: never deleted through this
};

/// The policies cxen has, for `sched=`; nullptr if none has that name.
Scheduler* scheduler_by_opt_name(const char* opt_name);
/// The round-robin policy (sched/rr.cpp): `sched=rr`.
Scheduler& rr_scheduler();
/// The credit2 policy (sched/credit2.cpp): the default, as in Xen.
Scheduler& credit2_scheduler();
/// The null policy (sched/null.cpp): `sched=null`, one vCPU per pCPU.
Scheduler& null_scheduler();

} // namespace cxen
