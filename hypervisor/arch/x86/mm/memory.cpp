// Boot memory set-up and the machine-wide page allocator instance.
// Locking: the PageAllocator and Heap lock themselves; the boot allocator
// runs before other CPUs exist.
#include "arch/memory.hpp"

#include "arch/layout.hpp"
#include "arch/paging.hpp"
#include "common/boot/boot_info.hpp"
#include "common/console/printk.hpp"
#include "common/lib/panic.hpp"
#include "lib/base/string.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/page_info.hpp"
#include "common/mm/range.hpp"
#include "common/mm/xenheap.hpp"
#include "common/mm/xmalloc.hpp"

extern "C" char image_start_phys[], image_end_phys[];

namespace cxen::arch {

namespace {
PageAllocator allocator;
uint64_t total_ram;

constexpr size_t max_reserved = 8 + sizeof(BootInfo::mods) / sizeof(BootModule);
Range reserved[max_reserved];
size_t nr_reserved;

Range boot_region;   // where the boot allocator takes pages from (below 4 GiB)
uint64_t boot_alloc_top;

void reserve(Range r) {
    if (r.empty()) return;
    if (nr_reserved == max_reserved) panic("memory: too many reserved ranges");
    reserved[nr_reserved++] = r;
}

Result<paddr_t> boot_alloc_pages(uint64_t nr) {
    const uint64_t bytes = nr * page_size;
    if (boot_alloc_top - boot_region.start < bytes) return Err(Errno::XEN_ENOMEM);
    boot_alloc_top -= bytes;
    return boot_alloc_top;
}
Result<paddr_t> boot_alloc_pt() { return boot_alloc_pages(1); }
Result<paddr_t> buddy_alloc_pt() {
    Mfn m = TRY(allocator.alloc(0));
    return mfn_to_paddr(m);
}

class XenheapSource final : public PageSource {
  public:
    Result<void*> alloc_pages(unsigned order) override { return alloc_xenheap_pages(order); }
    void free_pages(void* va, unsigned order) override { free_xenheap_pages(va, order); }
};
XenheapSource xenheap_source;

// Page-aligned interior of a range.
Range page_interior(Range r) { return {align_up(r.start, page_size), align_down(r.end, page_size)}; }
} // namespace

PageAllocator& page_allocator_instance() { return allocator; }
uint64_t total_ram_bytes() { return total_ram; }

void memory_init(const BootInfo& bi) {
    reserve({0, MiB(1)}); // real-mode IVT, BIOS data, EBDA, the AP trampoline
    reserve({reinterpret_cast<uint64_t>(image_start_phys), reinterpret_cast<uint64_t>(image_end_phys)});
    reserve({align_down(bi.info_start, page_size), align_up(bi.info_end, page_size)});
    for (size_t i = 0; i < bi.nr_mods; ++i)
        reserve({align_down(bi.mods[i].start, page_size), align_up(bi.mods[i].end, page_size)});

    uint64_t top = 0;
    for (size_t i = 0; i < bi.nr_mem; ++i) {
        const MemRegion& m = bi.mem[i];
        if (m.type != 1) continue;
        total_ram += m.len;
        if (m.base + m.len > top) top = m.base + m.len;
    }
    const uint64_t nr_frames = top >> page_shift;
    const uint64_t ft_pages = align_up(nr_frames * sizeof(PageInfo), page_size) / page_size;
    constexpr uint64_t pt_budget_pages = 64;

    // The boot allocator takes the largest free piece of RAM below 4 GiB.
    for (size_t i = 0; i < bi.nr_mem; ++i) {
        const MemRegion& m = bi.mem[i];
        if (m.type != 1 || m.base >= GiB(4)) continue;
        Range r{m.base, m.base + m.len < GiB(4) ? m.base + m.len : GiB(4)};
        for_each_uncovered(r, reserved, nr_reserved, [](Range piece) {
            piece = page_interior(piece);
            if (!piece.empty() && piece.end - piece.start > boot_region.end - boot_region.start)
                boot_region = piece;
        });
    }
    if ((boot_region.end - boot_region.start) / page_size < ft_pages + pt_budget_pages)
        panic("memory: need %lu KiB below 4 GiB for the frame table, largest free piece is %lu KiB",
              (ft_pages + pt_budget_pages) * 4, (boot_region.end - boot_region.start) / 1024);
    boot_alloc_top = boot_region.end;

    auto ft = boot_alloc_pages(ft_pages);
    auto* frames = maddr_to_ptr<PageInfo>(ft.value());
    set_pt_allocator(boot_alloc_pt);
    paging_init(top);

    allocator.init(frames, nr_frames);
    reserve({boot_alloc_top, boot_region.end});
    for (size_t i = 0; i < bi.nr_mem; ++i) {
        const MemRegion& m = bi.mem[i];
        if (m.type != 1) continue;
        for_each_uncovered({m.base, m.base + m.len}, reserved, nr_reserved, [](Range piece) {
            piece = page_interior(piece);
            if (!piece.empty())
                allocator.add_free_range(paddr_to_mfn(piece.start), (piece.end - piece.start) / page_size);
        });
    }
    set_pt_allocator(buddy_alloc_pt);
    heap_init(xenheap_source);

    printk("Memory: %lu MiB usable RAM, %lu MiB free, top at %#lx; frame table %lu KiB\n",
           total_ram >> 20, (allocator.free_pages() * page_size) >> 20, top, ft_pages * 4);
}

} // namespace cxen::arch

namespace cxen {

PageAllocator& page_allocator() { return arch::page_allocator_instance(); }

Result<void*> alloc_xenheap_pages(unsigned order) {
    Mfn m = TRY(page_allocator().alloc(order));
    return arch::mfn_to_virt(m);
}

void free_xenheap_pages(void* va, unsigned order) { page_allocator().free(arch::virt_to_mfn(va), order); }
Mfn xenheap_virt_to_mfn(const void* va) { return arch::virt_to_mfn(va); }

} // namespace cxen
