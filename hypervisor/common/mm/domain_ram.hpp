// Giving a domain's RAM back to the page allocator, whatever shape it was
// allocated in: the builder hands out 2 MiB blocks, but the guest may
// return single 4 KiB pages of them (XENMEM_decrease_reservation, a page
// replaced by shared_info or a grant frame), after which the p2m holds
// 4 KiB mappings of what the allocator still sees as one block. A frame
// another domain still grant-maps is not freed here but by its last unmap
// (common/grant/page_ref.hpp).
//
// Locking: only the page allocator's own lock (leaf).
#pragma once

#include "lib/base/types.hpp"

namespace cxen {

/// Free the 2^order frames at `mfn`, RAM of a domain. A frame inside a
/// larger allocated block splits that block first (PageAllocator::split).
void free_domain_ram(Mfn mfn, unsigned order);

} // namespace cxen
