// Boot-time memory set-up: from the loader's memory map to a running page
// allocator and heap.
#pragma once

#include <cstdint>

namespace cxen {
struct BootInfo;
}

namespace cxen::arch {

/// Reserve what must survive (first MiB, the image, the loader's data, boot
/// modules), carve the frame table and page tables from RAM below 4 GiB,
/// switch to the final page tables and hand every other usable page to the
/// page allocator. Panics when there is not enough memory to do so.
void memory_init(const BootInfo& bi);

/// Bytes of usable RAM the loader reported.
uint64_t total_ram_bytes();

} // namespace cxen::arch
