// CPUID policy and the CPUID intercept: Xen's leaves at 0x40000000
// (public/arch-x86/cpuid.h) and the host's leaves with what cxen does not
// virtualise hidden (feature names: arch/cpufeatureset.hpp).
#include "arch/x86/hvm/hvm.hpp"

#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"

namespace cxen::arch::hvm {

x86::CpuidRegs guest_cpuid(Vcpu& v, uint32_t leaf, uint32_t sub) {
    x86::CpuidRegs r{};
    if (leaf >= XEN_CPUID_FIRST_LEAF && leaf < XEN_CPUID_FIRST_LEAF + 0x10000) {
        switch (leaf - XEN_CPUID_FIRST_LEAF) {
        case 0:
            r = {XEN_CPUID_FIRST_LEAF + XEN_CPUID_MAX_NUM_LEAVES, XEN_CPUID_SIGNATURE_EBX,
                 XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX};
            break;
        case 1: r.eax = (4u << 16) | 17u; break;
        case 2: r.eax = 1; r.ebx = xen_hypercall_msr; break; // one hypercall page
        case 3:
            if (sub == 0) r.ecx = static_cast<uint32_t>(tsc_khz());
            if (sub == 2) r.eax = static_cast<uint32_t>(tsc_khz());
            break;
        case 4:
            if (sub == 0) {
                r.eax = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
                r.ebx = v.vcpu_id;
                r.ecx = v.domain->domid;
            }
            break;
        default: break;
        }
    } else {
        r = x86::cpuid(leaf, sub);
        const FpuCaps& f = fpu();
        const bool avx = f.xcr0_mask & XCR0_AVX;
        const uint32_t apic_id = v.vcpu_id * 2; // as the vLAPIC and the guest MADT
        if (leaf == 1) {
            // Hide what cxen does not virtualise (MONITOR, VMX, SMX, EST,
            // TM2, TSC-deadline); say we are a guest with an x2APIC; XSAVE
            // and AVX (with FMA, F16C) as far as guest XCR0 may enable them;
            // OSXSAVE mirrors the guest's CR4.
            r.ecx &= ~(CPUID_1C_MONITOR | CPUID_1C_VMX | CPUID_1C_SMX | CPUID_1C_EIST | CPUID_1C_TM2 |
                       CPUID_1C_TSC_DEADLINE | CPUID_1C_XSAVE | CPUID_1C_OSXSAVE);
            if (!avx) r.ecx &= ~(CPUID_1C_FMA | CPUID_1C_AVX | CPUID_1C_F16C);
            if (f.xsave) r.ecx |= CPUID_1C_XSAVE;
            if (f.xsave && (guest_cr4(v) & CR4_OSXSAVE)) r.ecx |= CPUID_1C_OSXSAVE;
            r.ecx |= CPUID_1C_X2APIC | CPUID_1C_HYPERVISOR;
            r.ebx = (r.ebx & 0x0000ffffu) | (apic_id << 24) | (v.domain->max_vcpus << 16);
            // No machine-check architecture yet (Xen's vMCE MSRs): Linux
            // reads MCG_* MSRs whenever MCE/MCA are advertised.
            r.edx &= ~(CPUID_1D_MCE | CPUID_1D_MCA);
        } else if (leaf == 7 && sub == 0) {
            r.ebx &= ~CPUID_7B0_FSGSBASE; // hidden: needs nothing here, but no SGX/TSC_ADJUST games
            // No state components beyond AVX: no AVX-512, MPX, PKU.
            r.ebx &= ~(CPUID_7B0_MPX | CPUID_7B0_AVX512F | CPUID_7B0_AVX512DQ | CPUID_7B0_AVX512_IFMA |
                       CPUID_7B0_AVX512PF | CPUID_7B0_AVX512ER | CPUID_7B0_AVX512CD | CPUID_7B0_AVX512BW |
                       CPUID_7B0_AVX512VL);
            if (!avx) r.ebx &= ~CPUID_7B0_AVX2;
            r.ecx &= ~(CPUID_7C0_AVX512_VBMI | CPUID_7C0_PKU | CPUID_7C0_OSPKE | CPUID_7C0_AVX512_VBMI2 |
                       CPUID_7C0_AVX512_VNNI | CPUID_7C0_AVX512_BITALG | CPUID_7C0_AVX512_VPOPCNTDQ);
        } else if (leaf == 0xb) {
            // x2APIC topology: one thread per core (APIC IDs 2i), one package.
            unsigned core_shift = 1;
            while ((1u << core_shift) < 2 * v.domain->max_vcpus) ++core_shift;
            if (sub == 0) r = {1, 1, (1u << 8) | 0, apic_id};
            else if (sub == 1) r = {core_shift, v.domain->max_vcpus, (2u << 8) | 1, apic_id};
            else r = {0, 0, sub & 0xff, apic_id};
        } else if (leaf == 0xd) {
            sync_guest_xcr0(v);
            if (!f.xsave) r = {};
            else if (sub == 0)
                r = {static_cast<uint32_t>(f.xcr0_mask), xsave_size(v.arch.xcr0), xsave_size(f.xcr0_mask), 0};
            else if (sub == 1) r = {f.xsaveopt ? 1u : 0u, 0, 0, 0}; // no XSAVEC/XGETBV1/XSAVES
            else if (!(sub == 2 && avx)) r = {};
        } else if (leaf == 0x8000001e) {
            r = {apic_id, v.vcpu_id & 0xff, 0, 0};
        } else if (leaf == 0x80000001) {
            // No nested SVM; no DBEXT (the DR address-mask MSRs are not virtualised).
            r.ecx &= ~(CPUID_E1C_SVM | CPUID_E1C_DBEXT);
        } else if (leaf == 0x8000000a) {
            r = {};
        }
    }
    return r;
}

Exit cpuid_intercept(Vcpu& v, unsigned len) {
    // CPUID faulting (MISC_FEATURES_ENABLES): #GP above CPL 0, the
    // instruction not completed, as Xen's hvm_vmexit_cpuid().
    if (v.arch.cpuid_faulting && hvm_funcs.get_cpl(v) > 0) {
        inject_gp(v);
        return Exit::resume;
    }
    const x86::CpuidRegs r =
        guest_cpuid(v, static_cast<uint32_t>(guest_gpr(v, Gpr::rax)), static_cast<uint32_t>(guest_gpr(v, Gpr::rcx)));
    set_guest_gpr(v, Gpr::rax, r.eax);
    set_guest_gpr(v, Gpr::rbx, r.ebx);
    set_guest_gpr(v, Gpr::rcx, r.ecx);
    set_guest_gpr(v, Gpr::rdx, r.edx);
    advance(v, len);
    return Exit::resume;
}

} // namespace cxen::arch::hvm
