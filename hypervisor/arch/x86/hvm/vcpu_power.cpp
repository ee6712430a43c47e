// vCPU power state, as Xen's VPF_down and v->is_initialised: INIT and
// STARTUP from the vLAPIC, the VCPUOP_initialise/up/down/is_up cores, HLT
// with interrupts off, and the register state a vCPU (re)starts with,
// written through the backend (hvm_funcs), whatever the vendor.
//
// Locking: ArchVcpu::lock (interrupts off) protects the start request of
// that vCPU. The power flags (down, initialised, on_runq) are atomics
// written before the target is kicked; the register state is written only
// by the vCPU's own pCPU (apply_start), except that VCPUOP_initialise
// reads the CPUID policy of a target that is not initialised, so not
// running.
#include "arch/vcpu.hpp"
#include "arch/x86/hvm/hvm.hpp"

#include "abi/xen/hvm_vcpu.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "lib/base/string.hpp"
#include "common/sched/sched.hpp"
#include "common/time/timer.hpp"

namespace cxen::arch {

using namespace hvm;

namespace {
/// RFLAGS bits that exist (CF PF AF ZF SF TF IF DF OF IOPL NT RF VM AC VIF
/// VIP ID): a VCPUOP_initialise context's other bits are dropped rather
/// than handed to the hardware (Xen passes them through).
constexpr uint64_t rflags_defined = 0x3f7fd5;

/// Xen's hvm_vcpu_down(): v is down; when no vCPU of the domain is left
/// up, the domain has powered off.
void vcpu_went_down(Vcpu& v) {
    v.down.store(true);
    Domain& d = *v.domain;
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (d.vcpus[i] && !d.vcpus[i]->down.load()) return;
    domain_shutdown(d, ShutdownReason::poweroff);
}

/// Make a vCPU that is no longer down runnable: the first time, give it to
/// its pCPU's scheduler; later, wake it.
void bring_online(Vcpu& t) {
    if (t.domain->is_dying.load()) return;
    if (!t.on_runq.exchange(true)) {
        sched_add_vcpu(t);
        return;
    }
    vcpu_wake(t);
    vcpu_kick(t);
}

/// Architectural state shared by INIT-SIPI and VCPUOP_initialise starts.
void reset_state(Vcpu& v) {
    for (unsigned n = 0; n < 16; ++n) set_guest_gpr(v, n, 0);
    hvm_funcs.set_rflags(v, 2);
    hvm_funcs.set_cr(v, 0, CR0_ET);
    hvm_funcs.set_cr(v, 2, 0);
    hvm_funcs.set_cr(v, 3, 0);
    hvm_funcs.set_cr(v, 4, 0);
    hvm_funcs.set_efer(v, 0);
    hvm_funcs.set_segment(v, Seg::fs, {0, 0x93, 0xffff, 0});
    hvm_funcs.set_segment(v, Seg::gs, {0, 0x93, 0xffff, 0});
    hvm_funcs.set_segment(v, Seg::tr, {0, 0x8b, 0xffff, 0});
    hvm_funcs.set_segment(v, Seg::ldtr, {0, 0x82, 0xffff, 0});
    hvm_funcs.set_segment(v, Seg::gdtr, {0, 0, 0xffff, 0});
    hvm_funcs.set_segment(v, Seg::idtr, {0, 0, 0xffff, 0});
    v.arch.debugctl = 0;
    v.arch.cpuid_faulting = false; // MISC_FEATURES_ENABLES resets to 0
    hvm_funcs.set_cpl(v, 0);
    hvm_funcs.set_guest_pat(v, MSR_IA32_CR_PAT_RESET);
    // Debug registers, syscall MSRs, interrupt shadow, queued event and
    // window; new paging state: a fresh TLB tag at the next entry.
    hvm_funcs.vcpu_reset_state(v);
    fpu_reset(v);
}

void load_real_mode(Vcpu& v, uint8_t vector) {
    reset_state(v);
    const SegmentRegister data{0, 0x93, 0xffff, 0};
    hvm_funcs.set_segment(v, Seg::cs, {static_cast<uint16_t>(vector << 8), 0x9b, 0xffff, uint64_t{vector} << 12});
    hvm_funcs.set_segment(v, Seg::ds, data);
    hvm_funcs.set_segment(v, Seg::es, data);
    hvm_funcs.set_segment(v, Seg::ss, data);
    hvm_funcs.set_rip(v, 0);
}

/// The control registers and EFER of a VCPUOP_initialise context: Xen's
/// arch_set_info_hvm_guest() refuses CR4 bits outside
/// hvm_cr4_guest_valid_bits() and an EFER hvm_efer_valid() refuses
/// (LMA taken from LME, as Xen does); cxen also refuses what VM entry
/// would (CR0 upper half or NW without CD, CR3 beyond MAXPHYADDR), which
/// Xen leaves to the VM entry to fail.
bool hvm_control_valid(Vcpu& t, uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer) {
    if (efer & EFER_LME) efer |= EFER_LMA;
    if ((cr0 >> 32) || (cr0 & (CR0_NW | CR0_CD)) == CR0_NW) return false;
    if (cr3 >> guest_maxphysaddr()) return false;
    if (cr4 & ~cr4_guest_valid_bits(t)) return false;
    return efer_invalid(t, efer) == nullptr;
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

/// Checks of Xen's arch_set_info_hvm_guest(), and what VM entry needs.
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
    // What VM entry refuses and Xen leaves to it: paging without
    // protection, long mode without PAE, a CS with both L and D in long mode.
    if ((r.cr0 & CR0_PG) && !(r.cr0 & CR0_PE)) return false;
    if ((r.efer & EFER_LME) && (r.cr0 & CR0_PG) && !(r.cr4 & CR4_PAE)) return false;
    return !((r.efer & EFER_LME) && (r.cr0 & CR0_PG) && (r.cs_ar & SEG_ATTR_L) && (r.cs_ar & SEG_ATTR_DB));
}

void load_hvm_context(Vcpu& v, const vcpu_hvm_context& c) {
    reset_state(v);
    if (c.mode == VCPU_HVM_MODE_64B) {
        const auto& r = c.cpu_regs.x86_64;
        set_guest_gpr(v, Gpr::rax, r.rax);
        set_guest_gpr(v, Gpr::rcx, r.rcx);
        set_guest_gpr(v, Gpr::rdx, r.rdx);
        set_guest_gpr(v, Gpr::rbx, r.rbx);
        set_guest_gpr(v, Gpr::rbp, r.rbp);
        set_guest_gpr(v, Gpr::rsi, r.rsi);
        set_guest_gpr(v, Gpr::rdi, r.rdi);
        set_guest_gpr(v, Gpr::rsp, r.rsp);
        hvm_funcs.set_rip(v, r.rip);
        hvm_funcs.set_rflags(v, (r.rflags & rflags_defined) | 2);
        hvm_funcs.set_cr(v, 0, r.cr0 | CR0_ET);
        hvm_funcs.set_cr(v, 3, r.cr3);
        hvm_funcs.set_cr(v, 4, r.cr4);
        hvm_funcs.set_efer(v, r.efer | EFER_LMA);
        // Flat long-mode segments, as Xen's SEG(~0u, 0xa9b) / 0xc93 / TSS.
        hvm_funcs.set_segment(v, Seg::cs, {0, 0xa9b, 0xffffffff, 0});
        const SegmentRegister data{0, 0xc93, 0xffffffff, 0};
        hvm_funcs.set_segment(v, Seg::ds, data);
        hvm_funcs.set_segment(v, Seg::es, data);
        hvm_funcs.set_segment(v, Seg::ss, data);
        hvm_funcs.set_segment(v, Seg::fs, data);
        hvm_funcs.set_segment(v, Seg::gs, data);
        hvm_funcs.set_segment(v, Seg::tr, {0, 0x8b, 0x67, 0});
        return;
    }
    const auto& r = c.cpu_regs.x86_32;
    set_guest_gpr(v, Gpr::rax, r.eax);
    set_guest_gpr(v, Gpr::rcx, r.ecx);
    set_guest_gpr(v, Gpr::rdx, r.edx);
    set_guest_gpr(v, Gpr::rbx, r.ebx);
    set_guest_gpr(v, Gpr::rbp, r.ebp);
    set_guest_gpr(v, Gpr::rsi, r.esi);
    set_guest_gpr(v, Gpr::rdi, r.edi);
    set_guest_gpr(v, Gpr::rsp, r.esp);
    hvm_funcs.set_rip(v, r.eip);
    hvm_funcs.set_rflags(v, (r.eflags & rflags_defined) | 2);
    hvm_funcs.set_cr(v, 0, r.cr0 | CR0_ET);
    hvm_funcs.set_cr(v, 3, r.cr3);
    hvm_funcs.set_cr(v, 4, r.cr4);
    uint64_t efer = r.efer;
    if ((efer & EFER_LME) && (r.cr0 & CR0_PG)) efer |= EFER_LMA;
    hvm_funcs.set_efer(v, efer);
    // Present segments get their accessed bit, TR its busy bit (as Xen).
    const auto acc = [](uint16_t ar, uint16_t bit) { return static_cast<uint16_t>(ar & 0x80 ? ar | bit : ar); };
    hvm_funcs.set_segment(v, Seg::cs, {0, acc(r.cs_ar, 1), r.cs_limit, r.cs_base});
    hvm_funcs.set_segment(v, Seg::ds, {0, acc(r.ds_ar, 1), r.ds_limit, r.ds_base});
    hvm_funcs.set_segment(v, Seg::es, {0, acc(r.es_ar, 1), r.es_limit, r.es_base});
    hvm_funcs.set_segment(v, Seg::ss, {0, acc(r.ss_ar, 1), r.ss_limit, r.ss_base});
    hvm_funcs.set_segment(v, Seg::fs, {0, acc(r.ds_ar, 1), r.ds_limit, r.ds_base});
    hvm_funcs.set_segment(v, Seg::gs, {0, acc(r.ds_ar, 1), r.ds_limit, r.ds_base});
    hvm_funcs.set_segment(v, Seg::tr, {0, acc(r.tr_ar, 2), r.tr_limit, r.tr_base});
    hvm_funcs.set_cpl(v, (r.ss_ar >> 5) & 3);
}
} // namespace

// ---- INIT, STARTUP, HLT (hvm.hpp) ----

/// INIT (SDM 11.6.1; Xen's vlapic_init_sipi_action): the vCPU loses its
/// state and waits for a STARTUP; the vLAPIC returns to its INIT state
/// (x2APIC mode and ID kept). Nothing happens to a vCPU already reset.
void hvm::deliver_init(Vcpu& t) {
    {
        IrqSpinGuard g(t.arch.lock);
        if (!t.initialised.load()) return;
        t.down.store(true);
        t.initialised.store(false);
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
void hvm::deliver_startup(Vcpu& t, uint8_t vector) {
    {
        IrqSpinGuard g(t.arch.lock);
        if (t.initialised.load()) return;
        t.arch.start.kind = VcpuStart::real_mode;
        t.arch.start.sipi_vector = vector;
        t.initialised.store(true);
        t.down.store(false);
    }
    bring_online(t);
}

void hvm::apply_start(Vcpu& v) {
    IrqSpinGuard g(v.arch.lock);
    VcpuStart& s = v.arch.start;
    if (s.kind == VcpuStart::real_mode) {
        load_real_mode(v, s.sipi_vector);
    } else if (s.kind == VcpuStart::hvm_context) {
        vcpu_hvm_context c;
        memcpy(&c, s.ctx, sizeof(c));
        load_hvm_context(v, c);
    }
    s.kind = VcpuStart::none;
}
static_assert(sizeof(VcpuStart::ctx) >= sizeof(vcpu_hvm_context));

void hvm::vcpu_load_down(Vcpu& v) {
    v.down.store(true);
    vcpu_kick(v);
}

void hvm::vcpu_loaded_up(Vcpu& v) {
    v.initialised.store(true);
    if (v.down.exchange(false)) bring_online(v);
}

Exit hvm::hlt(Vcpu& v, unsigned len) {
    advance(v, len);
    if (!(guest_rflags(v) & RFLAGS_IF)) {
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

// ---- VCPUOP cores (arch/vcpu.hpp) ----

Status vcpu_initialise(Vcpu& caller, Vcpu& target, uint64_t ctx_gva) {
    vcpu_hvm_context ctx;
    TRY(copy_from_guest(caller, ctx_gva, ctx));
    IrqSpinGuard g(target.arch.lock);
    if (target.initialised.load()) return Err(Errno::XEN_EEXIST);
    if (!hvm_context_valid(target, ctx)) return Err(Errno::XEN_EINVAL);
    target.arch.start.kind = VcpuStart::hvm_context;
    memcpy(target.arch.start.ctx, &ctx, sizeof(ctx));
    target.initialised.store(true); // still down until VCPUOP_up
    return ok_status();
}

Status vcpu_up(Vcpu& target) {
    if (!target.initialised.load()) return Err(Errno::XEN_EINVAL);
    if (target.down.exchange(false)) bring_online(target);
    return ok_status();
}

Status vcpu_down(Vcpu& caller, Vcpu& target) {
    Domain& d = *target.domain;
    bool others_up = false;
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (d.vcpus[i] && d.vcpus[i] != &target && !d.vcpus[i]->down.load()) others_up = true;
    if (!others_up) { // the last vCPU going down: Xen's common_vcpu_op powers off
        domain_shutdown(d, ShutdownReason::poweroff);
        return ok_status();
    }
    target.down.store(true);
    if (&target == &caller) vcpu_block(caller);
    else vcpu_kick(target);
    return ok_status();
}

bool vcpu_is_up(const Vcpu& v) { return !v.down.load(); }

} // namespace cxen::arch
