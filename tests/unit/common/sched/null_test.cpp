// Unit tests of the null policy (common/sched/null.cpp) through the real
// core, one pCPU at a time on this thread: a pCPU runs only the vCPU
// assigned to it; vCPUs beyond the free pCPUs wait and a free pCPU pulls
// one it may run; a pCPU freed by a move takes a waiting vCPU.
#include <gtest/gtest.h>

#include <vector>

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/domain.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr unsigned nr_pcpus = 4;

std::vector<unsigned>* seen;
void record(Vcpu& v) { seen->push_back(v.vcpu_id); }

class NullTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_now_ns = 1'000'000;
        sched_use(null_scheduler());
        for (unsigned c = 0; c < nr_pcpus; ++c) {
            timers_init_cpu(c);
            sched_init_cpu(c);
        }
        seen = &ran;
        arch::fake_vcpu_run_hook = record;
        d = domain_create(3, "null", 3).value();
    }
    void TearDown() override {
        arch::fake_vcpu_run_hook = nullptr;
        domain_destroy(*d);
        for (unsigned c = 0; c < nr_pcpus; ++c) {
            settle(c);
            sched_deinit_cpu(c);
            timers_destroy_cpu(c);
        }
        sched_use(rr_scheduler()); // the default
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    Vcpu& add(unsigned id, unsigned cpu, CpuMask hard = CpuMask::all()) {
        Vcpu& v = *vcpu_create(*d, id, cpu).value();
        EXPECT_TRUE(vcpu_set_hard_affinity(v, hard).ok());
        sched_add_vcpu(v);
        return v;
    }
    static void settle(unsigned c) {
        arch::current_cpu = c;
        process_pending_softirqs();
        arch::current_cpu = 0;
    }
    std::vector<unsigned> on(unsigned c, int passes = 3) {
        ran.clear();
        arch::current_cpu = c;
        for (int i = 0; i < passes; ++i) (void)sched_schedule(c);
        arch::current_cpu = 0;
        return ran;
    }
    Domain* d = nullptr;
    std::vector<unsigned> ran;
};

TEST_F(NullTest, IsSelectableWithXensId) {
    EXPECT_EQ(scheduler_by_opt_name("null"), &null_scheduler());
    EXPECT_EQ(null_scheduler().sched_id(), 9u); // XEN_SCHEDULER_NULL
}

TEST_F(NullTest, APcpuRunsOnlyItsOwnVcpuAndAFreeOnePullsAWaitingOne) {
    Vcpu& a = add(0, 0);
    Vcpu& b = add(1, 0); // pCPU 0 is a's: b waits
    EXPECT_EQ(on(0), (std::vector<unsigned>{0, 0, 0})) << "pCPU 0 ran another than its own";
    EXPECT_EQ(on(1), (std::vector<unsigned>{1, 1, 1})) << "free pCPU 1 took the waiting vCPU";
    EXPECT_EQ(b.processor.load(), 1u);
    EXPECT_EQ(a.processor.load(), 0u);
    EXPECT_TRUE(on(2).empty());
}

TEST_F(NullTest, ABlockedVcpuKeepsItsPcpuAndAMoveFreesItForAWaitingOne) {
    Vcpu& a = add(0, 0, CpuMask::of(0));
    Vcpu& b = add(1, 0, CpuMask::of(0));
    (void)b;
    EXPECT_EQ(on(0), (std::vector<unsigned>{0, 0, 0}));
    EXPECT_TRUE(on(1).empty()) << "b may not run on pCPU 1";
    a.state.store(VcpuState::blocked);
    EXPECT_TRUE(on(0).empty()) << "a's pCPU stays a's while a sleeps";
    a.state.store(VcpuState::runnable);
    ASSERT_TRUE(vcpu_set_hard_affinity(a, CpuMask::of(2)).ok());
    for (unsigned c = 0; c < nr_pcpus; ++c) settle(c);
    EXPECT_EQ(on(0), (std::vector<unsigned>{1, 1, 1})) << "the freed pCPU took b";
    EXPECT_EQ(on(2), (std::vector<unsigned>{0, 0, 0})) << "a runs on its new pCPU";
}

} // namespace
} // namespace cxen
