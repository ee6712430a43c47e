// See claim.hpp.
#include "common/mm/claim.hpp"

#include "common/domain.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen {

Status domain_set_outstanding_pages(Domain& d, uint64_t pages) {
    // d's RAM count may move meanwhile (its vCPUs populate): as in Xen, the
    // claim is judged against the count read here.
    // A cancel needs no count: it takes no p2m lock, so domain_kill_begin()
    // may cancel from any context.
    uint64_t tot_pages = 0;
    if (pages != 0) {
        ReadGuard g(d.p2m_lock);
        tot_pages = d.p2m.ram_pages();
    }
    return page_allocator().set_claim(d.outstanding_pages, pages, tot_pages, d.max_pages);
}

void domain_adjust_claim(Domain& d, int64_t pages) {
    if (pages == 0 || d.outstanding_pages.load(std::memory_order_relaxed) == 0) return; // the common case, no lock
    page_allocator().adjust_claim(d.outstanding_pages, pages);
}

} // namespace cxen
