// The vendor interface of the HVM layer, as Xen's struct hvm_function_table
// (xen/arch/x86/include/asm/hvm/hvm.h): everything in hvm/ that needs the
// guest's registers, control registers, segments or event injection asks
// through `hvm_funcs`, filled once at boot by the vendor backend that the
// CPU supports (today SVM: svm/vcpu.cpp). A VMX backend would provide the
// same table from hvm/vmx/ without changes to hvm/.
//
// Conventions every backend keeps:
//  - Values are what the guest sees: EFER without SVME (which SVM needs set
//    in the VMCB), CR0/CR3/CR4 as the guest wrote them.
//  - Setters store without checking; the architectural checks (hvm/cr.cpp,
//    hvm/vcpu_power.cpp) run before them, so the next VM entry never meets
//    a state the hardware refuses.
//  - Only the vCPU's own pCPU calls them, with the vCPU not in guest mode
//    (the control block is not shared). Exceptions: VCPUOP_initialise
//    reads the CPUID policy (CR4.OSXSAVE) of a target vCPU that is not
//    initialised, so not running; XEN_DOMCTL_get/sethvmcontext (save.cpp)
//    read and write a vCPU whose domain is paused and which has left its
//    pCPU (its state is then all in memory, VMSAVE'd).
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"

struct hvm_hw_cpu; // public/arch-x86/hvm/save.h

namespace cxen {
struct Vcpu;
}

namespace cxen::arch::hvm {

/// Segment registers, in the order of Xen's enum x86_segment (and of the
/// instruction decoder's segment numbers, insn_decode.hpp).
enum class Seg : uint8_t { es, cs, ss, ds, fs, gs, tr, ldtr, gdtr, idtr };

/// A segment register (Xen's struct segment_register): `attr` is the
/// compressed 12-bit descriptor attribute field (type, S, DPL, P, AVL, L,
/// D/B, G). GDTR and IDTR use base and limit only.
struct SegmentRegister {
    uint16_t sel;
    uint16_t attr;
    uint32_t limit;
    uint64_t base;
};

/// An event for the guest at its next entry (Xen's struct x86_event).
struct HvmEvent {
    enum Type : uint8_t { ext_intr, nmi, hw_exception } type;
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
};

/// What the run loop does after an exit handler.
enum class Exit { resume, reschedule };

/// Where a nested page fault happened (decoded by the backend from its
/// exit information: SVM's EXITINFO1, VMX's exit qualification).
struct NpfAccess {
    bool present;      ///< the gfn had a translation
    bool write;
    bool fetch;
    bool in_walk;      ///< during the guest's own page-table walk
    uint64_t raw;      ///< the vendor's error word, for logs
};

struct HvmFunctionTable {
    const char* name;

    /// Enable the backend on the calling pCPU (boot CPU and each AP).
    Status (*cpu_up)();

    // ---- vCPU lifetime ----
    /// Allocate and set up the control block: intercepts, I/O and MSR
    /// maps, the nested-paging root, DR6/DR7 and PAT at their reset
    /// values. -ENOMEM.
    Status (*vcpu_initialise)(Vcpu& v);
    void (*vcpu_destroy)(Vcpu& v);
    /// The INIT state of what only the control block holds: DR6/DR7 and
    /// DR0-3, CPL 0, PAT, the syscall MSRs, no interrupt shadow, no queued
    /// event, no interrupt window, a fresh TLB tag at the next entry.
    void (*vcpu_reset_state)(Vcpu& v);

