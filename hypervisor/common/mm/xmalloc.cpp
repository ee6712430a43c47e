// The global heap behind xmalloc_bytes()/xfree().
//
// Locking: `g_heap` is written only by heap_init() (boot, one CPU); every
// other access goes through the Heap, which has its own lock.
#include "common/mm/xmalloc.hpp"

#include "lib/base/assert.hpp"

namespace cxen {

namespace {
// Static storage instead of a global Heap: the image runs no constructors
// of globals, and Heap needs its source at construction.
alignas(Heap) unsigned char g_heap_storage[sizeof(Heap)];
Heap* g_heap = nullptr;

Heap& heap() {
    ASSERT(g_heap != nullptr);
    return *g_heap;
}
} // namespace

void heap_init(PageSource& source) {
    BUG_ON(g_heap != nullptr && g_heap->bytes_in_use() != 0);
    g_heap = new (g_heap_storage) Heap(source);
}

Result<void*> xmalloc_bytes(size_t size, size_t align) {
    return heap().alloc(size, align);
}

void xfree(void* p) {
    if (p == nullptr) return;
    heap().free(p);
}

size_t xmalloc_bytes_in_use() {
    return heap().bytes_in_use();
}

} // namespace cxen
