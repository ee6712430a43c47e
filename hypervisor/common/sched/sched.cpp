// Locking: RunQueue::lock protects the queue links, and a pCPU holds its
// queue's lock while it takes a vCPU out of `running` (the reaper reads
// `running` under it); taken with IRQs off.
#include "common/sched/sched.hpp"

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "common/lib/assert.hpp"
#include "common/lib/spinlock.hpp"
#include "common/softirq.hpp"
#include "common/time/runstate.hpp"
#include "common/time/timer.hpp"

namespace cxen {

namespace {
struct RunQueue {
    SpinLock lock;
    Vcpu* head = nullptr; // circular order is kept by rotating on pick
    Vcpu* current = nullptr;
    Timer slice;
};
RunQueue runqs[arch::max_cpus];

void slice_expired(void*) { raise_softirq(SCHEDULE_SOFTIRQ); }
void schedule_softirq() {} // its only job is to make vcpu_run return

// Next runnable vCPU after the one that ran last, or nullptr.
Vcpu* pick_next(RunQueue& rq) {
    IrqSpinGuard g(rq.lock);
    Vcpu* start = rq.current && rq.current->runq_next ? rq.current->runq_next : rq.head;
    Vcpu* v = start;
    if (!v) return nullptr;
    do {
        VcpuState expected = VcpuState::runnable;
        if (!domain_is_paused(*v->domain) && !v->domain->is_dying.load() &&
            v->state.compare_exchange_strong(expected, VcpuState::running))
            return v;
        v = v->runq_next ? v->runq_next : rq.head;
    } while (v != start);
    return nullptr;
}

bool any_runnable(RunQueue& rq) {
    IrqSpinGuard g(rq.lock);
    for (Vcpu* v = rq.head; v; v = v->runq_next)
        if (v->state.load() == VcpuState::runnable && !domain_is_paused(*v->domain)) return true;
    return false;
}
} // namespace

void sched_init_cpu(unsigned cpu) {
    if (cpu == 0) open_softirq(SCHEDULE_SOFTIRQ, schedule_softirq);
    init_timer(runqs[cpu].slice, slice_expired, nullptr, cpu);
}

void sched_add_vcpu(Vcpu& v) {
    RunQueue& rq = runqs[v.processor];
    {
        IrqSpinGuard g(rq.lock);
        v.runq_next = rq.head;
        rq.head = &v;
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
    cpu_raise_softirq(v.processor, SCHEDULE_SOFTIRQ);
}

void sched_remove_vcpu(Vcpu& v) {
    RunQueue& rq = runqs[v.processor];
    IrqSpinGuard g(rq.lock);
    for (Vcpu** p = &rq.head; *p; p = &(*p)->runq_next) {
        if (*p == &v) {
            *p = v.runq_next;
            break;
        }
    }
    if (rq.current == &v) rq.current = nullptr;
    v.runq_next = nullptr;
}

bool sched_vcpu_running(Vcpu& v) {
    IrqSpinGuard g(runqs[v.processor].lock);
    return v.state.load() == VcpuState::running;
}

void vcpu_wake(Vcpu& v) {
    v.poll_port.store(0); // a wake-up ends SCHEDOP_poll (Xen's vcpu_unblock)
    v.wake_pending.store(true);
    VcpuState expected = VcpuState::blocked;
    if (v.state.compare_exchange_strong(expected, VcpuState::runnable)) {
        v.wake_pending.store(false);
        cpu_raise_softirq(v.processor, SCHEDULE_SOFTIRQ);
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

bool vcpu_kick_needs_ipi(const Vcpu& v, unsigned this_cpu) {
    return v.state.load() == VcpuState::running && v.processor != this_cpu;
}

bool sched_others_runnable(const Vcpu& v) {
    RunQueue& rq = runqs[v.processor];
    IrqSpinGuard g(rq.lock);
    for (Vcpu* o = rq.head; o; o = o->runq_next)
        if (o != &v && o->state.load() == VcpuState::runnable && !domain_is_paused(*o->domain)) return true;
    return false;
}

void sched_loop() {
    const unsigned cpu = arch::smp_processor_id();
    RunQueue& rq = runqs[cpu];
    for (;;) {
        process_pending_softirqs();
        if (Vcpu* v = pick_next(rq)) {
            rq.current = v;
            (void)set_timer(rq.slice, arch::now_ns() + sched_slice_ns);
            sched_runstate_switch_in(*v); // runstate area and pvclock (common/time)
            arch::vcpu_run(*v);
            // Leave `running` last: once it is left, v may be destroyed.
            VcpuState next = VcpuState::runnable;
            if (v->domain->is_dying.load()) next = VcpuState::offline;
            else if (v->block_requested.exchange(false) && !v->wake_pending.exchange(false))
                next = VcpuState::blocked;
            if (next != VcpuState::offline) sched_runstate_switch_out(*v, next == VcpuState::blocked);
            {
                // Under the queue lock: the reaper reads `running` under it
                // (sched_vcpu_running()), so it cannot free v between the
                // store and the look at a wake-up that came while v ran.
                IrqSpinGuard g(rq.lock);
                v->state.store(next);
                VcpuState expected = VcpuState::blocked;
                if (next == VcpuState::blocked && v->wake_pending.load() &&
                    v->state.compare_exchange_strong(expected, VcpuState::runnable))
                    v->wake_pending.store(false); // picked up by the next pick_next() here
            }
            continue;
        }
        stop_timer(rq.slice);
        arch::irq_disable();
        if (softirq_pending(cpu) || any_runnable(rq)) {
            arch::irq_enable();
            continue;
        }
        arch::idle_halt();
    }
}

} // namespace cxen
