// Locking: each pCPU's queue has its own lock, taken with interrupts off.
// A timer's fn runs without the lock, so it may re-arm itself.
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
};
CpuTimers* per_cpu_timers[arch::max_cpus];

void timer_softirq() {
    const unsigned cpu = arch::smp_processor_id();
    CpuTimers* ct = per_cpu_timers[cpu];
    if (!ct) return;
    unsigned long flags = arch::irq_save();
    ct->lock.lock();
    while (Timer* t = ct->queue.pop_expired(arch::now_ns())) {
        ct->lock.unlock();
        arch::irq_restore(flags);
        t->fn(t->data);
        flags = arch::irq_save();
        ct->lock.lock();
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
}

Status set_timer(Timer& t, uint64_t expires_ns) {
    CpuTimers* ct = per_cpu_timers[t.cpu];
    if (!ct) return Err(Errno::XEN_ENODEV);
    bool earliest;
    {
        IrqSpinGuard guard(ct->lock);
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

void timer_softirq_raise() { raise_softirq(TIMER_SOFTIRQ); }

} // namespace cxen
