// XENMEM_set_pod_target / XENMEM_get_pod_target as Xen 4.17 answers them
// for an HVM domain without populate-on-demand (arch_memory_op() in
// xen/arch/x86/mm.c, p2m_pod_set_mem_target() and p2m_pod_get_mem_target()
// in xen/arch/x86/mm/p2m-pod.c). Every cxen domain is HVM (PVH) and none
// has PoD entries or a PoD cache, so a domain with pages is left alone
// (Xen's "P == B: nothing to do"): this is what `xl mem-set` of a PVH domU
// or of dom0 sees, after XEN_DOMCTL_max_mem moved max_pages and before the
// balloon driver moves the pages. The answer is always the domain's pages
// and 0 cache pages, 0 entries.
//
// Locking: none here; the p2m lock for the page count.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/memory_op.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

static_assert(sizeof(xen_pod_target) == 40 && offsetof(xen_pod_target, domid) == 32);

namespace {
// p2m_pod_set_mem_target() with pod.count == pod.entry_count == 0.
Status set_mem_target(Domain& d, uint64_t target, uint64_t tot_pages) {
    if (tot_pages > 0) return ok_status(); // populated, no PoD entries: nothing to do
    if (d.is_dying.load()) return ok_status();
    // A domain with no page yet and a target: Xen fills a PoD cache of
    // `target` pages, which cxen has no use for without PoD entries.
    // TODO(#13): populate-on-demand.
    if (target > 0) return Err(Errno::XEN_EOPNOTSUPP);
    return ok_status();
}
} // namespace

long xenmem_pod_target(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg) {
    if (start_extent) return err(Errno::XEN_ENOSYS); // arch_memory_op() matches the whole cmd
    xen_pod_target t;
    if (!arch::copy_from_guest(cur, arg, t)) return err(Errno::XEN_EFAULT);
    DomainRef ref;
    if (auto st = domain_ref_by_any_id(*cur.domain, t.domid, ref); !st) return err(st);
    Domain& d = *ref.get();
    if (auto st = xsm_pod_target(XSM_PRIV, *cur.domain, d); !st) return err(st);
    auto tot_pages = [&d] {
        ReadGuard g(d.p2m_lock);
        return d.p2m.ram_pages();
    };
    if (op == XENMEM_set_pod_target) {
        if (t.target_pages > d.max_pages) return err(Errno::XEN_EINVAL);
        if (auto st = set_mem_target(d, t.target_pages, tot_pages()); !st) return err(st);
    }
    // p2m_pod_get_mem_target(), copied back whole.
    t.tot_pages = tot_pages();
    t.pod_cache_pages = 0;
    t.pod_entries = 0;
    return arch::copy_to_guest(cur, arg, t) ? 0 : err(Errno::XEN_EFAULT);
}

} // namespace cxen
