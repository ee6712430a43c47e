// Unit tests of the credit2 policy (common/sched/credit2.cpp).
//
// Most drive the policy through a single-threaded simulation of the core
// (Sim below): pCPUs in simulated time, each running what do_schedule()
// chose until its slice ends or a softirq asks it to look again, calling
// the policy's ops in the core's order (sched.cpp: yield, sleep,
// context_saved; balance_source/balance_pick then do_schedule). The
// simulation checks the core's invariants at every pick: the vCPU is on
// that pCPU, eligible, inside its hard affinity, and running nowhere else.
// A reference model of credit2's accounting (credits burnt at
// max_weight/weight, resets, the pick of the most credit, the run time)
// is checked step by step over random wake/sleep/yield sequences.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/credit2.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr unsigned nr_pcpus = 4;
constexpr uint64_t ms = 1'000'000, us = 1'000;
constexpr uint64_t tick = 250 * us; ///< the simulation's timer resolution

class Credit2Test : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        now = 1 * ms;
        arch::fake_now_ns = now;
        sched_use(credit2_scheduler()); // sched=credit2 (rr is the default)
        for (unsigned c = 0; c < nr_pcpus; ++c) {
            timers_init_cpu(c);
            sched_init_cpu(c);
        }
    }
    void TearDown() override {
        for (Domain* d : doms) domain_destroy(*d);
        for (unsigned c = 0; c < nr_pcpus; ++c) {
            settle(c);
            sched_deinit_cpu(c);
            timers_destroy_cpu(c);
        }
        SchedGlobalParams g;
        g.ratelimit_us = credit2::default_ratelimit_us;
        EXPECT_TRUE(s.adjust_global(g, true).ok());
        arch::current_cpu = 0;
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
        sched_use(rr_scheduler());
    }

    // ---- set-up ----
    /// A domain of `n` vCPUs on pCPU `cpu`, runnable, with `weight`.
    Domain& domain(unsigned n, unsigned cpu, uint32_t weight = 256, uint32_t cap = 0,
                   CpuMask hard = CpuMask::all()) {
        Domain& d = *domain_create(static_cast<Domid>(doms.size() + 1), "c2", n).value();
        doms.push_back(&d);
        for (unsigned i = 0; i < n; ++i) {
            Vcpu& v = *vcpu_create(d, i, cpu).value();
            v.sched.hard_affinity = hard;
            sched_add_vcpu(v);
            all.push_back(&v);
        }
        SchedParams p;
        p.weight = weight;
        p.cap = cap;
        EXPECT_TRUE(s.adjust(d, p, true).ok());
        for (unsigned c = 0; c < nr_pcpus; ++c) settle(c);
        return d;
    }
    void ratelimit(uint32_t rl) {
        SchedGlobalParams g;
        g.ratelimit_us = rl;
        ASSERT_TRUE(s.adjust_global(g, true).ok());
    }

    // ---- the simulated core ----
    struct Pcpu {
        Vcpu* curr = nullptr;
        Vcpu* prev = nullptr;
        uint64_t start = 0, until = 0;
        uint64_t busy = 0;
    };
    /// Run pCPU c's pending softirqs (timers included); true if any was.
    bool settle(unsigned c) {
        arch::current_cpu = c;
        const bool was = softirq_pending(c);
        process_pending_softirqs();
        arch::current_cpu = 0;
        return was;
    }
    /// The core's sched_schedule() up to vcpu_run: a pull, then the pick.
    void schedule(unsigned c) {
        arch::current_cpu = c;
        const unsigned from = s.balance_source(c, now);
        if (from < nr_pcpus && from != c) {
            if (Vcpu* v = s.balance_pick(from, c)) {
                EXPECT_EQ(v->processor.load(), from);
                EXPECT_EQ(v->state.load(), VcpuState::runnable);
                EXPECT_TRUE(v->sched.hard_affinity.test(c)) << "pulled outside its hard affinity";
                s.migrate(*v, c);
                v->processor.store(c);
                if (p[from].prev == v) p[from].prev = nullptr;
                ++pulls;
            }
        }
        const SchedDecision d = s.do_schedule(c, now, p[c].prev);
        arch::current_cpu = 0;
        last_pick = d;
        if (!d.next) return;
        Vcpu& v = *d.next;
        EXPECT_EQ(v.processor.load(), c) << "picked a vCPU of another pCPU";
        EXPECT_TRUE(sched_vcpu_eligible(v)) << "picked a vCPU that may not run";
        EXPECT_TRUE(v.sched.hard_affinity.test(c)) << "runs outside its hard affinity";
        for (unsigned o = 0; o < nr_pcpus; ++o) EXPECT_NE(p[o].curr, &v) << "runs on two pCPUs";
        EXPECT_GE(d.slice_ns, static_cast<uint64_t>(credit2::min_timer));
        EXPECT_LE(d.slice_ns, static_cast<uint64_t>(credit2::max_timer));
        v.state.store(VcpuState::running);
        p[c].curr = p[c].prev = &v;
        p[c].start = now;
        p[c].until = now + d.slice_ns;
    }
    /// The core's deschedule(): the vCPU leaves pCPU c as `next`.
    void deschedule(unsigned c, VcpuState next = VcpuState::runnable, bool yielded = false) {
        Vcpu& v = *p[c].curr;
        ran[&v] += now - p[c].start;
        p[c].busy += now - p[c].start;
        arch::current_cpu = c;
        if (yielded) s.yield(v);
        p[c].curr = nullptr;
        v.state.store(next);
        if (next != VcpuState::runnable) s.sleep(v);
        s.context_saved(v);
        arch::current_cpu = 0;
    }
    void wake(Vcpu& v) {
        if (v.state.load() != VcpuState::blocked) return;
        v.state.store(VcpuState::runnable);
        arch::current_cpu = v.processor.load();
        s.wake(v);
        arch::current_cpu = 0;
    }
    /// Let pCPUs that were poked look again, until none is.
    void poke_loop() {
        for (int round = 0; round < 16; ++round) {
            bool any = false;
            for (unsigned c = 0; c < nr_pcpus; ++c) {
                if (!settle(c)) continue;
                any = true;
                if (p[c].curr) deschedule(c);
                schedule(c);
            }
            if (!any) return;
        }
    }
    /// Advance to `t`: slices that end go back to the policy; `at_end`
    /// says what the vCPU does then (default: stays runnable).
    void run_until(uint64_t t, VcpuState (*at_end)(Vcpu&, bool& yielded, std::mt19937&) = nullptr,
                   std::mt19937* rng = nullptr) {
        for (unsigned c = 0; c < nr_pcpus; ++c)
            if (!p[c].curr) schedule(c);
        poke_loop();
        while (now < t) {
            uint64_t next = std::min(t, now + tick); // timers fire at least this often
            for (unsigned c = 0; c < nr_pcpus; ++c)
                if (p[c].curr && p[c].until < next) next = p[c].until;
            now = next;
            arch::fake_now_ns = now;
            for (unsigned c = 0; c < nr_pcpus; ++c) {
                arch::current_cpu = c;
                timer_softirq_raise(); // a timer interrupt: due timers fire
                arch::current_cpu = 0;
                if (!p[c].curr || p[c].until > now) continue;
                bool yielded = false;
                VcpuState st = at_end ? at_end(*p[c].curr, yielded, *rng) : VcpuState::runnable;
                deschedule(c, st, yielded);
                schedule(c);
            }
            poke_loop();
            check_work_conserving();
        }
        for (unsigned c = 0; c < nr_pcpus; ++c) // account what runs now
            if (p[c].curr) {
                ran[p[c].curr] += now - p[c].start;
                p[c].busy += now - p[c].start;
                p[c].start = now;
            }
    }
    /// An idle pCPU while a vCPU that may run there waits: counted (the
    /// balancing tests with full affinity expect none).
    void check_work_conserving() {
        for (unsigned c = 0; c < nr_pcpus; ++c) {
            if (p[c].curr) continue;
            for (Vcpu* v : all)
                if (sched_vcpu_eligible(*v) && v->sched.hard_affinity.test(c)) ++idle_while_waiting;
        }
    }
    double share(const Vcpu* v, uint64_t over) const {
        auto it = ran.find(v);
        return it == ran.end() ? 0.0 : static_cast<double>(it->second) / static_cast<double>(over);
    }

    Scheduler& s = credit2_scheduler();
    std::vector<Domain*> doms;
    std::vector<Vcpu*> all;
    Pcpu p[nr_pcpus];
    std::map<const Vcpu*, uint64_t> ran;
    uint64_t now = 0;
    unsigned pulls = 0;
    unsigned idle_while_waiting = 0;
    SchedDecision last_pick;
};

