// The hypervisor's own page tables (4-level, x86-64).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen::arch {

/// Supplies zeroed page-table pages (machine addresses). Before the page
/// allocator exists the boot allocator plays this role; its pages must lie
/// below 4 GiB (the boot direct map).
using PtAllocator = Result<paddr_t> (*)();
void set_pt_allocator(PtAllocator alloc);

/// Build the final tables: the image at kernel_vma and a direct map of
/// [0, max(4 GiB, top_of_ram)) with 1 GiB pages where the CPU has them.
/// Switches this CPU to them. Panics if tables cannot be allocated.
void paging_init(paddr_t top_of_ram);
/// Load the final tables on an AP (after it left the trampoline).
void paging_load();
/// Bytes covered by the direct map.
uint64_t directmap_limit();

/// Map [pa, pa+len) uncached for device registers. -ENOMEM when the window or
/// page-table memory runs out.
[[nodiscard]] Result<void*> ioremap(paddr_t pa, size_t len);

/// Is va mapped (present) in the current tables? For self-tests.
bool va_is_mapped(uint64_t va);

} // namespace cxen::arch
