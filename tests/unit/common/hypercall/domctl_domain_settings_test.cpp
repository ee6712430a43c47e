// Unit tests of the small domctls libxl makes while building a domain
// (common/hypercall/domctl_domain_settings.cpp), through do_domctl() as the
// control domain: setnodeaffinity, settscinfo / gettscinfo, settimeoffset,
// set/get_paging_mempool_size, with Xen 4.17's checks.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/domctl.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/time/wallclock.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100;
constexpr uint64_t map_gva = 0x400;
constexpr long neg(Errno e) {
    return -static_cast<long>(e);
}

class DomctlSettingsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        ctl = domain_create(0, "Domain-0", 1).value();
        ctl->is_privileged = true;
        cv = vcpu_create(*ctl, 0, 0).value();
        d = domain_create(3, "", 1).value();
        uv = vcpu_create(*d, 0, 0).value();
    }
    void TearDown() override {
        domain_destroy(*d);
        domain_destroy(*ctl);
        arch::fake_now_ns = 0;
        arch::fake_tsc = 0;
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static xen_domctl make(uint32_t cmd, Domid domid) {
        xen_domctl op{};
        op.cmd = cmd;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        op.domain = domid;
        return op;
    }
    long call(const xen_domctl& op, Vcpu* by = nullptr) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_domctl(by ? *by : *cv, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
    }
    xen_domctl result() const {
        xen_domctl op;
        std::memcpy(&op, arch::fake_guest_memory().data() + arg_gva, sizeof(op));
        return op;
    }
    long nodeaffinity(const uint8_t* bytes, unsigned n, uint32_t nr_bits, uint64_t gva = map_gva) {
        std::memcpy(arch::fake_guest_memory().data() + map_gva, bytes, n);
        xen_domctl op = make(XEN_DOMCTL_setnodeaffinity, 3);
        op.u.nodeaffinity.nodemap.nr_bits = nr_bits;
        set_xen_guest_handle(op.u.nodeaffinity.nodemap.bitmap, reinterpret_cast<uint8_t*>(gva));
        return call(op);
    }
    Domain* ctl = nullptr;
    Domain* d = nullptr;
    Vcpu* cv = nullptr;
    Vcpu* uv = nullptr;
};

