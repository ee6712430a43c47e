// memory_op through its hypercall shell, against the host fakes: guest
// memory is fake_guest_memory() (guest-virtual == guest-physical), the p2m a
// std::map, machine frames come from a PageAllocator over a host frame table.
#include "common/hypercall/hypercall.hpp"

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/softirq.hpp"

namespace {
constexpr long einval = -static_cast<long>(cxen::Errno::XEN_EINVAL);
constexpr long efault = -static_cast<long>(cxen::Errno::XEN_EFAULT);
constexpr long enosys = -static_cast<long>(cxen::Errno::XEN_ENOSYS);
constexpr long edom = -static_cast<long>(cxen::Errno::XEN_EDOM);
constexpr long esrch = -static_cast<long>(cxen::Errno::XEN_ESRCH);
} // namespace

#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <vector>

using namespace cxen;

namespace {

constexpr uint64_t args_gva = 0x1000, list_gva = 0x2000, buf_gva = 0x3000;
constexpr uint64_t nr_host_frames = 1024;

PageAllocator& machine() {
    static PageInfo frames[nr_host_frames];
    static bool ready = false;
    PageAllocator& pa = page_allocator();
    if (!ready) {
        pa.init(frames, nr_host_frames);
        pa.add_free_range(Mfn{0}, nr_host_frames);
        ready = true;
    }
    return pa;
}

struct MemoryOpTest : ::testing::Test {
    Domain d;
    Vcpu v;
    void* si_page = nullptr;
    void SetUp() override {
        machine();
        arch::fake_guest_memory().assign(0x10000, 0);
        si_page = std::aligned_alloc(4096, 4096);
        std::memset(si_page, 0, 4096);
        d.shared_info = static_cast<::shared_info*>(si_page);
        d.max_vcpus = 1;
        d.vcpus[0] = &v;
        d.max_pages = 64;
        v.domain = &d;
        v.vcpu_info = &d.shared_info->vcpu_info[0];
    }
    void TearDown() override {
        // Give back what the tests populated.
        for (uint64_t g = 0; g < 0x10000; ++g) {
            const arch::P2mEntry e = d.p2m.lookup(Gfn{g});
            if (e.type == arch::P2mType::ram_rw) page_allocator().free(e.mfn, 0);
        }
        std::free(si_page);
    }
    template <typename T> void put(uint64_t gva, const T& t) {
        std::memcpy(arch::fake_guest_memory().data() + gva, &t, sizeof(t));
    }
    template <typename T> T get(uint64_t gva) {
        T t;
        std::memcpy(&t, arch::fake_guest_memory().data() + gva, sizeof(t));
        return t;
    }
    long op(uint64_t cmd, uint64_t arg = args_gva) { return do_memory_op(v, HypercallArgs{{cmd, arg, 0, 0, 0}}); }
    long reservation(unsigned cmd, std::vector<xen_pfn_t> gfns, unsigned order, domid_t domid = DOMID_SELF,
                     uint64_t start = 0, uint64_t list = list_gva) {
        for (size_t i = 0; i < gfns.size(); ++i) put(list_gva + i * 8, gfns[i]);
        xen_memory_reservation r{};
        r.extent_start.p = reinterpret_cast<xen_pfn_t*>(list);
        r.nr_extents = gfns.size();
        r.extent_order = order;
        r.domid = domid;
        put(args_gva, r);
        return op(cmd | (start << 6));
    }
    long map_shared_info(uint64_t gfn, uint64_t idx = 0, unsigned space = XENMAPSPACE_shared_info) {
        xen_add_to_physmap x{};
        x.domid = DOMID_SELF;
        x.space = space;
        x.idx = idx;
        x.gpfn = gfn;
        put(args_gva, x);
        return op(XENMEM_add_to_physmap);
    }
};

// XENMEM_memory_map and set_memory_map: memory_op_memmap_test.cpp.

TEST_F(MemoryOpTest, SharedInfoIsMappedAsXenPageAndMovesWithoutLeavingTheOldGfn) {
    ASSERT_EQ(map_shared_info(5), 0);
    EXPECT_EQ(d.p2m.lookup(Gfn{5}).type, arch::P2mType::xen_page);
    EXPECT_EQ(d.p2m.lookup(Gfn{5}).mfn, xenheap_virt_to_mfn(si_page));
    ASSERT_EQ(map_shared_info(9), 0);
    EXPECT_EQ(d.p2m.lookup(Gfn{9}).type, arch::P2mType::xen_page);
    EXPECT_EQ(d.p2m.lookup(Gfn{5}).type, arch::P2mType::invalid);
    EXPECT_EQ(d.shared_info_gfn, 9u);
}

TEST_F(MemoryOpTest, SharedInfoMappingMakesThePvclockValid) {
    ASSERT_EQ(map_shared_info(5), 0);
    const vcpu_time_info& t = d.shared_info->vcpu_info[0].time;
    EXPECT_NE(t.version, 0u);
    EXPECT_EQ(t.version % 2, 0u);
    EXPECT_NE(t.tsc_to_system_mul, 0u);
    EXPECT_EQ(d.shared_info->wc_version % 2, 0u);
}

TEST_F(MemoryOpTest, SharedInfoReplacesRamAndFreesIt) {
    ASSERT_EQ(reservation(XENMEM_populate_physmap, {7}, 0), 1);
    const uint64_t free_before = page_allocator().free_pages();
    ASSERT_EQ(map_shared_info(7), 0);
    EXPECT_EQ(page_allocator().free_pages(), free_before + 1);
    EXPECT_EQ(d.p2m.ram_pages(), 0u);
}

TEST_F(MemoryOpTest, AddToPhysmapBadArguments) {
    EXPECT_EQ(map_shared_info(5, 1), einval);                                // one shared_info frame
    EXPECT_EQ(map_shared_info(5, 0, 99), einval);                            // no such space
    EXPECT_EQ(map_shared_info(5, 0, XENMAPSPACE_gmfn_foreign), enosys);      // batch only
    EXPECT_EQ(map_shared_info(uint64_t{1} << 40), einval);                   // beyond the p2m
    EXPECT_EQ(op(XENMEM_add_to_physmap | (1u << 6)), edom);                  // no continuation
    EXPECT_EQ(op(XENMEM_add_to_physmap, 0x100000), efault);
    xen_add_to_physmap x{};
    x.domid = 0x7ff1; // DOMID_IO: no such domain
    put(args_gva, x);
    EXPECT_EQ(op(XENMEM_add_to_physmap), esrch);
}

TEST_F(MemoryOpTest, PopulateAndDecreaseCountExtentsAndPages) {
    const uint64_t free0 = page_allocator().free_pages();
    EXPECT_EQ(reservation(XENMEM_populate_physmap, {0x10, 0x20}, 2), 2);
    EXPECT_EQ(d.p2m.ram_pages(), 8u);
    EXPECT_EQ(d.p2m.lookup(Gfn{0x23}).type, arch::P2mType::ram_rw);
    domid_t self = DOMID_SELF;
    put(args_gva, self);
    EXPECT_EQ(op(XENMEM_current_reservation), 8);
    EXPECT_EQ(op(XENMEM_maximum_reservation), 64);
    EXPECT_EQ(reservation(XENMEM_decrease_reservation, {0x10, 0x20}, 2), 2);
    EXPECT_EQ(d.p2m.ram_pages(), 0u);
    EXPECT_EQ(page_allocator().free_pages(), free0);
}

TEST_F(MemoryOpTest, MisalignedExtentIsMappedPageByPageAndFreedPageByPage) {
    const uint64_t free0 = page_allocator().free_pages();
    EXPECT_EQ(reservation(XENMEM_populate_physmap, {0x11}, 2), 1);
    EXPECT_EQ(d.p2m.ram_pages(), 4u);
    EXPECT_EQ(reservation(XENMEM_decrease_reservation, {0x12}, 0), 1); // one page out of the block
    EXPECT_EQ(reservation(XENMEM_decrease_reservation, {0x11, 0x13, 0x14}, 0), 3);
    EXPECT_EQ(page_allocator().free_pages(), free0);
}

TEST_F(MemoryOpTest, DecreaseStopsAtTheFirstUnpopulatedGfn) {
    ASSERT_EQ(reservation(XENMEM_populate_physmap, {0x30}, 0), 1);
    EXPECT_EQ(reservation(XENMEM_decrease_reservation, {0x30, 0x31, 0x30}, 0), 1);
}

TEST_F(MemoryOpTest, PopulateRespectsMaxPages) {
    d.max_pages = 6;
    EXPECT_EQ(reservation(XENMEM_populate_physmap, {0x40, 0x44}, 2), 1); // 4 fit, 8 do not
    EXPECT_EQ(d.p2m.ram_pages(), 4u);
}

TEST_F(MemoryOpTest, StartExtentInTheCommandSkipsEarlierExtents) {
    EXPECT_EQ(reservation(XENMEM_populate_physmap, {0x50, 0x51, 0x52}, 0, DOMID_SELF, 2), 3);
    EXPECT_EQ(d.p2m.lookup(Gfn{0x50}).type, arch::P2mType::invalid);
    EXPECT_EQ(d.p2m.lookup(Gfn{0x52}).type, arch::P2mType::ram_rw);
    EXPECT_EQ(reservation(XENMEM_populate_physmap, {0x60}, 0, DOMID_SELF, 5), 5); // start beyond the end
}

// With work pending on this pCPU, a long populate stops every 64 extents
// and continues from there in a re-executed hypercall: the cmd carries the
// next start extent above MEMOP_EXTENT_SHIFT, as in Xen.
TEST_F(MemoryOpTest, LongPopulateContinuesWhenWorkIsPending) {
    d.max_pages = 200;
    std::vector<xen_pfn_t> gfns;
    for (xen_pfn_t g = 0x100; g < 0x100 + 100; ++g) gfns.push_back(g);
    const SoftirqHandler timer = open_softirq(TIMER_SOFTIRQ, [] {});
    const SoftirqHandler sched = open_softirq(SCHEDULE_SOFTIRQ, [] {});
    raise_softirq(SCHEDULE_SOFTIRQ);
    (void)reservation(XENMEM_populate_physmap, gfns, 0);
    process_pending_softirqs();
    open_softirq(TIMER_SOFTIRQ, timer);
    open_softirq(SCHEDULE_SOFTIRQ, sched);
    ASSERT_TRUE(v.hypercall_continues);
    EXPECT_EQ(v.continuation_nargs, 2u); // cmd and arg
    EXPECT_EQ(v.continuation_args[0], uint64_t{XENMEM_populate_physmap} | (64u << 6));
    EXPECT_EQ(v.continuation_args[1], args_gva);
    EXPECT_EQ(d.p2m.ram_pages(), 64u);
    EXPECT_EQ(d.p2m.lookup(Gfn{0x100 + 64}).type, arch::P2mType::invalid);
    v.hypercall_continues = false;
    EXPECT_EQ(op(v.continuation_args[0], v.continuation_args[1]), 100); // extents done in all
    EXPECT_FALSE(v.hypercall_continues);
    EXPECT_EQ(d.p2m.ram_pages(), 100u);
}

TEST_F(MemoryOpTest, BadReservationsReportNothingDoneNotAnErrno) {
    EXPECT_EQ(reservation(XENMEM_populate_physmap, {0x70}, 10), 0);         // order above the domU limit
    EXPECT_EQ(reservation(XENMEM_populate_physmap, {0x70}, 0, 0x7ff1), 0);  // no such domain
    EXPECT_EQ(reservation(XENMEM_populate_physmap, {0x70}, 0, DOMID_SELF, 0, 0x100000), 0); // unmapped list
    EXPECT_EQ(op(XENMEM_populate_physmap, 0x100000), 0);                    // unmapped struct
    EXPECT_EQ(reservation(XENMEM_increase_reservation, {0x70}, 0), 0);      // PV only
    EXPECT_EQ(d.p2m.ram_pages(), 0u);
}

TEST_F(MemoryOpTest, UnknownSubOpIsENOSYS) { EXPECT_EQ(op(63), enosys); }

// libxl_get_physinfo asks for the sharing counters; without memory
// sharing Xen answers 0 to anyone (mem_sharing_get_nr_*_mfns()).
TEST_F(MemoryOpTest, SharingCountersAreZeroWithoutMemorySharing) {
    EXPECT_EQ(do_memory_op(v, HypercallArgs{{18, 0, 0, 0, 0}}), 0); // XENMEM_get_sharing_freed_pages
    EXPECT_EQ(do_memory_op(v, HypercallArgs{{19, 0, 0, 0, 0}}), 0); // XENMEM_get_sharing_shared_pages
    // The arch op matches the whole cmd: a start extent makes it unknown.
    EXPECT_EQ(do_memory_op(v, HypercallArgs{{18 | (1ull << 6), 0, 0, 0, 0}}), -static_cast<long>(Errno::XEN_ENOSYS));
}

} // namespace
