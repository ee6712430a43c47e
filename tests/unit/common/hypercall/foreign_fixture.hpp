// Shared set-up of the foreign-mapping tests (memory_op_physmap_test.cpp,
// memory_op_resource_test.cpp): a hardware domain (domid 0, privileged) and
// domUs made with domain_create(), the grant fixture's leak checks (machine
// frames, grant tables, heap), guest memory where the hypercalls' arguments
// live (fake_guest_memory(): gva == gpa), and a pending softirq on demand
// so that long ops stop with a continuation.
#pragma once

#include "../grant/grant_fixture.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/p2m.hpp"
#include "common/softirq.hpp"

namespace cxen::test {

class ForeignTest : public GrantTest {
  protected:
    static constexpr uint64_t args_gva = 0x1000, idxs_gva = 0x2000, gpfns_gva = 0x3000, errs_gva = 0x4000;
    static constexpr uint64_t hole_gfn = 0x80000; // dom0's unpopulated space: no RAM there
    static long neg(Errno e) { return -static_cast<long>(e); }

    void SetUp() override {
        GrantTest::SetUp();
        arch::fake_guest_memory().assign(0x10000, 0);
        dom0 = &make(0);
        dom0->is_privileged = true;
        domu = &make(1);
        v0.domain = dom0;
        vu.domain = domu;
    }

    template <typename T> static void put(uint64_t gva, const T& t) {
        std::memcpy(arch::fake_guest_memory().data() + gva, &t, sizeof(t));
    }
    template <typename T> static T get(uint64_t gva) {
        T t;
        std::memcpy(&t, arch::fake_guest_memory().data() + gva, sizeof(t));
        return t;
    }
    static long memory_op(Vcpu& v, uint64_t cmd, uint64_t arg = args_gva) {
        return do_memory_op(v, HypercallArgs{{cmd, arg, 0, 0, 0}});
    }
    /// XENMEM_add_to_physmap_batch of idxs -> gpfns in `domid`.
    static long batch(Vcpu& v, domid_t domid, uint16_t space, domid_t foreign, const std::vector<uint64_t>& idxs,
                      const std::vector<uint64_t>& gpfns, uint64_t start = 0) {
        for (size_t i = 0; i < idxs.size(); ++i) put(idxs_gva + 8 * i, idxs[i]);
        for (size_t i = 0; i < gpfns.size(); ++i) put(gpfns_gva + 8 * i, gpfns[i]);
        for (size_t i = 0; i < idxs.size(); ++i) put(errs_gva + 4 * i, int{0x5a5a});
        xen_add_to_physmap_batch b{};
        b.domid = domid;
        b.space = space;
        b.size = static_cast<uint16_t>(idxs.size());
        b.u.foreign_domid = foreign;
        b.idxs.p = reinterpret_cast<xen_ulong_t*>(idxs_gva);
        b.gpfns.p = reinterpret_cast<xen_pfn_t*>(gpfns_gva);
        b.errs.p = reinterpret_cast<int*>(errs_gva);
        put(args_gva, b);
        return memory_op(v, XENMEM_add_to_physmap_batch | (start << 6));
    }
    /// privcmd's one-page map: the hypercall's result, else errs[0].
    static long map_one(Vcpu& v, domid_t foreign, uint64_t fgfn, uint64_t gfn) {
        const long rc = batch(v, DOMID_SELF, XENMAPSPACE_gmfn_foreign, foreign, {fgfn}, {gfn});
        return rc ? rc : errs(0);
    }
    static int errs(unsigned i) { return get<int>(errs_gva + 4 * i); }
    static long remove(Vcpu& v, uint64_t gfn, domid_t domid = DOMID_SELF) {
        put(args_gva, xen_remove_from_physmap{domid, gfn});
        return memory_op(v, XENMEM_remove_from_physmap);
    }
    static bool allocated(Mfn m) {
        Mfn head;
        unsigned order;
        return grant_machine().allocated_block_of(m, head, order);
    }

    /// Make the next preempt check say "stop" (work pending on this pCPU).
    struct PendingWork {
        SoftirqHandler timer = open_softirq(TIMER_SOFTIRQ, [] {});
        SoftirqHandler sched = open_softirq(SCHEDULE_SOFTIRQ, [] {});
        PendingWork() { raise_softirq(SCHEDULE_SOFTIRQ); }
        ~PendingWork() {
            process_pending_softirqs();
            open_softirq(TIMER_SOFTIRQ, timer);
            open_softirq(SCHEDULE_SOFTIRQ, sched);
        }
    };

    Domain* dom0 = nullptr;
    Domain* domu = nullptr;
    Vcpu v0, vu;
};

} // namespace cxen::test
