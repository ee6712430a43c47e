// The SVM backend of the HVM layer (hvm_ops.hpp): the VMCB of each vCPU
// (set-up, the guest state it holds, read and written for hvm/), event
// injection through EVENTINJ and interrupt windows through V_IRQ + the
// VINTR intercept (APM Vol. 2, 15.20-15.21), re-injection of events cut
// short by an exit (EXITINTINFO), lazy switching of DR0-3, ASIDs, and one
// VMRUN with its #VMEXIT (the exit table is exit.cpp).
//
// Locking: none of its own. The VMCB is touched only by the vCPU's own
// pCPU while the vCPU is not in guest mode (hvm_ops.hpp).
#include "arch/x86/hvm/svm/vcpu_internal.hpp"

#include "arch/apic.hpp"
#include "arch/layout.hpp"
#include "arch/x86.hpp"
#include "arch/x86/hvm/svm/svm.hpp"
#include "lib/base/string.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen::svm {

using arch::hvm::HvmEvent;
using arch::hvm::HvmFunctionTable;
using arch::hvm::Seg;
using arch::hvm::SegmentRegister;

namespace {
// VMCB V_INTR fields (offset 0x60, APM Vol. 2, appendix B): V_IRQ, V_INTR_PRIO, V_IGN_TPR.
constexpr uint64_t vintr_irq = 1ull << 8, vintr_prio = 0xfull << 16, vintr_ign_tpr = 1ull << 20;

Vmcb& vmcb(Vcpu& v) { return *v.arch.vmcb; }
const Vmcb& vmcb(const Vcpu& v) { return *v.arch.vmcb; }

// ---- interrupt windows and re-injection ----

/// Ask for a #VMEXIT(VINTR) as soon as the guest can take an interrupt
/// (RFLAGS.IF = 1, no interrupt shadow): a virtual interrupt of top
/// priority that ignores V_TPR, intercepted before it is taken (APM 15.21).
void open_interrupt_window(Vmcb& vm) {
    if ((vm.vintr() & vintr_irq) == 0) vm.set_vintr(vm.vintr() | vintr_irq | vintr_prio | vintr_ign_tpr);
    if (!(vm.intercept_misc1() & svm::intercept_vintr))
        vm.set_intercept_misc1(vm.intercept_misc1() | svm::intercept_vintr);
}

/// After #VMEXIT: an event whose delivery the exit interrupted is in
/// EXITINTINFO; queue it again unless re-executing the instruction raises
/// it anew (INT n; #BP and #OF, which SVM reports as exceptions with RIP
/// still at INT3/INTO) — Xen's hvm_event_needs_reinjection().
void requeue_interrupted_event(Vmcb& vm) {
    vm.eventinj = 0;
    const uint64_t info = vm.exitintinfo;
    if (!(info & svm::eventinj_valid)) return;
    const uint64_t type = (info >> 8) & 7;
    const uint8_t vector = static_cast<uint8_t>(info);
    if (type == svm::event_intr || type == svm::event_nmi ||
        (type == svm::event_exception && vector != 3 && vector != 4))
        vm.eventinj = info;
}

// ---- debug registers ----
//
// As Xen's svm_save_dr/svm_restore_dr: DR6 and DR7 are in the VMCB and
// switched by VMRUN/#VMEXIT; DR0-3 are not, so every DR access is
// intercepted until the vCPU first touches one: then its DR0-3 go into the
// pCPU and the intercepts come off for as long as it runs there. When it
// stops running, the values are read back and the intercepts go on again,
// so the next vCPU (of any domain) traps before it can read them, and
// loads its own. A vCPU whose DR7 has breakpoints enabled gets its DR0-3
// loaded before it runs. The host never enables breakpoints (#VMEXIT
// disables them, APM Vol. 2 15.7), so guest values left in DR0-3 are inert.

constexpr uint64_t dr7_active = 0xff; // L0-3, G0-3 (Xen's DR7_ACTIVE_MASK)
constexpr uint64_t dr6_init = 0xffff0ff0, dr7_init = 0x400;

void save_debug_registers(Vcpu& v) {
    if (!v.arch.dr_loaded) return;
    uint64_t* d = v.arch.dr;
    __asm__ volatile("mov %%dr0, %0\n\tmov %%dr1, %1\n\tmov %%dr2, %2\n\tmov %%dr3, %3"
                     : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3]));
    v.arch.vmcb->set_intercept_dr(svm::intercept_dr_all);
    v.arch.dr_loaded = false;
}

// ---- the guest state the VMCB holds ----

SegmentRegister from_vmcb(const Segment& s) { return {s.sel, s.attrib, s.limit, s.base}; }
Segment to_vmcb(const SegmentRegister& s) { return {s.sel, s.attr, s.limit, s.base}; }

