// Host fakes of the machine-page interface common code calls
// (common/mm/xenheap.hpp): xenheap pages come from the host's aligned_alloc,
// and page_allocator() is an empty allocator (common code only returns
// frames to it, e.g. domain teardown through the fake p2m, which has none).
#include <cstdlib>

#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen {

PageAllocator& page_allocator() {
    static PageAllocator pa;
    return pa;
}

Result<void*> alloc_xenheap_pages(unsigned order) {
    void* p = std::aligned_alloc(page_size << order, page_size << order);
    if (!p) return Err(Errno::XEN_ENOMEM);
    return p;
}

void free_xenheap_pages(void* va, unsigned) {
    std::free(va);
}

// Host pointers stand in for machine frames (the fake p2m only stores them).
Mfn xenheap_virt_to_mfn(const void* va) {
    return Mfn{reinterpret_cast<uintptr_t>(va) >> page_shift};
}

} // namespace cxen
