// The x86 vCPU as common code sees it (arch/vcpu.hpp), whatever the
// vendor: creation in the PVH entry state, the run loop around the
// backend's guest entry, kicks, upcalls, TSC offsets and guest TLB
// flushes. Everything that touches the control block goes through
// hvm_funcs (hvm_ops.hpp).
//
// Locking: see interrupt.cpp (ArchVcpu::lock) and vcpu_power.cpp (the
// power flags). The run loop runs on v's own pCPU only.
#include "arch/vcpu.hpp"
#include "arch/x86/hvm/hvm.hpp"

#include "arch/percpu.hpp"
#include "arch/smp.hpp"
#include "arch/x86.hpp"
#include "common/domain.hpp"
#include "lib/base/string.hpp"
#include "common/mm/xenheap.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"

namespace cxen::arch {

using namespace hvm;

namespace {
SegmentRegister flat(uint16_t sel, uint16_t attr) { return {sel, attr, 0xffffffff, 0}; }
} // namespace

Status vcpu_arch_create(Vcpu& v) {
    // The timer first: vcpu_arch_destroy() kills it whatever failed after.
    init_timer(v.arch.lapic_timer, lapic_timer_fn, &v, v.processor);
    if (!hvm_enabled()) return Err(Errno::XEN_ENODEV);
    TRY(hvm_funcs.vcpu_initialise(v));
    v.arch.fpu_area = TRY(alloc_xenheap_pages(0));
    fpu_reset(v);
    v.arch.vlapic.reset(v.vcpu_id * 2); // x2APIC ID = 2 * vcpu_id, as Xen and the guest MADT
    v.arch.apic_base =
        apic_default_base | APIC_BASE_EN | APIC_BASE_EXTD | (v.vcpu_id == 0 ? APIC_BASE_BSP : 0);
    v.initialised.store(false);
    v.down.store(true);
    v.on_runq.store(false);
    return ok_status();
}

Status vcpu_arch_init(Vcpu& v, uint64_t entry, uint64_t start_info_gpa) {
    // PVH entry state (Xen docs/misc/pvh.pandoc): 32-bit protected mode,
    // paging off, flat CS/DS/ES/SS, TR a 32-bit busy TSS, EBX = start_info.
    hvm_funcs.set_segment(v, Seg::cs, flat(0x10, 0xc9b));
    hvm_funcs.set_segment(v, Seg::ds, flat(0x18, 0xc93));
    hvm_funcs.set_segment(v, Seg::es, flat(0x18, 0xc93));
    hvm_funcs.set_segment(v, Seg::ss, flat(0x18, 0xc93));
    hvm_funcs.set_segment(v, Seg::fs, flat(0, 0xc93));
    hvm_funcs.set_segment(v, Seg::gs, flat(0, 0xc93));
    hvm_funcs.set_segment(v, Seg::tr, {0x20, 0x8b, 0x67, 0});
    hvm_funcs.set_segment(v, Seg::ldtr, {0, 0x82, 0, 0});
    hvm_funcs.set_segment(v, Seg::gdtr, {0, 0, 0, 0});
    hvm_funcs.set_segment(v, Seg::idtr, {0, 0, 0, 0});
    hvm_funcs.set_cr(v, 0, CR0_PE | CR0_ET);
    hvm_funcs.set_cr(v, 4, 0);
    hvm_funcs.set_efer(v, 0);
    hvm_funcs.set_rflags(v, 2);
    hvm_funcs.set_rip(v, entry);
    set_guest_gpr(v, Gpr::rbx, start_info_gpa);
    // vCPU 0 starts at the PVH entry; APs wait for INIT-SIPI or VCPUOP_up.
    const bool bsp = v.vcpu_id == 0;
    v.initialised.store(bsp);
    v.down.store(!bsp);
    v.on_runq.store(bsp);
    return ok_status();
}

void vcpu_arch_destroy(Vcpu& v) {
    // lapic_timer_fn may be running on v's pCPU and re-arms the timer:
    // kill_timer() waits for it and keeps it from re-arming.
    kill_timer(v.arch.lapic_timer);
    if (hvm_enabled()) hvm_funcs.vcpu_destroy(v);
    if (v.arch.fpu_area) free_xenheap_pages(v.arch.fpu_area, 0);
    v.arch.fpu_area = nullptr;
}

void vcpu_migrate_timers(Vcpu& v, unsigned cpu) { migrate_timer(v.arch.lapic_timer, cpu); }

void domain_arch_set_tsc_offset(Domain& d, uint64_t offset) {
    if (!hvm_enabled()) return; // no vCPU can have a control block
    for (unsigned i = 0; i < d.max_vcpus; ++i)
        if (Vcpu* v = d.vcpus[i]) hvm_funcs.set_tsc_offset(*v, offset);
}

uint64_t vcpu_tsc_offset(const Vcpu& v) { return hvm_enabled() ? hvm_funcs.get_tsc_offset(v) : 0; }

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

void vcpu_kick(Vcpu& v) {
    // A vCPU not in guest mode looks at what is pending before its next
    // entry: the sender's write comes before this read of v.state, and
    // the scheduler marks v running before it looks (both seq_cst).
    if (vcpu_kick_needs_ipi(v, this_cpu().cpu_id)) send_event_check(v.processor);
}

bool local_events_need_delivery(Vcpu& v) {
    // Xen's hvm_local_events_need_delivery(): pending and not blocked.
    return (guest_rflags(v) & RFLAGS_IF) && !hvm_funcs.interrupt_shadow(v) && has_pending_interrupt(v);
}

void p2m_flush_guest_tlbs(Domain& d) {
    // A fresh TLB tag has no translations cached (the backend flushes when
    // it recycles tags), so marking every vCPU is enough for the ones not
    // in the guest; the IPI takes the running ones out of it (an exit on
    // the interrupt), and they pick up the mark before their next entry.
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
    const unsigned cpu = this_cpu().cpu_id;
    apply_start(v);
    if (v.down.load()) { // woken while down (a stray wake-up): nothing to run
        vcpu_block(v);
        return;
    }
    // TLB tag if v moved or the pCPU's tags wrapped, branch-predictor
    // barrier, DR0-3 if DR7 has breakpoints armed.
    hvm_funcs.ctxt_switch_to(v, cpu);
    fpu_load(v);
    // TSC_AUX is not switched by the hardware and the host does not use it:
    // load this vCPU's value (Linux keeps its CPU number there for RDTSCP/RDPID).
    x86::wrmsr(MSR_TSC_AUX, v.arch.tsc_aux);
    for (;;) {
        if (v.domain->is_shutdown.load() || v.block_requested.load() || domain_is_paused(*v.domain)) break;
        if (v.down.load()) { // INIT or VCPUOP_down from another vCPU
            vcpu_block(v);
            break;
        }
        irq_disable();
        if (softirq_pending(cpu)) {
            irq_enable();
            break;
        }
        // With interrupts off, a kick arriving from here on is held until
        // the entry and then exits at once, so nothing posted is missed.
        // p2m_flush_guest_tlbs() sets tlb_stale before it looks for running
        // vCPUs, and the scheduler marked v running before this check.
        if (v.arch.tlb_stale.exchange(false)) hvm_funcs.flush_guest_tlb(v);
        inject_pending(v);
        // Enter; on the exit, re-queue an event it cut short and handle it.
        if (hvm_funcs.enter_guest(v) == Exit::reschedule) break;
    }
    hvm_funcs.ctxt_switch_from(v); // DR0-3 saved, their intercepts back
    fpu_save(v);
}

} // namespace cxen::arch
