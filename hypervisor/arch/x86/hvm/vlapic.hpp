// The emulated local APIC of an HVM/PVH vCPU, by x2APIC register (cxen
// starts every vCPU with IA32_APIC_BASE.EXTD set, docs pvh-guest-abi.md §12;
// a guest that switches to xAPIC mode reaches the same registers through
// the MMIO window, hvm/svm/emulate.cpp). Source: Intel SDM Vol. 3,
// chapter 11 (x2APIC register map: table 11-6; priorities 11.8.3; ISR/IRR
// and EOI 11.8.4-11.8.5; timer 11.5.4); Xen xen/arch/x86/hvm/vlapic.c for
// the choices the SDM leaves open (1 GHz bus clock, version 0x50014).
//
// This is the pure state machine: registers, IRR/ISR/TMR, PPR, the timer's
// arithmetic. It touches no hardware and takes no lock, so it builds into
// the host unit tests; the caller (hvm/svm/vcpu.cpp) holds the vCPU's
// vLAPIC lock, performs the side effects a write asks for (VlapicEffect:
// send an IPI, re-arm the timer) and injects what pending_vector() returns.
#pragma once

#include <cstdint>

namespace cxen::arch {

/// x2APIC MSR numbers (Intel SDM Vol. 3, table 11-6).
enum X2apicMsr : uint32_t {
    x2apic_msr_first = 0x800, x2apic_id = 0x802, x2apic_version = 0x803, x2apic_tpr = 0x808,
    x2apic_ppr = 0x80a, x2apic_eoi = 0x80b, x2apic_ldr = 0x80d, x2apic_svr = 0x80f,
    x2apic_isr0 = 0x810, x2apic_tmr0 = 0x818, x2apic_irr0 = 0x820, x2apic_esr = 0x828,
    x2apic_lvt_cmci = 0x82f, x2apic_icr = 0x830, x2apic_lvt_timer = 0x832, x2apic_lvt_thermal = 0x833,
    x2apic_lvt_pmc = 0x834, x2apic_lvt_lint0 = 0x835, x2apic_lvt_lint1 = 0x836, x2apic_lvt_error = 0x837,
    x2apic_timer_icr = 0x838, x2apic_timer_ccr = 0x839, x2apic_timer_dcr = 0x83e, x2apic_self_ipi = 0x83f,
    x2apic_msr_last = 0x8ff,
};

/// ICR fields (SDM 11.6.1).
enum IcrDeliveryMode : uint32_t {
    icr_fixed = 0, icr_lowest = 1, icr_smi = 2, icr_nmi = 4, icr_init = 5, icr_startup = 6,
};
enum IcrShorthand : uint32_t { icr_dest_field = 0, icr_self = 1, icr_all = 2, icr_all_but_self = 3 };

constexpr uint32_t lvt_masked = 1u << 16;
constexpr uint32_t svr_enabled = 1u << 8;
constexpr uint32_t vlapic_version_value = 0x00050014; ///< version 0x14, 6 LVT entries (Xen's)

/// What a register write asks the caller to do after dropping the lock.
struct VlapicEffect {
    enum Kind : uint8_t { none, send_ipi, timer_changed } kind = none;
    // send_ipi: the ICR as written (x2APIC: destination in bits 63:32).
    uint32_t vector = 0;
    IcrDeliveryMode mode = icr_fixed;
    IcrShorthand shorthand = icr_dest_field;
    bool level_assert = true; ///< ICR bit 14; an INIT with it clear is "INIT level de-assert"
    bool logical = false;     ///< ICR bit 11
    uint32_t dest = 0;
};

/// Result of an MSR access: ok, or the guest gets #GP.
enum class VlapicAccess : uint8_t { ok, gp };

class Vlapic {
  public:
    /// Power-on / INIT state with x2APIC ID `x2apic_id` (SDM 11.4.7.1: IRR,
    /// ISR, TMR, ICR, LDR, TPR, timer zeroed; LVTs masked; SVR = 0xFF).
    void reset(uint32_t x2apic_id);

