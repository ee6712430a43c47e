// The RDMSR/WRMSR exit: the x2APIC registers (vlapic.hpp), the virtual
// MTRRs (vmtrr.hpp), Xen's hypercall-page MSR, and the few host MSRs a PVH
// guest may read or write; anything else is #GP, as Xen's default.
#include "arch/x86/hvm/svm/vcpu_internal.hpp"

#include "arch/time.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/time/timer.hpp"

namespace cxen::arch::hvm {

constexpr uint32_t msr_amd64_nb_cfg = 0xc001001f;
// AMD system configuration (APM Vol. 2 §7.7.6): as Xen for a domU, SYSCFG
// reads MtrrFixDramEn only (so Linux's MTRR code leaves TOM2 alone), the
// top-of-memory registers read 0, and writes to all three are ignored.
constexpr uint32_t msr_k8_syscfg = 0xc0010010, msr_k8_top_mem1 = 0xc001001a, msr_k8_top_mem2 = 0xc001001d;
constexpr uint64_t syscfg_mtrr_fix_dram_en = 1ull << 18;

namespace {
/// MAXPHYADDR the guest sees (CPUID 0x80000008, passed through).
unsigned guest_phys_bits() {
    static const unsigned bits = x86::cpuid(0x80000008).eax & 0xff;
    return bits;
}

} // namespace

Exit on_msr(Vcpu& v, Vmcb& vm) {
    const uint32_t msr = static_cast<uint32_t>(v.arch.regs.rcx);
    const bool write = vm.exitinfo1 & 1;
    const uint64_t value = (v.arch.regs.rdx << 32) | static_cast<uint32_t>(vm.rax);
    uint64_t result = 0;
    bool ok = true;
    const uint64_t apic_base =
        0xfee00000ull | x86::APIC_BASE_EN | x86::APIC_BASE_EXTD | (v.vcpu_id == 0 ? x86::APIC_BASE_BSP : 0);
    if (msr >= x2apic_msr_first && msr <= x2apic_msr_last) {
        VlapicEffect fx;
        VlapicAccess acc;
        uint64_t deadline = 0;
        {
            IrqSpinGuard g(v.arch.lock);
            acc = write ? v.arch.vlapic.write(msr, value, now_ns(), fx) : v.arch.vlapic.read(msr, now_ns(), result);
            deadline = v.arch.vlapic.timer_deadline_ns();
        }
        ok = acc == VlapicAccess::ok;
        if (ok && fx.kind == VlapicEffect::send_ipi) deliver_ipi(v, fx);
        if (ok && fx.kind == VlapicEffect::timer_changed) {
            if (deadline) (void)set_timer(v.arch.lapic_timer, deadline);
            else stop_timer(v.arch.lapic_timer);
        }
    } else if (Vmtrr::handles(msr)) {
        ok = write ? v.arch.mtrr.write(msr, value, guest_phys_bits()) : v.arch.mtrr.read(msr, result);
    } else if (write) {
        switch (msr) {
        case x86::MSR_EFER: vm.set_efer(value | EFER_SVME); break;
        case hypercall_msr: write_hypercall_page(v, value & ~0xfffull); break;
        case 0x277: vm.set_g_pat(value); break;       // PAT
        case x86::MSR_APIC_BASE: ok = value == apic_base; break; // x2APIC only: no mode changes
        case msr_tsc_aux: // RDTSCP/RDPID read it natively: keep the guest's value loaded
            v.arch.tsc_aux = static_cast<uint32_t>(value);
            x86::wrmsr(msr_tsc_aux, v.arch.tsc_aux);
            break;
        case 0x8b: break;                              // microcode rev: ignored
        case msr_amd64_nb_cfg: break;                  // as Xen: writes ignored
        case msr_k8_syscfg: case msr_k8_top_mem1: case msr_k8_top_mem2: break;
        default: ok = false;
        }
    } else {
        switch (msr) {
        case x86::MSR_EFER: result = vm.efer() & ~EFER_SVME; break;
        case 0x277: result = vm.g_pat(); break;
        case x86::MSR_APIC_BASE: result = apic_base; break; // x2APIC from reset (pvh-guest-abi.md §12)
        case msr_tsc_aux: result = v.arch.tsc_aux; break;
        case msr_amd64_nb_cfg: result = 0; break; // Linux's AMD set-up reads and writes it
        case msr_k8_syscfg: result = syscfg_mtrr_fix_dram_en; break;
        case msr_k8_top_mem1: case msr_k8_top_mem2: result = 0; break;
        case 0x8b: case 0x17: result = 0; break; // microcode rev, platform id
        case 0x10: result = x86::rdtsc() + vm.tsc_offset(); break;
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
