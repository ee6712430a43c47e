// The x86 part of a vCPU: its VMCB, the registers the VMCB does not hold,
// and ASID bookkeeping.
#pragma once

#include <atomic>
#include <cstdint>

#include "arch/x86/hvm/svm/svm.hpp"
#include "arch/x86/hvm/svm/vmcb.hpp"
#include "arch/x86/hvm/vlapic.hpp"
#include "arch/x86/hvm/vmtrr.hpp"
#include "common/lib/spinlock.hpp"
#include "common/time/timer_queue.hpp"

namespace cxen {
struct Vcpu;
struct Domain;
}

namespace cxen::arch {

/// How a vCPU (re)starts when it next runs: set by INIT/SIPI or
/// VCPUOP_initialise on any pCPU, applied by the vCPU's own pCPU.
struct VcpuStart {
    enum Kind : uint8_t { none, real_mode, hvm_context } kind = none;
    uint8_t sipi_vector = 0; ///< real_mode: CS = vector << 8, IP = 0
    uint8_t ctx[sizeof(uint64_t) * 22] = {}; ///< hvm_context: struct vcpu_hvm_context
};

/// Locking: `lock` (taken with interrupts off) protects vlapic and start;
/// the flags are atomics that other pCPUs set before kicking the vCPU.
struct ArchVcpu {
    svm::Vmcb* vmcb = nullptr;
    paddr_t vmcb_pa = 0;
    svm::GuestRegs regs{};
    uint32_t asid = 0;
    uint64_t asid_generation = 0; ///< of the pCPU it was allocated on
    int last_cpu = -1;

    std::atomic<bool> tlb_stale{false};   ///< p2m_flush_guest_tlbs(): new ASID before the next VMRUN

    // ---- interrupts (hvm/interrupt.cpp, hvm/ipi.cpp) ----
    SpinLock lock;
    Vlapic vlapic;
    Timer lapic_timer;
    std::atomic<bool> nmi_pending{false};
    VcpuStart start;

    // ---- FPU/SSE/AVX state, switched with the vCPU ----
    void* fpu_area = nullptr; ///< XSAVE (or FXSAVE) image, one page
    uint64_t xcr0 = 1;        ///< guest XCR0 (x87 only at reset)
    uint32_t tsc_aux = 0;     ///< guest TSC_AUX (RDTSCP/RDPID), loaded while it runs
    Vmtrr mtrr;               ///< only touched by the vCPU itself (RDMSR/WRMSR exits)
    uint64_t debugctl = 0;    ///< guest DEBUGCTL: stored, not applied (no LBR virtualisation)
    bool cpuid_faulting = false; ///< MISC_FEATURES_ENABLES bit 0: CPUID above CPL 0 is #GP
    /// IA32_APIC_BASE: x2APIC from reset; the guest may go through the
    /// disabled and xAPIC states (msr.cpp), xAPIC registers then answer at
    /// the MMIO window (emulate.cpp). Only the vCPU itself changes it.
    uint64_t apic_base = 0;
    uint32_t xapic_icr2 = 0;           ///< xAPIC ICR high half (destination in bits 31:24)
    uint32_t xapic_ldr = 0;            ///< xAPIC logical destination, kept for reads
    uint32_t xapic_dfr = 0xffffffff;   ///< xAPIC destination format, kept for reads

    // ---- debug registers (DR6/DR7 live in the VMCB), switched lazily as Xen's svm_save_dr ----
    uint64_t dr[4] = {};      ///< DR0-3 while not loaded in the pCPU
    bool dr_loaded = false;   ///< the pCPU holds dr[], DR accesses are not intercepted
};

/// What every vCPU has from its creation (Xen's arch_vcpu_create(), called
/// by vcpu_create() before the vCPU is published): its control block, FPU
/// area, vLAPIC and vLAPIC timer. The vCPU starts down with no register
/// state (Xen's VPF_down, !is_initialised). -ENOMEM; -ENODEV without SVM.
/// vcpu_arch_destroy() undoes a part-made one.
[[nodiscard]] Status vcpu_arch_create(Vcpu& v);
/// Put created v in the PVH entry state: 32-bit protected mode, paging
/// off, flat segments, EIP = entry, EBX = start_info_gpa (Xen's
/// docs/misc/pvh.pandoc). vCPU 0 is online (the builder adds it to the
/// scheduler); the others stay down, waiting for INIT-SIPI or
/// VCPUOP_initialise + VCPUOP_up.
[[nodiscard]] Status vcpu_arch_init(Vcpu& v, uint64_t entry, uint64_t start_info_gpa);
void vcpu_arch_destroy(Vcpu& v);
/// The scheduler moved not-running v to pCPU `cpu`: its arch timers (the
/// vLAPIC timer) follow it (Xen's arch_move_irqs). Both pCPUs' scheduler
/// locks are held.
void vcpu_migrate_timers(Vcpu& v, unsigned cpu);

/// Run v on this pCPU until it blocks, yields, dies or the pCPU must
/// reschedule. Called by the scheduler with interrupts enabled.
void vcpu_run(Vcpu& v);

/// Make the event-channel upcall reach v: the domain's callback vector
/// (HVM_PARAM_CALLBACK_IRQ of type vector, which bypasses the LAPIC) or v's
/// own upcall vector (HVMOP_set_evtchn_upcall_vector, through the LAPIC,
/// needs an EOI); wake v if it is blocked. Safe from any pCPU.
void vcpu_pend_upcall(Vcpu& v);
/// Interrupt v's pCPU so that v notices new work: an IPI only if v is in
/// guest mode on another pCPU (vcpu_kick_needs_ipi(), Xen's vcpu_kick).
void vcpu_kick(Vcpu& v);
/// Xen's local_events_need_delivery() for an HVM vCPU: would an interrupt
/// (NMI, the event-channel callback, a vLAPIC vector) be taken by v now,
/// i.e. is one pending and RFLAGS.IF set without an interrupt shadow?
/// Only for v on its own pCPU (a hypercall of v).
bool local_events_need_delivery(Vcpu& v);

/// VCPUOP_initialise (public/vcpu.h) for a PVH vCPU: `ctx_gva` points at a
/// struct vcpu_hvm_context (public/hvm/hvm_vcpu.h, 32- or 64-bit mode);
/// the vCPU starts with that state at the next VCPUOP_up. Source: Xen's
/// default_initialise_vcpu() and arch_set_info_hvm_guest().
/// Errors: -EFAULT bad pointer, -EEXIST already initialised, -EINVAL bad
/// mode or state.
[[nodiscard]] Status vcpu_initialise(Vcpu& caller, Vcpu& target, uint64_t ctx_gva);
/// VCPUOP_up: bring an initialised vCPU online. -EINVAL if not initialised.
[[nodiscard]] Status vcpu_up(Vcpu& target);
/// VCPUOP_down: take target offline; the last vCPU going down powers the
/// domain off (Xen's common_vcpu_op()).
[[nodiscard]] Status vcpu_down(Vcpu& caller, Vcpu& target);
/// VCPUOP_is_up.
bool vcpu_is_up(const Vcpu& v);

/// The (domain-relative) TSC offset: guest TSC = host TSC + offset.
void domain_arch_set_tsc_offset(Domain& d, uint64_t offset);
/// v's TSC offset (VMCB TSC_OFFSET): v's RDTSC = host TSC + this.
uint64_t vcpu_tsc_offset(const Vcpu& v);

} // namespace cxen::arch
