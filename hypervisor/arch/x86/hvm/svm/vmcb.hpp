// The Virtual Machine Control Block. Source: AMD64 Architecture
// Programmer's Manual Vol. 2, Appendix B (layout), 15.15.3 (clean bits).
//
// Fields that a VMCB clean bit covers are private and written through
// setters that clear that bit, so that a store cannot forget it: a CPU that
// caches VMCB state (VMCB clean bits feature) would otherwise run with the
// stale value. QEMU's SVM has no clean-bit support and reloads everything.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cxen::svm {

/// VMCB clean bits (APM 15.15.3).
enum CleanBit : uint32_t {
    clean_intercepts = 1u << 0, // intercept vectors, TSC offset, pause filter
    clean_iopm = 1u << 1,       // IOPM_BASE, MSRPM_BASE
    clean_asid = 1u << 2,
    clean_tpr = 1u << 3,        // V_TPR .. V_INTR_VECTOR
    clean_np = 1u << 4,         // NP_ENABLE, N_CR3, G_PAT
    clean_cr = 1u << 5,         // CR0, CR3, CR4, EFER
    clean_dr = 1u << 6,         // DR6, DR7
    clean_dt = 1u << 7,         // GDTR, IDTR
    clean_seg = 1u << 8,        // CS, DS, SS, ES, CPL
    clean_cr2 = 1u << 9,
    clean_lbr = 1u << 10,
    clean_avic = 1u << 11,
};

/// Intercept bits of the misc1 word (VMCB offset 0x00C).
enum InterceptMisc1 : uint32_t {
    intercept_intr = 1u << 0, intercept_nmi = 1u << 1, intercept_smi = 1u << 2,
    intercept_init = 1u << 3, intercept_vintr = 1u << 4, intercept_rdpmc = 1u << 15,
    intercept_cpuid = 1u << 18, intercept_rsm = 1u << 19, intercept_invd = 1u << 22,
    intercept_pause = 1u << 23, intercept_hlt = 1u << 24, intercept_invlpga = 1u << 26,
    intercept_ioio = 1u << 27, intercept_msr = 1u << 28, intercept_task_switch = 1u << 29,
    intercept_shutdown = 1u << 31,
};
/// Intercept bits of the misc2 word (VMCB offset 0x010).
enum InterceptMisc2 : uint32_t {
    intercept_vmrun = 1u << 0, intercept_vmmcall = 1u << 1, intercept_vmload = 1u << 2,
    intercept_vmsave = 1u << 3, intercept_stgi = 1u << 4, intercept_clgi = 1u << 5,
    intercept_skinit = 1u << 6, intercept_rdtscp = 1u << 7, intercept_icebp = 1u << 8,
    intercept_wbinvd = 1u << 9, intercept_monitor = 1u << 10, intercept_mwait = 1u << 11,
    intercept_mwait_cond = 1u << 12, intercept_xsetbv = 1u << 13, intercept_rdpru = 1u << 14,
};

/// CR intercept word (VMCB offset 0x000): reads of CRn at bit n, writes at 16 + n.
constexpr uint32_t intercept_cr_write(unsigned cr) { return 1u << (16 + cr); }
/// DR intercept word (offset 0x004): reads of DRn at bit n, writes at 16 + n.
constexpr uint32_t intercept_dr_all = 0xffffffffu;

