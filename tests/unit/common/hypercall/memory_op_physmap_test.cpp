// XENMEM_add_to_physmap_batch (foreign mappings and the other spaces) and
// XENMEM_remove_from_physmap through memory_op's shell, as Xen 4.17's
// xenmem_add_to_physmap_batch(), p2m_add_foreign() and the
// XENMEM_remove_from_physmap case: whole-call and per-entry errors, the
// references a foreign entry holds (the fixture's TearDown checks that no
// frame, table or heap block leaked), a foreign domain that dies while
// mapped, and the continuation of a long batch.
#include "foreign_fixture.hpp"

#include "common/event/evtchn.hpp"

namespace cxen::test {
namespace {

using arch::P2mType;
using PhysmapTest = ForeignTest;

TEST_F(PhysmapTest, Dom0MapsADomUFrameWritableAtAnUnpopulatedGfn) {
    const Mfn m = give_ram(*domu, 0x10, 0xab);
    ASSERT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, {0x10}, {hole_gfn}), 0);
    EXPECT_EQ(errs(0), 0);
    EXPECT_EQ(p2m(*dom0, hole_gfn).type, P2mType::map_foreign);
    EXPECT_EQ(p2m(*dom0, hole_gfn).mfn, m);
    EXPECT_EQ(page_ref_count(m), 1u) << "the entry's reference";
    EXPECT_EQ(dom0->p2m.ram_pages(), 0u) << "not dom0's RAM";
    // dom0's hypervisor copies reach it as Xen's get_page_from_gfn() does.
    auto got = p2m_get_page(*dom0, Gfn{hole_gfn}, P2mAccess::write);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(bytes(got.value())[7], 0xab);
    p2m_put_page(got.value());
}

TEST_F(PhysmapTest, RemoveDropsTheReferenceFlushesAndLeavesAHole) {
    const Mfn m = give_ram(*domu, 0x10);
    ASSERT_EQ(map_one(v0, 1, 0x10, hole_gfn), 0);
    const unsigned flushes = arch::fake_p2m_flushes.load();
    EXPECT_EQ(remove(v0, hole_gfn), 0);
    EXPECT_GT(arch::fake_p2m_flushes.load(), flushes);
    EXPECT_EQ(p2m(*dom0, hole_gfn).type, P2mType::invalid);
    EXPECT_EQ(page_ref_count(m), 0u);
    EXPECT_TRUE(allocated(m)) << "the frame is domU's: not freed";
    EXPECT_EQ(p2m(*domu, 0x10).mfn, m);
    EXPECT_EQ(remove(v0, hole_gfn), neg(Errno::XEN_ENOENT));
    EXPECT_EQ(dom0->foreign_maps.size(), 0u);
}

TEST_F(PhysmapTest, Dom0RamDisplacedByAForeignMapIsFreed) {
    const Mfn mine = give_ram(*dom0, 0x20);
    give_ram(*domu, 0x10);
    ASSERT_EQ(map_one(v0, 1, 0x10, 0x20), 0);
    EXPECT_FALSE(allocated(mine));
    // Special pages are unhooked, not freed: dom0's shared_info moved under the map.
    ASSERT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_shared_info, 0, {0}, {0x30}), 0);
    EXPECT_EQ(errs(0), 0);
    EXPECT_EQ(p2m(*dom0, 0x30).type, P2mType::xen_page);
    ASSERT_EQ(map_one(v0, 1, 0x10, 0x30), 0);
    EXPECT_EQ(dom0->shared_info_gfn, ~0ull);
    EXPECT_EQ(remove(v0, 0x20), 0);
    EXPECT_EQ(remove(v0, 0x30), 0);
}

