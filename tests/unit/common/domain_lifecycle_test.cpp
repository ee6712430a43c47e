// The domain lifecycle (common/domain.cpp, Xen's domain_shutdown,
// domain_kill and domain_destroy): shutdown only records, pauses and
// reports; domain_kill() destroys in steps with -ERESTART; a dead domain
// another domain still maps stays listed, its ID taken, until the unmap;
// VIRQ_DOM_EXC reaches the control domain at each stage; the boot-time
// builder's reaper (common/boot/dom0less) is the only thing that destroys a
// domain on its own.
#include <gtest/gtest.h>

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "common/boot/dom0less.hpp"
#include "common/event/evtchn.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "grant/grant_fixture.hpp"

namespace cxen {
namespace {

using test::grant_machine;

bool port_pending(const Domain& d, uint32_t port) {
    return (d.shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}
void clear_pending(Domain& d, uint32_t port) {
    d.shared_info->evtchn_pending[port / 64] &= ~(xen_ulong_t{1} << (port % 64));
}

class DomainLifecycleTest : public test::GrantTest {
  protected:
    void SetUp() override {
        GrantTest::SetUp();
        timers_init_cpu(0);
        arch::fake_now_ns = 1'000'000;
        d = &make(3);
        ASSERT_TRUE(vcpu_create(*d, 0, 0).ok());
        arch::fake_kicks = 0;
    }
    void TearDown() override {
        for (Domain* x : doms_) domain_destroy(*x);
        doms_.clear();
        drain();
        timers_destroy_cpu(0); // before the fixture counts the heap
        GrantTest::TearDown();
    }
    static void drain() {
        arch::current_cpu = 0;
        process_pending_softirqs();
    }
    /// A control domain with VIRQ_DOM_EXC bound; returns its port.
    uint32_t make_control(Domain*& ctl) {
        ctl = &make(9);
        EXPECT_TRUE(vcpu_create(*ctl, 0, 0).ok());
        ctl->is_privileged = true;
        evtchn_bind_virq_t b{VIRQ_DOM_EXC, 0, 0};
        EXPECT_TRUE(evtchn_bind_virq(*ctl, b).ok());
        return b.port;
    }
    static bool listed(Domid id) {
        DomainRef r;
        return domain_ref_by_id(id, r).ok();
    }
    Domain* d = nullptr;
};

TEST_F(DomainLifecycleTest, ShutdownRecordsPausesAndKeepsEverything) {
    domain_shutdown(*d, ShutdownReason::reboot);
    EXPECT_TRUE(d->is_shutdown.load());
    EXPECT_EQ(d->shutdown_reason, ShutdownReason::reboot);
    EXPECT_TRUE(domain_is_paused(*d)) << "Xen pauses every vCPU";
    EXPECT_EQ(arch::fake_kicks, 1u) << "a vCPU on a pCPU is told to leave it";
    EXPECT_FALSE(d->is_dying.load()) << "shut down is not dying: a controller decides";
    EXPECT_NE(d->vcpus[0], nullptr);
    EXPECT_NE(d->evtchn, nullptr);
    EXPECT_NE(d->gnttab, nullptr);
    // The first shutdown wins, and nothing reaps the domain.
    domain_shutdown(*d, ShutdownReason::crash);
    EXPECT_EQ(d->shutdown_reason, ShutdownReason::reboot);
    arch::fake_now_ns += 10'000'000;
    raise_softirq(TIMER_SOFTIRQ);
    drain();
    EXPECT_TRUE(listed(3)) << "a domain nobody destroys stays shut down";
    EXPECT_EQ(d->pause_count.load(), 1u) << "paused once, not once per call";
}

TEST_F(DomainLifecycleTest, ShutdownCallsTheOwnersPolicyOnce) {
    static unsigned calls;
    calls = 0;
    d->on_shutdown = [](Domain& x) {
        ++calls;
        EXPECT_TRUE(x.is_shutdown.load()) << "called once shut down";
    };
    domain_shutdown(*d, ShutdownReason::poweroff);
    domain_shutdown(*d, ShutdownReason::poweroff);
    EXPECT_EQ(calls, 1u);
}

TEST_F(DomainLifecycleTest, VirqDomExcAtShutdownDeathAndDeparture) {
    Domain* ctl = nullptr;
    const uint32_t port = make_control(ctl);
    domain_shutdown(*d, ShutdownReason::poweroff);
    EXPECT_TRUE(port_pending(*ctl, port)) << "shut down";
    clear_pending(*ctl, port);
    std::erase(doms_, d);
    ASSERT_TRUE(domain_kill(*d, false).ok());
    EXPECT_TRUE(port_pending(*ctl, port)) << "dead";
    EXPECT_FALSE(listed(3));
    // A domU has no VIRQ_DOM_EXC: nobody but the control domain hears of it.
    Domain& other = make(4);
    ASSERT_TRUE(vcpu_create(other, 0, 0).ok());
    evtchn_bind_virq_t b{VIRQ_DOM_EXC, 0, 0};
    ASSERT_TRUE(evtchn_bind_virq(other, b).ok());
    clear_pending(*ctl, port);
    domain_shutdown(other, ShutdownReason::crash);
    EXPECT_FALSE(port_pending(other, b.port));
    EXPECT_TRUE(port_pending(*ctl, port));
}

TEST_F(DomainLifecycleTest, KillWaitsForARunningVcpuThenReleasesEverything) {
    auto two = domain_create(5, "two", 2);
    ASSERT_TRUE(two.ok());
    doms_.push_back(two.value());
    ASSERT_TRUE(vcpu_create(*two.value(), 0, 0).ok());
    ASSERT_TRUE(vcpu_create(*two.value(), 1, 0).ok());
    Domain* d = two.value();
    domain_shutdown(*d, ShutdownReason::poweroff);
    d->vcpus[0]->state.store(VcpuState::running); // still on its pCPU
    const Status first = domain_kill(*d);
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error(), Errno::XEN_ERESTART);
    EXPECT_TRUE(d->is_dying.load());
    EXPECT_FALSE(d->is_dead.load());
    EXPECT_EQ(d->vcpus[1]->state.load(), VcpuState::offline) << "a vCPU not on a pCPU goes offline at once";
    EXPECT_NE(d->evtchn, nullptr) << "nothing released while a vCPU runs";
    EXPECT_EQ(domain_kill(*d).error(), Errno::XEN_ERESTART);
    // Nothing new in a dying domain.
    evtchn_alloc_unbound_t a{DOMID_SELF, 0, 0};
    EXPECT_EQ(evtchn_alloc_unbound(*d, a).error(), Errno::XEN_EINVAL);
    d->vcpus[0]->state.store(VcpuState::offline); // its scheduler saw is_dying
    std::erase(doms_, d);
    ASSERT_TRUE(domain_kill(*d).ok());
    EXPECT_FALSE(listed(5));
}

TEST_F(DomainLifecycleTest, KillIsPreemptibleBetweenSteps) {
    give_ram(*d, 0x10);
    const uint64_t free_before = grant_machine().free_pages();
    unsigned restarts = 0;
    Status st = Err(Errno::XEN_ERESTART);
    std::erase(doms_, d);
    while (!st.ok()) {
        ASSERT_EQ(st.error(), Errno::XEN_ERESTART);
        raise_softirq(SCHEDULE_SOFTIRQ); // work waiting on this pCPU: stop at the next step
        st = domain_kill(*d);
        drain();
        ++restarts;
        ASSERT_LT(restarts, 20u);
    }
    EXPECT_GT(restarts, 3u) << "one step per call while work waits";
    EXPECT_EQ(grant_machine().free_pages(), free_before + 1) << "its RAM is back";
}

TEST_F(DomainLifecycleTest, DeadDomainMappedElsewhereStaysListedUntilTheUnmap) {
    Domain& mapper = make(4);
    const Mfn frame = give_ram(*d, 0x20, 0x5a);
    grant(*d, 10, 4, 0x20);
    auto op = map(mapper, 3, 10, 0x80, GNTMAP_host_map);
    ASSERT_EQ(op.status, GNTST_okay);
    Domain* ctl = nullptr;
    const uint32_t port = make_control(ctl);
    domain_shutdown(*d, ShutdownReason::poweroff);
    std::erase(doms_, d);
    ASSERT_TRUE(domain_kill(*d, false).ok());
    // Dead, its resources released, but another domain maps its page: it
    // stays listed (and dying), and its ID is not reused.
    EXPECT_TRUE(listed(3));
    {
        DomainRef r;
        ASSERT_TRUE(domain_ref_by_id(3, r).ok());
        EXPECT_TRUE(r.get()->is_dying.load());
        EXPECT_TRUE(r.get()->is_dead.load());
        EXPECT_EQ(r.get()->vcpus[0], nullptr);
    }
    EXPECT_EQ(domain_create(3, "again", 1).error(), Errno::XEN_EEXIST) << "domid reused while dying";
    EXPECT_EQ(page_ref_count(frame), 1u);
    EXPECT_EQ(bytes(frame)[0], 0x5a) << "the mapping still reads the page";
    EXPECT_EQ(map(mapper, 3, 10, 0x81, GNTMAP_host_map).status, GNTST_bad_domain) << "nothing new from a dead domain";
    EXPECT_TRUE(domain_kill(*d, false).ok()) << "killing a dead domain again does nothing";
    clear_pending(*ctl, port);
    const uint64_t free_before = grant_machine().free_pages();
    EXPECT_EQ(unmap(mapper, op.handle, 0x80), GNTST_okay);
    EXPECT_FALSE(listed(3)) << "gone with the last mapping";
    EXPECT_TRUE(port_pending(*ctl, port)) << "VIRQ_DOM_EXC when it leaves";
    EXPECT_EQ(grant_machine().free_pages(), free_before + 1) << "its page is freed at the unmap";
    auto again = domain_create(3, "again", 1);
    ASSERT_TRUE(again.ok()) << "the ID is free again";
    doms_.push_back(again.value());
}

TEST_F(DomainLifecycleTest, MapperDyingReleasesTheDeadGranter) {
    Domain& mapper = make(4);
    give_ram(*d, 0x20);
    grant(*d, 10, 4, 0x20);
    ASSERT_EQ(map(mapper, 3, 10, 0x80, GNTMAP_host_map).status, GNTST_okay);
    std::erase(doms_, d);
    ASSERT_TRUE(domain_kill(*d, false).ok());
    EXPECT_TRUE(listed(3));
    std::erase(doms_, &mapper);
    domain_destroy(mapper); // its mappings go with it, and with them the granter
    EXPECT_FALSE(listed(3));
    EXPECT_FALSE(listed(4));
}

TEST_F(DomainLifecycleTest, BootBuiltDomainIsReapedOnShutdown) {
    d->on_shutdown = dom0less_reap_on_shutdown;
    d->vcpus[0]->state.store(VcpuState::running); // the vCPU that asked for the poweroff
    domain_shutdown(*d, ShutdownReason::poweroff);
    EXPECT_TRUE(d->is_dying.load()) << "killed at once";
    arch::fake_now_ns += 1'000'000;
    raise_softirq(TIMER_SOFTIRQ);
    drain();
    EXPECT_TRUE(listed(3)) << "waits for the vCPU to leave its pCPU";
    d->vcpus[0]->state.store(VcpuState::offline);
    std::erase(doms_, d);
    arch::fake_now_ns += 1'000'000;
    raise_softirq(TIMER_SOFTIRQ);
    drain();
    EXPECT_FALSE(listed(3)) << "reaped";
}

} // namespace
} // namespace cxen
