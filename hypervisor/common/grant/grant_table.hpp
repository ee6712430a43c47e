// Grant tables: the API the rest of the hypervisor uses (GNTTABOP_* sit on
// top of it). Source: Xen public/grant_table.h, xen/common/grant_table.c
// (Xen 4.17). docs/grant-tables.md describes the design.
//
// Versions 1 and 2: the shared frames hold grant_entry_v1_t (512 per frame)
// or grant_entry_v2_t (256 per frame, plus status frames of grant_status_t);
// a domain starts with one frame and grows on demand (setup_table,
// XENMAPSPACE_grant_table) up to d.max_grant_frames. Frames are hypervisor
// pages shared with the guest, as in Xen. Each grant entry has an active
// entry (pin counts, the pinned frame); each mapping domain has a maptrack
// table of handles, up to d.max_maptrack_frames frames of 256 handles.
//
// Locking, in the order they nest (outermost first):
//   1. gnttab registry lock (RwLock, global): the domid -> GrantTable table.
//      Held only to find a table and take a reference on it.
//   2. GrantTable::lock (RwLock, per domain): nr_frames, the shared/status/
//      active arrays, the version, `owner`. Read for map/unmap/copy on the
//      table's grants, write for growth, set_version, setup_table and
//      detaching a dying domain. At most one table's lock is held at a time.
//   3. ActiveGrant::lock (SpinLock, per grant entry): pin, mfn, domid of that
//      entry and the GTF_reading/GTF_writing bits the hypervisor sets in the
//      shared/status entry. At most one is held at a time.
//   4. Domain::p2m_lock of the granting or the mapping domain (leaf but for
//      5): lookups of a granted gfn and grant-mapping updates of a p2m.
//   5. The page allocator's lock (freeing a frame whose last reference drops).
//   The maptrack lock (GrantTable::maptrack_lock, the free list of handles)
//   is taken alone. A maptrack entry is claimed by an atomic state change, so
//   two unmaps of one handle cannot both act on it.
// Page lifetime: every grant mapping (and a copy in flight) holds a
// reference on the granted frame (common/grant/page_ref.hpp) and on the
// granting domain's GrantTable, so a granter that frees the frame or dies
// leaves it allocated until the last unmap or the mapper's own destruction.
#pragma once

#include <cstdint>

#include "abi/xen/grant_table.hpp"
#include "common/domain.hpp"
#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen {

/// cxen's machine-wide caps, Xen's gnttab_max_frames and
/// gnttab_max_maptrack_frames defaults (xen/common/grant_table.c): a domain
/// asking for more fails to be created with -EINVAL, as in Xen.
constexpr uint32_t gnttab_max_frames_limit = 64;
constexpr uint32_t gnttab_max_maptrack_frames_limit = 1024;
/// Xen's INITIAL_NR_GRANT_FRAMES.
constexpr uint32_t gnttab_initial_frames = 1;
/// What XENMEM/GNTTABOP report for a frame not mapped in the p2m
/// (INVALID_M2P_ENTRY, as x86 Xen's get_gpfn_from_mfn()).
constexpr uint64_t gnttab_invalid_gfn = ~uint64_t{0};
/// Handles per maptrack frame (Xen's MAPTRACK_PER_PAGE, 16-byte entries).
constexpr uint32_t gnttab_maptrack_per_frame = 256;
/// Entries per frame by version, and status entries per status frame.
constexpr uint32_t gnttab_entries_per_frame_v2 = 4096 / sizeof(grant_entry_v2_t);
constexpr uint32_t gnttab_status_per_frame = 4096 / sizeof(grant_status_t);
/// Status frames for `grant_frames` v2 frames (Xen's grant_to_status_frames).
constexpr uint32_t gnttab_status_frames_for(uint32_t grant_frames) {
    return (grant_frames * gnttab_entries_per_frame_v2 + gnttab_status_per_frame - 1) / gnttab_status_per_frame;
}
/// Xen's GNTPIN_* pin-count fields of an active entry (8 bits each).
constexpr uint32_t gntpin_hstw_inc = 1u << 0, gntpin_hstr_inc = 1u << 8;
constexpr uint32_t gntpin_devw_inc = 1u << 16, gntpin_devr_inc = 1u << 24;
constexpr uint32_t gntpin_hstw_mask = 0xffu << 0, gntpin_hstr_mask = 0xffu << 8;
constexpr uint32_t gntpin_devw_mask = 0xffu << 16, gntpin_devr_mask = 0xffu << 24;

