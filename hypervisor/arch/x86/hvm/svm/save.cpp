// The VMCB's part of the HVM CPU save record (hvm_funcs.save_cpu_ctxt /
// load_cpu_ctxt), as Xen 4.17's svm_save_cpu_ctxt / svm_load_cpu_ctxt
// (xen/arch/x86/hvm/svm/svm.c, svm_vmcb_save / svm_vmcb_restore): the
// fields no vendor-neutral accessor covers. Called with the vCPU's domain
// paused and the vCPU off its pCPU (hvm/save.cpp), the record already
// checked (save_format.hpp).
#include "abi/xen/hvm_save.hpp"
#include "arch/x86/hvm/svm/vcpu_internal.hpp"

namespace cxen::svm {

void save_cpu_ctxt(const Vcpu& v, ::hvm_hw_cpu& c) {
    const Vmcb& vm = *v.arch.vmcb;
    c.dr6 = vm.dr6();
    c.dr7 = vm.dr7();
    c.sysenter_cs = vm.sysenter_cs;
    c.sysenter_esp = vm.sysenter_esp;
    c.sysenter_eip = vm.sysenter_eip;
    c.shadow_gs = vm.kernel_gs_base;
    c.msr_star = vm.star;
    c.msr_lstar = vm.lstar;
    c.msr_cstar = vm.cstar;
    c.msr_syscall_mask = vm.sfmask;
    // EVENTINJ's low half has the record's pending_event layout (vector,
    // type, error-code valid, valid in bit 31); the error code is the high half.
    c.pending_event = 0;
    c.error_code = 0;
    if (vm.eventinj & eventinj_valid) {
        c.pending_event = static_cast<uint32_t>(vm.eventinj);
        c.error_code = static_cast<uint32_t>(vm.eventinj >> 32);
    }
}

void load_cpu_ctxt(Vcpu& v, const ::hvm_hw_cpu& c) {
    Vmcb& vm = *v.arch.vmcb;
    vm.set_dr6(c.dr6);
    vm.set_dr7(c.dr7);
    vm.sysenter_cs = c.sysenter_cs;
    vm.sysenter_esp = c.sysenter_esp;
    vm.sysenter_eip = c.sysenter_eip;
    vm.kernel_gs_base = c.shadow_gs;
    vm.star = c.msr_star;
    vm.lstar = c.msr_lstar;
    vm.cstar = c.msr_cstar;
    vm.sfmask = c.msr_syscall_mask;
    vm.interrupt_shadow = 0;
    vm.eventinj = 0;
    close_interrupt_window(vm);
    // Only what re-running the instruction would not raise again comes back
    // (Xen's hvm_event_needs_reinjection()): INT n, #BP and #OF are dropped.
    if (c.pending_valid &&
        (c.pending_type == event_intr || c.pending_type == event_nmi ||
         (c.pending_type == event_exception && c.pending_vector != 3 && c.pending_vector != 4)))
        vm.eventinj = c.pending_event | (uint64_t{c.error_code} << 32);
}

} // namespace cxen::svm