/// #VMEXIT codes (APM Appendix C).
enum ExitCode : uint64_t {
    exit_cr0_write = 0x10, exit_cr3_write = 0x13, exit_cr4_write = 0x14,
    exit_dr0_read = 0x20, exit_dr7_write = 0x3f,
    exit_excp_base = 0x40, exit_intr = 0x60, exit_nmi = 0x61, exit_smi = 0x62,
    exit_init = 0x63, exit_vintr = 0x64, exit_rdpmc = 0x6f, exit_cpuid = 0x72,
    exit_rsm = 0x73, exit_iret = 0x74, exit_swint = 0x75, exit_invd = 0x76,
    exit_pause = 0x77, exit_hlt = 0x78, exit_invlpg = 0x79, exit_invlpga = 0x7a,
    exit_ioio = 0x7b, exit_msr = 0x7c, exit_task_switch = 0x7d, exit_shutdown = 0x7f,
    exit_vmrun = 0x80, exit_vmmcall = 0x81, exit_vmload = 0x82, exit_vmsave = 0x83,
    exit_stgi = 0x84, exit_clgi = 0x85, exit_skinit = 0x86, exit_rdtscp = 0x87,
    exit_icebp = 0x88, exit_wbinvd = 0x89, exit_monitor = 0x8a, exit_mwait = 0x8b,
    exit_mwait_cond = 0x8c, exit_xsetbv = 0x8d, exit_rdpru = 0x8e, exit_npf = 0x400,
    exit_invalid = ~0ull,
};

/// EVENTINJ / EXITINTINFO encoding (APM 15.20).
enum EventType : uint64_t { event_intr = 0, event_nmi = 2, event_exception = 3, event_swint = 4 };
constexpr uint64_t eventinj_valid = 1ull << 31;
constexpr uint64_t eventinj_error_valid = 1ull << 11;
constexpr uint64_t make_event(uint8_t vector, EventType type) {
    return vector | (uint64_t{type} << 8) | eventinj_valid;
}
constexpr uint64_t make_event(uint8_t vector, EventType type, uint32_t error_code) {
    return make_event(vector, type) | eventinj_error_valid | (uint64_t{error_code} << 32);
}

/// A segment register as the VMCB stores it (attrib is the compressed
/// descriptor attribute field: type, S, DPL, P, AVL, L, D/B, G).
struct Segment {
    uint16_t sel;
    uint16_t attrib;
    uint32_t limit;
    uint64_t base;
};
static_assert(sizeof(Segment) == 16);

#define CXEN_VMCB_CLEAN_FIELD(type, name, bit)                                                     \
  public:                                                                                          \
    type name() const { return name##_; }                                                          \
    void set_##name(type v) {                                                                      \
        name##_ = v;                                                                               \
        clean_ &= ~(bit);                                                                          \
    }                                                                                              \
                                                                                                   \
  private:                                                                                         \
    type name##_

class alignas(4096) Vmcb {
    // ---- control area ----
    CXEN_VMCB_CLEAN_FIELD(uint32_t, intercept_cr, clean_intercepts);     // 0x000
    CXEN_VMCB_CLEAN_FIELD(uint32_t, intercept_dr, clean_intercepts);     // 0x004
    CXEN_VMCB_CLEAN_FIELD(uint32_t, intercept_exceptions, clean_intercepts); // 0x008
    CXEN_VMCB_CLEAN_FIELD(uint32_t, intercept_misc1, clean_intercepts);  // 0x00c
    CXEN_VMCB_CLEAN_FIELD(uint32_t, intercept_misc2, clean_intercepts);  // 0x010
    CXEN_VMCB_CLEAN_FIELD(uint32_t, intercept_misc3, clean_intercepts);  // 0x014
    uint8_t reserved_018[0x03c - 0x018];
    CXEN_VMCB_CLEAN_FIELD(uint16_t, pause_filter_threshold, clean_intercepts); // 0x03c
    CXEN_VMCB_CLEAN_FIELD(uint16_t, pause_filter_count, clean_intercepts); // 0x03e
    CXEN_VMCB_CLEAN_FIELD(uint64_t, iopm_base_pa, clean_iopm);           // 0x040
    CXEN_VMCB_CLEAN_FIELD(uint64_t, msrpm_base_pa, clean_iopm);          // 0x048
    CXEN_VMCB_CLEAN_FIELD(uint64_t, tsc_offset, clean_intercepts);       // 0x050
    CXEN_VMCB_CLEAN_FIELD(uint32_t, asid, clean_asid);                   // 0x058

