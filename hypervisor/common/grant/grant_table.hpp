// Grant tables: the API the rest of the hypervisor uses (GNTTABOP_* sit on
// top of it). Source: Xen public/grant_table.h, xen/common/grant_table.c.
//
// Version 1 only for now: the shared frames hold `grant_entry_v1` (512 per
// frame); a domain starts with one frame and grows on demand (setup_table,
// XENMAPSPACE_grant_table) up to d.max_grant_frames. Frames are hypervisor
// pages shared with the guest, as in Xen. TODO(#4): v2 (status frames),
// active entries, maptrack, map/unmap/copy.
#pragma once

#include <cstdint>

#include "abi/xen/grant_table.hpp"
#include "common/domain.hpp"
#include "common/lib/result.hpp"
#include "common/lib/types.hpp"

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

/// Per-domain grant-table state, created with the domain (version 1, one
/// frame to start with, as Xen) from d.max_grant_frames and
/// d.max_maptrack_frames. Errors: -EINVAL limits out of range
/// (1..gnttab_max_frames_limit, 0..gnttab_max_maptrack_frames_limit),
/// -ENOMEM.
[[nodiscard]] Status gnttab_domain_init(Domain& d);
/// Free the frames and the state; d.gnttab becomes nullptr. Harmless twice.
void gnttab_domain_destroy(Domain& d);

/// The machine frame backing grant-table frame `idx` (a status frame when
/// `status`, v2 only), growing the table up to d.max_grant_frames: what
/// XENMEM_add_to_physmap with XENMAPSPACE_grant_table maps into the guest.
/// Errors: -EINVAL idx at or beyond the limit (or status frame under v1),
///         -ENOMEM.
[[nodiscard]] Result<Mfn> gnttab_get_frame(Domain& d, uint64_t idx, bool status);
/// Record that frame `idx` is now mapped at `gfn` in d's p2m (the x86 M2P
/// update Xen does in guest_physmap_add_page): GNTTABOP_setup_table reports
/// it. Call after a successful gnttab_get_frame() + p2m insertion.
void gnttab_set_frame_gfn(Domain& d, uint64_t idx, bool status, Gfn gfn);

// ---- the GNTTABOP cores: plain structs in, plain structs out ----

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
/// GNTTABOP_set_version for the caller's own table: 1 is accepted (no-op);
/// 2 gives -ENOSYS as Xen does for a domain created with max_grant_version=1
/// (cxen's limit until v2 exists); others -EINVAL. op.version is set to the
/// version in force either way. Source: gnttab_set_version().
[[nodiscard]] Status gnttab_set_version(Domain& cd, gnttab_set_version_t& op);
/// GNTTABOP_get_version. Errors: -ESRCH no such domain, -EPERM foreign.
[[nodiscard]] Status gnttab_get_version(Domain& cd, gnttab_get_version_t& op);

/// Write grant entry `ref` (< GNTTAB_NR_RESERVED_ENTRIES) of d as the
/// toolstack seeds the console/xenstore grants for their backends
/// (xc_dom_gnttab_seed): GTF_permit_access to `backend` for frame `gfn`.
/// Errors: -EINVAL ref not reserved.
[[nodiscard]] Status gnttab_seed_entry(Domain& d, uint32_t ref, Domid backend, Gfn gfn);
/// Read back grant entry `ref` (tests, debug keys). Errors: -EINVAL.
[[nodiscard]] Result<grant_entry_v1_t> gnttab_read_entry_v1(Domain& d, uint32_t ref);

} // namespace cxen
