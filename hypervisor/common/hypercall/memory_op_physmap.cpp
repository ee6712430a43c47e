// The physmap sub-ops of memory_op, as Xen 4.17's do_memory_op() cases,
// xatp_permission_check(), xenmem_add_to_physmap_batch() and x86's
// xenmem_add_to_physmap_one() / p2m_add_foreign() (xen/common/memory.c,
// xen/arch/x86/mm/p2m.c): XENMEM_add_to_physmap, XENMEM_add_to_physmap_batch
// (the control domain's foreign mappings: privcmd's MMAPBATCH_V2 issues one
// per page) and XENMEM_remove_from_physmap (privcmd's unmap).
//
// Errors are Xen's, in Xen's order: the batch fails as a whole only for a
// bad struct, domain, space or continuation, or a fault on its arrays; each
// entry's own result goes to errs[] and the call returns 0.
//
// Locking: none here; every p2m change goes through the one writer
// (common/mm/p2m.hpp).
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "arch/p2m.hpp"
#include "common/grant/grant_table.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/memory_op.hpp"
#include "common/mm/p2m.hpp"
#include "common/mm/xenheap.hpp"
#include "common/time/pvclock.hpp"
#include "common/time/wallclock.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {
using arch::p2m_max_gfn;

// xatp_permission_check(): every cxen domain is translated;
// XENMAPSPACE_dev_mmio is the hardware domain's, into itself only.
Status xatp_permission_check(const Domain& cur, const Domain& d, unsigned space) {
    if (space == XENMAPSPACE_dev_mmio && (!is_hardware_domain(d) || &d != &cur)) return Err(Errno::XEN_EACCES);
    return xsm_add_to_physmap(XSM_TARGET, cur, d);
}

// p2m_add_foreign()'s checks, then the mapping: frame fgfn of domain
// `foreign` at gpfn of d.
Status add_foreign(Domain& cur, Domain& d, uint64_t fgfn, uint64_t gpfn, domid_t foreign) {
    // arch_acquire_resource_check(): until the p2m teardown of a translated
    // domain handles foreign entries, Xen lets only the hardware domain map.
    if (!is_hardware_domain(d)) return Err(Errno::XEN_EPERM);
    // DOMID_XEN names dom_xen, whose shareable pages (trace buffers) cxen
    // does not have: no frame of it can be mapped.
    if (foreign == DOMID_XEN) return Err(Errno::XEN_EINVAL);
    DomainRef fref;
    TRY(domain_ref_remote_by_id(cur, foreign, fref)); // -ESRCH (DOMID_SELF too), -EPERM the caller
    Domain& fd = *fref.get();
    if (&fd == &d) return Err(Errno::XEN_EINVAL);
    TRY(xsm_map_gmfn_foreign(XSM_TARGET, d, fd));
    return p2m_add_foreign(d, Gfn{gpfn}, fd, Gfn{fgfn});
}

// xenmem_add_to_physmap_one(): one frame of `space` at gpfn of d.
Status add_to_physmap_one(Vcpu& cur, Domain& d, unsigned space, domid_t foreign, uint64_t idx, uint64_t gpfn) {
    switch (space) {
    case XENMAPSPACE_shared_info: {
        if (idx != 0 || gpfn > p2m_max_gfn) return Err(Errno::XEN_EINVAL);
        const Mfn mfn = xenheap_virt_to_mfn(d.shared_info);
        // Also unmapped from where it was (Xen finds that through the M2P).
        TRY(p2m_add_xen_frame(d, Gfn{gpfn}, mfn, d.shared_info_gfn));
        // Valid from the first read: the wallclock now, the caller's pvclock
        // now (it was refreshed when it was scheduled in, too); other vCPUs'
        // copies are refreshed by their own pCPUs when they are scheduled in.
        domain_wallclock_refresh(d);
        vcpu_time_refresh(cur);
        return ok_status();
    }
    case XENMAPSPACE_grant_table: {
        if (gpfn > p2m_max_gfn) return Err(Errno::XEN_EINVAL);
        const bool status = idx & XENMAPIDX_grant_table_status;
        // Mapped, and unmapped from the gfn it had, under the table's lock.
        return gnttab_map_frame(d, idx & ~static_cast<xen_ulong_t>(XENMAPIDX_grant_table_status), status, Gfn{gpfn});
    }
    case XENMAPSPACE_gmfn_foreign:
        return add_foreign(*cur.domain, d, idx, gpfn, foreign);
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
        // TODO(#3): moving RAM between gfns; not used by Linux PVH guests.
        return Err(Errno::XEN_ENOSYS);
    default:
        return Err(Errno::XEN_EINVAL); // no frame for this space (dev_mmio on x86 too): Xen's INVALID_MFN case
    }
}
} // namespace

