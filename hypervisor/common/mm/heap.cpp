// General-purpose heap: size-class slabs for small blocks, whole pages for
// large ones.
//
// Locking: `lock_` (IrqSpinGuard) protects partial_, every slab's header and
// free list, every block header and bytes_in_use_. It is held across calls
// into the page source when a slab is created or released, so the order is
// Heap::lock_, then the source's lock (the buddy allocator's leaf lock).
// Large blocks are obtained and returned with the lock dropped.
//
// Layout of a small block of class c (payload 16 << c bytes), 16-aligned:
//   [pad][BlockHeader][payload...]   pad is 0 unless align > 16
// A free small block instead starts with a FreeBlock. A slab is 2^order
// pages, aligned to its size, starting with a Slab header.
#include "common/mm/heap.hpp"

#include <new>

#include "lib/base/assert.hpp"
#include "common/mm/page_alloc.hpp"

namespace cxen {

namespace {

constexpr uint32_t live_magic = 0xC0DEB10C; ///< header of a block in use
constexpr uint32_t dead_magic = 0xDEADB10C; ///< freed block
constexpr uint32_t slab_magic = 0x51AB0C0D; ///< live slab

enum class BlockKind : uint8_t { small = 1, large = 2 };

/// Sits immediately before every pointer handed out.
struct BlockHeader {
    uint32_t magic;    ///< 0x00 live_magic while allocated
    BlockKind kind;    ///< 0x04
    uint8_t cls_order; ///< 0x05 size class (small) or page order (large)
    uint16_t offset;   ///< 0x06 pointer - block start: 16..page_size
    uint64_t size;     ///< 0x08 bytes requested
};
static_assert(sizeof(BlockHeader) == Heap::header_size);

/// Largest request served (bytes), as for the buddy allocator's max_order.
constexpr size_t max_large_bytes = page_size << PageAllocator::max_order;

/// Fewest blocks per slab: a slab grows (one to four pages) until it holds
/// this many, so that the slab header wastes little and large classes are
/// not one block per page.
constexpr size_t min_blocks_per_slab = 7;

constexpr unsigned ceil_log2(uint64_t v) {
    return v <= 1 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(v - 1));
}

} // namespace

/// Start of a free small block, linked into its slab's free list.
struct Heap::FreeBlock {
    uint32_t magic; ///< dead_magic; anything else means a write after free
    uint32_t pad;
    FreeBlock* next;
};

struct Heap::Slab {
    uint32_t magic;       ///< 0x00 slab_magic
    uint8_t cls;          ///< 0x04
    uint8_t pad;          ///< 0x05
    uint16_t nr_free;     ///< 0x06 blocks on free_list
    FreeBlock* free_list; ///< 0x08
    Slab* next;           ///< 0x10 partial_[cls] links
    Slab* prev;           ///< 0x18
};

namespace {
constexpr size_t slab_header_size = 32;

constexpr size_t block_stride(unsigned cls) {
    return (Heap::min_class_size << cls) + Heap::header_size;
}
constexpr size_t blocks_in(unsigned cls, unsigned order) {
    return ((page_size << order) - slab_header_size) / block_stride(cls);
}
constexpr unsigned slab_order(unsigned cls) {
    unsigned order = 0;
    while (blocks_in(cls, order) < min_blocks_per_slab)
        ++order;
    return order;
}
constexpr size_t slab_bytes(unsigned cls) {
    return page_size << slab_order(cls);
}
constexpr size_t blocks_per_slab(unsigned cls) {
    return blocks_in(cls, slab_order(cls));
}

static_assert(Heap::min_class_size << (Heap::nr_classes - 1) == Heap::max_class_size);
static_assert(slab_order(Heap::nr_classes - 1) <= 2);
static_assert(blocks_per_slab(0) <= UINT16_MAX);
} // namespace

Result<void*> Heap::alloc(size_t size, size_t align) {
    if (size == 0 || align == 0 || (align & (align - 1)) != 0 || align > page_size) {
        return Err(Errno::XEN_EINVAL);
    }
    if (align < header_size) align = header_size;
    if (size > max_large_bytes - align) return Err(Errno::XEN_ENOMEM);

    // Blocks start 16-aligned, so the first `align`-aligned address at least
    // header_size into the block is at most `align` bytes in.
    uintptr_t block;
    BlockHeader h{live_magic, BlockKind::small, 0, 0, size};
    const size_t payload_need = size + (align - header_size);
    if (payload_need <= max_class_size) {
        const unsigned log2 = ceil_log2(payload_need);
        const unsigned cls = log2 <= 4 ? 0 : log2 - 4;
        h.cls_order = static_cast<uint8_t>(cls);
        IrqSpinGuard guard(lock_);
        block = TRY(alloc_small(cls));
        bytes_in_use_ += size;
    } else {
        const unsigned order = ceil_log2(align_up(size + align, page_size) >> page_shift);
        void* va = TRY(source_.alloc_pages(order));
        block = reinterpret_cast<uintptr_t>(va);
        BUG_ON((block & (page_size - 1)) != 0);
        h.kind = BlockKind::large;
        h.cls_order = static_cast<uint8_t>(order);
        IrqSpinGuard guard(lock_);
        bytes_in_use_ += size;
    }
    // The block is ours: write its header without the lock.
    const uintptr_t p = align_up(block + header_size, align);
    h.offset = static_cast<uint16_t>(p - block);
    new (reinterpret_cast<void*>(p - header_size)) BlockHeader(h);
    return reinterpret_cast<void*>(p);
}

