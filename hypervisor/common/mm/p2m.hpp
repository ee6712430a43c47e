// The one writer of a domain's p2m. Every change of what a guest frame maps
// (populate_physmap, decrease_reservation, add_to_physmap of shared_info
// and grant frames, grant map and unmap, foreign mappings and
// remove_from_physmap, domain build and destruction) goes
// through these functions, which:
//   - change the p2m only under the domain's p2m_lock;
//   - take the reference a mapping holds and drop it when the mapping goes:
//     the domain's RAM is owned by its p2m entry (freed when the entry is
//     removed, unless a page reference keeps it, common/grant/page_ref.hpp),
//     a hypervisor frame (shared_info, grant frames) carries one page
//     reference per p2m entry, a grant mapping's reference is the grant
//     code's (taken before p2m_add_grant, dropped after p2m_remove_grant),
//     a foreign entry (map_foreign) holds a page reference on the other
//     domain's frame and a holder that keeps its owner (common/mm/
//     foreign_maps.hpp), both dropped when the entry goes;
//   - flush the domain's nested TLBs (arch::p2m_flush_guest_tlbs) after an
//     entry was removed or replaced and before anything it reached (a frame,
//     a page-table page) is freed or its reference dropped.
// As Xen's p2m_set_entry() under p2m_lock with hap_write_p2m_entry()'s
// flush, guest_physmap_add_page()/guest_remove_page() and put_page().
//
// The hypervisor reaches a guest frame only through a page reference taken
// here (p2m_get_page(): guest copies hold it for the copy, registered areas
// such as vcpu_info or a FIFO control block for as long as they are
// registered), so a frame the guest removes, or displaces with a grant
// mapping, stays allocated until the hypervisor is done with it (Xen's
// get_page()/put_page() on the mapped vcpu_info page).
//
// Locking: d.p2m_lock is a reader-writer lock (common/lib/rwlock.hpp), as
// Xen's p2m lock: changes take it to write, lookups (p2m_get_page(), the
// type checks of the NPF and grant paths) to read, so the vCPUs of a domain
// walking their page tables for hypercall arguments and runstate updates
// do not queue behind each other. (As one ticket lock, four vCPUs queued
// on it for 70-90 ms a time on a loaded emulated host, and Linux saw
// 20-500 s stalls.) It is a leaf (nothing else is taken under it but the
// page allocator's, xenheap's and the heap's locks), not recursive, and never taken in
// interrupt context.
// The flush runs after it is dropped. Callers may hold a grant table's or
// an event-channel domain's lock (they come before it).
#pragma once

#include <cstdint>

#include "arch/p2m.hpp"
#include "common/mm/foreign_maps.hpp"
#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen {

struct Domain;

/// Pages of p2m tables a domain may hold: Xen's HAP pool as the toolstack
/// sizes it for an HVM/PVH guest with HAP (libxl__get_required_paging_memory()
/// in Xen 4.17's libxl_create.c: 256 pages per vCPU plus 1 page per MiB of
/// maximum memory). A p2m of 4 KiB pages needs about half a page per MiB,
/// so the guest's own RAM always fits; the rest bounds what remapping
/// special pages all over the guest-physical space can take (where Xen's
/// pool answers -ENOMEM too).
uint64_t p2m_pool_pages(unsigned max_vcpus, uint64_t max_pages);
/// Size d's pool from its vCPU count and max_pages (call when they change).
void p2m_set_pool(Domain& d);

/// populate_physmap: allocate 2^order frames, scrub them and map them at
/// gfn (an aligned order 0, 9 or 18 extent as one entry); RAM or hypervisor
/// frames already in the range are removed first (freed / unhooked, as
/// p2m_remove_page). The frames may come from d's claim, which they draw
/// down (common/mm/claim.hpp). Errors: -EINVAL range beyond the
/// p2m, -ENOMEM over max_pages, no memory or the pool is full, -ENXIO a
/// grant mapping is in the range.
[[nodiscard]] Status p2m_populate(Domain& d, Gfn gfn, unsigned order);

/// guest_remove_page(): take what gfn maps out of d's p2m. RAM is freed
/// (once no page reference holds it); a hypervisor frame is unhooked.
/// Errors: -ENOENT nothing there (also when another vCPU removed it first),
/// -ENXIO a grant mapping (only its unmap removes it) or a foreign entry
/// (only remove_from_physmap does), -ENOMEM splitting a
/// superpage needs a table the pool cannot give.
[[nodiscard]] Status p2m_remove_page(Domain& d, Gfn gfn);

