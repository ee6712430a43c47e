// Grant tables (Xen xen/common/grant_table.c): the registry of tables by
// domid, the shared and status frames, growth, versions, and the
// table-management GNTTABOP cores (setup_table, query_size, set_version,
// get_version, get_status_frames). Mapping is grant_map.cpp, copying
// grant_copy.cpp, handles maptrack.cpp.
//
// Locking: see grant_table.hpp. Here: registry_lock (global) guards
// `registry`; GrantTable::lock guards the frames, the version and `owner`.
// Growth and version changes take it for writing; the xenheap and heap
// locks nest inside it.
#include "common/grant/grant_table.hpp"

#include "arch/layout.hpp"
#include "arch/p2m.hpp"
#include "common/grant/grant_table_impl.hpp"
#include "common/grant/page_ref.hpp"
#include "common/lib/spinlock.hpp"
#include "lib/base/string.hpp"
#include "common/mm/p2m.hpp"
#include "common/mm/xenheap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {

RwLock registry_lock;
GrantTable* registry[max_domains];
std::atomic<uint32_t> tables_alive{0};

// The domain a table-management op names, as Xen's
// rcu_lock_domain_by_any_id() then the op's XSM hook (xsm_grant_setup or
// xsm_grant_query_size, XSM_TARGET): DOMID_SELF is the caller; another
// domain is found with a reference (held in `ref`) and asked about before
// anything of it is read.
enum class Lookup { ok, no_domain, denied };
using GrantHook = Status (*)(XsmAction<XsmDefault::target>, const Domain&, const Domain&);
Lookup lookup(Domain& cd, domid_t dom, GrantHook hook, DomainRef& ref) {
    if (!domain_ref_by_any_id(cd, dom, ref)) return Lookup::no_domain;
    if (!hook(XSM_TARGET, cd, *ref.get())) return Lookup::denied;
    return ref.get()->gnttab ? Lookup::ok : Lookup::no_domain;
}

/// lookup() for the ops that answer in a GNTST status: the domain (whose
/// table exists, held in `ref`), or nullptr with `status` set to
/// _bad_domain or _permission_denied.
Domain* lookup_for_status_op(Domain& cd, domid_t dom, GrantHook hook, DomainRef& ref, int16_t& status) {
    switch (lookup(cd, dom, hook, ref)) {
    case Lookup::no_domain: status = raw(GrantStatus::bad_domain); return nullptr;
    case Lookup::denied: status = raw(GrantStatus::permission_denied); return nullptr;
    case Lookup::ok: break;
    }
    return ref.get();
}

template <typename T> Result<T*> alloc_array(size_t n) {
    void* p = TRY(xmalloc_bytes(sizeof(T) * (n ? n : 1), alignof(T) < 16 ? 16 : alignof(T)));
    memset(p, 0, sizeof(T) * (n ? n : 1));
    return static_cast<T*>(p);
}

void free_table(GrantTable* gt) {
    for (uint32_t i = 0; i < gt->max_frames && gt->shared; ++i) {
        if (gt->shared[i]) free_xenheap_pages(gt->shared[i], 0);
        if (gt->active && gt->active[i]) {
            for (uint32_t j = 0; j < grant_entries_per_frame_v1; ++j) gt->active[i][j].~ActiveGrant();
            xfree(gt->active[i]);
        }
    }
    for (uint32_t i = 0; i < gt->max_status_frames && gt->status; ++i)
        if (gt->status[i]) free_xenheap_pages(gt->status[i], 0);
    maptrack_free(*gt);
    xfree(gt->shared);
    xfree(gt->frame_gfn);
    xfree(gt->status);
    xfree(gt->status_gfn);
    xfree(gt->active);
    Domain* held = gt->held;
    xdelete(gt);
    tables_alive.fetch_sub(1);
    if (held) domain_unhold(*held); // the last of the owner's pages others mapped is gone
}