  public:
    uint8_t tlb_control; // 0x05c: 0 nothing, 1 flush all, 3 flush this ASID, 7 non-global
    uint8_t reserved_05d[3];

  private:
    CXEN_VMCB_CLEAN_FIELD(uint64_t, vintr, clean_tpr); // 0x060: V_TPR, V_IRQ, V_INTR_MASKING...

  public:
    uint64_t interrupt_shadow; // 0x068: bit 0 shadow, bit 1 guest IF (GIF virt)
    uint64_t exitcode;         // 0x070
    uint64_t exitinfo1;        // 0x078
    uint64_t exitinfo2;        // 0x080
    uint64_t exitintinfo;      // 0x088

  private:
    CXEN_VMCB_CLEAN_FIELD(uint64_t, np_enable, clean_np); // 0x090

  public:
    uint64_t avic_apic_bar; // 0x098
    uint64_t ghcb_pa;       // 0x0a0
    uint64_t eventinj;      // 0x0a8

  private:
    CXEN_VMCB_CLEAN_FIELD(uint64_t, ncr3, clean_np); // 0x0b0
    CXEN_VMCB_CLEAN_FIELD(uint64_t, virt_ext, clean_lbr); // 0x0b8: LBR virt, VMSAVE/VMLOAD virt
    uint32_t clean_;                                 // 0x0c0
    uint32_t reserved_0c4;

  public:
    uint64_t nrip;              // 0x0c8 (only with the NRIP-save feature)
    uint8_t insn_len;           // 0x0d0 (only with decode assists)
    uint8_t insn_bytes[15];     // 0x0d1
    uint8_t reserved_0e0[0x400 - 0x0e0];

    // ---- state save area ----
  private:
    CXEN_VMCB_CLEAN_FIELD(Segment, es, clean_seg); // 0x400
    CXEN_VMCB_CLEAN_FIELD(Segment, cs, clean_seg); // 0x410
    CXEN_VMCB_CLEAN_FIELD(Segment, ss, clean_seg); // 0x420
    CXEN_VMCB_CLEAN_FIELD(Segment, ds, clean_seg); // 0x430

  public:
    Segment fs;   // 0x440 (VMLOAD/VMSAVE)
    Segment gs;   // 0x450
  private:
    CXEN_VMCB_CLEAN_FIELD(Segment, gdtr, clean_dt); // 0x460
  public:
    Segment ldtr; // 0x470
  private:
    CXEN_VMCB_CLEAN_FIELD(Segment, idtr, clean_dt); // 0x480
  public:
    Segment tr;   // 0x490
    uint8_t reserved_4a0[0x4cb - 0x4a0];
  private:
    CXEN_VMCB_CLEAN_FIELD(uint8_t, cpl, clean_seg); // 0x4cb
    uint32_t reserved_4cc;
    CXEN_VMCB_CLEAN_FIELD(uint64_t, efer, clean_cr); // 0x4d0
    uint8_t reserved_4d8[0x548 - 0x4d8];
    CXEN_VMCB_CLEAN_FIELD(uint64_t, cr4, clean_cr); // 0x548
    CXEN_VMCB_CLEAN_FIELD(uint64_t, cr3, clean_cr); // 0x550
    CXEN_VMCB_CLEAN_FIELD(uint64_t, cr0, clean_cr); // 0x558
    CXEN_VMCB_CLEAN_FIELD(uint64_t, dr7, clean_dr); // 0x560
    CXEN_VMCB_CLEAN_FIELD(uint64_t, dr6, clean_dr); // 0x568

