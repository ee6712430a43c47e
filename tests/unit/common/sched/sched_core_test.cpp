// Unit tests of the scheduler core (common/sched/sched.cpp) through a
// policy that records what the core asks of it (round-robin underneath):
// a vCPU runs on at most one pCPU and never outside its hard affinity,
// block/wake, yield, and migration with the vCPU's timers. pCPUs are
// threads running sched_schedule(); the "guest" is the fake vcpu_run hook.
// Also run under ThreadSanitizer (cxen-unit-tests-tsan).
#include "common/sched/sched.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "common/time/vcpu_timer.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

using HostPages = test::HostPageSource;
HostPages host_pages;
constexpr unsigned nr_pcpus = 4;

/// Round-robin, counting the calls the core makes.
class Recording final : public Scheduler {
  public:
    Scheduler& rr = rr_scheduler();
    std::atomic<unsigned> inserts{0}, removes{0}, sleeps{0}, wakes{0}, yields{0}, migrates{0};
    const char* name() const override { return "recording"; }
    const char* opt_name() const override { return "recording"; }
    Result<void*> alloc_pdata(unsigned cpu) override { return rr.alloc_pdata(cpu); }
    void free_pdata(void* p, unsigned cpu) override { rr.free_pdata(p, cpu); }
    Result<void*> alloc_domdata(Domain& d) override { return rr.alloc_domdata(d); }
    void free_domdata(void* p) override { rr.free_domdata(p); }
    Result<void*> alloc_udata(Vcpu& v, void* dd) override { return rr.alloc_udata(v, dd); }
    void free_udata(void* p) override { rr.free_udata(p); }
    void insert_unit(Vcpu& v) override { ++inserts, rr.insert_unit(v); }
    void remove_unit(Vcpu& v) override { ++removes, rr.remove_unit(v); }
    void sleep(Vcpu& v) override { ++sleeps, rr.sleep(v); }
    void wake(Vcpu& v) override { ++wakes, rr.wake(v); }
    void yield(Vcpu& v) override { ++yields, rr.yield(v); }
    SchedDecision do_schedule(unsigned cpu, uint64_t now, Vcpu* prev) override {
        return rr.do_schedule(cpu, now, prev);
    }
    unsigned pick_cpu(const Vcpu& v, const CpuMask& allowed) override { return rr.pick_cpu(v, allowed); }
    void migrate(Vcpu& v, unsigned cpu) override { ++migrates, rr.migrate(v, cpu); }
    Status adjust(Domain& d, SchedParams& p, bool set) override { return rr.adjust(d, p, set); }
};
Recording recording;

// What the fake guest does when run, and what it saw.
std::atomic<int> on_cpu[8];        // per vCPU: pCPUs running it now
std::atomic<uint64_t> ran_on[8];   // per vCPU: bit c = it ran on pCPU c
std::atomic<unsigned> runs[8];
std::atomic<bool> overlap{false}, wrong_cpu{false};
void (*guest_action)(Vcpu&) = nullptr;

void fake_guest(Vcpu& v) {
    const unsigned id = v.vcpu_id, cpu = arch::smp_processor_id();
    if (on_cpu[id].fetch_add(1) != 0) overlap = true;
    if (v.processor.load() != cpu) wrong_cpu = true;
    ran_on[id].fetch_or(uint64_t{1} << cpu);
    ++runs[id];
    if (guest_action) guest_action(v);
    on_cpu[id].fetch_sub(1);
}

class SchedCoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_now_ns = 1'000'000;
        sched_use(policy());
        for (unsigned c = 0; c < nr_pcpus; ++c) {
            timers_init_cpu(c);
            sched_init_cpu(c);
        }
        for (unsigned i = 0; i < 8; ++i) on_cpu[i] = 0, ran_on[i] = 0, runs[i] = 0;
        overlap = wrong_cpu = false;
        guest_action = nullptr;
        arch::fake_vcpu_run_hook = fake_guest;
        auto created = domain_create(7, "core", 8);
        ASSERT_TRUE(created.ok());
        d = created.value();
    }
    void TearDown() override {
        arch::fake_vcpu_run_hook = nullptr;
        if (d) domain_destroy(*d);
        for (unsigned c = 0; c < nr_pcpus; ++c) {
            run_softirqs(c); // nothing left pending for the next test
            sched_deinit_cpu(c);
            timers_destroy_cpu(c);
        }
        sched_use(credit2_scheduler()); // the default
        arch::current_cpu = 0;
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    virtual Scheduler& policy() { return recording; }
    void concurrent_wakes_and_migrations();
    Vcpu& add(unsigned id, unsigned cpu) {
        auto v = vcpu_create(*d, id, cpu);
        EXPECT_TRUE(v.ok());
        return *v.value();
    }
    static void run_softirqs(unsigned cpu) {
        arch::current_cpu = cpu;
        process_pending_softirqs();
        arch::current_cpu = 0;
    }
    /// One pass of pCPU `cpu`'s loop, on this thread.
    static bool schedule_on(unsigned cpu) {
        arch::current_cpu = cpu;
        const bool ran = sched_schedule(cpu);
        arch::current_cpu = 0;
        return ran;
    }
    Domain* d = nullptr;
};

TEST_F(SchedCoreTest, BlockedVcpuIsNotRunUntilWokenAndTheWakeGoesToItsPcpu) {
    Vcpu& v = add(0, 2);
    sched_add_vcpu(v);
    EXPECT_EQ(recording.inserts.load(), 1u);
    EXPECT_TRUE(softirq_pending(2));
    run_softirqs(2);
    guest_action = [](Vcpu& g) { vcpu_block(g); }; // HLT
    EXPECT_TRUE(schedule_on(2));
    EXPECT_EQ(v.state.load(), VcpuState::blocked);
    EXPECT_GE(recording.sleeps.load(), 1u);
    EXPECT_FALSE(schedule_on(2)) << "a blocked vCPU was run";
    guest_action = nullptr;
    vcpu_wake(v);
    EXPECT_EQ(v.state.load(), VcpuState::runnable);
    EXPECT_GE(recording.wakes.load(), 2u); // sched_add_vcpu's and this one
    EXPECT_TRUE(softirq_pending(2));
    EXPECT_FALSE(softirq_pending(1));
    EXPECT_TRUE(schedule_on(2));
    EXPECT_EQ(runs[0].load(), 2u);
    EXPECT_EQ(ran_on[0].load(), uint64_t{1} << 2);
}

TEST_F(SchedCoreTest, AWakeUpWhileRunningCancelsTheBlock) {
    Vcpu& v = add(0, 1);
    sched_add_vcpu(v);
    guest_action = [](Vcpu& g) {
        vcpu_block(g);
        vcpu_wake(g); // an event from another pCPU before the vCPU was taken off
    };
    EXPECT_TRUE(schedule_on(1));
    EXPECT_EQ(v.state.load(), VcpuState::runnable);
}

TEST_F(SchedCoreTest, YieldTellsThePolicyAndTheOtherVcpuRunsNext) {
    Vcpu& a = add(0, 3);
    Vcpu& b = add(1, 3);
    sched_add_vcpu(a);
    sched_add_vcpu(b);
    static std::vector<unsigned> order;
    order.clear();
    guest_action = [](Vcpu& g) {
        order.push_back(g.vcpu_id);
        if (g.vcpu_id == 1 && order.size() == 1) vcpu_yield(g);
    };
    EXPECT_TRUE(schedule_on(3));
    ASSERT_EQ(order.size(), 1u);
    EXPECT_EQ(order[0], 1u) << "round-robin runs the vCPU added last first";
    EXPECT_EQ(recording.yields.load(), 1u);
    EXPECT_TRUE(softirq_pending(3)) << "a yield makes vcpu_run() return";
    EXPECT_TRUE(schedule_on(3));
    EXPECT_EQ(order.back(), 0u) << "the yielding vCPU ran again before the other";
    EXPECT_EQ(b.state.load(), VcpuState::runnable);
}

