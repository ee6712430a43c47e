// Locking: see sched.hpp. SchedResource::lock is each pCPU's scheduler
// lock; VcpuSchedLock takes a vCPU's, following a migration; BothLocks
// takes two pCPUs' in ascending order.
#include "common/sched/sched.hpp"

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "common/console/printk.hpp"
#include "lib/base/assert.hpp"
#include "common/lib/panic.hpp"
#include "common/lib/spinlock.hpp"
#include "common/softirq.hpp"
#include "common/time/runstate.hpp"
#include "common/time/timer.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {
/// A pCPU under the scheduler (Xen's struct sched_resource).
struct SchedResource {
    SpinLock lock;
    Vcpu* curr = nullptr; ///< running now, or null (under `lock`)
    Vcpu* prev = nullptr; ///< ran last, while still inserted (under `lock`)
    void* priv = nullptr; ///< the policy's per-pCPU data
    Timer s_timer;        ///< end of the current slice (Xen's s_timer)
    std::atomic<bool> online{false};
};
SchedResource sched_res[arch::max_cpus];
Scheduler* chosen = nullptr;

Scheduler& ops() { return chosen ? *chosen : rr_scheduler(); }

void slice_expired(void*) { raise_softirq(SCHEDULE_SOFTIRQ); }
void schedule_softirq() {} // its only job is to make vcpu_run return

/// v's pCPU's scheduler lock, with interrupts off (Xen's
/// unit_schedule_lock_irqsave): v.processor is read again once locked,
/// since a migration may have moved v meanwhile.
class VcpuSchedLock {
  public:
    explicit VcpuSchedLock(const Vcpu& v) {
        for (;;) {
            cpu = v.processor.load();
            flags_ = arch::irq_save();
            sched_res[cpu].lock.lock();
            if (v.processor.load() == cpu) return;
            sched_res[cpu].lock.unlock();
            arch::irq_restore(flags_);
        }
    }
    ~VcpuSchedLock() {
        sched_res[cpu].lock.unlock();
        arch::irq_restore(flags_);
    }
    VcpuSchedLock(const VcpuSchedLock&) = delete;
    VcpuSchedLock& operator=(const VcpuSchedLock&) = delete;
    unsigned cpu = 0;

  private:
    unsigned long flags_ = 0;
};

/// Two pCPUs' scheduler locks, lower pCPU first (Xen's sched_spin_lock_double).
class BothLocks {
  public:
    BothLocks(unsigned a, unsigned b) : lo_(a < b ? a : b), hi_(a < b ? b : a), flags_(arch::irq_save()) {
        sched_res[lo_].lock.lock();
        if (hi_ != lo_) sched_res[hi_].lock.lock();
    }
    ~BothLocks() {
        if (hi_ != lo_) sched_res[hi_].lock.unlock();
        sched_res[lo_].lock.unlock();
        arch::irq_restore(flags_);
    }
    BothLocks(const BothLocks&) = delete;
    BothLocks& operator=(const BothLocks&) = delete;

  private:
    unsigned lo_, hi_;
    unsigned long flags_;
};

CpuMask online_mask() {
    CpuMask m;
    for (unsigned c = 0; c < arch::max_cpus; ++c)
        if (sched_res[c].online.load()) m.set(c);
    return m;
}

/// The pCPUs v may go to now: its hard affinity among the online ones;
/// if none is online (host tests that never brought pCPUs up), its hard
/// affinity alone.
CpuMask allowed_cpus(const Vcpu& v) {
    const CpuMask m = v.sched.hard_affinity & online_mask();
    return m.empty() ? v.sched.hard_affinity : m;
}

/// Move not-running v from `from` to `to` (Xen's sched_unit_move_locked):
/// both locks held. Its timers go with it, so that they fire where it runs
/// (Xen's vcpu_move_irqs / migrate_timer).
/// v is not running, or is being taken off by `from` (still `running`,
/// and not eligible while `migrating`).
void move_locked(Vcpu& v, unsigned from, unsigned to) {
    if (v.sched.inserted) ops().migrate(v, to);
    if (sched_res[from].prev == &v) sched_res[from].prev = nullptr;
    v.processor.store(to);
    migrate_timer(v.singleshot_timer, to);
    migrate_timer(v.periodic_timer, to);
    migrate_timer(v.poll_timer, to);
    arch::vcpu_migrate_timers(v, to);
}

