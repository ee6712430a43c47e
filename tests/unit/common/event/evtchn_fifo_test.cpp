// Unit tests of common/event/evtchn_fifo.cpp (through the EVTCHNOP cores):
// init_control/expand_array/set_priority and their errors, queue order and
// priorities, masking, moving ports between vCPUs and queues, reset to
// 2-level, a random sequence against a reference model, and senders racing
// a consumer (also built with ThreadSanitizer: cxen-unit-tests-tsan).
//
// The "guest" here consumes events exactly as Linux's events_fifo.c does:
// take READY, walk each ready queue from HEAD, clear LINKED (keeping the
// next link) with compare-exchange, handle a port only if PENDING and not
// MASKED, acknowledge by clearing PENDING; unmask clears MASKED itself
// unless PENDING, else asks with EVTCHNOP_unmask.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "arch/vcpu.hpp"
#include "common/domain.hpp"
#include "common/event/evtchn.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

using HostPageSource = test::HostPageSource;
HostPageSource host_pages;

constexpr uint64_t control_gfn = 1;   ///< vCPU i's control block: frame 1 + i, offset 0x40
constexpr uint32_t control_offset = 0x40;
constexpr uint64_t array_gfn = 16;    ///< event-array page n is frame 16 + n
constexpr uint32_t max_array_pages = 128;
constexpr uint32_t words_per_page = 1024;
constexpr unsigned nr_test_vcpus = 2;

constexpr event_word_t bit(unsigned nr) {
    return event_word_t{1} << nr;
}

/// The guest side of one domain: its frames in the fake guest memory and
/// Linux's consumer.
class FifoGuest {
  public:
    explicit FifoGuest(Domain& d) : d_(d) {}

    uint8_t* frame(uint64_t gfn) { return arch::fake_guest_memory().data() + gfn * page_size; }
    evtchn_fifo_control_block_t* cb(unsigned vcpu) {
        return reinterpret_cast<evtchn_fifo_control_block_t*>(frame(control_gfn + vcpu) + control_offset);
    }
    event_word_t* word(EvtchnPort port) {
        return reinterpret_cast<event_word_t*>(frame(array_gfn + port / words_per_page)) + port % words_per_page;
    }
    event_word_t load(EvtchnPort port) { return __atomic_load_n(word(port), __ATOMIC_SEQ_CST); }
    bool pending(EvtchnPort port) { return load(port) & bit(EVTCHN_FIFO_PENDING); }
    bool linked(EvtchnPort port) { return load(port) & bit(EVTCHN_FIFO_LINKED); }

    Status init(unsigned vcpu) {
        evtchn_init_control_t c{control_gfn + vcpu, control_offset, vcpu, {}};
        return evtchn_init_control(d_, c);
    }
    Status expand() {
        evtchn_expand_array_t a{array_gfn + pages_};
        Status st = evtchn_expand_array(d_, a);
        if (st) ++pages_;
        return st;
    }
    /// FIFO on every vCPU, and an event array covering `nr_ports`.
    void setup(uint32_t nr_ports) {
        for (unsigned i = 0; i < d_.max_vcpus; ++i)
            ASSERT_TRUE(init(i).ok());
        while (pages_ * words_per_page < nr_ports)
            ASSERT_TRUE(expand().ok());
    }

