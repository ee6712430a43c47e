// What keeps alive the other domain behind each foreign entry of a p2m
// (p2m type map_foreign: XENMEM_add_to_physmap_batch with
// XENMAPSPACE_gmfn_foreign, XENMEM_acquire_resource). Xen's pages know their
// owner, so its p2m finds the domain to release through page_get_owner();
// cxen's frames do not, so the mapping domain keeps, per foreign gfn, the
// object that holds the frame's owner: a domain_hold() of the foreign
// domain for its RAM, a reference on its grant table for a grant frame.
// The p2m writer (common/mm/p2m.cpp) records it when it maps the entry and
// releases it (after the flush and the page reference) when the entry goes.
//
// An open-addressing hash table keyed by gfn (linear probing, deletion by
// backward shift, so no tombstones), grown by doubling from the heap.
//
// Locking: none inside; the owning domain's p2m_lock (taken to write)
// serialises every use. Growing takes the heap's lock under it.
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {

/// Who keeps a foreign entry's frame and its owner alive, and how to let go.
struct ForeignHolder {
    void (*release)(void* obj) = nullptr; ///< called once when the entry is gone
    void* obj = nullptr;
};

class ForeignMaps {
  public:
    ForeignMaps() = default;
    ForeignMaps(const ForeignMaps&) = delete;
    ForeignMaps& operator=(const ForeignMaps&) = delete;
    ~ForeignMaps();

    /// Make room for one more record, so that the insert() after the p2m
    /// change cannot fail. -ENOMEM.
    [[nodiscard]] Status reserve_one();
    /// Record gfn's holder (gfn not recorded yet; room reserved).
    void insert(uint64_t gfn, ForeignHolder h);
    /// Remove gfn's record and return its holder (a holder with no release
    /// if gfn has none).
    ForeignHolder take(uint64_t gfn);
    /// Hand every record to `fn` and empty the table (p2m teardown).
    void take_all(void (*fn)(ForeignHolder h, void* ctx), void* ctx);
    uint32_t size() const { return used_; }
    /// Exchange contents (teardown empties the domain's table under its
    /// lock and releases the holders after).
    void swap(ForeignMaps& o) {
        Slot* s = slots_; slots_ = o.slots_; o.slots_ = s;
        uint32_t c = cap_; cap_ = o.cap_; o.cap_ = c;
        uint32_t u = used_; used_ = o.used_; o.used_ = u;
    }

  private:
    struct Slot {
        uint64_t gfn; ///< empty_gfn: free
        ForeignHolder h;
    };
    static constexpr uint64_t empty_gfn = ~uint64_t{0};
    uint32_t home(uint64_t gfn) const;
    [[nodiscard]] Status grow();

    Slot* slots_ = nullptr;
    uint32_t cap_ = 0; ///< a power of two, or 0
    uint32_t used_ = 0;
};

} // namespace cxen
