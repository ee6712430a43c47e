// IPIs between the vCPUs of a domain: the destinations of a vLAPIC ICR
// write (SDM 11.6.2) and delivery of fixed, lowest-priority, NMI, INIT and
// STARTUP messages (Xen's vlapic_ipi / vlapic_accept_irq).
//
// Locking: never hold two vCPUs' locks at once: an IPI is decided under
// the sender's lock (vlapic_reg_access), delivered here after dropping it,
// taking each target's lock in turn.
#include "arch/x86/hvm/hvm.hpp"

#include "common/domain.hpp"
#include "common/sched/sched.hpp"

namespace cxen::arch::hvm {

namespace {
/// Is t a destination of the ICR write `e` from `src` (SDM 11.6.2: x2APIC
/// physical IDs, logical cluster IDs, broadcast 0xFFFFFFFF, shorthands)?
bool ipi_targets(const VlapicEffect& e, const Vcpu& src, const Vcpu& t) {
    switch (e.shorthand) {
    case icr_self: return &t == &src;
    case icr_all: return true;
    case icr_all_but_self: return &t != &src;
    case icr_dest_field: break;
    }
    if (e.dest == 0xffffffff) return true;
    const uint32_t id = t.arch.vlapic.id();
    if (!e.logical) return id == e.dest;
    return (e.dest >> 16) == (id >> 4) && ((e.dest >> (id & 0xf)) & 1); // cluster, bit in cluster
}
} // namespace

/// Carry out an ICR write of `src` (no vLAPIC lock held).
void deliver_ipi(Vcpu& src, const VlapicEffect& e) {
    if (e.mode == icr_init && !e.level_assert) return; // INIT level de-assert: nothing (SDM 11.6.1)
    Domain& d = *src.domain;
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        Vcpu* t = d.vcpus[i];
        if (!t || !ipi_targets(e, src, *t)) continue;
        switch (e.mode) {
        case icr_fixed:
        case icr_lowest: {
            bool accepted;
            {
                IrqSpinGuard g(t->arch.lock);
                // Xen's vlapic_accept_irq: a software-disabled APIC drops fixed IPIs.
                accepted = t->arch.vlapic.software_enabled() && t->arch.vlapic.set_irr(static_cast<uint8_t>(e.vector));
            }
            if (accepted && t != &src) {
                vcpu_wake(*t);
                vcpu_kick(*t);
            }
            if (e.mode == icr_lowest) return; // one target is enough
            break;
        }
        case icr_nmi:
            t->arch.nmi_pending.store(true);
            if (t != &src) {
                vcpu_wake(*t);
                vcpu_kick(*t);
            }
            break;
        case icr_init:
            if (t != &src) deliver_init(*t);
            break;
        case icr_startup:
            if (t != &src) deliver_startup(*t, static_cast<uint8_t>(e.vector));
            break;
        default: // SMI and reserved modes: ignored
            break;
        }
    }
}

} // namespace cxen::arch::hvm
