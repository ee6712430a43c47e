// Guest writes of CR0, CR3, CR4, EFER and PAT: every value the guest puts
// into the VMCB is checked here first, so that VMRUN never meets a state it
// refuses (#VMEXIT(INVALID) would crash the domain); a bad value is #GP at
// the write, as Xen's hvm_set_cr0/hvm_set_cr3/hvm_set_cr4/hvm_set_efer
// (xen/arch/x86/hvm/hvm.c) and the PAT check of hvm_set_guest_pat. The
// CR4 bits a guest may set follow the CPUID it sees (Xen's
// hvm_cr4_guest_valid_bits); EFER's follow hvm_efer_valid.
#include "arch/x86/hvm/svm/vcpu_internal.hpp"

#include "arch/x86.hpp"

namespace cxen::arch::hvm {

namespace {
/// CR0 bits that keep their value; the others read as written-zero
/// (Xen's HVM_CR0_GUEST_RESERVED_BITS: PE MP EM TS ET NE WP AM NW CD PG).
constexpr uint64_t cr0_known = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW |
                               CR0_CD | CR0_PG;
constexpr uint64_t cr4_vme = 1ull << 0, cr4_pvi = 1ull << 1, cr4_tsd = 1ull << 2, cr4_de = 1ull << 3,
                   cr4_pse = 1ull << 4, cr4_mce = 1ull << 6, cr4_pge = 1ull << 7, cr4_pce = 1ull << 8,
                   cr4_umip = 1ull << 11, cr4_la57 = 1ull << 12, cr4_fsgsbase = 1ull << 16,
                   cr4_pcide = 1ull << 17, cr4_smep = 1ull << 20, cr4_smap = 1ull << 21, cr4_pke = 1ull << 22,
                   cr4_cet = 1ull << 23;
constexpr uint64_t efer_sce = 1ull << 0, efer_nxe = 1ull << 11, efer_ffxse = 1ull << 14;
/// Xen's EFER_KNOWN_MASK less what cxen never offers (SVME: no nested SVM).
constexpr uint64_t efer_known = efer_sce | EFER_LME | EFER_LMA | efer_nxe | EFER_SVME | efer_ffxse;

bool bit(uint32_t word, unsigned n) { return (word >> n) & 1; }

/// Changes of these bits change the guest's translations: give it a fresh
/// ASID (a TLB flush) before it runs again, as MOV to CR0/CR4 would.
void flush_guest_tlb(Vcpu& v) { v.arch.tlb_stale.store(true); }
} // namespace

unsigned guest_maxphysaddr() {
    static const unsigned bits = x86::cpuid(0x80000008).eax & 0xff;
    return bits;
}

uint64_t cr4_guest_valid_bits(Vcpu& v, const Vmcb& vm) {
    const auto l1 = guest_cpuid(v, vm, 1, 0), l7 = guest_cpuid(v, vm, 7, 0);
    uint64_t bits = cr4_pce;
    if (bit(l1.edx, 1)) bits |= cr4_vme | cr4_pvi;
    if (bit(l1.edx, 4)) bits |= cr4_tsd;
    if (bit(l1.edx, 2)) bits |= cr4_de;
    if (bit(l1.edx, 3)) bits |= cr4_pse;
    if (bit(l1.edx, 6)) bits |= CR4_PAE;
    if (bit(l1.edx, 7) || bit(l1.edx, 14)) bits |= cr4_mce;
    if (bit(l1.edx, 13)) bits |= cr4_pge;
    if (bit(l1.edx, 24)) bits |= CR4_OSFXSR;
    if (bit(l1.edx, 25)) bits |= CR4_OSXMMEXCPT;
    if (bit(l1.ecx, 17)) bits |= cr4_pcide;
    if (bit(l1.ecx, 26)) bits |= CR4_OSXSAVE;
    if (bit(l7.ecx, 2)) bits |= cr4_umip;
    if (bit(l7.ecx, 16)) bits |= cr4_la57;
    if (bit(l7.ebx, 0)) bits |= cr4_fsgsbase;
    if (bit(l7.ebx, 7)) bits |= cr4_smep;
    if (bit(l7.ebx, 20)) bits |= cr4_smap;
    if (bit(l7.ecx, 3)) bits |= cr4_pke;
    if (bit(l7.ecx, 7) || bit(l7.edx, 20)) bits |= cr4_cet;
    return bits; // never VMXE or SMXE: no nested virtualisation
}

const char* efer_invalid(Vcpu& v, const Vmcb& vm, uint64_t value) {
    const auto e1 = guest_cpuid(v, vm, 0x80000001, 0);
    if (value & ~efer_known) return "unknown bits set";
    if ((value & efer_sce) && !bit(e1.edx, 11)) return "SCE without feature";
    if ((value & (EFER_LME | EFER_LMA)) && !bit(e1.edx, 29)) return "LME/LMA without feature";
    if ((value & EFER_LMA) && !(value & EFER_LME)) return "LMA without LME";
    if ((value & efer_nxe) && !bit(e1.edx, 20)) return "NXE without feature";
    if (value & EFER_SVME) return "SVME without nested virtualisation";
    if ((value & efer_ffxse) && !bit(e1.edx, 25)) return "FFXSE without feature";
    return nullptr;
}

bool set_cr0(Vcpu& v, Vmcb& vm, uint64_t value) {
    const uint64_t old = vm.cr0();
    if (value >> 32) return false;
    value = (value & cr0_known) | CR0_ET;
    if ((value & (CR0_PE | CR0_PG)) == CR0_PG) return false;
    // NW without CD: hardware's #GP (VMRUN refuses it too).
    if ((value & (CR0_NW | CR0_CD)) == CR0_NW) return false;
    uint64_t efer = vm.efer();
    if ((value & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
        if (!(vm.cr4() & CR4_PAE)) return false;
        efer |= EFER_LMA;
    } else if (!(value & CR0_PG) && (old & CR0_PG)) {
        // Paging off from 64-bit code: #GP as Intel documents (Xen's choice
        // for both vendors); with PCIDE set, #GP as the manuals say.
        if ((efer & EFER_LME) && (vm.cs().attrib & (1u << 9))) return false;
        if (vm.cr4() & cr4_pcide) return false;
        efer &= ~EFER_LMA;
    }
    if (efer != vm.efer()) vm.set_efer(efer);
    vm.set_cr0(value);
    if ((old ^ value) & (CR0_PG | CR0_PE | CR0_WP | CR0_CD | CR0_NW)) flush_guest_tlb(v);
    return true;
}

bool set_cr3(Vcpu& v, Vmcb& vm, uint64_t value) {
    // With CR4.PCIDE, bit 63 asks not to flush; it is never stored.
    if (vm.cr4() & cr4_pcide) value &= ~(1ull << 63);
    if (value >> guest_maxphysaddr()) return false;
    vm.set_cr3(value);
    flush_guest_tlb(v);
    return true;
}

bool set_cr4(Vcpu& v, Vmcb& vm, uint64_t value) {
    const uint64_t old = vm.cr4();
    if (value & ~cr4_guest_valid_bits(v, vm)) return false;
    if (!(value & CR4_PAE) && (vm.efer() & EFER_LMA)) return false;
    if ((value & cr4_cet) && !(vm.cr0() & CR0_WP)) return false;
    if ((value & cr4_pcide) && !(old & cr4_pcide) && (!(vm.efer() & EFER_LMA) || (vm.cr3() & 0xfff)))
        return false;
    if ((value & cr4_la57) != (old & cr4_la57) && (vm.efer() & EFER_LMA)) return false; // #GP in long mode
    vm.set_cr4(value);
    if ((old ^ value) & (cr4_pse | CR4_PAE | cr4_pge | cr4_smep | cr4_smap | cr4_pcide | cr4_la57 | cr4_pke))
        flush_guest_tlb(v);
    return true;
}

bool set_efer(Vcpu& v, Vmcb& vm, uint64_t value) {
    value &= ~EFER_LMA; // read-only: the CPU sets it with CR0.PG
    if (efer_invalid(v, vm, value)) return false;
    const uint64_t old = vm.efer();
    if (((value ^ old) & EFER_LME) && (vm.cr0() & CR0_PG)) return false;
    if ((value & EFER_LME) && !(old & EFER_LME)) {
        // As Xen: a CS loaded with L set in legacy mode would make the
        // state invalid once LME is on; keep the guest in compatibility
        // mode until it reloads CS.
        svm::Segment cs = vm.cs();
        if (cs.attrib & (1u << 9)) {
            cs.attrib &= static_cast<uint16_t>(~(1u << 9));
            vm.set_cs(cs);
        }
    }
    vm.set_efer(value | (old & EFER_LMA) | EFER_SVME);
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
