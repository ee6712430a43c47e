// Heap: the hypervisor's general-purpose allocator, on top of whole pages
// from a PageSource (in the image, the buddy allocator via the directmap).
//
// Requests of up to 2 KiB (alignment padding included) come from
// power-of-two size classes of 16..2048 bytes, carved from "slabs" of one to
// four pages; larger ones take 2^order whole pages of their own. Every block
// carries a 16-byte header just before the pointer handed out, with a magic
// value checked by free().
//
// Locking: `lock_` protects the slab lists, the slabs' contents and the
// byte count. The page source is called with `lock_` held when a slab is
// created or released, so the order is Heap::lock_, then the source's locks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"
#include "common/lib/spinlock.hpp"
#include "lib/base/types.hpp"

namespace cxen {

/// Where a Heap gets its pages. Implementations must be thread-safe.
struct PageSource {
    /// 2^order contiguous, mapped pages; the address must be a multiple of
    /// page_size << order (a buddy allocator's natural alignment).
    /// Errors: -ENOMEM when no such block is available.
    virtual Result<void*> alloc_pages(unsigned order) = 0;
    /// Give back a block from alloc_pages() with the same order.
    virtual void free_pages(void* va, unsigned order) = 0;

  protected:
    ~PageSource() = default;
};

class Heap {
  public:
    /// Smallest and largest size class (payload bytes; each block of a class
    /// is header_size bytes larger).
    static constexpr size_t min_class_size = 16;
    static constexpr size_t max_class_size = 2048;
    static constexpr unsigned nr_classes = 8; // 16, 32, ..., 2048
    /// Bytes in front of every pointer handed out.
    static constexpr size_t header_size = 16;

    explicit Heap(PageSource& source) : source_(source) {}
    Heap(const Heap&) = delete;
    Heap& operator=(const Heap&) = delete;

    /// Allocate `size` bytes aligned to `align` (a power of two, at most
    /// page_size; alignments below 16 give 16). The memory is not zeroed.
    /// Errors: -EINVAL size 0 or bad align, -ENOMEM the page source is
    /// exhausted or the request exceeds 2^PageAllocator::max_order pages.
    /// BUG_ON: the source returns memory without the promised alignment.
    [[nodiscard]] Result<void*> alloc(size_t size, size_t align = 16);

    /// Release a block from alloc(); nullptr is ignored. A slab whose blocks
    /// are all free goes back to the page source at once.
    /// BUG_ON: `p` was not returned by alloc() or is already freed.
    void free(void* p);

    /// Sum of the `size`s of all live allocations (bytes).
    size_t bytes_in_use() const;

  private:
    struct Slab;
    struct FreeBlock;

    [[nodiscard]] Result<uintptr_t> alloc_small(unsigned cls);
    void free_small(uintptr_t block, unsigned cls);
    static void unlink_slab(Slab*& list, Slab* s);

    PageSource& source_;
    mutable SpinLock lock_;
    Slab* partial_[nr_classes] = {}; ///< slabs with at least one free block
    size_t bytes_in_use_ = 0;
};

} // namespace cxen
