// Running a vCPU with SVM: VMCB set-up for PVH entry, the VMRUN loop and
// the #VMEXIT dispatch table. QEMU's SVM has no NRIP save and no decode
// assists, so instruction lengths come from the exit code (each intercepted
// instruction has one encoding; a guest that pads it with prefixes only
// confuses itself) or from EXITINFO2 for I/O.
//
// Also the interrupt side of the vCPU: event injection before each VMRUN
// (EVENTINJ, or an interrupt window through V_IRQ + the VINTR intercept,
// APM Vol. 2, 15.20-15.21), re-injection of events cut short by an exit
// (EXITINTINFO), IPIs from the vLAPIC, INIT/SIPI and VCPUOP vCPU bring-up.
// The CPUID, MSR and XSETBV exits and the FPU state switch live in
// cpuid.cpp, msr.cpp and fpu.cpp (vcpu_internal.hpp).
//
// Locking: ArchVcpu::lock (interrupts off) protects the vLAPIC and the
// start request of that vCPU; never hold two vCPUs' locks at once (an IPI
// is decided under the sender's lock, delivered after dropping it). The
// power flags (down, initialised, nmi_pending) are atomics written before
// the target is kicked; the VMCB is touched only by the vCPU's own pCPU.
#include "arch/vcpu.hpp"
#include "arch/x86/hvm/svm/vcpu_internal.hpp"

#include "abi/xen/hvm_vcpu.hpp"
#include "abi/xen/xen.hpp"
#include "arch/cpu.hpp"
#include "arch/guest_access.hpp"
#include "arch/layout.hpp"
#include "arch/percpu.hpp"
#include "arch/smp.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "common/domain.hpp"
#include "common/event/evtchn.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/lib/format.hpp"
#include "common/lib/string.hpp"
#include "common/mm/xenheap.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"

