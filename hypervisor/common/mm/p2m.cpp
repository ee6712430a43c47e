// See p2m.hpp. Each public function is one or more locked steps: under
// d.p2m_lock it reads and changes entries and notes what it took out
// (Taken); after the lock it flushes the domain's nested TLBs if an entry
// went, then frees or unreferences what was taken, in that order.
//
// Locking: d.p2m_lock (leaf), see p2m.hpp.
#include "common/mm/p2m.hpp"

#include "common/domain.hpp"
#include "common/grant/page_ref.hpp"
#include "common/mm/claim.hpp"
#include "common/mm/domain_ram.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen {

namespace {
using arch::P2mEntry;
using arch::P2mType;

bool is_ram(P2mType t) { return t == P2mType::ram_rw || t == P2mType::ram_ro; }
bool is_grant(P2mType t) { return t == P2mType::grant_map_rw || t == P2mType::grant_map_ro; }
// Another domain's frame (Xen's p2m_is_special() without MMIO): not the
// guest's to free, displace or populate over.
bool is_special(P2mType t) { return is_grant(t) || t == P2mType::map_foreign; }

bool in_reach(uint64_t gfn, uint64_t n) { return gfn <= arch::p2m_max_gfn && n - 1 <= arch::p2m_max_gfn - gfn; }

// What one locked step took out of d's p2m, to be released after the flush.
struct Taken {
    static constexpr unsigned max = 32; // entries per locked step (bounds the stack and the lock hold)
    struct {
        Mfn mfn;
        P2mType type;
        ForeignHolder holder; // map_foreign: what kept the frame's owner
    } e[max];
    unsigned n = 0;
    // Tables a larger mapping replaced or a removal emptied: at most one per
    // set_entry(), which a step calls once per entry it takes plus twice.
    arch::P2mDetached tables[max + 2];
    unsigned ntables = 0;
    bool flush = false; // an entry that was present changed
    bool full() const { return n == max; }
    /// Where set_entry() may put the table it detaches; note_table() keeps it.
    arch::P2mDetached* table_slot() {
        ASSERT(ntables < max + 2);
        return &tables[ntables];
    }
    void note_table() {
        if (tables[ntables].table) ++ntables;
    }
};

/// set_entry() in a locked step: what it detaches is kept in t.
Status set_entry_taking(Domain& d, Gfn gfn, Mfn mfn, unsigned order, P2mType type, Taken& t) {
    const Status st = d.p2m.set_entry(gfn, mfn, order, type, t.table_slot());
    t.note_table();
    return st;
}

// Clear the page at gfn, which maps `e` (not a grant mapping unless the
// grant code asks), noting it in t. p2m_lock held. -ENOMEM when a superpage
// must be split and the pool is full.
Status take_locked(Domain& d, Gfn gfn, const P2mEntry& e, Taken& t) {
    TRY(set_entry_taking(d, gfn, Mfn{0}, 0, P2mType::invalid, t));
    const ForeignHolder h = e.type == P2mType::map_foreign ? d.foreign_maps.take(raw(gfn)) : ForeignHolder{};
    t.e[t.n++] = {e.mfn, e.type, h};
    t.flush = true;
    if (e.type == P2mType::xen_page && d.shared_info && e.mfn == xenheap_virt_to_mfn(d.shared_info))
        d.shared_info_gfn = ~0ull; // shared_info is unhooked
    return ok_status();
}

// After the lock: flush, then let go of what t took. RAM goes back to the
// allocator unless a page reference holds it (then its last put frees it);
// a hypervisor frame loses the reference its entry held; a foreign entry
// its page reference, then its holder (the frame's owner may go after
// that); a grant mapping's reference is the grant code's to drop, after
// this returns.
void release(Domain& d, Taken& t) {
    if (t.flush || t.ntables) arch::p2m_flush_guest_tlbs(d);
    int64_t ram_freed = 0;
    for (unsigned i = 0; i < t.n; ++i) {
        if (is_ram(t.e[i].type)) {
            free_domain_ram(t.e[i].mfn, 0);
            ++ram_freed;
        }
        else if (t.e[i].type == P2mType::xen_page || t.e[i].type == P2mType::map_foreign) page_ref_put(t.e[i].mfn);
        if (t.e[i].holder.release) t.e[i].holder.release(t.e[i].holder.obj);
    }
    domain_adjust_claim(d, -ram_freed);
    if (t.ntables) {
        WriteGuard g(d.p2m_lock); // the pool's count
        for (unsigned i = 0; i < t.ntables; ++i) d.p2m.free_detached(t.tables[i]);
    }
    t = Taken{};
}

// p2m_teardown()'s per-entry release; p2m_lock held, nothing runs in d.
void release_at_teardown(Mfn mfn, unsigned order, P2mType type, void*) {
    if (is_ram(type)) free_domain_ram(mfn, order); // blocks may have been split
    else if (type == P2mType::xen_page || type == P2mType::map_foreign) page_ref_put(mfn);
}

void unhold_domain(void* fd) { domain_unhold(*static_cast<Domain*>(fd)); }

// The locked step of a foreign mapping: put `mfn` at gfn of d as map_foreign,
// with the page reference the caller took and `holder`, both kept by the
// entry from then on (also when an identical entry is already there: then
// they are dropped here). What was at gfn: RAM is freed and a hypervisor
// frame unhooked (after the flush); another domain's frame (a grant or
// foreign entry) is refused: -ENXIO as Xen's guest_remove_page() for
// p2m_add_foreign(), or for set_foreign_p2m_entry() (`typed`) -EPERM
// unless it is this very mapping (set_typed_p2m_entry()).
Status set_foreign(Domain& d, Gfn gfn, Mfn mfn, ForeignHolder holder, bool typed) {
    if (!in_reach(raw(gfn), 1)) return Err(Errno::XEN_EINVAL);
    Taken t;
    Status st = ok_status();
    bool already = false;
    {
        WriteGuard g(d.p2m_lock);
        const P2mEntry prev = d.p2m.lookup(gfn);
        if (is_special(prev.type)) {
            if (typed && prev.type == P2mType::map_foreign && prev.mfn == mfn) already = true;
            else st = Err(typed ? Errno::XEN_EPERM : Errno::XEN_ENXIO);
        } else {
            st = d.foreign_maps.reserve_one(); // first: the record cannot fail once mapped
            if (st && prev.type != P2mType::invalid) st = take_locked(d, gfn, prev, t);
            if (st) st = set_entry_taking(d, gfn, mfn, 0, P2mType::map_foreign, t);
            if (st) d.foreign_maps.insert(raw(gfn), holder);
        }
    }
    release(d, t);
    if (already) {
        page_ref_put(mfn);
        if (holder.release) holder.release(holder.obj);
    }
    return st;
}

// guest_remove_page() (foreign_ok false) or XENMEM_remove_from_physmap's
// guest_physmap_remove_page() (true) of one gfn.
Status remove_one(Domain& d, Gfn gfn, bool foreign_ok) {
    Taken t;
    Status st = ok_status();
    {
        WriteGuard g(d.p2m_lock);
        const P2mEntry e = d.p2m.lookup(gfn);
        if (e.type == P2mType::invalid) st = Err(Errno::XEN_ENOENT);
        // Another domain's frame, grant-mapped: not d's to free (Xen's
        // get_page(page, d) fails: -ENXIO); GNTTABOP_unmap_grant_ref removes
        // it. A foreign entry likewise, but for remove_from_physmap.
        else if (is_grant(e.type) || (e.type == P2mType::map_foreign && !foreign_ok)) st = Err(Errno::XEN_ENXIO);
        else st = take_locked(d, gfn, e, t);
    }
    release(d, t);
    return st;
}
} // namespace

