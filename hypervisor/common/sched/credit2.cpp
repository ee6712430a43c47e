// The credit2 policy (Xen 4.17's xen/common/sched/credit2.c, behaviour
// only): every vCPU has credit, burnt while it runs at a rate inversely
// proportional to its domain's weight; a pCPU runs the eligible vCPU with
// the most credit; when the best has none left, every vCPU of the
// runqueue gets CREDIT_INIT more (reset). Caps are a domain budget of
// cap% of a 10 ms period, replenished every period; a capped vCPU without
// budget is parked until the next replenishment. Context switches are
// rate-limited (`ratelimit_us`, default 1000). Idle pCPUs are tickled on a
// wake-up and pull waiting vCPUs from busier ones (load balancing).
//
// Runqueues: one per pCPU (Xen's `credit2_runqueue=cpu`), not Xen's
// default one per socket: cxen's core has one scheduler lock per pCPU and
// a vCPU is on its `processor`'s queue only (sched.hpp), so a runqueue
// shared by pCPUs would need a second locking scheme. Balancing between
// runqueues (Xen's balance_load) therefore does the sharing a socket-wide
// runqueue does in Xen. See docs/scheduling.md.
//
// Locking: a runqueue's list, the credits and run times of its vCPUs and
// `curr` are under its pCPU's scheduler lock, which the core holds around
// every call but alloc_*/free_*, adjust*, and balance_source. Across pCPUs
// only atomics are read: a runqueue's load and idle flag, a domain's
// weight, cap and budget, the rate limit. adjust() takes adjust_lock_ (the
// policy's own, never held with a scheduler lock).
#include "common/sched/credit2.hpp"

#include <atomic>

#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/lib/spinlock.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "common/sched/scheduler.hpp"
#include "common/softirq.hpp"
#include "common/time/timer.hpp"

namespace cxen {

namespace {
using namespace credit2;

struct C2Dom {
    std::atomic<uint32_t> weight{default_weight};
    std::atomic<uint32_t> cap{0}; ///< % of one pCPU; 0: none
    std::atomic<uint32_t> nr_units{0};
    /// Budget left in the current period (ns; negative: overrun carried
    /// into the next one) and when the next period starts.
    std::atomic<int64_t> budget{0};
    std::atomic<int64_t> tot_budget{0};
    std::atomic<uint64_t> next_repl{0};
};

struct C2Unit {
    Vcpu* v = nullptr;
    C2Dom* dom = nullptr;
    C2Unit* next = nullptr; ///< on its pCPU's runqueue
    int64_t credit = credit_init;
    int64_t residual = 0;     ///< remainder of the last time-to-credit division
    uint64_t start_time = 0;  ///< credit burnt up to here (while it runs)
    uint64_t run_start = 0;   ///< picked after another or after sleeping (rate limit)
    bool fresh = true;        ///< slept since it last ran: its next run starts anew
    bool yielded = false;
};

struct C2Rq {
    C2Unit* head = nullptr;
    C2Unit* curr = nullptr; ///< running now (picked, context not yet saved)
    Timer repl_timer;       ///< next budget replenishment of a parked vCPU
    bool timer_ready = false;
    std::atomic<bool> online{false};
    std::atomic<bool> idle{false};
    std::atomic<unsigned> load{0}; ///< eligible vCPUs, running one included
};

C2Unit* unit(const Vcpu& v) { return static_cast<C2Unit*>(v.sched.priv); }
bool has_cap(const C2Unit& u) { return u.dom && u.dom->cap.load() != 0; }
uint32_t weight_of(const C2Unit& u) { return u.dom ? u.dom->weight.load() : default_weight; }

/// Start as many new cap periods as have begun by `now`: the budget grows by
/// one period's worth each, but never above one period's (Xen's
/// replenish_domain_budget; an overrun is paid back from the next period).
void replenish(C2Dom& d, uint64_t now) {
    const uint64_t period = cap_period_ns;
    uint64_t nr = d.next_repl.load();
    while (now >= nr) {
        const uint64_t periods = (now - nr) / period + 1;
        if (!d.next_repl.compare_exchange_weak(nr, nr + periods * period)) continue;
        const int64_t tot = d.tot_budget.load();
        int64_t b = d.budget.load(), nb;
        do {
            nb = b + static_cast<int64_t>(periods) * tot;
            if (nb > tot) nb = tot;
        } while (!d.budget.compare_exchange_weak(b, nb));
        return;
    }
}

/// May u run now as far as its cap goes?
bool has_budget(C2Unit& u, uint64_t now) {
    if (!has_cap(u)) return true;
    replenish(*u.dom, now);
    return u.dom->budget.load() > 0;
}

void repl_timer_fn(void*) { raise_softirq(SCHEDULE_SOFTIRQ); }

class Credit2 final : public Scheduler {
  public:
    const char* name() const override { return "SMP Credit Scheduler rev2"; } // Xen's name
    const char* opt_name() const override { return "credit2"; }
    unsigned sched_id() const override { return 6; } // XEN_SCHEDULER_CREDIT2

