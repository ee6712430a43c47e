// The round-robin policy: each vCPU stays on the pCPU it was put on (it
// moves only when its hard affinity leaves that pCPU); the eligible vCPUs
// of a pCPU take turns, each for its domain's slice (10 ms unless set with
// adjust()). cxen's first scheduler, kept as one policy behind
// scheduler.hpp; Xen has no such policy (its nearest is credit2 without
// load balancing).
//
// Locking: a pCPU's RrPcpu and the RrUnit links of its vCPUs are covered by
// that pCPU's scheduler lock, which the core holds around every call here
// except alloc_*/free_* and adjust() (RrDom::slice_ns is atomic for them).
#include <atomic>

#include "common/domain.hpp"
#include "lib/base/string.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"
#include "common/sched/scheduler.hpp"
#include "common/softirq.hpp"

namespace cxen {

namespace {
struct RrUnit {
    Vcpu* v = nullptr;
    RrUnit* next = nullptr; ///< on its pCPU's list
};
struct RrPcpu {
    RrUnit* head = nullptr; ///< vCPUs on this pCPU; turns go round from the one after `prev`
};
struct RrDom {
    std::atomic<uint64_t> slice_ns{sched_slice_ns};
};

/// Bounds of a domain's slice: those of Xen's credit tslice_ms
/// (XEN_SYSCTL_CSCHED_TSLICE_MIN/MAX: 1 ms .. 1 s).
constexpr uint64_t rr_slice_min_ns = 1'000'000, rr_slice_max_ns = 1'000'000'000;

RrUnit* unit(const Vcpu& v) { return static_cast<RrUnit*>(v.sched.priv); }

class RoundRobin final : public Scheduler {
  public:
    const char* name() const override { return "Round-robin scheduler"; }
    const char* opt_name() const override { return "rr"; }

    // Per-pCPU data is static (one RrPcpu per possible pCPU): nothing to
    // allocate, nothing to lose.
    Result<void*> alloc_pdata(unsigned cpu) override { return static_cast<void*>(&pcpu_[cpu]); }
    void free_pdata(void* pdata, unsigned) override { static_cast<RrPcpu*>(pdata)->head = nullptr; }

    Result<void*> alloc_domdata(Domain&) override { return static_cast<void*>(TRY(xnew<RrDom>())); }
    void free_domdata(void* domdata) override {
        if (domdata) xdelete(static_cast<RrDom*>(domdata));
    }
    Result<void*> alloc_udata(Vcpu& v, void*) override {
        RrUnit* u = TRY(xnew<RrUnit>());
        u->v = &v;
        return static_cast<void*>(u);
    }
    void free_udata(void* udata) override {
        if (udata) xdelete(static_cast<RrUnit*>(udata));
    }

    void insert_unit(Vcpu& v) override {
        RrUnit* u = unit(v);
        RrPcpu& pc = pcpu_[v.processor.load()];
        u->next = pc.head;
        pc.head = u;
    }
    void remove_unit(Vcpu& v) override { unlink(pcpu_[v.processor.load()], unit(v)); }
    void migrate(Vcpu& v, unsigned new_cpu) override {
        unlink(pcpu_[v.processor.load()], unit(v));
        RrUnit* u = unit(v);
        u->next = pcpu_[new_cpu].head;
        pcpu_[new_cpu].head = u;
    }
    // Every vCPU stays on its list whatever its state; do_schedule() skips
    // those not eligible. A wake-up only pokes the vCPU's pCPU.
    void sleep(Vcpu&) override {}
    void wake(Vcpu& v) override { cpu_raise_softirq(v.processor.load(), SCHEDULE_SOFTIRQ); }
    // The turn already passes to the next vCPU after each run.
    void yield(Vcpu&) override {}

    SchedDecision do_schedule(unsigned cpu, uint64_t, Vcpu* prev) override {
        RrPcpu& pc = pcpu_[cpu];
        RrUnit* start = prev && unit(*prev) && unit(*prev)->next ? unit(*prev)->next : pc.head;
        if (!start) return {};
        RrUnit* u = start;
        do {
            if (sched_vcpu_eligible(*u->v)) {
                const auto* dom = static_cast<const RrDom*>(u->v->domain->sched_priv);
                return {u->v, dom ? dom->slice_ns.load() : sched_slice_ns};
            }
            u = u->next ? u->next : pc.head;
        } while (u != start);
        return {};
    }

    unsigned pick_cpu(const Vcpu& v, const CpuMask& allowed) override {
        const unsigned here = v.processor.load();
        if (allowed.test(here)) return here;
        // Elsewhere: the next allowed pCPU it prefers, else the next allowed.
        const CpuMask preferred = allowed & v.sched.soft_affinity;
        return (preferred.empty() ? allowed : preferred).cycle(here);
    }

    Status adjust(Domain& d, SchedParams& params, bool set) override {
        auto* dom = static_cast<RrDom*>(d.sched_priv);
        if (!dom) return Err(Errno::XEN_EINVAL);
        if (!set) {
            params.slice_ns = dom->slice_ns.load();
            return ok_status();
        }
        if (params.slice_ns < rr_slice_min_ns || params.slice_ns > rr_slice_max_ns) return Err(Errno::XEN_EINVAL);
        dom->slice_ns.store(params.slice_ns);
        return ok_status();
    }

  private:
    static void unlink(RrPcpu& pc, RrUnit* u) {
        for (RrUnit** p = &pc.head; *p; p = &(*p)->next)
            if (*p == u) {
                *p = u->next;
                break;
            }
        u->next = nullptr;
    }
    RrPcpu pcpu_[arch::max_cpus];
};

constinit RoundRobin rr;
} // namespace

Scheduler& rr_scheduler() { return rr; }

} // namespace cxen
