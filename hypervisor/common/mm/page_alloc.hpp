// PageAllocator: the buddy allocator of machine frames (Xen's
// alloc_heap_pages()/free_heap_pages() without zones or NUMA nodes).
//
// Memory is handed out in blocks of 2^order frames whose first mfn is a
// multiple of 2^order. Each order has a free list threaded through the frame
// table, so push, pop and unlink are O(1); a split or merge costs O(order).
//
// Locking: `lock_` protects the free lists, the counters and the allocator's
// fields (links, order, state) of every PageInfo. It is taken with
// IrqSpinGuard and is a leaf lock: nothing else is taken while holding it.
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"
#include "common/lib/spinlock.hpp"
#include "lib/base/types.hpp"
#include "common/mm/page_info.hpp"

namespace cxen {

class PageAllocator {
  public:
    /// Largest block: 2^20 frames (4 GiB).
    static constexpr unsigned max_order = 20;

    constexpr PageAllocator() = default;
    PageAllocator(const PageAllocator&) = delete;
    PageAllocator& operator=(const PageAllocator&) = delete;

    /// Take over the frame table `frames`, which describes mfns
    /// [0, nr_frames). Every frame starts `reserved`; add_free_range() hands
    /// frames to the allocator. Boot only, before any other call.
    /// BUG_ON: nr_frames needs more than 32-bit frame indices.
    void init(PageInfo* frames, uint64_t nr_frames);

    /// Give `count` frames starting at `start` to the allocator, merging them
    /// with free buddies. The range need not be aligned or a power of two.
    /// BUG_ON: the range leaves [0, nr_frames) or a frame in it is not
    /// `reserved` (it was already added).
    void add_free_range(Mfn start, uint64_t count);

    /// Allocate 2^order contiguous frames; the first mfn is a multiple of
    /// 2^order. Errors: -EINVAL order > max_order, -ENOMEM no free block of
    /// that size (free memory may still exist in smaller pieces).
    [[nodiscard]] Result<Mfn> alloc(unsigned order);

    /// Return the block of 2^order frames at `mfn` from alloc(), merging it
    /// with its free buddies.
    /// BUG_ON: `mfn` is not the head of an allocated block of exactly that
    /// order (double free, a frame in the middle of a block, wrong order).
    void free(Mfn mfn, unsigned order);

    /// Turn the allocated block of 2^order frames at `mfn` into 2^order
    /// allocated single frames, each then freed with free(m, 0) (a guest
    /// giving back 4 KiB of RAM it received as a 2 MiB block).
    /// BUG_ON: as free(), `mfn` is not the head of such an allocated block.
    void split(Mfn mfn, unsigned order);
    /// The head and order of the allocated block holding `mfn`, or false if
    /// `mfn` is not in an allocated block. For the block's owner.
    bool allocated_block_of(Mfn mfn, Mfn& head, unsigned& order);

    /// Frames currently free (in any block on a free list).
    uint64_t free_pages() const;
    /// Frames ever handed over by add_free_range() (free or allocated).
    uint64_t total_pages() const;
    /// Frames the frame table describes: one more than the highest mfn
    /// (Xen's max_page, which XENMEM_maximum_ram_page reports).
    uint64_t nr_frames() const { return nr_frames_; }
    /// Number of free blocks of exactly 2^order frames (diagnostics, tests).
    uint64_t free_blocks(unsigned order) const;

    /// The frame-table entry of `mfn` (ASSERTs that it is in the table).
    /// The allocator's fields change under `lock_`; the owner of an
    /// allocated block may use the reserved fields of its frames.
    PageInfo& page(Mfn mfn);

  private:
    void push(uint32_t idx, unsigned order);
    void unlink(uint32_t idx, unsigned order);
    void free_block(uint64_t idx, unsigned order);

    mutable SpinLock lock_;
    PageInfo* frames_ = nullptr;
    uint64_t nr_frames_ = 0;
    uint64_t total_pages_ = 0;
    uint64_t free_pages_ = 0;
    uint32_t free_head_[max_order + 1] = {}; ///< set to no_frame by init()
    uint64_t nr_free_blocks_[max_order + 1] = {};
};

} // namespace cxen