  public:
    uint64_t rflags; // 0x570
    uint64_t rip;    // 0x578
    uint8_t reserved_580[0x5d8 - 0x580];
    uint64_t rsp;    // 0x5d8
    uint64_t s_cet;  // 0x5e0
    uint64_t ssp;    // 0x5e8
    uint64_t isst_addr; // 0x5f0
    uint64_t rax;    // 0x5f8
    uint64_t star;   // 0x600 (VMLOAD/VMSAVE from here to sysenter_eip)
    uint64_t lstar;  // 0x608
    uint64_t cstar;  // 0x610
    uint64_t sfmask; // 0x618
    uint64_t kernel_gs_base; // 0x620
    uint64_t sysenter_cs;    // 0x628
    uint64_t sysenter_esp;   // 0x630
    uint64_t sysenter_eip;   // 0x638
  private:
    CXEN_VMCB_CLEAN_FIELD(uint64_t, cr2, clean_cr2); // 0x640
    uint8_t reserved_648[0x668 - 0x648];
    CXEN_VMCB_CLEAN_FIELD(uint64_t, g_pat, clean_np); // 0x668
    CXEN_VMCB_CLEAN_FIELD(uint64_t, dbgctl, clean_lbr); // 0x670

  public:
    uint64_t br_from;        // 0x678
    uint64_t br_to;          // 0x680
    uint64_t last_excp_from; // 0x688
    uint64_t last_excp_to;   // 0x690
    uint8_t reserved_698[0x1000 - 0x698];

    /// Mark everything as changed (a new VMCB, or one moved to another pCPU).
    void mark_all_dirty() { clean_ = 0; }
    /// After a VMRUN, what the CPU may keep cached. cxen does not yet set
    /// clean bits (QEMU ignores them; TODO(#3): use them on hardware that
    /// has the feature, CPUID 0x8000000A EDX[5]).
    uint32_t clean() const { return clean_; }

    friend struct VmcbLayoutCheck;
};
#undef CXEN_VMCB_CLEAN_FIELD

// offsetof on a class mixing public and private members is conditionally
// supported; GCC computes it exactly as for a struct, which is what we check.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
struct VmcbLayoutCheck {
    static_assert(sizeof(Vmcb) == 4096);
    static_assert(offsetof(Vmcb, intercept_misc1_) == 0x00c);
    static_assert(offsetof(Vmcb, iopm_base_pa_) == 0x040);
    static_assert(offsetof(Vmcb, tsc_offset_) == 0x050);
    static_assert(offsetof(Vmcb, asid_) == 0x058);
    static_assert(offsetof(Vmcb, tlb_control) == 0x05c);
    static_assert(offsetof(Vmcb, vintr_) == 0x060);
    static_assert(offsetof(Vmcb, exitcode) == 0x070);
    static_assert(offsetof(Vmcb, exitintinfo) == 0x088);
    static_assert(offsetof(Vmcb, np_enable_) == 0x090);
    static_assert(offsetof(Vmcb, eventinj) == 0x0a8);
    static_assert(offsetof(Vmcb, ncr3_) == 0x0b0);
    static_assert(offsetof(Vmcb, clean_) == 0x0c0);
    static_assert(offsetof(Vmcb, nrip) == 0x0c8);
    static_assert(offsetof(Vmcb, es_) == 0x400);
    static_assert(offsetof(Vmcb, cs_) == 0x410);
    static_assert(offsetof(Vmcb, tr) == 0x490);
    static_assert(offsetof(Vmcb, cpl_) == 0x4cb);
    static_assert(offsetof(Vmcb, efer_) == 0x4d0);
    static_assert(offsetof(Vmcb, cr4_) == 0x548);
    static_assert(offsetof(Vmcb, cr0_) == 0x558);
    static_assert(offsetof(Vmcb, rflags) == 0x570);
    static_assert(offsetof(Vmcb, rip) == 0x578);
    static_assert(offsetof(Vmcb, rsp) == 0x5d8);
    static_assert(offsetof(Vmcb, rax) == 0x5f8);
    static_assert(offsetof(Vmcb, star) == 0x600);
    static_assert(offsetof(Vmcb, sysenter_eip) == 0x638);
    static_assert(offsetof(Vmcb, cr2_) == 0x640);
    static_assert(offsetof(Vmcb, g_pat_) == 0x668);
    static_assert(offsetof(Vmcb, last_excp_to) == 0x690);
};
#pragma GCC diagnostic pop

} // namespace cxen::svm
