// Cross-CPU function calls. Locking: call_lock serialises callers; the call
// data is read by the targets while the caller holds the lock and waits for
// `remaining` to reach zero (always, so `arg` may live on its stack).
#include <atomic>

#include "arch/apic.hpp"
#include "arch/percpu.hpp"
#include "arch/smp.hpp"
#include "arch/traps.hpp"
#include "arch/x86.hpp"
#include "lib/base/assert.hpp"
#include "common/lib/bitops.hpp"
#include "common/lib/spinlock.hpp"
#include "common/softirq.hpp"

namespace cxen::arch {

namespace {
SpinLock call_lock;
struct {
    CallFn fn;
    void* arg;
    std::atomic<uint64_t> targets; // CPUs that have yet to pick up the call
    std::atomic<unsigned> remaining;
    bool wait;
} call;

void call_function_interrupt(TrapFrame&) {
    const uint64_t me = 1ull << this_cpu().cpu_id;
    if (!(call.targets.fetch_and(~me) & me)) return;
    CallFn fn = call.fn;
    void* arg = call.arg;
    if (!call.wait) call.remaining.fetch_sub(1); // caller may reuse `call` now
    fn(arg);
    if (call.wait) call.remaining.fetch_sub(1);
}

void event_check_interrupt(TrapFrame&) {} // the interrupt itself is the wake-up
} // namespace

void smp_call_init() {
    set_irq_handler(vector_call_function, call_function_interrupt);
    set_irq_handler(vector_event_check, event_check_interrupt);
}

uint64_t cpu_online_mask() {
    uint64_t m = 0;
    for (unsigned c = 0; c < max_cpus; ++c)
        if (per_cpu(c).online) m |= 1ull << c;
    return m;
}

void on_selected_cpus(uint64_t cpu_mask, CallFn fn, void* arg, bool wait) {
    ASSERT(irqs_enabled());
    cpu_mask &= cpu_online_mask() & ~(1ull << this_cpu().cpu_id);
    if (!cpu_mask) return;
    SpinGuard guard(call_lock);
    call.fn = fn;
    call.arg = arg;
    call.wait = wait;
    call.remaining.store(static_cast<unsigned>(popcount64(cpu_mask)));
    call.targets.store(cpu_mask);
    for (unsigned c = 0; c < max_cpus; ++c)
        if (cpu_mask & (1ull << c)) lapic_send_ipi(per_cpu(c).apic_id, vector_call_function);
    while (call.remaining.load() != 0) cpu_relax();
}

void send_event_check(unsigned cpu) {
    if (cpu != this_cpu().cpu_id && per_cpu(cpu).online)
        lapic_send_ipi(per_cpu(cpu).apic_id, vector_event_check);
}

void idle_loop() {
    const unsigned me = this_cpu().cpu_id;
    for (;;) {
        irq_disable();
        if (softirq_pending(me)) {
            irq_enable();
            process_pending_softirqs();
            continue;
        }
        x86::safe_halt();
    }
}

} // namespace cxen::arch
