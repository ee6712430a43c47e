// arch:: CPU primitives used by common code (x86-64).
#pragma once

#include <cstdint>

namespace cxen::arch {

/// Spin-wait hint (PAUSE): lets a sibling thread run and saves power.
inline void cpu_relax() { __asm__ volatile("pause" ::: "memory"); }

/// Disable local interrupts and return the previous RFLAGS for irq_restore().
inline unsigned long irq_save() {
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
    return flags;
}
/// Restore the interrupt flag saved by irq_save().
inline void irq_restore(unsigned long flags) {
    if (flags & (1ul << 9)) __asm__ volatile("sti" ::: "memory");
}
inline bool irqs_enabled() {
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & (1ul << 9);
}
inline void irq_enable() { __asm__ volatile("sti" ::: "memory"); }
void lapic_resample(); // arch/apic.hpp
/// Enable interrupts and halt until the next one, atomically (STI shadow):
/// the caller checked for work with interrupts off. The APIC looks at its
/// pending interrupts first, so one whose request QEMU lost is taken now
/// instead of never (lapic_resample()).
inline void idle_halt() {
    lapic_resample();
    __asm__ volatile("sti; hlt" ::: "memory");
}
inline void irq_disable() { __asm__ volatile("cli" ::: "memory"); }

/// The host's physical address width (Xen's paddr_bits, CPUID 0x80000008).
unsigned paddr_bits();

/// Upper bound on pCPUs; sizes every per-CPU array.
constexpr unsigned max_cpus = 64;

/// Index of the running pCPU (0 = boot CPU), from the per-CPU area.
unsigned smp_processor_id();

/// Interrupt `cpu` so that it notices newly raised softirqs (Xen's
/// EVENT_CHECK_VECTOR); a no-op for the calling CPU.
void send_event_check(unsigned cpu);

} // namespace cxen::arch
