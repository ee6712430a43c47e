// The reservation sub-ops of memory_op, on the caller's own domain or, for
// the control domain, on a domain it builds: as Xen 4.17's do_memory_op()
// cases with construct_memop_from_reservation(), propagate_node(),
// max_order(), populate_physmap(), decrease_reservation() and
// increase_reservation(), XENMEM_claim_pages, and the counts
// current_reservation / maximum_reservation / maximum_gpfn
// (xen/common/memory.c).
//
// The reservation ops return the number of extents done, never a negative
// errno: a bad domid, order, flag or array stops at start_extent (or at the
// extent that failed). The others return 0, a count, or -errno.
//
// Pages populated for a domain are its own: charged to it (its p2m's RAM
// count against its max_pages), drawn from its claim if it has one
// (common/mm/claim.hpp), freed when it gives them back or is destroyed.
// The target may be paused and have no vCPU: nothing here needs one.
//
// Locking: none here; the p2m's one writer (common/mm/p2m.hpp) and the page
// allocator take theirs.
#include "abi/xen/sysctl.hpp" // first: __XEN_TOOLS__, for XENMEM_claim_pages

#include "arch/guest_access.hpp"
#include "arch/p2m.hpp"
#include "common/console/guest_log.hpp"
#include "common/host_info.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/memory_op.hpp"
#include "common/mm/claim.hpp"
#include "common/mm/p2m.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {
using arch::p2m_max_gfn;

// The largest extent each kind of caller may ask for (memop-max-order's
// defaults on x86: CONFIG_DOMU_MAX_ORDER, CONFIG_CTLDOM_MAX_ORDER =
// CONFIG_PAGEALLOC_MAX_ORDER, CONFIG_HWDOM_MAX_ORDER), and MAX_ORDER (=
// CONFIG_PAGEALLOC_MAX_ORDER): 2 MiB for a domU, 1 GiB for the control
// domain, which libxenguest's HVM builder tries first.
constexpr unsigned domu_max_order = 9;
constexpr unsigned ctldom_max_order = 18;
constexpr unsigned hwdom_max_order = 12;
constexpr unsigned memop_max_order = 18;
// MAX_NUMNODES (CONFIG_NR_NUMA_NODES's default): the node numbers a
// privileged caller may name.
constexpr unsigned max_numnodes = 64;
constexpr unsigned numa_no_node = 0xff;

// What construct_memop_from_reservation() makes of mem_flags.
struct MemopFlags {
    bool pod = false;        // XENMEMF_populate_on_demand (populate only)
    bool no_memory = false;  // an exact node request for a node the host lacks: every allocation fails
};

// construct_memop_from_reservation() with propagate_node(): -EINVAL when the
// flags name something Xen refuses.
Status construct_memop(const Domain& cur, const xen_memory_reservation& r, MemopFlags& f) {
    const unsigned address_bits = XENMEMF_get_address_bits(r.mem_flags);
    // get_order_from_pages(max_page) + PAGE_SHIFT: wider limits restrict nothing.
    const uint64_t max_page = page_allocator().nr_frames();
    unsigned host_bits = page_shift;
    while ((uint64_t{1} << (host_bits - page_shift)) < max_page) ++host_bits;
    if (address_bits != 0 && address_bits < host_bits) {
        if (address_bits <= page_shift) return Err(Errno::XEN_EINVAL);
        // TODO(#13): MEMF_bits (memory below 2^address_bits) is not
        // honoured: the buddy allocator has no zones. No caller of cxen
        // asks on a host small enough for the limit to bite.
    }
    if (r.mem_flags & XENMEMF_vnode) {
        // d->vnuma is never set (no XEN_DOMCTL_setvnumainfo): Xen then
        // ignores the node.
        return ok_status();
    }
    const unsigned node = XENMEMF_get_node(r.mem_flags);
    if (node == numa_no_node) return ok_status();
    if (is_hardware_domain(cur) || is_control_domain(cur)) {
        if (node >= max_numnodes) return Err(Errno::XEN_EINVAL);
        // MEMF_exact_node: only that node; the host has nodes [0, host_nr_nodes).
        if ((r.mem_flags & XENMEMF_exact_node_request) && node >= host_nr_nodes) f.no_memory = true;
    } else if (r.mem_flags & XENMEMF_exact_node_request) {
        return Err(Errno::XEN_EINVAL);
    }
    return ok_status();
}

// decrease_reservation()'s inner loop: guest_remove_page() of each page of
// the extent; the first that fails stops the call.
Status decrease_one(Domain& d, uint64_t gmfn, unsigned order) {
    const uint64_t n = uint64_t{1} << order;
    if (gmfn > p2m_max_gfn || n - 1 > p2m_max_gfn - gmfn) return Err(Errno::XEN_EINVAL);
    for (uint64_t j = 0; j < n; ++j) TRY(p2m_remove_page(d, Gfn{gmfn + j}));
    return ok_status();
}

// populate_physmap()'s body for one extent.
Status populate_one(Domain& d, const MemopFlags& f, uint64_t gpfn, unsigned order) {
    if (f.pod) {
        // Xen refuses PoD on oneself; on another (HVM) domain it marks the
        // range populate-on-demand, which cxen's p2m has no entries for:
        // the extent fails either way here.
        // TODO(#13): populate-on-demand (xl.cfg memory < maxmem).
        return Err(Errno::XEN_EOPNOTSUPP);
    }
    if (f.no_memory) return Err(Errno::XEN_ENOMEM);
    return p2m_populate(d, Gfn{gpfn}, order);
}
} // namespace