TEST_F(Credit2Test, HasXensIdAndDefaults) {
    EXPECT_EQ(s.sched_id(), 6u);
    EXPECT_STREQ(s.opt_name(), "credit2");
    Domain& d = domain(1, 0);
    SchedParams params;
    ASSERT_TRUE(s.adjust(d, params, false).ok());
    EXPECT_EQ(params.weight, 256u);
    EXPECT_EQ(params.cap, 0u);
    SchedGlobalParams g;
    ASSERT_TRUE(s.adjust_global(g, false).ok());
    EXPECT_EQ(g.ratelimit_us, 1000u);
    EXPECT_EQ(credit2::vcpu_credit(*d.vcpus[0]), credit2::credit_init);
}

TEST_F(Credit2Test, WeightsOf256And512SharingOnePcpuGetOneToTwo) {
    Domain& a = domain(1, 0, 256, 0, CpuMask::of(0));
    Domain& b = domain(1, 0, 512, 0, CpuMask::of(0));
    const uint64_t t0 = now;
    run_until(now + 2000 * ms);
    const double sa = share(a.vcpus[0], now - t0), sb = share(b.vcpus[0], now - t0);
    EXPECT_NEAR(sa + sb, 1.0, 0.001);
    EXPECT_NEAR(sb / sa, 2.0, 0.2) << "shares " << sa << " " << sb;
}

