// The #VMEXIT table of the SVM backend: each handler decodes what SVM
// reports (EXITINFO1/2, the exit code) and calls the vendor-neutral HVM
// layer (hvm/hvm.hpp), or completes what is SVM's alone (the SVM
// instructions, DR intercepts, the VINTR window). QEMU's SVM has no NRIP
// save and no decode assists, so instruction lengths come from the exit
// code (each intercepted instruction has one encoding; a guest that pads
// it with prefixes only confuses itself) or from EXITINFO2 for I/O.
#include "arch/x86/hvm/svm/vcpu_internal.hpp"

#include "common/console/guest_log.hpp"

#include "arch/x86/hvm/hvm.hpp"
#include "lib/base/format.hpp"

namespace cxen::svm {

namespace {
namespace hvm = arch::hvm;

Exit on_cpuid(Vcpu& v, Vmcb&) { return hvm::cpuid_intercept(v, 2); }

Exit on_msr(Vcpu& v, Vmcb& vm) { return hvm::msr_intercept(v, vm.exitinfo1 & 1, 2); }

Exit on_xsetbv(Vcpu& v, Vmcb&) { return hvm::xsetbv(v, 3); }

Exit on_ioio(Vcpu& v, Vmcb& vm) {
    const uint64_t info = vm.exitinfo1;
    const bool in = info & 1, string = info & 4;
    const uint16_t port = static_cast<uint16_t>(info >> 16);
    const unsigned size = (info & (1u << 4)) ? 1 : (info & (1u << 5)) ? 2 : 4;
    if (!string) hvm::portio(v, port, size, in);
    // String I/O to unclaimed ports is dropped (TODO(#4): OUTSB to 0xE9).
    vm.rip = vm.exitinfo2; // next RIP, provided for IOIO exits
    return Exit::resume;
}

Exit on_hlt(Vcpu& v, Vmcb&) { return hvm::hlt(v, 1); }

Exit on_vintr(Vcpu&, Vmcb& vm) { // the window opened: inject_pending() runs before the next VMRUN
    close_interrupt_window(vm);
    return Exit::resume;
}

Exit on_vmmcall(Vcpu& v, Vmcb&) { return hvm::hypercall(v, 3); }

Exit on_npf(Vcpu& v, Vmcb& vm) {
    // EXITINFO1 (APM Vol. 2, 15.25.6) is a #PF-style error code: bit 0 the
    // page was present, bit 1 a write, bit 4 a fetch; then where the fault
    // happened: bit 33 a guest page-table access during the walk.
    const uint64_t info = vm.exitinfo1;
    const hvm::NpfAccess access{(info & 1) != 0, (info & (1ull << 1)) != 0, (info & (1ull << 4)) != 0,
                                (info & (1ull << 33)) != 0, info};
    return hvm::nested_page_fault(v, vm.exitinfo2, access);
}

Exit on_shutdown(Vcpu& v, Vmcb& vm) {
    // The state that could not take its fault, for whoever debugs the guest
    // (rate-limited as every guest-caused message): which event was being
    // delivered (EXITINTINFO), the stack, and the tables it needed.
    guest_log(*v.domain, LogLevel::error,
              "d%uv%u: triple fault: cs %#x rip %#lx rsp %#lx rflags %#lx cpl %u cr0 %#lx cr2 %#lx cr3 %#lx "
              "cr4 %#lx efer %#lx idt %#lx/%#x tr %#x/%#lx gs %#lx kgs %#lx event %#lx shadow %lu\n",
              v.domain->domid, v.vcpu_id, vm.cs().sel, vm.rip, vm.rsp, vm.rflags, vm.cpl(), vm.cr0(), vm.cr2(),
              vm.cr3(), vm.cr4(), vm.efer(), vm.idtr().base, vm.idtr().limit, vm.tr.sel, vm.tr.base, vm.gs.base,
              vm.kernel_gs_base, vm.exitintinfo, vm.interrupt_shadow);
    char why[64];
    snprintf(why, sizeof(why), "triple fault at rip %#lx", vm.rip);
    domain_crash(*v.domain, why);
    return Exit::reschedule;
}

/// The first DR access since the vCPU was scheduled: load its DR0-3 and
/// run the MOV again, now without the intercept.
Exit on_dr_access(Vcpu& v, Vmcb&) {
    load_debug_registers(v);
    return Exit::resume;
}

/// ICEBP (F1): Xen intercepts it and delivers #DB with trap semantics
/// (RIP after the instruction), which EVENTINJ cannot express on its own.
Exit on_icebp(Vcpu&, Vmcb& vm) {
    advance(vm, 1);
    inject_exception(vm, 1);
    return Exit::resume;
}

/// WBINVD and INVD (0F 09, 0F 08): as Xen's svm_vmexit_do_invalidate_cache
/// for a domain without passthrough devices, nothing is flushed: a guest
/// must not be able to stall the host's caches. The instruction completes.
Exit on_cache_flush(Vcpu&, Vmcb& vm) {
    advance(vm, 2);
    return Exit::resume;
}

Exit on_ud(Vcpu&, Vmcb& vm) {
    inject_exception(vm, 6);
    return Exit::resume;
}

Exit on_reinject(Vcpu&, Vmcb& vm) { // #DB, #AC: intercepted so they cannot loop the host
    const uint8_t vector = static_cast<uint8_t>(vm.exitcode - exit_excp_base);
    vm.eventinj = vector == 17 ? make_event(vector, event_exception, 0) : make_event(vector, event_exception);
    return Exit::resume;
}

Exit on_nothing(Vcpu&, Vmcb&) { return Exit::resume; } // the host took the interrupt already

/// MOV to CR0/CR3/CR4, CLTS, LMSW: the CR number is in the exit code.
Exit on_cr_write(Vcpu& v, Vmcb& vm) {
    return hvm::cr_write(v, static_cast<unsigned>(vm.exitcode - exit_cr0_write));
}

struct ExitEntry {
    uint64_t code;
    Exit (*handler)(Vcpu&, Vmcb&);
};
constexpr ExitEntry exit_table[] = {
    {exit_intr, on_nothing},       {exit_nmi, on_nothing},
    {exit_cpuid, on_cpuid},        {exit_msr, on_msr},
    {exit_ioio, on_ioio},          {exit_hlt, on_hlt},
    {exit_vmmcall, on_vmmcall},    {exit_npf, on_npf},
    {exit_shutdown, on_shutdown},  {exit_excp_base + 1, on_reinject},
    {exit_excp_base + 17, on_reinject}, {exit_vmrun, on_ud},
    {exit_vmload, on_ud},          {exit_vmsave, on_ud},
    {exit_stgi, on_ud},            {exit_clgi, on_ud},
    {exit_skinit, on_ud},          {exit_invlpga, on_ud},
    {exit_monitor, on_ud},         {exit_mwait, on_ud},
    {exit_mwait_cond, on_ud},      {exit_xsetbv, on_xsetbv},
    {exit_vintr, on_vintr},
    {exit_rdpru, on_ud},           {exit_invd, on_cache_flush},
    {exit_wbinvd, on_cache_flush}, {exit_icebp, on_icebp},
    {exit_cr0_write, on_cr_write}, {exit_cr3_write, on_cr_write},
    {exit_cr4_write, on_cr_write},
};
} // namespace

Exit handle_exit(Vcpu& v, Vmcb& vm) {
    for (const ExitEntry& e : exit_table)
        if (e.code == vm.exitcode) return e.handler(v, vm);
    if (vm.exitcode >= exit_dr0_read && vm.exitcode <= exit_dr7_write) return on_dr_access(v, vm);
    char why[80];
    if (vm.exitcode == exit_invalid) snprintf(why, sizeof(why), "invalid guest state (VMRUN refused the VMCB)");
    else snprintf(why, sizeof(why), "unhandled #VMEXIT %#lx at rip %#lx", vm.exitcode, vm.rip);
    domain_crash(*v.domain, why);
    return Exit::reschedule;
}

} // namespace cxen::svm