TEST_F(PhysmapTest, AFrameOfADyingDomainStaysUntilTheLastForeignMapGoes) {
    const Mfn m = give_ram(*domu, 0x10, 0x5c);
    ASSERT_EQ(map_one(v0, 1, 0x10, hole_gfn), 0);
    ASSERT_EQ(map_one(v0, 1, 0x10, hole_gfn + 1), 0);
    EXPECT_EQ(page_ref_count(m), 2u);
    const unsigned before = nr_domains();
    destroy(*domu);
    EXPECT_EQ(nr_domains(), before) << "held listed, dying, while its frame is mapped";
    EXPECT_TRUE(allocated(m));
    EXPECT_EQ(bytes(m)[0], 0x5c);
    EXPECT_EQ(map_one(v0, 1, 0x10, hole_gfn + 2), neg(Errno::XEN_EINVAL)) << "its p2m is torn down";
    EXPECT_EQ(remove(v0, hole_gfn), 0);
    EXPECT_TRUE(allocated(m));
    EXPECT_EQ(remove(v0, hole_gfn + 1), 0);
    EXPECT_FALSE(allocated(m)) << "freed by the last put";
    EXPECT_EQ(nr_domains(), before - 1) << "gone with the last mapping";
}

TEST_F(PhysmapTest, DestroyingTheMapperReleasesItsForeignEntries) {
    const Mfn m = give_ram(*domu, 0x10);
    ASSERT_EQ(map_one(v0, 1, 0x10, hole_gfn), 0);
    const uint32_t holds = domu->holds.load();
    destroy(*dom0);
    EXPECT_EQ(page_ref_count(m), 0u);
    EXPECT_EQ(domu->holds.load(), holds - 1);
    EXPECT_TRUE(allocated(m));
}

TEST_F(PhysmapTest, PerEntryErrorsAreXens) {
    give_ram(*domu, 0x10);
    Domain& other = make(2);
    give_ram(other, 0x10);
    // Entries fail one by one; the call itself succeeds.
    ASSERT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, {0x10, 0x11, 0x10}, {hole_gfn, hole_gfn + 1, hole_gfn + 2}),
              0);
    EXPECT_EQ(errs(0), 0);
    EXPECT_EQ(errs(1), -static_cast<int>(Errno::XEN_EINVAL)) << "a hole in the foreign domain";
    EXPECT_EQ(errs(2), 0);
    EXPECT_EQ(map_one(v0, 99, 0x10, hole_gfn + 3), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(map_one(v0, DOMID_SELF, 0x10, hole_gfn + 3), neg(Errno::XEN_ESRCH)) << "not resolved here";
    EXPECT_EQ(map_one(v0, 0, 0x10, hole_gfn + 3), neg(Errno::XEN_EPERM)) << "its own frames";
    EXPECT_EQ(map_one(v0, DOMID_XEN, 0x10, hole_gfn + 3), neg(Errno::XEN_EINVAL));
    // The foreign frame must be RAM: not a hypervisor frame of the domain.
    ASSERT_TRUE(gnttab_map_frame(*domu, 0, false, Gfn{0x40}).ok());
    EXPECT_EQ(map_one(v0, 1, 0x40, hole_gfn + 3), neg(Errno::XEN_EINVAL));
    // Another domain's frame already there: guest_remove_page() says -ENXIO.
    EXPECT_EQ(map_one(v0, 2, 0x10, hole_gfn), neg(Errno::XEN_ENXIO));
    EXPECT_EQ(p2m(*dom0, hole_gfn).mfn, p2m(*domu, 0x10).mfn) << "unchanged";
    grant(other, 8, 0, 0x10);
    const auto g = map(*dom0, 2, 8, hole_gfn + 4, GNTMAP_host_map);
    ASSERT_EQ(g.status, GNTST_okay);
    EXPECT_EQ(map_one(v0, 1, 0x10, hole_gfn + 4), neg(Errno::XEN_ENXIO));
    EXPECT_EQ(remove(v0, hole_gfn + 4), neg(Errno::XEN_ENXIO)) << "a grant mapping goes by its unmap";
    EXPECT_EQ(unmap(*dom0, g.handle, hole_gfn + 4), GNTST_okay);
    // Beyond the p2m's reach.
    EXPECT_EQ(map_one(v0, 1, 0x10, arch::p2m_max_gfn + 1), neg(Errno::XEN_EINVAL));
    // The target of the map is a domU that dom0 controls: only the hardware
    // domain may hold foreign entries (arch_acquire_resource_check()).
    ASSERT_EQ(batch(v0, 2, XENMAPSPACE_gmfn_foreign, 1, {0x10}, {hole_gfn}), 0);
    EXPECT_EQ(errs(0), -static_cast<int>(Errno::XEN_EPERM));
}