uint64_t p2m_pool_pages(unsigned max_vcpus, uint64_t max_pages) {
    constexpr uint64_t pages_per_mib = (uint64_t{1} << 20) >> page_shift;
    return 256 * uint64_t{max_vcpus} + (max_pages + pages_per_mib - 1) / pages_per_mib;
}

void p2m_set_pool(Domain& d) {
    WriteGuard g(d.p2m_lock);
    d.p2m.set_table_limit(p2m_pool_pages(d.max_vcpus, d.max_pages));
}

Status p2m_populate(Domain& d, Gfn gfn, unsigned order) {
    const uint64_t n = uint64_t{1} << order;
    if (!in_reach(raw(gfn), n)) return Err(Errno::XEN_EINVAL);
    // d's claim, if it covers the extent, lets it use claimed memory.
    const Mfn mfn = TRY(page_allocator().alloc(order, &d.outstanding_pages));
    arch::clear_frames(mfn, order);
    // Empty the range a few entries per locked step (each removal is flushed
    // before its frame goes), then map the extent in the step that finds the
    // range empty, so that nothing another vCPU put there meanwhile is lost.
    for (;;) {
        Taken t;
        Status st = ok_status();
        bool done = false;
        {
            WriteGuard g(d.p2m_lock);
            uint64_t replaced = 0;
            for (uint64_t i = 0; i < n; ++i) replaced += is_ram(d.p2m.lookup(gfn + i).type);
            if (d.p2m.ram_pages() - replaced + n > d.max_pages) st = Err(Errno::XEN_ENOMEM); // over-allocation
            bool empty = true;
            for (uint64_t i = 0; i < n && st && !t.full(); ++i) {
                const P2mEntry e = d.p2m.lookup(gfn + i);
                if (e.type == P2mType::invalid) continue;
                empty = false;
                // Another domain's frame is not the guest's to displace (Xen's p2m_add_page() refuses it).
                st = is_special(e.type) ? Status(Err(Errno::XEN_ENXIO)) : take_locked(d, gfn + i, e, t);
            }
            if (st && empty) {
                // The p2m maps an extent in one entry when it is aligned, else page by page.
                if ((raw(gfn) & (n - 1)) == 0 && (order == 0 || order == 9 || order == 18)) {
                    st = set_entry_taking(d, gfn, mfn, order, P2mType::ram_rw, t);
                } else {
                    if (order) page_allocator().split(mfn, order);
                    uint64_t i = 0;
                    for (; i < n && st; ++i) st = set_entry_taking(d, gfn + i, mfn + i, 0, P2mType::ram_rw, t);
                    if (!st) { // undo the part mapped; the frames are freed below, after the flush
                        for (uint64_t j = 0; j + 1 < i; ++j) (void)d.p2m.set_entry(gfn + j, Mfn{0}, 0, P2mType::invalid);
                        t.flush = true;
                    }
                }
                done = true;
            }
        }
        release(d, t);
        if (!st) {
            free_domain_ram(mfn, order);
            return st;
        }
        if (done) {
            domain_adjust_claim(d, static_cast<int64_t>(n)); // the extent's pages are d's now
            return ok_status();
        }
    }
}

