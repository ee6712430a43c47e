// The RDMSR/WRMSR exit: the x2APIC registers (vlapic.hpp), the virtual
// MTRRs (vmtrr.hpp), Xen's hypercall-page MSR, EFER and PAT (checked as
// Xen's hvm_set_efer and PAT check, cr.cpp), DEBUGCTL, and the few host
// MSRs a PVH guest may read or write as Xen's guest_rdmsr/guest_wrmsr and
// svm_msr_{read,write}_intercept allow them; anything else is #GP, as
// Xen's default.
#include "arch/x86/hvm/hvm.hpp"

#include "arch/layout.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/time/timer.hpp"

namespace cxen::arch::hvm {

// AMD system configuration (APM Vol. 2 §7.7.6): as Xen for a domU, SYSCFG
// reads MtrrFixDramEn only (so Linux's MTRR code leaves TOM2 alone), the
// top-of-memory registers read 0, and writes to all three are ignored.
// MSR numbers and bits: arch/msr_index.hpp.

namespace {
/// Xen's guest_wrmsr_xen(): the hypercall page must be one page of the
/// domain's own writable RAM (index 0 of the one page CPUID 0x40000002
/// offers); anything else is #GP, as Xen's "Bad GMFN".
bool set_hypercall_page(Vcpu& v, uint64_t value) {
    if (value & 0xfff) return false;
    P2mType type;
    {
        ReadGuard g(v.domain->p2m_lock);
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
    constexpr uint64_t en = APIC_BASE_EN, extd = APIC_BASE_EXTD;
    const uint64_t old = v.arch.apic_base;
    if (value & ~(addr_mask | en | extd | APIC_BASE_BSP)) return false;
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
    v.arch.apic_base = (value & ~APIC_BASE_BSP) | (old & APIC_BASE_BSP);
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

namespace {
/// Xen's hvm_msr_write_intercept() / guest_wrmsr(); false: #GP.
bool msr_write_policy(Vcpu& v, uint32_t msr, uint64_t value) {
    bool ok = true;
    switch (msr) {
    case MSR_EFER: ok = set_efer(v, value); break;
    case xen_hypercall_msr: ok = set_hypercall_page(v, value); break;
    case MSR_IA32_CR_PAT:
        ok = pat_valid(value);
        if (ok) hvm_funcs.set_guest_pat(v, value);
        break;
    case MSR_IA32_DEBUGCTLMSR: // as Xen: kept, read back; nothing here uses LBR or BTF
        ok = !(value & ~DEBUGCTL_AMD_VALID);
        if (ok) v.arch.debugctl = value;
        break;
    case MSR_APIC_BASE: ok = set_apic_base(v, value); break;
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
    return ok;
}

/// Xen's hvm_msr_read_intercept() / guest_rdmsr(); false: #GP.
bool msr_read_policy(Vcpu& v, uint32_t msr, uint64_t& result) {
    bool ok = true;
    switch (msr) {
    case MSR_EFER: result = guest_efer(v); break;
    case MSR_IA32_CR_PAT: result = hvm_funcs.get_guest_pat(v); break;
    case MSR_IA32_DEBUGCTLMSR: result = v.arch.debugctl; break;
    case MSR_APIC_BASE: result = v.arch.apic_base; break; // x2APIC from reset (pvh-guest-abi.md §12)
    case MSR_TSC_AUX: result = v.arch.tsc_aux; break;
    case MSR_AMD64_NB_CFG: result = 0; break; // Linux's AMD set-up reads and writes it
    case MSR_K8_SYSCFG: result = SYSCFG_MTRR_FIX_DRAM_EN; break;
    case MSR_K8_TOP_MEM1: case MSR_K8_TOP_MEM2: result = 0; break;
    // As Xen's guest_rdmsr / svm_msr_read_intercept for an AMD guest.
    case MSR_K8_HWCR: case MSR_K8_VM_CR: case MSR_AMD64_EX_CFG: case MSR_IA32_EBC_FREQUENCY_ID: result = 0; break;
    case MSR_AMD64_DE_CFG: result = AMD64_DE_CFG_LFENCE_SERIALISE; break;
    case MSR_AMD_PATCHLEVEL: case MSR_IA32_PLATFORM_ID: result = 0; break;
    case MSR_IA32_TSC: result = x86::rdtsc() + hvm_funcs.get_tsc_offset(v); break;
    // Xen's HVM policy: platform_info.cpuid_faulting is always set.
    case MSR_INTEL_PLATFORM_INFO: result = PLATFORM_INFO_CPUID_FAULTING; break;
    case MSR_INTEL_MISC_FEATURES_ENABLES: result = v.arch.cpuid_faulting ? MISC_FEATURES_CPUID_FAULTING : 0; break;
    default: ok = false;
    }
    return ok;
}
} // namespace

bool msr_write(Vcpu& v, uint32_t msr, uint64_t value) {
    if (msr >= x2apic_msr_first && msr <= x2apic_msr_last) {
        // Only in x2APIC mode (SDM 11.12.1: #GP otherwise).
        uint64_t unused = 0;
        return apic_x2apic_mode(v) && vlapic_reg_access(v, msr, true, value, unused);
    }
    if (Vmtrr::handles(msr)) return v.arch.mtrr.write(msr, value, guest_maxphysaddr());
    return msr_write_policy(v, msr, value);
}

bool msr_read(Vcpu& v, uint32_t msr, uint64_t& result) {
    if (msr >= x2apic_msr_first && msr <= x2apic_msr_last)
        return apic_x2apic_mode(v) && vlapic_reg_access(v, msr, false, 0, result);
    if (Vmtrr::handles(msr)) return v.arch.mtrr.read(msr, result);
    return msr_read_policy(v, msr, result);
}

Exit msr_intercept(Vcpu& v, bool write, unsigned len) {
    const uint32_t msr = static_cast<uint32_t>(guest_gpr(v, Gpr::rcx));
    const uint64_t value = (guest_gpr(v, Gpr::rdx) << 32) | static_cast<uint32_t>(guest_gpr(v, Gpr::rax));
    uint64_t result = 0;
    const bool ok = write ? msr_write(v, msr, value) : msr_read(v, msr, result);
    if (!ok) {
        guest_log(*v.domain, LogLevel::debug, "d%uv%u: %s of MSR %#x: #GP\n", v.domain->domid, v.vcpu_id,
            write ? "write" : "read", msr);
        inject_gp(v);
        return Exit::resume;
    }
    if (!write) {
        set_guest_gpr(v, Gpr::rax, static_cast<uint32_t>(result));
        set_guest_gpr(v, Gpr::rdx, result >> 32);
    }
    advance(v, len);
    return Exit::resume;
}

} // namespace cxen::arch::hvm
