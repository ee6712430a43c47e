// memory_op (public/memory.h) for translated (PVH) guests, as Xen 4.17's
// do_memory_op() (xen/common/memory.c) and arch_memory_op()
// (xen/arch/x86/mm.c): the dispatcher. The low 6 bits of the command are
// the sub-op (MEMOP_CMD_MASK), the rest the extent to start from
// (continuations); each sub-op's file (memory_op.hpp) says what it makes of
// a start extent it does not expect, as Xen does.
//
// Xen's conventions, kept here: the reservation ops return the number of
// extents done, never a negative errno; the others return 0, a count or
// -errno. The domain an op names is found with a reference
// (domain_ref_by_any_id(): DOMID_SELF or a domid, -ESRCH if none) and the
// op's XSM hook decides (XSM_TARGET: itself, its device model, the control
// domain; XSM_PRIV: the control domain; anyone else -EPERM).
//
// Locking: none here (see each part).
#include "abi/xen/xen.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/memory_op.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen {

// public/memory.h defines these only for Xen and its tools (__XEN_TOOLS__),
// which this file does not include; the numbers are the ABI's.
constexpr unsigned XENMEM_get_sharing_freed_pages = 18;
constexpr unsigned XENMEM_get_sharing_shared_pages = 19;
constexpr unsigned XENMEM_claim_pages = 24;

long do_memory_op(Vcpu& cur, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0], arg = args.a[1];
    const unsigned op = static_cast<unsigned>(cmd & memop_cmd_mask);
    const uint64_t start_extent = cmd >> memop_extent_shift;
    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return xenmem_reservation(cur, op, start_extent, arg);
    case XENMEM_maximum_ram_page:
        if (start_extent) return err(Errno::XEN_EINVAL);
        return static_cast<long>(page_allocator().nr_frames()); // Xen's max_page
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return xenmem_reservation_stat(cur, op, start_extent, arg);
    case XENMEM_claim_pages:
        return xenmem_claim_pages(cur, start_extent, arg);
    case XENMEM_add_to_physmap:
        return xenmem_add_to_physmap(cur, start_extent, arg);
    case XENMEM_add_to_physmap_batch:
        return xenmem_add_to_physmap_batch(cur, op, start_extent, arg);
    case XENMEM_remove_from_physmap:
        return xenmem_remove_from_physmap(cur, start_extent, arg);
    case XENMEM_acquire_resource:
        return xenmem_acquire_resource(cur, start_extent, arg);
    case XENMEM_set_memory_map:
        return xenmem_set_memory_map(cur, start_extent, arg);
    case XENMEM_memory_map:
        return xenmem_memory_map(cur, start_extent, arg);
    case XENMEM_set_pod_target:
    case XENMEM_get_pod_target:
        return xenmem_pod_target(cur, op, start_extent, arg);
    case XENMEM_machphys_mapping:
        // hvm_memory_op() refuses it (and machine_memory_map) to HVM callers.
        return err(Errno::XEN_ENOSYS);
    case XENMEM_get_sharing_freed_pages:
    case XENMEM_get_sharing_shared_pages:
        // Xen without memory sharing (mem_sharing_get_nr_*_mfns()): 0 for
        // anyone, no XSM check; libxl's physinfo wants >= 0 or -ENOSYS.
        if (start_extent) return err(Errno::XEN_ENOSYS); // subarch_memory_op() matches the whole cmd
        return 0;
    default:
        // Among them XENMEM_machphys_mfn_list: cxen keeps no M2P table.
        return err(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
