// GNTTABOP_map_grant_ref / unmap_grant_ref / unmap_and_replace through their
// cores (common/grant/grant_map.cpp): good paths, every error, pin counts and
// GTF_reading/GTF_writing as Xen keeps them, maptrack exhaustion, and page
// lifetime when the granter frees the frame or dies while it is mapped.
#include "grant_fixture.hpp"

#include "common/mm/domain_ram.hpp"

namespace cxen::test {
namespace {

using arch::P2mType;
constexpr Domid granter_id = 1, mapper_id = 2, third_id = 3;
constexpr uint64_t granted_gfn = 0x10, map_gfn = 0x80000;

class GrantMapTest : public GrantTest {
  protected:
    void SetUp() override {
        GrantTest::SetUp();
        g = &make(granter_id);
        m = &make(mapper_id);
        frame = give_ram(*g, granted_gfn, 0x5a);
        grant(*g, 10, mapper_id, granted_gfn);
    }
    Domain* g = nullptr;
    Domain* m = nullptr;
    Mfn frame{};
};

TEST_F(GrantMapTest, WritableMapPinsSetsReadingWritingAndMapsTheFrameRw) {
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(op.handle, 0u); // Xen's first handle
    EXPECT_EQ(op.dev_bus_addr, mfn_to_paddr(frame));
    EXPECT_EQ(p2m(*m, map_gfn).type, P2mType::grant_map_rw);
    EXPECT_EQ(p2m(*m, map_gfn).mfn, frame);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access | GTF_reading | GTF_writing);
    EXPECT_EQ(pin(*g, 10), gntpin_hstw_inc);
    EXPECT_EQ(gnttab_active_info(*g, 10).value().domid, mapper_id);
    EXPECT_EQ(page_ref_count(frame), 1u);
    EXPECT_EQ(gnttab_maptrack_in_use(*m), 1u);

    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(p2m(*m, map_gfn).type, P2mType::invalid); // nothing restored, as Xen
    EXPECT_EQ(flags(*g, 10), GTF_permit_access);
    EXPECT_EQ(pin(*g, 10), 0u);
    EXPECT_EQ(page_ref_count(frame), 0u);
    EXPECT_EQ(gnttab_maptrack_in_use(*m), 0u);
}

TEST_F(GrantMapTest, ReadOnlyMapSetsOnlyReadingAndMapsRo) {
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map | GNTMAP_readonly);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(p2m(*m, map_gfn).type, P2mType::grant_map_ro);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access | GTF_reading);
    EXPECT_EQ(pin(*g, 10), gntpin_hstr_inc);
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access);
}

TEST_F(GrantMapTest, ReadOnlyGrantCanBeMappedReadOnlyButNotWritable) {
    grant(*g, 11, mapper_id, granted_gfn, GTF_readonly);
    EXPECT_EQ(map(*m, granter_id, 11, map_gfn, GNTMAP_host_map).status, GNTST_general_error);
    EXPECT_EQ(flags(*g, 11), GTF_permit_access | GTF_readonly);
    auto op = map(*m, granter_id, 11, map_gfn, GNTMAP_host_map | GNTMAP_readonly);
    EXPECT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
}

TEST_F(GrantMapTest, SecondMappingSharesThePinAndTheLastUnmapClearsTheFlags) {
    auto ro = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map | GNTMAP_readonly);
    auto rw = map(*m, granter_id, 10, map_gfn + 1, GNTMAP_host_map);
    ASSERT_EQ(ro.status, GNTST_okay);
    ASSERT_EQ(rw.status, GNTST_okay);
    EXPECT_NE(ro.handle, rw.handle);
    EXPECT_EQ(pin(*g, 10), gntpin_hstr_inc + gntpin_hstw_inc);
    EXPECT_EQ(page_ref_count(frame), 2u);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access | GTF_reading | GTF_writing);
    EXPECT_EQ(unmap(*m, rw.handle, map_gfn + 1), GNTST_okay);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access | GTF_reading); // no writable pin left
    EXPECT_EQ(unmap(*m, ro.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access);
}