namespace cxen::arch {

using svm::Vmcb;
using namespace hvm;

namespace {
constexpr uint64_t RFLAGS_IF = 1ull << 9;
/// RFLAGS bits that exist (CF PF AF ZF SF TF IF DF OF IOPL NT RF VM AC VIF
/// VIP ID): a VCPUOP_initialise context's other bits are dropped rather
/// than handed to VMRUN (Xen passes them through).
constexpr uint64_t rflags_defined = 0x3f7fd5;
constexpr uint64_t power_on_pat = 0x0007040600070406ull;
// VMCB V_INTR fields (offset 0x60, APM Vol. 2, appendix B): V_IRQ, V_INTR_PRIO, V_IGN_TPR.
constexpr uint64_t vintr_irq = 1ull << 8, vintr_prio = 0xfull << 16, vintr_ign_tpr = 1ull << 20;
constexpr uint8_t nmi_vector = 2;
constexpr uint16_t debugcon_port = 0xe9;        // XEN_HVM_DEBUGCONS_IOPORT

svm::Segment flat(uint16_t sel, uint16_t attrib) { return {sel, attrib, 0xffffffff, 0}; }

bool guest_64bit(const Vmcb& vm) { return (vm.efer() & EFER_LMA) && (vm.cs().attrib & (1u << 9)); }


// ---- interrupt sources and injection ----

/// The domain-wide event-channel callback vector (HVM_PARAM_CALLBACK_IRQ of
/// type HVM_PARAM_CALLBACK_TYPE_VECTOR, public/hvm/params.h), or 0.
uint8_t callback_vector(const Domain& d) {
    const uint64_t via = __atomic_load_n(&d.hvm_params[HVM_PARAM_CALLBACK_IRQ], __ATOMIC_RELAXED);
    return (via >> 56) == HVM_PARAM_CALLBACK_TYPE_VECTOR ? static_cast<uint8_t>(via) : 0;
}

/// The callback vector is level-like: injected, bypassing the LAPIC, while
/// evtchn_upcall_pending is set (Xen's hvm_vcpu_has_pending_irq). A vCPU
/// with its own upcall vector gets it through the vLAPIC IRR instead.
/// Returns the vector to inject, or 0. Read once: another vCPU of the
/// domain may change HVM_PARAM_CALLBACK_IRQ meanwhile, and a second read
/// could inject a vector the guest never configured (0, say).
uint8_t callback_pending(const Vcpu& v) {
    if (v.upcall_vector != 0) return 0;
    const uint8_t vector = callback_vector(*v.domain);
    return vector != 0 && evtchn_vcpu_has_pending(v) ? vector : 0;
}

/// Would an interrupt wake v from HLT (Xen's local_events_need_delivery)?
bool has_pending_interrupt(Vcpu& v) {
    if (v.arch.nmi_pending.load() || callback_pending(v) != 0) return true;
    IrqSpinGuard g(v.arch.lock);
    return apic_hw_enabled(v) && v.arch.vlapic.has_pending();
}

/// Ask for a #VMEXIT(VINTR) as soon as the guest can take an interrupt
/// (RFLAGS.IF = 1, no interrupt shadow): a virtual interrupt of top
/// priority that ignores V_TPR, intercepted before it is taken (APM 15.21).
void open_interrupt_window(Vmcb& vm) {
    if ((vm.vintr() & vintr_irq) == 0) vm.set_vintr(vm.vintr() | vintr_irq | vintr_prio | vintr_ign_tpr);
    if (!(vm.intercept_misc1() & svm::intercept_vintr))
        vm.set_intercept_misc1(vm.intercept_misc1() | svm::intercept_vintr);
}

void close_interrupt_window(Vmcb& vm) {
    if (vm.vintr() & vintr_irq) vm.set_vintr(vm.vintr() & ~(vintr_irq | vintr_prio | vintr_ign_tpr));
    if (vm.intercept_misc1() & svm::intercept_vintr)
        vm.set_intercept_misc1(vm.intercept_misc1() & ~svm::intercept_vintr);
}

/// Before VMRUN, interrupts off: put the most urgent pending event in
/// EVENTINJ (NMI, then the callback vector, then the vLAPIC's highest
/// deliverable vector, as Xen's hvm_vcpu_has_pending_irq orders them), or
/// open an interrupt window if the guest cannot take it yet.
void inject_pending(Vcpu& v, Vmcb& vm) {
    const bool nmi = v.arch.nmi_pending.load();
    const uint8_t cb_vector = nmi ? 0 : callback_pending(v);
    const bool cb = cb_vector != 0;
    bool lapic = false;
    if (!nmi && !cb) {
        IrqSpinGuard g(v.arch.lock);
        lapic = apic_hw_enabled(v) && v.arch.vlapic.has_pending();
    }
    if (!nmi && !cb && !lapic) {
        close_interrupt_window(vm);
        return;
    }
    if (vm.eventinj & svm::eventinj_valid) { // an exception or a re-injection goes first
        open_interrupt_window(vm);
        return;
    }
    if (nmi) { // TODO(#3): no NMI-window tracking (IRET intercept); NMIs are rare here
        v.arch.nmi_pending.store(false);
        vm.eventinj = svm::make_event(nmi_vector, svm::event_nmi);
        return;
    }
    if (!(vm.rflags & RFLAGS_IF) || (vm.interrupt_shadow & 1)) {
        open_interrupt_window(vm);
        return;
    }
    close_interrupt_window(vm);
    if (cb) {
        vm.eventinj = svm::make_event(cb_vector, svm::event_intr);
        return;
    }
    IrqSpinGuard g(v.arch.lock);
    const int vector = v.arch.vlapic.pending_vector();
    if (vector < 0) return;
    v.arch.vlapic.acknowledge(static_cast<uint8_t>(vector));
    vm.eventinj = svm::make_event(static_cast<uint8_t>(vector), svm::event_intr);
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

void lapic_timer_fn(void* data) {
    Vcpu& v = *static_cast<Vcpu*>(data);
    uint64_t next;
    bool deliverable;
    {
        IrqSpinGuard g(v.arch.lock);
        next = v.arch.vlapic.timer_expired(now_ns());
        deliverable = v.arch.vlapic.has_pending(); // a masked timer wakes nobody
    }
    if (next) (void)set_timer(v.arch.lapic_timer, next); // runs on v's pCPU: its queue exists
    if (deliverable) {
        vcpu_wake(v);
        vcpu_kick(v);
    }
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

void load_debug_registers(Vcpu& v) {
    const uint64_t* d = v.arch.dr;
    __asm__ volatile("mov %0, %%dr0\n\tmov %1, %%dr1\n\tmov %2, %%dr2\n\tmov %3, %%dr3" ::"r"(d[0]), "r"(d[1]),
                     "r"(d[2]), "r"(d[3]));
    v.arch.vmcb->set_intercept_dr(0);
    v.arch.dr_loaded = true;
}

void save_debug_registers(Vcpu& v) {
    if (!v.arch.dr_loaded) return;
    uint64_t* d = v.arch.dr;
    __asm__ volatile("mov %%dr0, %0\n\tmov %%dr1, %1\n\tmov %%dr2, %2\n\tmov %%dr3, %3"
                     : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3]));
    v.arch.vmcb->set_intercept_dr(svm::intercept_dr_all);
    v.arch.dr_loaded = false;
}

// ---- vCPU power state: INIT/SIPI, VCPUOP_*, HLT with IF=0 ----

/// Xen's hvm_vcpu_down(): v is down; when no vCPU of the domain is left
/// up, the domain has powered off.
void vcpu_went_down(Vcpu& v) {
    v.arch.down.store(true);
    Domain& d = *v.domain;
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (d.vcpus[i] && !d.vcpus[i]->arch.down.load()) return;
    domain_shutdown(d, ShutdownReason::poweroff);
}

/// Make a vCPU that is no longer down runnable: the first time, give it to
/// its pCPU's scheduler; later, wake it.
void bring_online(Vcpu& t) {
    if (t.domain->is_dying.load()) return;
    if (!t.arch.on_runq.exchange(true)) {
        sched_add_vcpu(t);
        return;
    }
    vcpu_wake(t);
    vcpu_kick(t);
}

/// INIT (SDM 11.6.1; Xen's vlapic_init_sipi_action): the vCPU loses its
/// state and waits for a STARTUP; the vLAPIC returns to its INIT state
/// (x2APIC mode and ID kept). Nothing happens to a vCPU already reset.
void deliver_init(Vcpu& t) {
    {
        IrqSpinGuard g(t.arch.lock);
        if (!t.arch.initialised.load()) return;
        t.arch.down.store(true);
        t.arch.initialised.store(false);
        t.arch.start.kind = VcpuStart::none;
        t.arch.vlapic.reset(t.arch.vlapic.id());
        t.arch.nmi_pending.store(false);
    }
    stop_timer(t.arch.lapic_timer);
    vcpu_kick(t);
}

/// STARTUP: only a vCPU waiting for SIPI starts, in real mode at
/// vector << 12 (Xen's hvm_vcpu_reset_state); others ignore it, so the
/// second SIPI of INIT-SIPI-SIPI is harmless.
void deliver_startup(Vcpu& t, uint8_t vector) {
    {
        IrqSpinGuard g(t.arch.lock);
        if (t.arch.initialised.load()) return;
        t.arch.start.kind = VcpuStart::real_mode;
        t.arch.start.sipi_vector = vector;
        t.arch.initialised.store(true);
        t.arch.down.store(false);
    }
    bring_online(t);
}

/// Is t a destination of the ICR write `e` from `src` (SDM 11.6.2: x2APIC
/// physical IDs, logical cluster IDs, broadcast 0xFFFFFFFF, shorthands)?
bool ipi_targets(const VlapicEffect& e, const Vcpu& src, const Vcpu& t) {
    switch (e.shorthand) {
    case icr_self: return &t == &src;
    case icr_all: return true;
    case icr_all_but_self: return &t != &src;
    case icr_dest_field: break;
    }
    if (e.dest == 0xffffffff) return true;
    const uint32_t id = t.arch.vlapic.id();
    if (!e.logical) return id == e.dest;
    return (e.dest >> 16) == (id >> 4) && ((e.dest >> (id & 0xf)) & 1); // cluster, bit in cluster
}

/// Architectural state shared by INIT-SIPI and VCPUOP_initialise starts.
void reset_vmcb(Vcpu& v, Vmcb& vm) {
    v.arch.regs = {};
    vm.rax = vm.rsp = 0;
    vm.rflags = 2;
    vm.set_cr0(CR0_ET);
    vm.set_cr2(0);
    vm.set_cr3(0);
    vm.set_cr4(0);
    vm.set_efer(EFER_SVME);
    vm.fs = vm.gs = {0, 0x93, 0xffff, 0};
    vm.tr = {0, 0x8b, 0xffff, 0};
    vm.ldtr = {0, 0x82, 0xffff, 0};
    vm.set_gdtr({0, 0, 0xffff, 0});
    vm.set_idtr({0, 0, 0xffff, 0});
    vm.set_dr6(0xffff0ff0);
    vm.set_dr7(0x400);
    for (uint64_t& dr : v.arch.dr) dr = 0;
    if (v.arch.dr_loaded) load_debug_registers(v); // this pCPU holds them: clear them there too
    v.arch.debugctl = 0;
    v.arch.cpuid_faulting = false; // MISC_FEATURES_ENABLES resets to 0
    vm.set_cpl(0);
    vm.set_g_pat(power_on_pat);
    vm.star = vm.lstar = vm.cstar = vm.sfmask = vm.kernel_gs_base = 0;
    vm.sysenter_cs = vm.sysenter_esp = vm.sysenter_eip = 0;
    vm.interrupt_shadow = 0;
    vm.eventinj = 0;
    close_interrupt_window(vm);
    fpu_reset(v);
    v.arch.last_cpu = -1; // new paging state: fresh ASID and TLB flush at entry
}

void load_real_mode(Vcpu& v, Vmcb& vm, uint8_t vector) {
    reset_vmcb(v, vm);
    const svm::Segment data{0, 0x93, 0xffff, 0};
    vm.set_cs({static_cast<uint16_t>(vector << 8), 0x9b, 0xffff, uint64_t{vector} << 12});
    vm.set_ds(data);
    vm.set_es(data);
    vm.set_ss(data);
    vm.rip = 0;
}

/// The control registers and EFER of a VCPUOP_initialise context: Xen's
/// arch_set_info_hvm_guest() refuses CR4 bits outside
/// hvm_cr4_guest_valid_bits() and an EFER hvm_efer_valid() refuses
/// (LMA taken from LME, as Xen does); cxen also refuses what VMRUN would
/// (CR0 upper half or NW without CD, CR3 beyond MAXPHYADDR), which Xen
/// leaves to the VM entry to fail.
bool hvm_control_valid(Vcpu& t, uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer) {
    if (efer & EFER_LME) efer |= EFER_LMA;
    if ((cr0 >> 32) || (cr0 & (CR0_NW | CR0_CD)) == CR0_NW) return false;
    if (cr3 >> guest_maxphysaddr()) return false;
    if (cr4 & ~cr4_guest_valid_bits(t, *t.arch.vmcb)) return false;
    return efer_invalid(t, *t.arch.vmcb, efer) == nullptr;
}

enum SegKind { seg_cs, seg_ds, seg_ss, seg_es, seg_tr };

/// Xen's check_segment() for a 32-bit VCPUOP_initialise context, on the
/// attributes with the accessed (busy for TR) bit set as Xen sets it.
bool segment_valid(uint16_t ar, SegKind seg) {
    if (ar & 0xf000) return false;                               // attribute bits 12-15
    if (ar == 0) return seg == seg_ds || seg == seg_es;          // null CS, SS, TR refused
    if (ar & 0x80) ar |= seg == seg_tr ? 2 : 1;
    const unsigned type = ar & 0xf;
    const bool s = ar & 0x10;
    if (seg == seg_tr ? (s || type != 0xb) : !s) return false;   // TR a busy 32-bit TSS, others code/data
    if (!(ar & 0x80)) return false;                              // not present
    switch (seg) {
    case seg_cs: return type & 0x8;                              // code
    case seg_ss: return !(type & 0x8) && (type & 0x2);           // writable data
    case seg_ds: case seg_es: return !((type & 0x8) && !(type & 0x2)); // readable
    case seg_tr: return true;
    }
    return false;
}

/// Checks of Xen's arch_set_info_hvm_guest(), and what VMRUN needs.
bool hvm_context_valid(Vcpu& t, const vcpu_hvm_context& c) {
    if (c.pad != 0) return false;
    if (c.mode == VCPU_HVM_MODE_64B) {
        const auto& r = c.cpu_regs.x86_64;
        const bool canonical = (static_cast<int64_t>(r.rip << 16) >> 16) == static_cast<int64_t>(r.rip);
        return (r.cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG) && (r.cr4 & CR4_PAE) && (r.efer & EFER_LME) &&
               canonical && hvm_control_valid(t, r.cr0, r.cr3, r.cr4, r.efer);
    }
    if (c.mode != VCPU_HVM_MODE_32B) return false;
    const auto& r = c.cpu_regs.x86_32;
    if (r.pad1 || r.pad2[0] || r.pad2[1] || r.pad2[2]) return false;
    if (!segment_valid(r.cs_ar, seg_cs) || !segment_valid(r.ds_ar, seg_ds) || !segment_valid(r.ss_ar, seg_ss) ||
        !segment_valid(r.es_ar, seg_es) || !segment_valid(r.tr_ar, seg_tr))
        return false;
    const uint64_t cs_limit = (r.cs_ar & (1u << 11)) ? (uint64_t{r.cs_limit} << 12) | 0xfff : r.cs_limit;
    const auto dpl = [](uint16_t ar) { return (ar >> 5) & 3; };
    if (r.eip > cs_limit || dpl(r.ss_ar) != dpl(r.cs_ar)) return false;
    if (((r.ds_ar & 0x80) && dpl(r.ds_ar) > dpl(r.cs_ar)) || ((r.es_ar & 0x80) && dpl(r.es_ar) > dpl(r.cs_ar)))
        return false;
    if ((r.efer & EFER_LMA) && !(r.efer & EFER_LME)) return false;
    if (!hvm_control_valid(t, r.cr0, r.cr3, r.cr4, r.efer)) return false;
    // What VMRUN refuses and Xen leaves to it: paging without protection,
    // long mode without PAE, a CS with both L and D in long mode.
    if ((r.cr0 & CR0_PG) && !(r.cr0 & CR0_PE)) return false;
    if ((r.efer & EFER_LME) && (r.cr0 & CR0_PG) && !(r.cr4 & CR4_PAE)) return false;
    return !((r.efer & EFER_LME) && (r.cr0 & CR0_PG) && (r.cs_ar & (1u << 9)) && (r.cs_ar & (1u << 10)));
}

void load_hvm_context(Vcpu& v, Vmcb& vm, const vcpu_hvm_context& c) {
    reset_vmcb(v, vm);
    auto& g = v.arch.regs;
    if (c.mode == VCPU_HVM_MODE_64B) {
        const auto& r = c.cpu_regs.x86_64;
        vm.rax = r.rax;
        g.rcx = r.rcx, g.rdx = r.rdx, g.rbx = r.rbx, g.rbp = r.rbp, g.rsi = r.rsi, g.rdi = r.rdi;
        vm.rsp = r.rsp;
        vm.rip = r.rip;
        vm.rflags = (r.rflags & rflags_defined) | 2;
        vm.set_cr0(r.cr0 | CR0_ET);
        vm.set_cr3(r.cr3);
        vm.set_cr4(r.cr4);
        vm.set_efer(r.efer | EFER_LMA | EFER_SVME);
        // Flat long-mode segments, as Xen's SEG(~0u, 0xa9b) / 0xc93 / TSS.
        vm.set_cs({0, 0xa9b, 0xffffffff, 0});
        const svm::Segment data{0, 0xc93, 0xffffffff, 0};
        vm.set_ds(data);
        vm.set_es(data);
        vm.set_ss(data);
        vm.fs = vm.gs = data;
        vm.tr = {0, 0x8b, 0x67, 0};
        return;
    }
    const auto& r = c.cpu_regs.x86_32;
    vm.rax = r.eax;
    g.rcx = r.ecx, g.rdx = r.edx, g.rbx = r.ebx, g.rbp = r.ebp, g.rsi = r.esi, g.rdi = r.edi;
    vm.rsp = r.esp;
    vm.rip = r.eip;
    vm.rflags = (r.eflags & rflags_defined) | 2;
    vm.set_cr0(r.cr0 | CR0_ET);
    vm.set_cr3(r.cr3);
    vm.set_cr4(r.cr4);
    uint64_t efer = r.efer | EFER_SVME;
    if ((efer & EFER_LME) && (r.cr0 & CR0_PG)) efer |= EFER_LMA;
    vm.set_efer(efer);
    // Present segments get their accessed bit, TR its busy bit (as Xen).
    const auto acc = [](uint16_t ar, uint16_t bit) { return static_cast<uint16_t>(ar & 0x80 ? ar | bit : ar); };
    vm.set_cs({0, acc(r.cs_ar, 1), r.cs_limit, r.cs_base});
    vm.set_ds({0, acc(r.ds_ar, 1), r.ds_limit, r.ds_base});
    vm.set_es({0, acc(r.es_ar, 1), r.es_limit, r.es_base});
    vm.set_ss({0, acc(r.ss_ar, 1), r.ss_limit, r.ss_base});
    vm.fs = vm.gs = {0, acc(r.ds_ar, 1), r.ds_limit, r.ds_base};
    vm.tr = {0, acc(r.tr_ar, 2), r.tr_limit, r.tr_base};
    vm.set_cpl((r.ss_ar >> 5) & 3);
}

/// Apply a start request made by another pCPU (on v's own pCPU, v not in
/// VMRUN).
void apply_start(Vcpu& v, Vmcb& vm) {
    IrqSpinGuard g(v.arch.lock);
    VcpuStart& s = v.arch.start;
    if (s.kind == VcpuStart::real_mode) {
        load_real_mode(v, vm, s.sipi_vector);
    } else if (s.kind == VcpuStart::hvm_context) {
        vcpu_hvm_context c;
        memcpy(&c, s.ctx, sizeof(c));
        load_hvm_context(v, vm, c);
    }
    s.kind = VcpuStart::none;
}
static_assert(sizeof(VcpuStart::ctx) >= sizeof(vcpu_hvm_context));

// ---- exit handlers ----

Exit on_ioio(Vcpu& v, Vmcb& vm) {
    const uint64_t info = vm.exitinfo1;
    const bool in = info & 1, string = info & 4;
    const uint16_t port = static_cast<uint16_t>(info >> 16);
    const unsigned size = (info & (1u << 4)) ? 1 : (info & (1u << 5)) ? 2 : 4;
    if (!string) {
        if (in) {
            const uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
            const uint64_t val = port == debugcon_port ? debugcon_port : mask; // unclaimed ports read all-ones
            vm.rax = (vm.rax & ~mask) | val;
        } else if (port == debugcon_port) {
            const char c = static_cast<char>(vm.rax);
            domain_console_write(*v.domain, &c, 1);
        }
    }
    // String I/O to unclaimed ports is dropped (TODO(#4): OUTSB to 0xE9).
    vm.rip = vm.exitinfo2; // next RIP, provided for IOIO exits
    return Exit::resume;
}

Exit on_hlt(Vcpu& v, Vmcb& vm) {
    advance(vm, 1);
    if (!(vm.rflags & RFLAGS_IF)) {
        // HLT with interrupts off: this vCPU goes down (Xen's hvm_hlt);
        // when every vCPU is down the domain has powered off.
        vcpu_went_down(v);
        vcpu_block(v);
        return Exit::reschedule;
    }
    // Block only if nothing could interrupt the HLT; a wake-up that races
    // with the block is caught by the second look (vcpu_wake after
    // vcpu_block cancels it).
    if (has_pending_interrupt(v)) return Exit::resume;
    vcpu_block(v);
    if (has_pending_interrupt(v)) vcpu_wake(v);
    return Exit::reschedule;
}

Exit on_vintr(Vcpu&, Vmcb& vm) { // the window opened: inject_pending() runs before the next VMRUN
    close_interrupt_window(vm);
    return Exit::resume;
}

Exit on_vmmcall(Vcpu& v, Vmcb& vm) {
    advance(vm, 3);
    if (vm.cpl() != 0) {
        vm.rax = static_cast<uint64_t>(-static_cast<long>(Errno::XEN_EPERM));
        return Exit::resume;
    }
    HypercallArgs args;
    const auto& r = v.arch.regs;
    uint64_t nr = vm.rax;
    if (guest_64bit(vm)) {
        args = {{r.rdi, r.rsi, r.rdx, r.r10, r.r8}};
    } else {
        nr &= 0xffffffff;
        args = {{r.rbx & 0xffffffff, r.rcx & 0xffffffff, r.rdx & 0xffffffff, r.rsi & 0xffffffff,
                 r.rdi & 0xffffffff}};
    }
    const long ret = do_hypercall(v, nr, args);
    if (v.hypercall_continues) {
        // Xen's hypercall_create_continuation(): run the same VMMCALL again
        // with the rest of the work; the run loop sees the pending softirqs
        // that asked for it before the next VMRUN.
        v.hypercall_continues = false;
        auto& w = v.arch.regs;
        uint64_t* const regs64[5] = {&w.rdi, &w.rsi, &w.rdx, &w.r10, &w.r8};
        uint64_t* const regs32[5] = {&w.rbx, &w.rcx, &w.rdx, &w.rsi, &w.rdi};
        for (unsigned i = 0; i < v.continuation_nargs; ++i)
            *(guest_64bit(vm) ? regs64 : regs32)[i] = v.continuation_args[i];
        vm.rax = nr;
        vm.rip -= 3;
        return Exit::resume;
    }
    vm.rax = guest_64bit(vm) ? static_cast<uint64_t>(ret) : static_cast<uint32_t>(ret);
    return v.block_requested.load() ? Exit::reschedule : Exit::resume;
}

Exit on_npf(Vcpu& v, Vmcb& vm) {
    // EXITINFO1 is a #PF-style error code: bit 0 the page was present, bit 1
    // a write. As Xen's hvm_hap_nested_page_fault(): a gfn without RAM is
    // emulated MMIO (emulate.cpp), a write to a read-only grant mapping is
    // #GP(0) in the guest; anything else is fatal.
    P2mType type;
    {
        SpinGuard g(v.domain->p2m_lock);
        type = v.domain->p2m.lookup(Gfn{vm.exitinfo2 >> page_shift}).type;
    }
    // No RAM at that gfn: an MMIO hole (Xen's p2m_mmio_dm), completed as
    // Xen completes accesses no emulator claims.
    if (type == P2mType::invalid) return on_mmio_hole(v, vm);
    if ((vm.exitinfo1 & 3) == 3) {
        if (type == P2mType::grant_map_ro) {
            guest_log(*v.domain, LogLevel::debug, "d%uv%u: write to a read-only grant mapping at gpa %#lx\n", v.domain->domid,
                v.vcpu_id, vm.exitinfo2);
            inject_gp(vm);
            return Exit::resume;
        }
    }
    char why[96];
    snprintf(why, sizeof(why), "access to gpa %#lx outside its memory (error %#lx, rip %#lx)", vm.exitinfo2,
             vm.exitinfo1, vm.rip);
    domain_crash(*v.domain, why);
    return Exit::reschedule;
}

Exit on_shutdown(Vcpu& v, Vmcb& vm) {
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
    const uint8_t vector = static_cast<uint8_t>(vm.exitcode - svm::exit_excp_base);
    vm.eventinj = vector == 17 ? svm::make_event(vector, svm::event_exception, 0)
                               : svm::make_event(vector, svm::event_exception);
    return Exit::resume;
}

Exit on_nothing(Vcpu&, Vmcb&) { return Exit::resume; } // the host took the interrupt already

struct ExitEntry {
    uint64_t code;
    Exit (*handler)(Vcpu&, Vmcb&);
};
constexpr ExitEntry exit_table[] = {
    {svm::exit_intr, on_nothing},       {svm::exit_nmi, on_nothing},
    {svm::exit_cpuid, on_cpuid},        {svm::exit_msr, on_msr},
    {svm::exit_ioio, on_ioio},          {svm::exit_hlt, on_hlt},
    {svm::exit_vmmcall, on_vmmcall},    {svm::exit_npf, on_npf},
    {svm::exit_shutdown, on_shutdown},  {svm::exit_excp_base + 1, on_reinject},
    {svm::exit_excp_base + 17, on_reinject}, {svm::exit_vmrun, on_ud},
    {svm::exit_vmload, on_ud},          {svm::exit_vmsave, on_ud},
    {svm::exit_stgi, on_ud},            {svm::exit_clgi, on_ud},
    {svm::exit_skinit, on_ud},          {svm::exit_invlpga, on_ud},
    {svm::exit_monitor, on_ud},         {svm::exit_mwait, on_ud},
    {svm::exit_mwait_cond, on_ud},      {svm::exit_xsetbv, on_xsetbv},
    {svm::exit_vintr, on_vintr},
    {svm::exit_rdpru, on_ud},           {svm::exit_invd, on_cache_flush},
    {svm::exit_wbinvd, on_cache_flush}, {svm::exit_icebp, on_icebp},
    {svm::exit_cr0_write, on_cr_write}, {svm::exit_cr3_write, on_cr_write},
    {svm::exit_cr4_write, on_cr_write},
};

Exit handle_exit(Vcpu& v, Vmcb& vm) {
    for (const ExitEntry& e : exit_table)
        if (e.code == vm.exitcode) return e.handler(v, vm);
    if (vm.exitcode >= svm::exit_dr0_read && vm.exitcode <= svm::exit_dr7_write) return on_dr_access(v, vm);
    char why[80];
    if (vm.exitcode == svm::exit_invalid) snprintf(why, sizeof(why), "invalid guest state (VMRUN refused the VMCB)");
    else snprintf(why, sizeof(why), "unhandled #VMEXIT %#lx at rip %#lx", vm.exitcode, vm.rip);
    domain_crash(*v.domain, why);
    return Exit::reschedule;
}
} // namespace

void hvm::write_hypercall_page(Vcpu& v, uint64_t gpa) {
    uint8_t page[page_size];
    memset(page, 0xcc, sizeof(page)); // int3 between stubs
    for (unsigned nr = 0; nr < page_size / 32; ++nr) {
        uint8_t* stub = page + nr * 32;
        stub[0] = 0xb8; // mov $nr, %eax
        memcpy(stub + 1, &nr, 4);
        stub[5] = 0x0f; // vmmcall
        stub[6] = 0x01;
        stub[7] = 0xd9;
        stub[8] = 0xc3; // ret
    }
    if (!copy_to_gpa(*v.domain, gpa, page, sizeof(page)))
        guest_log(*v.domain, LogLevel::warning, "d%u: hypercall page at bad gpa %#lx\n", v.domain->domid, gpa);
}

/// Carry out an ICR write of `src` (no vLAPIC lock held).
void hvm::deliver_ipi(Vcpu& src, const VlapicEffect& e) {
    if (e.mode == icr_init && !e.level_assert) return; // INIT level de-assert: nothing (SDM 11.6.1)
    Domain& d = *src.domain;
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        Vcpu* t = d.vcpus[i];
        if (!t || !ipi_targets(e, src, *t)) continue;
        switch (e.mode) {
        case icr_fixed:
        case icr_lowest: {
            bool accepted;
            {
                IrqSpinGuard g(t->arch.lock);
                // Xen's vlapic_accept_irq: a software-disabled APIC drops fixed IPIs.
                accepted = t->arch.vlapic.software_enabled() && t->arch.vlapic.set_irr(static_cast<uint8_t>(e.vector));
            }
            if (accepted && t != &src) {
                vcpu_wake(*t);
                vcpu_kick(*t);
            }
            if (e.mode == icr_lowest) return; // one target is enough
            break;
        }
        case icr_nmi:
            t->arch.nmi_pending.store(true);
            if (t != &src) {
                vcpu_wake(*t);
                vcpu_kick(*t);
            }
            break;
        case icr_init:
            if (t != &src) deliver_init(*t);
            break;
        case icr_startup:
            if (t != &src) deliver_startup(*t, static_cast<uint8_t>(e.vector));
            break;
        default: // SMI and reserved modes: ignored
            break;
        }
    }
}