    /// RDMSR of 0x800-0x8FF. `now_ns` feeds the current-count register.
    [[nodiscard]] VlapicAccess read(uint32_t msr, uint64_t now_ns, uint64_t& value) const;
    /// WRMSR of 0x800-0x8FF. Reserved bits, read-only registers and
    /// unknown registers give #GP as in x2APIC mode.
    [[nodiscard]] VlapicAccess write(uint32_t msr, uint64_t value, uint64_t now_ns, VlapicEffect& effect);

    /// Accept a fixed interrupt (an IPI, the LAPIC timer, the per-vCPU
    /// event-channel upcall vector): set its IRR bit (edge, TMR clear).
    /// Vectors 0-15 are illegal (SDM 11.5.3: "receive illegal vector",
    /// ESR bit 6) and dropped. Returns whether the bit was newly set.
    bool set_irr(uint8_t vector);

    /// Highest IRR vector that may interrupt now (its priority class above
    /// PPR's, APIC software-enabled), or -1.
    int pending_vector() const;
    /// The vector is being delivered to the guest: IRR -> ISR (SDM 11.8.4).
    void acknowledge(uint8_t vector);

    /// Is the interrupt in IRR at all (HLT wake-up: IRR > PPR)?
    bool has_pending() const { return pending_vector() >= 0; }

    // ---- timer ----
    /// Absolute deadline (now_ns base) of the next timer interrupt, or 0
    /// when the timer is not running.
    uint64_t timer_deadline_ns() const { return timer_deadline_ns_; }
    /// The deadline passed: raise the LVT timer vector (unless masked),
    /// reload a periodic timer. Returns the new deadline or 0.
    uint64_t timer_expired(uint64_t now_ns);

    uint32_t id() const { return id_; }
    uint32_t tpr() const { return tpr_; }
    uint32_t ppr() const;
    bool software_enabled() const { return svr_ & svr_enabled; }
    bool irr_test(uint8_t v) const { return test(irr_, v); }
    bool isr_test(uint8_t v) const { return test(isr_, v); }
    uint32_t lvt(unsigned index) const { return lvt_[index]; }

  private:
    static bool test(const uint32_t (&bits)[8], uint8_t v) { return bits[v / 32] & (1u << (v % 32)); }
    static int highest(const uint32_t (&bits)[8]);
    /// Record errors in ESR (latched by the next ESR write) and raise the
    /// LVT error interrupt for them (Xen's vlapic_error).
    void error(uint32_t esr_bits);
    uint64_t timer_tick_ns() const;
    uint64_t timer_current_count(uint64_t now_ns) const;
    void timer_start(uint64_t now_ns);

    uint32_t id_ = 0;
    uint32_t tpr_ = 0;
    uint32_t svr_ = 0xff;
    uint32_t esr_ = 0, esr_pending_ = 0;
    uint64_t icr_ = 0;
    uint32_t irr_[8] = {}, isr_[8] = {}, tmr_[8] = {};
    uint32_t lvt_[6] = {}; ///< timer, thermal, PMC, LINT0, LINT1, error
    uint32_t timer_initial_ = 0, timer_dcr_ = 0;
    uint64_t timer_start_ns_ = 0;    ///< when the current count was last initial_
    uint64_t timer_deadline_ns_ = 0; ///< 0: not running
};

/// Bus clock of the emulated APIC: one tick per ns before the divider, as
/// Xen's vlapic (APIC_BUS_CYCLE_NS = 1).
constexpr uint64_t vlapic_bus_tick_ns = 1;
/// Shortest periodic timer cxen emulates (a period of 1 tick would keep a
/// pCPU busy injecting); shorter periods are stretched to this.
constexpr uint64_t vlapic_min_period_ns = 10'000;

} // namespace cxen::arch
