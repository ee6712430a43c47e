// GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref and
// GNTTABOP_unmap_and_replace for an auto-translated (PVH) mapper, as Xen's
// map_grant_ref()/unmap_common() with x86's create_grant_p2m_mapping()/
// replace_grant_p2m_mapping(): a host mapping is a p2m entry of type
// grant_map_rw/grant_map_ro at gfn host_addr >> 12 of the mapping domain.
//
// Locking (order in grant_table.hpp): the granting table's lock (read), then
// the active entry's lock, then a domain's p2m_lock. The mapper's p2m is
// changed through the p2m writer (common/mm/p2m.hpp), with no grant lock
// held on map (as Xen), under the active entry lock on unmap (as Xen's
// replace_grant_host_mapping()). A maptrack entry is
// owned through its atomic state (grant_table_impl.hpp).
//
// Each mapping holds: one pin on the active entry (gntpin_hst{r,w}_inc), one
// page reference on the frame (page_ref.hpp) and one reference on the
// granting GrantTable; all three are dropped by its unmap, or by the
// mapper's destruction (gnttab_release_mappings()).
#include "abi/xen/xen.hpp"
#include "arch/p2m.hpp"
#include "common/grant/grant_table_impl.hpp"
#include "common/grant/page_ref.hpp"
#include "common/xsm/xsm.hpp"
#include "common/mm/p2m.hpp"

namespace cxen {

namespace {

// create_grant_p2m_mapping() + p2m_add_page(): put `mfn` at `gfn` of ld
// through the p2m writer. RAM there is freed once nothing references it
// (a vcpu_info or FIFO page the hypervisor writes keeps its frame, see
// common/mm/p2m.hpp); a grant mapping there is refused, as Xen refuses to
// replace one this way.
GrantStatus create_host_mapping(Domain& ld, uint64_t host_addr, Mfn mfn, uint32_t flags) {
    if ((flags & ~static_cast<uint32_t>(GNTMAP_readonly)) != GNTMAP_host_map) return GrantStatus::general_error;
    const Status st = p2m_add_grant(ld, Gfn{host_addr >> page_shift}, mfn, flags & GNTMAP_readonly);
    return st ? GrantStatus::okay : GrantStatus::general_error;
}

// replace_grant_p2m_mapping(): gfn host_addr >> 12 of ld must hold a grant
// mapping of `mfn`; it becomes empty, and the flush is done when this
// returns (before the caller drops the page reference: Xen's gnttab_flush_tlb).
GrantStatus remove_host_mapping(Domain& ld, uint64_t host_addr, Mfn mfn, uint64_t new_addr, uint32_t flags) {
    if (new_addr != 0 || (flags & GNTMAP_contains_pte)) return GrantStatus::general_error;
    return p2m_remove_grant(ld, Gfn{host_addr >> page_shift}, mfn) ? GrantStatus::okay : GrantStatus::general_error;
}

uint32_t pin_inc(uint32_t flags) {
    return (flags & GNTMAP_readonly) ? gntpin_hstr_inc : gntpin_hstw_inc;
}

// Drop the pin, the page reference and the table reference of a host
// mapping of grant `ref` in rgt (Xen's unmap_common_complete()).
void release_host_pin(GrantTable* rgt, uint32_t ref, uint32_t flags, Mfn mfn) {
    {
        ReadGuard g(rgt->lock);
        ActiveGrant& act = gt_active(*rgt, ref);
        SpinGuard ag(act.lock);
        ASSERT(act.pin & (gntpin_hstw_mask | gntpin_hstr_mask));
        act.pin -= pin_inc(flags);
        gt_reduce_status(*rgt, ref, act, flags & GNTMAP_readonly);
    }
    page_ref_put(mfn);
    gt_put(rgt);
}
} // namespace

void gnttab_map_grant_ref(Domain& ld, gnttab_map_grant_ref_t& op) {
    const bool readonly = op.flags & GNTMAP_readonly;
    uint32_t incr = 0;
    if (op.flags & GNTMAP_device_map) incr += readonly ? gntpin_devr_inc : gntpin_devw_inc;
    if (op.flags & GNTMAP_host_map) incr += readonly ? gntpin_hstr_inc : gntpin_hstw_inc;
    if (!incr) {
        op.status = raw(GrantStatus::bad_gntref);
        return;
    }
    // A translated mapper has no device, application or PTE mappings.
    if (op.flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte)) {
        op.status = raw(GrantStatus::general_error);
        return;
    }
    // Xen's rcu_lock_domain_by_id(): DOMID_SELF is no domain here. The
    // granting domain is held for the op; its table has its own reference,
    // which the mapping keeps.
    DomainRef rd;
    if (!domain_ref_by_id(op.dom, rd)) {
        op.status = raw(GrantStatus::bad_domain);
        return;
    }
    if (!xsm_grant_mapref(XSM_HOOK, ld, *rd.get())) {
        op.status = raw(GrantStatus::permission_denied);
        return;
    }
    GrantTable* rgt = gt_get_by_domid(op.dom);
    if (!rgt) {
        op.status = raw(GrantStatus::bad_domain);
        return;
    }
    GrantTable* lgt = ld.gnttab;
    const uint32_t handle = lgt ? maptrack_get_handle(*lgt) : maptrack_none;
    if (handle == maptrack_none) {
        gt_put(rgt);
        op.status = raw(GrantStatus::no_space);
        return;
    }

