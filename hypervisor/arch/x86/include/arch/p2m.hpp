// The physical-to-machine map of a guest: gfn -> mfn with a type, kept
// directly in the nested page tables (as Xen's p2m-pt shares them with NPT),
// so there is one structure to keep consistent, not two.
#pragma once

#include <cstdint>

#include "common/lib/result.hpp"
#include "common/lib/types.hpp"

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

class P2m {
  public:
    /// Allocate the root table. -ENOMEM.
    [[nodiscard]] Status init();
    /// Map 2^order pages at gfn (gfn and mfn aligned to 2^order; order 0, 9
    /// or 18). Replaces what was there, splitting a larger mapping. -ENOMEM.
    [[nodiscard]] Status set_entry(Gfn gfn, Mfn mfn, unsigned order, P2mType type);
    /// Unmap one page (splitting a superpage around it).
    [[nodiscard]] Status clear_entry(Gfn gfn);
    P2mEntry lookup(Gfn gfn) const;
    /// nCR3 for the VMCB.
    paddr_t root() const { return root_; }
    /// Free every table and call free_ram(mfn, order) for each RAM mapping.
    void teardown(void (*free_ram)(Mfn mfn, unsigned order));
    uint64_t ram_pages() const { return ram_pages_; }

  private:
    paddr_t root_ = 0;
    uint64_t ram_pages_ = 0;
};

} // namespace cxen::arch
