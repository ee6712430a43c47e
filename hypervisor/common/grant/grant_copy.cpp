// GNTTABOP_copy, one element at a time (Xen's gnttab_copy_one() and
// acquire_grant_for_copy()/release_grant_for_copy()): each side is a grant
// of another domain (pinned for the copy: GTF_reading, plus GTF_writing for
// the destination) or a frame of the caller's own (gmfn with DOMID_SELF).
//
// Locking (order in grant_table.hpp): a side is acquired and released under
// its table's lock (read) and active-entry lock, one at a time; the bytes
// are copied with no lock held, the frames kept alive by a page reference
// each (page_ref.hpp) and the grants by their pins.
//
// Differences from Xen (docs/grant-tables.md): no transitive grants (a
// GTF_transitive entry is GNTST_general_error, as Xen with transitive grants
// disabled), and each element pins and releases its grants itself instead of
// keeping them across consecutive elements that name the same grant.
#include "abi/xen/xen.hpp"
#include "arch/p2m.hpp"
#include "common/grant/grant_table_impl.hpp"
#include "common/grant/page_ref.hpp"
#include "lib/base/string.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {

struct CopySide {
    Domain* domain = nullptr; ///< the side's domain (DOMID_SELF: the caller), a reference held
    GrantTable* gt = nullptr; ///< table of a gref side, a reference held
    bool have_grant = false;
    bool have_page = false;
    uint32_t ref = 0;
    Mfn mfn{};
    uint16_t start = 0, length = 0; ///< the window the grant allows
};

GrantStatus acquire_for_copy(GrantTable& rgt, uint32_t ref, Domid ldom, bool readonly, CopySide& side) {
    const uint32_t incr = readonly ? gntpin_hstr_inc : gntpin_hstw_inc;
    ReadGuard g(rgt.lock);
    if (!rgt.owner) return GrantStatus::bad_domain;
    if (ref >= gt_nr_entries(rgt)) return GrantStatus::bad_gntref;
    ActiveGrant& act = gt_active(rgt, ref);
    SpinGuard ag(act.lock);
    if (act.pin && (act.domid != ldom || (act.pin & (incr << 7)))) return GrantStatus::general_error;
    const auto* e2 = rgt.version == 2 ? reinterpret_cast<const grant_entry_v2_t*>(gt_header(rgt, ref)) : nullptr;
    if (e2 && (__atomic_load_n(&e2->hdr.flags, __ATOMIC_SEQ_CST) & GTF_type_mask) == GTF_transitive)
        return GrantStatus::general_error; // transitive grants are not supported
    if (!act.pin || (!readonly && !(act.pin & (gntpin_hstw_mask | gntpin_devw_mask)))) {
        const GrantStatus rc = gt_set_status(rgt, ref, act, readonly, false, ldom);
        if (rc != GrantStatus::okay) return rc;
        if (!act.pin) {
            uint64_t gfn;
            uint16_t start = 0, length = page_size;
            bool sub = false;
            if (!e2) {
                gfn = reinterpret_cast<const grant_entry_v1_t*>(gt_header(rgt, ref))->frame;
            } else if (!(e2->hdr.flags & GTF_sub_page)) {
                gfn = e2->full_page.frame;
            } else {
                gfn = e2->sub_page.frame;
                start = e2->sub_page.page_off;
                length = e2->sub_page.length;
                sub = true;
            }
            Mfn mfn{};
            const GrantStatus st = gt_get_paged_frame(*rgt.owner, gfn, readonly, mfn);
            if (st != GrantStatus::okay) {
                gt_reduce_status(rgt, ref, act, readonly);
                return st;
            }
            act.domid = ldom;
            act.mfn = mfn;
            act.start = start;
            act.length = length;
            act.is_sub_page = sub;
            side.have_page = true;
        }
    }
    if (!side.have_page) {
        // Already pinned: the frame is alive; this copy takes its own reference.
        if (!page_ref_get(act.mfn)) return GrantStatus::general_error;
        side.have_page = true;
    }
    act.pin += incr;
    side.have_grant = true;
    side.ref = ref;
    side.mfn = act.mfn;
    side.start = act.start;
    side.length = act.length;
    return GrantStatus::okay;
}

