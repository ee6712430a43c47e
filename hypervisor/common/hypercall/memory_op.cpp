// memory_op (public/memory.h) for translated (PVH) guests, as Xen 4.17's
// do_memory_op() (xen/common/memory.c) and arch_memory_op()
// (xen/arch/x86/mm.c). The low 6 bits of the command are the sub-op
// (MEMOP_CMD_MASK), the rest the extent to start from (continuations).
//
// Xen's conventions, kept here: the reservation ops (populate_physmap,
// decrease_reservation, increase_reservation) return the number of extents
// done, never a negative errno (a bad domid, order or array stops at
// start_extent); the others return 0 or -errno. A domain may act on itself
// (DOMID_SELF or its own domid); any other existing domain is -EPERM (XSM
// dummy policy XSM_TARGET for a domU), a missing one -ESRCH.
//
// Locking: the p2m of a domain changes only in its own vCPUs' hypercalls
// and at build time. TODO(#3): a per-domain p2m lock once vCPUs of one
// domain run these concurrently on several pCPUs.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "arch/p2m.hpp"
#include "common/event/evtchn.hpp"
#include "common/grant/grant_table.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/domain_ram.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/time/pvclock.hpp"

namespace cxen {

namespace {
using arch::P2mType;

constexpr long err(Errno e) { return -static_cast<long>(e); }
constexpr unsigned memop_extent_shift = 6; // MEMOP_EXTENT_SHIFT (public/memory.h, __XEN__ only)
constexpr uint64_t memop_cmd_mask = (1u << memop_extent_shift) - 1; // MEMOP_CMD_MASK
/// CONFIG_DOMU_MAX_ORDER (Xen default 9): the largest extent a domU may ask for.
constexpr unsigned domu_max_order = 9;
/// Guest frames the 4-level p2m can hold (48-bit guest-physical addresses).
constexpr uint64_t p2m_max_gfn = (uint64_t{1} << (48 - page_shift)) - 1;

struct E820Wire { // struct e820entry of XENMEM_memory_map: 20 bytes, packed
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));
static_assert(sizeof(E820Wire) == 20);

bool is_ram(P2mType t) { return t == P2mType::ram_rw || t == P2mType::ram_ro; }

// rcu_lock_domain_by_any_id() + xsm XSM_TARGET for a domU caller.
Result<Domain*> target_domain(Vcpu& cur, domid_t domid) {
    if (domid == DOMID_SELF) return cur.domain;
    Domain* d = domain_by_id(domid);
    if (!d) return Err(Errno::XEN_ESRCH);
    if (d != cur.domain) return Err(Errno::XEN_EPERM);
    return d;
}

// Is a registered vcpu_info, or FIFO event-channel state, of d inside guest frame gfn?
bool holds_vcpu_info(Domain& d, uint64_t gfn) {
    auto page = arch::map_guest_ram_frame(d, gfn);
    if (!page) return false;
    if (evtchn_uses_guest_frame(d, page.value())) return true; // a FIFO control block or event array
    const auto base = reinterpret_cast<uintptr_t>(page.value());
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        const Vcpu* v = d.vcpus[i];
        if (v && v->vcpu_info_registered && reinterpret_cast<uintptr_t>(v->vcpu_info) - base < page_size) return true;
    }
    return false;
}

// Take the page at gfn out of d's p2m: RAM goes back to the allocator,
// hypervisor pages (shared_info, grant frames) are only unhooked.
// Xen's guest_remove_page(): -ENOENT when nothing is mapped there.
Status remove_page(Domain& d, uint64_t gfn) {
    const arch::P2mEntry e = d.p2m.lookup(Gfn{gfn});
    if (e.type == P2mType::invalid) return Err(Errno::XEN_ENOENT);
    // Another domain's frame, grant-mapped: not d's to free (Xen's
    // get_page(page, d) fails: -ENXIO); GNTTABOP_unmap_grant_ref removes it.
    if (e.type == P2mType::grant_map_rw || e.type == P2mType::grant_map_ro) return Err(Errno::XEN_ENXIO);
    // TODO(#3): Xen keeps a page alive while a vcpu_info is registered in
    // it (a reference); cxen refuses to take such a page away instead.
    if (is_ram(e.type) && holds_vcpu_info(d, gfn)) return Err(Errno::XEN_EBUSY);
    TRY(d.p2m.clear_entry(Gfn{gfn}));
    arch::p2m_flush_guest_tlbs(d); // no vCPU may still reach the frame
    if (is_ram(e.type)) free_domain_ram(e.mfn, 0);
    if (e.type == P2mType::xen_page && d.shared_info_gfn == gfn) d.shared_info_gfn = ~0ull;
    return ok_status();
}

