// Locking: pending bits are per-CPU atomics; handlers are registered at boot
// before any CPU can raise them.
#include "common/softirq.hpp"

#include <atomic>

#include "arch/cpu.hpp"
#include "lib/base/assert.hpp"

namespace cxen {

namespace {
SoftirqHandler handlers[NR_SOFTIRQS];
std::atomic<unsigned> pending[arch::max_cpus];
} // namespace

SoftirqHandler open_softirq(Softirq nr, SoftirqHandler handler) {
    ASSERT(nr < NR_SOFTIRQS);
    const SoftirqHandler before = handlers[nr];
    handlers[nr] = handler;
    return before;
}

void raise_softirq(Softirq nr) { pending[arch::smp_processor_id()].fetch_or(1u << nr); }

void cpu_raise_softirq(unsigned cpu, Softirq nr) {
    ASSERT(cpu < arch::max_cpus);
    unsigned old = pending[cpu].fetch_or(1u << nr);
    if (cpu != arch::smp_processor_id() && !(old & (1u << nr))) arch::send_event_check(cpu);
}

bool softirq_pending(unsigned cpu) { return pending[cpu].load() != 0; }

void process_pending_softirqs() {
    auto& mine = pending[arch::smp_processor_id()];
    for (unsigned bits; (bits = mine.exchange(0)) != 0;) {
        for (unsigned nr = 0; nr < NR_SOFTIRQS; ++nr)
            if ((bits & (1u << nr)) && handlers[nr]) handlers[nr]();
    }
}

} // namespace cxen