Status vcpu_arch_init(Vcpu& v, uint64_t entry, uint64_t start_info_gpa) {
    const bool bsp_vcpu = v.vcpu_id == 0;
    void* page = TRY(alloc_xenheap_pages(0));
    memset(page, 0, page_size);
    auto* vm = static_cast<Vmcb*>(page);
    v.arch.vmcb = vm;
    v.arch.vmcb_pa = virt_to_maddr(page);

    vm->set_intercept_misc1(svm::intercept_intr | svm::intercept_nmi | svm::intercept_smi |
                            svm::intercept_cpuid | svm::intercept_hlt | svm::intercept_ioio |
                            svm::intercept_msr | svm::intercept_shutdown | svm::intercept_invd |
                            svm::intercept_task_switch | svm::intercept_invlpga | svm::intercept_rsm);
    vm->set_intercept_misc2(svm::intercept_vmrun | svm::intercept_vmmcall | svm::intercept_vmload |
                            svm::intercept_vmsave | svm::intercept_stgi | svm::intercept_clgi |
                            svm::intercept_skinit | svm::intercept_monitor | svm::intercept_mwait |
                            svm::intercept_mwait_cond | svm::intercept_xsetbv | svm::intercept_rdpru |
                            svm::intercept_icebp | svm::intercept_wbinvd);
    // CR0 and CR4 writes are checked (cr.cpp), as Xen intercepts them. So
    // is CR3, which Xen leaves to the CPU under NPT: QEMU's TCG takes a
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
    vm->set_g_pat(power_on_pat);

    // PVH entry state (Xen docs/misc/pvh.pandoc): 32-bit protected mode,
    // paging off, flat CS/DS/ES/SS, TR a 32-bit busy TSS, EBX = start_info.
    vm->set_cs(flat(0x10, 0xc9b));
    vm->set_ds(flat(0x18, 0xc93));
    vm->set_es(flat(0x18, 0xc93));
    vm->set_ss(flat(0x18, 0xc93));
    vm->fs = flat(0, 0xc93);
    vm->gs = flat(0, 0xc93);
    vm->tr = {0x20, 0x8b, 0x67, 0};
    vm->ldtr = {0, 0x82, 0, 0};
    vm->set_gdtr({0, 0, 0, 0});
    vm->set_idtr({0, 0, 0, 0});
    vm->set_cr0(CR0_PE | CR0_ET);
    vm->set_cr4(0);
    vm->set_efer(EFER_SVME);
    vm->set_dr6(0xffff0ff0);
    vm->set_dr7(0x400);
    vm->rflags = 2;
    vm->rip = entry;
    v.arch.regs.rbx = start_info_gpa;
    vm->mark_all_dirty();

    v.arch.fpu_area = TRY(alloc_xenheap_pages(0));
    fpu_reset(v);
    v.arch.vlapic.reset(v.vcpu_id * 2); // x2APIC ID = 2 * vcpu_id, as Xen and the guest MADT
    v.arch.apic_base = apic_default_base | x86::APIC_BASE_EN | x86::APIC_BASE_EXTD | (bsp_vcpu ? x86::APIC_BASE_BSP : 0);
    init_timer(v.arch.lapic_timer, lapic_timer_fn, &v, v.processor);
    // vCPU 0 starts at the PVH entry; APs wait for INIT-SIPI or VCPUOP_up.
    const bool bsp = bsp_vcpu;
    v.arch.initialised.store(bsp);
    v.arch.down.store(!bsp);
    v.arch.on_runq.store(bsp);
    return ok_status();
}

