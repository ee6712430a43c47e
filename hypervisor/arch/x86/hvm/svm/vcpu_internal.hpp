// Internal to the SVM vCPU code (vcpu.cpp and the exit handlers split out
// of it: cpuid.cpp, msr.cpp, fpu.cpp): shared constants, the exit-handler
// result, instruction-completion and exception-injection helpers.
#pragma once

#include <cstdint>

#include "arch/vcpu.hpp"
#include "arch/x86/hvm/svm/vmcb.hpp"
#include "common/domain.hpp"

namespace cxen::arch::hvm {

using svm::Vmcb;

constexpr uint64_t CR4_PAE = 1ull << 5, CR4_OSFXSR = 1ull << 9, CR4_OSXMMEXCPT = 1ull << 10,
                   CR4_OSXSAVE = 1ull << 18;
constexpr uint64_t EFER_SVME = 1ull << 12, EFER_LMA = 1ull << 10, EFER_LME = 1ull << 8;
constexpr uint64_t xcr0_x87 = 1, xcr0_sse = 2, xcr0_avx = 4;
constexpr uint32_t hypercall_msr = 0x40000000; // CPUID 0x40000002 EBX
constexpr uint32_t msr_tsc_aux = 0xc0000103;

/// What the run loop does after an exit handler.
enum class Exit { resume, reschedule };

/// Complete an intercepted instruction of `len` bytes (no NRIP save under
/// QEMU: the handler knows the length) and end any interrupt shadow.
inline void advance(Vmcb& vm, unsigned len) {
    vm.rip += len;
    vm.interrupt_shadow &= ~1ull;
}
inline void inject_exception(Vmcb& vm, uint8_t vector) {
    vm.eventinj = svm::make_event(vector, svm::event_exception);
}
inline void inject_gp(Vmcb& vm) { vm.eventinj = svm::make_event(13, svm::event_exception, 0); }

// ---- vcpu.cpp ----
/// Fill the guest page at `gpa` with hypercall stubs (mov $nr, %eax; vmmcall; ret).
void write_hypercall_page(Vcpu& v, uint64_t gpa);
/// Deliver what a vLAPIC ICR write asks for (fixed, NMI, INIT, STARTUP).
void deliver_ipi(Vcpu& src, const VlapicEffect& e);

// ---- fpu.cpp: the guest FPU/SSE/AVX state ----
struct FpuCaps {
    bool xsave = false;
    bool xsaveopt = false;
    uint64_t xcr0_mask = xcr0_x87 | xcr0_sse; ///< what guests may enable: x87, SSE, AVX
    /// Every component the pCPU supports: the RFBM and XCR0 of every switch
    /// (a guest XSETBV that is not intercepted can enable any of them).
    uint64_t xsave_mask = xcr0_x87 | xcr0_sse;
};
/// Probed on the boot CPU by the first vcpu_arch_init() (all pCPUs alike).
const FpuCaps& fpu();
/// Standard-format XSAVE area size for the components in `mask`.
uint32_t xsave_size(uint64_t mask);
/// Re-read the guest's XCR0 (QEMU 7.2 does not intercept XSETBV).
void sync_guest_xcr0(Vcpu& v);
void fpu_reset(Vcpu& v);
void fpu_load(Vcpu& v);
void fpu_save(Vcpu& v);
Exit on_xsetbv(Vcpu& v, Vmcb& vm);

// ---- cpuid.cpp, msr.cpp ----
Exit on_cpuid(Vcpu& v, Vmcb& vm);
Exit on_msr(Vcpu& v, Vmcb& vm);

} // namespace cxen::arch::hvm