// Map the hypervisor frame `mfn` at gpfn, replacing whatever was there
// (xenmem_add_to_physmap_one(): RAM there is freed, special pages unhooked).
Status map_xen_frame(Domain& d, Mfn mfn, uint64_t gpfn) {
    const arch::P2mEntry prev = d.p2m.lookup(Gfn{gpfn});
    if (prev.type == P2mType::xen_page && prev.mfn == mfn) return ok_status();
    if (prev.type != P2mType::invalid) TRY(remove_page(d, gpfn));
    return d.p2m.set_entry(Gfn{gpfn}, mfn, 0, P2mType::xen_page);
}

long add_to_physmap(Vcpu& cur, const xen_add_to_physmap& xatp) {
    if (xatp.space == XENMAPSPACE_gmfn_foreign) return err(Errno::XEN_ENOSYS); // only via the _batch form
    auto target = target_domain(cur, xatp.domid);
    if (!target) return err(target.error());
    Domain& d = *target.value();
    const uint64_t gpfn = xatp.gpfn;
    switch (xatp.space) {
    case XENMAPSPACE_shared_info: {
        if (xatp.idx != 0 || gpfn > p2m_max_gfn) return err(Errno::XEN_EINVAL);
        const Mfn mfn = xenheap_virt_to_mfn(d.shared_info);
        const uint64_t old_gfn = d.shared_info_gfn;
        if (auto st = map_xen_frame(d, mfn, gpfn); !st) return err(st.error());
        // Unmap from the old location (Xen finds it through the M2P).
        if (old_gfn != ~0ull && old_gfn != gpfn) (void)d.p2m.clear_entry(Gfn{old_gfn});
        d.shared_info_gfn = gpfn;
        // Valid from the first read: the wallclock now, the caller's pvclock
        // now (it was refreshed when it was scheduled in, too); other vCPUs'
        // copies are refreshed by their own pCPUs when they are scheduled in.
        domain_wallclock_refresh(d);
        vcpu_time_refresh(cur);
        return 0;
    }
    case XENMAPSPACE_grant_table: {
        if (gpfn > p2m_max_gfn) return err(Errno::XEN_EINVAL);
        const bool status = xatp.idx & XENMAPIDX_grant_table_status;
        auto mfn = gnttab_get_frame(d, xatp.idx & ~static_cast<xen_ulong_t>(XENMAPIDX_grant_table_status), status);
        if (!mfn) return err(mfn.error());
        // TODO(#3): a grant frame mapped before at another gfn stays mapped
        // there too (Xen unmaps the old gfn, found through the M2P).
        const Status st = map_xen_frame(d, mfn.value(), gpfn);
        if (st) // the M2P update: GNTTABOP_setup_table reports this gfn
            gnttab_set_frame_gfn(d, xatp.idx & ~static_cast<xen_ulong_t>(XENMAPIDX_grant_table_status), status,
                                 Gfn{gpfn});
        return st ? 0 : err(st.error());
    }
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
        // TODO(#3): moving RAM between gfns; not used by Linux PVH domUs.
        return err(Errno::XEN_ENOSYS);
    default:
        return err(Errno::XEN_EINVAL); // no frame for this space: Xen's INVALID_MFN case
    }
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
    auto target = target_domain(cur, domid);
    if (!target) return err(target.error());
    const Domain& d = *target.value();
    return static_cast<long>(op == XENMEM_current_reservation ? d.p2m.ram_pages() : d.max_pages);
}

