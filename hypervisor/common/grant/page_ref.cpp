// See page_ref.hpp.
#include "common/grant/page_ref.hpp"

#include "lib/base/assert.hpp"
#include "common/mm/domain_ram.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"

namespace cxen {

namespace {
constexpr uint32_t released_bit = 1u << 31;
constexpr uint32_t count_mask = released_bit - 1;

uint32_t* count_of(Mfn mfn) { return &page_allocator().page(mfn).count_info; }
// A frame the frame table covers. In the hypervisor that is every frame;
// the host tests' xenheap pages are host pointers outside it, which carry
// no count (taking a reference on them always succeeds and means nothing).
bool tracked(Mfn mfn) { return raw(mfn) < page_allocator().nr_frames(); }
} // namespace

bool page_ref_get(Mfn mfn) {
    if (!tracked(mfn)) return true;
    uint32_t* c = count_of(mfn);
    uint32_t old = __atomic_load_n(c, __ATOMIC_SEQ_CST);
    do {
        if ((old & count_mask) >= page_ref_max) return false;
    } while (!__atomic_compare_exchange_n(c, &old, old + 1, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return true;
}

void page_ref_put(Mfn mfn) {
    if (!tracked(mfn)) return;
    uint32_t* c = count_of(mfn);
    const uint32_t now = __atomic_sub_fetch(c, 1, __ATOMIC_SEQ_CST);
    ASSERT((now & count_mask) != count_mask); // no underflow
    if (now != released_bit) return;
    // Last reference of a frame its owner gave up. A stale page_ref_get()
    // may slip in before the frame is claimed; then its own put frees it.
    uint32_t expected = released_bit;
    if (__atomic_compare_exchange_n(c, &expected, 0u, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        free_domain_ram(mfn, 0);
}

bool page_ref_defer_free(Mfn mfn) {
    if (!tracked(mfn)) return false;
    uint32_t* c = count_of(mfn);
    uint32_t old = __atomic_load_n(c, __ATOMIC_SEQ_CST);
    do {
        if ((old & count_mask) == 0) return false;
        ASSERT(!(old & released_bit)); // freed twice by its owner
    } while (!__atomic_compare_exchange_n(c, &old, old | released_bit, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    return true;
}

bool page_ref_any(Mfn mfn, unsigned order) {
    for (uint64_t i = 0; i < (uint64_t{1} << order); ++i)
        if (tracked(mfn + i) && __atomic_load_n(count_of(mfn + i), __ATOMIC_SEQ_CST) & count_mask) return true;
    return false;
}

uint32_t page_ref_count(Mfn mfn) { return !tracked(mfn) ? 0 :  __atomic_load_n(count_of(mfn), __ATOMIC_SEQ_CST) & count_mask; }

} // namespace cxen
