// Parsers of the boot information that a Multiboot (1 or 2) loader hands the
// hypervisor: QEMU's -kernel speaks Multiboot 1, GRUB speaks both. They read
// the loader's structures through a PhysReader and fill a BootInfo; nothing
// they read is trusted (every length is bounded, every read checked).
#pragma once

#include "common/boot/boot_info.hpp"
#include "common/boot/phys_reader.hpp"
#include "lib/base/result.hpp"

namespace cxen {

/// EAX at entry when a Multiboot 1 loader started us (spec 0.6.96, 3.2).
constexpr uint32_t MULTIBOOT_BOOTLOADER_MAGIC = 0x2BADB002;
/// EAX at entry when a Multiboot2 loader started us (spec 2.0, 3.3).
constexpr uint32_t MULTIBOOT2_BOOTLOADER_MAGIC = 0x36d76289;

/// Parse the Multiboot 1 information structure at `mbi` (EBX at entry) into
/// `out`, which is cleared first. Uses the flags-gated fields mem_lower /
/// mem_upper (bit 0), cmdline (bit 2), mods (bit 3), mmap (bit 6) and
/// boot_loader_name (bit 9); without a usable mmap, synthesises one from
/// mem_lower/mem_upper (RAM at [0, mem_lower KiB) and [1 MiB, 1 MiB +
/// mem_upper KiB)); with neither, nr_mem is 0 and the caller decides.
/// More than 128 memory ranges even after merging (sanitize_memory_map()):
/// the rest are dropped, with a warning, each cutting back the kept ranges
/// it outranks (RAM under a dropped reserved range becomes a hole, never
/// RAM). More than 32 modules: the first 32 are kept, with a warning. Over-long
/// strings are truncated (NUL-terminated) with a warning. info_start/end
/// cover the fixed 116-byte structure; mmap, module list and strings live
/// elsewhere and are copied, so only the modules' contents need keeping.
/// Source: Multiboot Specification 0.6.96, 3.3 "Boot information format".
/// Errors: -EFAULT a read through `mem` failed (including a string that runs
///         into unreadable memory before its NUL);
///         -EINVAL an mmap entry whose size field is < 20 or that runs past
///         mmap_length, an mmap_length over 256 KiB, a module ending before
///         it starts.
[[nodiscard]] Status parse_multiboot1(const PhysReader& mem, paddr_t mbi, BootInfo& out);

/// Parse the Multiboot2 information structure at `mbi` (EBX at entry) into
/// `out`, which is cleared first. Understands tags 1 (command line), 2 (boot
/// loader name), 3 (module), 4 (basic meminfo; used only to synthesise a
/// memory map when there is no tag 6), 6 (memory map), 14/15 (copy of the
/// ACPI RSDP, revision 0 / 2; a tag 15 wins over a tag 14 in either order;
/// the bytes go to rsdp_copy) and 0 (end); others are skipped. Memory
/// ranges beyond 128 are dropped as for Multiboot 1. More than 32
/// modules: the first 32 are kept, with a warning. A string without a NUL
/// inside its tag, or longer than its field, is truncated with a warning.
/// info_start/end cover [mbi, mbi + total_size).
/// Source: Multiboot2 Specification 2.0, 3.6 "Boot information format".
/// Errors: -EFAULT a read through `mem` failed;
///         -EINVAL `mbi` not 8-byte aligned, total_size below 16 or above
///         1 MiB, a tag smaller than its 8-byte header or too small for its
///         type's fixed fields, a tag running past total_size, no end tag,
///         an mmap entry_size below 24, a module ending before it starts.
[[nodiscard]] Status parse_multiboot2(const PhysReader& mem, paddr_t mbi, BootInfo& out);

} // namespace cxen
