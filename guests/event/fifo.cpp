// The FIFO event-channel ABI from inside a PVH domU: EVTCHNOP_init_control on
// every vCPU, EVTCHNOP_expand_array to over 100,000 ports, 100,000 bound
// ports, delivery through the queues (READY bit, HEAD, LINK fields) as Linux
// consumes them, priorities, and Xen's errors for bad arguments; finally
// EVTCHNOP_reset returns the domain to 2-level. Source: Xen
// public/event_channel.h; errors as xen/common/event_fifo.c returns them.
//
// The cases depend on each other and run in order. The domain needs
// `max_event_channels = 131072` (tests/system/cases/events_fifo.py);
// `fifo.ports=N` changes how many ports are bound (default 100000).
#include "event.hpp"

using namespace cxen::guest;
using namespace cxen::guest::event;

namespace {

constexpr unsigned max_vcpus = 8;
constexpr unsigned words_per_page = 4096 / sizeof(event_word_t);
constexpr unsigned max_array_pages = EVTCHN_FIFO_NR_CHANNELS / words_per_page; // 128
constexpr uint32_t cb_offset = 0x40;

alignas(4096) uint8_t control_pages[max_vcpus][4096];
alignas(4096) event_word_t event_array[max_array_pages][words_per_page];
unsigned nr_vcpus = 0;
unsigned array_pages = 0;
long nr_bound = 0;      ///< how many ports fifo.bind_many binds
long first_bound = 0;   ///< the lowest of them (the hypervisor may own a few below)
long high_remote = 0;   ///< the highest of them, later connected
long high_local = 0;    ///< the port connected to it
uint32_t local_head[EVTCHN_FIFO_MAX_QUEUES];

uint64_t gfn_of(const void* p) {
    return reinterpret_cast<uintptr_t>(p) >> 12;
}

evtchn_fifo_control_block_t* cb(unsigned vcpu) {
    return reinterpret_cast<evtchn_fifo_control_block_t*>(control_pages[vcpu] + cb_offset);
}

volatile event_word_t* word(evtchn_port_t port) {
    return &event_array[port / words_per_page][port % words_per_page];
}

event_word_t load(evtchn_port_t port) {
    return __atomic_load_n(const_cast<event_word_t*>(word(port)), __ATOMIC_SEQ_CST);
}

long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu, uint8_t* link_bits = nullptr) {
    evtchn_init_control_t c{gfn, offset, vcpu, 0, {}};
    const long rc = HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &c);
    if (link_bits) *link_bits = c.link_bits;
    return rc;
}

long expand(uint64_t gfn) {
    evtchn_expand_array_t a{gfn};
    return HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &a);
}

long expand_next() {
    if (array_pages >= max_array_pages) return expand(gfn_of(event_array[0])); // must fail
    const long rc = expand(gfn_of(event_array[array_pages]));
    if (rc == 0) ++array_pages;
    return rc;
}

long set_priority(evtchn_port_t port, uint32_t priority) {
    evtchn_set_priority_t p{port, priority};
    return HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &p);
}

