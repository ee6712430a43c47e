// Grant tables version 2 (common/grant/grant_table.cpp): set_version's rules
// (-EBUSY, -ERANGE, reserved entries carried over), status frames and
// GNTTABOP_get_status_frames, and map/copy with v2 entries (flags in the
// entry, GTF_reading/GTF_writing in the status frame, sub-page grants).
#include "grant_fixture.hpp"

namespace cxen::test {
namespace {

using arch::P2mType;
constexpr Domid granter_id = 1, mapper_id = 2;
constexpr uint64_t g_gfn = 0x10, map_gfn = 0x8000;

class GrantV2Test : public GrantTest {
  protected:
    void SetUp() override {
        GrantTest::SetUp();
        g = &make(granter_id);
        m = &make(mapper_id);
        gframe = give_ram(*g, g_gfn, 0x11);
    }
    Status set_version(Domain& d, uint32_t v, uint32_t* out = nullptr) {
        gnttab_set_version_t op{v};
        Status st = gnttab_set_version(d, op);
        if (out) *out = op.version;
        return st;
    }
    uint32_t version(Domain& d) {
        gnttab_get_version_t op{};
        op.dom = DOMID_SELF;
        EXPECT_TRUE(gnttab_get_version(d, op).ok());
        return op.version;
    }
    Domain* g = nullptr;
    Domain* m = nullptr;
    Mfn gframe{};
};

TEST_F(GrantV2Test, SwitchTo2CarriesReservedEntriesAndClearsTheRest) {
    ASSERT_TRUE(gnttab_seed_entry(*g, GNTTAB_RESERVED_XENSTORE, 0, Gfn{0xfeffc}).ok());
    grant(*g, 100, mapper_id, g_gfn); // not reserved: cleared by the switch
    uint32_t v = 0;
    ASSERT_TRUE(set_version(*g, 2, &v).ok());
    EXPECT_EQ(v, 2u);
    EXPECT_EQ(version(*g), 2u);
    const grant_entry_v2_t* e = v2(*g, GNTTAB_RESERVED_XENSTORE);
    EXPECT_EQ(e->hdr.flags, GTF_permit_access);
    EXPECT_EQ(e->hdr.domid, 0);
    EXPECT_EQ(e->full_page.frame, 0xfeffcu);
    EXPECT_EQ(*status(*g, GNTTAB_RESERVED_XENSTORE), 0);
    EXPECT_EQ(v2(*g, 100 / 2)->hdr.flags, 0); // the old v1 bytes are gone
    EXPECT_TRUE(set_version(*g, 2).ok()); // same version: nothing to do
    ASSERT_TRUE(set_version(*g, 1, &v).ok());
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(v1(*g, GNTTAB_RESERVED_XENSTORE)->frame, 0xfeffcu);
    EXPECT_EQ(v1(*g, GNTTAB_RESERVED_XENSTORE)->flags, GTF_permit_access);
}

TEST_F(GrantV2Test, StatusFramesFollowTheTableAndGoAwayUnderV1) {
    EXPECT_EQ(gnttab_get_frame(*g, 0, true).error(), Errno::XEN_EINVAL); // v1: none
    ASSERT_TRUE(set_version(*g, 2).ok());
    EXPECT_TRUE(gnttab_get_frame(*g, 0, true).ok()); // one v2 frame: 256 entries, one status frame
    EXPECT_EQ(gnttab_get_frame(*g, 1, true).value() == gnttab_get_frame(*g, 0, true).value(), false); // grows
    gnttab_query_size_t q{};
    q.dom = DOMID_SELF;
    gnttab_query_size(*g, q);
    EXPECT_EQ(q.nr_frames, 16u); // status frame 1 needs v2 frames up to 15 (Xen rounds to whole status frames)
    EXPECT_EQ(gnttab_get_frame(*g, gnttab_status_frames_for(64), true).error(), Errno::XEN_EINVAL);
    // Map status frame 0 in the guest; the switch back to v1 takes it out.
    const Mfn s0 = gnttab_get_frame(*g, 0, true).value();
    {
        WriteGuard lk(g->p2m_lock);
        ASSERT_TRUE(g->p2m.set_entry(Gfn{0x500}, s0, 0, P2mType::xen_page).ok());
    }
    gnttab_set_frame_gfn(*g, 0, true, Gfn{0x500});
    std::vector<uint64_t> gfns;
    gnttab_get_status_frames_t op{};
    op.dom = DOMID_SELF;
    op.nr_frames = 2;
    auto put = [](void* c, uint32_t, uint64_t gfn) {
        static_cast<std::vector<uint64_t>*>(c)->push_back(gfn);
        return true;
    };
    gnttab_get_status_frames(*g, op, put, &gfns);
    EXPECT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(gfns, (std::vector<uint64_t>{0x500, gnttab_invalid_gfn}));
    op.nr_frames = 3; // more than exist
    gnttab_get_status_frames(*g, op, put, &gfns);
    EXPECT_EQ(op.status, GNTST_general_error);
    op.nr_frames = 1;
    op.dom = 99;
    gnttab_get_status_frames(*g, op, put, &gfns);
    EXPECT_EQ(op.status, GNTST_bad_domain);
    op.dom = mapper_id;
    gnttab_get_status_frames(*g, op, put, &gfns);
    EXPECT_EQ(op.status, GNTST_permission_denied);
    ASSERT_TRUE(set_version(*g, 1).ok());
    EXPECT_EQ(p2m(*g, 0x500).type, P2mType::invalid);
    op.dom = DOMID_SELF;
    gnttab_get_status_frames(*g, op, put, &gfns);
    EXPECT_EQ(op.status, GNTST_general_error); // v1 has no status frames
}

TEST_F(GrantV2Test, MapSetsStatusFrameBitsNotTheEntryFlags) {
    ASSERT_TRUE(set_version(*g, 2).ok());
    grant2(*g, 10, mapper_id, g_gfn);
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(p2m(*m, map_gfn).mfn, gframe);
    EXPECT_EQ(v2(*g, 10)->hdr.flags, GTF_permit_access);
    EXPECT_EQ(*status(*g, 10), GTF_reading | GTF_writing);
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(*status(*g, 10), 0);
    grant2(*g, 11, mapper_id, g_gfn, GTF_readonly);
    EXPECT_EQ(map(*m, granter_id, 11, map_gfn, GNTMAP_host_map).status, GNTST_general_error);
    EXPECT_EQ(*status(*g, 11), 0); // set, then taken back
    grant2(*g, 12, mapper_id + 1, g_gfn);
    EXPECT_EQ(map(*m, granter_id, 12, map_gfn, GNTMAP_host_map).status, GNTST_general_error);
    EXPECT_EQ(map(*m, granter_id, gnttab_entries_per_frame_v2, map_gfn, GNTMAP_host_map).status,
              GNTST_bad_gntref); // 256 entries per v2 frame
}

TEST_F(GrantV2Test, SubPageGrantCopiesInsideItsWindowAndCannotBeMapped) {
    ASSERT_TRUE(set_version(*g, 2).ok());
    Mfn cframe = give_ram(*m, 0x40, 0x22);
    grant_entry_v2_t* e = v2(*g, 10);
    e->hdr.domid = mapper_id;
    e->sub_page.frame = g_gfn;
    e->sub_page.page_off = 100;
    e->sub_page.length = 50;
    e->hdr.flags = GTF_permit_access | GTF_sub_page;
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_host_map).status, GNTST_general_error);
    const uint16_t s = GNTCOPY_source_gref;
    EXPECT_EQ(copy(*m, s, 10, granter_id, 100, 0x40, DOMID_SELF, 0, 50), GNTST_okay);
    EXPECT_EQ(bytes(cframe)[0], 0x11);
    EXPECT_EQ(copy(*m, s, 10, granter_id, 99, 0x40, DOMID_SELF, 0, 10), GNTST_general_error);
    EXPECT_EQ(copy(*m, s, 10, granter_id, 140, 0x40, DOMID_SELF, 0, 11), GNTST_general_error);
    EXPECT_EQ(*status(*g, 10), 0);
    // Transitive grants are refused (see docs/grant-tables.md).
    grant_entry_v2_t* t = v2(*g, 11);
    t->hdr.domid = mapper_id;
    t->transitive.trans_domid = mapper_id;
    t->transitive.gref = 10;
    t->hdr.flags = GTF_transitive;
    EXPECT_EQ(copy(*m, s, 11, granter_id, 0, 0x40, DOMID_SELF, 0, 8), GNTST_general_error);
}