/// xenmem_add_to_physmap_one() for a hypervisor frame (shared_info, a grant
/// frame): map `mfn` at gfn, removing what was there (p2m_remove_page), and
/// take it away from the gfn it was mapped at before: *record is where the
/// frame is mapped (~0: nowhere), read and updated under the p2m lock, so
/// that a hypervisor frame is mapped at one gfn at most (Xen finds the old
/// gfn through the M2P / the grant table's frame gfns). The caller keeps
/// the frame allocated until it is removed again (p2m_remove_xen_frame).
/// Errors: -EINVAL beyond the p2m, -ENXIO a grant mapping is there,
/// -ENOMEM pool, -EOVERFLOW the frame's reference count is full.
[[nodiscard]] Status p2m_add_xen_frame(Domain& d, Gfn gfn, Mfn mfn, uint64_t& record);
/// Take hypervisor frame `mfn` out of d's p2m at *record, if it is still
/// mapped there, and flush: after this no vCPU of d reaches it through that
/// gfn. *record becomes ~0.
void p2m_remove_xen_frame(Domain& d, Mfn mfn, uint64_t& record);

/// create_grant_p2m_mapping(): map another domain's frame at gfn of d (the
/// caller holds a page reference for the mapping). RAM there is freed as by
/// p2m_remove_page (after the flush), a hypervisor frame unhooked.
/// Errors: -EINVAL beyond the p2m, -EBUSY a grant mapping is already there,
/// -ENOMEM pool.
[[nodiscard]] Status p2m_add_grant(Domain& d, Gfn gfn, Mfn mfn, bool readonly);
/// replace_grant_p2m_mapping(): gfn must map `mfn` as a grant; it becomes
/// empty and the domain's nested TLBs are flushed before this returns (so
/// the caller may then drop its page reference). -EINVAL otherwise.
[[nodiscard]] Status p2m_remove_grant(Domain& d, Gfn gfn, Mfn mfn);

/// XENMEM_add_to_physmap_batch with XENMAPSPACE_gmfn_foreign, after the
/// caller's checks (Xen's p2m_add_foreign(), fd != d): map fd's RAM frame
/// at fgfn writable at gfn of d, as map_foreign. The entry holds a page
/// reference on the frame (freed by fd meanwhile, it stays allocated until
/// the entry goes) and a domain_hold() of fd (listed, dying, until then).
/// What d had at gfn: RAM is freed after the flush, a hypervisor frame
/// unhooked. Any gfn within the p2m's reach is accepted. Errors: -EINVAL
/// fgfn is not RAM of fd (a hole, a hypervisor or grant frame, fd's p2m
/// torn down) or gfn beyond the p2m, -ENXIO a grant or foreign entry is at
/// gfn (Xen's guest_remove_page()), -ENOMEM pool or record.
[[nodiscard]] Status p2m_add_foreign(Domain& d, Gfn gfn, Domain& fd, Gfn fgfn);
/// Xen's set_foreign_p2m_entry() for XENMEM_acquire_resource: map
/// hypervisor frame `mfn` (another domain's grant frame) at gfn of d as
/// map_foreign. The entry takes a page reference and `holder` (which keeps
/// the frame allocated: a grant-table reference) and releases both when it
/// goes; on error `holder` is released here. The same frame already mapped
/// there as foreign is success (set_typed_p2m_entry()). Errors: -EINVAL
/// beyond the p2m, -EPERM another grant or foreign entry is there (Xen
/// also crashes the caller), -ENOMEM, -EOVERFLOW reference count full.
[[nodiscard]] Status p2m_set_foreign_entry(Domain& d, Gfn gfn, Mfn mfn, ForeignHolder holder);
/// XENMEM_remove_from_physmap: as p2m_remove_page(), and a foreign entry is
/// removed too: after the flush its page reference and holder are dropped
/// (the frame is its owner's; it is freed only if the owner let it go).
/// Errors: -ENOENT nothing there, -ENXIO a grant mapping, -ENOMEM (split).
[[nodiscard]] Status p2m_remove_from_physmap(Domain& d, Gfn gfn);

/// Domain build: map 2^order frames of RAM the builder allocated. The
/// domain has not run yet, so nothing needs a flush.
[[nodiscard]] Status p2m_build_map(Domain& d, Gfn gfn, Mfn mfn, unsigned order, arch::P2mType type);

/// Domain destruction (no vCPU of d runs any more): free every table and
/// RAM frame and drop every reference the p2m held. Lookups by other
/// domains (grant maps and copies of d's frames) find nothing afterwards.
/// The holders of d's foreign entries are released last, without the lock.
void p2m_teardown(Domain& d);

/// What the hypervisor may do with the frame it gets from p2m_get_page().
enum class P2mAccess : uint8_t {
    read,    ///< RAM (read-write or read-only) or a hypervisor frame
    write,   ///< read-write RAM or a hypervisor frame
    ram_rw,  ///< the domain's own read-write RAM only (areas it registers)
};
/// Xen's get_page_from_gfn(): the frame gfn of d maps, with a page
/// reference that keeps it allocated until p2m_put_page(). -EINVAL if gfn
/// maps nothing usable for `access` (or the count is full).
[[nodiscard]] Result<Mfn> p2m_get_page(Domain& d, Gfn gfn, P2mAccess access);
void p2m_put_page(Mfn mfn);

} // namespace cxen
