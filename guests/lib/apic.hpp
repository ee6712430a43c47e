// The local APIC from inside a guest, in x2APIC mode (MSRs 0x800-0x8FF):
// cxen starts every vCPU with IA32_APIC_BASE.EXTD set, so tests never use
// the xAPIC MMIO page. Source: Intel SDM Vol. 3, chapter 11.
#pragma once

#include <cstdint>

#include "x86.hpp"

namespace cxen::guest::apic {

constexpr uint32_t msr_apic_base = 0x1b;
constexpr uint64_t apic_base_bsp = 1u << 8, apic_base_extd = 1u << 10, apic_base_en = 1u << 11;

enum Reg : uint32_t {
    id = 0x802, version = 0x803, tpr = 0x808, ppr = 0x80a, eoi_reg = 0x80b, ldr = 0x80d, svr = 0x80f,
    isr0 = 0x810, irr0 = 0x820, esr = 0x828, icr = 0x830, lvt_timer = 0x832, lvt_lint0 = 0x835,
    lvt_error = 0x837, timer_initial = 0x838, timer_current = 0x839, timer_divide = 0x83e, self_ipi_reg = 0x83f,
};

// ICR bits (SDM 11.6.1).
constexpr uint64_t icr_nmi = 4u << 8, icr_init = 5u << 8, icr_startup = 6u << 8;
constexpr uint64_t icr_assert = 1u << 14, icr_level = 1u << 15;
constexpr uint64_t icr_self = 1u << 18, icr_all = 2u << 18, icr_all_but_self = 3u << 18;
constexpr uint32_t lvt_masked = 1u << 16, lvt_periodic = 1u << 17;

inline uint64_t read(Reg r) { return x86::rdmsr(r); }
inline void write(Reg r, uint64_t v) { x86::wrmsr(r, v); }
inline uint32_t my_id() { return static_cast<uint32_t>(read(id)); }
inline void eoi() { write(eoi_reg, 0); }
/// Software-enable the APIC with spurious vector 0xFF.
inline void enable() { write(svr, 0x1ff); }
/// A fixed IPI to x2APIC ID `dest` (or use a shorthand in `extra`).
inline void send_ipi(uint32_t dest, uint8_t vector, uint64_t extra = 0) {
    write(icr, (uint64_t{dest} << 32) | extra | vector);
}
inline void self_ipi(uint8_t vector) { write(self_ipi_reg, vector); }

} // namespace cxen::guest::apic