    void mask(EvtchnPort port) { __atomic_fetch_or(word(port), bit(EVTCHN_FIFO_MASKED), __ATOMIC_SEQ_CST); }
    /// Linux's evtchn_fifo_unmask().
    void unmask(EvtchnPort port) {
        event_word_t w = load(port);
        for (;;) {
            if (!(w & bit(EVTCHN_FIFO_MASKED))) return;
            if (w & bit(EVTCHN_FIFO_PENDING)) break;
            event_word_t old = w & ~bit(EVTCHN_FIFO_BUSY);
            if (__atomic_compare_exchange_n(word(port), &old, old & ~bit(EVTCHN_FIFO_MASKED), false,
                                            __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                return;
            w = old;
        }
        ASSERT_TRUE(evtchn_unmask(d_, port).ok());
    }

    /// Linux's __evtchn_fifo_handle_events() for `vcpu`: handle(port) for
    /// each pending unmasked port, in queue order.
    template <typename F> void consume(unsigned vcpu, F handle) {
        __atomic_store_n(&d_.vcpus[vcpu]->vcpu_info->evtchn_upcall_pending, uint8_t{0}, __ATOMIC_SEQ_CST);
        evtchn_fifo_control_block_t* c = cb(vcpu);
        uint32_t ready = __atomic_exchange_n(&c->ready, 0u, __ATOMIC_SEQ_CST);
        while (ready) {
            const unsigned q = static_cast<unsigned>(__builtin_ctz(ready));
            consume_one(vcpu, c, q, ready, handle);
            ready |= __atomic_exchange_n(&c->ready, 0u, __ATOMIC_SEQ_CST);
        }
    }
    /// Consume on every vCPU until nothing is left; returns the ports handled.
    std::vector<EvtchnPort> drain() {
        std::vector<EvtchnPort> got;
        for (int round = 0; round < 4; ++round)
            for (unsigned v = 0; v < d_.max_vcpus; ++v)
                consume(v, [&](EvtchnPort p) { got.push_back(p); });
        return got;
    }

    uint32_t pages() const { return pages_; }

  private:
    template <typename F>
    void consume_one(unsigned vcpu, evtchn_fifo_control_block_t* c, unsigned q, uint32_t& ready, F& handle) {
        uint32_t head = local_head_[vcpu][q];
        if (head == 0) head = __atomic_load_n(&c->head[q], __ATOMIC_SEQ_CST);
        const EvtchnPort port = head;
        // clear_linked(): drop LINKED and LINK, keep the link we read.
        event_word_t w = load(port), next;
        do {
            next = w & EVTCHN_FIFO_LINK_MASK;
        } while (!__atomic_compare_exchange_n(word(port), &w,
                                              w & ~(bit(EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK), false,
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
        if (next == 0) ready &= ~(1u << q);
        const event_word_t now = load(port);
        if ((now & bit(EVTCHN_FIFO_PENDING)) && !(now & bit(EVTCHN_FIFO_MASKED))) {
            __atomic_fetch_and(word(port), ~bit(EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST); // ack (edge)
            handle(port);
        }
        local_head_[vcpu][q] = next;
    }

    Domain& d_;
    uint32_t pages_ = 0;
    uint32_t local_head_[nr_test_vcpus][EVTCHN_FIFO_MAX_QUEUES] = {};
};

class EvtchnFifoTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign((array_gfn + max_array_pages + 1) * page_size, 0);
        d = make(11, nr_test_vcpus, EVTCHN_FIFO_NR_CHANNELS - 1);
        g = std::make_unique<FifoGuest>(*d);
        arch::fake_upcalls = 0;
    }
    void TearDown() override {
        g.reset();
        for (Domain* x : doms)
            domain_destroy(*x);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    Domain* make(Domid id, unsigned vcpus, uint32_t max_ports) {
        auto r = domain_create(id, "fifo", vcpus, max_ports);
        EXPECT_TRUE(r.ok());
        for (unsigned i = 0; i < vcpus; ++i)
            EXPECT_TRUE(vcpu_create(*r.value(), i, 0).ok());
        doms.push_back(r.value());
        return r.value();
    }

    EvtchnPort unbound() {
        evtchn_alloc_unbound_t a{DOMID_SELF, DOMID_SELF, 0};
        EXPECT_TRUE(evtchn_alloc_unbound(*d, a).ok());
        return a.port;
    }
    EvtchnPort ipi(unsigned vcpu) {
        evtchn_bind_ipi_t b{vcpu, 0};
        EXPECT_TRUE(evtchn_bind_ipi(*d, b).ok());
        return b.port;
    }
    /// A loopback channel: {the bound (local) port, the unbound one it
    /// connected to}; a send on either end makes the other pending.
    std::pair<EvtchnPort, EvtchnPort> loopback() {
        const EvtchnPort r = unbound();
        evtchn_bind_interdomain_t b{DOMID_SELF, r, 0};
        EXPECT_TRUE(evtchn_bind_interdomain(*d, b).ok());
        return {b.local_port, r};
    }
    Status prio(EvtchnPort port, uint32_t priority) {
        return evtchn_set_priority(*d, evtchn_set_priority_t{port, priority});
    }
    uint8_t upcall(unsigned vcpu) { return d->vcpus[vcpu]->vcpu_info->evtchn_upcall_pending; }

    Domain* d = nullptr;
    std::unique_ptr<FifoGuest> g;
    std::vector<Domain*> doms;
};

// ---- init_control, expand_array, set_priority ----

TEST_F(EvtchnFifoTest, InitControlSwitchesToFifoAndReportsLinkBits) {
    EXPECT_EQ(evtchn_max_ports(*d), 4096u);
    evtchn_init_control_t c{control_gfn, control_offset, 0, 0};
    ASSERT_TRUE(evtchn_init_control(*d, c).ok());
    EXPECT_EQ(c.link_bits, EVTCHN_FIFO_LINK_BITS);
    EXPECT_EQ(evtchn_max_ports(*d), uint32_t{EVTCHN_FIFO_NR_CHANNELS});
    EXPECT_TRUE(g->init(1).ok()); // another vCPU, its own control block
}

TEST_F(EvtchnFifoTest, InitControlErrorsAsXen) {
    evtchn_init_control_t c{control_gfn, control_offset, 7, 0};
    EXPECT_EQ(evtchn_init_control(*d, c).error(), Errno::XEN_ENOENT); // no vCPU 7
    EXPECT_EQ(c.link_bits, EVTCHN_FIFO_LINK_BITS);                      // set even on failure
    c.vcpu = 0;
    c.offset = page_size - sizeof(evtchn_fifo_control_block_t) + 8; // crosses the page
    EXPECT_EQ(evtchn_init_control(*d, c).error(), Errno::XEN_EINVAL);
    c.offset = 0x44; // not 8-byte aligned
    EXPECT_EQ(evtchn_init_control(*d, c).error(), Errno::XEN_EINVAL);
    c.offset = control_offset;
    c.control_gfn = 1u << 30; // not the guest's RAM
    EXPECT_EQ(evtchn_init_control(*d, c).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(evtchn_max_ports(*d), 4096u); // a failed first init stays 2-level
    c.control_gfn = control_gfn;
    c.offset = page_size - sizeof(evtchn_fifo_control_block_t); // the last place that fits
    ASSERT_TRUE(evtchn_init_control(*d, c).ok());
    EXPECT_EQ(evtchn_init_control(*d, c).error(), Errno::XEN_EINVAL); // already initialised
}

TEST_F(EvtchnFifoTest, ExpandArrayErrorsAsXen) {
    EXPECT_EQ(g->expand().error(), Errno::XEN_EOPNOTSUPP); // still 2-level
    ASSERT_TRUE(g->init(0).ok());
    EXPECT_EQ(evtchn_expand_array(*d, evtchn_expand_array_t{1ull << 30}).error(), Errno::XEN_EINVAL);
    for (uint32_t i = 0; i < max_array_pages; ++i)
        ASSERT_TRUE(g->expand().ok()) << i;
    EXPECT_EQ(g->pages() * words_per_page, uint32_t{EVTCHN_FIFO_NR_CHANNELS});
    EXPECT_EQ(evtchn_expand_array(*d, evtchn_expand_array_t{array_gfn}).error(), Errno::XEN_ENOSPC);
}

TEST_F(EvtchnFifoTest, SetPriorityErrorsAsXen) {
    const EvtchnPort p = unbound();
    EXPECT_EQ(prio(p, 3).error(), Errno::XEN_ENOSYS); // 2-level has no priorities
    g->setup(1);
    EXPECT_TRUE(prio(p, EVTCHN_FIFO_PRIORITY_MIN).ok());
    EXPECT_TRUE(prio(p, EVTCHN_FIFO_PRIORITY_MAX).ok());
    EXPECT_EQ(prio(p, 16).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(prio(0, 3).error(), Errno::XEN_EACCES);     // reserved
    EXPECT_EQ(prio(p + 1, 3).error(), Errno::XEN_EACCES); // free
    EXPECT_EQ(prio(200000, 3).error(), Errno::XEN_EINVAL);
}

// ---- delivery ----

TEST_F(EvtchnFifoTest, SendLinksOnTheQueueSetsReadyAndRaisesTheUpcallOnce) {
    g->setup(64);
    const auto [tx, rx] = loopback();
    (void)g->drain(); // bind_interdomain leaves rx pending, as Xen does
    arch::fake_upcalls = 0;
    ASSERT_TRUE(evtchn_send(*d, tx).ok());
    EXPECT_TRUE(g->pending(rx));
    EXPECT_TRUE(g->linked(rx));
    EXPECT_EQ(g->cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], rx);
    EXPECT_EQ(g->cb(0)->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    EXPECT_EQ(upcall(0), 1);
    EXPECT_EQ(arch::fake_upcalls, 1u);
    ASSERT_TRUE(evtchn_send(*d, tx).ok()); // still pending: nothing new
    EXPECT_EQ(arch::fake_upcalls, 1u);
    EXPECT_EQ(g->drain(), std::vector<EvtchnPort>{rx});
    EXPECT_FALSE(g->pending(rx));
    EXPECT_FALSE(g->linked(rx));
}

TEST_F(EvtchnFifoTest, OnePriorityIsFirstInFirstOut) {
    g->setup(64);
    std::vector<EvtchnPort> ports;
    for (int i = 0; i < 5; ++i)
        ports.push_back(ipi(0));
    for (EvtchnPort p : {ports[3], ports[0], ports[4], ports[1], ports[2]})
        ASSERT_TRUE(evtchn_send(*d, p).ok());
    // Linked behind each other: the head is the first, LINK fields chain on.
    EXPECT_EQ(g->cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], ports[3]);
    EXPECT_EQ(g->load(ports[3]) & EVTCHN_FIFO_LINK_MASK, ports[0]);
    EXPECT_EQ(g->drain(), (std::vector<EvtchnPort>{ports[3], ports[0], ports[4], ports[1], ports[2]}));
}

TEST_F(EvtchnFifoTest, HigherPriorityIsConsumedFirst) {
    g->setup(64);
    const EvtchnPort low = ipi(0), mid = ipi(0), high = ipi(0), dflt = ipi(0);
    ASSERT_TRUE(prio(low, EVTCHN_FIFO_PRIORITY_MIN).ok());
    ASSERT_TRUE(prio(mid, 9).ok());
    ASSERT_TRUE(prio(high, EVTCHN_FIFO_PRIORITY_MAX).ok());
    for (EvtchnPort p : {low, dflt, mid, high})
        ASSERT_TRUE(evtchn_send(*d, p).ok());
    EXPECT_EQ(g->cb(0)->ready, (1u << 15) | (1u << 9) | (1u << 7) | 1u);
    EXPECT_EQ(g->drain(), (std::vector<EvtchnPort>{high, dflt, mid, low}));
}

TEST_F(EvtchnFifoTest, RebindingResetsThePriorityToDefault) {
    g->setup(64);
    EvtchnPort p = ipi(0);
    ASSERT_TRUE(prio(p, 2).ok());
    ASSERT_TRUE(evtchn_close(*d, p, true).ok());
    EXPECT_EQ(ipi(0), p);
    ASSERT_TRUE(evtchn_send(*d, p).ok());
    EXPECT_EQ(g->cb(0)->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
}

TEST_F(EvtchnFifoTest, SendOnMaskedPortSetsPendingWithoutLinkOrUpcall) {
    g->setup(64);
    const EvtchnPort p = ipi(0);
    g->mask(p);
    ASSERT_TRUE(evtchn_send(*d, p).ok());
    EXPECT_TRUE(g->pending(p));
    EXPECT_FALSE(g->linked(p));
    EXPECT_EQ(g->cb(0)->ready, 0u);
    EXPECT_EQ(arch::fake_upcalls, 0u);
    EXPECT_TRUE(evtchn_port_is_pending(*d, p));
    EXPECT_TRUE(evtchn_port_is_masked(*d, p));
    g->unmask(p); // PENDING: the guest must ask, and the hypervisor links it
    EXPECT_TRUE(g->linked(p));
    EXPECT_EQ(arch::fake_upcalls, 1u);
    EXPECT_EQ(g->drain(), std::vector<EvtchnPort>{p});
}

TEST_F(EvtchnFifoTest, MaskedWhileLinkedIsSkippedThenRelinkedOnUnmask) {
    g->setup(64);
    const EvtchnPort a = ipi(0), b = ipi(0);
    ASSERT_TRUE(evtchn_send(*d, a).ok());
    ASSERT_TRUE(evtchn_send(*d, b).ok());
    g->mask(a);
    EXPECT_EQ(g->drain(), std::vector<EvtchnPort>{b}); // a is unlinked but stays pending
    EXPECT_TRUE(g->pending(a));
    EXPECT_FALSE(g->linked(a));
    g->unmask(a);
    EXPECT_EQ(g->drain(), std::vector<EvtchnPort>{a});
}

TEST_F(EvtchnFifoTest, MovingAPortToAnotherVcpuLeavesTheOldQueueConsistent) {
    g->setup(64);
    const auto [tx, rx] = loopback();
    const EvtchnPort other = ipi(0);
    (void)g->drain();
    ASSERT_TRUE(evtchn_send(*d, tx).ok()); // rx on vCPU 0's queue, as its tail
    ASSERT_TRUE(evtchn_bind_vcpu(*d, rx, 1).ok());
    std::vector<EvtchnPort> got;
    g->consume(0, [&](EvtchnPort p) { got.push_back(p); }); // vCPU 0 still gets it
    EXPECT_EQ(got, std::vector<EvtchnPort>{rx});
    arch::fake_upcalls = 0;
    ASSERT_TRUE(evtchn_send(*d, tx).ok()); // now on vCPU 1
    EXPECT_EQ(g->cb(1)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], rx);
    EXPECT_EQ(g->cb(1)->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    EXPECT_EQ(upcall(1), 1);
    // vCPU 0's queue forgot rx as its tail: its next event is a new head,
    // not linked behind rx (which now belongs to vCPU 1's queue).
    ASSERT_TRUE(evtchn_send(*d, other).ok());
    EXPECT_EQ(g->cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], other);
    EXPECT_EQ(g->load(rx) & EVTCHN_FIFO_LINK_MASK, 0u);
    got.clear();
    g->consume(1, [&](EvtchnPort p) { got.push_back(p); });
    EXPECT_EQ(got, std::vector<EvtchnPort>{rx});
    got.clear();
    g->consume(0, [&](EvtchnPort p) { got.push_back(p); });
    EXPECT_EQ(got, std::vector<EvtchnPort>{other});
}

TEST_F(EvtchnFifoTest, PriorityChangeWhileLinkedTakesEffectForTheNextEvent) {
    g->setup(64);
    const EvtchnPort a = ipi(0), b = ipi(0);
    ASSERT_TRUE(evtchn_send(*d, a).ok());
    ASSERT_TRUE(prio(a, 1).ok());
    ASSERT_TRUE(evtchn_send(*d, b).ok());
    EXPECT_EQ(g->drain(), (std::vector<EvtchnPort>{a, b})); // a stayed on queue 7
    ASSERT_TRUE(evtchn_send(*d, b).ok());
    ASSERT_TRUE(evtchn_send(*d, a).ok());
    EXPECT_EQ(g->drain(), (std::vector<EvtchnPort>{a, b})); // now a is on queue 1
}

TEST_F(EvtchnFifoTest, ClosedPortStillLinkedIsNotHandedOutAgain) {
    g->setup(64);
    const EvtchnPort p = ipi(0);
    ASSERT_TRUE(evtchn_send(*d, p).ok());
    ASSERT_TRUE(evtchn_close(*d, p, true).ok());
    EXPECT_FALSE(g->pending(p)); // close clears PENDING, the guest still has it LINKED
    EXPECT_NE(unbound(), p);
    EXPECT_TRUE(g->drain().empty()); // unlinked, not handled: it is not pending
    EXPECT_EQ(unbound(), p);
}

// ---- the event array ----

TEST_F(EvtchnFifoTest, PortsBeyondTheArrayAreAllocatedAndDeliveredWhenItGrows) {
    g->setup(1); // one page: ports 0..1023
    std::vector<EvtchnPort> ports;
    for (int i = 0; i < 1100; ++i)
        ports.push_back(ipi(0)); // as Xen: allocation is not limited by the array
    const EvtchnPort far = ports.back();
    ASSERT_GE(far, words_per_page);
    ASSERT_TRUE(evtchn_send(*d, far).ok());
    EXPECT_FALSE(evtchn_port_is_pending(*d, far)); // no event word: remembered only
    EXPECT_TRUE(evtchn_port_is_masked(*d, far));
    EXPECT_EQ(g->cb(0)->ready, 0u);
    ASSERT_TRUE(g->expand().ok());
    EXPECT_TRUE(g->pending(far));
    EXPECT_EQ(g->drain(), std::vector<EvtchnPort>{far});
}

TEST_F(EvtchnFifoTest, TwoLevelPendingSurvivesTheSwitch) {
    const EvtchnPort p = ipi(0);
    ASSERT_TRUE(evtchn_send(*d, p).ok()); // a 2-level pending bit
    g->setup(64);
    EXPECT_EQ(g->drain(), std::vector<EvtchnPort>{p});
}

TEST_F(EvtchnFifoTest, DomainLimitStillAppliesUnderFifo) {
    Domain* small = make(12, 1, 1500);
    FifoGuest sg(*small);
    sg.setup(2048);
    EvtchnPort last = 0;
    for (;;) {
        evtchn_alloc_unbound_t a{DOMID_SELF, 0, 0};
        if (!evtchn_alloc_unbound(*small, a).ok()) break;
        last = a.port;
    }
    EXPECT_EQ(last, 1500u); // max_event_channels is the highest port, as Xen's max_evtchn_port
    evtchn_alloc_unbound_t a{DOMID_SELF, 0, 0};
    EXPECT_EQ(evtchn_alloc_unbound(*small, a).error(), Errno::XEN_ENOSPC);
}

TEST_F(EvtchnFifoTest, AllPortsUpToTheAbiLimit) {
    g->setup(EVTCHN_FIFO_NR_CHANNELS);
    EvtchnPort last = 0;
    for (;;) {
        evtchn_alloc_unbound_t a{DOMID_SELF, 0, 0};
        if (!evtchn_alloc_unbound(*d, a).ok()) break;
        last = a.port;
    }
    EXPECT_EQ(last, uint32_t{EVTCHN_FIFO_NR_CHANNELS} - 1);
    ASSERT_TRUE(evtchn_close(*d, last, true).ok());
    evtchn_bind_ipi_t b{0, 0};
    ASSERT_TRUE(evtchn_bind_ipi(*d, b).ok());
    EXPECT_EQ(b.port, last);
    ASSERT_TRUE(evtchn_send(*d, last).ok());
    EXPECT_EQ(g->drain(), std::vector<EvtchnPort>{last});
}

// ---- reset ----

TEST_F(EvtchnFifoTest, ResetReturnsToTwoLevel) {
    g->setup(64);
    const EvtchnPort p = ipi(0);
    ASSERT_TRUE(evtchn_send(*d, p).ok());
    ASSERT_TRUE(evtchn_reset(*d, DOMID_SELF).ok());
    EXPECT_EQ(evtchn_max_ports(*d), 4096u);
    EXPECT_EQ(evtchn_set_priority(*d, evtchn_set_priority_t{0, 1}).error(), Errno::XEN_ENOSYS);
    EXPECT_EQ(g->expand().error(), Errno::XEN_EOPNOTSUPP);
    // 2-level delivery again.
    const EvtchnPort q = ipi(0);
    ASSERT_TRUE(evtchn_send(*d, q).ok());
    EXPECT_TRUE((d->shared_info->evtchn_pending[q / 64] >> (q % 64)) & 1);
    // And FIFO can be set up afresh (the old control blocks are forgotten).
    ASSERT_TRUE(g->init(0).ok());
    ASSERT_TRUE(g->init(1).ok());
}

TEST_F(EvtchnFifoTest, HypervisorPortsSurviveResetAndDeliverUnderEitherAbi) {
    auto xp = evtchn_alloc_xen_port(*d, [](Domain&, EvtchnPort) {});
    ASSERT_TRUE(xp.ok());
    g->setup(64);
    evtchn_notify_from_xen(*d, xp.value());
    EXPECT_EQ(g->drain(), std::vector<EvtchnPort>{xp.value()});
    EXPECT_EQ(evtchn_set_priority(*d, evtchn_set_priority_t{xp.value(), 1}).error(), Errno::XEN_EACCES);
    ASSERT_TRUE(evtchn_reset(*d, DOMID_SELF).ok());
    evtchn_notify_from_xen(*d, xp.value());
    EXPECT_TRUE((d->shared_info->evtchn_pending[0] >> xp.value()) & 1);
}

// Finding 5 of issue 10: ports bound under FIFO stay valid after a reset
// to 2-level, and EVTCHNOP_unmask (and a hypervisor notification) on one
// above 4095 wrote bits past shared_info's bitmaps. Xen ignores ports that
// are not in use or that the ABI cannot name.
TEST_F(EvtchnFifoTest, UnmaskIgnoresFreePortsAndPortsTheAbiCannotName) {
    g->setup(8192);
    EvtchnPort last = 0;
    while (last < 4200) last = unbound();
    auto xp = evtchn_alloc_xen_port(*d, [](Domain&, EvtchnPort) {});
    ASSERT_TRUE(xp.ok());
    ASSERT_GT(xp.value(), 4095u);
    ASSERT_TRUE(evtchn_reset(*d, DOMID_SELF).ok());
    ASSERT_EQ(evtchn_max_ports(*d), 4096u);
    // Everything after the bitmaps reads as all ones; the guest masked port 5.
    auto* page = reinterpret_cast<uint8_t*>(d->shared_info);
    const size_t tail = offsetof(shared_info, evtchn_mask) + sizeof(d->shared_info->evtchn_mask);
    memset(page + tail, 0xff, page_size - tail);
    d->shared_info->evtchn_mask[0] = 1u << 5;
    std::vector<uint8_t> before(page, page + page_size);
    EXPECT_TRUE(evtchn_unmask(*d, 4100).ok());          // free, beyond 2-level
    EXPECT_TRUE(evtchn_unmask(*d, xp.value()).ok());    // bound, beyond 2-level
    EXPECT_TRUE(evtchn_unmask(*d, last).ok());          // free, the highest bound
    EXPECT_TRUE(evtchn_unmask(*d, 5).ok());             // free: Xen's evtchn_usable() says no
    evtchn_notify_from_xen(*d, xp.value());
    EXPECT_FALSE(evtchn_port_is_pending(*d, xp.value()));
    EXPECT_TRUE(evtchn_port_is_masked(*d, xp.value()));
    EXPECT_EQ(std::vector<uint8_t>(page, page + page_size), before) << "shared_info changed";
    EXPECT_EQ(evtchn_unmask(*d, 200000).error(), Errno::XEN_EINVAL); // never valid
    // A bound port below the limit still unmasks (and delivers).
    const EvtchnPort p = ipi(0);
    d->shared_info->evtchn_mask[p / 64] |= 1ull << (p % 64);
    d->vcpus[0]->vcpu_info->evtchn_upcall_pending = 0;
    ASSERT_TRUE(evtchn_send(*d, p).ok());
    EXPECT_EQ(upcall(0), 0);
    ASSERT_TRUE(evtchn_unmask(*d, p).ok());
    EXPECT_FALSE((d->shared_info->evtchn_mask[p / 64] >> (p % 64)) & 1);
    EXPECT_EQ(upcall(0), 1);
}

TEST_F(EvtchnFifoTest, GuestFramesInUseAreReported) {
    g->setup(2048);
    EXPECT_TRUE(evtchn_uses_guest_frame(*d, g->frame(control_gfn)));
    EXPECT_TRUE(evtchn_uses_guest_frame(*d, g->frame(control_gfn + 1)));
    EXPECT_TRUE(evtchn_uses_guest_frame(*d, g->frame(array_gfn + 1)));
    EXPECT_FALSE(evtchn_uses_guest_frame(*d, g->frame(array_gfn + 2)));
    EXPECT_FALSE(evtchn_uses_guest_frame(*d, g->frame(0)));
    ASSERT_TRUE(evtchn_reset(*d, DOMID_SELF).ok());
    EXPECT_FALSE(evtchn_uses_guest_frame(*d, g->frame(control_gfn)));
}

// ---- a random sequence against a reference model ----

TEST_F(EvtchnFifoTest, RandomOperationsMatchAReferenceModel) {
    g->setup(4096);
    struct Model {
        bool pending = false, masked = false;
    };
    std::vector<std::pair<EvtchnPort, EvtchnPort>> chans; // {tx, rx}
    for (int i = 0; i < 40; ++i)
        chans.push_back(loopback());
    std::map<EvtchnPort, Model> model;
    for (auto [tx, rx] : chans) {
        model[tx].pending = true; // bind_interdomain leaves the new local port pending
        model[rx];
    }
    auto handle = [&](EvtchnPort p) {
        ASSERT_TRUE(model.count(p)) << p;
        ASSERT_TRUE(model[p].pending && !model[p].masked) << "port " << p << " handled but not deliverable";
        model[p].pending = false;
    };
    std::mt19937 rng(1234);
    for (int step = 0; step < 20000; ++step) {
        const auto [tx, rx] = chans[rng() % chans.size()];
        const EvtchnPort p = rng() % 2 ? rx : tx; // both ends receive
        const EvtchnPort peer = p == rx ? tx : rx;
        switch (rng() % 8) {
        case 0:
        case 1:
        case 2:
            ASSERT_TRUE(evtchn_send(*d, peer).ok());
            model[p].pending = true;
            break;
        case 3:
            g->mask(p);
            model[p].masked = true;
            break;
        case 4:
            g->unmask(p);
            model[p].masked = false;
            break;
        case 5:
            ASSERT_TRUE(prio(p, static_cast<uint32_t>(rng() % 16)).ok());
            break;
        case 6:
            ASSERT_TRUE(evtchn_bind_vcpu(*d, p, static_cast<uint32_t>(rng() % nr_test_vcpus)).ok());
            break;
        case 7:
            g->consume(rng() % nr_test_vcpus, handle);
            break;
        }
        // The hypervisor's view matches the model at every step.
        ASSERT_EQ(evtchn_port_is_pending(*d, p), model[p].pending) << "step " << step;
        if (step % 500 == 0 || step == 19999) {
            for (unsigned v = 0; v < nr_test_vcpus; ++v) // anything queued was announced
                if (g->cb(v)->ready) {
                    ASSERT_EQ(upcall(v), 1) << "step " << step;
                }
            for (EvtchnPort x : g->drain())
                handle(x);
            for (auto& [port, m] : model) // every deliverable event was delivered
                ASSERT_FALSE(m.pending && !m.masked) << "port " << port << " lost at step " << step;
        }
    }
}

// ---- threads: senders against one consumer ----

TEST_F(EvtchnFifoTest, SendersRacingAConsumerLoseNoEvent) {
    g->setup(1024);
    constexpr int nr_senders = 3, chans_per_sender = 8, rounds = 3000;
    std::vector<std::pair<EvtchnPort, EvtchnPort>> chans;
    for (int i = 0; i < nr_senders * chans_per_sender; ++i)
        chans.push_back(loopback());
    for (int i = 0; i < static_cast<int>(chans.size()); ++i) {
        ASSERT_TRUE(prio(chans[i].second, i % 4 + 5).ok());
        ASSERT_TRUE(evtchn_bind_vcpu(*d, chans[i].second, i % nr_test_vcpus).ok());
    }
    (void)g->drain();
    // seq[rx] is written before each send; the consumer reads it after
    // acknowledging, so its last reading must be the last value written.
    std::vector<std::atomic<uint32_t>> seq(EVTCHN_FIFO_NR_CHANNELS), seen(EVTCHN_FIFO_NR_CHANNELS);
    std::atomic<int> senders_left{nr_senders};
    std::vector<std::thread> threads;
    for (int s = 0; s < nr_senders; ++s) {
        threads.emplace_back([&, s] {
            std::mt19937 rng(s);
            for (int r = 1; r <= rounds; ++r) {
                const auto [tx, rx] = chans[s * chans_per_sender + rng() % chans_per_sender];
                seq[rx].fetch_add(1);
                EXPECT_TRUE(evtchn_send(*d, tx).ok());
                if (r % 97 == 0) (void)evtchn_set_priority(*d, evtchn_set_priority_t{rx, static_cast<uint32_t>(rng() % 16)});
                if (r % 89 == 0) (void)evtchn_bind_vcpu(*d, rx, static_cast<uint32_t>(rng() % nr_test_vcpus));
            }
            senders_left.fetch_sub(1);
        });
    }
    std::thread consumer([&] {
        std::mt19937 rng(99);
        auto handle = [&](EvtchnPort p) { seen[p].store(seq[p].load()); };
        unsigned iter = 0;
        while (senders_left.load() > 0) {
            for (unsigned v = 0; v < nr_test_vcpus; ++v)
                g->consume(v, handle);
            if (++iter % 7 == 0) { // mask and unmask as a driver would
                const EvtchnPort rx = chans[rng() % chans.size()].second;
                g->mask(rx);
                g->unmask(rx);
            }
        }
        for (int i = 0; i < 4; ++i)
            for (unsigned v = 0; v < nr_test_vcpus; ++v)
                g->consume(v, handle);
    });
    for (auto& t : threads)
        t.join();
    consumer.join();
    for (auto [tx, rx] : chans) {
        EXPECT_EQ(seen[rx].load(), seq[rx].load()) << "port " << rx;
        EXPECT_FALSE(g->pending(rx));
    }
}

} // namespace
} // namespace cxen
