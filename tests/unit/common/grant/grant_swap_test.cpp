// GNTTABOP_swap_grant_ref (grant_table.cpp): entries of the caller's own
// table trade places, v1 and v2 (with their status words), unless a ref is
// out of range (GNTST_bad_gntref) or either entry is pinned (GNTST_eagain);
// swapping a ref with itself is a no-op. Xen's swap_grant_ref().
#include "grant_fixture.hpp"

namespace cxen::test {
namespace {

int16_t swap(Domain& d, uint32_t a, uint32_t b) {
    gnttab_swap_grant_ref_t op{a, b, 99};
    gnttab_swap_grant_ref(d, op);
    return op.status;
}

TEST_F(GrantTest, SwapTradesV1EntriesOfTheCallersTable) {
    Domain& g = make(1);
    make(2);
    grant(g, 10, 2, 0x10, GTF_readonly);
    grant(g, 11, 3, 0x11);
    EXPECT_EQ(swap(g, 10, 11), GNTST_okay);
    EXPECT_EQ(v1(g, 10)->domid, 3);
    EXPECT_EQ(v1(g, 10)->frame, 0x11u);
    EXPECT_EQ(v1(g, 10)->flags, GTF_permit_access);
    EXPECT_EQ(v1(g, 11)->domid, 2);
    EXPECT_EQ(v1(g, 11)->frame, 0x10u);
    EXPECT_EQ(v1(g, 11)->flags, GTF_permit_access | GTF_readonly);
    EXPECT_EQ(swap(g, 11, 11), GNTST_okay); // itself: nothing changes
    EXPECT_EQ(v1(g, 11)->domid, 2);
}

TEST_F(GrantTest, SwapRefusesRefsBeyondTheTableAndPinnedEntries) {
    Domain& g = make(1);
    Domain& m = make(2);
    const Mfn frame = give_ram(g, 0x10, 0x42);
    (void)frame;
    grant(g, 10, 2, 0x10);
    grant(g, 11, 2, 0x10);
    EXPECT_EQ(swap(g, 10, 1u << 20), GNTST_bad_gntref);
    EXPECT_EQ(swap(g, 1u << 20, 10), GNTST_bad_gntref);
    const gnttab_map_grant_ref_t mp = map(m, 1, 10, 0x900, GNTMAP_host_map);
    ASSERT_EQ(mp.status, GNTST_okay);
    EXPECT_EQ(swap(g, 10, 11), GNTST_eagain); // 10 is mapped
    EXPECT_EQ(swap(g, 11, 10), GNTST_eagain);
    EXPECT_EQ(v1(g, 10)->flags & (GTF_reading | GTF_writing), GTF_reading | GTF_writing); // untouched
    ASSERT_EQ(unmap(m, mp.handle, 0x900), GNTST_okay);
    EXPECT_EQ(swap(g, 10, 11), GNTST_okay);
}

TEST_F(GrantTest, SwapUnderV2MovesStatusWordsToo) {
    Domain& g = make(1);
    make(2);
    gnttab_set_version_t sv{2};
    ASSERT_TRUE(gnttab_set_version(g, sv).ok());
    grant2(g, 10, 2, 0x10);
    grant2(g, 11, 3, 0x11);
    *status(g, 10) = GTF_reading; // as if left over; swap carries it along
    EXPECT_EQ(swap(g, 10, 11), GNTST_okay);
    EXPECT_EQ(v2(g, 10)->hdr.domid, 3);
    EXPECT_EQ(v2(g, 10)->full_page.frame, 0x11u);
    EXPECT_EQ(v2(g, 11)->hdr.domid, 2);
    EXPECT_EQ(*status(g, 11), GTF_reading);
    EXPECT_EQ(*status(g, 10), 0);
}

} // namespace
} // namespace cxen::test
