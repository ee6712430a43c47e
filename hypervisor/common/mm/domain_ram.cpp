// See domain_ram.hpp.
#include "common/mm/domain_ram.hpp"

#include "common/grant/page_ref.hpp"
#include "lib/base/assert.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen {

void free_domain_ram(Mfn mfn, unsigned order) {
    PageAllocator& pa = page_allocator();
    Mfn head;
    unsigned block_order;
    if (pa.allocated_block_of(mfn, head, block_order) && head == mfn && block_order == order &&
        !page_ref_any(mfn, order)) {
        pa.free(mfn, order); // the common case: freed as allocated
        return;
    }
    for (uint64_t i = 0; i < (uint64_t{1} << order); ++i) {
        const Mfn m = mfn + i;
        if (!pa.allocated_block_of(m, head, block_order)) {
            ASSERT(!"free_domain_ram: frame not allocated");
            continue;
        }
        if (block_order) pa.split(head, block_order);
        if (page_ref_defer_free(m)) continue; // still grant-mapped: the last unmap frees it
        pa.free(m, 0);
    }
}

} // namespace cxen
