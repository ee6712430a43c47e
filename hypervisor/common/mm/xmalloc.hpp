// xmalloc: the hypervisor-wide heap (Xen's xmalloc()/xfree()), one Heap
// over the page source given at boot.
//
// Locking: none of its own; the heap's lock (see heap.hpp) serialises callers.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "lib/base/result.hpp"
#include "lib/base/string.hpp"
#include "lib/base/types.hpp"
#include "common/mm/heap.hpp"

namespace cxen {

/// Create the global heap over `source`. Boot calls it once, before any
/// xmalloc; host tests may call it again once every allocation is freed.
/// BUG_ON: the previous heap still has live allocations.
void heap_init(PageSource& source);

/// Allocate `size` bytes aligned to `align` (a power of two <= page_size)
/// from the global heap; the memory is not zeroed.
/// Errors: -EINVAL size 0 or bad align, -ENOMEM out of memory.
[[nodiscard]] Result<void*> xmalloc_bytes(size_t size, size_t align = 16);

/// Free memory from xmalloc_bytes() (nullptr is ignored, as in Xen).
/// BUG_ON: `p` is not a live heap block.
void xfree(void* p);

/// Bytes requested by live xmalloc allocations (diagnostics, tests).
size_t xmalloc_bytes_in_use();

/// Construct a T in zeroed heap memory. Errors: as xmalloc_bytes().
template <class T, class... A> [[nodiscard]] Result<T*> xnew(A&&... args) {
    static_assert(alignof(T) <= page_size, "xnew: alignment above a page");
    void* mem = TRY(xmalloc_bytes(sizeof(T), alignof(T)));
    memset(mem, 0, sizeof(T));
    return new (mem) T(std::forward<A>(args)...);
}

/// Destroy and free an object from xnew(); nullptr is ignored.
template <class T> void xdelete(T* p) {
    if (p == nullptr) return;
    p->~T();
    xfree(const_cast<std::remove_cv_t<T>*>(p));
}

} // namespace cxen
