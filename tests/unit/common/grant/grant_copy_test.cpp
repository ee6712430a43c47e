// GNTTABOP_copy through its core (common/grant/grant_copy.cpp): every
// combination of gref and gmfn sides, the pins and flags a copy leaves
// behind (none), and every error in Xen's order.
#include "grant_fixture.hpp"

namespace cxen::test {
namespace {

constexpr Domid granter_id = 1, copier_id = 2, other_id = 3;
constexpr uint64_t g_gfn = 0x10, c_gfn = 0x40;

class GrantCopyTest : public GrantTest {
  protected:
    void SetUp() override {
        GrantTest::SetUp();
        g = &make(granter_id);
        c = &make(copier_id);
        gframe = give_ram(*g, g_gfn, 0x11);
        cframe = give_ram(*c, c_gfn, 0x22);
        for (unsigned i = 0; i < page_size; ++i) bytes(gframe)[i] = static_cast<uint8_t>(i);
        grant(*g, 10, copier_id, g_gfn);
    }
    Domain* g = nullptr;
    Domain* c = nullptr;
    Mfn gframe{}, cframe{};
};

TEST_F(GrantCopyTest, GrantToOwnFrameCopiesAndLeavesNoPin) {
    EXPECT_EQ(copy(*c, GNTCOPY_source_gref, 10, granter_id, 100, c_gfn, DOMID_SELF, 8, 50), GNTST_okay);
    for (unsigned i = 0; i < 50; ++i) EXPECT_EQ(bytes(cframe)[8 + i], static_cast<uint8_t>(100 + i));
    EXPECT_EQ(bytes(cframe)[7], 0x22);
    EXPECT_EQ(bytes(cframe)[58], 0x22);
    EXPECT_EQ(pin(*g, 10), 0u);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access);
    EXPECT_EQ(page_ref_count(gframe), 0u);
}

TEST_F(GrantCopyTest, OwnFrameToGrantWritesTheGrantedFrame) {
    EXPECT_EQ(copy(*c, GNTCOPY_dest_gref, c_gfn, DOMID_SELF, 0, 10, granter_id, page_size - 4, 4), GNTST_okay);
    EXPECT_EQ(bytes(gframe)[page_size - 1], 0x22);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access);
}

TEST_F(GrantCopyTest, GrantToGrantAndSameFrameBothSides) {
    Domain& o = make(other_id);
    const Mfn oframe = give_ram(o, 0x50, 0x33);
    grant(o, 5, copier_id, 0x50);
    EXPECT_EQ(copy(*c, GNTCOPY_source_gref | GNTCOPY_dest_gref, 10, granter_id, 0, 5, other_id, 0, page_size),
              GNTST_okay);
    EXPECT_EQ(std::memcmp(bytes(oframe), bytes(gframe), page_size), 0);
    // Source and destination the same grant (memmove semantics for overlap).
    EXPECT_EQ(copy(*c, GNTCOPY_source_gref | GNTCOPY_dest_gref, 10, granter_id, 0, 10, granter_id, 1, 16),
              GNTST_okay);
    EXPECT_EQ(bytes(gframe)[1], 0);
    EXPECT_EQ(bytes(gframe)[16], 15);
    EXPECT_EQ(pin(*g, 10), 0u);
    EXPECT_EQ(pin(o, 5), 0u);
}

TEST_F(GrantCopyTest, CopyWhileMappedKeepsTheMappingPin) {
    gnttab_map_grant_ref_t mop = map(*c, granter_id, 10, 0x9000, GNTMAP_host_map | GNTMAP_readonly);
    ASSERT_EQ(mop.status, GNTST_okay);
    EXPECT_EQ(copy(*c, GNTCOPY_dest_gref, c_gfn, DOMID_SELF, 0, 10, granter_id, 0, 8), GNTST_okay);
    EXPECT_EQ(pin(*g, 10), gntpin_hstr_inc);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access | GTF_reading); // writing dropped with the copy's pin
    EXPECT_EQ(unmap(*c, mop.handle, 0x9000), GNTST_okay);
}

TEST_F(GrantCopyTest, ErrorsInXensOrder) {
    const uint16_t s = GNTCOPY_source_gref;
    // gmfn of another domain, either side: permission denied.
    EXPECT_EQ(copy(*c, 0, g_gfn, granter_id, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_permission_denied);
    EXPECT_EQ(copy(*c, 0, c_gfn, copier_id, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_permission_denied); // own id too
    EXPECT_EQ(copy(*c, s, 10, granter_id, 0, c_gfn, granter_id, 0, 8), GNTST_permission_denied);
    EXPECT_EQ(copy(*c, s, 10, 77, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_bad_domain);
    EXPECT_EQ(copy(*c, s, 1u << 20, granter_id, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_bad_gntref);
    EXPECT_EQ(copy(*c, s, 11, granter_id, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_general_error); // not granted
    grant(*g, 12, other_id, g_gfn);
    EXPECT_EQ(copy(*c, s, 12, granter_id, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_general_error); // granted to another
    grant(*g, 13, copier_id, g_gfn, GTF_readonly);
    EXPECT_EQ(copy(*c, s, 13, granter_id, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_okay); // r/o source is fine
    EXPECT_EQ(copy(*c, GNTCOPY_dest_gref, c_gfn, DOMID_SELF, 0, 13, granter_id, 0, 8), GNTST_general_error);
    grant(*g, 14, copier_id, 0x777); // no RAM there
    EXPECT_EQ(copy(*c, s, 14, granter_id, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_bad_page);
    EXPECT_EQ(flags(*g, 14), GTF_permit_access);
    EXPECT_EQ(copy(*c, s, 10, granter_id, 0, 0x777, DOMID_SELF, 0, 8), GNTST_bad_page); // own gmfn not RAM
    EXPECT_EQ(copy(*c, s, 10, granter_id, page_size - 4, c_gfn, DOMID_SELF, 0, 8), GNTST_bad_copy_arg);
    EXPECT_EQ(copy(*c, s, 10, granter_id, 0, c_gfn, DOMID_SELF, page_size - 4, 8), GNTST_bad_copy_arg);
    // A bad grant is reported before a bad length.
    EXPECT_EQ(copy(*c, s, 11, granter_id, page_size - 4, c_gfn, DOMID_SELF, 0, 8), GNTST_general_error);
    for (uint32_t r : {10u, 11u, 12u, 13u, 14u}) EXPECT_EQ(pin(*g, r), 0u) << r;
    EXPECT_EQ(flags(*g, 10), GTF_permit_access);
    EXPECT_EQ(page_ref_count(gframe), 0u);
    EXPECT_EQ(page_ref_count(cframe), 0u);
}

TEST_F(GrantCopyTest, CopyFromADestroyedGranterIsBadDomain) {
    destroy(*g);
    g = nullptr;
    EXPECT_EQ(copy(*c, GNTCOPY_source_gref, 10, granter_id, 0, c_gfn, DOMID_SELF, 0, 8), GNTST_bad_domain);
}

TEST_F(GrantCopyTest, OwnGrantViaDomidSelf) {
    grant(*c, 3, copier_id, c_gfn);
    EXPECT_EQ(copy(*c, GNTCOPY_source_gref, 3, DOMID_SELF, 0, c_gfn, DOMID_SELF, 100, 10), GNTST_okay);
    EXPECT_EQ(pin(*c, 3), 0u);
}

} // namespace
} // namespace cxen::test
