// XENMEM_set_pod_target / get_pod_target (memory_op_pod.cpp) as Xen
// answers them for an HVM domain without populate-on-demand: what `xl
// mem-set` of a PVH domain sees.
#include "common/hypercall/memory_op.hpp"
#include "foreign_fixture.hpp"

namespace cxen::test {
namespace {

class PodTest : public ForeignTest {
  protected:
    static long pod(Vcpu& v, unsigned op, domid_t domid, uint64_t target, uint64_t start = 0) {
        xen_pod_target t{};
        t.target_pages = target;
        t.tot_pages = t.pod_cache_pages = t.pod_entries = 0x5a5a;
        t.domid = domid;
        put(args_gva, t);
        return memory_op(v, op | (start << memop_extent_shift));
    }
    static xen_pod_target out() { return get<xen_pod_target>(args_gva); }
};

TEST_F(PodTest, GetReportsThePagesAndNoPod) {
    give_ram(*domu, 0x10);
    give_ram(*domu, 0x11);
    ASSERT_EQ(pod(v0, XENMEM_get_pod_target, domu->domid, 0), 0);
    EXPECT_EQ(out().tot_pages, 2u);
    EXPECT_EQ(out().pod_cache_pages, 0u);
    EXPECT_EQ(out().pod_entries, 0u);
}

TEST_F(PodTest, SetOnAPopulatedDomainChangesNothingAndReportsIt) {
    give_ram(*domu, 0x10);
    domu->max_pages = 100;
    ASSERT_EQ(pod(v0, XENMEM_set_pod_target, domu->domid, 50), 0); // xl mem-set below what it has ...
    EXPECT_EQ(out().tot_pages, 1u);
    ASSERT_EQ(pod(v0, XENMEM_set_pod_target, domu->domid, 100), 0); // ... or above it
    EXPECT_EQ(out().tot_pages, 1u);
    EXPECT_EQ(out().pod_cache_pages, 0u);
    EXPECT_EQ(domu->p2m.ram_pages(), 1u);
}

TEST_F(PodTest, TargetAboveMaxPagesIsEINVALSoMaxMemComesFirst) {
    give_ram(*domu, 0x10);
    domu->max_pages = 100; // XEN_DOMCTL_max_mem
    EXPECT_EQ(pod(v0, XENMEM_set_pod_target, domu->domid, 101), neg(Errno::XEN_EINVAL));
    domu->max_pages = 200;
    EXPECT_EQ(pod(v0, XENMEM_set_pod_target, domu->domid, 101), 0);
}

TEST_F(PodTest, DomUsGetEPERMEvenOnThemselves) {
    EXPECT_EQ(pod(vu, XENMEM_get_pod_target, DOMID_SELF, 0), neg(Errno::XEN_EPERM)); // XSM_PRIV
    EXPECT_EQ(pod(vu, XENMEM_set_pod_target, DOMID_SELF, 0), neg(Errno::XEN_EPERM));
    EXPECT_EQ(pod(vu, XENMEM_get_pod_target, dom0->domid, 0), neg(Errno::XEN_EPERM));
    EXPECT_EQ(out().tot_pages, 0x5a5au); // nothing copied back
}

TEST_F(PodTest, OtherErrors) {
    EXPECT_EQ(pod(v0, XENMEM_get_pod_target, 77, 0), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(pod(v0, XENMEM_get_pod_target, domu->domid, 0, 1), neg(Errno::XEN_ENOSYS));
    EXPECT_EQ(memory_op(v0, XENMEM_get_pod_target, 0x100000), neg(Errno::XEN_EFAULT));
    // A domain with no page yet: Xen would fill a PoD cache, cxen has none.
    EXPECT_EQ(pod(v0, XENMEM_set_pod_target, domu->domid, 10), neg(Errno::XEN_EOPNOTSUPP));
    EXPECT_EQ(pod(v0, XENMEM_set_pod_target, domu->domid, 0), 0);
}

} // namespace
} // namespace cxen::test
