// Grant tables, version 1 basics (Xen xen/common/grant_table.c): the shared
// frames, growth, and the table-management GNTTABOP cores (setup_table,
// query_size, set_version, get_version). Mapping and copying come later.
//
// Locking: GrantTable::lock protects nr_frames, shared[] and frame_gfn[]
// (Xen's grant-table rwlock, write side; nothing here needs the read side
// yet). It is taken in hypercall context only, never from interrupts, and
// no other lock is taken under it (frames come from the xenheap, whose own
// lock nests inside).
#include "common/grant/grant_table.hpp"

#include "arch/layout.hpp"
#include "common/lib/spinlock.hpp"
#include "common/lib/string.hpp"
#include "common/mm/xenheap.hpp"
#include "common/mm/xmalloc.hpp"

namespace cxen {

struct GrantTable {
    SpinLock lock;
    unsigned version = 1;     ///< gt_version: 1 until GNTTABOP_set_version
    unsigned max_version = 1; ///< Xen's max_grant_version; TODO(#4): 2
    uint32_t max_frames = 0;  ///< d.max_grant_frames at creation
    uint32_t max_maptrack_frames = 0;
    uint32_t nr_frames = 0;         ///< shared frames allocated: [0, nr_frames)
    void** shared = nullptr;        ///< max_frames entries, hypervisor pointers
    uint64_t* frame_gfn = nullptr;  ///< max_frames entries: where the guest mapped each
};

namespace {

// Domain lookup as Xen's rcu_lock_domain_by_any_id() + XSM_TARGET: DOMID_SELF
// is the caller; another domain is found but refused (no domain is
// privileged over another until the control domain exists).
// TODO(#5): the control domain may act on its guests.
enum class Lookup { ok, no_domain, denied };
Lookup lookup(Domain& cd, domid_t dom, Domain*& out) {
    // A foreign domain is refused before anything of it is read: without
    // RCU it may be destroyed under us (Xen holds rcu_lock_domain here).
    out = dom == DOMID_SELF ? &cd : domain_by_id(dom);
    if (!out) return Lookup::no_domain;
    if (out != &cd) return Lookup::denied;
    return out->gnttab ? Lookup::ok : Lookup::no_domain;
}

// Grow gt to at least `want` frames (Xen's gnttab_grow_table). Lock held.
// On -ENOMEM the frames already added stay (Xen keeps them too).
Status grow(GrantTable& gt, uint32_t want) {
    if (want > gt.max_frames) return Err(Errno::XEN_EINVAL);
    while (gt.nr_frames < want) {
        void* page = TRY(alloc_xenheap_pages(0));
        memset(page, 0, page_size);
        gt.shared[gt.nr_frames] = page;
        gt.frame_gfn[gt.nr_frames] = gnttab_invalid_gfn;
        ++gt.nr_frames;
    }
    return ok_status();
}

// The gfn frame i is mapped at, checked against the p2m so that a stale
// record (the guest since replaced or removed that gfn) reads as unmapped.
uint64_t frame_gfn(Domain& d, const GrantTable& gt, uint32_t i) {
    const uint64_t gfn = gt.frame_gfn[i];
    if (gfn == gnttab_invalid_gfn) return gnttab_invalid_gfn;
    const auto e = d.p2m.lookup(Gfn{gfn});
    return e.type != arch::P2mType::invalid && e.mfn == arch::virt_to_mfn(gt.shared[i]) ? gfn : gnttab_invalid_gfn;
}

} // namespace

Status gnttab_domain_init(Domain& d) {
    if (d.gnttab) return Err(Errno::XEN_EEXIST);
    // Xen's grant_table_init() limits.
    if (d.max_grant_frames < gnttab_initial_frames || d.max_grant_frames > gnttab_max_frames_limit ||
        d.max_maptrack_frames > gnttab_max_maptrack_frames_limit)
        return Err(Errno::XEN_EINVAL);
    GrantTable* gt = TRY(xnew<GrantTable>());
    gt->max_frames = d.max_grant_frames;
    gt->max_maptrack_frames = d.max_maptrack_frames;
    auto shared = xmalloc_bytes(sizeof(void*) * gt->max_frames, alignof(void*));
    auto gfns = xmalloc_bytes(sizeof(uint64_t) * gt->max_frames, alignof(uint64_t));
    if (!shared || !gfns) {
        if (shared) xfree(shared.value());
        if (gfns) xfree(gfns.value());
        xdelete(gt);
        return Err(Errno::XEN_ENOMEM);
    }
    gt->shared = static_cast<void**>(shared.value());
    gt->frame_gfn = static_cast<uint64_t*>(gfns.value());
    d.gnttab = gt;
    Status st;
    {
        SpinGuard g(gt->lock);
        st = grow(*gt, gnttab_initial_frames);
    }
    if (!st) gnttab_domain_destroy(d);
    return st;
}

void gnttab_domain_destroy(Domain& d) {
    GrantTable* gt = d.gnttab;
    if (!gt) return;
    d.gnttab = nullptr;
    // The frames may still be in d's p2m; d is dying and its p2m is torn
    // down without freeing them (they are not domain RAM). TODO(#4): drop
    // foreign mappings of d's grants before freeing.
    for (uint32_t i = 0; i < gt->nr_frames; ++i) free_xenheap_pages(gt->shared[i], 0);
    xfree(gt->shared);
    xfree(gt->frame_gfn);
    xdelete(gt);
}

Result<Mfn> gnttab_get_frame(Domain& d, uint64_t idx, bool status) {
    GrantTable* gt = d.gnttab;
    if (!gt) return Err(Errno::XEN_EINVAL);
    SpinGuard g(gt->lock);
    if (status) return Err(Errno::XEN_EINVAL); // status frames exist only under v2
    if (idx >= gt->max_frames) return Err(Errno::XEN_EINVAL);
    if (idx >= gt->nr_frames) {
        // Xen's gnttab_get_shared_frame_mfn(): a failed growth is -EINVAL.
        if (!grow(*gt, static_cast<uint32_t>(idx) + 1)) return Err(Errno::XEN_EINVAL);
    }
    return arch::virt_to_mfn(gt->shared[idx]);
}

void gnttab_set_frame_gfn(Domain& d, uint64_t idx, bool status, Gfn gfn) {
    GrantTable* gt = d.gnttab;
    if (!gt || status) return;
    SpinGuard g(gt->lock);
    if (idx < gt->nr_frames) gt->frame_gfn[idx] = raw(gfn);
}

void gnttab_setup_table(Domain& cd, gnttab_setup_table_t& op,
                        bool (*put_frame)(void* ctx, uint32_t i, uint64_t gfn), void* ctx) {
    Domain* d = nullptr;
    switch (lookup(cd, op.dom, d)) {
    case Lookup::no_domain: op.status = raw(GrantStatus::bad_domain); return;
    case Lookup::denied: op.status = raw(GrantStatus::permission_denied); return;
    case Lookup::ok: break;
    }
    GrantTable& gt = *d->gnttab;
    SpinGuard g(gt.lock);
    if (op.nr_frames > gt.max_frames || !grow(gt, op.nr_frames)) {
        op.status = raw(GrantStatus::general_error);
        return;
    }
    op.status = raw(GrantStatus::okay);
    // TODO(#4): preemption; the count is bounded by max_frames (<= 64) now.
    for (uint32_t i = 0; i < op.nr_frames; ++i) {
        if (!put_frame(ctx, i, frame_gfn(*d, gt, i))) {
            op.status = raw(GrantStatus::bad_virt_addr);
            break;
        }
    }
}

void gnttab_query_size(Domain& cd, gnttab_query_size_t& op) {
    Domain* d = nullptr;
    switch (lookup(cd, op.dom, d)) {
    case Lookup::no_domain: op.status = raw(GrantStatus::bad_domain); return;
    case Lookup::denied: op.status = raw(GrantStatus::permission_denied); return;
    case Lookup::ok: break;
    }
    GrantTable& gt = *d->gnttab;
    SpinGuard g(gt.lock);
    op.nr_frames = gt.nr_frames;
    op.max_nr_frames = gt.max_frames;
    op.status = raw(GrantStatus::okay);
}

Status gnttab_set_version(Domain& cd, gnttab_set_version_t& op) {
    GrantTable* gt = cd.gnttab;
    if (!gt) return Err(Errno::XEN_EINVAL);
    SpinGuard g(gt->lock);
    Status st;
    if (op.version != 1 && op.version != 2) st = Err(Errno::XEN_EINVAL);
    else if (op.version > gt->max_version) st = Err(Errno::XEN_ENOSYS); // "as before set_version existed"
    // else: already that version (only 1 exists): nothing to do.
    op.version = gt->version; // Xen reports the version in force on every path
    return st;
}

Status gnttab_get_version(Domain& cd, gnttab_get_version_t& op) {
    Domain* d = nullptr;
    switch (lookup(cd, op.dom, d)) {
    case Lookup::no_domain: return Err(Errno::XEN_ESRCH);
    case Lookup::denied: return Err(Errno::XEN_EPERM);
    case Lookup::ok: break;
    }
    SpinGuard g(d->gnttab->lock);
    op.version = d->gnttab->version;
    return ok_status();
}

Status gnttab_seed_entry(Domain& d, uint32_t ref, Domid backend, Gfn gfn) {
    GrantTable* gt = d.gnttab;
    if (!gt || ref >= GNTTAB_NR_RESERVED_ENTRIES) return Err(Errno::XEN_EINVAL);
    SpinGuard g(gt->lock);
    auto* e = static_cast<grant_entry_v1_t*>(gt->shared[0]) + ref;
    e->domid = backend;
    e->frame = static_cast<uint32_t>(raw(gfn));
    // Flags last: a reader that sees GTF_permit_access sees the rest.
    __atomic_store_n(&e->flags, static_cast<uint16_t>(GTF_permit_access), __ATOMIC_RELEASE);
    return ok_status();
}

Result<grant_entry_v1_t> gnttab_read_entry_v1(Domain& d, uint32_t ref) {
    GrantTable* gt = d.gnttab;
    if (!gt) return Err(Errno::XEN_EINVAL);
    SpinGuard g(gt->lock);
    if (ref >= gt->nr_frames * grant_entries_per_frame_v1) return Err(Errno::XEN_EINVAL);
    grant_entry_v1_t e;
    memcpy(&e, static_cast<grant_entry_v1_t*>(gt->shared[ref / grant_entries_per_frame_v1]) +
                   ref % grant_entries_per_frame_v1, sizeof(e));
    return e;
}

} // namespace cxen