    Result<void*> alloc_pdata(unsigned cpu) override {
        C2Rq& rq = rq_[cpu];
        init_timer(rq.repl_timer, repl_timer_fn, nullptr, cpu);
        rq.timer_ready = true;
        rq.idle.store(false);
        rq.load.store(0);
        rq.online.store(true);
        return static_cast<void*>(&rq);
    }
    void free_pdata(void* pdata, unsigned) override {
        auto* rq = static_cast<C2Rq*>(pdata);
        rq->online.store(false);
        if (rq->timer_ready) kill_timer(rq->repl_timer);
        rq->timer_ready = false;
        rq->head = rq->curr = nullptr;
    }

    Result<void*> alloc_domdata(Domain&) override { return static_cast<void*>(TRY(xnew<C2Dom>())); }
    void free_domdata(void* domdata) override {
        if (domdata) xdelete(static_cast<C2Dom*>(domdata));
    }
    Result<void*> alloc_udata(Vcpu& v, void* domdata) override {
        C2Unit* u = TRY(xnew<C2Unit>());
        u->v = &v;
        u->dom = static_cast<C2Dom*>(domdata);
        if (u->dom) u->dom->nr_units.fetch_add(1);
        return static_cast<void*>(u);
    }
    void free_udata(void* udata) override {
        auto* u = static_cast<C2Unit*>(udata);
        if (!u) return;
        if (u->dom) u->dom->nr_units.fetch_sub(1);
        xdelete(u);
    }

    void insert_unit(Vcpu& v) override { link(v.processor.load(), unit(v)); }
    void remove_unit(Vcpu& v) override {
        C2Rq& rq = rq_[v.processor.load()];
        unlink(rq, unit(v));
        if (rq.curr == unit(v)) rq.curr = nullptr;
        recount(rq);
    }
    void migrate(Vcpu& v, unsigned new_cpu) override {
        C2Unit* u = unit(v);
        C2Rq& old = rq_[v.processor.load()];
        // Taken off the pCPU that ran it (its hard affinity moved it):
        // charge that run there, before context_saved() looks on new_cpu.
        if (old.curr == u) {
            burn(old, *u, arch::now_ns());
            old.curr = nullptr;
        }
        unlink(old, u);
        recount(old);
        // Credits of another runqueue: keep them, within the bounds they
        // have everywhere (Xen keeps them too, and resets sort it out).
        if (u->credit > credit_init + carryover_max) u->credit = credit_init + carryover_max;
        u->fresh = true;
        link(new_cpu, u);
    }

    void sleep(Vcpu& v) override {
        unit(v)->fresh = true;
        recount(rq_[v.processor.load()]);
    }
    void wake(Vcpu& v) override {
        const unsigned cpu = v.processor.load();
        C2Rq& rq = rq_[cpu];
        C2Unit* u = unit(v);
        u->fresh = true;
        recount(rq);
        tickle(cpu, rq, *u);
    }
    void yield(Vcpu& v) override { unit(v)->yielded = true; }

    void context_saved(Vcpu& v) override {
        C2Unit* u = unit(v);
        C2Rq& rq = rq_[v.processor.load()];
        if (rq.curr == u) {
            burn(rq, *u, arch::now_ns());
            rq.curr = nullptr;
        }
        recount(rq);
    }

    SchedDecision do_schedule(unsigned cpu, uint64_t now, Vcpu* prev) override;
    unsigned pick_cpu(const Vcpu& v, const CpuMask& allowed) override;
    Status adjust(Domain& d, SchedParams& params, bool set) override;
    Status adjust_global(SchedGlobalParams& params, bool set) override;
    unsigned balance_source(unsigned cpu, uint64_t now) override;
    Vcpu* balance_pick(unsigned from, unsigned to) override;