Status p2m_remove_page(Domain& d, Gfn gfn) { return remove_one(d, gfn, false); }

Status p2m_remove_from_physmap(Domain& d, Gfn gfn) { return remove_one(d, gfn, true); }

Status p2m_add_foreign(Domain& d, Gfn gfn, Domain& fd, Gfn fgfn) {
    // The frame, with a reference taken under fd's lock: fd cannot free it
    // between the lookup and the reference (its removals take the lock to
    // write). Xen accepts RAM only (p2m_is_ram), and a torn-down (dying)
    // p2m has none.
    Mfn mfn;
    {
        ReadGuard g(fd.p2m_lock);
        const P2mEntry e = fd.p2m.lookup(fgfn);
        if (!is_ram(e.type) || !page_ref_get(e.mfn)) return Err(Errno::XEN_EINVAL);
        mfn = e.mfn;
    }
    // fd stays listed while the entry exists (its frames are referenced).
    if (!domain_hold(fd)) {
        page_ref_put(mfn);
        return Err(Errno::XEN_EINVAL);
    }
    const Status st = set_foreign(d, gfn, mfn, ForeignHolder{unhold_domain, &fd}, false);
    if (!st) {
        page_ref_put(mfn);
        domain_unhold(fd);
    }
    return st;
}

Status p2m_set_foreign_entry(Domain& d, Gfn gfn, Mfn mfn, ForeignHolder holder) {
    if (!page_ref_get(mfn)) {
        if (holder.release) holder.release(holder.obj);
        return Err(Errno::XEN_EOVERFLOW);
    }
    const Status st = set_foreign(d, gfn, mfn, holder, true);
    if (!st) {
        page_ref_put(mfn);
        if (holder.release) holder.release(holder.obj);
    }
    return st;
}

Status p2m_add_xen_frame(Domain& d, Gfn gfn, Mfn mfn, uint64_t& record) {
    if (!in_reach(raw(gfn), 1)) return Err(Errno::XEN_EINVAL);
    if (!page_ref_get(mfn)) return Err(Errno::XEN_EOVERFLOW); // the reference the new entry holds
    Taken t;
    Status st = ok_status();
    bool mapped = false;
    {
        WriteGuard g(d.p2m_lock);
        const P2mEntry prev = d.p2m.lookup(gfn);
        if (prev.type == P2mType::xen_page && prev.mfn == mfn) {
            record = raw(gfn); // already there: nothing changes
        } else {
            if (is_special(prev.type)) st = Err(Errno::XEN_ENXIO);
            else if (prev.type != P2mType::invalid) st = take_locked(d, gfn, prev, t);
            if (st) st = set_entry_taking(d, gfn, mfn, 0, P2mType::xen_page, t);
            if (st) {
                mapped = true;
                // Away from where it was (Xen: the M2P's old gfn), if still there.
                const uint64_t old = record;
                if (old != ~0ull && old != raw(gfn)) {
                    const P2mEntry oe = d.p2m.lookup(Gfn{old});
                    if (oe.type == P2mType::xen_page && oe.mfn == mfn)
                        (void)take_locked(d, Gfn{old}, oe, t); // a 4 KiB entry: no split, cannot fail
                }
                record = raw(gfn);
            }
        }
    }
    if (!mapped) page_ref_put(mfn);
    release(d, t);
    return st;
}