TEST_F(SchedCoreTest, HardAffinityMovesANotRunningVcpuWithItsTimers) {
    Vcpu& v = add(0, 1);
    sched_add_vcpu(v);
    run_softirqs(1);
    ASSERT_TRUE(vcpu_singleshot_set(v, arch::fake_now_ns + 500).ok());
    ASSERT_TRUE(vcpu_periodic_set(v, 10'000'000).ok());
    const unsigned arch_moves = arch::fake_arch_timer_migrations.load();
    CpuMask two;
    two.set(2);
    ASSERT_TRUE(vcpu_set_hard_affinity(v, two).ok());
    EXPECT_EQ(v.processor.load(), 2u);
    EXPECT_FALSE(v.sched.migrating.load());
    EXPECT_EQ(recording.migrates.load(), 1u);
    EXPECT_EQ(timer_cpu(v.singleshot_timer), 2u);
    EXPECT_EQ(timer_cpu(v.periodic_timer), 2u);
    EXPECT_EQ(timer_cpu(v.poll_timer), 2u);
    EXPECT_TRUE(timer_is_active(v.singleshot_timer)) << "the armed timer was lost on the way";
    EXPECT_TRUE(timer_is_active(v.periodic_timer));
    EXPECT_EQ(arch::fake_arch_timer_migrations.load(), arch_moves + 1);
    EXPECT_TRUE(softirq_pending(2));
    EXPECT_FALSE(schedule_on(1)) << "still run on the pCPU it left";
    EXPECT_TRUE(schedule_on(2));
    EXPECT_EQ(ran_on[0].load(), uint64_t{1} << 2);
    // The singleshot timer fires on pCPU 2 now, not on 1.
    arch::fake_now_ns += 1000;
    arch::current_cpu = 1;
    raise_softirq(TIMER_SOFTIRQ);
    process_pending_softirqs();
    EXPECT_TRUE(timer_is_active(v.singleshot_timer));
    arch::current_cpu = 2;
    raise_softirq(TIMER_SOFTIRQ);
    process_pending_softirqs();
    arch::current_cpu = 0;
    EXPECT_FALSE(timer_is_active(v.singleshot_timer));
}

TEST_F(SchedCoreTest, HardAffinityChangedWhileRunningMovesItWhenTakenOff) {
    Vcpu& v = add(0, 1);
    sched_add_vcpu(v);
    guest_action = [](Vcpu& g) {
        CpuMask m;
        m.set(3);
        EXPECT_TRUE(vcpu_set_hard_affinity(g, m).ok()); // from "another pCPU"
        EXPECT_EQ(g.processor.load(), 1u) << "moved while it ran";
        EXPECT_TRUE(g.sched.migrating.load());
    };
    EXPECT_TRUE(schedule_on(1));
    guest_action = nullptr;
    EXPECT_EQ(v.processor.load(), 3u);
    EXPECT_FALSE(v.sched.migrating.load());
    EXPECT_EQ(v.state.load(), VcpuState::runnable);
    EXPECT_TRUE(softirq_pending(3));
    EXPECT_FALSE(schedule_on(1));
    EXPECT_TRUE(schedule_on(3));
    EXPECT_EQ(ran_on[0].load(), (uint64_t{1} << 1) | (uint64_t{1} << 3));
}

// Between vcpu_set_hard_affinity() taking a not-running vCPU's pCPU out of
// its affinity and the move (Xen's _VPF_migrating window), that pCPU must
// not pick it: it would run outside its new affinity.
TEST_F(SchedCoreTest, AVcpuWaitingToMoveIsNotPickedOnThePcpuItLeaves) {
    Vcpu& v = add(0, 1);
    sched_add_vcpu(v);
    v.sched.migrating.store(true); // as the core leaves it in that window
    EXPECT_FALSE(schedule_on(1));
    EXPECT_EQ(runs[0].load(), 0u);
    v.sched.migrating.store(false);
    EXPECT_TRUE(schedule_on(1));
}

