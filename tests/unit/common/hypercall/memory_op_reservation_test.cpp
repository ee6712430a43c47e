// The reservation sub-ops of memory_op on another domain (the control
// domain building a domU), claims, and the reservation counts, through
// do_memory_op() against the host fakes (memory_op_reservation.cpp,
// common/mm/claim.cpp). The fixture checks that every machine frame and
// heap byte is back once its domains are destroyed.
#include "abi/xen/sysctl.hpp" // first: __XEN_TOOLS__ (XENMEM_claim_pages, xen_domctl_getdomaininfo)

#include "common/domain_info.hpp"
#include "common/host_info.hpp"
#include "common/hypercall/memory_op.hpp"
#include "foreign_fixture.hpp"

namespace cxen::test {
namespace {

constexpr uint64_t list_gva = 0x5000;

class ReservationTest : public ForeignTest {
  protected:
    /// A reservation op by v on `domid` over `gfns` (the list at list_gva).
    static long reservation(Vcpu& v, unsigned op, domid_t domid, const std::vector<xen_pfn_t>& gfns, unsigned order,
                            unsigned flags = 0, uint64_t start = 0) {
        for (size_t i = 0; i < gfns.size(); ++i) put(list_gva + 8 * i, gfns[i]);
        xen_memory_reservation r{};
        r.extent_start.p = reinterpret_cast<xen_pfn_t*>(list_gva);
        r.nr_extents = gfns.size();
        r.extent_order = order;
        r.mem_flags = flags;
        r.domid = domid;
        put(args_gva, r);
        return memory_op(v, op | (start << memop_extent_shift));
    }
    static long populate(Vcpu& v, domid_t domid, const std::vector<xen_pfn_t>& gfns, unsigned order = 0,
                         unsigned flags = 0) {
        return reservation(v, XENMEM_populate_physmap, domid, gfns, order, flags);
    }
    /// XENMEM_claim_pages by v for `domid`.
    static long claim(Vcpu& v, domid_t domid, uint64_t pages) {
        xen_memory_reservation r{};
        r.nr_extents = pages;
        r.domid = domid;
        put(args_gva, r);
        return memory_op(v, XENMEM_claim_pages);
    }
    static uint64_t physinfo_outstanding() {
        xen_sysctl_physinfo pi{};
        host_physinfo(pi);
        return pi.outstanding_pages;
    }
    static uint64_t info_outstanding(const Domain& d) {
        xen_domctl_getdomaininfo info{};
        getdomaininfo(d, info);
        return info.outstanding_pages;
    }
    static long stat(Vcpu& v, unsigned op, domid_t domid, uint64_t start = 0) {
        put(args_gva, xen_memory_domain{domid});
        return memory_op(v, op | (start << memop_extent_shift));
    }
};

// ---- populate / decrease on another domain ----

TEST_F(ReservationTest, ControlDomainPopulatesADomUAndThePagesAreTheDomUs) {
    const uint64_t free_before = grant_machine().free_pages();
    ASSERT_EQ(populate(v0, domu->domid, {0x10, 0x11, 0x40}), 3);
    EXPECT_EQ(domu->p2m.ram_pages(), 3u);
    EXPECT_EQ(dom0->p2m.ram_pages(), 0u);
    EXPECT_EQ(grant_machine().free_pages(), free_before - 3);
    const arch::P2mEntry e = p2m(*domu, 0x40);
    ASSERT_EQ(e.type, arch::P2mType::ram_rw);
    for (unsigned i = 0; i < page_size; ++i) ASSERT_EQ(bytes(e.mfn)[i], 0) << "populated memory is scrubbed";
}

TEST_F(ReservationTest, ControlDomainPopulatesA2MiBExtentAsOneEntry) {
    ASSERT_EQ(populate(v0, domu->domid, {0x200}, 9), 1);
    EXPECT_EQ(domu->p2m.ram_pages(), 512u);
    EXPECT_EQ(p2m(*domu, 0x3ff).type, arch::P2mType::ram_rw);
}

TEST_F(ReservationTest, ControlDomainDecreasesADomUAndThePagesAreFreed) {
    const uint64_t free_before = grant_machine().free_pages();
    ASSERT_EQ(populate(v0, domu->domid, {0x10, 0x11}), 2);
    EXPECT_EQ(reservation(v0, XENMEM_decrease_reservation, domu->domid, {0x11, 0x10}, 0), 2);
    EXPECT_EQ(domu->p2m.ram_pages(), 0u);
    EXPECT_EQ(grant_machine().free_pages(), free_before);
    // Nothing left there: the first extent stops the call.
    EXPECT_EQ(reservation(v0, XENMEM_decrease_reservation, domu->domid, {0x10}, 0), 0);
}

TEST_F(ReservationTest, MaxOrderIsTheCallersNotTheTargets) {
    EXPECT_EQ(xenmem_max_order(*domu), 9u);  // CONFIG_DOMU_MAX_ORDER
    EXPECT_EQ(xenmem_max_order(*dom0), 18u); // CONFIG_CTLDOM_MAX_ORDER, above the hardware domain's 12
    // A domU asking for 4 MiB extents of itself gets nothing, whatever memory there is.
    EXPECT_EQ(populate(vu, DOMID_SELF, {0x400}, 10), 0);
    EXPECT_EQ(reservation(vu, XENMEM_decrease_reservation, DOMID_SELF, {0x400}, 10), 0);
    // The control domain's limit is 18, and 1 GiB is beyond what the fake machine has: -ENOMEM inside, 0 done.
    EXPECT_EQ(populate(v0, domu->domid, {0x40000}, 18), 0);
    EXPECT_EQ(populate(v0, domu->domid, {0x40000}, 19), 0);
    EXPECT_EQ(domu->p2m.ram_pages(), 0u);
}

TEST_F(ReservationTest, ADomUCannotTouchAnotherDomainsReservation) {
    Domain& other = make(2);
    EXPECT_EQ(populate(vu, other.domid, {0x10}), 0);
    EXPECT_EQ(populate(vu, dom0->domid, {0x10}), 0);
    ASSERT_EQ(populate(v0, other.domid, {0x10}), 1);
    EXPECT_EQ(reservation(vu, XENMEM_decrease_reservation, other.domid, {0x10}, 0), 0);
    EXPECT_EQ(other.p2m.ram_pages(), 1u);
}

TEST_F(ReservationTest, BadDomidsStopAtTheStartExtent) {
    EXPECT_EQ(populate(v0, 77, {0x10}), 0);
    EXPECT_EQ(populate(v0, DOMID_INVALID, {0x10}), 0);
    EXPECT_EQ(reservation(v0, XENMEM_populate_physmap, 77, {0x10, 0x11}, 0, 0, 1), 1);
}

TEST_F(ReservationTest, MaxPagesOfTheTargetIsEnforced) {
    domu->max_pages = 2;
    EXPECT_EQ(populate(v0, domu->domid, {0x10, 0x11, 0x12}), 2);
    EXPECT_EQ(domu->p2m.ram_pages(), 2u);
}

TEST_F(ReservationTest, MemFlagsXenRefusesStopTheCall) {
    EXPECT_EQ(populate(v0, domu->domid, {0x10}, 0, XENMEMF_address_bits(12)), 0); // not above a page
    EXPECT_EQ(populate(v0, domu->domid, {0x10}, 0, XENMEMF_node(64)), 0);         // beyond MAX_NUMNODES
    EXPECT_EQ(populate(v0, domu->domid, {0x10}, 0, XENMEMF_exact_node(1)), 0);    // a node the host lacks
    EXPECT_EQ(populate(vu, DOMID_SELF, {0x10}, 0, XENMEMF_exact_node(0)), 0);     // exact: privileged only
    EXPECT_EQ(populate(v0, domu->domid, {0x10}, 0, XENMEMF_populate_on_demand), 0); // no PoD in cxen
    EXPECT_EQ(domu->p2m.ram_pages(), 0u);
}

TEST_F(ReservationTest, MemFlagsXenHonoursOrIgnoresAreAccepted) {
    EXPECT_EQ(populate(v0, domu->domid, {0x10}, 0, XENMEMF_exact_node(0)), 1); // libxenguest's HVM builder
    EXPECT_EQ(populate(v0, domu->domid, {0x11}, 0, XENMEMF_node(5)), 1);       // a preference only
    EXPECT_EQ(populate(vu, DOMID_SELF, {0x12}, 0, XENMEMF_node(5)), 1);        // a domU's is ignored
    EXPECT_EQ(populate(v0, domu->domid, {0x13}, 0, XENMEMF_vnode | XENMEMF_exact_node(3)), 1); // no vNUMA
    EXPECT_EQ(populate(v0, domu->domid, {0x14}, 0, XENMEMF_address_bits(64)), 1); // restricts nothing
    EXPECT_EQ(domu->p2m.ram_pages(), 5u);
}

TEST_F(ReservationTest, LongPopulateOfADomUContinuesFromWhereItStopped) {
    std::vector<xen_pfn_t> gfns;
    for (uint64_t i = 0; i < 100; ++i) gfns.push_back(0x100 + i);
    {
        PendingWork pending;
        EXPECT_EQ(populate(v0, domu->domid, gfns), 0);
        ASSERT_TRUE(v0.hypercall_continues);
    }
    v0.hypercall_continues = false;
    const uint64_t cmd = v0.continuation_args[0];
    EXPECT_EQ(cmd & memop_cmd_mask, uint64_t{XENMEM_populate_physmap});
    const uint64_t next = cmd >> memop_extent_shift;
    EXPECT_EQ(next, hypercall_preempt_interval);
    EXPECT_EQ(domu->p2m.ram_pages(), next);
    EXPECT_EQ(memory_op(v0, cmd), 100);
    EXPECT_EQ(domu->p2m.ram_pages(), 100u);
}

TEST_F(ReservationTest, PopulatingAPausedDomainWithoutVcpusWorks) {
    Domain& bare = make(3); // domain_create() makes no vCPU
    domain_pause(bare);
    EXPECT_EQ(populate(v0, bare.domid, {0x10}), 1);
    EXPECT_EQ(bare.p2m.ram_pages(), 1u);
    domain_unpause(bare);
}

// ---- claims ----

TEST_F(ReservationTest, ClaimIsReportedAndDrawnDownByPopulate) {
    ASSERT_EQ(claim(v0, domu->domid, 10), 0);
    EXPECT_EQ(info_outstanding(*domu), 10u);
    EXPECT_EQ(physinfo_outstanding(), 10u);
    ASSERT_EQ(populate(v0, domu->domid, {0x10, 0x11, 0x12}), 3);
    EXPECT_EQ(info_outstanding(*domu), 7u);
    EXPECT_EQ(physinfo_outstanding(), 7u);
    // Pages given back while a claim remains make it grow again (Xen's domain_adjust_tot_pages()).
    ASSERT_EQ(reservation(v0, XENMEM_decrease_reservation, domu->domid, {0x12}, 0), 1);
    EXPECT_EQ(info_outstanding(*domu), 8u);
    ASSERT_EQ(claim(v0, domu->domid, 0), 0); // cancel
    EXPECT_EQ(info_outstanding(*domu), 0u);
    EXPECT_EQ(physinfo_outstanding(), 0u);
}

TEST_F(ReservationTest, ClaimCountsWhatTheDomainHasAndNeverGoesBelowZero) {
    ASSERT_EQ(populate(v0, domu->domid, {0x10, 0x11}), 2);
    ASSERT_EQ(claim(v0, domu->domid, 5), 0);
    EXPECT_EQ(info_outstanding(*domu), 3u); // 5 in all, 2 already there
    ASSERT_EQ(populate(v0, domu->domid, {0x200}, 9), 1);
    EXPECT_EQ(info_outstanding(*domu), 0u);
    EXPECT_EQ(physinfo_outstanding(), 0u);
}

TEST_F(ReservationTest, ClaimErrorsAreXens) {
    const long einval = neg(Errno::XEN_EINVAL);
    domu->max_pages = 100;
    EXPECT_EQ(claim(v0, domu->domid, 101), einval); // above max_pages
    ASSERT_EQ(populate(v0, domu->domid, {0x10, 0x11}), 2);
    EXPECT_EQ(claim(v0, domu->domid, 2), einval); // not above what it has
    ASSERT_EQ(claim(v0, domu->domid, 50), 0);
    EXPECT_EQ(claim(v0, domu->domid, 60), einval); // one claim at a time
    EXPECT_EQ(info_outstanding(*domu), 48u);
    EXPECT_EQ(claim(vu, DOMID_SELF, 0), einval);       // rcu_lock_domain_by_id(): no DOMID_SELF
    EXPECT_EQ(claim(v0, 77, 10), einval);              // no such domain: -EINVAL, not -ESRCH
    EXPECT_EQ(claim(vu, domu->domid, 0), neg(Errno::XEN_EPERM)); // XSM_PRIV, even on itself
    EXPECT_EQ(info_outstanding(*domu), 48u);
    xen_memory_reservation r{};
    r.domid = domu->domid;
    r.nr_extents = 0;
    r.extent_order = 1;
    put(args_gva, r);
    EXPECT_EQ(memory_op(v0, XENMEM_claim_pages), einval); // order must be 0
    r.extent_order = 0;
    r.mem_flags = 1;
    put(args_gva, r);
    EXPECT_EQ(memory_op(v0, XENMEM_claim_pages), einval); // no flags
    r.mem_flags = 0;
    r.extent_start.p = reinterpret_cast<xen_pfn_t*>(list_gva);
    put(args_gva, r);
    EXPECT_EQ(memory_op(v0, XENMEM_claim_pages), einval); // no list
    r.extent_start.p = nullptr;
    put(args_gva, r);
    EXPECT_EQ(memory_op(v0, XENMEM_claim_pages | (1u << memop_extent_shift)), einval);
    EXPECT_EQ(memory_op(v0, XENMEM_claim_pages, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(info_outstanding(*domu), 48u);
    ASSERT_EQ(memory_op(v0, XENMEM_claim_pages), 0); // the well-formed cancel
    EXPECT_EQ(info_outstanding(*domu), 0u);
}

TEST_F(ReservationTest, ClaimBeyondTheHostsFreeMemoryIsENOMEM) {
    Domain& other = make(2);
    const uint64_t free = grant_machine().free_pages();
    EXPECT_EQ(claim(v0, domu->domid, free + 1), neg(Errno::XEN_ENOMEM));
    ASSERT_EQ(claim(v0, domu->domid, free - 10), 0);
    EXPECT_EQ(claim(v0, other.domid, 11), neg(Errno::XEN_ENOMEM)); // what is claimed is not free to claim
    EXPECT_EQ(claim(v0, other.domid, 10), 0);
    EXPECT_EQ(physinfo_outstanding(), free);
}

TEST_F(ReservationTest, ClaimedMemoryIsNotAvailableToOtherDomains) {
    Domain& other = make(2);
    const uint64_t free = grant_machine().free_pages();
    ASSERT_EQ(claim(v0, domu->domid, free - 1), 0);
    EXPECT_EQ(populate(v0, other.domid, {0x10, 0x11}), 1); // one page is unclaimed
    EXPECT_EQ(populate(v0, other.domid, {0x12}), 0);
    EXPECT_EQ(populate(v0, domu->domid, {0x10, 0x11, 0x12}), 3); // the claimant draws on its claim
    EXPECT_EQ(info_outstanding(*domu), free - 4);
}

TEST_F(ReservationTest, DestroyFreesEveryPopulatedPageAndCancelsTheClaim) {
    const uint64_t free_before = grant_machine().free_pages();
    Domain& built = make(4);
    ASSERT_EQ(claim(v0, built.domid, 600), 0);
    ASSERT_EQ(populate(v0, built.domid, {0x200}, 9), 1);
    ASSERT_EQ(populate(v0, built.domid, {0x10, 0x11, 0x12}), 3);
    EXPECT_EQ(physinfo_outstanding(), 600u - 515);
    destroy(built);
    EXPECT_EQ(physinfo_outstanding(), 0u);
    EXPECT_EQ(grant_machine().free_pages(), free_before);
}

// ---- the counts ----

TEST_F(ReservationTest, ReservationCountsOfAnotherDomain) {
    domu->max_pages = 300;
    ASSERT_EQ(populate(v0, domu->domid, {0x10, 0x7ff}), 2);
    EXPECT_EQ(stat(v0, XENMEM_current_reservation, domu->domid), 2);
    EXPECT_EQ(stat(v0, XENMEM_maximum_reservation, domu->domid), 300);
    EXPECT_EQ(stat(v0, XENMEM_maximum_gpfn, domu->domid), 0x7ff);
    // max_mapped_pfn never goes down.
    ASSERT_EQ(reservation(v0, XENMEM_decrease_reservation, domu->domid, {0x7ff}, 0), 1);
    EXPECT_EQ(stat(v0, XENMEM_maximum_gpfn, domu->domid), 0x7ff);
    EXPECT_EQ(stat(vu, XENMEM_maximum_gpfn, DOMID_SELF), 0x7ff);
    EXPECT_EQ(stat(vu, XENMEM_current_reservation, DOMID_SELF), 1);
}

TEST_F(ReservationTest, ReservationCountErrors) {
    Domain& other = make(2);
    EXPECT_EQ(stat(vu, XENMEM_current_reservation, other.domid), neg(Errno::XEN_EPERM));
    EXPECT_EQ(stat(vu, XENMEM_maximum_gpfn, other.domid), neg(Errno::XEN_EPERM));
    EXPECT_EQ(stat(v0, XENMEM_maximum_reservation, 77), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(stat(v0, XENMEM_maximum_gpfn, domu->domid, 1), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(memory_op(v0, XENMEM_current_reservation, 0x100000), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(memory_op(v0, XENMEM_maximum_ram_page | (1u << memop_extent_shift)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(memory_op(v0, XENMEM_maximum_ram_page), static_cast<long>(arch::fake_machine_frames));
}

} // namespace
} // namespace cxen::test
