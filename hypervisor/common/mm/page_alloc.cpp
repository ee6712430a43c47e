// Buddy allocator of machine frames.
//
// Locking: `lock_` (IrqSpinGuard) protects everything below except init(),
// which runs at boot before any other CPU or interrupt can call in.
//
// Frame-table invariants, relied on by the merge test and the free() checks:
// - every frame of a block (free or allocated) carries the block's state;
// - a block's head has order = the block's order, every other frame has
//   no_order, so a head can be told from the middle of a block;
// - a free head is on free_head_[order]'s list and nowhere else.
#include "common/mm/page_alloc.hpp"

#include "lib/base/assert.hpp"

namespace cxen {

namespace {
constexpr uint64_t pages_in(unsigned order) {
    return uint64_t{1} << order;
}

/// Largest order <= max with 2^order <= count and idx a multiple of 2^order.
unsigned fitting_order(uint64_t idx, uint64_t count, unsigned max) {
    unsigned order = 63 - static_cast<unsigned>(__builtin_clzll(count));
    if (idx != 0) {
        const auto align_order = static_cast<unsigned>(__builtin_ctzll(idx));
        if (align_order < order) order = align_order;
    }
    return order < max ? order : max;
}
} // namespace

void PageAllocator::init(PageInfo* frames, uint64_t nr_frames) {
    BUG_ON(frames == nullptr && nr_frames != 0);
    BUG_ON(nr_frames > PageInfo::no_frame);
    frames_ = frames;
    nr_frames_ = nr_frames;
    total_pages_ = 0;
    free_pages_ = 0;
    for (uint64_t i = 0; i < nr_frames; ++i)
        frames[i] = PageInfo{};
    for (unsigned o = 0; o <= max_order; ++o) {
        free_head_[o] = PageInfo::no_frame;
        nr_free_blocks_[o] = 0;
    }
}

void PageAllocator::add_free_range(Mfn start, uint64_t count) {
    uint64_t idx = raw(start);
    BUG_ON(idx > nr_frames_ || count > nr_frames_ - idx);
    IrqSpinGuard guard(lock_);
    for (uint64_t i = idx; i < idx + count; ++i) {
        BUG_ON(frames_[i].state != PageState::reserved);
        frames_[i].state = PageState::free;
        frames_[i].order = PageInfo::no_order;
    }
    total_pages_ += count;
    free_pages_ += count;
    // Cut the range into the largest aligned blocks, each freed (and merged)
    // as if it had been allocated.
    while (count != 0) {
        const unsigned order = fitting_order(idx, count, max_order);
        free_block(idx, order);
        idx += pages_in(order);
        count -= pages_in(order);
    }
}

Result<Mfn> PageAllocator::alloc(unsigned order, const std::atomic<uint64_t>* claim) {
    if (order > max_order) return Err(Errno::XEN_EINVAL);
    IrqSpinGuard guard(lock_);
    // 0. Claimed pages are taken, but for a claimant whose claim covers it all.
    const uint64_t request = pages_in(order);
    if (outstanding_claims_ + request > free_pages_ && (!claim || claim->load() < request))
        return Err(Errno::XEN_ENOMEM);
    // 1. Smallest non-empty list of at least the requested order.
    unsigned o = order;
    while (o <= max_order && free_head_[o] == PageInfo::no_frame)
        ++o;
    if (o > max_order) return Err(Errno::XEN_ENOMEM);
    const uint32_t head = free_head_[o];
    unlink(head, o);
    // 2. Split: keep the lower half, put each upper half on its list.
    while (o > order) {
        --o;
        const uint32_t upper = head + static_cast<uint32_t>(pages_in(o));
        frames_[upper].order = static_cast<uint8_t>(o);
        push(upper, o);
    }
    // 3. Mark every frame of the block; a frame that is not free here means
    //    the free lists and the frame table disagree.
    for (uint64_t i = head; i < head + pages_in(order); ++i) {
        BUG_ON(frames_[i].state != PageState::free);
        frames_[i].state = PageState::allocated;
    }
    frames_[head].order = static_cast<uint8_t>(order);
    free_pages_ -= pages_in(order);
    return Mfn{head};
}

void PageAllocator::free(Mfn mfn, unsigned order) {
    const uint64_t idx = raw(mfn);
    BUG_ON(order > max_order);
    BUG_ON(idx >= nr_frames_ || pages_in(order) > nr_frames_ - idx);
    BUG_ON((idx & (pages_in(order) - 1)) != 0);
    IrqSpinGuard guard(lock_);
    PageInfo& head = frames_[idx];
    BUG_ON(head.state != PageState::allocated); // double free or never allocated
    BUG_ON(head.order != order);                // middle of a block, or wrong order
    head.state = PageState::free;
    for (uint64_t i = idx + 1; i < idx + pages_in(order); ++i) {
        BUG_ON(frames_[i].state != PageState::allocated || frames_[i].order != PageInfo::no_order);
        frames_[i].state = PageState::free;
    }
    free_pages_ += pages_in(order);
    free_block(idx, order);
}

void PageAllocator::split(Mfn mfn, unsigned order) {
    const uint64_t idx = raw(mfn);
    BUG_ON(order > max_order);
    BUG_ON(idx >= nr_frames_ || pages_in(order) > nr_frames_ - idx);
    IrqSpinGuard guard(lock_);
    BUG_ON(frames_[idx].state != PageState::allocated || frames_[idx].order != order);
    for (uint64_t i = idx; i < idx + pages_in(order); ++i) frames_[i].order = 0;
}

bool PageAllocator::allocated_block_of(Mfn mfn, Mfn& head, unsigned& order) {
    const uint64_t idx = raw(mfn);
    if (idx >= nr_frames_) return false;
    IrqSpinGuard guard(lock_);
    if (frames_[idx].state != PageState::allocated) return false;
    for (unsigned o = 0; o <= max_order; ++o) {
        const uint64_t h = idx & ~(pages_in(o) - 1);
        if (frames_[h].order == o) {
            head = Mfn{h};
            order = o;
            return true;
        }
    }
    return false;
}

// Lock held. Every frame of the block [idx, idx + 2^order) is already
// `free` and every frame but the head has no_order.
void PageAllocator::free_block(uint64_t idx, unsigned order) {
    // Merge while the buddy is the head of a free block of the same order.
    // A frame at the buddy's position is either such a head, the head of a
    // smaller free block, or not free: a larger free block holding it would
    // also hold this block.
    while (order < max_order) {
        const uint64_t buddy = idx ^ pages_in(order);
        if (buddy >= nr_frames_) break;
        const PageInfo& b = frames_[buddy];
        if (b.state != PageState::free || b.order != order) break;
        unlink(static_cast<uint32_t>(buddy), order);
        frames_[idx | pages_in(order)].order = PageInfo::no_order; // upper head is now inside
        idx &= ~pages_in(order);
        ++order;
    }
    frames_[idx].order = static_cast<uint8_t>(order);
    push(static_cast<uint32_t>(idx), order);
}

// Lock held.
void PageAllocator::push(uint32_t idx, unsigned order) {
    PageInfo& p = frames_[idx];
    p.prev = PageInfo::no_frame;
    p.next = free_head_[order];
    if (p.next != PageInfo::no_frame) frames_[p.next].prev = idx;
    free_head_[order] = idx;
    ++nr_free_blocks_[order];
}

// Lock held.
void PageAllocator::unlink(uint32_t idx, unsigned order) {
    PageInfo& p = frames_[idx];
    if (p.prev != PageInfo::no_frame) {
        frames_[p.prev].next = p.next;
    } else {
        BUG_ON(free_head_[order] != idx);
        free_head_[order] = p.next;
    }
    if (p.next != PageInfo::no_frame) frames_[p.next].prev = p.prev;
    p.next = PageInfo::no_frame;
    p.prev = PageInfo::no_frame;
    --nr_free_blocks_[order];
}

Status PageAllocator::set_claim(std::atomic<uint64_t>& claim, uint64_t pages, uint64_t tot_pages,
                                uint64_t max_pages) {
    IrqSpinGuard guard(lock_);
    if (pages == 0) { // cancel
        outstanding_claims_ -= claim.load();
        claim.store(0);
        return ok_status();
    }
    if (claim.load() != 0) return Err(Errno::XEN_EINVAL); // one claim at a time
    if (pages <= tot_pages || pages > max_pages) return Err(Errno::XEN_EINVAL);
    // What the domain has already counts towards what it claims.
    const uint64_t want = pages - tot_pages;
    const uint64_t avail = free_pages_ > outstanding_claims_ ? free_pages_ - outstanding_claims_ : 0;
    if (want > avail) return Err(Errno::XEN_ENOMEM);
    claim.store(want);
    outstanding_claims_ += want;
    return ok_status();
}

void PageAllocator::adjust_claim(std::atomic<uint64_t>& claim, int64_t pages) {
    IrqSpinGuard guard(lock_);
    const uint64_t before = claim.load();
    if (before == 0) return;
    uint64_t after;
    if (pages >= 0) after = static_cast<uint64_t>(pages) >= before ? 0 : before - static_cast<uint64_t>(pages);
    else after = before + static_cast<uint64_t>(-pages);
    claim.store(after);
    outstanding_claims_ = outstanding_claims_ + after - before;
}

uint64_t PageAllocator::outstanding_pages() const {
    IrqSpinGuard guard(lock_);
    return outstanding_claims_;
}

uint64_t PageAllocator::free_pages() const {
    IrqSpinGuard guard(lock_);
    return free_pages_;
}

uint64_t PageAllocator::total_pages() const {
    IrqSpinGuard guard(lock_);
    return total_pages_;
}

uint64_t PageAllocator::free_blocks(unsigned order) const {
    if (order > max_order) return 0;
    IrqSpinGuard guard(lock_);
    return nr_free_blocks_[order];
}

PageInfo& PageAllocator::page(Mfn mfn) {
    ASSERT(raw(mfn) < nr_frames_);
    return frames_[raw(mfn)];
}

} // namespace cxen
