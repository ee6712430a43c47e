// The virtual MTRRs of an HVM/PVH vCPU: MTRRcap, MTRRdefType, 8 variable
// ranges and the 11 fixed-range registers, stored and range-checked, never
// applied (guest memory is always write-back through the NPT, and
// guest-chosen types have no effect under cxen). Source: AMD APM Vol. 2
// §7.7 (MTRR MSRs, valid types); Xen xen/arch/x86/hvm/mtrr.c for the
// choices the manual leaves open: MTRRcap = 8 variable ranges, fixed
// ranges and write-combining (0x508), and libxl's initial MTRRdefType of
// PVH guests, write-back and enabled (0x806).
//
// Pure state machine like vlapic.hpp: no hardware, no lock; the caller
// (hvm/svm/vcpu.cpp) turns a false return into #GP.
#pragma once

#include <cstdint>

namespace cxen::arch {

/// MTRR MSR numbers (AMD APM Vol. 2, §7.7.1).
enum MtrrMsr : uint32_t {
    msr_mtrr_cap = 0xfe,
    msr_mtrr_phys_first = 0x200, ///< PhysBase0, PhysMask0, ... PhysMask7 = 0x20f
    msr_mtrr_fix64k_00000 = 0x250,
    msr_mtrr_fix16k_80000 = 0x258,
    msr_mtrr_fix16k_a0000 = 0x259,
    msr_mtrr_fix4k_c0000 = 0x268, ///< ... fix4k_f8000 = 0x26f
    msr_mtrr_def_type = 0x2ff,
};

constexpr unsigned vmtrr_var_ranges = 8;
constexpr uint64_t vmtrr_cap_value = vmtrr_var_ranges | (1u << 8) | (1u << 10); ///< VCNT 8, FIX, WC
constexpr uint64_t vmtrr_def_type_reset = 0x806; ///< enabled (E, bit 11), default type write-back

struct Vmtrr {
    uint64_t def_type = vmtrr_def_type_reset;
    uint64_t var[2 * vmtrr_var_ranges] = {}; ///< PhysBase0, PhysMask0, PhysBase1, ...
    uint64_t fixed[11] = {};                 ///< 64K_00000, 16K_80000, 16K_A0000, 4K_C0000..4K_F8000

    /// Is `msr` one of the MTRR MSRs above?
    static bool handles(uint32_t msr);
    /// RDMSR. False: not an MTRR MSR.
    bool read(uint32_t msr, uint64_t& out) const;
    /// WRMSR with the APM's checks: valid memory types (UC 0, WC 1, WT 4,
    /// WP 5, WB 6) in every type field, reserved bits zero, base and mask
    /// below 2^phys_bits, MTRRcap read-only. False: #GP, nothing changed.
    bool write(uint32_t msr, uint64_t value, unsigned phys_bits);
};

} // namespace cxen::arch
