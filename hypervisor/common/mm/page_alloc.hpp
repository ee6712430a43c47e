// PageAllocator: the buddy allocator of machine frames (Xen's
// alloc_heap_pages()/free_heap_pages() without zones or NUMA nodes).
//
// Memory is handed out in blocks of 2^order frames whose first mfn is a
// multiple of 2^order. Each order has a free list threaded through the frame
// table, so push, pop and unlink are O(1); a split or merge costs O(order).
//
// Claims (XENMEM_claim_pages, Xen's outstanding_claims): pages set aside
// for a domain being built. Claimed pages count as taken for everyone but
// the claiming domain, whose own allocations may use them; its claim is
// drawn down as its page count grows (common/mm/claim.hpp).
//
// Locking: `lock_` protects the free lists, the counters (claims included:
// the host's and each domain's outstanding count) and the allocator's
// fields (links, order, state) of every PageInfo. It is taken with
// IrqSpinGuard and is a leaf lock: nothing else is taken while holding it.
#pragma once

#include <atomic>
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
    /// 2^order. Claimed pages are not available unless `claim` (the
    /// outstanding pages of the domain the frames are for) covers the whole
    /// request (Xen's alloc_heap_pages()); the claim is not drawn down here
    /// but when the pages are charged (adjust_claim()).
    /// Errors: -EINVAL order > max_order, -ENOMEM no free block of that
    /// size (free memory may still exist in smaller pieces) or the free
    /// pages not claimed by others are too few.
    [[nodiscard]] Result<Mfn> alloc(unsigned order, const std::atomic<uint64_t>* claim = nullptr);

    /// Xen's domain_set_outstanding_pages(): `claim` is a domain's
    /// outstanding count, `tot_pages`/`max_pages` its pages now / at most.
    /// pages == 0 cancels the claim. Otherwise the domain's claim becomes
    /// pages - tot_pages. Errors: -EINVAL a claim is already there, pages
    /// <= tot_pages or > max_pages; -ENOMEM the free pages not claimed by
    /// others are fewer than the claim.
    [[nodiscard]] Status set_claim(std::atomic<uint64_t>& claim, uint64_t pages, uint64_t tot_pages,
                                   uint64_t max_pages);
    /// The claim half of Xen's domain_adjust_tot_pages(): a domain's page
    /// count changed by `pages`; a claim (if any) shrinks by as much, not
    /// below 0 (and, as in Xen, grows when pages are given back while a
    /// claim is still there).
    void adjust_claim(std::atomic<uint64_t>& claim, int64_t pages);
    /// Pages claimed and not yet allocated, all domains (physinfo's
    /// outstanding_pages).
    uint64_t outstanding_pages() const;

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
    uint64_t outstanding_claims_ = 0;
    uint32_t free_head_[max_order + 1] = {}; ///< set to no_frame by init()
    uint64_t nr_free_blocks_[max_order + 1] = {};
};

} // namespace cxen