// Allocate status frames up to what `nr_frames` v2 frames need (Xen's
// gnttab_populate_status_frames). Write lock held.
Status populate_status(GrantTable& gt, uint32_t nr_frames) {
    const uint32_t want = gnttab_status_frames_for(nr_frames);
    while (gt.nr_status_frames < want) {
        void* page = TRY(alloc_xenheap_pages(0));
        memset(page, 0, page_size);
        gt.status[gt.nr_status_frames] = static_cast<grant_status_t*>(page);
        gt.status_gfn[gt.nr_status_frames] = gnttab_invalid_gfn;
        ++gt.nr_status_frames;
    }
    return ok_status();
}

// Grow gt to at least `want` frames (Xen's gnttab_grow_table): active
// entries, shared frames, and under v2 status frames. Write lock held. On
// -ENOMEM the frames already added stay (Xen keeps them too).
Status grow(GrantTable& gt, uint32_t want) {
    if (want > gt.max_frames) return Err(Errno::XEN_EINVAL);
    while (gt.nr_frames < want) {
        const uint32_t i = gt.nr_frames;
        if (!gt.active[i]) {
            ActiveGrant* chunk = TRY(alloc_array<ActiveGrant>(grant_entries_per_frame_v1));
            for (uint32_t j = 0; j < grant_entries_per_frame_v1; ++j) new (&chunk[j]) ActiveGrant();
            gt.active[i] = chunk;
        }
        void* page = TRY(alloc_xenheap_pages(0));
        memset(page, 0, page_size);
        gt.shared[i] = page;
        gt.frame_gfn[i] = gnttab_invalid_gfn;
        if (gt.version == 2) {
            if (Status st = populate_status(gt, i + 1); !st) {
                free_xenheap_pages(page, 0);
                gt.shared[i] = nullptr;
                return st;
            }
        }
        gt.nr_frames = i + 1;
    }
    return ok_status();
}

// The gfn frame `page` is recorded at, checked against the p2m so that a
// stale record (the guest since replaced or removed that gfn) reads as
// unmapped.
uint64_t checked_gfn(Domain& d, uint64_t gfn, const void* page) {
    if (gfn == gnttab_invalid_gfn) return gnttab_invalid_gfn;
    ReadGuard g(d.p2m_lock);
    const auto e = d.p2m.lookup(Gfn{gfn});
    return e.type != arch::P2mType::invalid && e.mfn == arch::virt_to_mfn(page) ? gfn : gnttab_invalid_gfn;
}

// Take status frames out of the guest's p2m and free them (v2 -> v1,
// Xen's gnttab_unpopulate_status_frames()). A status frame is mapped at one
// gfn at most (p2m_add_xen_frame() moves it), the one status_gfn records;
// the writer removes it there and flushes before the frame is freed. A
// frame still referenced afterwards (the hypervisor is copying to it for
// the guest right now) is not freed: -EBUSY, and as Xen does for a
// translated guest, whose state it cannot restore, the domain is crashed;
// the frames stay until the table is freed. Write lock held.
Status unpopulate_status(Domain& d, GrantTable& gt) {
    for (uint32_t i = 0; i < gt.nr_status_frames; ++i)
        p2m_remove_xen_frame(d, arch::virt_to_mfn(gt.status[i]), gt.status_gfn[i]);
    for (uint32_t i = 0; i < gt.nr_status_frames; ++i) {
        if (page_ref_count(arch::virt_to_mfn(gt.status[i])) != 0) {
            domain_crash(d, "grant status frame still in use at set_version");
            return Err(Errno::XEN_EBUSY);
        }
    }
    for (uint32_t i = 0; i < gt.nr_status_frames; ++i) {
        free_xenheap_pages(gt.status[i], 0);
        gt.status[i] = nullptr;
        gt.status_gfn[i] = gnttab_invalid_gfn;
    }
    gt.nr_status_frames = 0;
    return ok_status();
}