TEST_F(PhysmapTest, ADomUGetsXensErrors) {
    give_ram(*dom0, 0x10);
    Domain& other = make(2);
    give_ram(other, 0x10);
    // Into itself: past the hooks, each entry is -EPERM (not the hardware domain).
    ASSERT_EQ(batch(vu, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 2, {0x10}, {hole_gfn}), 0);
    EXPECT_EQ(errs(0), -static_cast<int>(Errno::XEN_EPERM));
    ASSERT_EQ(batch(vu, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, {0x10}, {hole_gfn}), 0);
    EXPECT_EQ(errs(0), -static_cast<int>(Errno::XEN_EPERM));
    // Into another domain: xsm_add_to_physmap refuses the whole call.
    EXPECT_EQ(batch(vu, 2, XENMAPSPACE_gmfn_foreign, 0, {0x10}, {hole_gfn}), neg(Errno::XEN_EPERM));
    EXPECT_EQ(batch(vu, 0, XENMAPSPACE_shared_info, 0, {0}, {hole_gfn}), neg(Errno::XEN_EPERM));
    EXPECT_EQ(remove(vu, 0x10, 0), neg(Errno::XEN_EPERM));
    EXPECT_EQ(remove(vu, 0x10, 2), neg(Errno::XEN_EPERM));
    EXPECT_EQ(batch(vu, DOMID_SELF, XENMAPSPACE_dev_mmio, 0, {0}, {hole_gfn}), neg(Errno::XEN_EACCES));
    EXPECT_EQ(p2m(*domu, hole_gfn).type, P2mType::invalid);
    EXPECT_EQ(p2m(*dom0, 0x10).type, P2mType::ram_rw);
}