/// Finish a migration of v while it is not running (Xen's
/// vcpu_migrate_finish). Nothing if its pCPU runs it: that pCPU does it
/// when it takes v off.
void migrate_finish(Vcpu& v) {
    for (;;) {
        unsigned from, to;
        {
            VcpuSchedLock l(v);
            if (!v.sched.migrating.load() || v.state.load() == VcpuState::running) return;
            from = l.cpu;
            to = ops().pick_cpu(v, allowed_cpus(v));
        }
        BothLocks both(from, to);
        // Looked at again under both locks: v may have moved, been picked
        // (not while `migrating`), or its affinity changed again.
        if (v.processor.load() != from || !v.sched.migrating.load()) continue;
        if (v.state.load() == VcpuState::running) return;
        if (!allowed_cpus(v).test(to)) continue;
        move_locked(v, from, to);
        v.sched.migrating.store(false);
        if (v.state.load() == VcpuState::runnable) cpu_raise_softirq(to, SCHEDULE_SOFTIRQ);
        return;
    }
}

/// After vcpu_run(v) returned on `cpu`: store v's next state and let the
/// policy know, under the lock(s) the reaper also takes. v must not be
/// touched once `running` is left and the lock dropped.
void deschedule(unsigned cpu, Vcpu& v) {
    VcpuState next = VcpuState::runnable;
    if (v.domain->is_dying.load()) next = VcpuState::offline;
    else if (v.block_requested.exchange(false) && !v.wake_pending.exchange(false))
        next = VcpuState::blocked;
    if (next != VcpuState::offline) sched_runstate_switch_out(v, next == VcpuState::blocked);
    const bool yielded = v.sched.yield_requested.exchange(false);

    // Where v goes if it has to leave this pCPU (its hard affinity changed
    // while it ran): decided under the lock(s), and again if the affinity
    // changed before both locks were held.
    unsigned to = cpu;
    for (;;) {
        BothLocks both(cpu, to);
        unsigned want = cpu;
        if (v.sched.migrating.load() && next != VcpuState::offline) {
            const CpuMask allowed = allowed_cpus(v);
            want = to != cpu && allowed.test(to) ? to : ops().pick_cpu(v, allowed);
        }
        if (want != to) {
            to = want;
            continue;
        }
        SchedResource& sr = sched_res[cpu];
        if (yielded && v.sched.inserted) ops().yield(v);
        if (to != cpu) move_locked(v, cpu, to);
        // Moved, or the policy picked this pCPU (back in its affinity).
        if (next != VcpuState::offline) v.sched.migrating.store(false);
        sr.curr = nullptr;
        v.state.store(next);
        VcpuState expected = VcpuState::blocked;
        // A wake-up that came while v ran, after the block was requested.
        if (next == VcpuState::blocked && v.wake_pending.load() &&
            v.state.compare_exchange_strong(expected, VcpuState::runnable)) {
            v.wake_pending.store(false);
            next = VcpuState::runnable;
        }
        if (v.sched.inserted) {
            if (next != VcpuState::runnable) ops().sleep(v);
            ops().context_saved(v);
        }
        break;
    }
    if (to != cpu && next == VcpuState::runnable) cpu_raise_softirq(to, SCHEDULE_SOFTIRQ);
}

/// Load balancing: pull one vCPU the policy names from `from` to `to`
/// (Xen's credit2 balance_load/migrate, done by the core since only it may
/// change v.processor). Checked again under both locks: the policy chose
/// from data that may have changed since.
void pull_from(unsigned from, unsigned to) {
    if (from >= arch::max_cpus || from == to || !sched_res[from].online.load()) return;
    BothLocks both(from, to);
    Vcpu* v = ops().balance_pick(from, to);
    if (!v || v->processor.load() != from || !v->sched.inserted || v->sched.migrating.load() ||
        v->state.load() != VcpuState::runnable || !v->sched.hard_affinity.test(to))
        return;
    move_locked(*v, from, to);
}

} // namespace

Scheduler* scheduler_by_opt_name(const char* opt_name) {
    // Xen's schedulers[] array: one row per policy built in.
    Scheduler* const all[] = {&credit2_scheduler(), &null_scheduler(), &rr_scheduler()};
    for (Scheduler* s : all)
        if (strcmp(s->opt_name(), opt_name) == 0) return s;
    return nullptr;
}

