// Locking: each pCPU's queue has its own lock, taken with interrupts off;
// it also covers Timer::killed and CpuTimers::running. A timer's fn runs
// without the lock, so it may re-arm itself; kill_timer() waits for a
// running fn and makes its re-arm a no-op, so the Timer can then be freed.
#include "common/time/timer.hpp"

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "common/lib/assert.hpp"
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
    Timer* running = nullptr; ///< whose fn the softirq is running (Xen's timers.running)
};
CpuTimers* per_cpu_timers[arch::max_cpus];

void timer_softirq() {
    const unsigned cpu = arch::smp_processor_id();
    CpuTimers* ct = per_cpu_timers[cpu];
    if (!ct) return;
    unsigned long flags = arch::irq_save();
    ct->lock.lock();
    while (Timer* t = ct->queue.pop_expired(arch::now_ns())) {
        ct->running = t;
        ct->lock.unlock();
        arch::irq_restore(flags);
        t->fn(t->data); // may free t (the reaper does): not touched after
        flags = arch::irq_save();
        ct->lock.lock();
        ct->running = nullptr;
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
    t.cpu = static_cast<uint16_t>(cpu);
    t.killed = false;
}

Status set_timer(Timer& t, uint64_t expires_ns) {
    CpuTimers* ct = per_cpu_timers[t.cpu];
    if (!ct) return Err(Errno::XEN_ENODEV);
    bool earliest;
    {
        IrqSpinGuard guard(ct->lock);
        if (t.killed) return ok_status(); // as Xen's: its owner is going away
        t.expires_ns = expires_ns;
        earliest = TRY(ct->queue.add(t));
        if (earliest && t.cpu == arch::smp_processor_id()) arch::timer_program(expires_ns);
    }
    if (earliest && t.cpu != arch::smp_processor_id()) cpu_raise_softirq(t.cpu, TIMER_SOFTIRQ);
    return ok_status();
}

void stop_timer(Timer& t) {
    CpuTimers* ct = per_cpu_timers[t.cpu];
    if (!ct) return;
    IrqSpinGuard guard(ct->lock);
    ct->queue.remove(t); // the hardware timer may still fire: the softirq finds nothing due
}

void kill_timer(Timer& t) {
    CpuTimers* ct = per_cpu_timers[t.cpu];
    if (!ct) return;
    unsigned long flags = arch::irq_save();
    ct->lock.lock();
    t.killed = true;
    ct->queue.remove(t);
    // Its fn running on its pCPU may still use the timer's owner: wait.
    // From that fn itself (on that pCPU) this would never end.
    ASSERT(ct->running != &t || t.cpu != arch::smp_processor_id());
    while (ct->running == &t) {
        ct->lock.unlock();
        arch::irq_restore(flags);
        arch::cpu_relax();
        flags = arch::irq_save();
        ct->lock.lock();
    }
    ct->lock.unlock();
    arch::irq_restore(flags);
}

bool timer_is_active(const Timer& t) {
    CpuTimers* ct = per_cpu_timers[t.cpu];
    if (!ct) return false;
    IrqSpinGuard guard(ct->lock);
    return ct->queue.contains(t);
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
    ASSERT(ct->queue.empty() && !ct->running);
    per_cpu_timers[cpu] = nullptr;
    xdelete(ct);
}

void timer_softirq_raise() { raise_softirq(TIMER_SOFTIRQ); }

} // namespace cxen