void release_side(CopySide& side, bool readonly) {
    if (side.have_grant) {
        ReadGuard g(side.gt->lock);
        ActiveGrant& act = gt_active(*side.gt, side.ref);
        SpinGuard ag(act.lock);
        act.pin -= readonly ? gntpin_hstr_inc : gntpin_hstw_inc;
        gt_reduce_status(*side.gt, side.ref, act, readonly);
    }
    if (side.have_page) page_ref_put(side.mfn);
    gt_put(side.gt);
    if (side.domain) put_domain(*side.domain);
    side = CopySide{};
}

// gnttab_copy_lock_domain(): only DOMID_SELF may name a frame directly;
// the domain named is found with a reference (Xen's
// rcu_lock_domain_by_any_id()), GNTST_bad_domain if there is none.
GrantStatus lock_side(Domain& ld, const gnttab_copy_t::gnttab_copy_ptr& p, bool is_gref, CopySide& side) {
    if (p.domid != DOMID_SELF && !is_gref) return GrantStatus::permission_denied;
    DomainRef ref;
    if (!domain_ref_by_any_id(ld, p.domid, ref)) return GrantStatus::bad_domain;
    side.domain = ref.release(); // kept until release_side()
    if (!is_gref) return GrantStatus::okay; // the caller's own frame
    if (p.domid == DOMID_SELF) {
        if (!ld.gnttab) return GrantStatus::bad_domain;
        gt_get(*ld.gnttab);
        side.gt = ld.gnttab;
    } else {
        side.gt = gt_get_by_domid(p.domid);
    }
    return side.gt ? GrantStatus::okay : GrantStatus::bad_domain;
}

GrantStatus claim_side(Domain& ld, const gnttab_copy_t::gnttab_copy_ptr& p, bool is_gref, bool readonly,
                       CopySide& side) {
    if (is_gref) return acquire_for_copy(*side.gt, p.u.ref, ld.domid, readonly, side);
    const GrantStatus rc = gt_get_paged_frame(ld, p.u.gmfn, readonly, side.mfn);
    if (rc != GrantStatus::okay) return rc;
    side.have_page = true;
    side.start = 0;
    side.length = page_size;
    return GrantStatus::okay;
}

GrantStatus copy_one(Domain& ld, const gnttab_copy_t& op, CopySide& src, CopySide& dst) {
    const bool src_gref = op.flags & GNTCOPY_source_gref, dst_gref = op.flags & GNTCOPY_dest_gref;
    GrantStatus rc = lock_side(ld, op.source, src_gref, src);
    if (rc == GrantStatus::okay) rc = lock_side(ld, op.dest, dst_gref, dst);
    if (rc == GrantStatus::okay && !xsm_grant_copy(XSM_HOOK, *src.domain, *dst.domain))
        rc = GrantStatus::permission_denied;
    if (rc == GrantStatus::okay) rc = claim_side(ld, op.source, src_gref, true, src);
    if (rc == GrantStatus::okay) rc = claim_side(ld, op.dest, dst_gref, false, dst);
    if (rc != GrantStatus::okay) return rc;
    // gnttab_copy_buf(): the page first, then the grant's window.
    if (op.source.offset + op.len > page_size || op.dest.offset + op.len > page_size)
        return GrantStatus::bad_copy_arg;
    if (op.source.offset < src.start || op.source.offset + op.len > src.start + src.length)
        return GrantStatus::general_error;
    if (op.dest.offset < dst.start || op.dest.offset + op.len > dst.start + dst.length)
        return GrantStatus::general_error;
    memmove(static_cast<uint8_t*>(arch::map_domain_frame(dst.mfn)) + op.dest.offset,
            static_cast<const uint8_t*>(arch::map_domain_frame(src.mfn)) + op.source.offset, op.len);
    return GrantStatus::okay;
}

} // namespace

void gnttab_copy(Domain& ld, gnttab_copy_t& op) {
    CopySide src, dst;
    op.status = raw(copy_one(ld, op, src, dst));
    release_side(src, true);
    release_side(dst, false);
}

} // namespace cxen