grant_entry_v1_t* entry_v1(GrantTable& gt, uint32_t ref) {
    return static_cast<grant_entry_v1_t*>(gt.shared[ref / grant_entries_per_frame_v1]) +
           ref % grant_entries_per_frame_v1;
}
grant_entry_v2_t* entry_v2(GrantTable& gt, uint32_t ref) {
    return static_cast<grant_entry_v2_t*>(gt.shared[ref / gnttab_entries_per_frame_v2]) +
           ref % gnttab_entries_per_frame_v2;
}
grant_status_t* status_entry(GrantTable& gt, uint32_t ref) {
    return gt.status[ref / gnttab_status_per_frame] + ref % gnttab_status_per_frame;
}

void clear_flags(uint16_t* p, uint16_t bits) { __atomic_fetch_and(p, static_cast<uint16_t>(~bits), __ATOMIC_SEQ_CST); }

} // namespace

// ---- helpers for the other grant files ----

GrantTable* gt_get_by_domid(Domid domid) {
    registry_lock.read_lock();
    GrantTable* found = nullptr;
    for (GrantTable* gt : registry)
        if (gt && gt->domid == domid) {
            gt->refs.fetch_add(1);
            found = gt;
            break;
        }
    registry_lock.read_unlock();
    return found;
}

void gt_get(GrantTable& gt) { gt.refs.fetch_add(1); }

void gt_put(GrantTable* gt) {
    if (gt && gt->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) free_table(gt);
}

uint32_t gt_nr_entries(const GrantTable& gt) {
    return gt.nr_frames * (gt.version == 1 ? grant_entries_per_frame_v1 : gnttab_entries_per_frame_v2);
}

ActiveGrant& gt_active(GrantTable& gt, uint32_t ref) {
    return gt.active[ref / grant_entries_per_frame_v1][ref % grant_entries_per_frame_v1];
}

uint32_t* gt_header(GrantTable& gt, uint32_t ref) {
    // grant_entry_v1_t and grant_entry_header_t both start with flags, domid.
    return gt.version == 1 ? reinterpret_cast<uint32_t*>(entry_v1(gt, ref))
                           : reinterpret_cast<uint32_t*>(entry_v2(gt, ref));
}

uint16_t* gt_status(GrantTable& gt, uint32_t ref) {
    return gt.version == 1 ? &entry_v1(gt, ref)->flags : status_entry(gt, ref);
}

namespace {
constexpr uint16_t header_flags(uint32_t w) { return static_cast<uint16_t>(w); }
constexpr uint16_t header_domid(uint32_t w) { return static_cast<uint16_t>(w >> 16); }
} // namespace

