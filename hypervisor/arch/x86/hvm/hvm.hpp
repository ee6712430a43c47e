// Internal to the vendor-neutral HVM layer (hypervisor/arch/x86/hvm/*.cpp)
// and the exit handlers of its backends: the handlers an exit reaches
// (CPUID, MSR, XSETBV, HLT, hypercall, port I/O, nested page faults, CR
// writes), the FPU switch, vCPU power state and interrupt delivery. All of
// it reaches the guest's state through hvm_funcs (hvm_ops.hpp), never a
// vendor's control block.
#pragma once

#include <cstdint>

#include "arch/vcpu.hpp"
#include "arch/x86.hpp"
#include "arch/x86/hvm/hvm_ops.hpp"
#include "arch/x86/hvm/insn_decode.hpp"
#include "common/domain.hpp"

namespace cxen::arch::hvm {

using namespace cxen::x86; // CR0_*, CR4_*, EFER_*, MSR_* (msr_index.hpp, x86_defns.hpp)

/// Xen's hypercall-page MSR (CPUID 0x40000002 EBX: the base of the range
/// Xen answers; one page, so index 0 only).
constexpr uint32_t xen_hypercall_msr = 0x40000000;
/// xAPIC MMIO window (Xen requires it at its default address).
constexpr uint64_t apic_default_base = 0xfee00000;
/// Xen's HVM debug console (XEN_HVM_DEBUGCONS_IOPORT): OUT writes a byte.
constexpr uint16_t debugcon_port = 0xe9;

// ---- instruction completion and exceptions ----
inline void advance(Vcpu& v, unsigned len) { hvm_funcs.advance_rip(v, len); }
inline void inject_exception(Vcpu& v, uint8_t vector) {
    hvm_funcs.inject_event(v, {HvmEvent::hw_exception, vector, false, 0});
}
inline void inject_exception(Vcpu& v, uint8_t vector, uint32_t error_code) {
    hvm_funcs.inject_event(v, {HvmEvent::hw_exception, vector, true, error_code});
}
inline void inject_gp(Vcpu& v) { inject_exception(v, 13, 0); }
inline void inject_ud(Vcpu& v) { inject_exception(v, 6); }

/// Long mode with a 64-bit CS: hypercall arguments are 64-bit.
inline bool guest_64bit(const Vcpu& v) {
    return (guest_efer(v) & EFER_LMA) && (guest_segment(v, Seg::cs).attr & SEG_ATTR_L);
}

// ---- hypercall.cpp ----
/// Fill the guest page at `gpa` with hypercall stubs (hvm_funcs.init_hypercall_page).
void write_hypercall_page(Vcpu& v, uint64_t gpa);
/// The guest's hypercall instruction of `len` bytes (Xen's hvm_hypercall):
/// -EPERM above CPL 0, arguments by mode, a continuation re-runs it.
Exit hypercall(Vcpu& v, unsigned len);

// ---- ipi.cpp ----
/// Deliver what a vLAPIC ICR write asks for (fixed, NMI, INIT, STARTUP).
void deliver_ipi(Vcpu& src, const VlapicEffect& e);

// ---- vcpu_power.cpp: vCPU power state (Xen's VPF_down, is_initialised) ----
/// INIT (SDM 11.6.1): the vCPU is reset and waits for STARTUP.
void deliver_init(Vcpu& t);
/// STARTUP: a vCPU waiting for SIPI starts in real mode at vector << 12.
void deliver_startup(Vcpu& t, uint8_t vector);
/// Apply a start request made by another pCPU (on v's own pCPU, v not in
/// guest mode).
void apply_start(Vcpu& v);
/// XEN_DOMCTL_sethvmcontext (save.cpp), with v's domain paused and v off
/// its pCPU: v goes down without the "last vCPU down" power-off (Xen's
/// hvm_load setting VPF_down), and a loaded CPU record brings it up
/// with its state (the end of Xen's hvm_load_cpu_ctxt).
void vcpu_load_down(Vcpu& v);
void vcpu_loaded_up(Vcpu& v);
/// HLT of `len` bytes: block until an interrupt; with IF=0 the vCPU goes
/// down (Xen's hvm_hlt).
Exit hlt(Vcpu& v, unsigned len);

// ---- interrupt.cpp: which interrupt the guest gets, and when ----
/// Would an interrupt wake v from HLT (Xen's local_events_need_delivery)?
bool has_pending_interrupt(Vcpu& v);
/// Before each entry, interrupts off: inject the most urgent pending event
/// or ask for an interrupt window (the decisions of Xen's hvm_intr_assist).
void inject_pending(Vcpu& v);
/// The vLAPIC timer's expiry (a common timer on v's pCPU).
void lapic_timer_fn(void* data);

// ---- fpu.cpp: the guest FPU/SSE/AVX state ----
struct FpuCaps {
    bool xsave = false;
    bool xsaveopt = false;
    uint64_t xcr0_mask = XCR0_X87 | XCR0_SSE; ///< what guests may enable: x87, SSE, AVX
    /// Every component the pCPU supports: the RFBM and XCR0 of every switch
    /// (a guest XSETBV that is not intercepted can enable any of them).
    uint64_t xsave_mask = XCR0_X87 | XCR0_SSE;
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
/// XSETBV of `len` bytes.
Exit xsetbv(Vcpu& v, unsigned len);

// ---- cpuid.cpp, msr.cpp ----
/// CPUID as the guest sees it (the CPUID exit's answer, without the exit).
x86::CpuidRegs guest_cpuid(Vcpu& v, uint32_t leaf, uint32_t sub);
/// CPUID of the hvm_max policy (cpu_policy.cpp): what guest_cpuid gives
/// vCPU 0 of a one-vCPU domain at reset, with no policy set.
x86::CpuidRegs max_policy_cpuid(uint32_t leaf, uint32_t sub);
/// The CPUID instruction of `len` bytes (Xen's hvm_vmexit_cpuid).
Exit cpuid_intercept(Vcpu& v, unsigned len);
/// RDMSR/WRMSR policy (Xen's hvm_msr_read_intercept / hvm_msr_write_intercept).
/// False: #GP, nothing changed.
[[nodiscard]] bool msr_read(Vcpu& v, uint32_t msr, uint64_t& result);
[[nodiscard]] bool msr_write(Vcpu& v, uint32_t msr, uint64_t value);
/// RDMSR/WRMSR of `len` bytes: ECX, EDX:EAX, #GP or completion.
Exit msr_intercept(Vcpu& v, bool write, unsigned len);

/// The vLAPIC's register `msr` (x2APIC numbering) read or written, with the
/// side effects of a write (IPI, timer). False: #GP in x2APIC terms.
[[nodiscard]] bool vlapic_reg_access(Vcpu& v, uint32_t msr, bool write, uint64_t value, uint64_t& result);
inline bool apic_x2apic_mode(const Vcpu& v) {
    return (v.arch.apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}
/// IA32_APIC_BASE.EN: a hardware-disabled APIC delivers nothing (Xen's vlapic_enabled()).
inline bool apic_hw_enabled(const Vcpu& v) { return v.arch.apic_base & APIC_BASE_EN; }
inline bool apic_xapic_mode(const Vcpu& v) {
    return (v.arch.apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN;
}

// ---- cr.cpp: checked writes of CR0/CR3/CR4/EFER/PAT (false: #GP, nothing changed) ----
/// MAXPHYADDR the guest sees (CPUID 0x80000008, passed through).
unsigned guest_maxphysaddr();
/// CR4 bits the guest may set: what its CPUID offers (Xen's hvm_cr4_guest_valid_bits).
uint64_t cr4_guest_valid_bits(Vcpu& v);
/// Why `value` (LMA included) is not a valid EFER for v, or nullptr (Xen's hvm_efer_valid).
const char* efer_invalid(Vcpu& v, uint64_t value);
[[nodiscard]] bool set_cr0(Vcpu& v, uint64_t value);
[[nodiscard]] bool set_cr3(Vcpu& v, uint64_t value);
[[nodiscard]] bool set_cr4(Vcpu& v, uint64_t value);
[[nodiscard]] bool set_efer(Vcpu& v, uint64_t value);
/// Every PAT entry a valid memory type (0, 1, 4, 5, 6, 7).
bool pat_valid(uint64_t value);

// ---- emulate.cpp: instructions completed by the hypervisor ----
/// An intercepted write of CR`cr` (MOV to CR0/CR3/CR4, CLTS, LMSW).
Exit cr_write(Vcpu& v, unsigned cr);
/// A nested page fault on a gfn without RAM: complete the access as
/// Xen's null handler (reads all ones, writes dropped) or #GP.
Exit mmio_hole(Vcpu& v, uint64_t gpa, const NpfAccess& access);

// ---- io.cpp: port I/O and nested page faults ----
/// A nested page fault at `gpa` (Xen's hvm_hap_nested_page_fault): an
/// MMIO hole is emulated, a write to a read-only grant is #GP, anything
/// else crashes the domain.
Exit nested_page_fault(Vcpu& v, uint64_t gpa, const NpfAccess& access);
/// Non-string port I/O of `size` bytes (the debug console; other ports
/// read all ones, writes dropped). The backend completes the instruction.
void portio(Vcpu& v, uint16_t port, unsigned size, bool in);

} // namespace cxen::arch::hvm