/// Linux's consume loop on vCPU 0 (events_fifo.c): take READY, walk each
/// queue from its HEAD (highest priority first), unlink, acknowledge the
/// pending unmasked ports. Writes at most `max` ports to `out`.
unsigned consume(evtchn_port_t* out, unsigned max) {
    unsigned n = 0;
    shared_info* si = shinfo();
    if (si) si->vcpu_info[0].evtchn_upcall_pending = 0;
    evtchn_fifo_control_block_t* c = cb(0);
    uint32_t ready = __atomic_exchange_n(&c->ready, 0u, __ATOMIC_SEQ_CST);
    while (ready) {
        const unsigned q = static_cast<unsigned>(__builtin_ctz(ready));
        uint32_t head = local_head[q];
        if (head == 0) head = __atomic_load_n(&c->head[q], __ATOMIC_SEQ_CST);
        const evtchn_port_t port = head;
        event_word_t* w = const_cast<event_word_t*>(word(port));
        event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
        while (!__atomic_compare_exchange_n(w, &old,
                                            old & ~((1u << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK),
                                            false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        }
        head = old & EVTCHN_FIFO_LINK_MASK;
        if (head == 0) ready &= ~(1u << q);
        const event_word_t now = __atomic_load_n(w, __ATOMIC_SEQ_CST);
        if ((now & (1u << EVTCHN_FIFO_PENDING)) && !(now & (1u << EVTCHN_FIFO_MASKED))) {
            __atomic_fetch_and(w, ~(1u << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
            if (n < max) out[n] = port;
            ++n;
        }
        local_head[q] = head;
        ready |= __atomic_exchange_n(&c->ready, 0u, __ATOMIC_SEQ_CST);
    }
    return n;
}

} // namespace

TEST_CASE("fifo.before_init") {
    SKIP_UNLESS_XEN();
    const long p = alloc_unbound(DOMID_SELF, DOMID_SELF);
    REQUIRE(p > 0);
    CHECK_ERRNO(set_priority(p, 1), ENOSYS);          // 2-level has no priorities
    CHECK_ERRNO(expand(gfn_of(event_array[0])), EOPNOTSUPP); // nothing to expand yet
    CHECK_OK(close(p));
}

TEST_CASE("fifo.init_control_errors") {
    SKIP_UNLESS_XEN();
    const uint64_t gfn = gfn_of(control_pages[0]);
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, unmapped_pointer()), EFAULT);
    CHECK_ERRNO(init_control(gfn, cb_offset, 4096), ENOENT); // no such vCPU
    CHECK_ERRNO(init_control(gfn, cb_offset + 4, 0), EINVAL); // not 8-byte aligned
    CHECK_ERRNO(init_control(gfn, 4096 - 64, 0), EINVAL);     // crosses the page
    CHECK_ERRNO(init_control(gfn_of(unmapped_pointer()), cb_offset, 0), EINVAL); // not our RAM
}

TEST_CASE("fifo.init_every_vcpu") {
    SKIP_UNLESS_XEN();
    // vCPUs that exist answer VCPUOP_is_up (0 or 1); the rest -ENOENT.
    for (nr_vcpus = 0; nr_vcpus < max_vcpus; ++nr_vcpus)
        if (HYPERVISOR_vcpu_op(VCPUOP_is_up, nr_vcpus, nullptr) < 0) break;
    REQUIRE(nr_vcpus > 0);
    for (unsigned v = 0; v < nr_vcpus; ++v) {
        uint8_t link_bits = 0;
        REQUIRE_OK(init_control(gfn_of(control_pages[v]), cb_offset, v, &link_bits));
        CHECK_EQ(link_bits, EVTCHN_FIFO_LINK_BITS);
    }
    printf("  FIFO control blocks on %u vCPU(s)\n", nr_vcpus);
    CHECK_ERRNO(init_control(gfn_of(control_pages[0]), cb_offset, 0), EINVAL); // twice
}

TEST_CASE("fifo.expand_array") {
    SKIP_UNLESS_XEN();
    nr_bound = option_number("fifo.ports", 100000);
    // Room for the bound ports, the one connected to the highest, and a
    // few ports the hypervisor may have bound (the PV console).
    while (array_pages * words_per_page < static_cast<unsigned long>(nr_bound) + 64)
        REQUIRE_OK(expand_next());
    CHECK_ERRNO(expand(gfn_of(unmapped_pointer())), EINVAL);
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, unmapped_pointer()), EFAULT);
    printf("  event array: %u pages, %u ports\n", array_pages, array_pages * words_per_page);
}