TEST_F(Credit2Test, WeightsHoldWithoutRateLimitAndWithThreeDomains) {
    ratelimit(0);
    Domain& a = domain(1, 1, 100, 0, CpuMask::of(1));
    Domain& b = domain(1, 1, 200, 0, CpuMask::of(1));
    Domain& c = domain(1, 1, 700, 0, CpuMask::of(1));
    const uint64_t t0 = now;
    run_until(now + 3000 * ms);
    const uint64_t T = now - t0;
    EXPECT_NEAR(share(a.vcpus[0], T), 0.1, 0.01);
    EXPECT_NEAR(share(b.vcpus[0], T), 0.2, 0.02);
    EXPECT_NEAR(share(c.vcpus[0], T), 0.7, 0.07);
}

TEST_F(Credit2Test, ACappedDomainStaysUnderItsCapAndTheOtherTakesTheRest) {
    Domain& capped = domain(1, 0, 256, 30, CpuMask::of(0));
    const uint64_t t0 = now;
    run_until(now + 1000 * ms);
    EXPECT_LE(share(capped.vcpus[0], now - t0), 0.305) << "alone, still capped";
    EXPECT_GE(share(capped.vcpus[0], now - t0), 0.25) << "it gets its budget";
    Domain& other = domain(1, 0, 256, 0, CpuMask::of(0));
    ran.clear();
    const uint64_t t1 = now;
    run_until(now + 1000 * ms);
    EXPECT_LE(share(capped.vcpus[0], now - t1), 0.305);
    EXPECT_GE(share(other.vcpus[0], now - t1), 0.69);
    // Lifting the cap: equal weights share equally.
    SchedParams params;
    params.cap = 0;
    ASSERT_TRUE(s.adjust(capped, params, true).ok());
    ran.clear();
    const uint64_t t2 = now;
    run_until(now + 1000 * ms);
    EXPECT_NEAR(share(capped.vcpus[0], now - t2), 0.5, 0.05);
}

