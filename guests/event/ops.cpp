// Every EVTCHNOP from inside a PVH domU, good and bad arguments (bad
// pointers, out-of-range ports and vCPUs, foreign and absent domains), and
// the 2-level bits the hypervisor sets in shared_info. Source: Xen
// public/event_channel.h; errors as xen/common/event_channel.c returns them.
//
// Command line: `event.peer=N` another running domain (the -EPERM cases),
// `event.max_port=N` the domain's max_event_channels (the -ENOSPC case).
#include "event.hpp"

using namespace cxen::guest;
using namespace cxen::guest::event;

namespace {

constexpr evtchn_port_t beyond_2l = 4096; // EVTCHN_2L_NR_CHANNELS on x86-64

/// This domain's id, from the status of a loopback-unbound port.
long own_domid() {
    const long p = alloc_unbound(DOMID_SELF, DOMID_SELF);
    if (p < 0) return p;
    evtchn_status_t s;
    const long rc = status(DOMID_SELF, static_cast<evtchn_port_t>(p), s);
    (void)close(static_cast<evtchn_port_t>(p));
    return rc ? rc : s.u.unbound.dom;
}

} // namespace

TEST_CASE("event.alloc_unbound") {
    SKIP_UNLESS_XEN();
    const long port = alloc_unbound(DOMID_SELF, 0);
    REQUIRE(port > 0);
    evtchn_status_t s;
    REQUIRE_OK(status(DOMID_SELF, port, s));
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 0u);
    CHECK_EQ(s.vcpu, 0u);
    CHECK_OK(close(port));
    CHECK_EQ(alloc_unbound(DOMID_SELF, 0), port); // the lowest free port comes back
    CHECK_OK(close(port));
    const long self = own_domid();
    REQUIRE(self > 0);
    const long by_id = alloc_unbound(static_cast<domid_t>(self), DOMID_SELF);
    CHECK_GT(by_id, 0);
    CHECK_OK(close(by_id));
}

TEST_CASE("event.alloc_unbound_errors") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(alloc_unbound(absent_domid, DOMID_SELF), ESRCH);
    const long peer = peer_domid();
    if (peer < 0) SKIP("no event.peer= on the command line");
    CHECK_ERRNO(alloc_unbound(static_cast<domid_t>(peer), DOMID_SELF), EPERM);
}

TEST_CASE("event.bind_interdomain_loopback") {
    SKIP_UNLESS_XEN();
    shared_info* si = shinfo();
    if (!si) SKIP("XENMEM_add_to_physmap(shared_info) failed");
    const long remote = alloc_unbound(DOMID_SELF, DOMID_SELF);
    REQUIRE(remote > 0);
    const long local = bind_interdomain(DOMID_SELF, remote);
    REQUIRE(local > 0);
    CHECK(pending(si, local)); // Xen leaves the new local port pending
    evtchn_status_t s;
    REQUIRE_OK(status(DOMID_SELF, local, s));
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s.u.interdomain.port, remote);
    REQUIRE_OK(status(DOMID_SELF, remote, s));
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s.u.interdomain.port, local);
    clear_pending(si, local);
    clear_pending(si, remote);
    CHECK_OK(send(local));
    CHECK(pending(si, remote));
    CHECK(!pending(si, local));
    CHECK_OK(send(remote));
    CHECK(pending(si, local));
    CHECK_OK(close(local));
    CHECK(!pending(si, local)); // close clears pending
    CHECK_EQ(status_of(remote), EVTCHNSTAT_unbound);
    CHECK_OK(send(remote)); // unbound: dropped
    CHECK_OK(close(remote));
    clear_upcall(si);
}

TEST_CASE("event.bind_interdomain_errors") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(bind_interdomain(absent_domid, 1), ESRCH);
    CHECK_ERRNO(bind_interdomain(DOMID_SELF, beyond_2l), EINVAL);
    CHECK_ERRNO(bind_interdomain(DOMID_SELF, 0), EINVAL);  // reserved
    CHECK_ERRNO(bind_interdomain(DOMID_SELF, 60), EINVAL); // free
    const long not_for_us = alloc_unbound(DOMID_SELF, absent_domid);
    REQUIRE(not_for_us > 0);
    CHECK_ERRNO(bind_interdomain(DOMID_SELF, not_for_us), EINVAL);
    CHECK_OK(close(not_for_us));
    const long ipi = bind_ipi(0);
    REQUIRE(ipi > 0);
    CHECK_ERRNO(bind_interdomain(DOMID_SELF, ipi), EINVAL);
    CHECK_OK(close(ipi));
}