void p2m_remove_xen_frame(Domain& d, Mfn mfn, uint64_t& record) {
    Taken t;
    {
        WriteGuard g(d.p2m_lock);
        if (record != ~0ull) {
            const P2mEntry e = d.p2m.lookup(Gfn{record});
            if (e.type == P2mType::xen_page && e.mfn == mfn) (void)take_locked(d, Gfn{record}, e, t);
        }
        record = ~0ull;
    }
    release(d, t);
}

Status p2m_add_grant(Domain& d, Gfn gfn, Mfn mfn, bool readonly) {
    if (!in_reach(raw(gfn), 1)) return Err(Errno::XEN_EINVAL);
    Taken t;
    Status st = ok_status();
    {
        WriteGuard g(d.p2m_lock);
        const P2mEntry prev = d.p2m.lookup(gfn);
        if (is_special(prev.type)) st = Err(Errno::XEN_EBUSY); // Xen refuses to replace one this way
        else if (prev.type != P2mType::invalid) st = take_locked(d, gfn, prev, t);
        if (st)
            st = set_entry_taking(d, gfn, mfn, 0, readonly ? P2mType::grant_map_ro : P2mType::grant_map_rw, t);
    }
    release(d, t);
    return st;
}

Status p2m_remove_grant(Domain& d, Gfn gfn, Mfn mfn) {
    Taken t;
    Status st = ok_status();
    {
        WriteGuard g(d.p2m_lock);
        const P2mEntry e = d.p2m.lookup(gfn);
        if (!is_grant(e.type) || e.mfn != mfn) st = Err(Errno::XEN_EINVAL);
        else st = take_locked(d, gfn, e, t); // a 4 KiB entry: cannot fail
    }
    release(d, t); // the flush, before the caller drops its page reference
    return st;
}

Status p2m_build_map(Domain& d, Gfn gfn, Mfn mfn, unsigned order, P2mType type) {
    WriteGuard g(d.p2m_lock);
    return d.p2m.set_entry(gfn, mfn, order, type); // nothing ran: no flush, no detached table in use
}

void p2m_teardown(Domain& d) {
    ForeignMaps holders;
    {
        WriteGuard g(d.p2m_lock);
        d.p2m.teardown(release_at_teardown, nullptr); // foreign entries' page references first
        d.shared_info_gfn = ~0ull;
        holders.swap(d.foreign_maps);
    }
    // Then what kept the foreign frames' owners, outside the lock (the last
    // hold of a dead domain takes it out of the domain table).
    holders.take_all([](ForeignHolder h, void*) { h.release(h.obj); }, nullptr);
}

Result<Mfn> p2m_get_page(Domain& d, Gfn gfn, P2mAccess access) {
    ReadGuard g(d.p2m_lock); // a lookup: vCPUs walking their tables do not queue behind each other
    const P2mEntry e = d.p2m.lookup(gfn);
    bool ok = false;
    switch (access) {
    // A foreign frame is usable as Xen's get_page_from_gfn() takes one (a
    // dom0 process may pass a buffer in a foreign mapping).
    case P2mAccess::read: ok = is_ram(e.type) || e.type == P2mType::xen_page || e.type == P2mType::map_foreign; break;
    case P2mAccess::write: ok = e.type == P2mType::ram_rw || e.type == P2mType::xen_page || e.type == P2mType::map_foreign; break;
    case P2mAccess::ram_rw: ok = e.type == P2mType::ram_rw; break;
    }
    // Under the lock the entry cannot go before the reference is taken, so
    // no re-check is needed (page_ref.hpp): a removal after this defers the free.
    if (!ok || !page_ref_get(e.mfn)) return Err(Errno::XEN_EINVAL);
    return e.mfn;
}

void p2m_put_page(Mfn mfn) { page_ref_put(mfn); }

} // namespace cxen
