// What the hypervisor learns from its bootloader, in a loader-neutral form:
// the command line, the memory map, the boot modules (dom0 kernel, initrd,
// ...) and the ACPI root pointer. Filled by parse_multiboot1/2()
// (multiboot.hpp) from the loader's structures, which may be overwritten once
// parsing is done: everything except the module contents is copied here.
//
// A BootInfo is ~13 KiB: keep it in static storage, never on a stack.
#pragma once

#include "lib/base/types.hpp"

namespace cxen {

/// e820 memory types, as the BIOS (INT 15h, AX=E820h), multiboot and ACPI
/// 6.5 section 15 "System Address Map Interfaces" number them. Names are Xen's
/// (xen/arch/x86/include/asm/e820.h). Other values (7 persistent memory, ...)
/// occur and are kept as they are; only E820_RAM is memory we may use.
constexpr uint32_t E820_RAM = 1;
constexpr uint32_t E820_RESERVED = 2;
constexpr uint32_t E820_ACPI = 3; ///< ACPI tables; reclaimable once they are parsed
constexpr uint32_t E820_NVS = 4;  ///< ACPI NVS; preserve across sleep states
constexpr uint32_t E820_UNUSABLE = 5;

/// One memory map range: [base, base + len).
struct MemRegion {
    uint64_t base;
    uint64_t len;
    uint32_t type; ///< E820_*
};

/// A boot module: the loader placed its bytes at [start, end) (end exclusive,
/// as GRUB and QEMU fill multiboot's mod_end).
struct BootModule {
    paddr_t start;
    paddr_t end;
    char cmdline[256]; ///< NUL-terminated, truncated if the loader's was longer
};

struct BootInfo {
    char cmdline[1024]; ///< the hypervisor's command line, NUL-terminated ("" if none)
    char loader_name[64];
    MemRegion mem[128]; ///< as the loader gave it; see sanitize_memory_map()
    size_t nr_mem;
    BootModule mods[32]; ///< in the loader's order (the first is dom0's kernel)
    size_t nr_mods;
    paddr_t rsdp;          ///< ACPI RSDP address, 0 if the loader gave none (multiboot never does)
    uint8_t rsdp_copy[36]; ///< multiboot2 ACPI tag: the RSDP bytes (20 for revision 0, zero-padded)
    bool has_rsdp_copy;
    paddr_t info_start, info_end; ///< [start, end) of the loader's info structure, to reserve it
};

/// Put `bi.mem` in canonical form: sorted by base, no overlaps, adjacent
/// ranges of the same type merged, no zero-length ranges. Where ranges
/// overlap, the type that allows less reuse wins the overlapping part:
/// E820_RAM loses to E820_ACPI, which loses to every other type; between two
/// other types the higher number wins. A range that wraps past 2^64 is cut at
/// 2^64 - 1. Splitting a range around a smaller one can need more slots than
/// `mem` has: then the piece below the smaller range is dropped with a
/// warning, which only ever turns memory into a hole (a hole is never used
/// as RAM); the piece above is kept, since a range of a type that loses to
/// it (RAM under reserved, say) may lie under it and must not show through.
/// Defined in multiboot.cpp (the multiboot parsers use it when mem[] fills).
void sanitize_memory_map(BootInfo& bi);

} // namespace cxen
