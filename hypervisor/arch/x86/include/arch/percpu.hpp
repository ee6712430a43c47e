// Per-CPU data. GS_BASE of each pCPU points at its PerCpu, whose first field
// points at itself, so this_cpu() is one load from %gs:0.
#pragma once

#include <cstdint>

#include "arch/cpu.hpp"

namespace cxen::arch {

constexpr unsigned ist_stack_size = 4096;
constexpr unsigned stack_order = 3; ///< 32 KiB hypervisor stack per pCPU

/// Interrupt Stack Table slots (TSS.IST1..3): exceptions that may arrive on a
/// broken stack get a known-good one.
enum IstSlot : unsigned { ist_nmi = 1, ist_df = 2, ist_mc = 3 };

/// 64-bit TSS (AMD APM Vol. 2, 12.2.5).
struct __attribute__((packed)) Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct PerCpu {
    PerCpu* self; // %gs:0
    unsigned cpu_id;
    uint32_t apic_id;
    uint32_t acpi_id; // ACPI Processor UID from the MADT (XENPF_get_cpuinfo)
    volatile bool online;
    uint64_t stack_bottom; // main hypervisor stack [bottom, top)
    uint64_t stack_top;
    alignas(16) uint64_t gdt[6]; // null, CS64, DS, (unused), TSS (2 slots)
    Tss tss;
    uint64_t lapic_timer_hz;          // LAPIC timer ticks per second (divide by 1)
    uint64_t lapic_ticks_per_ns_mult; // (hz << 32) / 1e9
    uint64_t irq_count; // interrupts taken on this CPU (written only by it)
};

constexpr uint16_t sel_cs = 0x08;
constexpr uint16_t sel_ds = 0x10;
constexpr uint16_t sel_tss = 0x20;

inline PerCpu& this_cpu() {
    PerCpu* p;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(p));
    return *p;
}
PerCpu& per_cpu(unsigned cpu);
unsigned nr_cpus_online();
/// Number of CPUs the firmware lists (set by SMP bring-up).
unsigned nr_cpus_possible();

/// Set up descriptors (GDT, TSS with IST stacks, IDT) and GS for this CPU.
void cpu_init_percpu(unsigned cpu, uint64_t stack_bottom, uint64_t stack_top);

} // namespace cxen::arch