TEST_F(DomctlSettingsTest, NodeAffinityIsRecordedAllNodesMeansAutomatic) {
    const uint8_t all[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    EXPECT_EQ(nodeaffinity(all, 8, 64), 0) << "libxl's all-nodes map";
    EXPECT_TRUE(d->auto_node_affinity);
    const uint8_t node0[1] = {0x01};
    EXPECT_EQ(nodeaffinity(node0, 1, 1), 0);
    EXPECT_FALSE(d->auto_node_affinity);
    EXPECT_EQ(d->node_affinity, 1u);
    const uint8_t wide[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    EXPECT_EQ(nodeaffinity(wide, 16, 128), 0) << "bits past MAX_NUMNODES are not read";
    EXPECT_TRUE(d->auto_node_affinity);
}

TEST_F(DomctlSettingsTest, NodeAffinityWithoutNodeZeroIsEinvalBadPointerEfault) {
    const uint8_t node1[1] = {0x02};
    EXPECT_EQ(nodeaffinity(node1, 1, 8), neg(Errno::XEN_EINVAL));
    const uint8_t masked[1] = {0xfe | 0x01};
    EXPECT_EQ(nodeaffinity(masked, 1, 0), neg(Errno::XEN_EINVAL)) << "nr_bits 0: an empty map";
    EXPECT_EQ(nodeaffinity(masked, 1, 8, 1ull << 40), neg(Errno::XEN_EFAULT));
    EXPECT_TRUE(d->auto_node_affinity) << "unchanged";
    xen_domctl op = make(XEN_DOMCTL_setnodeaffinity, 3);
    EXPECT_EQ(call(op, uv), neg(Errno::XEN_EPERM)) << "a domU";
}

TEST_F(DomctlSettingsTest, SettscinfoRecordsXensDecisionAndRefusesSelfAndBadModes) {
    arch::fake_now_ns = 5'000'000'000;
    xen_domctl op = make(XEN_DOMCTL_settscinfo, 3);
    op.u.tsc_info = {0, 0, 0, 0, 0}; // libxl's {default, host rate, incarnation 0}
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(d->tsc.mode, 0u);
    EXPECT_EQ(d->tsc.khz, arch::fake_tsc_khz);
    EXPECT_EQ(d->tsc.incarnation, 1u);
    EXPECT_FALSE(d->tsc.vtsc) << "the host's rate: native TSC";
    op.u.tsc_info = {0, 1'000'000, 4, 0, 1'000'000'000};
    EXPECT_EQ(call(op), 0);
    EXPECT_TRUE(d->tsc.vtsc) << "another rate: Xen would emulate";
    EXPECT_EQ(d->tsc.incarnation, 5u);
    EXPECT_EQ(d->tsc.vtsc_offset_ns, 4'000'000'000u);
    op.u.tsc_info = {2, 0, 0, 0, 0};
    EXPECT_EQ(call(op), 0);
    EXPECT_FALSE(d->tsc.vtsc);
    EXPECT_EQ(d->tsc.khz, 1'000'000u) << "never_emulate leaves the rate as it was";
    op.u.tsc_info = {3, 0, 0, 0, 0};
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL)) << "unknown mode";
    EXPECT_EQ(d->tsc.mode, 2u);
    op = make(XEN_DOMCTL_settscinfo, 0);
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL)) << "the caller's own domain";
    EXPECT_EQ(call(make(XEN_DOMCTL_gettscinfo, 0)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(make(XEN_DOMCTL_settscinfo, 3), uv), neg(Errno::XEN_EPERM));
    EXPECT_EQ(call(make(XEN_DOMCTL_settscinfo, 99)), neg(Errno::XEN_ESRCH));
}

TEST_F(DomctlSettingsTest, GettscinfoAnswersAsXensTscGetInfo) {
    arch::fake_now_ns = 10'000'000'000;
    arch::fake_tsc = 2'000'000'000; // 1 s at the fake 2 GHz
    xen_domctl op = make(XEN_DOMCTL_settscinfo, 3);
    op.u.tsc_info = {0, 0, 6, 0, 0};
    ASSERT_EQ(call(op), 0);
    ASSERT_EQ(call(make(XEN_DOMCTL_gettscinfo, 3)), 0);
    auto t = result().u.tsc_info;
    EXPECT_EQ(t.tsc_mode, 0u);
    EXPECT_EQ(t.incarnation, 7u);
    EXPECT_EQ(t.gtsc_khz, arch::fake_tsc_khz);
    EXPECT_EQ(t.elapsed_nsec, 1'000'000'000u) << "native: the host's TSC in ns";
    op.u.tsc_info = {1, 500'000, 0, 0, 3'000'000'000};
    ASSERT_EQ(call(op), 0);
    arch::fake_now_ns += 1'000'000'000;
    ASSERT_EQ(call(make(XEN_DOMCTL_gettscinfo, 3)), 0);
    t = result().u.tsc_info;
    EXPECT_EQ(t.gtsc_khz, 500'000u);
    EXPECT_EQ(t.elapsed_nsec, 4'000'000'000u) << "emulated: elapsed since its offset";
    op.u.tsc_info = {1, 0, 0, 0, static_cast<uint64_t>(-1'000'000'000)}; // an offset in the future
    ASSERT_EQ(call(op), 0);
    ASSERT_EQ(call(make(XEN_DOMCTL_gettscinfo, 3)), 0);
    EXPECT_EQ(result().u.tsc_info.elapsed_nsec, 0u) << "clamped at 0";
    op.u.tsc_info = {2, 0, 0, 0, 0};
    ASSERT_EQ(call(op), 0);
    ASSERT_EQ(call(make(XEN_DOMCTL_gettscinfo, 3)), 0);
    EXPECT_EQ(result().u.tsc_info.gtsc_khz, 0u);
    EXPECT_EQ(result().u.tsc_info.elapsed_nsec, 0u);
}

TEST_F(DomctlSettingsTest, TimeOffsetMovesTheDomainsWallclockOnly) {
    const uint32_t before = d->shared_info->wc_sec;
    xen_domctl op = make(XEN_DOMCTL_settimeoffset, 3);
    op.u.settimeoffset.time_offset_seconds = 3600;
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(d->time_offset_seconds, 3600);
    domain_wallclock_refresh(*ctl);
    EXPECT_EQ(d->shared_info->wc_sec,
              static_cast<uint32_t>(wallclock_base_ns() / 1'000'000'000 + 3600));
    EXPECT_EQ(ctl->shared_info->wc_sec, static_cast<uint32_t>(wallclock_base_ns() / 1'000'000'000));
    (void)before;
    op.u.settimeoffset.time_offset_seconds = -7200;
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(d->shared_info->wc_sec,
              static_cast<uint32_t>(wallclock_base_ns() / 1'000'000'000 - 7200));
    EXPECT_EQ(call(op, uv), neg(Errno::XEN_EPERM));
}

TEST_F(DomctlSettingsTest, PagingMempoolIsTheP2mPoolInBytes) {
    xen_domctl op = make(XEN_DOMCTL_set_paging_mempool_size, 3);
    op.u.paging_mempool.size = 4 << 20; // libxl's shadow_memkb << 10
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(d->p2m.table_limit(), 1024u);
    ASSERT_EQ(call(make(XEN_DOMCTL_get_paging_mempool_size, 3)), 0);
    EXPECT_EQ(result().u.paging_mempool.size, uint64_t{4} << 20);
    op.u.paging_mempool.size = (4 << 20) + 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL)) << "not page-aligned";
    EXPECT_EQ(d->p2m.table_limit(), 1024u);
    op.u.paging_mempool.size = 0; // never below the tables in use
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(d->p2m.table_limit(), d->p2m.tables());
    ASSERT_EQ(call(make(XEN_DOMCTL_get_paging_mempool_size, 3)), 0);
    EXPECT_EQ(result().u.paging_mempool.size, d->p2m.tables() << 12);
    EXPECT_EQ(call(op, uv), neg(Errno::XEN_EPERM));
    EXPECT_EQ(call(make(XEN_DOMCTL_get_paging_mempool_size, 99)), neg(Errno::XEN_ESRCH));
}

} // namespace
} // namespace cxen