void Heap::free(void* ptr) {
    if (ptr == nullptr) return;
    const auto p = reinterpret_cast<uintptr_t>(ptr);
    BUG_ON((p & (header_size - 1)) != 0);
    auto* h = reinterpret_cast<BlockHeader*>(p - header_size);
    uintptr_t block;
    unsigned order;
    {
        IrqSpinGuard guard(lock_);
        BUG_ON(h->magic != live_magic); // double free, or not from alloc()
        BUG_ON(h->offset < header_size || h->offset > page_size || h->size > bytes_in_use_);
        h->magic = dead_magic;
        bytes_in_use_ -= h->size;
        block = p - h->offset;
        if (h->kind == BlockKind::small) {
            BUG_ON(h->cls_order >= nr_classes);
            free_small(block, h->cls_order);
            return;
        }
        BUG_ON(h->kind != BlockKind::large || h->cls_order > PageAllocator::max_order);
        BUG_ON((block & (page_size - 1)) != 0);
        order = h->cls_order;
    }
    source_.free_pages(reinterpret_cast<void*>(block), order);
}

size_t Heap::bytes_in_use() const {
    IrqSpinGuard guard(lock_);
    return bytes_in_use_;
}

// Lock held. Returns the start of a free block of class `cls`.
Result<uintptr_t> Heap::alloc_small(unsigned cls) {
    static_assert(sizeof(Slab) == slab_header_size);
    static_assert(sizeof(FreeBlock) == header_size);
    Slab* s = partial_[cls];
    if (s == nullptr) {
        // 1. No partial slab: get pages and thread every block onto a free
        //    list, lowest address first.
        void* va = TRY(source_.alloc_pages(slab_order(cls)));
        const auto base = reinterpret_cast<uintptr_t>(va);
        BUG_ON((base & (slab_bytes(cls) - 1)) != 0);
        FreeBlock* list = nullptr;
        for (size_t i = blocks_per_slab(cls); i-- > 0;) {
            void* b = reinterpret_cast<void*>(base + slab_header_size + i * block_stride(cls));
            list = new (b) FreeBlock{dead_magic, 0, list};
        }
        s = new (va) Slab{slab_magic, static_cast<uint8_t>(cls),
                          0,          static_cast<uint16_t>(blocks_per_slab(cls)),
                          list,       nullptr,
                          nullptr};
        partial_[cls] = s;
    }
    // 2. Take its first free block; a full slab leaves the partial list.
    FreeBlock* fb = s->free_list;
    BUG_ON(fb == nullptr || fb->magic != dead_magic); // free list corrupted
    s->free_list = fb->next;
    if (--s->nr_free == 0) unlink_slab(partial_[cls], s);
    return reinterpret_cast<uintptr_t>(fb);
}

// Lock held. `block` is the start of an allocated block of class `cls`.
// Empty slabs are released at once: memory freed by one subsystem is then
// free for whole-page users too, at the cost of a page allocation when a
// class's only slab fills and empties repeatedly.
void Heap::free_small(uintptr_t block, unsigned cls) {
    auto* s = reinterpret_cast<Slab*>(align_down(block, slab_bytes(cls)));
    BUG_ON(s->magic != slab_magic || s->cls != cls);
    const uintptr_t first = reinterpret_cast<uintptr_t>(s) + slab_header_size;
    BUG_ON(block < first || (block - first) % block_stride(cls) != 0);
    BUG_ON((block - first) / block_stride(cls) >= blocks_per_slab(cls));
    s->free_list = new (reinterpret_cast<void*>(block)) FreeBlock{dead_magic, 0, s->free_list};
    if (s->nr_free++ == 0) {
        s->prev = nullptr;
        s->next = partial_[cls];
        if (s->next != nullptr) s->next->prev = s;
        partial_[cls] = s;
    }
    if (s->nr_free == blocks_per_slab(cls)) {
        unlink_slab(partial_[cls], s);
        s->magic = 0;
        source_.free_pages(s, slab_order(cls));
    }
}

void Heap::unlink_slab(Slab*& list, Slab* s) {
    if (s->prev != nullptr) {
        s->prev->next = s->next;
    } else {
        BUG_ON(list != s);
        list = s->next;
    }
    if (s->next != nullptr) s->next->prev = s->prev;
    s->next = nullptr;
    s->prev = nullptr;
}

} // namespace cxen
