// memory_op (public/memory.h) for translated (PVH) guests, as Xen 4.17's
// do_memory_op() (xen/common/memory.c) and arch_memory_op()
// (xen/arch/x86/mm.c). The low 6 bits of the command are the sub-op
// (MEMOP_CMD_MASK), the rest the extent to start from (continuations).
//
// Xen's conventions, kept here: the reservation ops (populate_physmap,
// decrease_reservation, increase_reservation) return the number of extents
// done, never a negative errno (a bad domid, order or array stops at
// start_extent); the others return 0 or -errno. The domain an op names is
// found with a reference (domain_ref_by_any_id(): DOMID_SELF or a domid,
// -ESRCH if none) and the op's XSM hook decides (XSM_TARGET: itself, its
// device model, the control domain; anyone else -EPERM).
//
// Locking: none here. Every p2m change goes through the one writer
// (common/mm/p2m.hpp), under the domain's p2m_lock, with the flush before
// a frame is freed; vCPUs of one domain may run these on several pCPUs at
// once (two decreases of one gfn: one removes it, the other gets -ENOENT).
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "arch/p2m.hpp"
#include "common/event/evtchn.hpp"
#include "common/grant/grant_table.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/memory_op.hpp"
#include "common/mm/p2m.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/time/pvclock.hpp"
#include "common/time/wallclock.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {

/// CONFIG_DOMU_MAX_ORDER (Xen default 9): the largest extent a domU may ask for.
constexpr unsigned domu_max_order = 9;
using arch::p2m_max_gfn;

struct E820Wire { // struct e820entry of XENMEM_memory_map: 20 bytes, packed
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));
static_assert(sizeof(E820Wire) == 20);

// Xen's rcu_lock_domain_by_any_id(), then the op's XSM_TARGET hook.
using MemHook = Status (*)(XsmAction<XsmDefault::target>, const Domain&, const Domain&);
Status target_domain(Vcpu& cur, domid_t domid, MemHook hook, DomainRef& ref) {
    TRY(domain_ref_by_any_id(*cur.domain, domid, ref));
    return hook(XSM_TARGET, *cur.domain, *ref.get());
}

long memory_map(Vcpu& cur, uint64_t arg) {
    xen_memory_map map;
    if (!arch::copy_from_guest(cur, arg, map)) return err(Errno::XEN_EFAULT);
    const Domain& d = *cur.domain;
    if (d.nr_e820 == 0) return err(Errno::XEN_ENOSYS); // "backwards compatibility" in Xen
    if (map.nr_entries > d.nr_e820) map.nr_entries = d.nr_e820;
    const uint64_t buffer = reinterpret_cast<uint64_t>(map.buffer.p);
    for (unsigned i = 0; i < map.nr_entries; ++i) {
        const E820Wire e{d.e820[i].addr, d.e820[i].size, d.e820[i].type};
        if (!arch::copy_to_guest(cur, buffer + i * sizeof(E820Wire), e)) return err(Errno::XEN_EFAULT);
    }
    return arch::copy_to_guest(cur, arg, map) ? 0 : err(Errno::XEN_EFAULT);
}

long reservation_stat(Vcpu& cur, unsigned op, uint64_t arg) {
    domid_t domid;
    if (!arch::copy_from_guest(cur, arg, domid)) return err(Errno::XEN_EFAULT);
    DomainRef ref;
    if (auto st = target_domain(cur, domid, xsm_memory_stat_reservation, ref); !st) return err(st.error());
    const Domain& d = *ref.get();
    return static_cast<long>(op == XENMEM_current_reservation ? d.p2m.ram_pages() : d.max_pages);
}

Status decrease_one(Domain& d, uint64_t gmfn, unsigned order) {
    const uint64_t n = uint64_t{1} << order;
    if (gmfn > p2m_max_gfn || n - 1 > p2m_max_gfn - gmfn) return Err(Errno::XEN_EINVAL);
    for (uint64_t j = 0; j < n; ++j) TRY(p2m_remove_page(d, Gfn{gmfn + j}));
    return ok_status();
}

// populate_physmap() / decrease_reservation() / increase_reservation():
// the number of extents done, from start_extent.
long reservation(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg) {
    xen_memory_reservation r;
    if (!arch::copy_from_guest(cur, arg, r)) return static_cast<long>(start_extent);
    if (r.nr_extents > (UINT32_MAX >> memop_extent_shift)) return static_cast<long>(start_extent);
    if (start_extent >= r.nr_extents) return static_cast<long>(start_extent);
    DomainRef ref;
    if (!target_domain(cur, r.domid, xsm_memory_adjust_reservation, ref)) return static_cast<long>(start_extent);
    Domain& d = *ref.get();
    const unsigned addr_bits = XENMEMF_get_address_bits(r.mem_flags);
    if (addr_bits != 0 && addr_bits <= page_shift) return static_cast<long>(start_extent);
    if (r.extent_order > domu_max_order) return static_cast<long>(start_extent);
    if (op == XENMEM_increase_reservation) {
        // TODO(#3): increase_reservation hands out frames without mapping
        // them, which only PV guests can use; translated guests get 0 done.
        return static_cast<long>(start_extent);
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
        const Status st = op == XENMEM_populate_physmap ? p2m_populate(d, Gfn{gpfn}, r.extent_order)
                                                        : decrease_one(d, gpfn, r.extent_order);
        if (!st) break;
    }
    return static_cast<long>(i);
}
} // namespace

// public/memory.h defines these only for Xen and its tools (__XEN_TOOLS__),
// which this file does not include; the numbers are the ABI's.
constexpr unsigned XENMEM_get_sharing_freed_pages = 18;
constexpr unsigned XENMEM_get_sharing_shared_pages = 19;

long do_memory_op(Vcpu& cur, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0], arg = args.a[1];
    const unsigned op = static_cast<unsigned>(cmd & memop_cmd_mask);
    const uint64_t start_extent = cmd >> memop_extent_shift;
    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation(cur, op, start_extent, arg);
    case XENMEM_maximum_ram_page:
        if (start_extent) return err(Errno::XEN_EINVAL);
        return static_cast<long>(page_allocator().nr_frames());
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation: // Xen ignores start_extent here
        return reservation_stat(cur, op, arg);
    case XENMEM_add_to_physmap:
        return xenmem_add_to_physmap(cur, start_extent, arg);
    case XENMEM_add_to_physmap_batch:
        return xenmem_add_to_physmap_batch(cur, op, start_extent, arg);
    case XENMEM_remove_from_physmap:
        return xenmem_remove_from_physmap(cur, start_extent, arg);
    case XENMEM_acquire_resource:
        return xenmem_acquire_resource(cur, start_extent, arg);
    case XENMEM_memory_map:
        if (start_extent) return err(Errno::XEN_ENOSYS); // arch_memory_op() matches the whole cmd
        return memory_map(cur, arg);
    case XENMEM_get_sharing_freed_pages:
    case XENMEM_get_sharing_shared_pages:
        // Xen without memory sharing (mem_sharing_get_nr_*_mfns()): 0 for
        // anyone, no XSM check; libxl's physinfo wants >= 0 or -ENOSYS.
        if (start_extent) return err(Errno::XEN_ENOSYS); // subarch_memory_op() matches the whole cmd
        return 0;
    default:
        return err(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