TEST_F(GrantMapTest, FlagErrorsAsXenForAPvhMapper) {
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, 0).status, GNTST_bad_gntref);
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_readonly).status, GNTST_bad_gntref);
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_device_map).status, GNTST_general_error);
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_host_map | GNTMAP_device_map).status, GNTST_general_error);
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_host_map | GNTMAP_application_map).status,
              GNTST_general_error);
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_host_map | GNTMAP_contains_pte).status, GNTST_general_error);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access);
    EXPECT_EQ(gnttab_maptrack_in_use(*m), 0u);
}

TEST_F(GrantMapTest, DomainAndRefErrors) {
    EXPECT_EQ(map(*m, 99, 10, map_gfn, GNTMAP_host_map).status, GNTST_bad_domain);
    EXPECT_EQ(map(*m, DOMID_SELF, 10, map_gfn, GNTMAP_host_map).status, GNTST_bad_domain); // by id only
    EXPECT_EQ(map(*m, granter_id, grant_entries_per_frame_v1, map_gfn, GNTMAP_host_map).status, GNTST_bad_gntref);
    EXPECT_EQ(map(*m, granter_id, 0xffffffffu, map_gfn, GNTMAP_host_map).status, GNTST_bad_gntref);
    EXPECT_EQ(p2m(*m, map_gfn).type, P2mType::invalid);
}

TEST_F(GrantMapTest, EntryNotGrantedToTheMapperIsGeneralError) {
    EXPECT_EQ(map(*m, granter_id, 12, map_gfn, GNTMAP_host_map).status, GNTST_general_error); // GTF_invalid
    grant(*g, 12, third_id, granted_gfn);
    EXPECT_EQ(map(*m, granter_id, 12, map_gfn, GNTMAP_host_map).status, GNTST_general_error); // other domid
    v1(*g, 12)->flags = GTF_accept_transfer;
    v1(*g, 12)->domid = mapper_id;
    EXPECT_EQ(map(*m, granter_id, 12, map_gfn, GNTMAP_host_map).status, GNTST_general_error);
    EXPECT_EQ(flags(*g, 12), GTF_accept_transfer);
    EXPECT_EQ(pin(*g, 12), 0u);
}

TEST_F(GrantMapTest, PinnedForAnotherDomainIsGeneralError) {
    Domain& t = make(third_id);
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    grant(*g, 10, third_id, granted_gfn); // the granter re-targets it while mapped
    EXPECT_EQ(map(t, granter_id, 10, map_gfn, GNTMAP_host_map).status, GNTST_general_error);
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
}

TEST_F(GrantMapTest, GrantedGfnThatIsNotUsableRamIsBadPage) {
    grant(*g, 13, mapper_id, 0x999); // nothing there
    EXPECT_EQ(map(*m, granter_id, 13, map_gfn, GNTMAP_host_map).status, GNTST_bad_page);
    EXPECT_EQ(flags(*g, 13), GTF_permit_access); // GTF_reading/writing undone
    give_ram(*g, 0x20, 0, P2mType::ram_ro);
    grant(*g, 14, mapper_id, 0x20);
    EXPECT_EQ(map(*m, granter_id, 14, map_gfn, GNTMAP_host_map).status, GNTST_bad_page);
    auto ro = map(*m, granter_id, 14, map_gfn, GNTMAP_host_map | GNTMAP_readonly);
    EXPECT_EQ(ro.status, GNTST_okay);
    EXPECT_EQ(unmap(*m, ro.handle, map_gfn), GNTST_okay);
    // A grant-table frame of the granter is not RAM either.
    const Mfn f = gnttab_get_frame(*g, 0, false).value();
    {
        WriteGuard lk(g->p2m_lock);
        ASSERT_TRUE(g->p2m.set_entry(Gfn{0x30}, f, 0, P2mType::xen_page).ok());
    }
    grant(*g, 15, mapper_id, 0x30);
    EXPECT_EQ(map(*m, granter_id, 15, map_gfn, GNTMAP_host_map).status, GNTST_bad_page);
}

