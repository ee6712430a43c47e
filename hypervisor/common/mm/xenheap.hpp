// Pages for the hypervisor's own use, addressed through the direct map
// (Xen's alloc_xenheap_pages). Backed by the machine-wide PageAllocator.
#pragma once

#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen {

class PageAllocator;

/// The allocator of all machine frames (set up at boot).
PageAllocator& page_allocator();

/// 2^order contiguous pages, not zeroed. -ENOMEM if none are free.
[[nodiscard]] Result<void*> alloc_xenheap_pages(unsigned order);
void free_xenheap_pages(void* va, unsigned order);
/// The machine frame of a page from alloc_xenheap_pages() (to map it into a
/// guest's p2m, as shared_info is).
Mfn xenheap_virt_to_mfn(const void* va);

} // namespace cxen