TEST_CASE("fifo.bind_many") {
    SKIP_UNLESS_XEN();
    first_bound = alloc_unbound(DOMID_SELF, DOMID_SELF);
    REQUIRE(first_bound > 0);
    long last = first_bound;
    for (long i = 1; i < nr_bound; ++i) {
        last = alloc_unbound(DOMID_SELF, DOMID_SELF);
        if (last < 0) break;
    }
    REQUIRE_EQ(last, first_bound + nr_bound - 1); // lowest free first: one run of ports
    printf("  bound ports %ld..%ld\n", first_bound, last);
    high_remote = last;
    high_local = bind_interdomain(DOMID_SELF, static_cast<evtchn_port_t>(high_remote));
    REQUIRE_EQ(high_local, last + 1);
    REQUIRE(high_local < static_cast<long>(array_pages * words_per_page));
    CHECK_EQ(status_of(high_remote), EVTCHNSTAT_interdomain);
    // bind_interdomain leaves the new local port pending, on vCPU 0's queue.
    evtchn_port_t got[4];
    CHECK_EQ(consume(got, 4), 1u);
    CHECK_EQ(got[0], static_cast<evtchn_port_t>(high_local));
}

TEST_CASE("fifo.send_on_highest") {
    SKIP_UNLESS_XEN();
    REQUIRE(high_local > 0);
    const evtchn_port_t hp = static_cast<evtchn_port_t>(high_remote);
    shared_info* si = shinfo();
    REQUIRE(si);
    si->vcpu_info[0].evtchn_upcall_pending = 0;
    REQUIRE_OK(send(static_cast<evtchn_port_t>(high_local)));
    const event_word_t w = load(hp);
    CHECK(w & (1u << EVTCHN_FIFO_PENDING));
    CHECK(w & (1u << EVTCHN_FIFO_LINKED));
    CHECK_EQ(cb(0)->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], hp);
    CHECK_EQ(si->vcpu_info[0].evtchn_upcall_pending, 1u);
    evtchn_port_t got[4];
    CHECK_EQ(consume(got, 4), 1u);
    CHECK_EQ(got[0], hp);
    CHECK(!(load(hp) & ((1u << EVTCHN_FIFO_PENDING) | (1u << EVTCHN_FIFO_LINKED))));
}

TEST_CASE("fifo.priorities") {
    SKIP_UNLESS_XEN();
    const long low = bind_ipi(0), mid = bind_ipi(0), high = bind_ipi(0);
    REQUIRE(low > 0 && mid > 0 && high > 0);
    CHECK_OK(set_priority(low, EVTCHN_FIFO_PRIORITY_MIN));
    CHECK_OK(set_priority(high, EVTCHN_FIFO_PRIORITY_MAX));
    CHECK_ERRNO(set_priority(mid, EVTCHN_FIFO_PRIORITY_MIN + 1), EINVAL); // 16
    CHECK_ERRNO(set_priority(EVTCHN_FIFO_NR_CHANNELS + 5, 1), EINVAL);     // no such port
    CHECK_ERRNO(set_priority(0, 1), EACCES);                              // reserved
    CHECK_ERRNO(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, unmapped_pointer()), EFAULT);
    // Sent lowest first; consumed highest first; mid stays at the default.
    CHECK_OK(send(low));
    CHECK_OK(send(mid));
    CHECK_OK(send(high));
    evtchn_port_t got[4] = {};
    CHECK_EQ(consume(got, 4), 3u);
    CHECK_EQ(got[0], static_cast<evtchn_port_t>(high));
    CHECK_EQ(got[1], static_cast<evtchn_port_t>(mid));
    CHECK_EQ(got[2], static_cast<evtchn_port_t>(low));
    // Same priority: first in, first out.
    CHECK_OK(set_priority(low, 4));
    CHECK_OK(set_priority(high, 4));
    CHECK_OK(send(low));
    CHECK_OK(send(high));
    CHECK_EQ(consume(got, 4), 2u);
    CHECK_EQ(got[0], static_cast<evtchn_port_t>(low));
    CHECK_EQ(got[1], static_cast<evtchn_port_t>(high));
    CHECK_OK(close(low));
    CHECK_OK(close(mid));
    CHECK_OK(close(high));
}