TEST_F(Credit2Test, TheRateLimitKeepsTheRunningVcpuUntilItRanThatLong) {
    Domain& a = domain(1, 0, 256, 0, CpuMask::of(0));
    run_until(now + 100 * us); // a runs
    ASSERT_EQ(p[0].curr, a.vcpus[0]);
    // b wakes with more credit and pCPU 0 looks again: a goes on until it
    // ran 1 ms.
    Domain& b = domain(1, 0, 256, 0, CpuMask::of(0));
    deschedule(0);
    schedule(0);
    ASSERT_EQ(p[0].curr, a.vcpus[0]) << "preempted within the rate limit";
    EXPECT_EQ(last_pick.slice_ns, 900 * us) << "runs to the end of the rate limit";
    now = p[0].until;
    arch::fake_now_ns = now;
    deschedule(0);
    schedule(0);
    EXPECT_EQ(p[0].curr, b.vcpus[0]);
    // Without a rate limit the same preemption is at once.
    ratelimit(0);
    now += 50 * us;
    arch::fake_now_ns = now;
    deschedule(0);
    schedule(0);
    EXPECT_EQ(p[0].curr, b.vcpus[0]); // b has the more credit still
    EXPECT_EQ(last_pick.slice_ns, 950 * us) << "until its credit is down to a's (9 ms)";
}

TEST_F(Credit2Test, AYieldingVcpuLetsAnotherRunEvenWithMoreCredit) {
    Domain& a = domain(1, 0, 256, 0, CpuMask::of(0));
    Domain& b = domain(1, 0, 256, 0, CpuMask::of(0));
    run_until(now + 50 * us);
    Vcpu* first = p[0].curr;
    ASSERT_NE(first, nullptr);
    now += 10 * us;
    arch::fake_now_ns = now;
    deschedule(0, VcpuState::runnable, true);
    schedule(0);
    EXPECT_NE(p[0].curr, first) << "the rate limit does not hold a yielder";
    EXPECT_TRUE(p[0].curr == a.vcpus[0] || p[0].curr == b.vcpus[0]);
}

TEST_F(Credit2Test, AnIdlePcpuPullsAWaitingVcpu) {
    Domain& busy = domain(1, 2);
    Domain& sleeper = domain(1, 2);
    run_until(now + 100 * us);
    Vcpu* waiting = p[2].curr == busy.vcpus[0] ? sleeper.vcpus[0] : busy.vcpus[0];
    // Both on pCPU 2: an idle one pulled the waiting vCPU.
    EXPECT_EQ(pulls, 1u);
    EXPECT_NE(waiting->processor.load(), 2u);
    EXPECT_EQ(p[waiting->processor.load()].curr, waiting);
}

TEST_F(Credit2Test, ABlockedVcpuThatWakesIsPulledByAnIdlePcpuInItsAffinity) {
    CpuMask hard;
    hard.set(1);
    hard.set(3);
    Domain& a = domain(1, 1, 256, 0, hard);
    run_until(now + 100 * us);
    ASSERT_EQ(p[1].curr, a.vcpus[0]);
    now += 100 * us;
    arch::fake_now_ns = now;
    deschedule(1, VcpuState::blocked);
    schedule(1);
    Domain& hog = domain(1, 1); // pCPU 1 busy; 0, 2, 3 idle unless the hog moves
    run_until(now + 100 * us);
    const unsigned hog_cpu = hog.vcpus[0]->processor.load();
    wake(*a.vcpus[0]);
    poke_loop();
    const unsigned cpu = a.vcpus[0]->processor.load();
    EXPECT_TRUE(hard.test(cpu));
    EXPECT_EQ(p[cpu].curr, a.vcpus[0]) << "woken vCPU waits while a pCPU of its affinity is idle";
    EXPECT_EQ(p[hog_cpu].curr, hog.vcpus[0]);
}

