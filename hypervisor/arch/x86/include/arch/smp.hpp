// Bringing up the other pCPUs, and running functions on them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cxen {
struct AcpiInfo;
}

namespace cxen::arch {

/// Start every enabled CPU the MADT lists (INIT-SIPI-SIPI), one at a time.
/// At most `max` CPUs in all. Returns the number online (BSP included).
unsigned smp_boot_cpus(const AcpiInfo& acpi, unsigned max);

using CallFn = void (*)(void* arg);

/// Install the call-function and event-check IPI handlers (boot, BSP).
void smp_call_init();

/// Run fn(arg) on every CPU in cpu_mask (bit n = CPU n) except the caller,
/// from the call-function IPI; with wait, return only when all have finished.
/// Caller must have interrupts enabled (two CPUs calling each other would
/// otherwise deadlock).
void on_selected_cpus(uint64_t cpu_mask, CallFn fn, void* arg, bool wait);
/// Mask of the CPUs that are online.
uint64_t cpu_online_mask();

/// The per-CPU idle loop: run softirqs, else halt until an interrupt.
[[noreturn]] void idle_loop();

} // namespace cxen::arch
