// Locking: each pCPU's queue has its own lock, taken with interrupts off;
// it covers the timers queued there, Timer::killed of the timers whose
// `cpu` it is, and CpuTimers::running. A timer's `cpu` changes only under
// both queues' locks (migrate_timer(), which takes them in ascending pCPU
// order), so TimerLock reads it, locks that queue and checks it again (as
// Xen's timer_lock()). A timer's fn runs without the lock, so it may re-arm
// itself; kill_timer() waits for a running fn on every pCPU and makes its
// re-arm a no-op, so the Timer can then be freed. Scheduler locks
// (common/sched) are taken before these, never after.
#include "common/time/timer.hpp"

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "lib/base/assert.hpp"
#include "common/lib/panic.hpp"
#include "common/lib/spinlock.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"

namespace cxen {

namespace {
constexpr size_t queue_capacity = 4096;

struct CpuTimers {
    SpinLock lock;
    Timer* storage[queue_capacity];
    TimerQueue queue{storage, queue_capacity};
    /// Whose fn the softirq is running (Xen's timers.running); written
    /// under `lock`, read by kill_timer() of other pCPUs without it.
    std::atomic<Timer*> running{nullptr};
};
CpuTimers* per_cpu_timers[arch::max_cpus];

/// t's pCPU queue locked with interrupts off (Xen's timer_lock_irqsave);
/// ct is null if that pCPU has no queue (the lock is then not held).
class TimerLock {
  public:
    explicit TimerLock(const Timer& t) {
        for (;;) {
            const unsigned cpu = timer_cpu(t);
            ct = per_cpu_timers[cpu];
            if (!ct) return;
            flags_ = arch::irq_save();
            ct->lock.lock();
            if (timer_cpu(t) == cpu) return;
            ct->lock.unlock(); // migrated meanwhile: follow it
            arch::irq_restore(flags_);
        }
    }
    ~TimerLock() {
        if (!ct) return;
        ct->lock.unlock();
        arch::irq_restore(flags_);
    }
    TimerLock(const TimerLock&) = delete;
    TimerLock& operator=(const TimerLock&) = delete;
    CpuTimers* ct = nullptr;

  private:
    unsigned long flags_ = 0;
};

void timer_softirq() {
    const unsigned cpu = arch::smp_processor_id();
    CpuTimers* ct = per_cpu_timers[cpu];
    if (!ct) return;
    unsigned long flags = arch::irq_save();
    ct->lock.lock();
    while (Timer* t = ct->queue.pop_expired(arch::now_ns())) {
        ct->running.store(t);
        ct->lock.unlock();
        arch::irq_restore(flags);
        t->fn(t->data); // may free t (the reaper does): not touched after
        flags = arch::irq_save();
        ct->lock.lock();
        ct->running.store(nullptr);
    }
    arch::timer_program(ct->queue.next_deadline());
    ct->lock.unlock();
    arch::irq_restore(flags);
}
} // namespace

void init_timer(Timer& t, void (*fn)(void*), void* data, unsigned cpu) {
    ASSERT(t.heap_index < 0);
    ASSERT(cpu < arch::max_cpus);
    t.fn = fn;
    t.data = data;
    __atomic_store_n(&t.cpu, static_cast<uint16_t>(cpu), __ATOMIC_SEQ_CST);
    t.killed = false;
}

Status set_timer(Timer& t, uint64_t expires_ns) {
    bool earliest;
    unsigned cpu;
    {
        TimerLock tl(t);
        if (!tl.ct) return Err(Errno::XEN_ENODEV);
        if (t.killed) return ok_status(); // as Xen's: its owner is going away
        cpu = timer_cpu(t);
        t.expires_ns = expires_ns;
        earliest = TRY(tl.ct->queue.add(t));
        if (earliest && cpu == arch::smp_processor_id()) arch::timer_program(expires_ns);
    }
    if (earliest && cpu != arch::smp_processor_id()) cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
    return ok_status();
}

void stop_timer(Timer& t) {
    TimerLock tl(t);
    if (tl.ct) tl.ct->queue.remove(t); // the hardware timer may still fire: the softirq finds nothing due
}

void kill_timer(Timer& t) {
    {
        TimerLock tl(t);
        if (!tl.ct) return;
        // From its own fn this would never end (Xen BUG()s).
        ASSERT(per_cpu_timers[arch::smp_processor_id()] == nullptr ||
               per_cpu_timers[arch::smp_processor_id()]->running.load() != &t);
        t.killed = true;
        tl.ct->queue.remove(t);
    }
    // Its fn may be running on the pCPU it is on, or on one it was migrated
    // away from, and may still use the timer's owner: wait on every pCPU
    // (Xen's for_each_online_cpu loop). A re-arm from it is a no-op now.
    for (unsigned cpu = 0; cpu < arch::max_cpus; ++cpu) {
        CpuTimers* ct = per_cpu_timers[cpu];
        if (!ct) continue;
        while (ct->running.load() == &t) arch::cpu_relax();
    }
}

void migrate_timer(Timer& t, unsigned cpu) {
    ASSERT(cpu < arch::max_cpus);
    CpuTimers* to = per_cpu_timers[cpu];
    if (!to) return;
    for (;;) {
        const unsigned from_cpu = timer_cpu(t);
        CpuTimers* from = per_cpu_timers[from_cpu];
        if (from_cpu == cpu) return;
        if (!from) { // never had a queue (host tests): nothing can be queued on it
            __atomic_store_n(&t.cpu, static_cast<uint16_t>(cpu), __ATOMIC_SEQ_CST);
            return;
        }
        // Both locks, lower pCPU first (Xen's order).
        CpuTimers* first = from_cpu < cpu ? from : to;
        CpuTimers* second = from_cpu < cpu ? to : from;
        const unsigned long flags = arch::irq_save();
        first->lock.lock();
        second->lock.lock();
        bool program_local = false, poke = false;
        const bool here = timer_cpu(t) == from_cpu;
        if (here && !t.killed) {
            const bool active = from->queue.remove(t);
            __atomic_store_n(&t.cpu, static_cast<uint16_t>(cpu), __ATOMIC_SEQ_CST);
            if (active) {
                // Cannot fail for lack of space in practice (4096 slots);
                // if it did, the timer would be lost: say so loudly.
                auto earliest = to->queue.add(t);
                ASSERT(earliest.ok());
                if (earliest.ok() && earliest.value()) {
                    program_local = cpu == arch::smp_processor_id();
                    poke = !program_local;
                }
            }
            if (program_local) arch::timer_program(t.expires_ns);
        }
        second->lock.unlock();
        first->lock.unlock();
        arch::irq_restore(flags);
        if (poke) cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
        if (here) return;
    }
}

bool timer_is_active(const Timer& t) {
    TimerLock tl(t);
    return tl.ct && tl.ct->queue.contains(t);
}

void timers_init_cpu(unsigned cpu) {
    if (cpu == 0) open_softirq(TIMER_SOFTIRQ, timer_softirq);
    if (per_cpu_timers[cpu]) return;
    auto ct = xnew<CpuTimers>();
    if (!ct) panic("timer: no memory for CPU%u's timer queue", cpu);
    per_cpu_timers[cpu] = ct.value();
}

void timers_destroy_cpu(unsigned cpu) {
    CpuTimers* ct = per_cpu_timers[cpu];
    if (!ct) return;
    ASSERT(ct->queue.empty() && !ct->running.load());
    per_cpu_timers[cpu] = nullptr;
    xdelete(ct);
}

void timer_softirq_raise() { raise_softirq(TIMER_SOFTIRQ); }

} // namespace cxen
