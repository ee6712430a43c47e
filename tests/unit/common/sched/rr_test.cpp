// Unit tests of the round-robin policy (common/sched/rr.cpp) behind the
// scheduler interface: turns in order, what it skips, the domain's slice
// (adjust), where it puts a vCPU that must move, and the `sched=` choice.
#include <gtest/gtest.h>

#include <vector>

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

using HostPages = test::HostPageSource;
HostPages host_pages;

std::vector<unsigned>* order;
void record(Vcpu& v) { order->push_back(v.vcpu_id); }

class RrTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_now_ns = 1'000'000;
        timers_init_cpu(0);
        sched_use(rr_scheduler()); // the default, set for clarity
        sched_init_cpu(0);
        order = &seen;
        arch::fake_vcpu_run_hook = record;
        auto created = domain_create(5, "rr", 4);
        ASSERT_TRUE(created.ok());
        d = created.value();
        for (unsigned i = 0; i < 3; ++i) {
            auto v = vcpu_create(*d, i, 0);
            ASSERT_TRUE(v.ok());
            sched_add_vcpu(*v.value());
        }
        process_pending_softirqs();
    }
    void TearDown() override {
        arch::fake_vcpu_run_hook = nullptr;
        if (d) domain_destroy(*d);
        process_pending_softirqs();
        sched_deinit_cpu(0);
        timers_destroy_cpu(0);
        sched_use(rr_scheduler()); // the default
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    Domain* d = nullptr;
    std::vector<unsigned> seen;
};

TEST_F(RrTest, IsSelectedAndHasNoXenSchedulerId) {
    EXPECT_STREQ(sched_policy().opt_name(), "rr");
    EXPECT_EQ(sched_policy().sched_id(), 0u);
}

TEST_F(RrTest, EligibleVcpusTakeTurnsInAFixedOrder) {
    for (int i = 0; i < 6; ++i) EXPECT_TRUE(sched_schedule(0));
    // Added 0, 1, 2: the last added goes first, then round in list order.
    EXPECT_EQ(seen, (std::vector<unsigned>{2, 1, 0, 2, 1, 0}));
}

TEST_F(RrTest, SkipsBlockedVcpusAndPausedDomains) {
    d->vcpus[1]->state.store(VcpuState::blocked);
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(sched_schedule(0));
    EXPECT_EQ(seen, (std::vector<unsigned>{2, 0, 2, 0}));
    domain_pause(*d);
    EXPECT_FALSE(sched_schedule(0)) << "a paused domain's vCPU ran";
    domain_unpause(*d);
    EXPECT_TRUE(softirq_pending(0));
    process_pending_softirqs();
    EXPECT_TRUE(sched_schedule(0));
    d->vcpus[1]->state.store(VcpuState::runnable);
}

TEST_F(RrTest, SliceIsTheDomainsTenMillisecondsUnlessAdjusted) {
    Scheduler& rr = rr_scheduler();
    SchedDecision next = rr.do_schedule(0, arch::fake_now_ns, nullptr);
    ASSERT_NE(next.next, nullptr);
    EXPECT_EQ(next.slice_ns, 10'000'000u);
    SchedParams p;
    ASSERT_TRUE(rr.adjust(*d, p, false).ok());
    EXPECT_EQ(p.slice_ns, 10'000'000u);
    p.slice_ns = 2'000'000;
    ASSERT_TRUE(rr.adjust(*d, p, true).ok());
    EXPECT_EQ(rr.do_schedule(0, arch::fake_now_ns, nullptr).slice_ns, 2'000'000u);
    for (uint64_t bad : {uint64_t{0}, uint64_t{999'999}, uint64_t{1'000'000'001}}) {
        p.slice_ns = bad;
        EXPECT_EQ(rr.adjust(*d, p, true).error(), Errno::XEN_EINVAL) << bad;
    }
    p = {};
    ASSERT_TRUE(rr.adjust(*d, p, false).ok());
    EXPECT_EQ(p.slice_ns, 2'000'000u);
}

TEST_F(RrTest, PickCpuKeepsTheVcpuWhereItIsElsePrefersItsSoftAffinity) {
    Scheduler& rr = rr_scheduler();
    Vcpu& v = *d->vcpus[0];
    CpuMask allowed;
    allowed.set(0);
    allowed.set(2);
    allowed.set(5);
    EXPECT_EQ(rr.pick_cpu(v, allowed), 0u);
    allowed.clear(0);
    EXPECT_EQ(rr.pick_cpu(v, allowed), 2u); // the next one up
    v.sched.soft_affinity = CpuMask::of(5);
    EXPECT_EQ(rr.pick_cpu(v, allowed), 5u);
    v.sched.soft_affinity = CpuMask::of(7); // not allowed: ignored
    EXPECT_EQ(rr.pick_cpu(v, allowed), 2u);
    v.sched.soft_affinity = CpuMask::all();
}

TEST(SchedSelect, KnowsCredit2AndRrAndKeepsTheChoiceForAnUnknownName) {
    EXPECT_STREQ(sched_policy().opt_name(), "rr"); // cxen's default for now (scheduling.md)
    EXPECT_EQ(sched_policy().sched_id(), 0u);       // no Xen ID
    EXPECT_TRUE(sched_select("credit2"));
    EXPECT_STREQ(sched_policy().opt_name(), "credit2");
    EXPECT_EQ(sched_policy().sched_id(), 6u); // XEN_SCHEDULER_CREDIT2
    EXPECT_FALSE(sched_select("credit"));
    EXPECT_STREQ(sched_policy().opt_name(), "credit2");
    EXPECT_TRUE(sched_select("rr"));
    EXPECT_FALSE(sched_select("bogus"));
    EXPECT_STREQ(sched_policy().opt_name(), "rr");
    EXPECT_EQ(scheduler_by_opt_name("null"), &null_scheduler());
    EXPECT_EQ(scheduler_by_opt_name("sedf"), nullptr);
    EXPECT_EQ(scheduler_by_opt_name("rr"), &rr_scheduler());
    EXPECT_EQ(scheduler_by_opt_name("credit2"), &credit2_scheduler());
}

} // namespace
} // namespace cxen