void vcpu_arch_destroy(Vcpu& v) {
    // lapic_timer_fn may be running on v's pCPU and re-arms the timer:
    // kill_timer() waits for it and keeps it from re-arming.
    kill_timer(v.arch.lapic_timer);
    if (v.arch.vmcb) free_xenheap_pages(v.arch.vmcb, 0);
    v.arch.vmcb = nullptr;
    if (v.arch.fpu_area) free_xenheap_pages(v.arch.fpu_area, 0);
    v.arch.fpu_area = nullptr;
}

void vcpu_migrate_timers(Vcpu& v, unsigned cpu) { migrate_timer(v.arch.lapic_timer, cpu); }

void domain_arch_set_tsc_offset(Domain& d, uint64_t offset) {
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (Vcpu* v = d.vcpus[i]; v && v->arch.vmcb) v->arch.vmcb->set_tsc_offset(offset);
}

uint64_t vcpu_tsc_offset(const Vcpu& v) { return v.arch.vmcb ? v.arch.vmcb->tsc_offset() : 0; }

void vcpu_pend_upcall(Vcpu& v) {
    // Per-vCPU vector: an edge in the vLAPIC IRR (Xen's
    // hvm_assert_evtchn_irq). Callback vector: evtchn_upcall_pending is the
    // level that inject_pending() looks at; only the wake-up is needed.
    if (const uint8_t vector = v.upcall_vector) {
        IrqSpinGuard g(v.arch.lock);
        v.arch.vlapic.set_irr(vector);
    }
    vcpu_wake(v);
    vcpu_kick(v);
}