    GrantStatus rc = GrantStatus::okay;
    Mfn mfn{};
    bool pinned = false, took_page = false;
    {
        ReadGuard g(rgt->lock);
        if (!rgt->owner) rc = GrantStatus::bad_domain; // destroyed since we found it
        else if (op.ref >= gt_nr_entries(*rgt)) rc = GrantStatus::bad_gntref;
        if (rc == GrantStatus::okay) {
            ActiveGrant& act = gt_active(*rgt, op.ref);
            SpinGuard ag(act.lock);
            // Pinned for another domain, a counter about to overflow (Xen's
            // GNTPIN_incr2oflow_mask), or a sub-page grant.
            if (act.pin && (act.domid != ld.domid || (act.pin & (incr << 7)) || act.is_sub_page))
                rc = GrantStatus::general_error;
            if (rc == GrantStatus::okay &&
                (!act.pin || (!readonly && !(act.pin & (gntpin_hstw_mask | gntpin_devw_mask))))) {
                rc = gt_set_status(*rgt, op.ref, act, readonly, true, ld.domid);
                if (rc == GrantStatus::okay && !act.pin) {
                    const uint64_t gfn =
                        rgt->version == 1
                            ? reinterpret_cast<const grant_entry_v1_t*>(gt_header(*rgt, op.ref))->frame
                            : reinterpret_cast<const grant_entry_v2_t*>(gt_header(*rgt, op.ref))->full_page.frame;
                    rc = gt_get_paged_frame(*rgt->owner, gfn, readonly, act.mfn);
                    if (rc == GrantStatus::okay) {
                        took_page = true;
                        act.domid = ld.domid;
                        act.start = 0;
                        act.length = page_size;
                        act.is_sub_page = false;
                    } else {
                        gt_reduce_status(*rgt, op.ref, act, readonly);
                    }
                }
            }
            if (rc == GrantStatus::okay) {
                act.pin += incr;
                pinned = true;
                mfn = act.mfn;
            }
        }
    }
    // An entry already pinned: this mapping takes its own page reference.
    if (rc == GrantStatus::okay && !took_page) {
        took_page = page_ref_get(mfn);
        if (!took_page) rc = GrantStatus::general_error;
    }
    if (rc == GrantStatus::okay) rc = create_host_mapping(ld, op.host_addr, mfn, op.flags);
    if (rc != GrantStatus::okay) {
        if (pinned) { // Xen's undo_out
            ReadGuard g(rgt->lock);
            ActiveGrant& act = gt_active(*rgt, op.ref);
            SpinGuard ag(act.lock);
            act.pin -= incr;
            gt_reduce_status(*rgt, op.ref, act, readonly);
        }
        if (took_page) page_ref_put(mfn);
        maptrack_put_handle(*lgt, handle);
        gt_put(rgt);
        op.status = raw(rc);
        return;
    }
    MaptrackEntry& mt = maptrack_entry(*lgt, handle);
    mt.flags = op.flags;
    mt.ref = op.ref;
    mt.rgt = rgt; // keeps the reference taken by gt_get_by_domid()
    mt.gfn = op.host_addr >> page_shift;
    mt.state.store(MaptrackState::used, std::memory_order_release); // last: the entry is complete
    lgt->maptrack_used.fetch_add(1);
    op.dev_bus_addr = mfn_to_paddr(mfn);
    op.handle = handle;
    op.status = raw(GrantStatus::okay);
}