TEST_F(SchedCoreTest, AffinityWithoutAnOnlinePcpuIsRefused) {
    Vcpu& v = add(0, 0);
    CpuMask offline;
    offline.set(nr_pcpus + 1); // never brought up
    EXPECT_EQ(vcpu_set_hard_affinity(v, offline).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(vcpu_set_soft_affinity(v, CpuMask{}).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(v.sched.hard_affinity, CpuMask::all());
}

// Several pCPUs run 6 vCPUs while other threads block, wake and re-pin
// them: each vCPU is on at most one pCPU at a time, on the one that is its
// `processor`, and never on the pCPU its affinities always leave out.
/// The same stress with credit2 (which also pulls vCPUs between pCPUs).
class SchedCoreCredit2Test : public SchedCoreTest {
  protected:
    Scheduler& policy() override { return credit2_scheduler(); }
};

TEST_F(SchedCoreTest, UnderConcurrentWakesAndMigrationsAVcpuRunsOnOnePcpuWithinItsAffinity) {
    concurrent_wakes_and_migrations();
}

TEST_F(SchedCoreCredit2Test, UnderConcurrentWakesMigrationsAndPullsAVcpuRunsOnOnePcpuWithinItsAffinity) {
    concurrent_wakes_and_migrations();
}

void SchedCoreTest::concurrent_wakes_and_migrations() {
    constexpr unsigned nr = 6;
    Vcpu* vs[nr];
    CpuMask one[nr], other[nr];
    for (unsigned i = 0; i < nr; ++i) {
        vs[i] = &add(i, i % nr_pcpus);
        one[i].set(i % nr_pcpus);
        other[i].set((i + 1) % nr_pcpus);
        other[i].set((i + 2) % nr_pcpus);
        ASSERT_TRUE(vcpu_set_hard_affinity(*vs[i], one[i]).ok());
        sched_add_vcpu(*vs[i]);
        ASSERT_TRUE(vcpu_singleshot_set(*vs[i], arch::fake_now_ns + 1'000'000'000).ok());
    }
    guest_action = [](Vcpu& g) {
        if (runs[g.vcpu_id].load() % 3 == 0) vcpu_block(g);
        if (runs[g.vcpu_id].load() % 5 == 0) vcpu_yield(g);
        std::this_thread::yield();
    };
    std::atomic<bool> stop{false};
    std::vector<std::thread> pcpus;
    for (unsigned c = 0; c < nr_pcpus; ++c)
        pcpus.emplace_back([c, &stop] {
            arch::current_cpu = c;
            while (!stop) {
                process_pending_softirqs();
                if (!sched_schedule(c)) std::this_thread::yield();
            }
        });
    std::thread waker([&] {
        arch::current_cpu = nr_pcpus; // not a pCPU of the scheduler
        std::mt19937 rng(1);
        while (!stop) {
            vcpu_wake(*vs[rng() % nr]);
            std::this_thread::yield();
        }
    });
    std::thread pinner([&] {
        arch::current_cpu = nr_pcpus;
        std::mt19937 rng(2);
        while (!stop) {
            const unsigned i = rng() % nr;
            EXPECT_TRUE(vcpu_set_hard_affinity(*vs[i], rng() % 2 ? one[i] : other[i]).ok());
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    stop = true;
    waker.join();
    pinner.join();
    for (auto& t : pcpus) t.join();
    guest_action = nullptr;
    EXPECT_FALSE(overlap) << "a vCPU ran on two pCPUs at once";
    EXPECT_FALSE(wrong_cpu) << "a vCPU ran on a pCPU other than its processor";
    unsigned moved = 0;
    for (unsigned i = 0; i < nr; ++i) {
        EXPECT_GT(runs[i].load(), 0u) << "vCPU " << i << " never ran";
        const unsigned never = (i + 3) % nr_pcpus;
        EXPECT_EQ(ran_on[i].load() & (uint64_t{1} << never), 0u) << "vCPU " << i << " ran outside its hard affinity";
        moved += __builtin_popcountll(ran_on[i].load()) > 1;
        // Its armed timer went wherever it went.
        EXPECT_EQ(timer_cpu(vs[i]->singleshot_timer), vs[i]->processor.load());
        EXPECT_TRUE(timer_is_active(vs[i]->singleshot_timer));
        EXPECT_NE(vs[i]->state.load(), VcpuState::running);
    }
    EXPECT_GT(moved, 0u) << "no vCPU ever migrated: the test proves nothing";
}

} // namespace
} // namespace cxen
