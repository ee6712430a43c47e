// The one p2m writer (common/mm/p2m.cpp), through the hypercalls that use
// it: two vCPUs removing one gfn at once (review finding 3), grant v2 status
// frames moving between gfns and going away at set_version 1 (finding 1), a
// grant mapping displacing a frame the hypervisor writes (finding 2), the
// per-domain pool of p2m tables (finding 6) and gfns beyond the p2m's reach
// (finding 13). The grant fixture's TearDown checks that no machine frame
// leaked or was freed twice.
#include <atomic>
#include <functional>
#include <thread>

#include "../grant/grant_fixture.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/p2m.hpp"

namespace cxen::test {
namespace {

using arch::P2mType;
constexpr uint64_t args_gva = 0x1000, list_gva = 0x2000;

class P2mWriterTest : public GrantTest {
  protected:
    void SetUp() override {
        GrantTest::SetUp();
        arch::fake_guest_memory().assign(0x10000, 0);
    }
    template <typename T> static void put(uint64_t gva, const T& t) {
        std::memcpy(arch::fake_guest_memory().data() + gva, &t, sizeof(t));
    }
    static long add_to_physmap(Vcpu& v, unsigned space, uint64_t idx, uint64_t gpfn) {
        xen_add_to_physmap x{};
        x.domid = DOMID_SELF;
        x.space = space;
        x.idx = idx;
        x.gpfn = gpfn;
        put(args_gva + 0x100 * v.vcpu_id, x);
        return do_memory_op(v, HypercallArgs{{XENMEM_add_to_physmap, args_gva + 0x100 * v.vcpu_id, 0, 0, 0}});
    }
    // A reservation op on gfns [first, first + n) with its arguments at a
    // per-vCPU place in guest memory.
    static long reservation(Vcpu& v, unsigned cmd, uint64_t first, unsigned n) {
        const uint64_t args = args_gva + 0x100 * v.vcpu_id, list = list_gva + 0x1000 * v.vcpu_id;
        for (unsigned i = 0; i < n; ++i) put(list + i * 8, xen_pfn_t{first + i});
        xen_memory_reservation r{};
        r.extent_start.p = reinterpret_cast<xen_pfn_t*>(list);
        r.nr_extents = n;
        r.domid = DOMID_SELF;
        put(args, r);
        return do_memory_op(v, HypercallArgs{{cmd, args, 0, 0, 0}});
    }
    static bool allocated(Mfn m) {
        Mfn head;
        unsigned order;
        return grant_machine().allocated_block_of(m, head, order);
    }
};

// Finding 3: decrease_reservation changed the p2m with no lock, so two
// vCPUs decreasing the same gfns both found them mapped and freed each frame
// twice (or corrupted the p2m). Under the writer exactly one removal wins
// per gfn; the other vCPU stops at it (-ENOENT, extents done so far).
TEST_F(P2mWriterTest, TwoVcpusDecreasingTheSameGfnsFreeEachFrameOnce) {
    Domain& d = make(1);
    Vcpu v0, v1;
    v0.domain = v1.domain = &d;
    v1.vcpu_id = 1;
    constexpr unsigned n = 64, rounds = 200;
    std::atomic<unsigned> go{0}, finished{0};
    std::atomic<long> done{0};
    // Both vCPUs decrease gfn 0x100 + i, one extent per call, in the same
    // order, starting together each round: they meet on most gfns.
    auto vcpu = [&](Vcpu& v) {
        for (unsigned r = 1; r <= rounds; ++r) {
            while (go.load() < r) {
            }
            for (unsigned i = 0; i < n; ++i) done += reservation(v, XENMEM_decrease_reservation, 0x100 + i, 1);
            finished.fetch_add(1);
        }
    };
    std::thread t0(vcpu, std::ref(v0)), t1(vcpu, std::ref(v1));
    for (unsigned r = 1; r <= rounds; ++r) {
        const uint64_t free_before = grant_machine().free_pages();
        for (unsigned i = 0; i < n; ++i) give_ram(d, 0x100 + i);
        done = 0;
        go.store(r);
        while (finished.load() < 2 * r) {
        }
        EXPECT_EQ(done.load(), long{n}) << "round " << r << ": each gfn removed exactly once";
        EXPECT_EQ(grant_machine().free_pages(), free_before) << "round " << r << ": a frame leaked or was freed twice";
        if (HasFailure()) break;
    }
    go.store(rounds); // let the threads finish if a round failed
    t0.join();
    t1.join();
}

// And populate against decrease on the same gfns: never a frame lost or
// freed twice (the fixture's TearDown counts them).
TEST_F(P2mWriterTest, PopulateRacingDecreaseLosesNoFrame) {
    Domain& d = make(1);
    Vcpu v0, v1;
    v0.domain = v1.domain = &d;
    v1.vcpu_id = 1;
    std::thread t0([&] {
        for (int i = 0; i < 300; ++i) (void)reservation(v0, XENMEM_populate_physmap, 0x200, 16);
    });
    std::thread t1([&] {
        for (int i = 0; i < 300; ++i) (void)reservation(v1, XENMEM_decrease_reservation, 0x200, 16);
    });
    t0.join();
    t1.join();
    EXPECT_EQ(d.p2m.ram_pages(), [&] {
        uint64_t n = 0;
        for (uint64_t g = 0x200; g < 0x210; ++g) n += p2m(d, g).type == P2mType::ram_rw;
        return n;
    }());
}

// Finding 1: a status frame mapped at a second gfn stayed mapped at the
// first, and set_version 1 then freed it while that gfn still reached it.
// Xen removes the old gfn (the M2P); the switch to v1 removes the one gfn
// left, with the flush, before the frame is freed.
TEST_F(P2mWriterTest, StatusFrameMovesToItsNewGfnAndIsUnmappedBeforeV1FreesIt) {
    Domain& d = make(1);
    Vcpu v;
    v.domain = &d;
    gnttab_set_version_t sv{2};
    ASSERT_TRUE(gnttab_set_version(d, sv).ok());
    const unsigned status0 = XENMAPIDX_grant_table_status | 0;
    ASSERT_EQ(add_to_physmap(v, XENMAPSPACE_grant_table, status0, 0x500), 0);
    const Mfn s0 = gnttab_get_frame(d, 0, true).value();
    EXPECT_EQ(p2m(d, 0x500).mfn, s0);
    ASSERT_EQ(add_to_physmap(v, XENMAPSPACE_grant_table, status0, 0x600), 0);
    EXPECT_EQ(p2m(d, 0x500).type, P2mType::invalid) << "the first gfn still maps the status frame";
    EXPECT_EQ(p2m(d, 0x600).mfn, s0);
    // A shared frame too, and shared_info: one gfn each.
    ASSERT_EQ(add_to_physmap(v, XENMAPSPACE_grant_table, 0, 0x700), 0);
    ASSERT_EQ(add_to_physmap(v, XENMAPSPACE_grant_table, 0, 0x701), 0);
    EXPECT_EQ(p2m(d, 0x700).type, P2mType::invalid);
    EXPECT_EQ(p2m(d, 0x701).type, P2mType::xen_page);
    const unsigned flushes = arch::fake_p2m_flushes.load();
    sv.version = 1;
    ASSERT_TRUE(gnttab_set_version(d, sv).ok());
    EXPECT_EQ(p2m(d, 0x600).type, P2mType::invalid);
    EXPECT_EQ(p2m(d, 0x500).type, P2mType::invalid);
    EXPECT_GT(arch::fake_p2m_flushes.load(), flushes) << "no flush before the status frame was freed";
    EXPECT_EQ(p2m(d, 0x701).type, P2mType::xen_page); // shared frames stay
}

// Finding 2: a grant mapping onto the gfn of a page the hypervisor writes
// (a registered vcpu_info, FIFO control block or event array) freed that
// RAM while the hypervisor kept writing into it. Now the page is held with
// a reference: it stays allocated until the hypervisor lets it go.
TEST_F(P2mWriterTest, GrantMapOverAHypervisorWrittenPageKeepsTheFrameUntilReleased) {
    Domain& granter = make(1);
    Domain& victim = make(2);
    const Mfn granted = give_ram(granter, 0x10, 0x11);
    grant(granter, 8, 2, 0x10);
    const Mfn held = give_ram(victim, 0x40, 0x22);
    auto page = arch::map_guest_ram_frame(victim, 0x40); // as VCPUOP_register_vcpu_info / FIFO init do
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page_ref_count(held), 1u);
    const unsigned flushes = arch::fake_p2m_flushes.load();
    const gnttab_map_grant_ref_t op = map(victim, 1, 8, 0x40, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(p2m(victim, 0x40).mfn, granted);
    EXPECT_GT(arch::fake_p2m_flushes.load(), flushes);
    EXPECT_TRUE(allocated(held)) << "the hypervisor's page was freed under it";
    std::memset(page.value(), 0x33, 64); // the hypervisor still writes it: not someone else's frame now
    EXPECT_EQ(unmap(victim, op.handle, 0x40), GNTST_okay);
    const uint64_t free_now = grant_machine().free_pages();
    arch::unmap_guest_ram_frame(page.value());
    EXPECT_FALSE(allocated(held));
    EXPECT_EQ(grant_machine().free_pages(), free_now + 1);
}

// The same for decrease_reservation of the page (Xen: the frame leaves the
// p2m, the reference keeps it), where cxen used to answer -EBUSY.
TEST_F(P2mWriterTest, DecreasingAReferencedPageUnmapsItAndFreesItAtTheLastPut) {
    Domain& d = make(1);
    Vcpu v;
    v.domain = &d;
    const Mfn held = give_ram(d, 0x40);
    auto page = arch::map_guest_ram_frame(d, 0x40);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(reservation(v, XENMEM_decrease_reservation, 0x40, 1), 1);
    EXPECT_EQ(p2m(d, 0x40).type, P2mType::invalid);
    EXPECT_TRUE(allocated(held));
    arch::unmap_guest_ram_frame(page.value());
    EXPECT_FALSE(allocated(held));
}

// Finding 6: p2m tables spent on a domain come from its own capped pool;
// remapping shared_info all over the guest-physical space stops at the cap
// with -ENOMEM for that domain only.
TEST_F(P2mWriterTest, PoolOfP2mTablesIsCappedPerDomain) {
    EXPECT_EQ(p2m_pool_pages(1, 64 * 256), 256u + 64); // Xen's HAP pool: 256 per vCPU + 1 per MiB
    EXPECT_EQ(p2m_pool_pages(4, 512 * 256 + 1), 1024u + 513);
    Domain& attacker = make(1);
    Domain& neighbour = make(2);
    EXPECT_EQ(attacker.p2m.table_limit(), p2m_pool_pages(1, 0)); // from domain_create
    attacker.max_pages = 64 * 256;
    p2m_set_pool(attacker);
    EXPECT_EQ(attacker.p2m.table_limit(), 256u + 64);
    attacker.p2m.set_table_limit(attacker.p2m.tables() + 3); // small, for the test
    Vcpu v;
    v.domain = &attacker;
    long rc = 0;
    unsigned mapped = 0;
    for (uint64_t gfn = 0x1000; gfn < 0x1000 + (64ull << 9) && rc == 0; gfn += 512) {
        rc = add_to_physmap(v, XENMAPSPACE_shared_info, 0, gfn);
        mapped += rc == 0;
    }
    EXPECT_EQ(mapped, 3u);
    EXPECT_EQ(rc, -static_cast<long>(Errno::XEN_ENOMEM));
    EXPECT_EQ(attacker.p2m.tables(), attacker.p2m.table_limit());
    // The neighbour is untouched.
    Vcpu nv;
    nv.domain = &neighbour;
    EXPECT_EQ(reservation(nv, XENMEM_populate_physmap, 0x3000, 4), 4);
    EXPECT_EQ(add_to_physmap(nv, XENMAPSPACE_shared_info, 0, 0x9000), 0);
}

// Finding 13: gfns at or above 2^36 (beyond a 48-bit guest-physical space)
// are refused, never taken modulo the p2m's reach.
TEST_F(P2mWriterTest, GfnsBeyondTheP2mAreRefused) {
    Domain& d = make(1);
    Vcpu v;
    v.domain = &d;
    give_ram(d, 5);
    EXPECT_EQ(reservation(v, XENMEM_populate_physmap, arch::p2m_max_gfn + 1, 1), 0);
    EXPECT_EQ(reservation(v, XENMEM_decrease_reservation, arch::p2m_max_gfn + 1 + 5, 1), 0);
    EXPECT_EQ(p2m(d, 5).type, P2mType::ram_rw);
    EXPECT_FALSE(p2m_get_page(d, Gfn{arch::p2m_max_gfn + 1 + 5}, P2mAccess::read).ok());
    EXPECT_EQ(add_to_physmap(v, XENMAPSPACE_shared_info, 0, arch::p2m_max_gfn + 1),
              -static_cast<long>(Errno::XEN_EINVAL));
    EXPECT_EQ(p2m_add_grant(d, Gfn{arch::p2m_max_gfn + 1}, Mfn{1}, false).error(), Errno::XEN_EINVAL);
}

} // namespace
} // namespace cxen::test