bool sched_select(const char* opt_name) {
    Scheduler* s = scheduler_by_opt_name(opt_name);
    if (!s) {
        log(LogLevel::warning, "sched=%s: no such scheduler; using %s\n", opt_name, ops().opt_name());
        return false;
    }
    chosen = s;
    return true;
}

Scheduler& sched_policy() { return ops(); }

void sched_use(Scheduler& s) {
    ASSERT(online_mask().empty());
    chosen = &s;
}

void sched_init_cpu(unsigned cpu) {
    ASSERT(cpu < arch::max_cpus);
    if (cpu == 0) {
        open_softirq(SCHEDULE_SOFTIRQ, schedule_softirq);
        if (Status st = ops().init(); !st) panic("sched: %s: cannot start", ops().name());
        log(LogLevel::info, "Using scheduler: %s (%s)\n", ops().name(), ops().opt_name());
    }
    SchedResource& sr = sched_res[cpu];
    if (sr.online.load()) return;
    auto pd = ops().alloc_pdata(cpu);
    if (!pd) panic("sched: no memory for CPU%u", cpu);
    sr.priv = pd.value();
    init_timer(sr.s_timer, slice_expired, nullptr, cpu);
    sr.online.store(true);
}

void sched_deinit_cpu(unsigned cpu) {
    SchedResource& sr = sched_res[cpu];
    if (!sr.online.exchange(false)) return;
    kill_timer(sr.s_timer);
    ops().free_pdata(sr.priv, cpu);
    sr.priv = nullptr;
    sr.curr = sr.prev = nullptr;
    sr.s_timer.heap_index = -1;
}

CpuMask sched_online_cpus() { return online_mask(); }

Status sched_init_domain(Domain& d) {
    d.sched_priv = TRY(ops().alloc_domdata(d));
    return ok_status();
}

void sched_destroy_domain(Domain& d) {
    ops().free_domdata(d.sched_priv);
    d.sched_priv = nullptr;
}

Status sched_init_vcpu(Vcpu& v) {
    v.sched.hard_affinity = CpuMask::all();
    v.sched.soft_affinity = CpuMask::all();
    v.sched.priv = TRY(ops().alloc_udata(v, v.domain->sched_priv));
    return ok_status();
}

void sched_destroy_vcpu(Vcpu& v) {
    sched_remove_vcpu(v);
    ops().free_udata(v.sched.priv);
    v.sched.priv = nullptr;
}

void sched_add_vcpu(Vcpu& v) {
    {
        VcpuSchedLock l(v);
        if (!v.sched.inserted) {
            ops().insert_unit(v);
            v.sched.inserted = true;
        }
    }
    // offline -> runnable, then look at is_dying again: domain_shutdown()
    // sets is_dying before its sweep takes vCPUs offline, so whichever of
    // the two comes second sees the other (both seq_cst), and a vCPU of a
    // dying domain never stays runnable (VCPUOP_up or a SIPI that saw the
    // domain alive just before the shutdown).
    VcpuState expected = VcpuState::offline;
    if (!v.state.compare_exchange_strong(expected, VcpuState::runnable)) return;
    if (v.domain->is_dying.load()) {
        expected = VcpuState::runnable;
        v.state.compare_exchange_strong(expected, VcpuState::offline); // unless picked already
        return;
    }
    VcpuSchedLock l(v);
    ops().wake(v);
}

void sched_remove_vcpu(Vcpu& v) {
    VcpuSchedLock l(v);
    if (!v.sched.inserted) return;
    ops().remove_unit(v);
    v.sched.inserted = false;
    if (sched_res[l.cpu].prev == &v) sched_res[l.cpu].prev = nullptr;
}

bool sched_vcpu_running(Vcpu& v) {
    VcpuSchedLock l(v);
    return v.state.load() == VcpuState::running;
}

bool sched_vcpu_eligible(const Vcpu& v) {
    return v.state.load() == VcpuState::runnable && !domain_is_paused(*v.domain) && !v.domain->is_dying.load() &&
           !v.sched.migrating.load();
}

