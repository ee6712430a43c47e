// Grant tables, internals shared by grant_table.cpp (frames, versions,
// registry), maptrack.cpp (handles), grant_map.cpp (map/unmap) and
// grant_copy.cpp (copy). Not for other users: see grant_table.hpp, whose
// "Locking" note covers every lock declared here.
#pragma once

#include <atomic>
#include <cstdint>

#include "common/grant/grant_table.hpp"
#include "common/lib/rwlock.hpp"
#include "common/lib/spinlock.hpp"

namespace cxen {

/// Xen's active_grant_entry: the hypervisor's record of a grant in use.
struct ActiveGrant {
    SpinLock lock;
    uint32_t pin = 0;         ///< gntpin_* counts of host maps and copies in flight
    Domid domid = 0;          ///< the domain it is pinned for (valid while pin != 0)
    uint16_t start = 0;       ///< copy window: [start, start + length) of the frame
    uint16_t length = 0;
    bool is_sub_page = false; ///< v2 GTF_sub_page: copy only, never mapped
    Mfn mfn{};                ///< the pinned frame (valid while pin != 0)
};

/// One maptrack handle (Xen's struct grant_mapping), in chunks of
/// gnttab_maptrack_per_frame. `state` is claimed atomically: free -> used
/// by map, used -> busy by an unmap (which owns the entry until it sets
/// used or free again), so concurrent unmaps of one handle never both act.
enum class MaptrackState : uint32_t { free = 0, used = 1, busy = 2 };
struct MaptrackEntry {
    std::atomic<MaptrackState> state{MaptrackState::free};
    uint32_t flags = 0;           ///< GNTMAP_* of the mapping (valid while not free)
    uint32_t ref = 0;             ///< grant ref; the next free handle while free
    struct GrantTable* rgt = nullptr; ///< granting table, one reference held
    uint64_t gfn = 0;             ///< where cd mapped it (host_addr >> 12)
};

struct GrantTable {
    RwLock lock;
    std::atomic<uint32_t> refs{1}; ///< the owner's, + one per mapping, copy in flight, lookup
    Domain* owner = nullptr;       ///< nullptr once detached by gnttab_domain_destroy()
    /// The owner, held listed (domain_hold()) from its destruction until the
    /// table goes: other domains still map or copy its grants, so its pages
    /// are referenced. nullptr otherwise.
    Domain* held = nullptr;
    Domid domid = 0;
    unsigned version = 1;          ///< gt_version
    unsigned max_version = 2;      ///< Xen's max_grant_version (x86 default 2)
    uint32_t max_frames = 0;       ///< d.max_grant_frames at creation
    uint32_t max_status_frames = 0;
    uint32_t max_maptrack_frames = 0;
    uint32_t nr_frames = 0;        ///< shared frames allocated: [0, nr_frames)
    uint32_t nr_status_frames = 0; ///< status frames (v2 only; 0 under v1)
    void** shared = nullptr;       ///< max_frames hypervisor pointers
    uint64_t* frame_gfn = nullptr; ///< where the guest mapped each shared frame
    grant_status_t** status = nullptr; ///< max_status_frames
    uint64_t* status_gfn = nullptr;
    ActiveGrant** active = nullptr; ///< one chunk of grant_entries_per_frame_v1 per shared frame

    // ---- this domain as a mapper: the maptrack table ----
    SpinLock maptrack_lock;         ///< the free list, growth
    MaptrackEntry** maptrack = nullptr; ///< max_maptrack_frames chunks
    std::atomic<uint32_t> maptrack_limit{0}; ///< handles allocated (chunks * per_frame)
    uint32_t maptrack_head = ~0u;   ///< free list (FIFO, as Xen's per-vCPU lists)
    uint32_t maptrack_tail = ~0u;
    std::atomic<uint32_t> maptrack_used{0};
};

constexpr uint32_t maptrack_none = ~0u; ///< Xen's MAPTRACK_TAIL / INVALID_MAPTRACK_HANDLE

// ---- grant_table.cpp ----
/// The table registered under `domid` (not DOMID_SELF), with a reference
/// taken, or nullptr. Pair with gt_put().
GrantTable* gt_get_by_domid(Domid domid);
/// Another reference on a table the caller already holds one on.
void gt_get(GrantTable& gt);
/// Drop a reference; the last frees the table and its frames.
void gt_put(GrantTable* gt);
/// Grant entries the table holds now. Lock held (either side).
uint32_t gt_nr_entries(const GrantTable& gt);
/// The active entry of `ref` (< gt_nr_entries). Lock held.
ActiveGrant& gt_active(GrantTable& gt, uint32_t ref);
/// The 32-bit flags+domid word of entry `ref` (same place in v1 and v2).
uint32_t* gt_header(GrantTable& gt, uint32_t ref);
/// Where GTF_reading/GTF_writing live for `ref`: the entry's flags (v1) or
/// its status entry (v2). Lock held.
uint16_t* gt_status(GrantTable& gt, uint32_t ref);
/// Xen's _set_status(): check entry `ref` (if not pinned) grants `ldomid`
/// access (GTF_permit_access, no GTF_sub_page when `mapping`, not
/// GTF_readonly when writing) and set GTF_reading (+GTF_writing). Active
/// entry lock held. GNTST_okay or GNTST_general_error.
GrantStatus gt_set_status(GrantTable& gt, uint32_t ref, const ActiveGrant& act, bool readonly, bool mapping,
                          Domid ldomid);
/// Xen's reduce_status_for_pin(): clear GTF_reading when nothing is pinned,
/// GTF_writing when no writable pin is left. Active entry lock held.
void gt_reduce_status(GrantTable& gt, uint32_t ref, const ActiveGrant& act, bool readonly);
/// Xen's get_paged_frame(): the RAM frame at `gfn` of the table's owner,
/// with a page reference taken. GNTST_bad_page if it is not RAM (or is
/// read-only RAM and !readonly), GNTST_bad_domain if the owner is gone.
/// Table lock held (read).
GrantStatus gt_get_paged_frame(Domain& owner, uint64_t gfn, bool readonly, Mfn& mfn);

// ---- maptrack.cpp ----
/// Set up the (empty) maptrack table of `gt`. -ENOMEM.
[[nodiscard]] Status maptrack_init(GrantTable& gt);
/// Free the maptrack chunks (all handles must be free).
void maptrack_free(GrantTable& gt);
/// A free handle (entry state still free), or maptrack_none (Xen's
/// GNTST_no_space) when the table is at max_maptrack_frames.
uint32_t maptrack_get_handle(GrantTable& lgt);
/// Return a handle whose entry is already marked free.
void maptrack_put_handle(GrantTable& lgt, uint32_t handle);
/// The entry of `handle` (< maptrack_limit).
MaptrackEntry& maptrack_entry(GrantTable& lgt, uint32_t handle);

// ---- grant_map.cpp ----
/// Release every mapping `lgt`'s domain holds (its destruction). Xen's
/// gnttab_release_mappings(). The domain's vCPUs must not run.
void gnttab_release_mappings(GrantTable& lgt);

} // namespace cxen
