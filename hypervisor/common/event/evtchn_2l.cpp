// The 2-level event-channel ABI: shared_info.evtchn_pending/evtchn_mask
// bitmaps (one bit per port), vcpu_info.evtchn_pending_sel (one bit per
// 64-port word) and vcpu_info.evtchn_upcall_pending. Source: Xen public/xen.h
// (struct shared_info, struct vcpu_info) and the semantics of Xen's
// xen/common/event_2l.c.
//
// Locking: none. The guest changes the same words concurrently (it clears
// pending bits and sets mask bits), so every access is an atomic bit
// operation (LOCK-prefixed on x86), and the order of the steps is the
// contract with the guest: pending, then selector, then upcall flag.
//
// Ports the bitmaps cannot name (>= 4096: bound under FIFO, still valid
// after EVTCHNOP_reset back to 2-level) are never touched: the bits would
// lie past the arrays, in the rest of shared_info or beyond its page. They
// read as masked and not pending, as in Xen's evtchn_2l_is_masked/_pending.
#include "abi/xen/xen.hpp"
#include "arch/vcpu.hpp"
#include "common/event/evtchn_port_ops.hpp"

namespace cxen {

namespace {

constexpr unsigned bits_per_word = sizeof(xen_ulong_t) * 8;
constexpr uint32_t nr_channels = bits_per_word * bits_per_word; ///< EVTCHN_2L_NR_CHANNELS
static_assert(sizeof(shared_info::evtchn_pending) * 8 == nr_channels);
static_assert(sizeof(shared_info::evtchn_mask) * 8 == nr_channels);

/// Atomically set bit `nr` of the array at `words`; return its old value.
bool test_and_set(xen_ulong_t* words, unsigned nr) {
    const xen_ulong_t m = xen_ulong_t{1} << (nr % bits_per_word);
    return __atomic_fetch_or(&words[nr / bits_per_word], m, __ATOMIC_SEQ_CST) & m;
}
bool test_and_clear(xen_ulong_t* words, unsigned nr) {
    const xen_ulong_t m = xen_ulong_t{1} << (nr % bits_per_word);
    return __atomic_fetch_and(&words[nr / bits_per_word], ~m, __ATOMIC_SEQ_CST) & m;
}
bool test(const xen_ulong_t* words, unsigned nr) {
    const xen_ulong_t m = xen_ulong_t{1} << (nr % bits_per_word);
    return __atomic_load_n(&words[nr / bits_per_word], __ATOMIC_SEQ_CST) & m;
}

/// The selector/upcall step for a pending, unmasked port.
void raise_on(Vcpu* v, EvtchnPort port) {
    if (!v || !v->vcpu_info) return; // no vcpu_info: the guest can only poll the bitmap
    if (!test_and_set(&v->vcpu_info->evtchn_pending_sel, port / bits_per_word))
        evtchn_mark_events_pending(*v);
}

class Evtchn2l final : public EvtchnPortOps {
  public:
    constexpr Evtchn2l() = default;

    uint32_t max_ports() const override { return nr_channels; }

    void set_pending(Domain& d, Vcpu* v, EvtchnPort port) const override {
        if (port >= nr_channels) return;
        // Already pending: the guest has not consumed the last one, nothing new to say.
        if (test_and_set(d.shared_info->evtchn_pending, port)) return;
        if (!test(d.shared_info->evtchn_mask, port)) raise_on(v, port);
        evtchn_check_pollers(d, port); // pollers wake on masked ports too
    }

    void clear_pending(Domain& d, EvtchnPort port) const override {
        if (port >= nr_channels) return;
        (void)test_and_clear(d.shared_info->evtchn_pending, port);
    }

    void unmask(Domain& d, Vcpu* v, EvtchnPort port) const override {
        if (port >= nr_channels) return;
        // Same order as set_pending: the mask goes first, then pending is looked at.
        if (test_and_clear(d.shared_info->evtchn_mask, port) &&
            test(d.shared_info->evtchn_pending, port))
            raise_on(v, port);
    }

    bool is_pending(const Domain& d, EvtchnPort port) const override {
        return port < nr_channels && test(d.shared_info->evtchn_pending, port);
    }
    bool is_masked(const Domain& d, EvtchnPort port) const override {
        return port >= nr_channels || test(d.shared_info->evtchn_mask, port);
    }
};

constinit Evtchn2l ops_2l;

} // namespace

const EvtchnPortOps& evtchn_2l_ops() {
    return ops_2l;
}

} // namespace cxen
