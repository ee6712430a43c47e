// Pages for the hypervisor's own use, addressed through the direct map
// (Xen's alloc_xenheap_pages). Backed by the machine-wide PageAllocator.
#pragma once

#include "common/lib/result.hpp"

namespace cxen {

class PageAllocator;

/// The allocator of all machine frames (set up at boot).
PageAllocator& page_allocator();

/// 2^order contiguous pages, not zeroed. -ENOMEM if none are free.
[[nodiscard]] Result<void*> alloc_xenheap_pages(unsigned order);
void free_xenheap_pages(void* va, unsigned order);

} // namespace cxen