TEST_F(GrantMapTest, MappingOverAGrantMappingIsRefusedAndOverRamFreesIt) {
    auto first = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(first.status, GNTST_okay);
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_host_map).status, GNTST_general_error);
    EXPECT_EQ(pin(*g, 10), gntpin_hstw_inc); // the failed map undid its pin
    EXPECT_EQ(page_ref_count(frame), 1u);
    EXPECT_EQ(unmap(*m, first.handle, map_gfn), GNTST_okay);

    const uint64_t free_now = grant_machine().free_pages();
    give_ram(*m, map_gfn + 5);
    auto op = map(*m, granter_id, 10, map_gfn + 5, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(grant_machine().free_pages(), free_now); // the displaced RAM frame went back
    EXPECT_EQ(unmap(*m, op.handle, map_gfn + 5), GNTST_okay);
    EXPECT_EQ(map(*m, granter_id, 10, uint64_t{1} << 40, GNTMAP_host_map).status, GNTST_general_error); // beyond the p2m
}

TEST_F(GrantMapTest, UnmapErrors) {
    EXPECT_EQ(unmap(*m, 0, map_gfn), GNTST_bad_handle); // no maptrack yet
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(*m, op.handle + 1, map_gfn), GNTST_bad_handle); // allocated, free
    EXPECT_EQ(unmap(*m, 1u << 20, map_gfn), GNTST_bad_handle);      // beyond the table
    EXPECT_EQ(unmap(*m, op.handle, map_gfn + 1), GNTST_general_error); // not where it is mapped
    EXPECT_EQ(unmap(*m, op.handle, 0), GNTST_okay);                  // host_addr 0: nothing done
    EXPECT_EQ(p2m(*m, map_gfn).type, P2mType::grant_map_rw);
    EXPECT_EQ(pin(*g, 10), gntpin_hstw_inc);
    EXPECT_EQ(unmap(*g, op.handle, map_gfn), GNTST_bad_handle); // another domain's handle space
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_bad_handle); // twice
}

TEST_F(GrantMapTest, UnmapAndReplaceNeedsZeroNewAddr) {
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    gnttab_unmap_and_replace_t r{};
    r.host_addr = map_gfn << page_shift;
    r.new_addr = (map_gfn + 1) << page_shift;
    r.handle = op.handle;
    gnttab_unmap_and_replace(*m, r);
    EXPECT_EQ(r.status, GNTST_general_error);
    EXPECT_EQ(p2m(*m, map_gfn).type, P2mType::grant_map_rw);
    r.new_addr = 0;
    gnttab_unmap_and_replace(*m, r);
    EXPECT_EQ(r.status, GNTST_okay);
    EXPECT_EQ(p2m(*m, map_gfn).type, P2mType::invalid);
    EXPECT_EQ(pin(*g, 10), 0u);
}

TEST_F(GrantMapTest, MapOfOwnGrantWorks) {
    grant(*g, 16, granter_id, granted_gfn);
    auto op = map(*g, granter_id, 16, map_gfn, GNTMAP_host_map);
    EXPECT_EQ(op.status, GNTST_okay);
    EXPECT_EQ(unmap(*g, op.handle, map_gfn), GNTST_okay);
}

TEST_F(GrantMapTest, MaptrackExhaustionIsNoSpaceAndAFreedHandleIsReused) {
    Domain& small = make(4, 1); // one maptrack frame: 256 handles, one kept back as Xen
    for (uint32_t r = 0; r < 300; ++r) grant(*g, 20 + r, 4, granted_gfn);
    std::vector<uint32_t> handles;
    for (uint32_t i = 0; i < gnttab_maptrack_per_frame - 1; ++i) {
        auto op = map(small, granter_id, 20 + i, map_gfn + i, GNTMAP_host_map | GNTMAP_readonly);
        ASSERT_EQ(op.status, GNTST_okay) << i;
        handles.push_back(op.handle);
    }
    EXPECT_EQ(map(small, granter_id, 300, map_gfn + 300, GNTMAP_host_map).status, GNTST_no_space);
    EXPECT_EQ(page_ref_count(frame), gnttab_maptrack_per_frame - 1);
    EXPECT_EQ(unmap(small, handles[7], map_gfn + 7), GNTST_okay);
    auto again = map(small, granter_id, 300, map_gfn + 300, GNTMAP_host_map);
    EXPECT_EQ(again.status, GNTST_okay);
    Domain& none = make(5, 0); // max_maptrack_frames = 0: never a handle
    grant(*g, 400, 5, granted_gfn);
    EXPECT_EQ(map(none, granter_id, 400, map_gfn, GNTMAP_host_map).status, GNTST_no_space);
    destroy(small); // releases its 255 mappings
    EXPECT_EQ(page_ref_count(frame), 0u);
    EXPECT_EQ(flags(*g, 20), GTF_permit_access);
}

