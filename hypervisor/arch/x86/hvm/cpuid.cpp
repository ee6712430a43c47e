// CPUID policy and the CPUID intercept: Xen's leaves at 0x40000000
// (public/arch-x86/cpuid.h) and the host's leaves with what cxen does not
// virtualise hidden (feature names: arch/cpufeatureset.hpp). A policy the
// controller set (XEN_DOMCTL_set_cpu_policy, d.cpu_policy) then narrows
// that: its feature words are ANDed in and its leaf limits taken when
// lower, as Xen's recalculate_cpuid_policy() clamps a toolstack policy to
// hvm_max; the per-vCPU fields (APIC IDs, topology, OSXSAVE, XSAVE sizes)
// stay cxen's.
#include "arch/x86/hvm/hvm.hpp"

#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"

namespace cxen::arch::hvm {

namespace {
/// What of a vCPU its CPUID depends on.
struct CpuidView {
    unsigned vcpu_id, max_vcpus;
    Domid domid;
    bool osxsave;  ///< guest CR4.OSXSAVE
    uint64_t xcr0; ///< guest XCR0
};

uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/// The policy's narrowing of leaf/sub (see the top of the file).
x86::CpuidRegs narrow(const cpu_policy::CpuPolicy& p, uint32_t leaf, uint32_t sub, x86::CpuidRegs r) {
    if (leaf < XEN_CPUID_FIRST_LEAF) {
        if (leaf > p.max_leaf()) return {};
        switch (leaf) {
        case 0: r.eax = min_u32(r.eax, p.max_leaf()); break;
        case 1:
            r.ecx &= p.basic[1].c | CPUID_1C_OSXSAVE; // OSXSAVE is dynamic (CR4)
            r.edx &= p.basic[1].d;
            break;
        case 7:
            if (sub > p.feat_max_subleaf() || sub >= cpu_policy::nr_feat) return {};
            if (sub == 0) r.eax = min_u32(r.eax, p.feat_max_subleaf());
            else r.eax &= p.feat[sub].a;
            r.ebx &= p.feat[sub].b;
            r.ecx &= p.feat[sub].c | (sub == 0 ? CPUID_7C0_OSPKE : 0); // OSPKE is dynamic (CR4)
            r.edx &= p.feat[sub].d;
            break;
        case 0xd:
            if (sub == 1) r.eax &= p.xstate[1].a;
            break;
        default: break;
        }
    } else if (leaf >= 0x80000000) {
        if (leaf > p.extd_max_leaf()) return {};
        switch (leaf) {
        case 0x80000000: r.eax = min_u32(r.eax, p.extd_max_leaf()); break;
        case 0x80000001:
            r.ecx &= p.extd[1].c;
            r.edx &= p.extd[1].d;
            break;
        case 0x80000007: r.edx &= p.extd[7].d; break;
        case 0x80000008: r.ebx &= p.extd[8].b; break;
        default: break;
        }
    }
    return r;
}

x86::CpuidRegs view_cpuid(const CpuidView& v, uint32_t leaf, uint32_t sub) {
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
                r.ecx = v.domid;
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
            if (f.xsave && v.osxsave) r.ecx |= CPUID_1C_OSXSAVE;
            r.ecx |= CPUID_1C_X2APIC | CPUID_1C_HYPERVISOR;
            r.ebx = (r.ebx & 0x0000ffffu) | (apic_id << 24) | (v.max_vcpus << 16);
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
            while ((1u << core_shift) < 2 * v.max_vcpus) ++core_shift;
            if (sub == 0) r = {1, 1, (1u << 8) | 0, apic_id};
            else if (sub == 1) r = {core_shift, v.max_vcpus, (2u << 8) | 1, apic_id};
            else r = {0, 0, sub & 0xff, apic_id};
        } else if (leaf == 0xd) {
            if (!f.xsave) r = {};
            else if (sub == 0)
                r = {static_cast<uint32_t>(f.xcr0_mask), xsave_size(v.xcr0), xsave_size(f.xcr0_mask), 0};
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
} // namespace

x86::CpuidRegs guest_cpuid(Vcpu& v, uint32_t leaf, uint32_t sub) {
    if (leaf == 0xd) sync_guest_xcr0(v);
    const CpuidView view{v.vcpu_id, v.domain->max_vcpus, v.domain->domid, (guest_cr4(v) & CR4_OSXSAVE) != 0,
                         v.arch.xcr0};
    const x86::CpuidRegs r = view_cpuid(view, leaf, sub);
    const cpu_policy::CpuPolicy* p = v.domain->cpu_policy.get();
    return p ? narrow(*p, leaf, sub, r) : r;
}

x86::CpuidRegs max_policy_cpuid(uint32_t leaf, uint32_t sub) {
    // vCPU 0 of a one-vCPU domain with CR4 and XCR0 at reset: the
    // per-vCPU fields as they are when the toolstack builds a domain.
    return view_cpuid({0, 1, 0, false, XCR0_X87}, leaf, sub);
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