void vcpu_wake(Vcpu& v) {
    v.poll_port.store(0); // a wake-up ends SCHEDOP_poll (Xen's vcpu_unblock)
    v.wake_pending.store(true);
    VcpuState expected = VcpuState::blocked;
    if (v.state.compare_exchange_strong(expected, VcpuState::runnable)) {
        v.wake_pending.store(false);
        VcpuSchedLock l(v);
        if (v.sched.inserted) ops().wake(v);
        else cpu_raise_softirq(l.cpu, SCHEDULE_SOFTIRQ);
    }
}

void vcpu_block(Vcpu& v) {
    v.wake_pending.store(false);
    v.block_requested.store(true);
}

void vcpu_block_check_events(Vcpu& v) {
    vcpu_block(v);
    // A wake-up that came before the block was cleared by it: look again.
    if (arch::local_events_need_delivery(v)) vcpu_wake(v);
}

void vcpu_yield(Vcpu& v) {
    v.sched.yield_requested.store(true);
    raise_softirq(SCHEDULE_SOFTIRQ); // vcpu_run() returns to the loop
}

bool vcpu_kick_needs_ipi(const Vcpu& v, unsigned this_cpu) {
    return v.state.load() == VcpuState::running && v.processor.load() != this_cpu;
}

Status vcpu_set_hard_affinity(Vcpu& v, const CpuMask& mask) {
    if (!mask.intersects(online_mask())) return Err(Errno::XEN_EINVAL);
    {
        VcpuSchedLock l(v);
        v.sched.hard_affinity = mask;
        if (v.sched.inserted) ops().adjust_affinity(v);
        if (mask.test(l.cpu)) {
            v.sched.migrating.store(false); // a pending move is no longer needed
            return ok_status();
        }
        v.sched.migrating.store(true);
        if (v.state.load() == VcpuState::running) {
            cpu_raise_softirq(l.cpu, SCHEDULE_SOFTIRQ); // it moves when taken off
            return ok_status();
        }
    }
    migrate_finish(v);
    return ok_status();
}

Status vcpu_set_soft_affinity(Vcpu& v, const CpuMask& mask) {
    if (mask.empty()) return Err(Errno::XEN_EINVAL);
    VcpuSchedLock l(v);
    v.sched.soft_affinity = mask;
    if (v.sched.inserted) ops().adjust_affinity(v);
    return ok_status();
}

void vcpu_get_affinity(const Vcpu& v, CpuMask& hard, CpuMask& soft) {
    VcpuSchedLock l(v);
    hard = v.sched.hard_affinity;
    soft = v.sched.soft_affinity;
}

bool sched_schedule(unsigned cpu) {
    SchedResource& sr = sched_res[cpu];
    Vcpu* v = nullptr;
    SchedDecision next;
    pull_from(ops().balance_source(cpu, arch::now_ns()), cpu);
    {
        IrqSpinGuard g(sr.lock);
        next = ops().do_schedule(cpu, arch::now_ns(), sr.prev);
        v = next.next;
        if (!v) return false;
        ASSERT(v->processor.load() == cpu && v->sched.hard_affinity.test(cpu));
        // The one place a vCPU enters `running`, under its pCPU's lock:
        // a vCPU on this pCPU's queue is on no other's, so no other pCPU
        // can do the same. Lost to the shutdown sweep: ask again.
        VcpuState expected = VcpuState::runnable;
        if (!v->state.compare_exchange_strong(expected, VcpuState::running)) return true;
        sr.curr = v;
        sr.prev = v;
    }
    (void)set_timer(sr.s_timer, arch::now_ns() + next.slice_ns);
    sched_runstate_switch_in(*v); // runstate area and pvclock (common/time)
    arch::vcpu_run(*v);
    deschedule(cpu, *v); // v may be freed from here on
    return true;
}

void sched_loop() {
    const unsigned cpu = arch::smp_processor_id();
    for (;;) {
        process_pending_softirqs();
        if (sched_schedule(cpu)) continue;
        stop_timer(sched_res[cpu].s_timer);
        arch::irq_disable();
        // A wake-up, an unpause or a migration here raises SCHEDULE_SOFTIRQ
        // on this pCPU: seen now, or it ends the halt.
        if (softirq_pending(cpu)) {
            arch::irq_enable();
            continue;
        }
        arch::idle_halt();
    }
}

} // namespace cxen
