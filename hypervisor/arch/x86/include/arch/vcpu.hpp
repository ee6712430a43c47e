// The x86 part of a vCPU: its VMCB, the registers the VMCB does not hold,
// and ASID bookkeeping.
#pragma once

#include <cstdint>

#include "arch/x86/hvm/svm/svm.hpp"
#include "arch/x86/hvm/svm/vmcb.hpp"

namespace cxen {
struct Vcpu;
struct Domain;
}

namespace cxen::arch {

struct ArchVcpu {
    svm::Vmcb* vmcb = nullptr;
    paddr_t vmcb_pa = 0;
    svm::GuestRegs regs{};
    uint32_t asid = 0;
    uint64_t asid_generation = 0; ///< of the pCPU it was allocated on
    int last_cpu = -1;
    bool down = false; // HLT with interrupts off took this vCPU down
};

/// Allocate and initialise the VMCB for PVH entry: 32-bit protected mode,
/// paging off, flat segments, EIP = entry, EBX = start_info_gpa (Xen's
/// docs/misc/pvh.pandoc). -ENOMEM.
[[nodiscard]] Status vcpu_arch_init(Vcpu& v, uint64_t entry, uint64_t start_info_gpa);
void vcpu_arch_destroy(Vcpu& v);

/// Run v on this pCPU until it blocks, yields, dies or the pCPU must
/// reschedule. Called by the scheduler with interrupts enabled.
void vcpu_run(Vcpu& v);

/// Make the event-channel upcall reach v: the domain's callback vector
/// (HVM_PARAM_CALLBACK_IRQ of type vector, which bypasses the LAPIC) or v's
/// own upcall vector (HVMOP_set_evtchn_upcall_vector, through the LAPIC,
/// needs an EOI); wake v if it is blocked. Safe from any pCPU.
void vcpu_pend_upcall(Vcpu& v);
/// Interrupt v's pCPU so that v notices new work (a no-op if v is not
/// running there).
void vcpu_kick(Vcpu& v);

/// The (domain-relative) TSC offset: guest TSC = host TSC + offset.
void domain_arch_set_tsc_offset(Domain& d, uint64_t offset);

} // namespace cxen::arch
