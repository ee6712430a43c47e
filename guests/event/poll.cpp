// SCHEDOP_poll from inside a PVH domU (public/sched.h; Xen's do_poll in
// xen/common/sched/core.c): returns at once when a polled port is already
// pending (masked or not), sleeps until the timeout otherwise, and rejects
// bad lists. Waking a poller from another domain is in pingpong.cpp.
#include "event.hpp"

using namespace cxen::guest;
using namespace cxen::guest::event;

TEST_CASE("poll.pending_masked_port_returns_at_once") {
    SKIP_UNLESS_XEN();
    shared_info* si = shinfo();
    if (!si) SKIP("XENMEM_add_to_physmap(shared_info) failed");
    const long ipi = bind_ipi(0);
    REQUIRE(ipi > 0);
    mask(si, ipi);
    clear_upcall(si);
    CHECK_OK(send(ipi));
    evtchn_port_t port = ipi;
    const uint64_t t0 = xen_time::get_time();
    CHECK_OK(poll(&port, 1, 0)); // no timeout: would hang if it blocked
    if (t0) CHECK_LT(xen_time::get_time() - t0, 1'000'000'000ull);
    CHECK_OK(close(ipi));
    clear_upcall(si);
}

TEST_CASE("poll.timeout_ends_the_poll") {
    SKIP_UNLESS_XEN();
    shared_info* si = shinfo();
    if (!si) SKIP("XENMEM_add_to_physmap(shared_info) failed");
    const uint64_t t0 = xen_time::get_time();
    if (t0 == 0) SKIP("HVMOP_get_time gives no system time");
    const long ipi = bind_ipi(0);
    REQUIRE(ipi > 0);
    mask(si, ipi);
    clear_upcall(si);
    evtchn_port_t port = ipi;
    CHECK_OK(poll(&port, 1, t0 + 20'000'000)); // 20 ms
    const uint64_t waited = xen_time::get_time() - t0;
    CHECK_GE(waited, 20'000'000ull);
    CHECK_LT(waited, 5'000'000'000ull);
    CHECK(!pending(si, ipi));
    CHECK_OK(poll(&port, 1, 1)); // a deadline in the past: back at once
    CHECK_OK(poll(nullptr, 0, xen_time::get_time() + 1'000'000)); // no ports: just the timeout
    CHECK_OK(close(ipi));
}

TEST_CASE("poll.errors") {
    SKIP_UNLESS_XEN();
    shared_info* si = shinfo();
    if (si) clear_upcall(si); // else a pending upcall ends the poll before the list is read
    CHECK_ERRNO(HYPERVISOR_sched_op(SCHEDOP_poll, unmapped_pointer()), EFAULT);
    evtchn_port_t ports[130] = {};
    CHECK_ERRNO(poll(ports, 129, 1), EINVAL); // more than 128
    evtchn_port_t big = 4096;
    CHECK_ERRNO(poll(&big, 1, 1), EINVAL);
    CHECK_ERRNO(poll(unmapped_pointer<evtchn_port_t>(), 1, 1), EFAULT);
    CHECK_OK(poll(ports, 128, 1)); // 128 free ports (port 0): fine, times out at once
}