// Allocate, scrub and map one extent of 2^order pages at gpfn; RAM already
// there is freed first (Xen leaves it allocated to the domain, unmapped).
Status populate_one(Domain& d, uint64_t gpfn, unsigned order) {
    const uint64_t n = uint64_t{1} << order;
    if (gpfn > p2m_max_gfn || n - 1 > p2m_max_gfn - gpfn) return Err(Errno::XEN_EINVAL);
    uint64_t replaced = 0;
    for (uint64_t i = 0; i < n; ++i)
        if (is_ram(d.p2m.lookup(Gfn{gpfn + i}).type)) ++replaced;
    if (d.p2m.ram_pages() - replaced + n > d.max_pages) return Err(Errno::XEN_ENOMEM); // over-allocation
    const Mfn mfn = TRY(page_allocator().alloc(order));
    arch::clear_frames(mfn, order);
    for (uint64_t i = 0; i < n; ++i)
        if (d.p2m.lookup(Gfn{gpfn + i}).type != P2mType::invalid) {
            if (auto st = remove_page(d, gpfn + i); !st) {
                page_allocator().free(mfn, order);
                return st;
            }
        }
    // The p2m maps an extent in one entry when it is aligned, else page by page.
    Status st = ok_status();
    if ((gpfn & (n - 1)) == 0 && (order == 0 || order == 9)) {
        st = d.p2m.set_entry(Gfn{gpfn}, mfn, order, P2mType::ram_rw);
    } else {
        if (order) page_allocator().split(mfn, order);
        for (uint64_t i = 0; i < n && st; ++i) st = d.p2m.set_entry(Gfn{gpfn + i}, mfn + i, 0, P2mType::ram_rw);
        if (!st) {
            for (uint64_t i = 0; i < n; ++i) {
                const arch::P2mEntry e = d.p2m.lookup(Gfn{gpfn + i});
                if (is_ram(e.type) && raw(e.mfn) - raw(mfn) < n) (void)d.p2m.clear_entry(Gfn{gpfn + i});
            }
            free_domain_ram(mfn, order);
            return st;
        }
        return ok_status();
    }
    if (!st) page_allocator().free(mfn, order);
    return st;
}

Status decrease_one(Domain& d, uint64_t gmfn, unsigned order) {
    const uint64_t n = uint64_t{1} << order;
    if (gmfn > p2m_max_gfn || n - 1 > p2m_max_gfn - gmfn) return Err(Errno::XEN_EINVAL);
    for (uint64_t j = 0; j < n; ++j) TRY(remove_page(d, gmfn + j));
    return ok_status();
}

// populate_physmap() / decrease_reservation() / increase_reservation():
// the number of extents done, from start_extent.
long reservation(Vcpu& cur, unsigned op, uint64_t start_extent, uint64_t arg) {
    xen_memory_reservation r;
    if (!arch::copy_from_guest(cur, arg, r)) return static_cast<long>(start_extent);
    if (r.nr_extents > (UINT32_MAX >> memop_extent_shift)) return static_cast<long>(start_extent);
    if (start_extent >= r.nr_extents) return static_cast<long>(start_extent);
    auto target = target_domain(cur, r.domid);
    if (!target) return static_cast<long>(start_extent);
    Domain& d = *target.value();
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
        const Status st = op == XENMEM_populate_physmap ? populate_one(d, gpfn, r.extent_order)
                                                        : decrease_one(d, gpfn, r.extent_order);
        if (!st) break;
    }
    return static_cast<long>(i);
}
} // namespace

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
    case XENMEM_add_to_physmap: {
        if (start_extent) return err(Errno::XEN_EDOM); // only gmfn_range continues
        xen_add_to_physmap xatp;
        if (!arch::copy_from_guest(cur, arg, xatp)) return err(Errno::XEN_EFAULT);
        return add_to_physmap(cur, xatp);
    }
    case XENMEM_memory_map:
        if (start_extent) return err(Errno::XEN_ENOSYS); // arch_memory_op() matches the whole cmd
        return memory_map(cur, arg);
    default:
        return err(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
