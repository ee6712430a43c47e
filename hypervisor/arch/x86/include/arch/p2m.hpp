// The physical-to-machine map of a guest: gfn -> mfn with a type, kept
// directly in the nested page tables (as Xen's p2m-pt shares them with NPT),
// so there is one structure to keep consistent, not two.
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen {
struct Domain;
}

namespace cxen::arch {

enum class P2mType : uint8_t {
    invalid = 0,  ///< not mapped
    ram_rw = 1,   ///< the domain's own RAM
    ram_ro = 2,   ///< the domain's own RAM, read-only to the guest
    xen_page = 3, ///< a hypervisor page shared with the guest (shared_info, grant frames); not freed with the domain
    grant_map_rw = 4, ///< another domain's frame, grant-mapped writable (Xen's p2m_grant_map_rw); not freed with the domain
    grant_map_ro = 5, ///< another domain's frame, grant-mapped read-only (p2m_grant_map_ro)
    map_foreign = 6,  ///< another domain's frame mapped by its controller (Xen's p2m_map_foreign), writable; holds a page reference
};

/// The hypervisor's view of machine frame `mfn` (Xen's map_domain_page():
/// the direct map here), for reading and writing a frame of any domain,
/// e.g. GNTTABOP_copy. The frame must stay allocated while it is used.
void* map_domain_frame(Mfn mfn);

/// After entries of d's p2m were removed or made read-only: no vCPU of d
/// still translates through them when this returns (Xen's flush of the
/// domain's nested TLBs, as gnttab_flush_tlb / p2m flushes do). Every vCPU
/// gets a fresh ASID before it next enters the guest, and pCPUs running one
/// now are interrupted synchronously. Call before freeing or handing back
/// the frames that were unmapped, with interrupts enabled and no spinlock
/// held that an IPI handler could need. Defined in hvm/svm/vcpu.cpp.
void p2m_flush_guest_tlbs(Domain& d);

/// Zero 2^order machine frames before they are given to a guest (Xen scrubs
/// pages that change hands). Defined in mm/p2m.cpp.
void clear_frames(Mfn mfn, unsigned order);

struct P2mEntry {
    Mfn mfn;
    P2mType type;
    unsigned order; ///< the mapping's page size: 0, 9 or 18
};

/// Guest frames the 4-level p2m can hold (48-bit guest-physical addresses).
/// Xen's p2m_find_entry() refuses an index beyond the top table (-ENOENT on
/// set, p2m_invalid on lookup); so does this p2m, instead of letting the
/// bits above 48 fall away and alias a lower gfn.
constexpr uint64_t p2m_max_gfn = (uint64_t{1} << (48 - page_shift)) - 1;

/// A table (with the tables below it) that set_entry() took out of the p2m
/// when a larger mapping replaced it, or when a removal left it empty. The entries in it are left as they
/// were: other vCPUs may still walk it until the domain's nested TLBs are
/// flushed; then P2m::free_detached() returns it (Xen's p2m_free_entry()
/// after the flush of hap_write_p2m_entry()).
struct P2mDetached {
    paddr_t table = 0; ///< 0: nothing detached
    unsigned level = 0;
};

/// The table pages of one p2m are charged to it and capped (Xen's per-domain
/// paging pool, see common/mm/p2m.hpp for the size): a domain that reaches
/// its cap gets -ENOMEM, nobody else does.
///
/// Locking: none inside. Every change goes through the one writer in
/// common/mm/p2m.hpp under the domain's p2m_lock (taken to write);
/// lookups take it to read (a table may be detached by a writer).
class P2m {
  public:
    /// Allocate the root table (counted in the pool). -ENOMEM.
    [[nodiscard]] Status init();
    /// Map 2^order pages at gfn (gfn and mfn aligned to 2^order; order 0, 9
    /// or 18). Replaces what was there, splitting a larger mapping. A table
    /// replaced by a larger mapping goes to *detached (freed by the caller
    /// after the flush); with detached == nullptr it is freed at once, which
    /// only a domain that never ran may do. With `detached`, a removal
    /// (type invalid) that leaves tables mapping nothing detaches the highest
    /// of them instead; a removal where nothing is mapped allocates nothing.
    /// At most one table is detached per call. Errors: -ENOMEM pool exhausted
    /// or no memory; -ENOENT gfn beyond p2m_max_gfn (Xen's p2m_find_entry()).
    [[nodiscard]] Status set_entry(Gfn gfn, Mfn mfn, unsigned order, P2mType type,
                                   P2mDetached* detached = nullptr);
    /// Unmap one page (splitting a superpage around it).
    [[nodiscard]] Status clear_entry(Gfn gfn);
    /// What maps gfn; p2m_invalid beyond p2m_max_gfn.
    P2mEntry lookup(Gfn gfn) const;
    /// nCR3 for the VMCB.
    paddr_t root() const { return root_; }
    /// Free every table and call release(mfn, order, type) for each mapping
    /// (every type: the caller decides what each one held).
    void teardown(void (*release)(Mfn mfn, unsigned order, P2mType type, void* ctx), void* ctx);
    /// Free a table set_entry() detached, and the tables below it.
    void free_detached(const P2mDetached& t);
    uint64_t ram_pages() const { return ram_pages_; }
    /// The highest gfn ever mapped, 0 if none (Xen's max_mapped_pfn: it
    /// never goes down; XENMEM_maximum_gpfn).
    uint64_t max_mapped_gfn() const { return max_mapped_gfn_; }
    /// Table pages held now / at most (the pool's use and size).
    uint64_t tables() const { return tables_; }
    uint64_t table_limit() const { return table_limit_; }
    /// Resize the pool; tables already held stay (Xen lets a pool shrink
    /// only to what is in use, cxen simply refuses new ones above the cap).
    void set_table_limit(uint64_t pages) { table_limit_ = pages; }

  private:
    Result<paddr_t> new_table();
    Status split(uint64_t& entry, unsigned level);
    void free_tables(paddr_t t, unsigned level, void (*release)(Mfn, unsigned, P2mType, void*), void* ctx);

    paddr_t root_ = 0;
    uint64_t ram_pages_ = 0;
    uint64_t max_mapped_gfn_ = 0;
    uint64_t tables_ = 0;
    uint64_t table_limit_ = ~uint64_t{0};
};

} // namespace cxen::arch
