// Unit tests of XEN_DOMCTL_scheduler_op and XEN_SYSCTL_scheduler_op
// (common/hypercall/scheduler_op.cpp) through do_domctl/do_sysctl, as
// `xl sched-credit2` makes them: credit2's weight and cap per domain and
// the pool's rate limit, with Xen's errors for bad arguments.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/domctl.hpp"
#include "abi/xen/sysctl.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100;

constexpr long neg(Errno e) { return -static_cast<long>(e); }

class SchedulerOpTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        sched_use(credit2_scheduler()); // sched=credit2 (rr is the default)
        d = domain_create(5, "dom0", 1).value();
        v = vcpu_create(*d, 0, 0).value();
        d->is_privileged = true;
        other = domain_create(9, "other", 2).value();
        for (unsigned i = 0; i < 2; ++i) (void)vcpu_create(*other, i, 0).value();
    }
    void TearDown() override {
        domain_destroy(*other);
        domain_destroy(*d);
        sched_use(rr_scheduler());
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    long domctl(uint32_t sched_id, uint32_t cmd, uint16_t weight = 0, uint16_t cap = 0, Domid domid = 9) {
        xen_domctl op{};
        op.cmd = XEN_DOMCTL_scheduler_op;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        op.domain = domid;
        op.u.scheduler_op.sched_id = sched_id;
        op.u.scheduler_op.cmd = cmd;
        op.u.scheduler_op.u.credit2.weight = weight;
        op.u.scheduler_op.u.credit2.cap = cap;
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_domctl(*v, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
    }
    xen_domctl_sched_credit2 domctl_back() const {
        xen_domctl op;
        std::memcpy(&op, arch::fake_guest_memory().data() + arg_gva, sizeof(op));
        return op.u.scheduler_op.u.credit2;
    }
    long sysctl(uint32_t pool, uint32_t sched_id, uint32_t cmd, uint32_t ratelimit_us = 0) {
        xen_sysctl op{};
        op.cmd = XEN_SYSCTL_scheduler_op;
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        op.u.scheduler_op.cpupool_id = pool;
        op.u.scheduler_op.sched_id = sched_id;
        op.u.scheduler_op.cmd = cmd;
        op.u.scheduler_op.u.sched_credit2.ratelimit_us = ratelimit_us;
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_sysctl(*v, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
    }
    uint32_t sysctl_ratelimit_back() const {
        xen_sysctl op;
        std::memcpy(&op, arch::fake_guest_memory().data() + arg_gva, sizeof(op));
        return op.u.scheduler_op.u.sched_credit2.ratelimit_us;
    }
    Domain* d = nullptr;
    Domain* other = nullptr;
    Vcpu* v = nullptr;
};

TEST_F(SchedulerOpTest, GetinfoReportsTheDefaultWeightAndNoCap) {
    ASSERT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo, 7, 7), 0);
    EXPECT_EQ(domctl_back().weight, 256u);
    EXPECT_EQ(domctl_back().cap, 0u);
}

TEST_F(SchedulerOpTest, PutinfoSetsWeightAndCapAndZeroMeansUnchangedWeightOrNoCap) {
    ASSERT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_putinfo, 512, 150), 0);
    ASSERT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo), 0);
    EXPECT_EQ(domctl_back().weight, 512u);
    EXPECT_EQ(domctl_back().cap, 150u); // two vCPUs: up to 200
    // weight 0 keeps it; cap 0 removes the cap (Xen's csched2_dom_cntl).
    ASSERT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_putinfo, 0, 0), 0);
    ASSERT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo), 0);
    EXPECT_EQ(domctl_back().weight, 512u);
    EXPECT_EQ(domctl_back().cap, 0u);
}

TEST_F(SchedulerOpTest, ACapAboveAHundredPerVcpuIsEinvalAfterTheWeightWasSet) {
    EXPECT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_putinfo, 1000, 201), neg(Errno::XEN_EINVAL));
    ASSERT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo), 0);
    EXPECT_EQ(domctl_back().weight, 1000u); // Xen applies the weight first
    EXPECT_EQ(domctl_back().cap, 0u);
    EXPECT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_putinfo, 0, 200), 0);
}

TEST_F(SchedulerOpTest, WrongSchedulerIdOrCommandIsEinval) {
    for (uint32_t id : {0u, unsigned{XEN_SCHEDULER_CREDIT}, unsigned{XEN_SCHEDULER_NULL}, 99u})
        EXPECT_EQ(domctl(id, XEN_DOMCTL_SCHEDOP_getinfo), neg(Errno::XEN_EINVAL)) << id;
    EXPECT_EQ(domctl(XEN_SCHEDULER_CREDIT2, 4), neg(Errno::XEN_EINVAL));
    // credit2 has no per-vCPU parameters.
    EXPECT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getvcpuinfo), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_putvcpuinfo), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo, 0, 0, 777), neg(Errno::XEN_ESRCH));
}

TEST_F(SchedulerOpTest, ADomUGetsEperm) {
    d->is_privileged = false;
    EXPECT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_putinfo, 512), neg(Errno::XEN_EPERM));
    EXPECT_EQ(sysctl(0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_putinfo, 500), neg(Errno::XEN_EPERM));
    d->is_privileged = true;
    ASSERT_EQ(domctl(XEN_SCHEDULER_CREDIT2, XEN_DOMCTL_SCHEDOP_getinfo), 0);
    EXPECT_EQ(domctl_back().weight, 256u);
}

TEST_F(SchedulerOpTest, PoolRateLimitIsReadAndSetWithinXensBounds) {
    ASSERT_EQ(sysctl(0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_getinfo), 0);
    EXPECT_EQ(sysctl_ratelimit_back(), 1000u); // sched_ratelimit_us's default
    ASSERT_EQ(sysctl(0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_putinfo, 2500), 0);
    EXPECT_EQ(sysctl_ratelimit_back(), 2500u);
    for (uint32_t bad : {99u, 500001u})
        EXPECT_EQ(sysctl(0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_putinfo, bad), neg(Errno::XEN_EINVAL)) << bad;
    ASSERT_EQ(sysctl(0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_putinfo, 0), 0); // 0: off
    ASSERT_EQ(sysctl(0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_getinfo), 0);
    EXPECT_EQ(sysctl_ratelimit_back(), 0u);
    ASSERT_EQ(sysctl(0, XEN_SCHEDULER_CREDIT2, XEN_SYSCTL_SCHEDOP_putinfo, 1000), 0);
}

TEST_F(SchedulerOpTest, PoolOpErrorsInXensOrder) {
    EXPECT_EQ(sysctl(1, 99, 7), neg(Errno::XEN_EINVAL));                             // the cmd first
    EXPECT_EQ(sysctl(1, 99, XEN_SYSCTL_SCHEDOP_getinfo), neg(Errno::XEN_ESRCH));       // then the pool
    EXPECT_EQ(sysctl(0, XEN_SCHEDULER_CREDIT, XEN_SYSCTL_SCHEDOP_getinfo), neg(Errno::XEN_EINVAL)); // its scheduler
}

} // namespace
} // namespace cxen
