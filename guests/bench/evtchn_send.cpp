// Benchmark kernel: the cost of EVTCHNOP_send under the FIFO ABI as the
// number of bound ports grows (10, 1,000, 100,000), in guest TSC cycles; it
// must stay flat. The domain binds loopback channels to itself
// (alloc_unbound + bind_interdomain) and sends on the newest one, whose
// receiving port is masked: every send sets PENDING in the event word (the
// guest clears it again), with no upcall. Prints one "BENCH evtchn_send_cycles"
// line per port count; bench/evtchn-send.sh collects them. The domain needs
// `max_event_channels = 131071`.
#include "../event/event.hpp"
#include "bench.hpp"

using namespace cxen::guest;
using namespace cxen::guest::bench;
using namespace cxen::guest::event;

namespace {
constexpr unsigned words_per_page = 4096 / sizeof(event_word_t);
constexpr unsigned max_array_pages = EVTCHN_FIFO_NR_CHANNELS / words_per_page;
constexpr unsigned batches = 32, per_batch = 256;

alignas(4096) uint8_t control_page[4096];
alignas(4096) event_word_t event_array[max_array_pages][words_per_page];
unsigned array_pages = 0;
unsigned bound = 0; // ports allocated so far (both ends of each loopback)

event_word_t* word(evtchn_port_t p) { return &event_array[p / words_per_page][p % words_per_page]; }

/// Grow the event array so that it covers `port`.
bool cover(evtchn_port_t port) {
    while (port >= array_pages * words_per_page) {
        evtchn_expand_array_t a{reinterpret_cast<uint64_t>(event_array[array_pages]) >> 12};
        if (HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &a) != 0) return false;
        ++array_pages;
    }
    return true;
}

/// Bind loopback pairs until `target` ports are allocated; the newest
/// pair's ends in `rx` (masked) and `tx`.
bool bind_until(unsigned target, evtchn_port_t& rx, evtchn_port_t& tx) {
    while (bound < target) {
        const long r = alloc_unbound(DOMID_SELF, DOMID_SELF);
        if (r <= 0 || !cover(static_cast<evtchn_port_t>(r))) return false;
        const long t = bind_interdomain(DOMID_SELF, static_cast<evtchn_port_t>(r));
        if (t <= 0 || !cover(static_cast<evtchn_port_t>(t))) return false;
        rx = static_cast<evtchn_port_t>(r);
        tx = static_cast<evtchn_port_t>(t);
        __atomic_or_fetch(word(rx), 1u << EVTCHN_FIFO_MASKED, __ATOMIC_SEQ_CST);
        __atomic_and_fetch(word(rx), ~(1u << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST); // bind left it pending
        bound += 2;
    }
    return true;
}
} // namespace

TEST_CASE("bench.evtchn_send") {
    SKIP_UNLESS_XEN();
    evtchn_init_control_t c{reinterpret_cast<uint64_t>(control_page) >> 12, 0, 0, 0, {}};
    REQUIRE_OK(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &c));
    REQUIRE(cover(0));
    evtchn_port_t rx = 0, tx = 0;
    static uint64_t per_send[batches];
    for (const unsigned ports : {10u, 1000u, 100000u}) {
        REQUIRE(bind_until(ports, rx, tx));
        unsigned failures = 0; // a passing CHECK prints a line: count instead
        for (unsigned i = 0; i < 64; ++i) failures += send(tx) != 0; // warm up
        for (unsigned b = 0; b < batches; ++b) {
            const uint64_t t0 = rdtsc_ordered();
            for (unsigned i = 0; i < per_batch; ++i) {
                failures += send(tx) != 0;
                __atomic_and_fetch(word(rx), ~(1u << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
            }
            per_send[b] = (rdtsc_ordered() - t0) / per_batch;
        }
        CHECK_EQ(failures, 0u);
        // The sends really landed: one more sets PENDING on the masked port.
        REQUIRE_OK(send(tx));
        CHECK((*word(rx) >> EVTCHN_FIFO_PENDING) & 1);
        CHECK_EQ((*word(rx) >> EVTCHN_FIFO_LINKED) & 1, 0u); // masked: never linked
        __atomic_and_fetch(word(rx), ~(1u << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
        sort(per_send, batches);
        printf("BENCH evtchn_send_cycles ports=%u highest=%u median=%lu min=%lu max=%lu batches=%u sends_per_batch=%u\n",
               bound, tx > rx ? tx : rx, per_send[batches / 2], per_send[0], per_send[batches - 1], batches,
               per_batch);
    }
}
