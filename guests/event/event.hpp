// Helpers shared by the event-channel test kernels: EVTCHNOP wrappers that
// return the port (or a negative errno), the 2-level bits in shared_info
// (public/xen.h), and SCHEDOP_poll. Ports are polled, never taken as
// upcalls: these kernels run with interrupts off.
#pragma once

#include "../time/xen_time.hpp"
#include "guest.hpp"

namespace cxen::guest::event {

/// A domid no domain has (below DOMID_FIRST_RESERVED): -ESRCH.
constexpr domid_t absent_domid = 0x7fe0;

/// Option `key` as a number, or `fallback` when absent or malformed.
inline long option_number(const char* key, long fallback) {
    const char* s = option(key);
    if (!s || !*s) return fallback;
    long v = 0;
    for (; *s; ++s) {
        if (*s < '0' || *s > '9') return fallback;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/// The other domain named by `event.peer=N`, or -1.
inline long peer_domid() {
    return option_number("event.peer", -1);
}

inline long alloc_unbound(domid_t dom, domid_t remote) {
    evtchn_alloc_unbound_t op{dom, remote, 0};
    const long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);
    return rc ? rc : op.port;
}
inline long bind_interdomain(domid_t remote, evtchn_port_t remote_port) {
    evtchn_bind_interdomain_t op{remote, remote_port, 0};
    const long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);
    return rc ? rc : op.local_port;
}
inline long bind_virq(uint32_t virq, uint32_t vcpu) {
    evtchn_bind_virq_t op{virq, vcpu, 0};
    const long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);
    return rc ? rc : op.port;
}
inline long bind_ipi(uint32_t vcpu) {
    evtchn_bind_ipi_t op{vcpu, 0};
    const long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);
    return rc ? rc : op.port;
}
inline long close(evtchn_port_t port) {
    evtchn_close_t op{port};
    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}
inline long send(evtchn_port_t port) {
    evtchn_send_t op{port};
    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}
inline long unmask(evtchn_port_t port) {
    evtchn_unmask_t op{port};
    return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}
inline long bind_vcpu(evtchn_port_t port, uint32_t vcpu) {
    evtchn_bind_vcpu_t op{port, vcpu};
    return HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &op);
}
inline long status(domid_t dom, evtchn_port_t port, evtchn_status_t& out) {
    out = {};
    out.dom = dom;
    out.port = port;
    return HYPERVISOR_event_channel_op(EVTCHNOP_status, &out);
}
/// The binding side of a channel that `peer` offers with alloc_unbound:
/// try bind_interdomain on the peer's ports 1..63 (only a port offered to
/// us binds, so no port number needs agreeing on), yielding between
/// rounds, at most `rounds` rounds. Our port, or -1.
inline long bind_offered_port(domid_t peer, unsigned rounds = 100000) {
    for (unsigned round = 0; round < rounds; ++round) {
        for (evtchn_port_t p = 1; p < 64; ++p) {
            const long rc = bind_interdomain(peer, p);
            if (rc > 0) return rc;
        }
        (void)HYPERVISOR_sched_op(SCHEDOP_yield, nullptr);
    }
    return -1;
}

/// EVTCHNSTAT_* of one of our ports, or a negative errno.
inline long status_of(evtchn_port_t port) {
    evtchn_status_t s;
    const long rc = status(DOMID_SELF, port, s);
    return rc ? rc : static_cast<long>(s.status);
}

/// SCHEDOP_poll on `nr` ports until one is pending or system time
/// `timeout_ns` (0: none).
inline long poll(evtchn_port_t* ports, unsigned nr, uint64_t timeout_ns) {
    sched_poll p{};
    set_xen_guest_handle(p.ports, ports);
    p.nr_ports = nr;
    p.timeout = timeout_ns;
    return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

// ---- 2-level bits in shared_info ----

inline shared_info* shinfo() {
    return xen_time::map_shared_info();
}

inline bool test_bit(const volatile xen_ulong_t* w, unsigned nr) {
    return (w[nr / 64] >> (nr % 64)) & 1;
}
inline void set_bit(volatile xen_ulong_t* w, unsigned nr) {
    __atomic_fetch_or(const_cast<xen_ulong_t*>(&w[nr / 64]), xen_ulong_t{1} << (nr % 64),
                      __ATOMIC_SEQ_CST);
}
inline void clear_bit(volatile xen_ulong_t* w, unsigned nr) {
    __atomic_fetch_and(const_cast<xen_ulong_t*>(&w[nr / 64]), ~(xen_ulong_t{1} << (nr % 64)),
                       __ATOMIC_SEQ_CST);
}

inline bool pending(shared_info* s, evtchn_port_t p) {
    return test_bit(s->evtchn_pending, p);
}
inline void clear_pending(shared_info* s, evtchn_port_t p) {
    clear_bit(s->evtchn_pending, p);
}
inline void mask(shared_info* s, evtchn_port_t p) {
    set_bit(s->evtchn_mask, p);
}

/// Forget every upcall of vCPU 0 (this kernel never takes them).
inline void clear_upcall(shared_info* s) {
    volatile vcpu_info& vi = s->vcpu_info[0];
    vi.evtchn_upcall_pending = 0;
    __atomic_store_n(const_cast<xen_ulong_t*>(&vi.evtchn_pending_sel), xen_ulong_t{0},
                     __ATOMIC_SEQ_CST);
}

/// Wait in SCHEDOP_poll (100 ms at a time) until `port` is pending, then
/// clear it. False if the poll fails or after 2,000 polls (the peer is gone).
inline bool wait_port(shared_info* si, evtchn_port_t port) {
    for (int tries = 0; tries < 2000; ++tries) {
        if (pending(si, port)) {
            clear_pending(si, port);
            return true;
        }
        evtchn_port_t p = port;
        if (poll(&p, 1, xen_time::get_time() + 100'000'000) != 0) return false;
    }
    return false;
}

/// The offering side of a two-domain channel: a masked port that `peer`
/// may bind (events are polled, never taken as upcalls). Port or -errno.
inline long offer_masked_port(shared_info* si, domid_t peer) {
    const long p = alloc_unbound(DOMID_SELF, peer);
    if (p > 0) mask(si, static_cast<evtchn_port_t>(p));
    return p;
}

/// The binding side: bind the port `peer` offered (bind_offered_port()),
/// mask it, clear the pending bit the bind leaves (Xen's guard against lost
/// notifications) and send the peer a hello. Port, or -1.
inline long connect_to_offered_port(shared_info* si, domid_t peer) {
    const long p = bind_offered_port(peer);
    if (p <= 0) return -1;
    const auto port = static_cast<evtchn_port_t>(p);
    mask(si, port);
    clear_pending(si, port);
    return send(port) == 0 ? p : -1;
}

} // namespace cxen::guest::event
