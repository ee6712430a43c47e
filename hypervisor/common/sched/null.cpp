// The null policy (Xen 4.17's xen/common/sched/null.c, behaviour only), for
// static partitioning: each vCPU is assigned a pCPU of its own and a pCPU
// runs only the vCPU assigned to it, with no time slices; vCPUs beyond
// the free pCPUs wait unassigned until one is freed (a vCPU leaves, or
// its affinity moves it), then the free pCPU pulls one it may run
// (Xen's waitqueue).
//
// Assignment follows cxen's core: a vCPU is on its `processor`'s queue, so
// a waiting vCPU stays on the pCPU it was put on, unassigned, and a free
// pCPU takes it with the core's pull (balance_source/balance_pick).
//
// Locking: a pCPU's `assigned` and the `waiting` list are under its
// scheduler lock; `free` and `nr_waiting` are atomics other pCPUs read.
#include <atomic>

#include "common/domain.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "common/sched/scheduler.hpp"
#include "common/softirq.hpp"

namespace cxen {

namespace {
struct NullUnit {
    Vcpu* v = nullptr;
    NullUnit* next = nullptr; ///< on its pCPU's waiting list
};
struct NullPcpu {
    NullUnit* assigned = nullptr;
    NullUnit* waiting = nullptr;
    std::atomic<bool> online{false};
    std::atomic<bool> free{true};
    std::atomic<unsigned> nr_waiting{0};
};

NullUnit* unit(const Vcpu& v) { return static_cast<NullUnit*>(v.sched.priv); }

class NullScheduler final : public Scheduler {
  public:
    const char* name() const override { return "null Scheduler"; } // Xen's name
    const char* opt_name() const override { return "null"; }
    unsigned sched_id() const override { return 9; } // XEN_SCHEDULER_NULL

    Result<void*> alloc_pdata(unsigned cpu) override {
        pc_[cpu].online.store(true);
        return static_cast<void*>(&pc_[cpu]);
    }
    void free_pdata(void* pdata, unsigned) override {
        auto* p = static_cast<NullPcpu*>(pdata);
        p->online.store(false);
        p->assigned = p->waiting = nullptr;
        p->free.store(true);
        p->nr_waiting.store(0);
    }
    Result<void*> alloc_domdata(Domain&) override { return static_cast<void*>(nullptr); }
    void free_domdata(void*) override {}
    Result<void*> alloc_udata(Vcpu& v, void*) override {
        NullUnit* u = TRY(xnew<NullUnit>());
        u->v = &v;
        return static_cast<void*>(u);
    }
    void free_udata(void* udata) override {
        if (udata) xdelete(static_cast<NullUnit*>(udata));
    }

    void insert_unit(Vcpu& v) override { place(v.processor.load(), unit(v)); }
    void remove_unit(Vcpu& v) override { take_off(v.processor.load(), unit(v)); }
    void migrate(Vcpu& v, unsigned new_cpu) override {
        take_off(v.processor.load(), unit(v));
        place(new_cpu, unit(v));
    }
    void sleep(Vcpu&) override {} // its pCPU stays its own, idle
    void wake(Vcpu& v) override { cpu_raise_softirq(v.processor.load(), SCHEDULE_SOFTIRQ); }
    void yield(Vcpu&) override {} // nothing else may run on its pCPU

    SchedDecision do_schedule(unsigned cpu, uint64_t, Vcpu*) override {
        NullUnit* a = pc_[cpu].assigned;
        if (!a && pc_[cpu].waiting) { // free: take one of the waiting here
            for (NullUnit** p = &pc_[cpu].waiting; *p; p = &(*p)->next)
                if ((*p)->v->sched.hard_affinity.test(cpu)) {
                    a = *p;
                    *p = a->next;
                    a->next = nullptr;
                    pc_[cpu].nr_waiting.fetch_sub(1);
                    assign(cpu, a);
                    break;
                }
        }
        if (!a || !sched_vcpu_eligible(*a->v)) return {};
        return {a->v, max_slice_ns}; // no slices: look again only when poked
    }

    unsigned pick_cpu(const Vcpu& v, const CpuMask& allowed) override {
        // A free pCPU, one of its soft affinity first; else where it is, if
        // allowed, else the first allowed (it waits there).
        const CpuMask soft = allowed & v.sched.soft_affinity;
        for (const CpuMask* m : {&soft, &allowed})
            for (unsigned c = m->first(); c < CpuMask::nr_bits; c = m->next(c + 1))
                if (c < arch::max_cpus && pc_[c].free.load()) return c;
        const unsigned here = v.processor.load();
        return allowed.test(here) ? here : allowed.first();
    }

    unsigned balance_source(unsigned cpu, uint64_t) override {
        if (!pc_[cpu].free.load()) return CpuMask::nr_bits;
        for (unsigned c = 0; c < arch::max_cpus; ++c)
            if (c != cpu && pc_[c].online.load() && pc_[c].nr_waiting.load()) return c;
        return CpuMask::nr_bits;
    }
    Vcpu* balance_pick(unsigned from, unsigned to) override {
        if (pc_[to].assigned) return nullptr;
        for (NullUnit* u = pc_[from].waiting; u; u = u->next)
            if (u->v->sched.hard_affinity.test(to) && sched_vcpu_eligible(*u->v)) return u->v;
        return nullptr;
    }

    Status adjust(Domain&, SchedParams&, bool) override { return ok_status(); } // Xen's null has none

  private:
    static constexpr uint64_t max_slice_ns = 1'000'000'000; // re-armed each second; nothing else waits

    void assign(unsigned cpu, NullUnit* u) {
        pc_[cpu].assigned = u;
        pc_[cpu].free.store(false);
    }
    void place(unsigned cpu, NullUnit* u) {
        if (!pc_[cpu].assigned) {
            assign(cpu, u);
            return;
        }
        u->next = pc_[cpu].waiting;
        pc_[cpu].waiting = u;
        pc_[cpu].nr_waiting.fetch_add(1);
        poke_free(u->v->sched.hard_affinity);
    }
    void take_off(unsigned cpu, NullUnit* u) {
        NullPcpu& p = pc_[cpu];
        if (p.assigned == u) {
            p.assigned = nullptr;
            p.free.store(true);
            cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ); // it takes a waiting vCPU
            return;
        }
        for (NullUnit** q = &p.waiting; *q; q = &(*q)->next)
            if (*q == u) {
                *q = u->next;
                p.nr_waiting.fetch_sub(1);
                break;
            }
        u->next = nullptr;
    }
    /// A vCPU waits: poke a free pCPU it may run on, which pulls it.
    void poke_free(const CpuMask& hard) {
        for (unsigned c = hard.first(); c < CpuMask::nr_bits && c < arch::max_cpus; c = hard.next(c + 1))
            if (pc_[c].online.load() && pc_[c].free.load()) {
                cpu_raise_softirq(c, SCHEDULE_SOFTIRQ);
                return;
            }
    }

    NullPcpu pc_[arch::max_cpus];
};

constinit NullScheduler null_policy;
} // namespace

Scheduler& null_scheduler() { return null_policy; }

} // namespace cxen
