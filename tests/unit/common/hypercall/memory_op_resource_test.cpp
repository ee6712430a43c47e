// XENMEM_acquire_resource through memory_op's shell, as Xen 4.17's
// acquire_resource(): the checks in Xen's order, the size query, grant
// frames mapped into the caller's p2m at the gfns it passed (the table
// growing to cover them), -EIO after a partial mapping, the continuation
// of a long request, and a target destroyed while its frames are mapped
// (the fixture's TearDown checks that no table, frame or block leaked).
#include "foreign_fixture.hpp"

namespace cxen::test {
namespace {

using arch::P2mType;

class ResourceTest : public ForeignTest {
  protected:
    static constexpr uint64_t list_gva = 0x5000;
    /// XENMEM_acquire_resource; `gfns` non-empty: frame_list holds them.
    static long acquire(Vcpu& v, domid_t domid, uint16_t type, uint32_t id, uint64_t frame, uint32_t nr,
                        const std::vector<uint64_t>& gfns, uint32_t pad = 0, uint64_t start = 0) {
        for (size_t i = 0; i < gfns.size(); ++i) put(list_gva + 8 * i, gfns[i]);
        xen_mem_acquire_resource x{};
        x.domid = domid;
        x.type = type;
        x.id = id;
        x.nr_frames = nr;
        x.pad = pad;
        x.frame = frame;
        x.frame_list.p = gfns.empty() ? nullptr : reinterpret_cast<xen_pfn_t*>(list_gva);
        put(args_gva, x);
        return memory_op(v, XENMEM_acquire_resource | (start << 6));
    }
    static uint32_t nr_frames_back() { return get<xen_mem_acquire_resource>(args_gva).nr_frames; }
    static std::vector<uint64_t> gfns(uint64_t first, unsigned n) {
        std::vector<uint64_t> v;
        for (unsigned i = 0; i < n; ++i) v.push_back(first + i);
        return v;
    }
    static uint32_t table_frames(Domain& d) {
        gnttab_query_size_t q{};
        q.dom = DOMID_SELF;
        gnttab_query_size(d, q);
        return q.nr_frames;
    }
};

TEST_F(ResourceTest, SizeQueries) {
    ASSERT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared, 0, 0, {}), 0);
    EXPECT_EQ(nr_frames_back(), 64u) << "max_grant_frames";
    ASSERT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_status, 0, 0, {}), 0);
    EXPECT_EQ(nr_frames_back(), gnttab_status_frames_for(64));
    ASSERT_EQ(acquire(v0, 1, XENMEM_resource_ioreq_server, 0, 0, 0, {}), 0);
    EXPECT_EQ(nr_frames_back(), 2u) << "the buffered page and one ioreq page (1 vCPU)";
    // Xen's resource_max_frames() returns -EOPNOTSUPP as an unsigned size.
    ASSERT_EQ(acquire(v0, 1, 7, 0, 0, 0, {}), 0);
    EXPECT_EQ(nr_frames_back(), static_cast<uint32_t>(-95));
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_vmtrace_buf, 0, 0, 0, {}), neg(Errno::XEN_EINVAL)) << "size 0";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 2, 0, 0, {}), neg(Errno::XEN_EINVAL)) << "bad id";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 1, {}), neg(Errno::XEN_EINVAL)) << "NULL list, nr 1";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 0, {}, 0, 1), neg(Errno::XEN_EINVAL))
        << "NULL list in a continuation";
}