long xenmem_add_to_physmap(Vcpu& cur, uint64_t start_extent, uint64_t arg) {
    if (start_extent) return err(Errno::XEN_EDOM); // only gmfn_range continues
    xen_add_to_physmap xatp;
    if (!arch::copy_from_guest(cur, arg, xatp)) return err(Errno::XEN_EFAULT);
    if (xatp.space == XENMAPSPACE_gmfn_foreign) return err(Errno::XEN_ENOSYS); // only via the _batch form
    DomainRef ref;
    if (auto st = domain_ref_by_any_id(*cur.domain, xatp.domid, ref); !st) return err(st);
    Domain& d = *ref.get();
    if (auto st = xatp_permission_check(*cur.domain, d, xatp.space); !st) return err(st);
    const Status st = add_to_physmap_one(cur, d, xatp.space, DOMID_INVALID, xatp.idx, xatp.gpfn);
    return st ? 0 : err(st);
}

long xenmem_add_to_physmap_batch(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg) {
    if (start_extent > UINT16_MAX) return err(Errno::XEN_EDOM); // size is 16 bits: a bogus continuation
    xen_add_to_physmap_batch b;
    if (!arch::copy_from_guest(cur, arg, b)) return err(Errno::XEN_EFAULT);
    if (b.space == XENMAPSPACE_gmfn_range) return err(Errno::XEN_EOPNOTSUPP); // not in batch form
    DomainRef ref;
    if (auto st = domain_ref_by_any_id(*cur.domain, b.domid, ref); !st) return err(st);
    Domain& d = *ref.get();
    if (auto st = xatp_permission_check(*cur.domain, d, b.space); !st) return err(st);
    uint64_t extent = start_extent;
    if (b.size < extent) return err(Errno::XEN_EILSEQ);
    if (b.size == extent) return extent ? err(Errno::XEN_EILSEQ) : 0;
    if (b.space == XENMAPSPACE_dev_mmio && b.u.res0) return err(Errno::XEN_EOPNOTSUPP); // reserved
    const uint64_t idxs = reinterpret_cast<uint64_t>(b.idxs.p);
    const uint64_t gpfns = reinterpret_cast<uint64_t>(b.gpfns.p);
    const uint64_t errs = reinterpret_cast<uint64_t>(b.errs.p);
    while (b.size > extent) {
        xen_ulong_t idx;
        xen_pfn_t gpfn;
        if (!arch::copy_from_guest(cur, idxs + extent * sizeof(idx), idx) ||
            !arch::copy_from_guest(cur, gpfns + extent * sizeof(gpfn), gpfn))
            return err(Errno::XEN_EFAULT);
        if (gpfn == ~xen_pfn_t{0}) return err(Errno::XEN_EINVAL); // INVALID_GFN
        const Status st = add_to_physmap_one(cur, d, b.space, b.u.foreign_domid, idx, gpfn);
        const int rc = st ? 0 : -static_cast<int>(st.error());
        if (!arch::copy_to_guest(cur, errs + extent * sizeof(rc), rc)) return err(Errno::XEN_EFAULT);
        // Not after the last one: the call is then complete.
        if (b.size > ++extent && hypercall_preempt_check()) {
            hypercall_create_continuation(cur, 2, {{op | (extent << memop_extent_shift), arg, 0, 0, 0}});
            return 0;
        }
    }
    return 0;
}

long xenmem_remove_from_physmap(Vcpu& cur, uint64_t start_extent, uint64_t arg) {
    if (start_extent) return err(Errno::XEN_EINVAL);
    xen_remove_from_physmap x;
    if (!arch::copy_from_guest(cur, arg, x)) return err(Errno::XEN_EFAULT);
    DomainRef ref;
    if (auto st = domain_ref_by_any_id(*cur.domain, x.domid, ref); !st) return err(st);
    Domain& d = *ref.get();
    if (auto st = xsm_remove_from_physmap(XSM_TARGET, *cur.domain, d); !st) return err(st);
    // Xen: get_page_from_gfn() finds nothing (-ENOENT), else the entry goes.
    const Status st = p2m_remove_from_physmap(d, Gfn{x.gpfn});
    return st ? 0 : err(st);
}

} // namespace cxen