TEST_F(Credit2Test, LoadSpreadsOverAllPcpusAndNoneIdlesWhileAVcpuWaits) {
    for (unsigned i = 0; i < 6; ++i) domain(1, 0); // all on pCPU 0
    const uint64_t t0 = now;
    run_until(now + 500 * ms);
    EXPECT_EQ(idle_while_waiting, 0u);
    for (unsigned c = 0; c < nr_pcpus; ++c) EXPECT_GE(p[c].busy, (now - t0) * 99 / 100) << "pCPU " << c;
    unsigned per_cpu[nr_pcpus] = {};
    for (Vcpu* v : all) {
        ++per_cpu[v->processor.load()];
        EXPECT_GT(share(v, now - t0), 0.3) << "vCPU of d" << v->domain->domid;
    }
    for (unsigned c = 0; c < nr_pcpus; ++c) EXPECT_TRUE(per_cpu[c] == 1 || per_cpu[c] == 2) << c;
}

unsigned ran_on_cpu = ~0u;
void note_cpu(Vcpu&) { ran_on_cpu = arch::smp_processor_id(); }

TEST_F(Credit2Test, TheCorePullsAWaitingVcpuBeforeAnIdlePcpuSchedules) {
    Domain& d = domain(2, 0);
    arch::fake_vcpu_run_hook = note_cpu;
    arch::current_cpu = 1;
    const bool ran = sched_schedule(1);
    arch::current_cpu = 0;
    arch::fake_vcpu_run_hook = nullptr;
    EXPECT_TRUE(ran);
    EXPECT_EQ(ran_on_cpu, 1u);
    const unsigned on1 = (d.vcpus[0]->processor.load() == 1) + (d.vcpus[1]->processor.load() == 1);
    EXPECT_EQ(on1, 1u) << "one vCPU moved to pCPU 1";
    // A vCPU pinned to pCPU 0 is never pulled.
    for (Vcpu* v : all) (void)vcpu_set_hard_affinity(*v, CpuMask::of(0));
    for (unsigned c = 0; c < nr_pcpus; ++c) settle(c);
    arch::current_cpu = 2;
    EXPECT_FALSE(sched_schedule(2));
    arch::current_cpu = 0;
}

void repin_after_1ms(Vcpu& v) {
    arch::fake_now_ns += 1 * ms;
    EXPECT_TRUE(vcpu_set_hard_affinity(v, CpuMask::of(1)).ok());
}

TEST_F(Credit2Test, AVcpuRepinnedWhileRunningIsChargedWhereItRanAndMoves) {
    Domain& d = domain(1, 0);
    Vcpu& v = *d.vcpus[0];
    arch::fake_vcpu_run_hook = repin_after_1ms;
    arch::current_cpu = 0;
    EXPECT_TRUE(sched_schedule(0));
    arch::current_cpu = 0;
    arch::fake_vcpu_run_hook = nullptr;
    EXPECT_EQ(v.processor.load(), 1u);
    EXPECT_EQ(credit2::vcpu_credit(v), credit2::credit_init - static_cast<int64_t>(1 * ms));
    // pCPU 0 no longer counts it as running: it idles and is idle.
    arch::current_cpu = 0;
    EXPECT_FALSE(sched_schedule(0));
    arch::current_cpu = 1;
    EXPECT_TRUE(sched_schedule(1));
    arch::current_cpu = 0;
}

/// What a vCPU does when its slice ends, for the random runs.
VcpuState random_end(Vcpu&, bool& yielded, std::mt19937& rng) {
    const unsigned r = rng() % 100;
    if (r < 15) return VcpuState::blocked;
    yielded = r < 30;
    return VcpuState::runnable;
}