TEST_F(GrantMapTest, FrameFreedByTheGranterStaysAllocatedUntilUnmap) {
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    const uint64_t before = grant_machine().free_pages();
    // The granter gives the frame back (XENMEM_decrease_reservation's path).
    {
        WriteGuard lk(g->p2m_lock);
        ASSERT_TRUE(g->p2m.clear_entry(Gfn{granted_gfn}).ok());
    }
    free_domain_ram(frame, 0);
    EXPECT_EQ(grant_machine().free_pages(), before) << "freed while mapped";
    bytes(frame)[0] = 0x77; // still the mapper's to use
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(grant_machine().free_pages(), before + 1) << "not freed at the last unmap";
}

TEST_F(GrantMapTest, EntryRevokedWhileMappedLeavesTheMappingUntilUnmap) {
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    // A granter that ignores GTF_reading/GTF_writing and clears the entry:
    // while pinned, nothing is rechecked (as Xen), so the mapping stays and
    // the same domain may even map it again; once unpinned, maps are refused.
    __atomic_store_n(&v1(*g, 10)->flags, static_cast<uint16_t>(GTF_reading | GTF_writing), __ATOMIC_SEQ_CST);
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn + 1, GNTMAP_host_map).status, GNTST_okay); // pinned: not rechecked
    EXPECT_EQ(p2m(*m, map_gfn).mfn, frame);
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(unmap(*m, op.handle + 1, map_gfn + 1), GNTST_okay);
    EXPECT_EQ(flags(*g, 10), 0);
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_host_map).status, GNTST_general_error);
    EXPECT_EQ(page_ref_count(frame), 0u);
}

TEST_F(GrantMapTest, GranterDestroyedWhileMappedKeepsFrameAndTableUntilUnmap) {
    auto op = map(*m, granter_id, 10, map_gfn, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    const uint64_t before = grant_machine().free_pages();
    const uint32_t tables = gnttab_tables_alive();
    destroy(*g);
    g = nullptr;
    // Only the mapped frame is kept (the granter had no other RAM).
    EXPECT_EQ(grant_machine().free_pages(), before);
    EXPECT_EQ(page_ref_count(frame), 1u);
    EXPECT_EQ(gnttab_tables_alive(), tables); // kept by the mapping
    EXPECT_EQ(p2m(*m, map_gfn).mfn, frame);
    // Nothing new can be mapped from the dead domain.
    EXPECT_EQ(map(*m, granter_id, 10, map_gfn + 1, GNTMAP_host_map).status, GNTST_bad_domain);
    EXPECT_EQ(unmap(*m, op.handle, map_gfn), GNTST_okay);
    EXPECT_EQ(grant_machine().free_pages(), before + 1);
    EXPECT_EQ(gnttab_tables_alive(), tables - 1);
}

TEST_F(GrantMapTest, MapperDestroyedReleasesEverythingItMapped) {
    ASSERT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_host_map).status, GNTST_okay);
    ASSERT_EQ(map(*m, granter_id, 10, map_gfn + 1, GNTMAP_host_map | GNTMAP_readonly).status, GNTST_okay);
    destroy(*m);
    m = nullptr;
    EXPECT_EQ(pin(*g, 10), 0u);
    EXPECT_EQ(flags(*g, 10), GTF_permit_access);
    EXPECT_EQ(page_ref_count(frame), 0u);
}

TEST_F(GrantMapTest, BothDieWhileMappedAndEverythingIsFreed) {
    ASSERT_EQ(map(*m, granter_id, 10, map_gfn, GNTMAP_host_map).status, GNTST_okay);
    destroy(*g);
    g = nullptr;
    destroy(*m); // TearDown checks the frame, the tables and the heap came back
    m = nullptr;
}

} // namespace
} // namespace cxen::test