TEST_F(GrantV2Test, SetVersionIsBusyWhileAGrantIsMappedButNotForReservedOnes) {
    grant(*g, 10, mapper_id, g_gfn);
    grant(*g, GNTTAB_RESERVED_CONSOLE, mapper_id, g_gfn);
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    uint32_t v = 0;
    EXPECT_EQ(set_version(*g, 2, &v).error(), Errno::XEN_EBUSY);
    EXPECT_EQ(v, 1u);
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
    auto cons = map(*m, granter_id, GNTTAB_RESERVED_CONSOLE, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(cons.status, GNTST_okay);
    ASSERT_TRUE(set_version(*g, 2).ok()); // a mapped reserved entry is allowed
    EXPECT_EQ(*status(*g, GNTTAB_RESERVED_CONSOLE), GTF_reading | GTF_writing); // carried over
    EXPECT_EQ(v2(*g, GNTTAB_RESERVED_CONSOLE)->hdr.flags, GTF_permit_access);
    EXPECT_EQ(unmap(*m, cons.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(*status(*g, GNTTAB_RESERVED_CONSOLE), 0);
}

TEST_F(GrantV2Test, BackTo1RefusesEntriesV1CannotHold) {
    ASSERT_TRUE(set_version(*g, 2).ok());
    grant2(*g, 2, mapper_id, uint64_t{1} << 32);
    uint32_t v = 0;
    EXPECT_EQ(set_version(*g, 1, &v).error(), Errno::XEN_ERANGE);
    EXPECT_EQ(v, 2u);
    v2(*g, 2)->hdr.flags = GTF_transitive;
    EXPECT_EQ(set_version(*g, 1).error(), Errno::XEN_ERANGE);
    v2(*g, 2)->hdr.flags = GTF_invalid;
    EXPECT_TRUE(set_version(*g, 1).ok());
    for (uint32_t bad : {0u, 3u}) EXPECT_EQ(set_version(*g, bad).error(), Errno::XEN_EINVAL);
}

} // namespace
} // namespace cxen::test