Status vcpu_initialise(Vcpu& caller, Vcpu& target, uint64_t ctx_gva) {
    vcpu_hvm_context ctx;
    TRY(copy_from_guest(caller, ctx_gva, ctx));
    IrqSpinGuard g(target.arch.lock);
    if (target.arch.initialised.load()) return Err(Errno::XEN_EEXIST);
    if (!hvm_context_valid(target, ctx)) return Err(Errno::XEN_EINVAL);
    target.arch.start.kind = VcpuStart::hvm_context;
    memcpy(target.arch.start.ctx, &ctx, sizeof(ctx));
    target.arch.initialised.store(true); // still down until VCPUOP_up
    return ok_status();
}

Status vcpu_up(Vcpu& target) {
    if (!target.arch.initialised.load()) return Err(Errno::XEN_EINVAL);
    if (target.arch.down.exchange(false)) bring_online(target);
    return ok_status();
}

Status vcpu_down(Vcpu& caller, Vcpu& target) {
    Domain& d = *target.domain;
    bool others_up = false;
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (d.vcpus[i] && d.vcpus[i] != &target && !d.vcpus[i]->arch.down.load()) others_up = true;
    if (!others_up) { // the last vCPU going down: Xen's common_vcpu_op powers off
        domain_shutdown(d, ShutdownReason::poweroff);
        return ok_status();
    }
    target.arch.down.store(true);
    if (&target == &caller) vcpu_block(caller);
    else vcpu_kick(target);
    return ok_status();
}