uint64_t get_cr(const Vcpu& v, unsigned cr) {
    const Vmcb& vm = vmcb(v);
    switch (cr) {
    case 0: return vm.cr0();
    case 2: return vm.cr2();
    case 3: return vm.cr3();
    case 4: return vm.cr4();
    default: return 0;
    }
}

void set_cr(Vcpu& v, unsigned cr, uint64_t value) {
    Vmcb& vm = vmcb(v);
    switch (cr) {
    case 0: vm.set_cr0(value); break;
    case 2: vm.set_cr2(value); break;
    case 3: vm.set_cr3(value); break;
    case 4: vm.set_cr4(value); break;
    default: break;
    }
}

/// EFER.SVME must stay set in the VMCB (VMRUN refuses the state without
/// it, APM 15.5.1); the guest never sees it.
uint64_t get_efer(const Vcpu& v) { return vmcb(v).efer() & ~x86::EFER_SVME; }
void set_efer(Vcpu& v, uint64_t value) { vmcb(v).set_efer(value | x86::EFER_SVME); }

SegmentRegister get_segment(const Vcpu& v, Seg seg) {
    const Vmcb& vm = vmcb(v);
    switch (seg) {
    case Seg::es: return from_vmcb(vm.es());
    case Seg::cs: return from_vmcb(vm.cs());
    case Seg::ss: return from_vmcb(vm.ss());
    case Seg::ds: return from_vmcb(vm.ds());
    case Seg::fs: return from_vmcb(vm.fs);
    case Seg::gs: return from_vmcb(vm.gs);
    case Seg::tr: return from_vmcb(vm.tr);
    case Seg::ldtr: return from_vmcb(vm.ldtr);
    case Seg::gdtr: return from_vmcb(vm.gdtr());
    case Seg::idtr: return from_vmcb(vm.idtr());
    }
    return {};
}

void set_segment(Vcpu& v, Seg seg, const SegmentRegister& reg) {
    Vmcb& vm = vmcb(v);
    const Segment s = to_vmcb(reg);
    switch (seg) {
    case Seg::es: vm.set_es(s); break;
    case Seg::cs: vm.set_cs(s); break;
    case Seg::ss: vm.set_ss(s); break;
    case Seg::ds: vm.set_ds(s); break;
    case Seg::fs: vm.fs = s; break;
    case Seg::gs: vm.gs = s; break;
    case Seg::tr: vm.tr = s; break;
    case Seg::ldtr: vm.ldtr = s; break;
    case Seg::gdtr: vm.set_gdtr(s); break;
    case Seg::idtr: vm.set_idtr(s); break;
    }
}

unsigned get_cpl(const Vcpu& v) { return vmcb(v).cpl(); }
void set_cpl(Vcpu& v, unsigned cpl) { vmcb(v).set_cpl(static_cast<uint8_t>(cpl)); }

/// RAX and RSP live in the VMCB, the others in GuestRegs (entry.S).
uint64_t* gpr_slot(Vcpu& v, unsigned n) {
    Vmcb& vm = vmcb(v);
    auto& g = v.arch.regs;
    uint64_t* const regs[16] = {&vm.rax, &g.rcx, &g.rdx, &g.rbx, &vm.rsp, &g.rbp, &g.rsi, &g.rdi,
                                &g.r8,   &g.r9,  &g.r10, &g.r11, &g.r12, &g.r13, &g.r14, &g.r15};
    return regs[n & 15];
}
uint64_t get_gpr(const Vcpu& v, unsigned n) { return *gpr_slot(const_cast<Vcpu&>(v), n); }
void set_gpr(Vcpu& v, unsigned n, uint64_t value) { *gpr_slot(v, n) = value; }

uint64_t get_rip(const Vcpu& v) { return vmcb(v).rip; }
void set_rip(Vcpu& v, uint64_t value) { vmcb(v).rip = value; }
uint64_t get_rflags(const Vcpu& v) { return vmcb(v).rflags; }
void set_rflags(Vcpu& v, uint64_t value) { vmcb(v).rflags = value; }
bool interrupt_shadow(const Vcpu& v) { return vmcb(v).interrupt_shadow & 1; }
void advance_rip(Vcpu& v, unsigned len) { advance(vmcb(v), len); }
uint64_t get_guest_pat(const Vcpu& v) { return vmcb(v).g_pat(); }
void set_guest_pat(Vcpu& v, uint64_t value) { vmcb(v).set_g_pat(value); }
uint64_t get_tsc_offset(const Vcpu& v) { return v.arch.vmcb ? v.arch.vmcb->tsc_offset() : 0; }
void set_tsc_offset(Vcpu& v, uint64_t offset) {
    if (v.arch.vmcb) v.arch.vmcb->set_tsc_offset(offset);
}