namespace cxen::test {
namespace {

// Lookups share the p2m lock (Xen's get_page_from_gfn() under the p2m read
// lock): while another vCPU is inside a lookup, a page walk of this one
// goes on. As one exclusive ticket lock, every guest copy of a domain's
// vCPUs queued here, and on a loaded emulated host Linux stalled for tens
// of seconds. A change still waits for the lookup to finish.
TEST_F(P2mWriterTest, LookupsShareTheLockAndAChangeWaitsForThem) {
    Domain& d = make(1);
    give_ram(d, 0x40);
    d.p2m_lock.read_lock(); // another vCPU in the middle of a lookup
    std::atomic<bool> looked_up{false}, changed{false};
    std::thread reader([&] {
        auto m = p2m_get_page(d, Gfn{0x40}, P2mAccess::write);
        EXPECT_TRUE(m.ok());
        if (m) p2m_put_page(m.value());
        looked_up = true;
    });
    reader.join(); // would spin for ever behind an exclusive lock
    EXPECT_TRUE(looked_up.load());
    Vcpu v;
    v.domain = &d;
    std::thread writer([&] {
        EXPECT_EQ(reservation(v, XENMEM_decrease_reservation, 0x40, 1), 1);
        changed = true;
    });
    for (int i = 0; i < 1000; ++i) std::this_thread::yield();
    EXPECT_FALSE(changed.load()); // the writer waits for the lookup in progress
    d.p2m_lock.read_unlock();
    writer.join();
    EXPECT_TRUE(changed.load());
    EXPECT_EQ(p2m(d, 0x40).type, P2mType::invalid);
}

} // namespace
} // namespace cxen::test