bool vcpu_is_up(const Vcpu& v) { return !v.arch.down.load(); }

void vcpu_kick(Vcpu& v) {
    // A vCPU not in guest mode looks at what is pending before its next
    // VMRUN: the sender's write comes before this read of v.state, and
    // the scheduler marks v running before it looks (both seq_cst).
    if (vcpu_kick_needs_ipi(v, this_cpu().cpu_id)) send_event_check(v.processor);
}

bool local_events_need_delivery(Vcpu& v) {
    // Xen's hvm_local_events_need_delivery(): pending and not blocked.
    const Vmcb& vm = *v.arch.vmcb;
    return (vm.rflags & RFLAGS_IF) && !(vm.interrupt_shadow & 1) && has_pending_interrupt(v);
}

void p2m_flush_guest_tlbs(Domain& d) {
    // A fresh ASID has no translations cached (asid_alloc() flushes when it
    // recycles), so marking every vCPU is enough for the ones not in the
    // guest; the IPI takes the running ones out of it (#VMEXIT on INTR),
    // and they pick up the mark before their next VMRUN.
    uint64_t running = 0;
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        Vcpu* v = d.vcpus[i];
        if (!v) continue;
        v->arch.tlb_stale.store(true);
        if (v->state.load() == VcpuState::running) running |= 1ull << v->processor;
    }
    running &= ~(1ull << this_cpu().cpu_id); // this pCPU is in the hypervisor now
    if (running) on_selected_cpus(running, [](void*) {}, nullptr, true);
}

