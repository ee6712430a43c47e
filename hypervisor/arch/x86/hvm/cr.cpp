// Guest writes of CR0, CR3, CR4, EFER and PAT: every value the guest puts
// into the VMCB is checked here first, so that VMRUN never meets a state it
// refuses (#VMEXIT(INVALID) would crash the domain); a bad value is #GP at
// the write, as Xen's hvm_set_cr0/hvm_set_cr3/hvm_set_cr4/hvm_set_efer
// (xen/arch/x86/hvm/hvm.c) and the PAT check of hvm_set_guest_pat. The
// CR4 bits a guest may set follow the CPUID it sees (Xen's
// hvm_cr4_guest_valid_bits); EFER's follow hvm_efer_valid.
#include "arch/x86/hvm/hvm.hpp"

#include "arch/x86.hpp"

namespace cxen::arch::hvm {

namespace {
/// CR0 bits that keep their value; the others read as written-zero
/// (Xen's HVM_CR0_GUEST_RESERVED_BITS: PE MP EM TS ET NE WP AM NW CD PG).
constexpr uint64_t cr0_known = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW |
                               CR0_CD | CR0_PG;
/// Xen's EFER_KNOWN_MASK (SVME is refused by efer_invalid: no nested SVM).
constexpr uint64_t efer_known = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | EFER_FFXSE;

/// Changes of these bits change the guest's translations: give it a fresh
/// TLB tag (an ASID under SVM) before it runs again, as MOV to CR0/CR4 would.
void flush_guest_tlb(Vcpu& v) { v.arch.tlb_stale.store(true); }
} // namespace

unsigned guest_maxphysaddr() {
    static const unsigned bits = x86::cpuid(0x80000008).eax & 0xff;
    return bits;
}

uint64_t cr4_guest_valid_bits(Vcpu& v) {
    const auto l1 = guest_cpuid(v, 1, 0), l7 = guest_cpuid(v, 7, 0);
    uint64_t bits = CR4_PCE;
    if (l1.edx & CPUID_1D_VME) bits |= CR4_VME | CR4_PVI;
    if (l1.edx & CPUID_1D_TSC) bits |= CR4_TSD;
    if (l1.edx & CPUID_1D_DE) bits |= CR4_DE;
    if (l1.edx & CPUID_1D_PSE) bits |= CR4_PSE;
    if (l1.edx & CPUID_1D_PAE) bits |= CR4_PAE;
    if ((l1.edx & CPUID_1D_MCE) || (l1.edx & CPUID_1D_MCA)) bits |= CR4_MCE;
    if (l1.edx & CPUID_1D_PGE) bits |= CR4_PGE;
    if (l1.edx & CPUID_1D_FXSR) bits |= CR4_OSFXSR;
    if (l1.edx & CPUID_1D_SSE) bits |= CR4_OSXMMEXCPT;
    if (l1.ecx & CPUID_1C_PCID) bits |= CR4_PCIDE;
    if (l1.ecx & CPUID_1C_XSAVE) bits |= CR4_OSXSAVE;
    if (l7.ecx & CPUID_7C0_UMIP) bits |= CR4_UMIP;
    if (l7.ecx & CPUID_7C0_LA57) bits |= CR4_LA57;
    if (l7.ebx & CPUID_7B0_FSGSBASE) bits |= CR4_FSGSBASE;
    if (l7.ebx & CPUID_7B0_SMEP) bits |= CR4_SMEP;
    if (l7.ebx & CPUID_7B0_SMAP) bits |= CR4_SMAP;
    if (l7.ecx & CPUID_7C0_PKU) bits |= CR4_PKE;
    if ((l7.ecx & CPUID_7C0_CET_SS) || (l7.edx & CPUID_7D0_CET_IBT)) bits |= CR4_CET;
    return bits; // never VMXE or SMXE: no nested virtualisation
}

const char* efer_invalid(Vcpu& v, uint64_t value) {
    const auto e1 = guest_cpuid(v, 0x80000001, 0);
    if (value & ~efer_known) return "unknown bits set";
    if ((value & EFER_SCE) && !(e1.edx & CPUID_E1D_SYSCALL)) return "SCE without feature";
    if ((value & (EFER_LME | EFER_LMA)) && !(e1.edx & CPUID_E1D_LM)) return "LME/LMA without feature";
    if ((value & EFER_LMA) && !(value & EFER_LME)) return "LMA without LME";
    if ((value & EFER_NXE) && !(e1.edx & CPUID_E1D_NX)) return "NXE without feature";
    if (value & EFER_SVME) return "SVME without nested virtualisation";
    if ((value & EFER_FFXSE) && !(e1.edx & CPUID_E1D_FFXSR)) return "FFXSE without feature";
    return nullptr;
}

bool set_cr0(Vcpu& v, uint64_t value) {
    const uint64_t old = guest_cr0(v);
    if (value >> 32) return false;
    value = (value & cr0_known) | CR0_ET;
    if ((value & (CR0_PE | CR0_PG)) == CR0_PG) return false;
    // NW without CD: hardware's #GP (VMRUN refuses it too).
    if ((value & (CR0_NW | CR0_CD)) == CR0_NW) return false;
    uint64_t efer = guest_efer(v);
    if ((value & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
        if (!(guest_cr4(v) & CR4_PAE)) return false;
        efer |= EFER_LMA;
    } else if (!(value & CR0_PG) && (old & CR0_PG)) {
        // Paging off from 64-bit code: #GP as Intel documents (Xen's choice
        // for both vendors); with PCIDE set, #GP as the manuals say.
        if ((efer & EFER_LME) && (guest_segment(v, Seg::cs).attr & SEG_ATTR_L)) return false;
        if (guest_cr4(v) & CR4_PCIDE) return false;
        efer &= ~EFER_LMA;
    }
    if (efer != guest_efer(v)) hvm_funcs.set_efer(v, efer);
    hvm_funcs.set_cr(v, 0, value);
    if ((old ^ value) & (CR0_PG | CR0_PE | CR0_WP | CR0_CD | CR0_NW)) flush_guest_tlb(v);
    return true;
}

bool set_cr3(Vcpu& v, uint64_t value) {
    // With CR4.PCIDE, bit 63 asks not to flush; it is never stored.
    if (guest_cr4(v) & CR4_PCIDE) value &= ~(1ull << 63);
    if (value >> guest_maxphysaddr()) return false;
    hvm_funcs.set_cr(v, 3, value);
    flush_guest_tlb(v);
    return true;
}

bool set_cr4(Vcpu& v, uint64_t value) {
    const uint64_t old = guest_cr4(v);
    if (value & ~cr4_guest_valid_bits(v)) return false;
    if (!(value & CR4_PAE) && (guest_efer(v) & EFER_LMA)) return false;
    if ((value & CR4_CET) && !(guest_cr0(v) & CR0_WP)) return false;
    if ((value & CR4_PCIDE) && !(old & CR4_PCIDE) && (!(guest_efer(v) & EFER_LMA) || (guest_cr3(v) & 0xfff)))
        return false;
    if ((value & CR4_LA57) != (old & CR4_LA57) && (guest_efer(v) & EFER_LMA)) return false; // #GP in long mode
    hvm_funcs.set_cr(v, 4, value);
    if ((old ^ value) & (CR4_PSE | CR4_PAE | CR4_PGE | CR4_SMEP | CR4_SMAP | CR4_PCIDE | CR4_LA57 | CR4_PKE))
        flush_guest_tlb(v);
    return true;
}

bool set_efer(Vcpu& v, uint64_t value) {
    value &= ~EFER_LMA; // read-only: the CPU sets it with CR0.PG
    if (efer_invalid(v, value)) return false;
    const uint64_t old = guest_efer(v);
    if (((value ^ old) & EFER_LME) && (guest_cr0(v) & CR0_PG)) return false;
    if ((value & EFER_LME) && !(old & EFER_LME)) {
        // As Xen: a CS loaded with L set in legacy mode would make the
        // state invalid once LME is on; keep the guest in compatibility
        // mode until it reloads CS.
        SegmentRegister cs = guest_segment(v, Seg::cs);
        if (cs.attr & SEG_ATTR_L) {
            cs.attr &= static_cast<uint16_t>(~SEG_ATTR_L);
            hvm_funcs.set_segment(v, Seg::cs, cs);
        }
    }
    hvm_funcs.set_efer(v, value | (old & EFER_LMA));
    return true;
}

bool pat_valid(uint64_t value) {
    for (unsigned i = 0; i < 8; ++i) {
        const uint8_t type = static_cast<uint8_t>(value >> (8 * i));
        if (type > 7 || type == 2 || type == 3) return false; // UC WC WT WP WB UC- only
    }
    return true;
}

} // namespace cxen::arch::hvm
