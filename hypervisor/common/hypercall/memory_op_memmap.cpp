// A domain's memory map through memory_op, as Xen 4.17's arch_memory_op()
// cases (xen/arch/x86/mm.c): XENMEM_set_memory_map (the control domain sets
// the e820 of a domain it builds, libxl's xc_domain_set_memory_map()) and
// XENMEM_memory_map (the guest reads its own). Both are matched on the
// whole cmd, as arch_memory_op() does: a start extent makes them unknown
// (-ENOSYS).
//
// Locking: none here; the map's own lock (common/mm/domain_e820.hpp).
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/memory_op.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

static_assert(sizeof(xen_memory_map) == 16 && offsetof(xen_memory_map, buffer) == 8);
static_assert(sizeof(xen_foreign_memory_map) == 24 && offsetof(xen_foreign_memory_map, map) == 8);

long xenmem_set_memory_map(Vcpu& cur, uint64_t start_extent, uint64_t arg) {
    if (start_extent) return err(Errno::XEN_ENOSYS);
    xen_foreign_memory_map fmap;
    if (!arch::copy_from_guest(cur, arg, fmap)) return err(Errno::XEN_EFAULT);
    if (fmap.map.nr_entries > e820_max_entries) return err(Errno::XEN_EINVAL);
    DomainRef ref;
    if (auto st = domain_ref_by_any_id(*cur.domain, fmap.domid, ref); !st) return err(st);
    Domain& d = *ref.get();
    if (auto st = xsm_domain_memory_map(XSM_TARGET, *cur.domain, d); !st) return err(st);
    const Status st = d.e820.set_from_guest(cur, reinterpret_cast<uint64_t>(fmap.map.buffer.p), fmap.map.nr_entries);
    return st ? 0 : err(st);
}

long xenmem_memory_map(Vcpu& cur, uint64_t start_extent, uint64_t arg) {
    if (start_extent) return err(Errno::XEN_ENOSYS);
    xen_memory_map map;
    if (!arch::copy_from_guest(cur, arg, map)) return err(Errno::XEN_EFAULT);
    unsigned n = map.nr_entries;
    if (auto st = cur.domain->e820.copy_to(cur, reinterpret_cast<uint64_t>(map.buffer.p), n); !st) return err(st);
    map.nr_entries = n;
    return arch::copy_to_guest(cur, arg, map) ? 0 : err(Errno::XEN_EFAULT);
}

} // namespace cxen