void vcpu_run(Vcpu& v) {
    Vmcb& vm = *v.arch.vmcb;
    const unsigned cpu = this_cpu().cpu_id;
    apply_start(v, vm);
    if (v.arch.down.load()) { // woken while down (a stray wake-up): nothing to run
        vcpu_block(v);
        return;
    }
    if (v.arch.last_cpu != static_cast<int>(cpu) || v.arch.asid_generation != svm::asid_generation()) {
        bool flush;
        vm.set_asid(svm::asid_alloc(v.arch.asid_generation, flush));
        vm.tlb_control = flush ? 1 : 0;
        v.arch.last_cpu = static_cast<int>(cpu);
        vm.mark_all_dirty();
    }
    svm::enter_guest_context((uint32_t{v.domain->domid} << 16) | (v.vcpu_id & 0xffff));
    if (vm.dr7() & dr7_active) load_debug_registers(v); // breakpoints armed: they need their addresses
    fpu_load(v);
    // TSC_AUX is not switched by VMRUN and the host does not use it: load
    // this vCPU's value (Linux keeps its CPU number there for RDTSCP/RDPID).
    x86::wrmsr(MSR_TSC_AUX, v.arch.tsc_aux);
    for (;;) {
        if (v.domain->is_shutdown.load() || v.block_requested.load() || domain_is_paused(*v.domain)) break;
        if (v.arch.down.load()) { // INIT or VCPUOP_down from another vCPU
            vcpu_block(v);
            break;
        }
        irq_disable();
        if (softirq_pending(cpu)) {
            irq_enable();
            break;
        }
        // With interrupts off, a kick arriving from here on is held until
        // VMRUN and then exits at once, so nothing posted is missed.
        // p2m_flush_guest_tlbs() sets tlb_stale before it looks for running
        // vCPUs, and the scheduler marked v running before this check.
        if (v.arch.tlb_stale.exchange(false)) {
            bool flush;
            vm.set_asid(svm::asid_alloc(v.arch.asid_generation, flush));
            vm.tlb_control = flush ? 1 : 0;
        }
        inject_pending(v, vm);
        svm_vmrun(v.arch.vmcb_pa, &v.arch.regs, svm::host_vmcb_pa());
        vm.tlb_control = 0;
        requeue_interrupted_event(vm);
        if (handle_exit(v, vm) == Exit::reschedule) break;
    }
    save_debug_registers(v);
    fpu_save(v);
}

} // namespace cxen::arch
