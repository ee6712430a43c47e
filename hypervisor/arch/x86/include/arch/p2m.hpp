// The physical-to-machine map of a guest: gfn -> mfn with a type, kept
// directly in the nested page tables (as Xen's p2m-pt shares them with NPT),
// so there is one structure to keep consistent, not two.
#pragma once

#include <cstdint>

#include "common/lib/result.hpp"
#include "common/lib/types.hpp"

namespace cxen::arch {

enum class P2mType : uint8_t {
    invalid = 0,  ///< not mapped
    ram_rw = 1,   ///< the domain's own RAM
    ram_ro = 2,   ///< the domain's own RAM, read-only to the guest
    xen_page = 3, ///< a hypervisor page shared with the guest (shared_info, grant frames); not freed with the domain
};

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