TEST_F(Credit2Test, RandomWakeSleepYieldWithRandomAffinityKeepsTheInvariants) {
    std::mt19937 rng(1234);
    for (unsigned i = 0; i < 10; ++i) {
        CpuMask hard;
        for (unsigned c = 0; c < nr_pcpus; ++c)
            if (rng() % 2) hard.set(c);
        if (hard.empty()) hard.set(static_cast<unsigned>(rng() % nr_pcpus));
        Domain& d = domain(1, hard.first(), 128u + 128u * static_cast<uint32_t>(rng() % 4), 0, hard);
        d.vcpus[0]->sched.soft_affinity = CpuMask::of(static_cast<unsigned>(rng() % nr_pcpus));
    }
    for (int step = 0; step < 400; ++step) {
        run_until(now + (rng() % 3000) * us, random_end, &rng);
        for (Vcpu* v : all)
            if (rng() % 3 == 0) wake(*v);
        poke_loop();
    }
    for (Vcpu* v : all) EXPECT_GT(ran[v], 0u) << "starved: d" << v->domain->domid;
    EXPECT_GT(pulls, 0u);
}

/// Credit2's accounting on one pCPU, written again from Xen's rules, to
/// check the policy step by step: which vCPU it may pick, the credits after
/// each pick and run, and the run time it gives.
struct Model {
    struct U {
        int64_t credit = credit2::credit_init, residual = 0;
        uint32_t weight = 256;
    };
    std::map<const Vcpu*, U> u;
    uint32_t max_weight() const {
        uint32_t m = 1;
        for (auto& [v, x] : u) m = std::max(m, x.weight);
        return m;
    }
    /// The vCPUs the policy may pick: most credit among the eligible; the
    /// last one wins ties; a yielder only if nothing else can run.
    std::vector<const Vcpu*> candidates(const std::vector<Vcpu*>& all, const Vcpu* prev, bool yield) const {
        std::vector<const Vcpu*> elig;
        for (Vcpu* v : all)
            if (sched_vcpu_eligible(*v) && !(yield && v == prev)) elig.push_back(v);
        if (elig.empty() && yield && prev && sched_vcpu_eligible(*prev)) return {prev};
        int64_t best = INT64_MIN;
        for (const Vcpu* v : elig) best = std::max(best, u.at(v).credit);
        std::vector<const Vcpu*> out;
        for (const Vcpu* v : elig)
            if (u.at(v).credit == best) out.push_back(v);
        if (std::find(out.begin(), out.end(), prev) != out.end()) return {prev};
        return out;
    }
    void picked(const Vcpu* v) {
        if (u.at(v).credit > credit2::credit_reset) return;
        const int64_t add = credit2::credit_init * (u.at(v).credit == credit2::credit_min ? 2 : 1);
        for (auto& [w, x] : u) x.credit = std::min(x.credit + add, credit2::credit_init + credit2::carryover_max);
    }
    uint64_t run_time(const std::vector<Vcpu*>& all, const Vcpu* next, const Vcpu* prev, bool yield) const {
        int64_t rt = u.at(next).credit;
        const Vcpu* wait = nullptr;
        for (Vcpu* v : all)
            if (v != next && sched_vcpu_eligible(*v) && !(yield && v == prev) &&
                (!wait || u.at(v).credit > u.at(wait).credit))
                wait = v;
        if (wait && u.at(wait).credit > 0) rt -= u.at(wait).credit;
        int64_t t = rt > 0 ? rt * u.at(next).weight / max_weight() : 0;
        return static_cast<uint64_t>(std::clamp(t, credit2::min_timer, credit2::max_timer));
    }
    void burn(const Vcpu* v, uint64_t delta) {
        U& x = u.at(v);
        const int64_t val = static_cast<int64_t>(delta) * max_weight() + x.residual;
        x.residual = val % x.weight;
        x.credit = std::max(x.credit - val / x.weight, credit2::credit_min);
    }
};