TEST_F(ResourceTest, ChecksInXensOrder) {
    const auto g = gfns(hole_gfn, 1);
    EXPECT_EQ(acquire(vu, 0, XENMEM_resource_grant_table, 0, 0, 1, g), neg(Errno::XEN_EACCES)) << "a domU";
    EXPECT_EQ(acquire(vu, 1, 99, 0, 0, 1, g, 1), neg(Errno::XEN_EACCES)) << "before anything else";
    EXPECT_EQ(memory_op(v0, XENMEM_acquire_resource, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(acquire(v0, 99, 99, 0, 0, 1, g, 1), neg(Errno::XEN_EINVAL)) << "pad";
    EXPECT_EQ(acquire(v0, 99, 99, 0, 1ull << 32, 1, g), neg(Errno::XEN_EINVAL)) << "frame";
    EXPECT_EQ(acquire(v0, 99, 99, 0, 0xffffffff, 1, g), neg(Errno::XEN_EINVAL)) << "frame + nr_frames";
    EXPECT_EQ(acquire(v0, 99, 99, 0, 0, 1, g), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(acquire(v0, DOMID_SELF, 99, 0, 0, 1, g), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(acquire(v0, 0, 99, 0, 0, 1, g), neg(Errno::XEN_EPERM)) << "its own id";
    EXPECT_EQ(acquire(v0, 1, 99, 0, 0, 1, g), neg(Errno::XEN_EOPNOTSUPP)) << "unknown type";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_ioreq_server, 0, 0, 1, g), neg(Errno::XEN_ENOENT)) << "no server";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_ioreq_server, 0x10000, 0, 1, g), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 0, g), neg(Errno::XEN_EINVAL)) << "nr 0 with a list";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 1u << 26, g), neg(Errno::XEN_EINVAL)) << "too many";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 1, g, 0, 1), neg(Errno::XEN_EINVAL)) << "start";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 1, 0, 1, g), neg(Errno::XEN_EINVAL)) << "status under v1";
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 63, 2, gfns(hole_gfn, 2)), neg(Errno::XEN_EINVAL))
        << "beyond max_grant_frames";
    EXPECT_EQ(p2m(*dom0, hole_gfn).type, P2mType::invalid) << "nothing mapped by a failed call";
}

TEST_F(ResourceTest, GrantFramesAreMappedAtTheCallersGfnsAndTheTableGrows) {
    EXPECT_EQ(table_frames(*domu), 1u);
    ASSERT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 4, gfns(hole_gfn, 4)), 0);
    EXPECT_EQ(table_frames(*domu), 4u);
    for (unsigned i = 0; i < 4; ++i) {
        EXPECT_EQ(p2m(*dom0, hole_gfn + i).type, P2mType::map_foreign);
        EXPECT_EQ(p2m(*dom0, hole_gfn + i).mfn, gnttab_get_frame(*domu, i, false).value());
    }
    // What dom0 writes there is the domU's grant entry (libxl's seeding).
    auto* e = static_cast<grant_entry_v1_t*>(arch::map_domain_frame(p2m(*dom0, hole_gfn).mfn)) + 1;
    e->domid = 0;
    e->frame = 0x10;
    e->flags = GTF_permit_access;
    EXPECT_EQ(v1(*domu, 1)->frame, 0x10u);
    // Asked again for the same frame at the same gfn: nothing changes.
    ASSERT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 1, gfns(hole_gfn, 1)), 0);
    for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(remove(v0, hole_gfn + i), 0);
    EXPECT_EQ(dom0->foreign_maps.size(), 0u);
}

TEST_F(ResourceTest, StatusFramesUnderV2) {
    gnttab_set_version_t sv{2};
    ASSERT_TRUE(gnttab_set_version(*domu, sv).ok());
    ASSERT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 1, 0, 2, gfns(hole_gfn, 2)), 0);
    EXPECT_EQ(p2m(*dom0, hole_gfn + 1).mfn, gnttab_get_frame(*domu, 1, true).value());
    EXPECT_EQ(remove(v0, hole_gfn), 0);
    EXPECT_EQ(remove(v0, hole_gfn + 1), 0);
}