    uint32_t ratelimit_us() const { return ratelimit_us_.load(); }
    void set_ratelimit_us(uint32_t us) { ratelimit_us_.store(us); }

  private:
    void link(unsigned cpu, C2Unit* u) {
        u->next = rq_[cpu].head;
        rq_[cpu].head = u;
        recount(rq_[cpu]);
    }
    static void unlink(C2Rq& rq, C2Unit* u) {
        for (C2Unit** p = &rq.head; *p; p = &(*p)->next)
            if (*p == u) {
                *p = u->next;
                break;
            }
        u->next = nullptr;
    }
    /// The runqueue's load for balancing: its eligible vCPUs, running
    /// included (Xen keeps a decaying average of the same count).
    static void recount(C2Rq& rq) {
        unsigned n = 0;
        for (C2Unit* u = rq.head; u; u = u->next)
            if (u == rq.curr || sched_vcpu_eligible(*u->v)) ++n;
        rq.load.store(n);
    }
    static uint32_t max_weight(const C2Rq& rq) {
        uint32_t m = 1;
        for (const C2Unit* u = rq.head; u; u = u->next)
            if (weight_of(*u) > m) m = weight_of(*u);
        return m;
    }
    /// Charge u's run since start_time: credit scaled by max_weight/weight
    /// (Xen's t2c_update), and the domain budget if capped.
    static void burn(const C2Rq& rq, C2Unit& u, uint64_t now) {
        if (now <= u.start_time) return;
        const uint64_t delta = now - u.start_time;
        const uint32_t w = weight_of(u) ? weight_of(u) : 1;
        const int64_t val = static_cast<int64_t>(delta) * max_weight(rq) + u.residual;
        u.residual = val % w;
        const int64_t credit = u.credit - val / w;
        u.credit = credit < credit_min ? credit_min : credit;
        if (has_cap(u)) u.dom->budget.fetch_sub(static_cast<int64_t>(delta));
        u.start_time = now;
    }
    /// Every vCPU of the runqueue gets CREDIT_INIT more, up to
    /// INIT + CARRYOVER_MAX (Xen's reset_credit).
    static void reset_credit(C2Rq& rq, const C2Unit& snext) {
        int64_t reset = credit_init;
        if (snext.credit == credit_min) reset += credit_init;
        for (C2Unit* u = rq.head; u; u = u->next) {
            u->credit += reset;
            if (u->credit > credit_init + carryover_max) u->credit = credit_init + carryover_max;
        }
    }
    /// A vCPU woke on `cpu`: poke that pCPU if it is idle or runs a vCPU
    /// with less credit, and an idle pCPU it may run on, which then pulls
    /// it (Xen's runq_tickle).
    void tickle(unsigned cpu, C2Rq& rq, const C2Unit& u) {
        if (!rq.curr || rq.idle.load() || u.credit > rq.curr->credit) cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
        if (!rq.curr && !rq.idle.load()) return; // about to schedule anyway
        tickle_idle(cpu, u.v->sched.hard_affinity, u.v->sched.soft_affinity);
    }
    /// Poke one idle pCPU of `hard` (in `soft` if one is), other than `cpu`.
    void tickle_idle(unsigned cpu, const CpuMask& hard, const CpuMask& soft) {
        unsigned fallback = CpuMask::nr_bits;
        for (unsigned c = hard.first(); c < CpuMask::nr_bits; c = hard.next(c + 1)) {
            if (c == cpu || c >= arch::max_cpus || !rq_[c].online.load() || !rq_[c].idle.load()) continue;
            if (soft.test(c)) {
                cpu_raise_softirq(c, SCHEDULE_SOFTIRQ);
                return;
            }
            if (fallback == CpuMask::nr_bits) fallback = c;
        }
        if (fallback < CpuMask::nr_bits) cpu_raise_softirq(fallback, SCHEDULE_SOFTIRQ);
    }
    uint64_t runtime(const C2Rq& rq, const C2Unit& snext, const C2Unit* swait, bool continuing, uint64_t now) const;

