// Softirqs: per-pCPU deferred work, run with interrupts enabled outside
// interrupt context (in the idle loop and, later, before entering a guest),
// as Xen's common/softirq.c.
#pragma once

namespace cxen {

enum Softirq : unsigned {
    TIMER_SOFTIRQ = 0,
    SCHEDULE_SOFTIRQ,
    NR_SOFTIRQS,
};

using SoftirqHandler = void (*)();

/// Set the handler of nr; returns the one it replaces (tests put it back).
SoftirqHandler open_softirq(Softirq nr, SoftirqHandler handler);
/// Mark nr pending on this CPU.
void raise_softirq(Softirq nr);
/// Mark nr pending on `cpu` and interrupt it if it is another CPU.
void cpu_raise_softirq(unsigned cpu, Softirq nr);
bool softirq_pending(unsigned cpu);
/// Run this CPU's pending softirqs until none is left.
void process_pending_softirqs();

} // namespace cxen
