// Benchmark kernel: event-channel round trip between two domains, in guest
// TSC cycles. Two domains boot with this kernel: `bench.role=ping` offers an
// unbound port to its peer, `bench.role=pong` binds it (trying low ports:
// only a port offered to it binds) and echoes every event back. The ports
// stay masked and each side spins on its pending bit in shared_info, so a
// round trip is two EVTCHNOP_send hypercalls plus the cross-pCPU visibility
// of the pending bit; no upcall, no scheduler. Ping prints one
// "BENCH evtchn_pingpong_cycles" line; bench/evtchn-pingpong.sh collects it.
//
// Command line: `bench.role=ping|pong event.peer=N` (N: the other domain).
#include "../event/event.hpp"
#include "bench.hpp"

using namespace cxen::guest;
using namespace cxen::guest::bench;
using namespace cxen::guest::event;

namespace {
constexpr unsigned batches = 32, per_batch = 64;
constexpr uint64_t give_up_cycles = 200'000'000'000ull; // a lost event, not a slow one

/// Spin until `port` is pending, then clear it. False after give_up_cycles.
bool spin_event(shared_info* si, evtchn_port_t port) {
    const uint64_t t0 = rdtsc_ordered();
    while (!pending(si, port)) {
        if (rdtsc_ordered() - t0 > give_up_cycles) return false;
        __asm__ volatile("pause");
    }
    clear_pending(si, port);
    return true;
}

} // namespace

TEST_CASE("bench.evtchn_pingpong") {
    SKIP_UNLESS_XEN();
    const long peer = peer_domid();
    if (peer < 0 || !(role_is("ping") || role_is("pong"))) SKIP("needs bench.role=ping|pong and event.peer=N");
    shared_info* si = shinfo();
    REQUIRE(si != nullptr);
    const unsigned total = 8 + batches * per_batch; // 8 warm-up round trips
    long port = -1;
    if (role_is("ping")) {
        port = offer_masked_port(si, static_cast<domid_t>(peer));
        REQUIRE(port > 0);
        REQUIRE(spin_event(si, port)); // pong's hello: it is bound
        // Timed loops count failures: a passing REQUIRE/CHECK prints a line.
        unsigned failures = 0;
        for (unsigned i = 0; i < 8; ++i) failures += send(port) != 0 || !spin_event(si, port);
        static uint64_t per_trip[batches];
        for (unsigned b = 0; b < batches; ++b) {
            const uint64_t t0 = rdtsc_ordered();
            for (unsigned i = 0; i < per_batch; ++i) failures += send(port) != 0 || !spin_event(si, port);
            per_trip[b] = (rdtsc_ordered() - t0) / per_batch;
        }
        REQUIRE_EQ(failures, 0u);
        sort(per_trip, batches);
        printf("BENCH evtchn_pingpong_cycles median=%lu min=%lu max=%lu batches=%u round_trips_per_batch=%u\n",
               per_trip[batches / 2], per_trip[0], per_trip[batches - 1], batches, per_batch);
        CHECK(per_trip[0] > 0u);
    } else {
        port = connect_to_offered_port(si, static_cast<domid_t>(peer)); // sends the hello
        REQUIRE(port > 0);
        unsigned done = 0;
        for (; done < total; ++done)
            if (!spin_event(si, port) || send(port) != 0) break;
        CHECK_EQ(done, total);
    }
    CHECK_OK(close(port));
}