TEST_F(PhysmapTest, WholeCallErrorsAreXens) {
    give_ram(*domu, 0x10);
    EXPECT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_range, 1, {0x10}, {hole_gfn}), neg(Errno::XEN_EOPNOTSUPP));
    EXPECT_EQ(batch(v0, 99, XENMAPSPACE_gmfn_foreign, 1, {0x10}, {hole_gfn}), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(memory_op(v0, XENMEM_add_to_physmap_batch, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, {0x10}, {~0ull}), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, {0x10}, {hole_gfn}, 0x10000), neg(Errno::XEN_EDOM));
    EXPECT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, {0x10}, {hole_gfn}, 2), neg(Errno::XEN_EILSEQ));
    EXPECT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, {0x10}, {hole_gfn}, 1), neg(Errno::XEN_EILSEQ));
    EXPECT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, {}, {}), 0) << "size 0: nothing to do";
    // dev_mmio is the hardware domain's into itself; res0 must be 0.
    EXPECT_EQ(batch(v0, 1, XENMAPSPACE_dev_mmio, 0, {0}, {hole_gfn}), neg(Errno::XEN_EACCES));
    EXPECT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_dev_mmio, 1, {0}, {hole_gfn}), neg(Errno::XEN_EOPNOTSUPP));
    ASSERT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_dev_mmio, 0, {0}, {hole_gfn}), 0);
    EXPECT_EQ(errs(0), -static_cast<int>(Errno::XEN_EINVAL)) << "x86 maps no MMIO this way";
    // A fault on the arrays stops the call: the entry before it is done.
    xen_add_to_physmap_batch b = get<xen_add_to_physmap_batch>(args_gva);
    b.space = XENMAPSPACE_gmfn_foreign;
    b.u.foreign_domid = 1;
    b.errs.p = reinterpret_cast<int*>(0x100000);
    put(args_gva, b);
    put(idxs_gva, uint64_t{0x10});
    EXPECT_EQ(memory_op(v0, XENMEM_add_to_physmap_batch), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(p2m(*dom0, hole_gfn).type, P2mType::map_foreign) << "mapped before the errs copy failed, as Xen";
    EXPECT_EQ(remove(v0, hole_gfn), 0);
    // remove_from_physmap: no continuation, struct fault, no domain.
    EXPECT_EQ(memory_op(v0, XENMEM_remove_from_physmap | (1u << 6)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(memory_op(v0, XENMEM_remove_from_physmap, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(remove(v0, hole_gfn, 99), neg(Errno::XEN_ESRCH));
    // The single add_to_physmap never maps foreign frames.
    put(args_gva, xen_add_to_physmap{DOMID_SELF, 1, XENMAPSPACE_gmfn_foreign, 0x10, hole_gfn});
    EXPECT_EQ(memory_op(v0, XENMEM_add_to_physmap), neg(Errno::XEN_ENOSYS));
}

TEST_F(PhysmapTest, TheOtherSpacesInBatchForm) {
    ASSERT_EQ(batch(v0, 1, XENMAPSPACE_grant_table, 0, {0, 1, 64}, {0x50, 0x51, 0x52}), 0);
    EXPECT_EQ(errs(0), 0);
    EXPECT_EQ(errs(1), 0);
    EXPECT_EQ(errs(2), -static_cast<int>(Errno::XEN_EINVAL)) << "beyond max_grant_frames";
    EXPECT_EQ(p2m(*domu, 0x51).type, P2mType::xen_page);
    ASSERT_EQ(batch(v0, 1, XENMAPSPACE_shared_info, 0, {1}, {0x60}), 0);
    EXPECT_EQ(errs(0), -static_cast<int>(Errno::XEN_EINVAL));
    ASSERT_EQ(batch(v0, 1, XENMAPSPACE_gmfn, 0, {0x50}, {0x60}), 0);
    EXPECT_EQ(errs(0), -static_cast<int>(Errno::XEN_ENOSYS)) << "TODO(#3), as the single op";
    // remove_from_physmap of another domain by the control domain, and of a
    // hypervisor frame: unhooked.
    EXPECT_EQ(remove(v0, 0x51, 1), 0);
    EXPECT_EQ(p2m(*domu, 0x51).type, P2mType::invalid);
}

TEST_F(PhysmapTest, TheGuestsOwnOpsLeaveForeignEntriesAlone) {
    give_ram(*domu, 0x10);
    ASSERT_EQ(map_one(v0, 1, 0x10, 0x70), 0);
    // decrease_reservation (guest_remove_page()) and populate stop there.
    put(idxs_gva, xen_pfn_t{0x70});
    xen_memory_reservation r{};
    r.extent_start.p = reinterpret_cast<xen_pfn_t*>(idxs_gva);
    r.nr_extents = 1;
    r.domid = DOMID_SELF;
    put(args_gva, r);
    EXPECT_EQ(memory_op(v0, XENMEM_decrease_reservation), 0);
    EXPECT_EQ(memory_op(v0, XENMEM_populate_physmap), 0);
    EXPECT_EQ(p2m(*dom0, 0x70).type, P2mType::map_foreign);
    put(args_gva, xen_add_to_physmap{DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, 0x70});
    EXPECT_EQ(memory_op(v0, XENMEM_add_to_physmap), neg(Errno::XEN_ENXIO));
    EXPECT_EQ(p2m(*dom0, 0x70).type, P2mType::map_foreign);
}

TEST_F(PhysmapTest, ALongBatchContinuesWhereItStopped) {
    std::vector<uint64_t> idxs, gpfns;
    for (uint64_t i = 0; i < 3; ++i) {
        give_ram(*domu, 0x10 + i);
        idxs.push_back(0x10 + i);
        gpfns.push_back(hole_gfn + i);
    }
    {
        PendingWork work;
        ASSERT_EQ(batch(v0, DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns), 0);
    }
    ASSERT_TRUE(v0.hypercall_continues);
    EXPECT_EQ(v0.continuation_args[0], uint64_t{XENMEM_add_to_physmap_batch} | (1u << 6));
    EXPECT_EQ(v0.continuation_args[1], args_gva);
    EXPECT_EQ(p2m(*dom0, hole_gfn).type, P2mType::map_foreign);
    EXPECT_EQ(p2m(*dom0, hole_gfn + 1).type, P2mType::invalid);
    v0.hypercall_continues = false;
    EXPECT_EQ(memory_op(v0, v0.continuation_args[0], v0.continuation_args[1]), 0);
    EXPECT_FALSE(v0.hypercall_continues);
    for (uint64_t i = 0; i < 3; ++i) {
        EXPECT_EQ(errs(static_cast<unsigned>(i)), 0);
        EXPECT_EQ(p2m(*dom0, hole_gfn + i).type, P2mType::map_foreign);
        EXPECT_EQ(remove(v0, hole_gfn + i), 0);
    }
}

// Section 3 of the toolstack ABI: what xenstored and libxl do through the
// grant and event-channel devices of a PVH dom0.
TEST_F(PhysmapTest, Dom0GrantMapsANeverRunDomUsPageIntoUnpopulatedSpace) {
    const Mfn m = give_ram(*domu, 0x10, 0x77);
    grant(*domu, 1, 0, 0x10); // the xenstore grant, as the toolstack seeds it
    const auto g = map(*dom0, 1, 1, hole_gfn, GNTMAP_host_map);
    ASSERT_EQ(g.status, GNTST_okay);
    EXPECT_EQ(p2m(*dom0, hole_gfn).mfn, m);
    EXPECT_EQ(unmap(*dom0, g.handle, hole_gfn), GNTST_okay);
    EXPECT_EQ(p2m(*dom0, hole_gfn).type, P2mType::invalid);
}

TEST_F(PhysmapTest, Dom0AllocatesAndChecksEventChannelsOnBehalfOfADomU) {
    // libxl__build_pre: a port in the domU for dom0, then xenconsoled's status check.
    evtchn_alloc_unbound_t a{1, 0, 0};
    ASSERT_TRUE(evtchn_alloc_unbound(*dom0, a).ok());
    evtchn_status_t s{};
    s.dom = 1;
    s.port = a.port;
    ASSERT_TRUE(evtchn_status(*dom0, s).ok());
    EXPECT_EQ(s.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(s.u.unbound.dom, 0u);
    // dom0 binds it from its side (the kernel's xenbus or xenconsoled).
    evtchn_bind_interdomain_t b{1, a.port, 0};
    ASSERT_TRUE(evtchn_bind_interdomain(*dom0, b).ok());
    ASSERT_TRUE(evtchn_status(*dom0, s).ok());
    EXPECT_EQ(s.status, EVTCHNSTAT_interdomain);
    // A domU may do neither for another domain.
    Domain& other = make(2);
    (void)other;
    evtchn_alloc_unbound_t a2{2, 0, 0};
    EXPECT_EQ(evtchn_alloc_unbound(*domu, a2).error(), Errno::XEN_EPERM);
    s.dom = 0;
    s.port = b.local_port;
    EXPECT_EQ(evtchn_status(*domu, s).error(), Errno::XEN_EPERM);
}

} // namespace
} // namespace cxen::test