// ---- events ----

bool event_pending(const Vcpu& v) { return vmcb(v).eventinj & svm::eventinj_valid; }

void inject_event(Vcpu& v, const HvmEvent& e) {
    Vmcb& vm = vmcb(v);
    switch (e.type) {
    case HvmEvent::ext_intr: vm.eventinj = make_event(e.vector, event_intr); break;
    case HvmEvent::nmi: vm.eventinj = make_event(e.vector, event_nmi); break;
    case HvmEvent::hw_exception:
        vm.eventinj = e.has_error_code ? make_event(e.vector, event_exception, e.error_code)
                                       : make_event(e.vector, event_exception);
        break;
    }
}

void set_interrupt_window(Vcpu& v, bool open) {
    if (open) open_interrupt_window(vmcb(v));
    else close_interrupt_window(vmcb(v));
}

// ---- lifetime ----

Status vcpu_initialise(Vcpu& v) {
    void* page = TRY(alloc_xenheap_pages(0));
    memset(page, 0, page_size);
    auto* vm = static_cast<Vmcb*>(page);
    v.arch.vmcb = vm;
    v.arch.vmcb_pa = arch::virt_to_maddr(page);

    vm->set_intercept_misc1(svm::intercept_intr | svm::intercept_nmi | svm::intercept_smi |
                            svm::intercept_cpuid | svm::intercept_hlt | svm::intercept_ioio |
                            svm::intercept_msr | svm::intercept_shutdown | svm::intercept_invd |
                            svm::intercept_task_switch | svm::intercept_invlpga | svm::intercept_rsm);
    vm->set_intercept_misc2(svm::intercept_vmrun | svm::intercept_vmmcall | svm::intercept_vmload |
                            svm::intercept_vmsave | svm::intercept_stgi | svm::intercept_clgi |
                            svm::intercept_skinit | svm::intercept_monitor | svm::intercept_mwait |
                            svm::intercept_mwait_cond | svm::intercept_xsetbv | svm::intercept_rdpru |
                            svm::intercept_icebp | svm::intercept_wbinvd);
    // CR0 and CR4 writes are checked (hvm/cr.cpp), as Xen intercepts them.
    // So is CR3, which Xen leaves to the CPU under NPT: QEMU's TCG takes a
    // CR3 with bits above MAXPHYADDR without the #GP and then VMRUN
    // refuses the state (docs/domains.md).
    vm->set_intercept_cr(svm::intercept_cr_write(0) | svm::intercept_cr_write(3) | svm::intercept_cr_write(4));
    vm->set_intercept_dr(svm::intercept_dr_all);
    vm->set_intercept_exceptions((1u << 1) | (1u << 17));
    vm->set_iopm_base_pa(svm::iopm_pa());
    vm->set_msrpm_base_pa(svm::msrpm_pa());
    vm->set_vintr(1ull << 24); // V_INTR_MASKING: guest IF masks only virtual interrupts
    vm->set_np_enable(1);
    vm->set_ncr3(v.domain->p2m.root());
    vm->set_g_pat(x86::MSR_IA32_CR_PAT_RESET);
    vm->set_efer(x86::EFER_SVME);
    vm->set_dr6(dr6_init);
    vm->set_dr7(dr7_init);
    vm->mark_all_dirty();
    return ok_status();
}

void vcpu_destroy(Vcpu& v) {
    if (v.arch.vmcb) free_xenheap_pages(v.arch.vmcb, 0);
    v.arch.vmcb = nullptr;
}

void vcpu_reset_state(Vcpu& v) {
    Vmcb& vm = vmcb(v);
    vm.set_dr6(dr6_init);
    vm.set_dr7(dr7_init);
    for (uint64_t& dr : v.arch.dr) dr = 0;
    if (v.arch.dr_loaded) load_debug_registers(v); // this pCPU holds them: clear them there too
    vm.star = vm.lstar = vm.cstar = vm.sfmask = vm.kernel_gs_base = 0;
    vm.sysenter_cs = vm.sysenter_esp = vm.sysenter_eip = 0;
    vm.interrupt_shadow = 0;
    vm.eventinj = 0;
    close_interrupt_window(vm);
    v.arch.last_cpu = -1; // new paging state: fresh ASID and TLB flush at entry
}

// ---- running ----

