// Interrupts and application processors for guest test kernels.
//
// irq_init() installs a 256-entry IDT (the framework's exception gates plus
// one stub per vector 32-255) on the calling CPU; set_irq_handler() routes
// a vector to a function, which must send the EOI itself when the vector
// came through the LAPIC. APs share the IDT and the handlers.
//
// APs start in one of three ways (all land in ap_main(), which loads the
// IDT, enables its x2APIC, marks itself online and then idles with
// `sti; hlt`, running whatever run_on() sends it):
//   start_ap_init_sipi(cpu)   INIT + 2 x STARTUP through the ICR, real-mode
//                             trampoline copied to ap_trampoline_gpa
//   start_ap_vcpuop(cpu, m)   VCPUOP_initialise (32- or 64-bit
//                             vcpu_hvm_context) + VCPUOP_up
// CPU n is vCPU n, x2APIC ID 2n (cxen and Xen).
#pragma once

#include <cstdint>

namespace cxen::guest {

constexpr unsigned max_guest_cpus = 8;
/// Page the real-mode trampoline is copied to: STARTUP vector 0x07.
constexpr uint64_t ap_trampoline_gpa = 0x7000;

using IrqHandler = void (*)(uint8_t vector);
/// Load the full IDT on this CPU (idempotent; the first call builds it).
void irq_init();
void set_irq_handler(uint8_t vector, IrqHandler h);

inline void irq_enable() { asm volatile("sti" ::: "memory"); }
inline void irq_disable() { asm volatile("cli" ::: "memory"); }
/// `sti; hlt` atomically (STI shadow): wait for the next interrupt.
inline void wait_for_interrupt() { asm volatile("sti; hlt; cli" ::: "memory"); }

/// vCPUs of this domain, from CPUID.1:EBX[23:16] (cxen sets max_vcpus).
unsigned nr_vcpus();
/// This CPU's number (x2APIC ID / 2).
unsigned this_cpu();
bool cpu_is_online(unsigned cpu);

/// Start AP `cpu` with INIT-SIPI-SIPI and wait up to timeout_ms for it.
bool start_ap_init_sipi(unsigned cpu, unsigned timeout_ms = 10000);
enum class ApMode { hvm32, hvm64 };
/// Start AP `cpu` with VCPUOP_initialise + VCPUOP_up. Returns the first
/// hypercall error, or 0 once the AP is online (-ETIMEDOUT otherwise).
long start_ap_vcpuop(unsigned cpu, ApMode mode, unsigned timeout_ms = 10000);

/// Run fn(cpu) on an online AP from its IPI handler (vector call_vector);
/// with wait, return once it finished (false on timeout).
constexpr uint8_t call_vector = 0xf0;
bool run_on(unsigned cpu, void (*fn)(unsigned cpu), bool wait = true, unsigned timeout_ms = 10000);

// ---- time, for timeouts and tolerance checks ----
inline uint64_t rdtsc() {
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t{hi} << 32) | lo;
}
/// Guest TSC frequency from Xen's CPUID leaf base+3 (0 without Xen).
uint64_t tsc_khz();
uint64_t tsc_to_us(uint64_t ticks);
/// Spin until pred() or timeout; returns pred()'s last value.
template <typename P> bool spin_until(P pred, unsigned timeout_ms) {
    const uint64_t khz = tsc_khz();
    const uint64_t end = rdtsc() + (khz ? khz : 1000000) * timeout_ms;
    while (!pred())
        if (rdtsc() > end) return pred();
    return true;
}

/// Halt (`sti; hlt`) until pred() holds, at most timeout_ms: a periodic
/// LAPIC timer on watchdog_vector ends a HLT that nothing else wakes.
/// Leaves the LAPIC timer stopped. Returns pred()'s last value.
constexpr uint8_t watchdog_vector = 0xef;
void arm_watchdog(unsigned timeout_ms);
void disarm_watchdog();
template <typename P> bool halt_until(P pred, unsigned timeout_ms) {
    const uint64_t khz = tsc_khz();
    const uint64_t end = rdtsc() + (khz ? khz : 1000000) * timeout_ms;
    arm_watchdog(timeout_ms);
    while (!pred() && rdtsc() < end) wait_for_interrupt();
    disarm_watchdog();
    return pred();
}

} // namespace cxen::guest
