// AMD SVM: per-CPU enablement and the world switch (APM Vol. 2, chapter 15).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen::arch::hvm {
struct HvmFunctionTable;
}

namespace cxen::svm {

/// Guest general registers that the VMCB does not hold (RAX and RSP live in
/// the VMCB). Layout fixed by entry.S.
struct GuestRegs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};
static_assert(offsetof(GuestRegs, rsi) == 24 && offsetof(GuestRegs, r15) == 104);

/// CPUID 0x8000000A EDX feature bits that cxen looks at.
enum SvmFeature : uint32_t {
    feature_npt = 1u << 0,
    feature_nrips = 1u << 3,
    feature_vmcb_clean = 1u << 5,
    feature_flush_by_asid = 1u << 6,
    feature_decode_assists = 1u << 7,
};

struct SvmInfo {
    bool available;
    uint32_t nr_asids;
    uint32_t features; ///< CPUID 0x8000000A EDX
    bool ibpb;         ///< the CPU has IBPB (MSR_PRED_CMD)
    bool verw;         ///< VERW flushes microarchitectural buffers (VERW_CLEAR)
};
const SvmInfo& svm_info();

/// Detect SVM and NPT (CPUID 0x80000001 ECX[2], 0x8000000A) and check that
/// firmware has not disabled it (VM_CR.SVMDIS). Boot CPU only.
[[nodiscard]] Status svm_detect();
/// Enable SVM on this CPU: EFER.SVME, host save area, host VMLOAD image.
[[nodiscard]] Status svm_cpu_init();
/// svm_detect(), then the SVM backend of the HVM layer (Xen's start_svm()).
[[nodiscard]] Result<const arch::hvm::HvmFunctionTable*> start_svm();

/// Machine addresses of the shared all-ones I/O and MSR permission maps
/// (every port and MSR access exits).
paddr_t iopm_pa();
paddr_t msrpm_pa();
/// This CPU's VMLOAD image of the host's FS/GS/TR/LDTR and syscall MSRs.
paddr_t host_vmcb_pa();

/// Next ASID for a vCPU entering on this CPU; sets *flush when the
/// generation wrapped and the whole TLB must be flushed.
uint32_t asid_alloc(uint64_t& generation, bool& flush);
uint64_t asid_generation();

/// Before running vCPU `id` (domid << 16 | vcpu_id) on this pCPU: an
/// indirect-branch prediction barrier when the previous vCPU run here was
/// another one, as Xen's context_switch() with opt_ibpb_ctxt_switch (so no
/// guest trains the branch predictor for the next).
void enter_guest_context(uint32_t id);

} // namespace cxen::svm

extern "C" void svm_vmrun(cxen::paddr_t guest_vmcb_pa, cxen::svm::GuestRegs* regs,
                          cxen::paddr_t host_vmcb_pa);