TEST_CASE("event.bind_virq") {
    SKIP_UNLESS_XEN();
    const long t = bind_virq(VIRQ_TIMER, 0);
    REQUIRE(t > 0);
    evtchn_status_t s;
    REQUIRE_OK(status(DOMID_SELF, t, s));
    CHECK_EQ(s.status, EVTCHNSTAT_virq);
    CHECK_EQ(s.u.virq, uint32_t{VIRQ_TIMER});
    CHECK_ERRNO(bind_virq(VIRQ_TIMER, 0), EEXIST);
    CHECK_ERRNO(send(t), EINVAL); // VIRQs are raised by the hypervisor only
    CHECK_OK(close(t));
    const long again = bind_virq(VIRQ_TIMER, 0);
    CHECK_GT(again, 0);
    CHECK_OK(close(again));
    const long global = bind_virq(VIRQ_DOM_EXC, 0);
    CHECK_GT(global, 0);
    CHECK_OK(close(global));
}

TEST_CASE("event.bind_virq_errors") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(bind_virq(NR_VIRQS, 0), EINVAL);
    CHECK_ERRNO(bind_virq(~0u, 0), EINVAL);
    CHECK_ERRNO(bind_virq(VIRQ_CONSOLE, 1), EINVAL); // global VIRQs live on vCPU 0
    CHECK_ERRNO(bind_virq(VIRQ_DEBUG, 1), ENOENT);   // one vCPU only
    CHECK_ERRNO(bind_virq(VIRQ_DEBUG, ~0u), ENOENT);
}

TEST_CASE("event.bind_ipi_and_send") {
    SKIP_UNLESS_XEN();
    shared_info* si = shinfo();
    if (!si) SKIP("XENMEM_add_to_physmap(shared_info) failed");
    const long ipi = bind_ipi(0);
    REQUIRE(ipi > 0);
    CHECK_EQ(status_of(ipi), EVTCHNSTAT_ipi);
    clear_upcall(si);
    CHECK_OK(send(ipi));
    CHECK(pending(si, ipi));
    CHECK(test_bit(&si->vcpu_info[0].evtchn_pending_sel, ipi / 64));
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 1);
    CHECK_OK(close(ipi));
    clear_upcall(si);
}

TEST_CASE("event.bind_ipi_errors") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(bind_ipi(1), ENOENT);
    CHECK_ERRNO(bind_ipi(128), ENOENT);
    CHECK_ERRNO(bind_ipi(~0u), ENOENT);
}

TEST_CASE("event.masked_port_and_unmask") {
    SKIP_UNLESS_XEN();
    shared_info* si = shinfo();
    if (!si) SKIP("XENMEM_add_to_physmap(shared_info) failed");
    const long ipi = bind_ipi(0);
    REQUIRE(ipi > 0);
    clear_upcall(si);
    mask(si, ipi);
    CHECK_OK(send(ipi));
    CHECK(pending(si, ipi));
    CHECK(!test_bit(&si->vcpu_info[0].evtchn_pending_sel, ipi / 64)); // masked: no selector,
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 0);              // no upcall
    CHECK_OK(unmask(ipi));
    CHECK(!test_bit(si->evtchn_mask, ipi));
    CHECK(test_bit(&si->vcpu_info[0].evtchn_pending_sel, ipi / 64)); // unmask re-raises
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 1);
    CHECK_OK(close(ipi));
    clear_upcall(si);
}

TEST_CASE("event.send_errors") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_send, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(send(0), EINVAL);
    CHECK_ERRNO(send(50), EINVAL); // free
    CHECK_ERRNO(send(beyond_2l), EINVAL);
    CHECK_ERRNO(send(~0u), EINVAL);
}

TEST_CASE("event.close_errors") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_close, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(close(0), EINVAL);
    CHECK_ERRNO(close(50), EINVAL);
    CHECK_ERRNO(close(beyond_2l), EINVAL);
    const long p = alloc_unbound(DOMID_SELF, 0);
    REQUIRE(p > 0);
    CHECK_OK(close(p));
    CHECK_ERRNO(close(p), EINVAL);
}

TEST_CASE("event.status") {
    SKIP_UNLESS_XEN();
    CHECK_EQ(status_of(0), EVTCHNSTAT_closed); // reserved port 0
    CHECK_EQ(status_of(63), EVTCHNSTAT_closed);
    CHECK_ERRNO(status_of(beyond_2l), EINVAL);
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_status, unmapped_pointer()), EFAULT);
    evtchn_status_t s;
    CHECK_ERRNO(status(absent_domid, 1, s), ESRCH);
    const long peer = peer_domid();
    if (peer < 0) SKIP("no event.peer= on the command line");
    CHECK_ERRNO(status(static_cast<domid_t>(peer), 1, s), EPERM);
}

