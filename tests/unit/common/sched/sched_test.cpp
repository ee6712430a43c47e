// Unit tests of common/sched/sched.cpp with the domain lifecycle
// (common/domain.cpp): vCPUs made runnable while the domain shuts down
// (finding 11 of issue 10), SCHEDOP_block against an event already pending,
// and which kicks need an IPI (finding 13).
#include "common/sched/sched.hpp"

#include <gtest/gtest.h>

#include "abi/xen/xen.hpp"
#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/boot/dom0less.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

using HostPages = test::HostPageSource;
HostPages host_pages;

class SchedTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        timers_init_cpu(0); // the reaper's pCPU
        arch::fake_now_ns = 1'000'000;
        auto created = domain_create(9, "sched", 2);
        ASSERT_TRUE(created.ok());
        d = created.value();
        d->on_shutdown = dom0less_reap_on_shutdown; // a boot-built domain: reaped once shut down
        ASSERT_TRUE(vcpu_create(*d, 0, 2).ok());
        ASSERT_TRUE(vcpu_create(*d, 1, 3).ok());
        sched_add_vcpu(*d->vcpus[0]);
    }
    void TearDown() override {
        if (d) domain_destroy(*d);
        drain();
        timers_destroy_cpu(0);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    /// Run each pCPU's softirqs once (the reaper's timer on pCPU 0).
    static void drain() {
        for (unsigned cpu : {0u, 2u, 3u}) {
            arch::current_cpu = cpu;
            process_pending_softirqs();
        }
        arch::current_cpu = 0;
    }
    Domain* d = nullptr;
};

// The AP's VCPUOP_up or SIPI saw the domain alive, then the shutdown sweep
// took every vCPU offline, then the AP reached the scheduler: it must not
// become runnable, or its pCPU would run it while the reaper frees it.
TEST_F(SchedTest, ApAddedAfterTheShutdownSweepStaysOffline) {
    Vcpu& ap = *d->vcpus[1];
    domain_shutdown(*d, ShutdownReason::poweroff);
    EXPECT_EQ(d->vcpus[0]->state.load(), VcpuState::offline);
    sched_add_vcpu(ap);
    EXPECT_EQ(ap.state.load(), VcpuState::offline) << "a dying domain's vCPU became runnable";
    arch::fake_now_ns += 1'000'000;
    raise_softirq(TIMER_SOFTIRQ);
    drain(); // the reaper destroys the domain
    EXPECT_EQ(domain_by_id(9), nullptr);
    d = nullptr;
}

TEST_F(SchedTest, AddingAVcpuOfALiveDomainMakesItRunnable) {
    sched_add_vcpu(*d->vcpus[1]);
    EXPECT_EQ(d->vcpus[1]->state.load(), VcpuState::runnable);
    EXPECT_TRUE(softirq_pending(3));
    drain();
}

// Xen's vcpu_block(): blocked, then local_events_need_delivery() looked at
// once more, so an event that arrived while the vCPU was on its way into
// SCHEDOP_block (its wake-up already spent) does not leave it asleep.
TEST_F(SchedTest, BlockWithAnEventAlreadyPendingDoesNotSleep) {
    Vcpu& v = *d->vcpus[0];
    v.state.store(VcpuState::running);
    __atomic_store_n(&v.vcpu_info->evtchn_upcall_pending, uint8_t{1}, __ATOMIC_SEQ_CST);
    arch::fake_events_need_delivery = true;
    EXPECT_EQ(do_sched_op(v, HypercallArgs{{SCHEDOP_block, 0}}), 0);
    arch::fake_events_need_delivery = false;
    const bool sleeps = v.block_requested.load() && !v.wake_pending.load();
    EXPECT_FALSE(sleeps) << "the pending event would wait for the next one";
    v.block_requested = false;
    v.wake_pending = false;
    // Nothing pending: it blocks.
    __atomic_store_n(&v.vcpu_info->evtchn_upcall_pending, uint8_t{0}, __ATOMIC_SEQ_CST);
    EXPECT_EQ(do_sched_op(v, HypercallArgs{{SCHEDOP_block, 0}}), 0);
    EXPECT_TRUE(v.block_requested.load() && !v.wake_pending.load());
    v.state.store(VcpuState::offline);
}

// Xen's vcpu_kick(): only a vCPU in guest mode on another pCPU needs the IPI.
TEST_F(SchedTest, OnlyARunningVcpuOnAnotherPcpuNeedsAKickIpi) {
    Vcpu& v = *d->vcpus[1]; // on pCPU 3
    for (VcpuState s : {VcpuState::offline, VcpuState::runnable, VcpuState::blocked}) {
        v.state.store(s);
        EXPECT_FALSE(vcpu_kick_needs_ipi(v, 0)) << static_cast<int>(s);
    }
    v.state.store(VcpuState::running);
    EXPECT_TRUE(vcpu_kick_needs_ipi(v, 0));
    EXPECT_FALSE(vcpu_kick_needs_ipi(v, 3)); // its own pCPU is in the hypervisor now
    v.state.store(VcpuState::offline);
}

} // namespace
} // namespace cxen