TEST_F(ResourceTest, AFailureAfterTheFirstFrameIsEIO) {
    std::vector<uint64_t> g = {hole_gfn, arch::p2m_max_gfn + 1, hole_gfn + 2};
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 3, g), neg(Errno::XEN_EIO));
    EXPECT_EQ(p2m(*dom0, hole_gfn).type, P2mType::map_foreign) << "the caller unmaps what was mapped";
    EXPECT_EQ(p2m(*dom0, hole_gfn + 2).type, P2mType::invalid);
    EXPECT_EQ(remove(v0, hole_gfn), 0);
    g = {arch::p2m_max_gfn + 1};
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 1, g), neg(Errno::XEN_EINVAL)) << "the first: its own";
    // A grant mapping at the gfn: set_typed_p2m_entry() refuses it.
    const Mfn m = give_ram(*domu, 0x10);
    (void)m;
    grant(*domu, 9, 0, 0x10);
    const auto gm = map(*dom0, 1, 9, hole_gfn, GNTMAP_host_map);
    ASSERT_EQ(gm.status, GNTST_okay);
    EXPECT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 1, gfns(hole_gfn, 1)), neg(Errno::XEN_EPERM));
    EXPECT_EQ(unmap(*dom0, gm.handle, hole_gfn), GNTST_okay);
    // Faulting frame_list.
    xen_mem_acquire_resource x = get<xen_mem_acquire_resource>(args_gva);
    x.frame_list.p = reinterpret_cast<xen_pfn_t*>(0x100000);
    put(args_gva, x);
    EXPECT_EQ(memory_op(v0, XENMEM_acquire_resource), neg(Errno::XEN_EFAULT));
}

TEST_F(ResourceTest, ATargetDestroyedWhileMappedKeepsItsTableUntilTheUnmap) {
    ASSERT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 2, gfns(hole_gfn, 2)), 0);
    const uint32_t tables = gnttab_tables_alive();
    const unsigned listed = nr_domains();
    destroy(*domu);
    EXPECT_EQ(gnttab_tables_alive(), tables) << "its frames are still mapped";
    EXPECT_EQ(nr_domains(), listed) << "listed, dying";
    EXPECT_EQ(remove(v0, hole_gfn), 0);
    EXPECT_EQ(gnttab_tables_alive(), tables);
    EXPECT_EQ(remove(v0, hole_gfn + 1), 0);
    EXPECT_EQ(gnttab_tables_alive(), tables - 1);
    EXPECT_EQ(nr_domains(), listed - 1);
}

TEST_F(ResourceTest, ALongRequestContinuesInStridesOf32) {
    {
        PendingWork work;
        ASSERT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 40, gfns(hole_gfn, 40)), 0);
    }
    ASSERT_TRUE(v0.hypercall_continues);
    EXPECT_EQ(v0.continuation_args[0], uint64_t{XENMEM_acquire_resource} | (32u << 6));
    EXPECT_EQ(p2m(*dom0, hole_gfn + 31).type, P2mType::map_foreign);
    EXPECT_EQ(p2m(*dom0, hole_gfn + 32).type, P2mType::invalid);
    v0.hypercall_continues = false;
    EXPECT_EQ(memory_op(v0, v0.continuation_args[0], v0.continuation_args[1]), 0);
    EXPECT_FALSE(v0.hypercall_continues);
    EXPECT_EQ(table_frames(*domu), 40u);
    for (unsigned i = 0; i < 40; ++i) {
        EXPECT_EQ(p2m(*dom0, hole_gfn + i).mfn, gnttab_get_frame(*domu, i, false).value());
        EXPECT_EQ(remove(v0, hole_gfn + i), 0);
    }
}

TEST_F(ResourceTest, DestroyingTheMapperDropsItsTableReferences) {
    ASSERT_EQ(acquire(v0, 1, XENMEM_resource_grant_table, 0, 0, 3, gfns(hole_gfn, 3)), 0);
    destroy(*dom0); // TearDown then finds every table freed once domu goes
}

} // namespace
} // namespace cxen::test
