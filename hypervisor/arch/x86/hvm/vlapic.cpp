// The vLAPIC register state machine (see vlapic.hpp). No locking here: the
// caller holds the vCPU's vLAPIC lock around every call.
#include "arch/x86/hvm/vlapic.hpp"

namespace cxen::arch {

namespace {
// Writable bits of each LVT entry (SDM 11.5.1, figure 11-8); bit 12
// (delivery status) and LINT remote IRR (bit 14) are read-only. Reserved
// bits are dropped as Xen's vlapic_lvt_mask does. The timer has no
// TSC-deadline mode (CPUID.1:ECX[24] is not advertised).
constexpr uint32_t lvt_writable[6] = {
    0x000300ff, // timer: vector, mask, periodic
    0x000107ff, // thermal: vector, delivery mode, mask
    0x000107ff, // performance counters
    0x0001a7ff, // LINT0: + polarity, trigger mode
    0x0001a7ff, // LINT1
    0x000100ff, // error: vector, mask
};
constexpr uint32_t lvt_timer_periodic = 1u << 17;
constexpr uint32_t esr_send_illegal_vector = 1u << 5, esr_receive_illegal_vector = 1u << 6;
// ICR bits a guest may set in x2APIC mode: vector, delivery mode, dest mode,
// level, trigger, shorthand, destination (SDM 11.12.9).
constexpr uint64_t icr_writable = 0xffffffff000ccfffull;
constexpr unsigned lvt_index(uint32_t msr) { return msr - x2apic_lvt_timer; }
} // namespace

int Vlapic::highest(const uint32_t (&bits)[8]) {
    for (int i = 7; i >= 0; --i)
        if (bits[i]) return i * 32 + 31 - __builtin_clz(bits[i]);
    return -1;
}

void Vlapic::reset(uint32_t x2apic_id) {
    *this = Vlapic{};
    id_ = x2apic_id;
    for (uint32_t& l : lvt_) l = lvt_masked;
}

uint32_t Vlapic::ppr() const {
    // SDM 11.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0.
    const int isrv = highest(isr_);
    const uint32_t isr_class = isrv < 0 ? 0 : static_cast<uint32_t>(isrv) & 0xf0;
    return (tpr_ & 0xf0) >= isr_class ? tpr_ & 0xff : isr_class;
}

void Vlapic::error(uint32_t mask) {
    // Xen's vlapic_error(): an unmasked LVT error entry raises its vector;
    // an illegal one there cannot be raised and counts as received illegal.
    if ((esr_pending_ & mask) == mask) return;
    const uint32_t lvterr = lvt_[lvt_index(x2apic_lvt_error)];
    bool raise = false;
    if (!(lvterr & lvt_masked)) {
        if ((lvterr & 0xff) >= 16) raise = true;
        else mask |= esr_receive_illegal_vector;
    }
    esr_pending_ |= mask;
    if (raise) set_irr(static_cast<uint8_t>(lvterr));
}

bool Vlapic::set_irr(uint8_t vector) {
    if (vector < 16) {
        error(esr_receive_illegal_vector);
        return false;
    }
    uint32_t& word = irr_[vector / 32];
    const uint32_t bit = 1u << (vector % 32);
    const bool was = word & bit;
    word |= bit;
    tmr_[vector / 32] &= ~bit; // every interrupt cxen delivers is edge-triggered
    return !was;
}

int Vlapic::pending_vector() const {
    // Xen's vlapic_has_pending_irq: nothing while software-disabled.
    if (!software_enabled()) return -1;
    const int v = highest(irr_);
    if (v < 0 || (static_cast<uint32_t>(v) & 0xf0) <= (ppr() & 0xf0)) return -1;
    return v;
}

void Vlapic::acknowledge(uint8_t vector) {
    irr_[vector / 32] &= ~(1u << (vector % 32));
    isr_[vector / 32] |= 1u << (vector % 32);
}

uint64_t Vlapic::timer_tick_ns() const {
    // TDCR bits 0, 1, 3 (SDM figure 11-10): 0b111 is divide by 1, else 2^(n+1).
    const uint32_t n = (timer_dcr_ & 3) | ((timer_dcr_ & 8) >> 1);
    return vlapic_bus_tick_ns << (n == 7 ? 0 : n + 1);
}

void Vlapic::timer_start(uint64_t now_ns) {
    timer_start_ns_ = now_ns;
    if (timer_initial_ == 0) {
        timer_deadline_ns_ = 0;
        return;
    }
    uint64_t period = uint64_t{timer_initial_} * timer_tick_ns();
    if ((lvt_[0] & lvt_timer_periodic) && period < vlapic_min_period_ns) period = vlapic_min_period_ns;
    timer_deadline_ns_ = now_ns + period;
}

uint64_t Vlapic::timer_current_count(uint64_t now_ns) const {
    if (timer_initial_ == 0 || now_ns < timer_start_ns_) return timer_initial_;
    const uint64_t ticks = (now_ns - timer_start_ns_) / timer_tick_ns();
    if (lvt_[0] & lvt_timer_periodic) return timer_initial_ - ticks % timer_initial_;
    return ticks >= timer_initial_ ? 0 : timer_initial_ - ticks;
}

uint64_t Vlapic::timer_expired(uint64_t now_ns) {
    if (timer_deadline_ns_ == 0 || now_ns < timer_deadline_ns_) return timer_deadline_ns_;
    if (!(lvt_[0] & lvt_masked)) set_irr(static_cast<uint8_t>(lvt_[0] & 0xff));
    if (!(lvt_[0] & lvt_timer_periodic)) {
        timer_deadline_ns_ = 0; // one-shot: the current count stays at 0
        return 0;
    }
    const uint64_t period = timer_deadline_ns_ - timer_start_ns_;
    timer_start_ns_ = timer_deadline_ns_;
    timer_deadline_ns_ += period;
    if (timer_deadline_ns_ <= now_ns) { // missed periods are lost, as interrupts coalesce in IRR
        timer_start_ns_ = now_ns;
        timer_deadline_ns_ = now_ns + period;
    }
    return timer_deadline_ns_;
}

VlapicAccess Vlapic::read(uint32_t msr, uint64_t now_ns, uint64_t& value) const {
    value = 0;
    switch (msr) {
    case x2apic_id: value = id_; break;
    case x2apic_version: value = vlapic_version_value; break;
    case x2apic_tpr: value = tpr_; break;
    case x2apic_ppr: value = ppr(); break;
    case x2apic_ldr: value = ((id_ >> 4) << 16) | (1u << (id_ & 0xf)); break; // SDM 11.12.10.2
    case x2apic_svr: value = svr_; break;
    case x2apic_esr: value = esr_; break;
    case x2apic_icr: value = icr_; break;
    case x2apic_timer_icr: value = timer_initial_; break;
    case x2apic_timer_ccr: value = timer_current_count(now_ns); break;
    case x2apic_timer_dcr: value = timer_dcr_; break;
    default:
        if (msr >= x2apic_isr0 && msr < x2apic_isr0 + 8) value = isr_[msr - x2apic_isr0];
        else if (msr >= x2apic_tmr0 && msr < x2apic_tmr0 + 8) value = tmr_[msr - x2apic_tmr0];
        else if (msr >= x2apic_irr0 && msr < x2apic_irr0 + 8) value = irr_[msr - x2apic_irr0];
        else if (msr >= x2apic_lvt_timer && msr <= x2apic_lvt_error) value = lvt_[lvt_index(msr)];
        else return VlapicAccess::gp; // EOI and SELF IPI are write-only; CMCI and holes absent
    }
    return VlapicAccess::ok;
}

VlapicAccess Vlapic::write(uint32_t msr, uint64_t value, uint64_t now_ns, VlapicEffect& effect) {
    effect = {};
    switch (msr) {
    case x2apic_tpr:
        if (value & ~0xffull) return VlapicAccess::gp;
        tpr_ = static_cast<uint32_t>(value);
        return VlapicAccess::ok;
    case x2apic_eoi: { // SDM 11.8.5; x2APIC: a non-zero write is #GP
        if (value != 0) return VlapicAccess::gp;
        const int v = highest(isr_);
        if (v >= 0) isr_[v / 32] &= ~(1u << (v % 32));
        return VlapicAccess::ok;
    }
    case x2apic_svr:
        // Vector, APIC enable, focus-processor checking; no EOI-broadcast suppression.
        if (value & ~0x3ffull) return VlapicAccess::gp;
        svr_ = static_cast<uint32_t>(value);
        if (!software_enabled()) // SDM 11.4.7.2: software disable masks every LVT
            for (uint32_t& l : lvt_) l |= lvt_masked;
        return VlapicAccess::ok;
    case x2apic_esr: // x2APIC: write 0 to latch the errors seen since the last write
        if (value != 0) return VlapicAccess::gp;
        esr_ = esr_pending_;
        esr_pending_ = 0;
        return VlapicAccess::ok;
    case x2apic_icr:
        if (value & ~icr_writable) return VlapicAccess::gp;
        icr_ = value;
        // A fixed or lowest-priority IPI with vector 0-15 is not sent:
        // "send illegal vector" (SDM 11.5.3; Xen's vlapic_ipi).
        if (((value >> 8) & 7) <= icr_lowest && (value & 0xff) < 16) {
            error(esr_send_illegal_vector);
            return VlapicAccess::ok;
        }
        effect.kind = VlapicEffect::send_ipi;
        effect.vector = value & 0xff;
        effect.mode = static_cast<IcrDeliveryMode>((value >> 8) & 7);
        effect.logical = value & (1u << 11);
        effect.level_assert = value & (1u << 14);
        effect.shorthand = static_cast<IcrShorthand>((value >> 18) & 3);
        effect.dest = static_cast<uint32_t>(value >> 32);
        return VlapicAccess::ok;
    case x2apic_timer_icr:
        if (value >> 32) return VlapicAccess::gp;
        timer_initial_ = static_cast<uint32_t>(value);
        timer_start(now_ns);
        effect.kind = VlapicEffect::timer_changed;
        return VlapicAccess::ok;
    case x2apic_timer_dcr:
        if (value & ~0xbull) return VlapicAccess::gp;
        timer_dcr_ = static_cast<uint32_t>(value);
        return VlapicAccess::ok;
    case x2apic_self_ipi: // SDM 11.12.11: a fixed, edge IPI to self
        if (value & ~0xffull) return VlapicAccess::gp;
        set_irr(static_cast<uint8_t>(value));
        return VlapicAccess::ok;
    default:
        break;
    }
    if (msr >= x2apic_lvt_timer && msr <= x2apic_lvt_error) {
        if (value >> 32) return VlapicAccess::gp;
        const unsigned i = lvt_index(msr);
        uint32_t v = static_cast<uint32_t>(value) & lvt_writable[i];
        if (!software_enabled()) v |= lvt_masked;
        const bool mode_changed = i == 0 && ((v ^ lvt_[0]) & lvt_timer_periodic);
        lvt_[i] = v;
        if (mode_changed) { // SDM: a mode change stops the count; restart it in the new mode
            timer_start(now_ns);
            effect.kind = VlapicEffect::timer_changed;
        }
        return VlapicAccess::ok;
    }
    return VlapicAccess::gp; // read-only (ID, version, PPR, LDR, ISR/TMR/IRR, current count) or absent
}

} // namespace cxen::arch