TEST_CASE("event.bind_vcpu") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, unmapped_pointer()), EFAULT);
    const long u = alloc_unbound(DOMID_SELF, 0);
    REQUIRE(u > 0);
    CHECK_OK(bind_vcpu(u, 0));
    CHECK_ERRNO(bind_vcpu(u, 1), ENOENT);
    CHECK_ERRNO(bind_vcpu(u, ~0u), ENOENT);
    CHECK_ERRNO(bind_vcpu(beyond_2l, 0), EINVAL);
    CHECK_ERRNO(bind_vcpu(50, 0), EINVAL);
    const long ipi = bind_ipi(0);
    REQUIRE(ipi > 0);
    CHECK_ERRNO(bind_vcpu(ipi, 0), EINVAL); // IPIs stay where they were bound
    const long t = bind_virq(VIRQ_TIMER, 0);
    REQUIRE(t > 0);
    CHECK_ERRNO(bind_vcpu(t, 0), EINVAL); // and per-vCPU VIRQs too
    const long g = bind_virq(VIRQ_DOM_EXC, 0);
    REQUIRE(g > 0);
    CHECK_OK(bind_vcpu(g, 0)); // global VIRQs may move
    CHECK_OK(close(u));
    CHECK_OK(close(ipi));
    CHECK_OK(close(t));
    CHECK_OK(close(g));
}

TEST_CASE("event.unmask_errors") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_unmask, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(unmask(beyond_2l), EINVAL);
    CHECK_OK(unmask(50)); // a valid free port: nothing to do, as in Xen
}

TEST_CASE("event.reset") {
    SKIP_UNLESS_XEN();
    const long a = alloc_unbound(DOMID_SELF, 0);
    const long b = bind_ipi(0);
    REQUIRE(a > 0);
    REQUIRE(b > 0);
    evtchn_reset_t r{DOMID_SELF};
    CHECK_OK(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r));
    CHECK_EQ(status_of(a), EVTCHNSTAT_closed);
    CHECK_EQ(status_of(b), EVTCHNSTAT_closed);
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_reset, unmapped_pointer()), EFAULT);
    r.dom = absent_domid;
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r), ESRCH);
    const long peer = peer_domid();
    if (peer < 0) SKIP("no event.peer= on the command line");
    r.dom = static_cast<domid_t>(peer);
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r), EPERM);
}

TEST_CASE("event.unknown_and_fifo_ops") {
    SKIP_UNLESS_XEN();
    uint8_t buf[32] = {};
    CHECK_ERRNO(HYPERVISOR_event_channel_op(99, buf), ENOSYS);
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, buf),
                ENOSYS); // 2-level has none
    // A bad control block is refused and the domain stays 2-level (the
    // FIFO ABI itself: fifo.cpp).
    evtchn_init_control_t c{};
    c.offset = 4; // not 8-byte aligned
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &c), EINVAL);
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, buf), EOPNOTSUPP);
}

TEST_CASE("event.port_limit") {
    SKIP_UNLESS_XEN();
    const long max_port = option_number("event.max_port", -1);
    if (max_port < 0) SKIP("no event.max_port= on the command line");
    long last = 0, rc;
    while ((rc = alloc_unbound(DOMID_SELF, 0)) > 0)
        last = rc;
    CHECK_ERRNO(rc, ENOSPC);
    CHECK_EQ(last, max_port); // max_event_channels is the highest port number
    evtchn_reset_t r{DOMID_SELF};
    CHECK_OK(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r));
    const long again = alloc_unbound(DOMID_SELF, 0); // room again
    CHECK_GT(again, 0);
    CHECK_OK(close(again));
}

// Run alone (`tests=hold.*`) in a domain built before the ops domain, so
// that the latter has a live foreign domain for its -EPERM cases: wait
// until the peer exists, then until it is gone.
TEST_CASE("hold.outlive_peer") {
    SKIP_UNLESS_XEN();
    const long peer = peer_domid();
    if (peer < 0) SKIP("no event.peer= on the command line");
    constexpr long eperm = -static_cast<long>(cxen::Errno::XEN_EPERM);
    constexpr long esrch = -static_cast<long>(cxen::Errno::XEN_ESRCH);
    constexpr long einval = -static_cast<long>(cxen::Errno::XEN_EINVAL);
    constexpr long enospc = -static_cast<long>(cxen::Errno::XEN_ENOSPC);
    const uint64_t start = xen_time::get_time();
    long rc = 0;
    bool seen_alive = false;
    for (int tries = 0; tries < 100000; ++tries) {
        rc = alloc_unbound(static_cast<domid_t>(peer), DOMID_SELF);
        // A foreign domain that exists: -EPERM, or -ENOSPC while the peer's
        // own tests hold every port it may have (Xen looks for a free port
        // before it asks XSM).
        if (rc == eperm || rc == enospc) seen_alive = true;
        // -EINVAL: being destroyed (no port in a dying domain, as Xen); go on.
        if (rc != eperm && rc != enospc && rc != esrch && rc != einval) break;
        if (rc == esrch && seen_alive) break;                                  // it came and went
        (void)poll(nullptr, 0, start ? xen_time::get_time() + 10'000'000 : 1); // sleep 10 ms
        if (start && xen_time::get_time() - start > 120'000'000'000ull) break;
    }
    CHECK(seen_alive);
    CHECK_ERRNO(rc, ESRCH); // and once destroyed, no such domain
}