namespace {
// unmap_common() + unmap_common_complete() for one handle.
GrantStatus unmap_one(Domain& ld, uint32_t handle, uint64_t host_addr, uint64_t new_addr) {
    GrantTable* lgt = ld.gnttab;
    if (!lgt || handle >= lgt->maptrack_limit.load(std::memory_order_acquire)) return GrantStatus::bad_handle;
    MaptrackEntry& mt = maptrack_entry(*lgt, handle);
    MaptrackState expected = MaptrackState::used;
    // Claim the entry; a free one, or one another unmap holds, is a bad handle.
    if (!mt.state.compare_exchange_strong(expected, MaptrackState::busy, std::memory_order_acquire))
        return GrantStatus::bad_handle;
    GrantTable* rgt = mt.rgt;
    const uint32_t ref = mt.ref, flags = mt.flags;
    if (!host_addr || !(flags & GNTMAP_host_map)) { // nothing asked: the mapping stays
        mt.state.store(MaptrackState::used, std::memory_order_release);
        return GrantStatus::okay;
    }
    GrantStatus rc;
    Mfn mfn{};
    {
        ReadGuard g(rgt->lock);
        // Xen asks the hook of the granting domain; a destroyed one (no
        // owner) still lets its mapping go, as its table is kept for that.
        if (rgt->owner && !xsm_grant_unmapref(XSM_HOOK, ld, *rgt->owner)) {
            mt.state.store(MaptrackState::used, std::memory_order_release);
            return GrantStatus::permission_denied;
        }
        ActiveGrant& act = gt_active(*rgt, ref);
        SpinGuard ag(act.lock);
        mfn = act.mfn;
        rc = remove_host_mapping(ld, host_addr, mfn, new_addr, flags);
    }
    if (rc != GrantStatus::okay) {
        mt.state.store(MaptrackState::used, std::memory_order_release);
        return rc;
    }
    mt.rgt = nullptr;
    mt.state.store(MaptrackState::free, std::memory_order_release);
    lgt->maptrack_used.fetch_sub(1);
    maptrack_put_handle(*lgt, handle);
    release_host_pin(rgt, ref, flags, mfn);
    return GrantStatus::okay;
}
} // namespace

void gnttab_unmap_grant_ref(Domain& ld, gnttab_unmap_grant_ref_t& op) {
    op.status = raw(unmap_one(ld, op.handle, op.host_addr, 0));
}

void gnttab_unmap_and_replace(Domain& ld, gnttab_unmap_and_replace_t& op) {
    op.status = raw(unmap_one(ld, op.handle, op.host_addr, op.new_addr));
}

void gnttab_release_mappings(GrantTable& lgt) {
    const uint32_t limit = lgt.maptrack_limit.load(std::memory_order_acquire);
    for (uint32_t h = 0; h < limit; ++h) {
        MaptrackEntry& mt = maptrack_entry(lgt, h);
        MaptrackState expected = MaptrackState::used;
        if (!mt.state.compare_exchange_strong(expected, MaptrackState::busy, std::memory_order_acquire)) continue;
        GrantTable* rgt = mt.rgt;
        Mfn mfn;
        {
            ReadGuard g(rgt->lock);
            ActiveGrant& act = gt_active(*rgt, mt.ref);
            SpinGuard ag(act.lock);
            mfn = act.mfn;
        }
        // The p2m entry goes with the mapper's p2m teardown (grant types
        // are not freed there).
        const uint32_t ref = mt.ref, flags = mt.flags;
        mt.rgt = nullptr;
        mt.state.store(MaptrackState::free, std::memory_order_release);
        lgt.maptrack_used.fetch_sub(1);
        maptrack_put_handle(lgt, h);
        release_host_pin(rgt, ref, flags, mfn);
    }
}

} // namespace cxen