TEST_CASE("fifo.masked_and_unmask") {
    SKIP_UNLESS_XEN();
    const long p = bind_ipi(0);
    REQUIRE(p > 0);
    event_word_t* w = const_cast<event_word_t*>(word(p));
    __atomic_fetch_or(w, 1u << EVTCHN_FIFO_MASKED, __ATOMIC_SEQ_CST);
    CHECK_OK(send(p));
    CHECK(load(p) & (1u << EVTCHN_FIFO_PENDING));
    CHECK(!(load(p) & (1u << EVTCHN_FIFO_LINKED)));
    CHECK_EQ(cb(0)->ready, 0u);
    CHECK_OK(unmask(p)); // pending: the hypervisor unmasks and links it
    CHECK(!(load(p) & (1u << EVTCHN_FIFO_MASKED)));
    CHECK(load(p) & (1u << EVTCHN_FIFO_LINKED));
    evtchn_port_t got[2];
    CHECK_EQ(consume(got, 2), 1u);
    CHECK_EQ(got[0], static_cast<evtchn_port_t>(p));
    CHECK_OK(close(p));
}

TEST_CASE("fifo.expand_to_the_limit") {
    SKIP_UNLESS_XEN();
    while (array_pages < max_array_pages)
        REQUIRE_OK(expand_next());
    CHECK_ERRNO(expand_next(), ENOSPC); // 131072 ports is all the ABI can name
}

TEST_CASE("fifo.reset_to_2l") {
    SKIP_UNLESS_XEN();
    evtchn_reset_t r{DOMID_SELF};
    REQUIRE_OK(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &r));
    CHECK_EQ(status_of(static_cast<evtchn_port_t>(high_remote)), EVTCHNSTAT_closed);
    CHECK_ERRNO(expand(gfn_of(event_array[0])), EOPNOTSUPP);
    const long p = alloc_unbound(DOMID_SELF, DOMID_SELF);
    CHECK_EQ(p, first_bound); // all ours were closed; the hypervisor's stay
    CHECK_ERRNO(set_priority(p, 1), ENOSYS);
    CHECK_OK(close(p));
}

// Ports bound under FIFO stay valid after the reset, but 2-level names only
// 4096: EVTCHNOP_unmask on one above must not clear a "mask bit" past the
// bitmap. Port 4224's would be bit 0 of arch.max_pfn (PV-only, the guest's
// to write, the hypervisor never does); ports far above would lie past the
// shared_info page. A free port's mask bit is left alone too (Xen ignores
// unmask on a port not in use). Issue 10, finding 5.
TEST_CASE("fifo.unmask_after_reset") {
    SKIP_UNLESS_XEN();
    shared_info* si = shinfo();
    REQUIRE(si);
    constexpr evtchn_port_t past_bitmap = 4224;
    static_assert(offsetof(shared_info, arch.max_pfn) - offsetof(shared_info, evtchn_mask) == past_bitmap / 8);
    REQUIRE(static_cast<long>(past_bitmap) < high_remote); // was bound under FIFO
    const unsigned long before = si->arch.max_pfn;
    si->arch.max_pfn = ~0ul;
    CHECK_OK(unmask(past_bitmap));
    CHECK_OK(unmask(static_cast<evtchn_port_t>(high_remote))); // would be 12 KiB past shared_info
    CHECK_EQ(si->arch.max_pfn, ~0ul);
    si->arch.max_pfn = before;
    const long p = alloc_unbound(DOMID_SELF, DOMID_SELF);
    REQUIRE(p > 0);
    CHECK_OK(close(p));
    __atomic_fetch_or(&si->evtchn_mask[p / 64], 1ul << (p % 64), __ATOMIC_SEQ_CST);
    CHECK_OK(unmask(static_cast<evtchn_port_t>(p)));
    CHECK(si->evtchn_mask[p / 64] & (1ul << (p % 64))); // free: ignored
    __atomic_fetch_and(&si->evtchn_mask[p / 64], ~(1ul << (p % 64)), __ATOMIC_SEQ_CST);
    CHECK_ERRNO(unmask(EVTCHN_FIFO_NR_CHANNELS + 1), EINVAL); // never valid
}