/// Per-domain grant-table state, created with the domain (version 1, one
/// frame to start with, as Xen) from d.max_grant_frames and
/// d.max_maptrack_frames, and registered under d.domid so that other
/// domains can map and copy its grants. Errors: -EINVAL limits out of range
/// (1..gnttab_max_frames_limit, 0..gnttab_max_maptrack_frames_limit),
/// -EEXIST d already has one or its domid is registered, -ENOMEM.
[[nodiscard]] Status gnttab_domain_init(Domain& d);
/// Tear down d's grant table (Xen's gnttab_release_mappings() +
/// grant_table_destroy()): unregister it, detach it from d (operations in
/// flight on it finish first; later ones see the domain gone), release every
/// grant mapping d still holds of other domains' (or its own) grants, and
/// drop d's reference. The table, its frames and its active entries are
/// freed when the last mapping of one of d's grants is unmapped, which may
/// be later. Call before d's p2m is torn down. d.gnttab becomes nullptr.
/// Harmless twice.
void gnttab_domain_destroy(Domain& d);

/// The machine frame backing grant-table frame `idx` (a status frame when
/// `status`, v2 only), growing the table up to d.max_grant_frames: what
/// XENMEM_add_to_physmap with XENMAPSPACE_grant_table maps into the guest.
/// Errors: -EINVAL idx at or beyond the limit (or status frame under v1),
///         -ENOMEM.
[[nodiscard]] Result<Mfn> gnttab_get_frame(Domain& d, uint64_t idx, bool status);
/// XENMEM_add_to_physmap with XENMAPSPACE_grant_table (Xen's
/// gnttab_map_frame() + xenmem_add_to_physmap_one()): map frame `idx` (a
/// status frame when `status`) at gfn of d, unmapping it from the gfn it
/// had, and record gfn (GNTTABOP_setup_table and get_status_frames report
/// it; set_version 2 -> 1 unmaps status frames from there). All under the
/// table's lock, so a frame is mapped at one gfn at most and cannot be
/// freed meanwhile. Errors: as gnttab_get_frame() and p2m_add_xen_frame().
[[nodiscard]] Status gnttab_map_frame(Domain& d, uint64_t idx, bool status, Gfn gfn);
/// XENMEM_acquire_resource's size of d's grant-table resource `id` (Xen's
/// gnttab_resource_max_frames(), fixed at creation): d.max_grant_frames for
/// XENMEM_resource_grant_table_id_shared, the status frames that many v2
/// frames need for _id_status, 0 (the caller's -EINVAL) for another id.
uint32_t gnttab_resource_max_frames(const Domain& d, uint32_t id);
/// Xen's gnttab_acquire_resource(): the mfns of d's shared (id 0) or status
/// (id 1, v2 only) frames [frame, frame + nr), growing the table up to
/// d.max_grant_frames to cover them. Each frame comes with a holder (a
/// reference on d's table, which keeps its frames allocated) for the p2m
/// entry it will be mapped by (p2m_set_foreign_entry() releases it).
/// Errors: -EINVAL nr 0, bad id, status frames under v1, beyond the
/// maximum or a failed growth, no table (d destroyed).
[[nodiscard]] Status gnttab_acquire_resource(Domain& d, uint32_t id, uint32_t frame, uint32_t nr, Mfn mfns[],
                                             ForeignHolder holders[]);
/// Record that frame `idx` is mapped at `gfn` in d's p2m, for tests that
/// put it there themselves (gnttab_map_frame() records it itself).
void gnttab_set_frame_gfn(Domain& d, uint64_t idx, bool status, Gfn gfn);

// ---- the GNTTABOP cores: plain structs in, plain structs out ----
// `cd` is the calling domain. Per-element status codes are Xen's; see
// docs/grant-tables.md for the full list per op.

/// GNTTABOP_setup_table for caller domain `cd` (op.dom may be DOMID_SELF).
/// Grows the target's table to op.nr_frames and writes one xen_pfn_t per
/// frame through `put_frame` (the gfn the frame is mapped at, or
/// gnttab_invalid_gfn: x86 Xen for an auto-translated guest). Sets
/// op.status: GNTST_bad_domain, _permission_denied (a foreign domain),
/// _general_error (over the limit, no memory), _bad_virt_addr (a put
/// failed). Source: gnttab_setup_table().
void gnttab_setup_table(Domain& cd, gnttab_setup_table_t& op,
                        bool (*put_frame)(void* ctx, uint32_t i, uint64_t gfn), void* ctx);