unsigned xenmem_max_order(const Domain& cur) {
    // cxen has no passthrough: cache_flush_permitted() is false for all.
    unsigned order = domu_max_order;
    if (is_control_domain(cur) && order < ctldom_max_order) order = ctldom_max_order;
    if (is_hardware_domain(cur) && order < hwdom_max_order) order = hwdom_max_order;
    return order < memop_max_order ? order : memop_max_order;
}

long xenmem_reservation(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg) {
    const long done_none = static_cast<long>(start_extent);
    xen_memory_reservation r;
    if (!arch::copy_from_guest(cur, arg, r)) return done_none;
    // Is it too large to encode a continuation in cmd?
    if (r.nr_extents > (UINT32_MAX >> memop_extent_shift)) return done_none;
    if (start_extent >= r.nr_extents) return done_none;
    DomainRef ref;
    if (!domain_ref_by_any_id(*cur.domain, r.domid, ref)) return done_none;
    Domain& d = *ref.get();
    MemopFlags f;
    if (!construct_memop(*cur.domain, r, f)) return done_none;
    f.pod = op == XENMEM_populate_physmap && (r.mem_flags & XENMEMF_populate_on_demand);
    if (!xsm_memory_adjust_reservation(XSM_TARGET, *cur.domain, d)) return done_none;
    // Each op's own limit on the extent size (PoD's is MAX_ORDER).
    if (r.extent_order > (f.pod ? memop_max_order : xenmem_max_order(*cur.domain))) return done_none;
    if (op == XENMEM_increase_reservation) {
        // TODO(#13): increase_reservation hands out frames without mapping
        // them, which only PV guests can use; translated guests get 0 done.
        return done_none;
    }
    const uint64_t list = reinterpret_cast<uint64_t>(r.extent_start.p);
    // With work waiting on this pCPU, stop every hypercall_preempt_interval
    // extents and continue from extent i in a re-executed hypercall (Xen's
    // memory_op encodes it in cmd above MEMOP_EXTENT_SHIFT, as the guest may
    // too).
    uint64_t i = start_extent;
    for (; i < r.nr_extents; ++i) {
        if (i != start_extent && (i - start_extent) % hypercall_preempt_interval == 0 && hypercall_preempt_check()) {
            hypercall_create_continuation(cur, 2, {{op | (i << memop_extent_shift), arg, 0, 0, 0}});
            return 0;
        }
        xen_pfn_t gpfn;
        if (!arch::copy_from_guest(cur, list + i * sizeof(xen_pfn_t), gpfn)) break;
        const Status st = op == XENMEM_populate_physmap ? populate_one(d, f, gpfn, r.extent_order)
                                                        : decrease_one(d, gpfn, r.extent_order);
        if (!st) {
            // Xen's populate_physmap() says so too (gdprintk, XENLOG_INFO).
            if (op == XENMEM_populate_physmap)
                guest_log(*cur.domain, LogLevel::info,
                          "d%u: could not allocate order=%u extent for d%u at gfn %#lx: memflags=%#x (%lu of %lu): error %ld\n",
                          cur.domain->domid, r.extent_order, d.domid, static_cast<unsigned long>(gpfn), r.mem_flags,
                          static_cast<unsigned long>(i), static_cast<unsigned long>(r.nr_extents), err(st.error()));
            break;
        }
    }
    return static_cast<long>(i);
}

long xenmem_reservation_stat(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg) {
    if (start_extent) return err(Errno::XEN_EINVAL);
    xen_memory_domain md;
    if (!arch::copy_from_guest(cur, arg, md)) return err(Errno::XEN_EFAULT);
    DomainRef ref;
    if (auto st = domain_ref_by_any_id(*cur.domain, md.domid, ref); !st) return err(st);
    Domain& d = *ref.get();
    if (auto st = xsm_memory_stat_reservation(XSM_TARGET, *cur.domain, d); !st) return err(st);
    switch (op) {
    case XENMEM_current_reservation: {
        ReadGuard g(d.p2m_lock);
        return static_cast<long>(d.p2m.ram_pages()); // domain_tot_pages()
    }
    case XENMEM_maximum_reservation:
        return static_cast<long>(d.max_pages);
    default: { // XENMEM_maximum_gpfn: an HVM domain's max_mapped_pfn
        ReadGuard g(d.p2m_lock);
        return static_cast<long>(d.p2m.max_mapped_gfn());
    }
    }
}

long xenmem_claim_pages(Vcpu& cur, uint64_t start_extent, uint64_t arg) {
    if (start_extent) return err(Errno::XEN_EINVAL);
    xen_memory_reservation r;
    if (!arch::copy_from_guest(cur, arg, r)) return err(Errno::XEN_EFAULT);
    if (r.extent_start.p != nullptr || r.extent_order != 0 || r.mem_flags != 0) return err(Errno::XEN_EINVAL);
    DomainRef ref;
    // rcu_lock_domain_by_id(): no DOMID_SELF, and a missing domain is -EINVAL here.
    if (!domain_ref_by_id(r.domid, ref)) return err(Errno::XEN_EINVAL);
    Domain& d = *ref.get();
    if (auto st = xsm_claim_pages(XSM_PRIV, *cur.domain, d); !st) return err(st);
    const Status st = domain_set_outstanding_pages(d, r.nr_extents);
    return st ? 0 : err(st);
}

} // namespace cxen
