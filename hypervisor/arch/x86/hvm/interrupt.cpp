// Which interrupt a vCPU gets and when, whatever the vendor: the sources
// (NMI, the event-channel callback vector, the vLAPIC) in Xen's order of
// hvm_vcpu_has_pending_irq, and the decision before each entry to inject
// one or to ask for an interrupt window (Xen's hvm_intr_assist, whose
// mechanics are the backend's: EVENTINJ and V_IRQ + the VINTR intercept
// under SVM, APM Vol. 2, 15.20-15.21). Also the vLAPIC timer.
//
// Locking: ArchVcpu::lock (interrupts off) protects the vLAPIC; the
// nmi_pending flag is an atomic set before the target is kicked.
#include "arch/x86/hvm/hvm.hpp"

#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/event/evtchn.hpp"
#include "common/sched/sched.hpp"
#include "common/time/timer.hpp"

namespace cxen::arch::hvm {

namespace {
constexpr uint8_t nmi_vector = 2;

/// The domain-wide event-channel callback vector (HVM_PARAM_CALLBACK_IRQ of
/// type HVM_PARAM_CALLBACK_TYPE_VECTOR, public/hvm/params.h), or 0.
uint8_t callback_vector(const Domain& d) {
    const uint64_t via = __atomic_load_n(&d.hvm_params[HVM_PARAM_CALLBACK_IRQ], __ATOMIC_RELAXED);
    return (via >> 56) == HVM_PARAM_CALLBACK_TYPE_VECTOR ? static_cast<uint8_t>(via) : 0;
}

/// The callback vector is level-like: injected, bypassing the LAPIC, while
/// evtchn_upcall_pending is set (Xen's hvm_vcpu_has_pending_irq). A vCPU
/// with its own upcall vector gets it through the vLAPIC IRR instead.
/// Returns the vector to inject, or 0. Read once: another vCPU of the
/// domain may change HVM_PARAM_CALLBACK_IRQ meanwhile, and a second read
/// could inject a vector the guest never configured (0, say).
uint8_t callback_pending(const Vcpu& v) {
    if (v.upcall_vector != 0) return 0;
    const uint8_t vector = callback_vector(*v.domain);
    return vector != 0 && evtchn_vcpu_has_pending(v) ? vector : 0;
}

void open_interrupt_window(Vcpu& v) { hvm_funcs.set_interrupt_window(v, true); }
void close_interrupt_window(Vcpu& v) { hvm_funcs.set_interrupt_window(v, false); }
} // namespace

bool has_pending_interrupt(Vcpu& v) {
    if (v.arch.nmi_pending.load() || callback_pending(v) != 0) return true;
    IrqSpinGuard g(v.arch.lock);
    return apic_hw_enabled(v) && v.arch.vlapic.has_pending();
}

/// Before the entry, interrupts off: queue the most urgent pending event
/// (NMI, then the callback vector, then the vLAPIC's highest deliverable
/// vector, as Xen's hvm_vcpu_has_pending_irq orders them), or open an
/// interrupt window if the guest cannot take it yet.
void inject_pending(Vcpu& v) {
    const bool nmi = v.arch.nmi_pending.load();
    const uint8_t cb_vector = nmi ? 0 : callback_pending(v);
    const bool cb = cb_vector != 0;
    bool lapic = false;
    if (!nmi && !cb) {
        IrqSpinGuard g(v.arch.lock);
        lapic = apic_hw_enabled(v) && v.arch.vlapic.has_pending();
    }
    if (!nmi && !cb && !lapic) {
        close_interrupt_window(v);
        return;
    }
    if (hvm_funcs.event_pending(v)) { // an exception or a re-injection goes first
        open_interrupt_window(v);
        return;
    }
    if (nmi) { // TODO(#3): no NMI-window tracking (IRET intercept); NMIs are rare here
        v.arch.nmi_pending.store(false);
        hvm_funcs.inject_event(v, {HvmEvent::nmi, nmi_vector, false, 0});
        return;
    }
    if (!(guest_rflags(v) & RFLAGS_IF) || hvm_funcs.interrupt_shadow(v)) {
        open_interrupt_window(v);
        return;
    }
    close_interrupt_window(v);
    if (cb) {
        hvm_funcs.inject_event(v, {HvmEvent::ext_intr, cb_vector, false, 0});
        return;
    }
    IrqSpinGuard g(v.arch.lock);
    const int vector = v.arch.vlapic.pending_vector();
    if (vector < 0) return;
    v.arch.vlapic.acknowledge(static_cast<uint8_t>(vector));
    hvm_funcs.inject_event(v, {HvmEvent::ext_intr, static_cast<uint8_t>(vector), false, 0});
}

void lapic_timer_fn(void* data) {
    Vcpu& v = *static_cast<Vcpu*>(data);
    uint64_t next;
    bool deliverable;
    {
        IrqSpinGuard g(v.arch.lock);
        next = v.arch.vlapic.timer_expired(now_ns());
        deliverable = v.arch.vlapic.has_pending(); // a masked timer wakes nobody
    }
    if (next) (void)set_timer(v.arch.lapic_timer, next); // runs on v's pCPU: its queue exists
    if (deliverable) {
        vcpu_wake(v);
        vcpu_kick(v);
    }
}

} // namespace cxen::arch::hvm