TEST_F(Credit2Test, AccountingMatchesTheReferenceModelOverRandomWakeSleepYield) {
    ratelimit(0); // the model has no rate limit
    std::mt19937 rng(42);
    Model m;
    for (unsigned i = 0; i < 5; ++i) {
        const uint32_t w = 64u << (rng() % 4);
        Domain& d = domain(1, 0, w, 0, CpuMask::of(0));
        m.u[d.vcpus[0]].weight = w;
    }
    Vcpu* prev = nullptr;
    bool yield = false;
    unsigned resets_seen = 0, checked = 0;
    for (int step = 0; step < 3000; ++step) {
        for (Vcpu* v : all)
            if (rng() % 5 == 0) wake(*v);
        for (unsigned c = 0; c < nr_pcpus; ++c) settle(c);
        const auto cands = m.candidates(all, prev, yield);
        schedule(0);
        if (cands.empty()) {
            EXPECT_EQ(p[0].curr, nullptr);
            now += 100 * us;
            arch::fake_now_ns = now;
            prev = nullptr;
            yield = false;
            continue;
        }
        Vcpu* v = p[0].curr;
        ASSERT_NE(v, nullptr) << "idle while " << cands.size() << " could run";
        ASSERT_NE(std::find(cands.begin(), cands.end(), v), cands.end()) << "step " << step << ": not the most credit";
        if (m.u.at(v).credit <= 0) ++resets_seen;
        m.picked(v);
        EXPECT_EQ(last_pick.slice_ns, m.run_time(all, v, prev, yield)) << "step " << step;
        for (Vcpu* w : all) ASSERT_EQ(credit2::vcpu_credit(*w), m.u.at(w).credit) << "step " << step;
        // It runs part or all of its slice, then blocks, yields or goes on.
        const uint64_t ran_for = std::max<uint64_t>(1, std::min<uint64_t>(last_pick.slice_ns, rng() % (3 * ms)));
        now += ran_for;
        arch::fake_now_ns = now;
        bool yielded = false;
        const VcpuState st = random_end(*v, yielded, rng);
        deschedule(0, st, yielded);
        m.burn(v, ran_for);
        for (Vcpu* w : all) ASSERT_EQ(credit2::vcpu_credit(*w), m.u.at(w).credit) << "step " << step;
        prev = v;
        yield = yielded;
        ++checked;
    }
    EXPECT_GT(resets_seen, 10u);
    EXPECT_GT(checked, 2000u);
}

TEST_F(Credit2Test, PickCpuPrefersSoftAffinityThenTheLeastLoaded) {
    domain(1, 0);
    domain(1, 0);
    domain(1, 1);
    run_until(now + 100 * us);
    Domain& d = domain(1, 0);
    Vcpu& v = *d.vcpus[0];
    CpuMask allowed = CpuMask::first_n(nr_pcpus);
    v.sched.soft_affinity = CpuMask::of(1);
    EXPECT_EQ(s.pick_cpu(v, allowed), 1u);
    v.sched.soft_affinity = CpuMask::all();
    const unsigned c = s.pick_cpu(v, allowed);
    EXPECT_EQ(p[c].curr, nullptr) << "pCPU " << c << " is not the least loaded";
}

TEST_F(Credit2Test, BadCapIsEinvalAndPerVcpuBoundCountsVcpus) {
    Domain& d = domain(2, 0);
    SchedParams params;
    params.cap = 201;
    EXPECT_EQ(s.adjust(d, params, true).error(), Errno::XEN_EINVAL);
    params.cap = 200;
    EXPECT_TRUE(s.adjust(d, params, true).ok());
    params = {};
    ASSERT_TRUE(s.adjust(d, params, false).ok());
    EXPECT_EQ(params.cap, 200u);
}

} // namespace
} // namespace cxen
