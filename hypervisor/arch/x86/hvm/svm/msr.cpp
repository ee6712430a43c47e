// The RDMSR/WRMSR exit: the x2APIC registers (vlapic.hpp), the virtual
// MTRRs (vmtrr.hpp), Xen's hypercall-page MSR, EFER and PAT (checked as
// Xen's hvm_set_efer and PAT check, cr.cpp), DEBUGCTL, and the few host
// MSRs a PVH guest may read or write as Xen's guest_rdmsr/guest_wrmsr and
// svm_msr_{read,write}_intercept allow them; anything else is #GP, as
// Xen's default.
#include "arch/x86/hvm/svm/vcpu_internal.hpp"

#include "arch/layout.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/time/timer.hpp"

namespace cxen::arch::hvm {

// MSR numbers, with the names of Xen's asm/msr-index.h.
constexpr uint32_t MSR_IA32_PLATFORM_ID = 0x00000017;
constexpr uint32_t MSR_AMD_PATCHLEVEL = 0x0000008b;
constexpr uint32_t MSR_IA32_TSC = 0x00000010;
constexpr uint32_t MSR_IA32_DEBUGCTLMSR = 0x000001d9;
constexpr uint32_t MSR_IA32_CR_PAT = 0x00000277;
constexpr uint32_t MSR_IA32_EBC_FREQUENCY_ID = 0x0000002c;
constexpr uint32_t MSR_K8_HWCR = 0xc0010015;
constexpr uint32_t MSR_K8_VM_CR = 0xc0010114;
constexpr uint32_t MSR_AMD64_NB_CFG = 0xc001001f;
constexpr uint32_t MSR_AMD64_DE_CFG = 0xc0011029;
constexpr uint32_t MSR_AMD64_EX_CFG = 0xc001102c;
constexpr uint64_t AMD64_DE_CFG_LFENCE_SERIALISE = 1ull << 1;
constexpr uint32_t MSR_INTEL_PLATFORM_INFO = 0x000000ce;
constexpr uint64_t PLATFORM_INFO_CPUID_FAULTING = 1ull << 31;
constexpr uint32_t MSR_INTEL_MISC_FEATURES_ENABLES = 0x00000140;
constexpr uint64_t MISC_FEATURES_CPUID_FAULTING = 1ull << 0;
/// DEBUGCTL bits an AMD CPU defines: LBR, BTF, PB0-3 (APM Vol. 2, 13.1.1.6).
constexpr uint64_t debugctl_valid = 0x3f;
// AMD system configuration (APM Vol. 2 §7.7.6): as Xen for a domU, SYSCFG
// reads MtrrFixDramEn only (so Linux's MTRR code leaves TOM2 alone), the
// top-of-memory registers read 0, and writes to all three are ignored.
constexpr uint32_t MSR_K8_SYSCFG = 0xc0010010, MSR_K8_TOP_MEM1 = 0xc001001a, MSR_K8_TOP_MEM2 = 0xc001001d;
constexpr uint64_t syscfg_mtrr_fix_dram_en = 1ull << 18;

namespace {
/// Xen's guest_wrmsr_xen(): the hypercall page must be one page of the
/// domain's own writable RAM (index 0 of the one page CPUID 0x40000002
/// offers); anything else is #GP, as Xen's "Bad GMFN".
bool set_hypercall_page(Vcpu& v, uint64_t value) {
    if (value & 0xfff) return false;
    P2mType type;
    {
        SpinGuard g(v.domain->p2m_lock);
        type = v.domain->p2m.lookup(Gfn{value >> page_shift}).type;
    }
    if (type != P2mType::ram_rw) return false;
    write_hypercall_page(v, value);
    return true;
}

/// Xen's guest_wrmsr_apic_base(): no reserved bits; the xAPIC window stays
/// at its default address; enabling or disabling goes through the xAPIC
/// state (EXTD cannot change together with EN), and x2APIC can only be
/// left by disabling the APIC; enabling resets it (SDM 11.4.3, 11.12.5).
bool set_apic_base(Vcpu& v, uint64_t value) {
    constexpr uint64_t addr_mask = 0x000ffffffffff000ull;
    constexpr uint64_t en = x86::APIC_BASE_EN, extd = x86::APIC_BASE_EXTD;
    const uint64_t old = v.arch.apic_base;
    if (value & ~(addr_mask | en | extd | x86::APIC_BASE_BSP)) return false;
    if ((value & (extd | en)) == en && (value & addr_mask) != apic_default_base) return false;
    if ((old ^ value) & en) {
        if (value & extd) return false;
        if (value & en) {
            IrqSpinGuard g(v.arch.lock);
            v.arch.vlapic.reset(v.arch.vlapic.id());
        }
        stop_timer(v.arch.lapic_timer); // disabled, or reset: no timer running
    } else if (((old ^ value) & extd) && (old & (en | extd)) != en) {
        return false;
    }
    // BSP is the CPU's to say, not the guest's.
    v.arch.apic_base = (value & ~x86::APIC_BASE_BSP) | (old & x86::APIC_BASE_BSP);
    return true;
}
} // namespace

bool vlapic_reg_access(Vcpu& v, uint32_t msr, bool write, uint64_t value, uint64_t& result) {
    VlapicEffect fx;
    VlapicAccess acc;
    uint64_t deadline = 0;
    {
        IrqSpinGuard g(v.arch.lock);
        acc = write ? v.arch.vlapic.write(msr, value, now_ns(), fx) : v.arch.vlapic.read(msr, now_ns(), result);
        deadline = v.arch.vlapic.timer_deadline_ns();
    }
    if (acc != VlapicAccess::ok) return false;
    if (fx.kind == VlapicEffect::send_ipi) deliver_ipi(v, fx);
    if (fx.kind == VlapicEffect::timer_changed) {
        if (deadline) (void)set_timer(v.arch.lapic_timer, deadline);
        else stop_timer(v.arch.lapic_timer);
    }
    return true;
}

Exit on_msr(Vcpu& v, Vmcb& vm) {
    const uint32_t msr = static_cast<uint32_t>(v.arch.regs.rcx);
    const bool write = vm.exitinfo1 & 1;
    const uint64_t value = (v.arch.regs.rdx << 32) | static_cast<uint32_t>(vm.rax);
    uint64_t result = 0;
    bool ok = true;
    if (msr >= x2apic_msr_first && msr <= x2apic_msr_last) {
        // Only in x2APIC mode (SDM 11.12.1: #GP otherwise).
        ok = apic_x2apic_mode(v) && vlapic_reg_access(v, msr, write, value, result);
    } else if (Vmtrr::handles(msr)) {
        ok = write ? v.arch.mtrr.write(msr, value, guest_maxphysaddr()) : v.arch.mtrr.read(msr, result);
    } else if (write) {
        switch (msr) {
        case x86::MSR_EFER: ok = set_efer(v, vm, value); break;
        case hypercall_msr: ok = set_hypercall_page(v, value); break;
        case MSR_IA32_CR_PAT:
            ok = pat_valid(value);
            if (ok) vm.set_g_pat(value);
            break;
        case MSR_IA32_DEBUGCTLMSR: // as Xen: kept, read back; nothing here uses LBR or BTF
            ok = !(value & ~debugctl_valid);
            if (ok) v.arch.debugctl = value;
            break;
        case x86::MSR_APIC_BASE: ok = set_apic_base(v, value); break;
        case MSR_TSC_AUX: // RDTSCP/RDPID read it natively: keep the guest's value loaded
            ok = !(value >> 32); // as Xen's guest_wrmsr
            if (!ok) break;
            v.arch.tsc_aux = static_cast<uint32_t>(value);
            x86::wrmsr(MSR_TSC_AUX, v.arch.tsc_aux);
            break;
        case MSR_AMD_PATCHLEVEL: break; // microcode rev: ignored
        case MSR_AMD64_NB_CFG: break;   // as Xen: writes ignored
        case MSR_K8_SYSCFG: case MSR_K8_TOP_MEM1: case MSR_K8_TOP_MEM2: break;
        // As Xen: read-only to a guest, writes ignored (svm_msr_write_intercept,
        // guest_wrmsr's DE_CFG case for OpenBSD).
        case MSR_K8_VM_CR: case MSR_AMD64_EX_CFG: case MSR_AMD64_DE_CFG: break;
        // CPUID faulting, which Xen offers every HVM guest whatever the
        // vendor (CPUID always exits): guest_wrmsr's MISC_FEATURES_ENABLES.
        case MSR_INTEL_MISC_FEATURES_ENABLES:
            ok = !(value & ~MISC_FEATURES_CPUID_FAULTING);
            if (ok) v.arch.cpuid_faulting = value & MISC_FEATURES_CPUID_FAULTING;
            break;
        default: ok = false; // PLATFORM_INFO among them: read-only
        }
    } else {
        switch (msr) {
        case x86::MSR_EFER: result = vm.efer() & ~EFER_SVME; break;
        case MSR_IA32_CR_PAT: result = vm.g_pat(); break;
        case MSR_IA32_DEBUGCTLMSR: result = v.arch.debugctl; break;
        case x86::MSR_APIC_BASE: result = v.arch.apic_base; break; // x2APIC from reset (pvh-guest-abi.md §12)
        case MSR_TSC_AUX: result = v.arch.tsc_aux; break;
        case MSR_AMD64_NB_CFG: result = 0; break; // Linux's AMD set-up reads and writes it
        case MSR_K8_SYSCFG: result = syscfg_mtrr_fix_dram_en; break;
        case MSR_K8_TOP_MEM1: case MSR_K8_TOP_MEM2: result = 0; break;
        // As Xen's guest_rdmsr / svm_msr_read_intercept for an AMD guest.
        case MSR_K8_HWCR: case MSR_K8_VM_CR: case MSR_AMD64_EX_CFG: case MSR_IA32_EBC_FREQUENCY_ID: result = 0; break;
        case MSR_AMD64_DE_CFG: result = AMD64_DE_CFG_LFENCE_SERIALISE; break;
        case MSR_AMD_PATCHLEVEL: case MSR_IA32_PLATFORM_ID: result = 0; break;
        case MSR_IA32_TSC: result = x86::rdtsc() + vm.tsc_offset(); break;
        // Xen's HVM policy: platform_info.cpuid_faulting is always set.
        case MSR_INTEL_PLATFORM_INFO: result = PLATFORM_INFO_CPUID_FAULTING; break;
        case MSR_INTEL_MISC_FEATURES_ENABLES: result = v.arch.cpuid_faulting ? MISC_FEATURES_CPUID_FAULTING : 0; break;
        default: ok = false;
        }
    }
    if (!ok) {
        guest_log(*v.domain, LogLevel::debug, "d%uv%u: %s of MSR %#x: #GP\n", v.domain->domid, v.vcpu_id,
            write ? "write" : "read", msr);
        inject_gp(vm);
        return Exit::resume;
    }
    if (!write) {
        vm.rax = static_cast<uint32_t>(result);
        v.arch.regs.rdx = result >> 32;
    }
    advance(vm, 2);
    return Exit::resume;
}

} // namespace cxen::arch::hvm
