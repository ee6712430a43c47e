// Local APIC (x2APIC through MSRs when the CPU has it, xAPIC through MMIO
// otherwise). Intel SDM Vol. 3, chapter 11; AMD APM Vol. 2, chapter 16.
#pragma once

#include <cstdint>

namespace cxen::arch {

enum class IpiMode : uint32_t { fixed = 0x000, nmi = 0x400, init = 0x500, startup = 0x600 };

/// Enable this CPU's LAPIC (first call on the BSP picks x2APIC or xAPIC).
void lapic_init();
bool lapic_ready();
bool lapic_x2apic();
uint32_t lapic_id();
void lapic_eoi();
/// Make the local APIC look at its pending interrupts again (a write of
/// the TPR's own value, a no-op on hardware). Works around QEMU 7.2's TCG
/// SVM: its VMRUN sets CPU_INTERRUPT_VIRQ (when the VMCB has V_IRQ) with
/// an unlocked read-modify-write of the CPU's interrupt requests, which can
/// erase the "poll your APIC" request another QEMU thread set at that
/// moment (the timer, an IPI). The interrupt then waits in the IRR with no
/// request to deliver it, and a halted pCPU never wakes. docs/testing.md.
void lapic_resample();
/// Send an IPI to one APIC ID.
void lapic_send_ipi(uint32_t apic_id, uint8_t vector, IpiMode mode = IpiMode::fixed);
/// Send an IPI to every CPU but this one.
void lapic_send_ipi_allbutself(uint8_t vector, IpiMode mode = IpiMode::fixed);
/// INIT, then two STARTUPs at vector `page` (start address page << 12).
void lapic_start_ap(uint32_t apic_id, uint8_t page);

/// One-shot timer: fire vector_timer once, `ticks` LAPIC timer ticks from now
/// (0 stops it). Uses divide-by-1.
void lapic_timer_oneshot(uint32_t ticks);
/// Measure the LAPIC timer frequency against the TSC (needs tsc_khz()).
uint64_t lapic_timer_calibrate();
/// TSC-deadline mode available (CPUID.1:ECX[24]) and in use.
bool lapic_tsc_deadline();
void lapic_set_tsc_deadline(uint64_t tsc);

} // namespace cxen::arch
