// Internal to the SVM vCPU code (vcpu.cpp and the exit handlers split out
// of it: cpuid.cpp, msr.cpp, fpu.cpp): shared constants, the exit-handler
// result, instruction-completion and exception-injection helpers.
#pragma once

#include <cstdint>

#include "arch/vcpu.hpp"
#include "arch/x86.hpp"
#include "arch/x86/hvm/insn_decode.hpp"
#include "arch/x86/hvm/svm/vmcb.hpp"
#include "common/domain.hpp"

namespace cxen::arch::hvm {

using svm::Vmcb;

constexpr uint64_t CR0_PE = 1, CR0_MP = 1ull << 1, CR0_EM = 1ull << 2, CR0_TS = 1ull << 3, CR0_ET = 1ull << 4,
                   CR0_NE = 1ull << 5, CR0_WP = 1ull << 16, CR0_AM = 1ull << 18, CR0_NW = 1ull << 29,
                   CR0_CD = 1ull << 30, CR0_PG = 1ull << 31;
constexpr uint64_t CR4_PAE = 1ull << 5, CR4_OSFXSR = 1ull << 9, CR4_OSXMMEXCPT = 1ull << 10,
                   CR4_OSXSAVE = 1ull << 18;
constexpr uint64_t EFER_SVME = 1ull << 12, EFER_LMA = 1ull << 10, EFER_LME = 1ull << 8;
constexpr uint64_t xcr0_x87 = 1, xcr0_sse = 2, xcr0_avx = 4;
constexpr uint32_t hypercall_msr = 0x40000000; // CPUID 0x40000002 EBX
constexpr uint32_t MSR_TSC_AUX = 0xc0000103;

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
/// CPUID as the guest sees it (on_cpuid's answer, without the exit).
x86::CpuidRegs guest_cpuid(Vcpu& v, const Vmcb& vm, uint32_t leaf, uint32_t sub);
Exit on_cpuid(Vcpu& v, Vmcb& vm);
Exit on_msr(Vcpu& v, Vmcb& vm);

/// The vLAPIC's register `msr` (x2APIC numbering) read or written, with the
/// side effects of a write (IPI, timer). False: #GP in x2APIC terms.
[[nodiscard]] bool vlapic_reg_access(Vcpu& v, uint32_t msr, bool write, uint64_t value, uint64_t& result);
/// xAPIC MMIO window (Xen requires it at its default address).
constexpr uint64_t apic_default_base = 0xfee00000;
inline bool apic_x2apic_mode(const Vcpu& v) {
    return (v.arch.apic_base & (x86::APIC_BASE_EN | x86::APIC_BASE_EXTD)) == (x86::APIC_BASE_EN | x86::APIC_BASE_EXTD);
}
/// IA32_APIC_BASE.EN: a hardware-disabled APIC delivers nothing (Xen's vlapic_enabled()).
inline bool apic_hw_enabled(const Vcpu& v) { return v.arch.apic_base & x86::APIC_BASE_EN; }
inline bool apic_xapic_mode(const Vcpu& v) {
    return (v.arch.apic_base & (x86::APIC_BASE_EN | x86::APIC_BASE_EXTD)) == x86::APIC_BASE_EN;
}

// ---- cr.cpp: checked writes of CR0/CR3/CR4/EFER/PAT (false: #GP, nothing changed) ----
/// MAXPHYADDR the guest sees (CPUID 0x80000008, passed through).
unsigned guest_maxphysaddr();
/// CR4 bits the guest may set: what its CPUID offers (Xen's hvm_cr4_guest_valid_bits).
uint64_t cr4_guest_valid_bits(Vcpu& v, const Vmcb& vm);
/// Why `value` (LMA included) is not a valid EFER for v, or nullptr (Xen's hvm_efer_valid).
const char* efer_invalid(Vcpu& v, const Vmcb& vm, uint64_t value);
[[nodiscard]] bool set_cr0(Vcpu& v, Vmcb& vm, uint64_t value);
[[nodiscard]] bool set_cr3(Vcpu& v, Vmcb& vm, uint64_t value);
[[nodiscard]] bool set_cr4(Vcpu& v, Vmcb& vm, uint64_t value);
[[nodiscard]] bool set_efer(Vcpu& v, Vmcb& vm, uint64_t value);
/// Every PAT entry a valid memory type (0, 1, 4, 5, 6, 7).
bool pat_valid(uint64_t value);

// ---- emulate.cpp: instructions completed by the hypervisor ----
/// GPR n (0 RAX ... 15 R15) of v; RAX and RSP live in the VMCB.
uint64_t& guest_gpr(Vcpu& v, Vmcb& vm, unsigned n);
/// CR write intercepts (MOV to CR0/CR3/CR4, CLTS, LMSW).
Exit on_cr_write(Vcpu& v, Vmcb& vm);
/// A nested page fault on a gfn without RAM: complete the access as
/// Xen's null handler (reads all ones, writes dropped) or #GP.
Exit on_mmio_hole(Vcpu& v, Vmcb& vm);

} // namespace cxen::arch::hvm
