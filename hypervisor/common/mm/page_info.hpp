// PageInfo: the per-frame record of the frame table, one per machine frame,
// indexed by mfn (Xen's `struct page_info`). The page allocator owns the
// links, order and state; owner and reference counts are reserved for the
// domain memory code and stay zero until it exists.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cxen {

/// What a frame is currently used for. Set on every frame of a block, not
/// only on its head, so that any frame can be asked about.
enum class PageState : uint8_t {
    reserved,  ///< never handed to the allocator (firmware, image, holes)
    free,      ///< in a block on one of the allocator's free lists
    allocated, ///< in a block returned by PageAllocator::alloc()
};

struct PageInfo {
    /// `next`/`prev` value for "no frame": frame indices are 32 bits, so the
    /// frame table covers at most 2^32 - 1 frames (16 TiB).
    static constexpr uint32_t no_frame = 0xFFFFFFFF;
    /// `order` of a frame that is not the head of a block.
    static constexpr uint8_t no_order = 0xFF;

    uint32_t next = no_frame;              ///< 0x00 free-list link (frame index), free heads only
    uint32_t prev = no_frame;              ///< 0x04 free-list link (frame index), free heads only
    uint32_t count_info = 0;               ///< 0x08 reserved for reference counts (zero now)
    uint32_t type_info = 0;                ///< 0x0c reserved for page types (zero now)
    uint64_t owner = 0;                    ///< 0x10 reserved for the owning domain (zero now)
    uint8_t order = no_order;              ///< 0x18 block size 2^order on a block's head page
    PageState state = PageState::reserved; ///< 0x19
    uint8_t pad_[6] = {};                  ///< 0x1a
};

// 32 bytes keeps the frame table at 1/128 of memory, as in Xen.
static_assert(sizeof(PageInfo) == 32);
static_assert(offsetof(PageInfo, owner) == 0x10);
static_assert(offsetof(PageInfo, order) == 0x18);
static_assert(offsetof(PageInfo, state) == 0x19);

} // namespace cxen