    // ---- registers ----
    uint64_t (*get_cr)(const Vcpu& v, unsigned cr); ///< CR0, CR2, CR3, CR4
    void (*set_cr)(Vcpu& v, unsigned cr, uint64_t value);
    uint64_t (*get_efer)(const Vcpu& v);
    void (*set_efer)(Vcpu& v, uint64_t value);
    SegmentRegister (*get_segment)(const Vcpu& v, Seg seg);
    void (*set_segment)(Vcpu& v, Seg seg, const SegmentRegister& reg);
    unsigned (*get_cpl)(const Vcpu& v);
    void (*set_cpl)(Vcpu& v, unsigned cpl);
    /// GPR n: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15.
    uint64_t (*get_gpr)(const Vcpu& v, unsigned n);
    void (*set_gpr)(Vcpu& v, unsigned n, uint64_t value);
    uint64_t (*get_rip)(const Vcpu& v);
    void (*set_rip)(Vcpu& v, uint64_t value);
    uint64_t (*get_rflags)(const Vcpu& v);
    void (*set_rflags)(Vcpu& v, uint64_t value);
    /// The one-instruction interrupt shadow (after STI or MOV SS).
    bool (*interrupt_shadow)(const Vcpu& v);
    /// Complete an intercepted instruction of `len` bytes: RIP += len and
    /// the interrupt shadow ends (Xen's update_guest_eip / __update_guest_eip).
    void (*advance_rip)(Vcpu& v, unsigned len);
    uint64_t (*get_guest_pat)(const Vcpu& v);
    void (*set_guest_pat)(Vcpu& v, uint64_t value);
    /// The CPU save record's fields only the control block holds (Xen's
    /// save_cpu_ctxt / load_cpu_ctxt): DR6, DR7, the SYSENTER and SYSCALL
    /// MSRs, the shadow GS base, the queued event. The record is checked
    /// before load (save_format.hpp).
    void (*save_cpu_ctxt)(const Vcpu& v, ::hvm_hw_cpu& c);
    void (*load_cpu_ctxt)(Vcpu& v, const ::hvm_hw_cpu& c);
    /// Guest TSC = host TSC + offset (0 for a vCPU without a control block).
    uint64_t (*get_tsc_offset)(const Vcpu& v);
    void (*set_tsc_offset)(Vcpu& v, uint64_t offset);

    // ---- events ----
    /// An event is already queued for the next entry (an exception, or one
    /// whose delivery an exit cut short).
    bool (*event_pending)(const Vcpu& v);
    /// Queue `e` for the next entry, replacing anything queued.
    void (*inject_event)(Vcpu& v, const HvmEvent& e);
    /// Ask for an exit as soon as the guest can take an external interrupt
    /// (open), or stop asking (Xen's enable_intr_window).
    void (*set_interrupt_window)(Vcpu& v, bool open);

    // ---- running ----
    /// Before the first entry on pCPU `cpu` after v was scheduled: TLB tag
    /// (ASID/VPID) when v moved, branch-predictor barrier, debug registers.
    void (*ctxt_switch_to)(Vcpu& v, unsigned cpu);
    /// After the last exit before v is descheduled.
    void (*ctxt_switch_from)(Vcpu& v);
    /// The guest's translations changed (ArchVcpu::tlb_stale): a fresh TLB
    /// tag for the next entry. Interrupts off, just before it.
    void (*flush_guest_tlb)(Vcpu& v);
    /// One guest entry, interrupts off, events already injected: enter,
    /// and on the exit re-queue an event it cut short and handle the exit
    /// (the backend's exit table, which calls into hvm/).
    Exit (*enter_guest)(Vcpu& v);

    /// Fill a hypercall page: stub n at n * 32 does `mov $n, %eax`, the
    /// vendor's hypercall instruction, `ret` (Xen's init_hypercall_page).
    void (*init_hypercall_page)(uint8_t* page);
};

/// The backend chosen at boot (hvm_enable()); all pointers set once it is.
extern HvmFunctionTable hvm_funcs;

/// Pick the backend the CPU supports (Xen's hvm_enable()); the caller then
/// enables it on the boot CPU with hvm_cpu_up(). An error (-ENODEV, -EPERM
/// when firmware disabled it): no hardware virtualisation, no guests run.
[[nodiscard]] Status hvm_enable();
/// Enable the chosen backend on this CPU (after hvm_enable()).
[[nodiscard]] Status hvm_cpu_up();
/// Whether hvm_enable() found a backend.
bool hvm_enabled();

// ---- short forms used throughout hvm/ ----
inline uint64_t guest_cr0(const Vcpu& v) { return hvm_funcs.get_cr(v, 0); }
inline uint64_t guest_cr3(const Vcpu& v) { return hvm_funcs.get_cr(v, 3); }
inline uint64_t guest_cr4(const Vcpu& v) { return hvm_funcs.get_cr(v, 4); }
inline uint64_t guest_efer(const Vcpu& v) { return hvm_funcs.get_efer(v); }
inline SegmentRegister guest_segment(const Vcpu& v, Seg s) { return hvm_funcs.get_segment(v, s); }
inline uint64_t guest_gpr(const Vcpu& v, unsigned n) { return hvm_funcs.get_gpr(v, n); }
inline void set_guest_gpr(Vcpu& v, unsigned n, uint64_t value) { hvm_funcs.set_gpr(v, n, value); }
inline uint64_t guest_rip(const Vcpu& v) { return hvm_funcs.get_rip(v); }
inline uint64_t guest_rflags(const Vcpu& v) { return hvm_funcs.get_rflags(v); }

/// GPR numbers (hvm_funcs.get_gpr).
enum Gpr : unsigned { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };

} // namespace cxen::arch::hvm