void ctxt_switch_to(Vcpu& v, unsigned cpu) {
    Vmcb& vm = *v.arch.vmcb;
    if (v.arch.last_cpu != static_cast<int>(cpu) || v.arch.asid_generation != svm::asid_generation()) {
        bool flush;
        vm.set_asid(svm::asid_alloc(v.arch.asid_generation, flush));
        vm.tlb_control = flush ? 1 : 0;
        v.arch.last_cpu = static_cast<int>(cpu);
        vm.mark_all_dirty();
    }
    svm::enter_guest_context((uint32_t{v.domain->domid} << 16) | (v.vcpu_id & 0xffff));
    if (vm.dr7() & dr7_active) load_debug_registers(v); // breakpoints armed: they need their addresses
}

void ctxt_switch_from(Vcpu& v) { save_debug_registers(v); }

void flush_guest_tlb(Vcpu& v) {
    Vmcb& vm = *v.arch.vmcb;
    bool flush;
    vm.set_asid(svm::asid_alloc(v.arch.asid_generation, flush));
    vm.tlb_control = flush ? 1 : 0;
}

Exit enter_guest(Vcpu& v) {
    Vmcb& vm = *v.arch.vmcb;
    // An entry with V_IRQ set (an interrupt window requested) can lose a
    // request another QEMU thread made meanwhile: look at the APIC again
    // once back (lapic_resample()).
    const bool window_requested = vm.vintr() & vintr_irq;
    svm_vmrun(v.arch.vmcb_pa, &v.arch.regs, svm::host_vmcb_pa());
    if (window_requested) arch::lapic_resample();
    vm.tlb_control = 0;
    requeue_interrupted_event(vm);
    return handle_exit(v, vm);
}

void init_hypercall_page(uint8_t* page) {
    memset(page, 0xcc, page_size); // int3 between stubs
    for (unsigned nr = 0; nr < page_size / 32; ++nr) {
        uint8_t* stub = page + nr * 32;
        stub[0] = 0xb8; // mov $nr, %eax
        memcpy(stub + 1, &nr, 4);
        stub[5] = 0x0f; // vmmcall
        stub[6] = 0x01;
        stub[7] = 0xd9;
        stub[8] = 0xc3; // ret
    }
}

constexpr HvmFunctionTable svm_function_table = {
    .name = "SVM",
    .cpu_up = svm_cpu_init,
    .vcpu_initialise = vcpu_initialise,
    .vcpu_destroy = vcpu_destroy,
    .vcpu_reset_state = vcpu_reset_state,
    .get_cr = get_cr,
    .set_cr = set_cr,
    .get_efer = get_efer,
    .set_efer = set_efer,
    .get_segment = get_segment,
    .set_segment = set_segment,
    .get_cpl = get_cpl,
    .set_cpl = set_cpl,
    .get_gpr = get_gpr,
    .set_gpr = set_gpr,
    .get_rip = get_rip,
    .set_rip = set_rip,
    .get_rflags = get_rflags,
    .set_rflags = set_rflags,
    .interrupt_shadow = interrupt_shadow,
    .advance_rip = advance_rip,
    .get_guest_pat = get_guest_pat,
    .set_guest_pat = set_guest_pat,
    .save_cpu_ctxt = save_cpu_ctxt,
    .load_cpu_ctxt = load_cpu_ctxt,
    .get_tsc_offset = get_tsc_offset,
    .set_tsc_offset = set_tsc_offset,
    .event_pending = event_pending,
    .inject_event = inject_event,
    .set_interrupt_window = set_interrupt_window,
    .ctxt_switch_to = ctxt_switch_to,
    .ctxt_switch_from = ctxt_switch_from,
    .flush_guest_tlb = flush_guest_tlb,
    .enter_guest = enter_guest,
    .init_hypercall_page = init_hypercall_page,
};
} // namespace

void close_interrupt_window(Vmcb& vm) {
    if (vm.vintr() & vintr_irq) vm.set_vintr(vm.vintr() & ~(vintr_irq | vintr_prio | vintr_ign_tpr));
    if (vm.intercept_misc1() & svm::intercept_vintr)
        vm.set_intercept_misc1(vm.intercept_misc1() & ~svm::intercept_vintr);
}

void load_debug_registers(Vcpu& v) {
    const uint64_t* d = v.arch.dr;
    __asm__ volatile("mov %0, %%dr0\n\tmov %1, %%dr1\n\tmov %2, %%dr2\n\tmov %3, %%dr3" ::"r"(d[0]), "r"(d[1]),
                     "r"(d[2]), "r"(d[3]));
    v.arch.vmcb->set_intercept_dr(0);
    v.arch.dr_loaded = true;
}

Result<const HvmFunctionTable*> start_svm() {
    TRY(svm_detect());
    return &svm_function_table;
}

} // namespace cxen::svm