GrantStatus gt_set_status(GrantTable& gt, uint32_t ref, const ActiveGrant& act, bool readonly, bool mapping,
                          Domid ldomid) {
    uint32_t* word = gt_header(gt, ref);
    const uint16_t mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
    if (gt.version == 1) {
        // The guest may change the entry under us: a bounded cmpxchg loop.
        uint32_t cur = __atomic_load_n(word, __ATOMIC_SEQ_CST);
        for (int retries = 0;; ++retries) {
            if (!act.pin && ((header_flags(cur) & mask) != GTF_permit_access || header_domid(cur) != ldomid))
                return GrantStatus::general_error;
            uint32_t next = cur | GTF_reading;
            if (!readonly) {
                next |= GTF_writing;
                if (header_flags(cur) & GTF_readonly) return GrantStatus::general_error;
            }
            if (__atomic_compare_exchange_n(word, &cur, next, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) break;
            if (retries == 4) return GrantStatus::general_error; // "unstable" entry
        }
        return GrantStatus::okay;
    }
    // v2: flags are the guest's, GTF_reading/GTF_writing go to the status
    // entry; check, set, then check again in case the guest changed it.
    // Transitive grants are refused (see docs/grant-tables.md).
    uint16_t* st = status_entry(gt, ref);
    auto bad = [&](uint32_t w, bool check_pin) {
        return (check_pin && !act.pin &&
                ((header_flags(w) & mask) != GTF_permit_access || header_domid(w) != ldomid)) ||
               (!readonly && (header_flags(w) & GTF_readonly));
    };
    uint32_t cur = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    if (bad(cur, true)) return GrantStatus::general_error;
    __atomic_fetch_or(st, static_cast<uint16_t>(readonly ? GTF_reading : GTF_reading | GTF_writing),
                      __ATOMIC_SEQ_CST);
    cur = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    if (bad(cur, true)) {
        clear_flags(st, act.pin ? GTF_writing : GTF_reading | GTF_writing);
        return GrantStatus::general_error;
    }
    return GrantStatus::okay;
}

void gt_reduce_status(GrantTable& gt, uint32_t ref, const ActiveGrant& act, bool readonly) {
    uint16_t bits = act.pin ? 0 : GTF_reading;
    if (!readonly && !(act.pin & (gntpin_hstw_mask | gntpin_devw_mask))) bits |= GTF_writing;
    if (bits) clear_flags(gt_status(gt, ref), bits);
}

GrantStatus gt_get_paged_frame(Domain& owner, uint64_t gfn, bool readonly, Mfn& mfn) {
    auto usable = [&](const arch::P2mEntry& e) {
        return e.type == arch::P2mType::ram_rw || (readonly && e.type == arch::P2mType::ram_ro);
    };
    ReadGuard g(owner.p2m_lock);
    const arch::P2mEntry e = owner.p2m.lookup(Gfn{gfn});
    if (!usable(e) || !page_ref_get(e.mfn)) return GrantStatus::bad_page;
    // The owner may have freed the frame between the lookup and the
    // reference (page_ref.hpp): look again now that the reference holds it.
    const arch::P2mEntry again = owner.p2m.lookup(Gfn{gfn});
    if (!usable(again) || again.mfn != e.mfn) {
        page_ref_put(e.mfn);
        return GrantStatus::bad_page;
    }
    mfn = e.mfn;
    return GrantStatus::okay;
}

// ---- domain lifetime ----

Status gnttab_domain_init(Domain& d) {
    if (d.gnttab) return Err(Errno::XEN_EEXIST);
    // Xen's grant_table_init() limits.
    if (d.max_grant_frames < gnttab_initial_frames || d.max_grant_frames > gnttab_max_frames_limit ||
        d.max_maptrack_frames > gnttab_max_maptrack_frames_limit)
        return Err(Errno::XEN_EINVAL);
    GrantTable* gt = TRY(xnew<GrantTable>());
    tables_alive.fetch_add(1);
    gt->owner = &d;
    gt->domid = d.domid;
    gt->max_frames = d.max_grant_frames;
    gt->max_version = d.max_grant_version; // createdomain's grant_opts
    gt->max_status_frames = gnttab_status_frames_for(gt->max_frames);
    gt->max_maptrack_frames = d.max_maptrack_frames;
    Status st = ok_status();
    auto shared = alloc_array<void*>(gt->max_frames);
    auto gfns = alloc_array<uint64_t>(gt->max_frames);
    auto status = alloc_array<grant_status_t*>(gt->max_status_frames);
    auto sgfns = alloc_array<uint64_t>(gt->max_status_frames);
    auto active = alloc_array<ActiveGrant*>(gt->max_frames);
    if (shared) gt->shared = shared.value();
    if (gfns) gt->frame_gfn = gfns.value();
    if (status) gt->status = status.value();
    if (sgfns) gt->status_gfn = sgfns.value();
    if (active) gt->active = active.value();
    if (!shared || !gfns || !status || !sgfns || !active) st = Err(Errno::XEN_ENOMEM);
    if (st) st = maptrack_init(*gt);
    if (st) {
        WriteGuard g(gt->lock);
        st = grow(*gt, gnttab_initial_frames);
    }
    if (st) {
        WriteGuard g(registry_lock);
        GrantTable** slot = nullptr;
        for (GrantTable*& r : registry) {
            if (r && r->domid == d.domid) st = Err(Errno::XEN_EEXIST);
            if (!r && !slot) slot = &r;
        }
        if (st && !slot) st = Err(Errno::XEN_ENOSPC);
        if (st) *slot = gt;
    }
    if (!st) {
        free_table(gt);
        return st;
    }
    d.gnttab = gt;
    return ok_status();
}

void gnttab_domain_destroy(Domain& d) {
    GrantTable* gt = d.gnttab;
    if (!gt) return;
    {
        WriteGuard g(registry_lock);
        for (GrantTable*& r : registry)
            if (r == gt) r = nullptr;
    }
    {
        // Operations that found the table finish before it is detached;
        // later ones see no owner (the domain is gone) and fail.
        WriteGuard g(gt->lock);
        gt->owner = nullptr;
    }
    d.gnttab = nullptr;
    gnttab_release_mappings(*gt);
    // Other domains still map (or copy) d's grants: d stays listed, dying,
    // until they let go (Xen: their page references keep d's pages, and the
    // pages d). Nobody finds the table any more, so the count only falls.
    if (gt->refs.load() > 1 && domain_hold(d)) gt->held = &d;
    gt_put(gt);
}

namespace {
// gnttab_get_frame() with gt's lock held for writing.
Result<Mfn> get_frame_locked(GrantTable* gt, uint64_t idx, bool status) {
    if (status) {
        // Xen's gnttab_get_status_frame_mfn(): v2 only; grows the table to
        // cover the status frame asked for.
        if (gt->version != 2 || idx >= gt->max_status_frames) return Err(Errno::XEN_EINVAL);
        if (idx >= gt->nr_status_frames) {
            const uint64_t entries = (idx + 1) * gnttab_status_per_frame;
            const uint64_t frames = (entries + gnttab_entries_per_frame_v2 - 1) / gnttab_entries_per_frame_v2;
            if (frames <= gt->max_frames) (void)grow(*gt, static_cast<uint32_t>(frames));
            if (idx >= gt->nr_status_frames) return Err(Errno::XEN_EINVAL);
        }
        return arch::virt_to_mfn(gt->status[idx]);
    }
    if (idx >= gt->max_frames) return Err(Errno::XEN_EINVAL);
    if (idx >= gt->nr_frames) {
        // Xen's gnttab_get_shared_frame_mfn(): a failed growth is -EINVAL.
        if (!grow(*gt, static_cast<uint32_t>(idx) + 1)) return Err(Errno::XEN_EINVAL);
    }
    return arch::virt_to_mfn(gt->shared[idx]);
}
} // namespace

Result<Mfn> gnttab_get_frame(Domain& d, uint64_t idx, bool status) {
    GrantTable* gt = d.gnttab;
    if (!gt) return Err(Errno::XEN_EINVAL);
    WriteGuard g(gt->lock);
    return get_frame_locked(gt, idx, status);
}

Status gnttab_map_frame(Domain& d, uint64_t idx, bool status, Gfn gfn) {
    GrantTable* gt = d.gnttab;
    if (!gt) return Err(Errno::XEN_EINVAL);
    // Held across the lookup, the p2m change and the record, so that the
    // frame cannot be freed by a set_version meanwhile (Xen holds the
    // table's lock in gnttab_map_frame() and a page reference after it).
    WriteGuard g(gt->lock);
    const Mfn mfn = TRY(get_frame_locked(gt, idx, status));
    uint64_t& record = status ? gt->status_gfn[idx] : gt->frame_gfn[idx];
    return p2m_add_xen_frame(d, gfn, mfn, record);
}

uint32_t gnttab_resource_max_frames(const Domain& d, uint32_t id) {
    switch (id) {
    case XENMEM_resource_grant_table_id_shared: return d.max_grant_frames;
    case XENMEM_resource_grant_table_id_status: return gnttab_status_frames_for(d.max_grant_frames);
    default: return 0;
    }
}

namespace {
void put_table(void* gt) { gt_put(static_cast<GrantTable*>(gt)); }
} // namespace

Status gnttab_acquire_resource(Domain& d, uint32_t id, uint32_t frame, uint32_t nr, Mfn mfns[],
                               ForeignHolder holders[]) {
    if (nr == 0) return Err(Errno::XEN_EINVAL);
    const bool status = id == XENMEM_resource_grant_table_id_status;
    if (!status && id != XENMEM_resource_grant_table_id_shared) return Err(Errno::XEN_EINVAL);
    // Found through the registry, with a reference: d's own pointer may be
    // cleared and its reference dropped by a destruction meanwhile.
    GrantTable* gt = gt_get_by_domid(d.domid);
    if (!gt) return Err(Errno::XEN_EINVAL);
    Status st = ok_status();
    {
        WriteGuard g(gt->lock); // growth; and set_version cannot free frames meanwhile
        if (gt->owner != &d) st = Err(Errno::XEN_EINVAL);
        else if (status && gt->version != 2) st = Err(Errno::XEN_EINVAL);
        else if (auto last = get_frame_locked(gt, uint64_t{frame} + nr - 1, status); !last) st = Err(last.error());
        if (st) {
            for (uint32_t i = 0; i < nr; ++i) {
                mfns[i] = arch::virt_to_mfn(status ? static_cast<void*>(gt->status[frame + i]) : gt->shared[frame + i]);
                gt_get(*gt); // the mapping's own, taken under the lock while the owner is attached
                holders[i] = ForeignHolder{put_table, gt};
            }
        }
    }
    gt_put(gt);
    return st;
}

void gnttab_set_frame_gfn(Domain& d, uint64_t idx, bool status, Gfn gfn) {
    GrantTable* gt = d.gnttab;
    if (!gt) return;
    WriteGuard g(gt->lock);
    if (status) {
        if (idx < gt->nr_status_frames) gt->status_gfn[idx] = raw(gfn);
    } else if (idx < gt->nr_frames) {
        gt->frame_gfn[idx] = raw(gfn);
    }
}

// ---- table-management cores ----

void gnttab_setup_table(Domain& cd, gnttab_setup_table_t& op,
                        bool (*put_frame)(void* ctx, uint32_t i, uint64_t gfn), void* ctx) {
    DomainRef ref;
    Domain* d = lookup_for_status_op(cd, op.dom, xsm_grant_setup, ref, op.status);
    if (!d) return;
    GrantTable& gt = *d->gnttab;
    WriteGuard g(gt.lock);
    if (op.nr_frames > gt.max_frames || !grow(gt, op.nr_frames)) {
        op.status = raw(GrantStatus::general_error);
        return;
    }
    op.status = raw(GrantStatus::okay);
    // The count is bounded by max_frames (<= 64): no preemption needed.
    for (uint32_t i = 0; i < op.nr_frames; ++i) {
        if (!put_frame(ctx, i, checked_gfn(*d, gt.frame_gfn[i], gt.shared[i]))) {
            op.status = raw(GrantStatus::bad_virt_addr);
            break;
        }
    }
}

void gnttab_query_size(Domain& cd, gnttab_query_size_t& op) {
    DomainRef ref;
    Domain* d = lookup_for_status_op(cd, op.dom, xsm_grant_query_size, ref, op.status);
    if (!d) return;
    GrantTable& gt = *d->gnttab;
    ReadGuard g(gt.lock);
    op.nr_frames = gt.nr_frames;
    op.max_nr_frames = gt.max_frames;
    op.status = raw(GrantStatus::okay);
}

Status gnttab_set_version(Domain& cd, gnttab_set_version_t& op) {
    GrantTable* gt = cd.gnttab;
    if (!gt) return Err(Errno::XEN_EINVAL);
    WriteGuard g(gt->lock);
    Status st = ok_status();
    const unsigned want = op.version;
    if (want != 1 && want != 2) st = Err(Errno::XEN_EINVAL);
    else if (want > gt->max_version) st = Err(Errno::XEN_ENOSYS); // "as before set_version existed"
    if (!st || want == gt->version) {
        op.version = gt->version;
        return st;
    }
    // Only the reserved entries (xenstore, console) may be in use.
    for (uint32_t i = GNTTAB_NR_RESERVED_ENTRIES; i < gt_nr_entries(*gt); ++i) {
        ActiveGrant& act = gt_active(*gt, i);
        SpinGuard ag(act.lock);
        if (act.pin) st = Err(Errno::XEN_EBUSY);
        if (!st) break;
    }
    grant_entry_v1_t reserved[GNTTAB_NR_RESERVED_ENTRIES] = {};
    if (st && gt->version == 1) {
        st = populate_status(*gt, gt->nr_frames);
        memcpy(reserved, entry_v1(*gt, 0), sizeof(reserved));
    } else if (st) {
        for (uint32_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES && st; ++i) {
            const grant_entry_v2_t* e = entry_v2(*gt, i);
            const uint16_t type = e->hdr.flags & GTF_type_mask;
            if ((type == GTF_permit_access && (e->full_page.frame >> 32)) || type == GTF_transitive)
                st = Err(Errno::XEN_ERANGE); // not representable in v1
        }
        for (uint32_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES && st; ++i) {
            const grant_entry_v2_t* e = entry_v2(*gt, i);
            if ((e->hdr.flags & GTF_type_mask) != GTF_permit_access) continue; // becomes GTF_invalid
            reserved[i].flags = e->hdr.flags | *status_entry(*gt, i);
            reserved[i].domid = e->hdr.domid;
            reserved[i].frame = static_cast<uint32_t>(e->full_page.frame);
        }
        if (st && cd.gnttab) st = unpopulate_status(cd, *gt);
    }
    if (st) {
        for (uint32_t i = 0; i < gt->nr_frames; ++i) memset(gt->shared[i], 0, page_size);
        if (want == 1) {
            memcpy(entry_v1(*gt, 0), reserved, sizeof(reserved));
        } else {
            for (uint32_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; ++i) {
                grant_entry_v2_t* e = entry_v2(*gt, i);
                *status_entry(*gt, i) = reserved[i].flags & (GTF_reading | GTF_writing);
                e->hdr.flags =
                    static_cast<uint16_t>(reserved[i].flags & ~(GTF_reading | GTF_writing));
                e->hdr.domid = reserved[i].domid;
                e->full_page.frame = reserved[i].frame;
            }
        }
        gt->version = want;
    }
    op.version = gt->version; // Xen reports the version in force on every path
    return st;
}

void gnttab_swap_grant_ref(Domain& cd, gnttab_swap_grant_ref_t& op) {
    GrantTable* gt = cd.gnttab;
    if (!gt) {
        op.status = raw(GrantStatus::general_error);
        return;
    }
    WriteGuard g(gt->lock); // no map, unmap or copy of this table meanwhile
    const uint32_t a = op.ref_a, b = op.ref_b;
    if (a >= gt_nr_entries(*gt) || b >= gt_nr_entries(*gt)) {
        op.status = raw(GrantStatus::bad_gntref);
        return;
    }
    if (a == b) { // nothing to swap (Xen checks this before taking two entry locks)
        op.status = raw(GrantStatus::okay);
        return;
    }
    if (gt_active(*gt, a).pin || gt_active(*gt, b).pin) {
        op.status = raw(GrantStatus::eagain);
        return;
    }
    if (gt->version == 1) {
        grant_entry_v1_t t = *entry_v1(*gt, a);
        *entry_v1(*gt, a) = *entry_v1(*gt, b);
        *entry_v1(*gt, b) = t;
    } else {
        grant_entry_v2_t t = *entry_v2(*gt, a);
        *entry_v2(*gt, a) = *entry_v2(*gt, b);
        *entry_v2(*gt, b) = t;
        const grant_status_t s = *status_entry(*gt, a);
        *status_entry(*gt, a) = *status_entry(*gt, b);
        *status_entry(*gt, b) = s;
    }
    op.status = raw(GrantStatus::okay);
}

Status gnttab_get_version(Domain& cd, gnttab_get_version_t& op) {
    DomainRef ref;
    switch (lookup(cd, op.dom, xsm_grant_query_size, ref)) {
    case Lookup::no_domain: return Err(Errno::XEN_ESRCH);
    case Lookup::denied: return Err(Errno::XEN_EPERM);
    case Lookup::ok: break;
    }
    GrantTable& gt = *ref.get()->gnttab;
    ReadGuard g(gt.lock);
    op.version = gt.version;
    return ok_status();
}

void gnttab_get_status_frames(Domain& cd, gnttab_get_status_frames_t& op,
                              bool (*put_frame)(void* ctx, uint32_t i, uint64_t gfn), void* ctx) {
    DomainRef ref;
    Domain* d = lookup_for_status_op(cd, op.dom, xsm_grant_setup, ref, op.status);
    if (!d) return;
    GrantTable& gt = *d->gnttab;
    ReadGuard g(gt.lock);
    // Xen's limit_max is the same bound for a translated guest.
    if (op.nr_frames > gt.nr_status_frames || op.nr_frames > gt.max_status_frames) {
        op.status = raw(GrantStatus::general_error);
        return;
    }
    op.status = raw(GrantStatus::okay);
    for (uint32_t i = 0; i < op.nr_frames; ++i)
        if (!put_frame(ctx, i, checked_gfn(*d, gt.status_gfn[i], gt.status[i])))
            op.status = raw(GrantStatus::bad_virt_addr); // Xen carries on with the next frame
}

// ---- toolstack and introspection ----

Status gnttab_seed_entry(Domain& d, uint32_t ref, Domid backend, Gfn gfn) {
    GrantTable* gt = d.gnttab;
    if (!gt || ref >= GNTTAB_NR_RESERVED_ENTRIES) return Err(Errno::XEN_EINVAL);
    WriteGuard g(gt->lock);
    uint16_t* flags;
    if (gt->version == 1) {
        grant_entry_v1_t* e = entry_v1(*gt, ref);
        e->domid = backend;
        e->frame = static_cast<uint32_t>(raw(gfn));
        flags = &e->flags;
    } else {
        grant_entry_v2_t* e = entry_v2(*gt, ref);
        e->hdr.domid = backend;
        e->full_page.frame = raw(gfn);
        flags = &e->hdr.flags;
    }
    // Flags last: a reader that sees GTF_permit_access sees the rest.
    __atomic_store_n(flags, static_cast<uint16_t>(GTF_permit_access), __ATOMIC_RELEASE);
    return ok_status();
}

Result<grant_entry_v1_t> gnttab_read_entry_v1(Domain& d, uint32_t ref) {
    GrantTable* gt = d.gnttab;
    if (!gt) return Err(Errno::XEN_EINVAL);
    ReadGuard g(gt->lock);
    if (gt->version != 1 || ref >= gt_nr_entries(*gt)) return Err(Errno::XEN_EINVAL);
    grant_entry_v1_t e;
    memcpy(&e, entry_v1(*gt, ref), sizeof(e));
    return e;
}

Result<GnttabActiveInfo> gnttab_active_info(Domain& d, uint32_t ref) {
    GrantTable* gt = d.gnttab;
    if (!gt) return Err(Errno::XEN_EINVAL);
    ReadGuard g(gt->lock);
    if (ref >= gt_nr_entries(*gt)) return Err(Errno::XEN_EINVAL);
    ActiveGrant& act = gt_active(*gt, ref);
    SpinGuard ag(act.lock);
    return GnttabActiveInfo{act.pin, act.domid, act.mfn};
}

uint32_t gnttab_maptrack_in_use(Domain& d) { return d.gnttab ? d.gnttab->maptrack_used.load() : 0; }
uint32_t gnttab_tables_alive() { return tables_alive.load(); }

} // namespace cxen
