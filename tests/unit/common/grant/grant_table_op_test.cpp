// The grant_table_op hypercall shell (common/hypercall/grant_table_op.cpp)
// over the host fakes: guest memory is fake_guest_memory(). Batches give
// each element its own status; commands Xen 4.17 hides from HVM/PVH guests
// are -ENOSYS; a bad pointer is -EFAULT.
#include "common/hypercall/hypercall.hpp"

#include <vector>

#include "arch/guest_access.hpp"
#include "common/softirq.hpp"
#include "grant_fixture.hpp"

namespace cxen::test {
namespace {

constexpr long enosys = -static_cast<long>(Errno::XEN_ENOSYS);
constexpr long efault = -static_cast<long>(Errno::XEN_EFAULT);
constexpr long einval = -static_cast<long>(Errno::XEN_EINVAL);
constexpr uint64_t args_gva = 0x1000;

class GrantTableOpTest : public GrantTest {
  protected:
    void SetUp() override {
        GrantTest::SetUp();
        arch::fake_guest_memory().assign(0x4000, 0);
        g = &make(1);
        m = &make(2);
        v.domain = m;
        frame = give_ram(*g, 0x10, 0x42);
        for (uint32_t r = 10; r < 13; ++r) grant(*g, r, 2, 0x10);
    }
    template <typename T> void put(uint64_t gva, const T* t, size_t n) {
        std::memcpy(arch::fake_guest_memory().data() + gva, t, sizeof(T) * n);
    }
    template <typename T> void get(uint64_t gva, T* t, size_t n) {
        std::memcpy(t, arch::fake_guest_memory().data() + gva, sizeof(T) * n);
    }
    long op(uint32_t cmd, uint32_t count, uint64_t arg = args_gva) {
        return do_grant_table_op(v, HypercallArgs{{cmd, arg, count, 0, 0}});
    }
    Domain* g = nullptr;
    Domain* m = nullptr;
    Vcpu v;
    Mfn frame{};
};

TEST_F(GrantTableOpTest, MapBatchGivesEachElementItsStatusAndUnmapBatchUndoesIt) {
    gnttab_map_grant_ref_t ops[3] = {};
    for (int i = 0; i < 3; ++i) {
        ops[i].host_addr = (0x900 + i) << page_shift;
        ops[i].flags = GNTMAP_host_map;
        ops[i].ref = 10 + i;
        ops[i].dom = 1;
    }
    ops[1].ref = 9999; // bad
    put(args_gva, ops, 3);
    EXPECT_EQ(op(GNTTABOP_map_grant_ref, 3), 0);
    get(args_gva, ops, 3);
    EXPECT_EQ(ops[0].status, GNTST_okay);
    EXPECT_EQ(ops[1].status, GNTST_bad_gntref);
    EXPECT_EQ(ops[2].status, GNTST_okay);
    EXPECT_EQ(ops[0].dev_bus_addr, mfn_to_paddr(frame));
    gnttab_unmap_grant_ref_t un[2] = {};
    un[0] = {ops[0].host_addr, 0, ops[0].handle, 1};
    un[1] = {ops[2].host_addr, 0, ops[2].handle, 1};
    put(args_gva, un, 2);
    EXPECT_EQ(op(GNTTABOP_unmap_grant_ref, 2), 0);
    get(args_gva, un, 2);
    EXPECT_EQ(un[0].status, GNTST_okay);
    EXPECT_EQ(un[1].status, GNTST_okay);
    EXPECT_EQ(pin(*g, 10), 0u);
    EXPECT_EQ(pin(*g, 12), 0u);
}

TEST_F(GrantTableOpTest, CopyBatchAndFaults) {
    const Mfn mine = give_ram(*m, 0x20);
    gnttab_copy_t c[2] = {};
    c[0].source.u.ref = 10;
    c[0].source.domid = 1;
    c[0].dest.u.gmfn = 0x20;
    c[0].dest.domid = DOMID_SELF;
    c[0].len = 16;
    c[0].flags = GNTCOPY_source_gref;
    c[1] = c[0];
    c[1].len = 8192 - 1; // beyond the page
    put(args_gva, c, 2);
    EXPECT_EQ(op(GNTTABOP_copy, 2), 0);
    get(args_gva, c, 2);
    EXPECT_EQ(c[0].status, GNTST_okay);
    EXPECT_EQ(c[1].status, GNTST_bad_copy_arg);
    EXPECT_EQ(bytes(mine)[15], 0x42);
    // The second element is outside guest memory: the first is done, then -EFAULT.
    put(0x4000 - sizeof(gnttab_copy_t), c, 1);
    EXPECT_EQ(op(GNTTABOP_copy, 2, 0x4000 - sizeof(gnttab_copy_t)), efault);
    EXPECT_EQ(op(GNTTABOP_map_grant_ref, 1, 0x100000), efault);
    EXPECT_EQ(op(GNTTABOP_map_grant_ref, 0x80000000u), einval);
    EXPECT_EQ(op(GNTTABOP_copy, 0), 0);
}

TEST_F(GrantTableOpTest, CommandsXenHidesFromPvhGuestsAreEnosys) {
    EXPECT_EQ(op(GNTTABOP_unmap_and_replace, 1), enosys);
    EXPECT_EQ(op(GNTTABOP_get_status_frames, 1), enosys);
    EXPECT_EQ(op(GNTTABOP_transfer, 1), enosys);
    EXPECT_EQ(op(GNTTABOP_cache_flush, 1), enosys);
    EXPECT_EQ(op(GNTTABOP_map_grant_ref | (1u << 12), 1), enosys);
}

// With work pending on this pCPU, a long batch stops every 64 elements and
// asks to be re-executed with the rest (Xen's hypercall continuation); the
// elements done have their status, the others are untouched.
TEST_F(GrantTableOpTest, LongCopyBatchContinuesWhenWorkIsPending) {
    const Mfn mine = give_ram(*m, 0x20);
    (void)mine;
    constexpr uint32_t n = 130;
    std::vector<gnttab_copy_t> c(n);
    for (auto& e : c) {
        e.source.u.ref = 10;
        e.source.domid = 1;
        e.dest.u.gmfn = 0x20;
        e.dest.domid = DOMID_SELF;
        e.len = 16;
        e.flags = GNTCOPY_source_gref;
        e.status = 99;
    }
    put(args_gva, c.data(), n);
    // Pending work, with the handlers made harmless while it is drained.
    const SoftirqHandler timer = open_softirq(TIMER_SOFTIRQ, [] {});
    const SoftirqHandler sched = open_softirq(SCHEDULE_SOFTIRQ, [] {});
    raise_softirq(SCHEDULE_SOFTIRQ);
    EXPECT_EQ(op(GNTTABOP_copy, n), 0);
    process_pending_softirqs();
    open_softirq(TIMER_SOFTIRQ, timer);
    open_softirq(SCHEDULE_SOFTIRQ, sched);
    ASSERT_TRUE(v.hypercall_continues);
    EXPECT_EQ(v.continuation_nargs, 3u); // cmd, uop, count; the other registers stay
    EXPECT_EQ(v.continuation_args[0], uint64_t{GNTTABOP_copy});
    EXPECT_EQ(v.continuation_args[1], args_gva + 64 * sizeof(gnttab_copy_t));
    EXPECT_EQ(v.continuation_args[2], n - 64);
    get(args_gva, c.data(), n);
    for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(c[i].status, i < 64 ? GNTST_okay : 99) << i;
    // The guest re-executes it with the new arguments: nothing pending now,
    // so the rest runs to the end.
    v.hypercall_continues = false;
    EXPECT_EQ(do_grant_table_op(v, HypercallArgs{{v.continuation_args[0], v.continuation_args[1],
                                                  v.continuation_args[2], 0, 0}}),
              0);
    EXPECT_FALSE(v.hypercall_continues);
    get(args_gva, c.data(), n);
    for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(c[i].status, GNTST_okay) << i;
}

// Without pending work the same batch runs in one call.
TEST_F(GrantTableOpTest, LongCopyBatchRunsToTheEndWhenNothingWaits) {
    (void)give_ram(*m, 0x20);
    constexpr uint32_t n = 130;
    std::vector<gnttab_copy_t> c(n);
    for (auto& e : c) {
        e.source.u.ref = 10;
        e.source.domid = 1;
        e.dest.u.gmfn = 0x20;
        e.dest.domid = DOMID_SELF;
        e.len = 16;
        e.flags = GNTCOPY_source_gref;
    }
    put(args_gva, c.data(), n);
    EXPECT_EQ(op(GNTTABOP_copy, n), 0);
    EXPECT_FALSE(v.hypercall_continues);
    get(args_gva, c.data(), n);
    for (uint32_t i = 0; i < n; ++i) EXPECT_EQ(c[i].status, GNTST_okay) << i;
}

} // namespace
} // namespace cxen::test
