// An event-channel ping-pong between two domains booted together. The
// `ping` side offers an unbound port to its peer; the `pong` side finds it
// by trying bind_interdomain on low ports (only a port offered to it can
// bind), so no port numbers need agreeing on. Then they bounce an event
// back and forth, each waiting in SCHEDOP_poll on its masked port (a
// masked port must still wake the poller), and ping closes: pong's end
// goes back to unbound.
//
// Command line: `event.role=ping|pong event.peer=N` (N: the other domain).
#include "event.hpp"

using namespace cxen::guest;
using namespace cxen::guest::event;

namespace {

constexpr int rounds = 20;
constexpr uint64_t wait_ns = 10'000'000'000ull; // per event; generous under TCG

bool is(const char* role) {
    const char* r = option("event.role");
    if (!r) return false;
    for (; *r && *role; ++r, ++role)
        if (*r != *role) return false;
    return *r == *role;
}

/// Wait (in SCHEDOP_poll) until `port` is pending, then consume it.
bool wait_event(shared_info* si, evtchn_port_t port) {
    const uint64_t start = xen_time::get_time();
    for (int tries = 0; tries < 1000; ++tries) {
        if (pending(si, port)) {
            clear_pending(si, port);
            return true;
        }
        evtchn_port_t p = port;
        if (poll(&p, 1, start ? xen_time::get_time() + 100'000'000 : 0) != 0) return false;
        if (start && xen_time::get_time() - start > wait_ns) return false;
    }
    return false;
}

} // namespace

TEST_CASE("event.pingpong") {
    SKIP_UNLESS_XEN();
    const long peer = peer_domid();
    if (peer < 0 || !(is("ping") || is("pong")))
        SKIP("needs event.role=ping|pong and event.peer=N");
    shared_info* si = shinfo();
    REQUIRE(si != nullptr);
    clear_upcall(si);
    long port;
    if (is("ping")) {
        port = alloc_unbound(DOMID_SELF, static_cast<domid_t>(peer));
        REQUIRE(port > 0);
        mask(si, port);
        // Pong says hello once it is bound.
        REQUIRE(wait_event(si, port));
        evtchn_status_t s;
        REQUIRE_OK(status(DOMID_SELF, port, s));
        CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
        CHECK_EQ(s.u.interdomain.dom, peer);
        int done = 0;
        const uint64_t t0 = xen_time::get_time();
        for (; done < rounds; ++done) {
            if (send(port) != 0 || !wait_event(si, port)) break;
        }
        CHECK_EQ(done, rounds);
        // Each wait polls with a 100 ms timeout: finishing faster than one
        // timeout per round means the sends woke the polls (masked ports).
        const uint64_t elapsed_ns = xen_time::get_time() - t0;
        printf("  %d round trips in %lu us\n", done, static_cast<unsigned long>(elapsed_ns / 1000));
        if (t0) CHECK_LT(elapsed_ns, rounds * 100'000'000ull);
        CHECK_OK(close(port));
    } else {
        port = -1;
        const uint64_t start = xen_time::get_time();
        for (int tries = 0; port < 0 && tries < 100000; ++tries) {
            for (evtchn_port_t p = 1; p < 64 && port < 0; ++p) {
                const long rc = bind_interdomain(static_cast<domid_t>(peer), p);
                if (rc > 0) port = rc;
            }
            if (port < 0) {
                (void)HYPERVISOR_sched_op(SCHEDOP_yield, nullptr);
                if (start && xen_time::get_time() - start > wait_ns) break;
            }
        }
        REQUIRE(port > 0);
        mask(si, port);
        clear_pending(si, port); // binding left it pending (lost-notification guard)
        CHECK_OK(send(port));    // hello
        int done = 0;
        for (; done < rounds; ++done) {
            if (!wait_event(si, port) || send(port) != 0) break;
        }
        CHECK_EQ(done, rounds);
        // Ping closes its end: ours goes back to unbound, waiting for the peer.
        evtchn_status_t s{};
        for (int tries = 0; tries < 100000; ++tries) {
            REQUIRE_OK(status(DOMID_SELF, port, s));
            if (s.status != EVTCHNSTAT_interdomain) break;
            (void)HYPERVISOR_sched_op(SCHEDOP_yield, nullptr);
        }
        CHECK_EQ(s.status, EVTCHNSTAT_unbound);
        CHECK_EQ(s.u.unbound.dom, peer);
        CHECK_OK(close(port));
    }
    clear_upcall(si);
}