    C2Rq rq_[arch::max_cpus];
    std::atomic<uint32_t> ratelimit_us_{default_ratelimit_us};
    SpinLock adjust_lock_;
};

/// How long snext runs before the pCPU looks again (Xen's csched2_runtime):
/// until its credit falls to that of the best waiting vCPU, within
/// [MIN_TIMER or what is left of the rate limit, MAX_TIMER], and no longer
/// than its domain's budget.
uint64_t Credit2::runtime(const C2Rq& rq, const C2Unit& snext, const C2Unit* swait, bool continuing,
                          uint64_t now) const {
    int64_t min_time = min_timer;
    if (const uint32_t rl = ratelimit_us_.load()) {
        int64_t rl_min = static_cast<int64_t>(rl) * 1000;
        if (continuing) rl_min = static_cast<int64_t>(snext.run_start + uint64_t{rl} * 1000) - static_cast<int64_t>(now);
        if (rl_min > min_time) min_time = rl_min;
    }
    int64_t rt_credit = snext.credit;
    if (swait && swait->credit > 0) rt_credit = snext.credit - swait->credit;
    int64_t time = rt_credit > 0 ? rt_credit * weight_of(snext) / max_weight(rq) : 0;
    if (has_cap(snext)) {
        const int64_t b = snext.dom->budget.load();
        if (b < time) time = b;
    }
    if (time < min_time) time = min_time;
    else if (time > max_timer) time = max_timer;
    return static_cast<uint64_t>(time);
}

SchedDecision Credit2::do_schedule(unsigned cpu, uint64_t now, Vcpu* prev) {
    C2Rq& rq = rq_[cpu];
    C2Unit* scurr = prev && unit(*prev) && prev->processor.load() == cpu ? unit(*prev) : nullptr;
    const bool yield = scurr && scurr->yielded;
    if (scurr) scurr->yielded = false;
    const uint32_t rl = ratelimit_us_.load();

    C2Unit* snext = nullptr;
    bool continuing = false;
    uint64_t parked_until = 0;
    // The rate limit: the vCPU that ran last goes on until it has run
    // ratelimit_us, unless it yielded (Xen's runq_candidate).
    if (scurr && !scurr->fresh && !yield && rl && sched_vcpu_eligible(*scurr->v) && has_budget(*scurr, now) &&
        now - scurr->run_start < uint64_t{rl} * 1000) {
        snext = scurr;
        continuing = true;
    }
    // The best candidate: most credit; the last one wins ties (it is
    // running, in Xen's terms); a yielding one only if no other can run.
    C2Unit* swait = nullptr; // the best of the others, for the run time
    for (C2Unit* u = rq.head; u; u = u->next) {
        if (!sched_vcpu_eligible(*u->v) || !u->v->sched.hard_affinity.test(cpu)) continue;
        if (!has_budget(*u, now)) { // parked until the next period
            const uint64_t nr = u->dom->next_repl.load();
            if (!parked_until || nr < parked_until) parked_until = nr;
            continue;
        }
        if (continuing) {
            if (u != snext && (!swait || u->credit > swait->credit)) swait = u;
            continue;
        }
        if (yield && u == scurr) continue;
        if (!snext || u->credit > snext->credit || (u->credit == snext->credit && u == scurr)) {
            if (snext && (!swait || snext->credit > swait->credit)) swait = snext;
            snext = u;
        } else if (!swait || u->credit > swait->credit) {
            swait = u;
        }
    }
    if (!snext && yield && sched_vcpu_eligible(*scurr->v) && has_budget(*scurr, now)) snext = scurr;
    if (parked_until && rq.timer_ready) (void)set_timer(rq.repl_timer, parked_until);
    if (!snext) {
        rq.curr = nullptr;
        rq.idle.store(true);
        recount(rq);
        return {};
    }
    rq.idle.store(false);
    if (snext->credit <= credit_reset) reset_credit(rq, *snext);
    if (!continuing && (snext != scurr || snext->fresh)) snext->run_start = now;
    snext->fresh = false;
    snext->start_time = now;
    rq.curr = snext;
    recount(rq);
    // Others wait here: an idle pCPU they may run on can pull one.
    if (swait) tickle_idle(cpu, swait->v->sched.hard_affinity, swait->v->sched.soft_affinity);
    return {snext->v, runtime(rq, *snext, swait, continuing, now)};
}

unsigned Credit2::pick_cpu(const Vcpu& v, const CpuMask& allowed) {
    // Its soft affinity if it has an allowed pCPU there, then the least
    // loaded runqueue (Xen's csched2_res_pick), staying put on a tie.
    const CpuMask soft = allowed & v.sched.soft_affinity;
    const CpuMask& from = soft.empty() ? allowed : soft;
    const unsigned here = v.processor.load();
    unsigned best = from.test(here) ? here : from.cycle(here);
    for (unsigned c = from.first(); c < CpuMask::nr_bits; c = from.next(c + 1))
        if (c < arch::max_cpus && rq_[c].load.load() < rq_[best].load.load()) best = c;
    return best;
}

unsigned Credit2::balance_source(unsigned cpu, uint64_t) {
    // Pull only if it evens loads out: the other runqueue has at least two
    // more eligible vCPUs (Xen's balance_load moves when that lowers the
    // load difference).
    const unsigned mine = rq_[cpu].load.load();
    unsigned best = CpuMask::nr_bits, best_load = mine + 1;
    for (unsigned c = 0; c < arch::max_cpus; ++c) {
        if (c == cpu || !rq_[c].online.load()) continue;
        const unsigned l = rq_[c].load.load();
        if (l > best_load) {
            best = c;
            best_load = l;
        }
    }
    return best;
}

Vcpu* Credit2::balance_pick(unsigned from, unsigned to) {
    // A waiting vCPU that may run on `to`; one that prefers `to` first, then
    // the one with most credit (it would run soonest anyway).
    C2Unit* best = nullptr;
    bool best_soft = false;
    for (C2Unit* u = rq_[from].head; u; u = u->next) {
        if (u == rq_[from].curr || !sched_vcpu_eligible(*u->v) || !u->v->sched.hard_affinity.test(to)) continue;
        const bool soft = u->v->sched.soft_affinity.test(to);
        if (!best || (soft && !best_soft) || (soft == best_soft && u->credit > best->credit)) {
            best = u;
            best_soft = soft;
        }
    }
    return best ? best->v : nullptr;
}

Status Credit2::adjust(Domain& d, SchedParams& params, bool set) {
    auto* dom = static_cast<C2Dom*>(d.sched_priv);
    if (!dom) return Err(Errno::XEN_EINVAL);
    IrqSpinGuard g(adjust_lock_);
    if (!set) {
        params.weight = dom->weight.load();
        params.cap = dom->cap.load();
        return ok_status();
    }
    // Xen's csched2_dom_cntl: the weight first (0: unchanged), then the cap
    // (0: none), so a bad cap leaves a new weight in place.
    if (params.weight != 0) dom->weight.store(params.weight);
    if (params.cap != 0) {
        if (params.cap > 100 * dom->nr_units.load()) return Err(Errno::XEN_EINVAL);
        const int64_t tot = static_cast<int64_t>(cap_period_ns * params.cap / 100);
        if (dom->cap.load() == 0) {
            dom->budget.store(tot);
            dom->next_repl.store(arch::now_ns() + cap_period_ns);
        } else if (dom->budget.load() > tot) {
            dom->budget.store(tot);
        }
        dom->tot_budget.store(tot);
        dom->cap.store(params.cap);
    } else if (dom->cap.exchange(0) != 0) {
        // Parked vCPUs may run again: let every pCPU look (Xen's
        // unpark_parked_units).
        for (unsigned c = 0; c < arch::max_cpus; ++c)
            if (rq_[c].online.load()) cpu_raise_softirq(c, SCHEDULE_SOFTIRQ);
    }
    return ok_status();
}

Status Credit2::adjust_global(SchedGlobalParams& params, bool set) {
    if (set) {
        const uint32_t rl = params.ratelimit_us;
        if (rl && (rl > ratelimit_max_us || rl < ratelimit_min_us)) return Err(Errno::XEN_EINVAL);
        // Xen logs when limiting is switched on or off; cxen does not, so
        // that the control domain cannot fill the console with it.
        ratelimit_us_.store(rl);
    }
    params.ratelimit_us = ratelimit_us_.load();
    return ok_status();
}

constinit Credit2 credit2_policy;
} // namespace

Scheduler& credit2_scheduler() { return credit2_policy; }

int64_t credit2::vcpu_credit(const Vcpu& v) { return unit(v) ? unit(v)->credit : 0; }

} // namespace cxen