/// GNTTABOP_query_size: op.nr_frames, op.max_nr_frames, op.status.
void gnttab_query_size(Domain& cd, gnttab_query_size_t& op);
/// GNTTABOP_set_version for the caller's own table. Errors: -EINVAL version
/// not 1 or 2, -EBUSY a grant beyond the first GNTTAB_NR_RESERVED_ENTRIES is
/// pinned, -ERANGE (2 -> 1) a reserved v2 entry cannot be written as v1,
/// -ENOMEM. op.version is set to the version in force on every path. The
/// reserved entries are carried over; the rest of the table is cleared.
/// Source: gnttab_set_version().
[[nodiscard]] Status gnttab_set_version(Domain& cd, gnttab_set_version_t& op);
/// GNTTABOP_get_version. Errors: -ESRCH no such domain, -EPERM foreign.
[[nodiscard]] Status gnttab_get_version(Domain& cd, gnttab_get_version_t& op);
/// GNTTABOP_swap_grant_ref: swap entries op.ref_a and op.ref_b of the
/// caller's own table (under v2 their status words too). op.status:
/// GNTST_okay (also for ref_a == ref_b), _bad_gntref (a ref beyond the
/// table), _eagain (either is pinned: mapped or being copied). Source: Xen's
/// swap_grant_ref() (xen/common/grant_table.c).
void gnttab_swap_grant_ref(Domain& cd, gnttab_swap_grant_ref_t& op);
/// GNTTABOP_get_status_frames: one gfn per status frame through `put_frame`.
/// op.status: _bad_domain, _permission_denied (foreign), _general_error
/// (more frames than exist, e.g. under v1), _bad_virt_addr.
/// Source: gnttab_get_status_frames().
void gnttab_get_status_frames(Domain& cd, gnttab_get_status_frames_t& op,
                              bool (*put_frame)(void* ctx, uint32_t i, uint64_t gfn), void* ctx);

/// GNTTABOP_map_grant_ref, one element: map grant op.ref of domain op.dom at
/// guest-physical address op.host_addr of `cd`'s p2m (GNTMAP_host_map, with
/// or without GNTMAP_readonly). Sets op.status, and on success op.handle
/// and op.dev_bus_addr (the machine address, as Xen). GNTST_bad_gntref (no
/// host_map/device_map flag, ref out of range), _general_error (device,
/// application or PTE maps from a PVH domain; entry not GTF_permit_access
/// for cd, or GTF_readonly for a writable map; pinned by another domain;
/// gfn not mappable), _bad_domain, _no_space (maptrack full), _bad_page
/// (granted gfn not RAM, or read-only RAM for a writable map).
/// Source: map_grant_ref(), create_grant_p2m_mapping().
void gnttab_map_grant_ref(Domain& cd, gnttab_map_grant_ref_t& op);
/// GNTTABOP_unmap_grant_ref, one element. host_addr 0 does nothing (okay).
/// GNTST_bad_handle (unknown or racing handle), _general_error (host_addr
/// does not hold this grant mapping). Source: unmap_common().
void gnttab_unmap_grant_ref(Domain& cd, gnttab_unmap_grant_ref_t& op);
/// GNTTABOP_unmap_and_replace, one element: as unmap, and new_addr must be
/// 0 (GNTST_general_error otherwise, as x86 Xen for a translated domain).
void gnttab_unmap_and_replace(Domain& cd, gnttab_unmap_and_replace_t& op);
/// GNTTABOP_copy, one element: copy op.len bytes between a granted frame
/// (GNTCOPY_source_gref/_dest_gref) or a frame of cd's own (gmfn, domid
/// DOMID_SELF). GNTST_permission_denied (gmfn of another domain),
/// _bad_domain, _bad_gntref, _general_error (entry not granted to cd,
/// read-only grant as destination, outside a sub-page grant, transitive),
/// _bad_page (frame not RAM), _bad_copy_arg (offset + len beyond a page).
/// Source: gnttab_copy_one().
void gnttab_copy(Domain& cd, gnttab_copy_t& op);

/// Write grant entry `ref` (< GNTTAB_NR_RESERVED_ENTRIES) of d as the
/// toolstack seeds the console/xenstore grants for their backends
/// (xc_dom_gnttab_seed): GTF_permit_access to `backend` for frame `gfn`.
/// Errors: -EINVAL ref not reserved.
[[nodiscard]] Status gnttab_seed_entry(Domain& d, uint32_t ref, Domid backend, Gfn gfn);
/// Read back grant entry `ref` under v1 (tests, debug keys). Errors: -EINVAL.
[[nodiscard]] Result<grant_entry_v1_t> gnttab_read_entry_v1(Domain& d, uint32_t ref);

/// Introspection for tests and debug keys.
struct GnttabActiveInfo {
    uint32_t pin;
    Domid domid;
    Mfn mfn;
};
/// The active entry of grant `ref` of d (pin 0 when unused). -EINVAL.
[[nodiscard]] Result<GnttabActiveInfo> gnttab_active_info(Domain& d, uint32_t ref);
/// Maptrack handles of d in use.
uint32_t gnttab_maptrack_in_use(Domain& d);
/// Grant tables that exist, including detached ones kept by mappings.
uint32_t gnttab_tables_alive();

} // namespace cxen
