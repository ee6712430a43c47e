// Scratch memory for unpacking: the ELF buffer and the decoders' large
// blocks (bzip2's 3.6 MB tables, zstd's context, the LZMA dictionary) are
// whole frames cut to size, so a 63 MiB kernel takes 63 MiB, not the
// 128 MiB of the next power of two that the buddy allocator (and xmalloc's
// large blocks) would hand out. Small requests go to xmalloc.
#include "arch/x86/pvh/kernel_elf.hpp"

#include "arch/layout.hpp"
#include "common/console/printk.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/mm/xmalloc.hpp"
#include "lib/base/format.hpp"
#include "lib/base/string.hpp"
#include "lib/loader/bzimage.hpp"

namespace cxen::arch {

namespace {

/// 2^order frames with the frames past `nr_pages` given back at once.
Result<Mfn> alloc_frames(uint64_t nr_pages) {
    unsigned order = 0;
    while ((uint64_t{1} << order) < nr_pages) ++order;
    PageAllocator& pa = page_allocator();
    const Mfn head = TRY(pa.alloc(order));
    if (nr_pages < (uint64_t{1} << order)) {
        pa.split(head, order);
        for (uint64_t i = nr_pages; i < (uint64_t{1} << order); ++i)
            pa.free(Mfn{static_cast<uint64_t>(head) + i}, 0);
    }
    return head;
}

void free_frames(Mfn head, uint64_t nr_pages) {
    // Frames of a split block are single allocations; a block never split
    // (nr_pages a power of two) is one, freed as such.
    PageAllocator& pa = page_allocator();
    unsigned order = 0;
    while ((uint64_t{1} << order) < nr_pages) ++order;
    if ((uint64_t{1} << order) == nr_pages) {
        pa.free(head, order);
        return;
    }
    for (uint64_t i = 0; i < nr_pages; ++i) pa.free(Mfn{static_cast<uint64_t>(head) + i}, 0);
}

uint64_t pages_for(size_t bytes) { return (bytes + page_size - 1) >> page_shift; }

// The decoders' allocator: xmalloc below 64 KiB, frames above; the frame
// blocks are remembered here, for free() to tell them apart.
struct ScratchAllocator {
    static constexpr size_t frames_from = 64 << 10;
    struct Block {
        void* va;
        Mfn head;
        uint64_t pages;
    };
    Block blocks[8] = {}; // liblzma, the greediest decoder, holds two large blocks

    static void* alloc(void* ctx, size_t bytes) {
        auto* self = static_cast<ScratchAllocator*>(ctx);
        if (bytes < frames_from) {
            auto p = xmalloc_bytes(bytes ? bytes : 1);
            return p ? p.value() : nullptr;
        }
        for (Block& b : self->blocks) {
            if (b.va) continue;
            auto head = alloc_frames(pages_for(bytes));
            if (!head) return nullptr;
            b = {mfn_to_virt(head.value()), head.value(), pages_for(bytes)};
            return b.va;
        }
        return nullptr;
    }
    static void free(void* ctx, void* p) {
        if (!p) return;
        auto* self = static_cast<ScratchAllocator*>(ctx);
        for (Block& b : self->blocks) {
            if (b.va != p) continue;
            free_frames(b.head, b.pages);
            b = {};
            return;
        }
        xfree(p);
    }
};

} // namespace

KernelElf::~KernelElf() {
    if (scratch_pages_) free_frames(scratch_, scratch_pages_);
}

Status KernelElf::open(const uint8_t* module, size_t len, const char* name, char* why, size_t why_len) {
    if (len >= 4 && memcmp(module, "\x7f" "ELF", 4) == 0) {
        data_ = module;
        size_ = len;
        return ok_status();
    }
    BzImage bz = TRY(bzimage_parse(module, len, why, why_len));
    if (bz.unpacked_bytes > max_unpacked_kernel_bytes) {
        snprintf(why, why_len, "bzImage says its kernel is %u bytes, above the %zu MiB cxen unpacks",
                 bz.unpacked_bytes, max_unpacked_kernel_bytes >> 20);
        return Err(Errno::XEN_E2BIG);
    }
    const uint64_t pages = pages_for(bz.unpacked_bytes ? bz.unpacked_bytes : 1);
    auto head = alloc_frames(pages);
    if (!head) {
        snprintf(why, why_len, "no memory to unpack the %u-byte kernel of the bzImage", bz.unpacked_bytes);
        return Err(head.error());
    }
    scratch_ = head.value();
    scratch_pages_ = pages;
    auto* out = static_cast<uint8_t*>(mfn_to_virt(scratch_));
    ScratchAllocator sa;
    const DecompressAllocator alloc{ScratchAllocator::alloc, ScratchAllocator::free, &sa};
    size_ = TRY(bzimage_unpack(bz, out, bz.unpacked_bytes, alloc, why, why_len));
    data_ = out;
    log(LogLevel::info, "%s: bzImage (boot protocol %u.%02u), %s payload of %zu bytes unpacked to %zu bytes\n",
        name, bz.boot_protocol >> 8, bz.boot_protocol & 0xff, compression_name(bz.compression), bz.payload_bytes,
        size_);
    return ok_status();
}

} // namespace cxen::arch
