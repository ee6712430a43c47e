// The PVH start-of-day structures: what a PVH guest finds at the physical
// address in %ebx when it enters at XEN_ELFNOTE_PHYS32_ENTRY.
//
// Source: Xen public/arch-x86/hvm/start_info.h (xen/include/public/, checked
// against RELEASE-4.17.5 and staging). Debian's libxen-dev does not install
// that header, so the layout is transcribed here from its documented offsets
// and every offset is asserted. All fields are little-endian; an address of 0
// means "absent" (Xen never places anything the guest needs at GPA 0).
//
// Version history (same source): version 0 ends at `rsdp_paddr` (40 bytes);
// version 1 adds `memmap_paddr`, `memmap_entries` and `reserved` (56 bytes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cxen {

/// hvm_start_info.magic: "xEn3" with the 0x80 bit of the 'E' set.
constexpr uint32_t XEN_HVM_START_MAGIC_VALUE = 0x336ec578;

/// hvm_start_info.version values. Newer versions only append fields.
constexpr uint32_t XEN_HVM_START_INFO_VERSION_0 = 0; ///< up to rsdp_paddr
constexpr uint32_t XEN_HVM_START_INFO_VERSION_1 = 1; ///< adds the memory map

/// hvm_memmap_table_entry.type: the ACPI "Address Range Types" (ACPI 6.2,
/// section 15), numerically equal to the e820 types (E820_RAM 1 ... ).
constexpr uint32_t XEN_HVM_MEMMAP_TYPE_RAM = 1;
constexpr uint32_t XEN_HVM_MEMMAP_TYPE_RESERVED = 2;
constexpr uint32_t XEN_HVM_MEMMAP_TYPE_ACPI = 3;
constexpr uint32_t XEN_HVM_MEMMAP_TYPE_NVS = 4;
constexpr uint32_t XEN_HVM_MEMMAP_TYPE_UNUSABLE = 5;
constexpr uint32_t XEN_HVM_MEMMAP_TYPE_DISABLED = 6;
constexpr uint32_t XEN_HVM_MEMMAP_TYPE_PMEM = 7;

/// Start info passed to PVH guests (and HVM firmware) in %ebx.
struct hvm_start_info {
    uint32_t magic;          // 0x00 XEN_HVM_START_MAGIC_VALUE
    uint32_t version;        // 0x04 XEN_HVM_START_INFO_VERSION_*
    uint32_t flags;          // 0x08 SIF_* (public/xen.h); 0 for a domU
    uint32_t nr_modules;     // 0x0c entries at modlist_paddr
    uint64_t modlist_paddr;  // 0x10 array of hvm_modlist_entry
    uint64_t cmdline_paddr;  // 0x18 NUL-terminated ASCII
    uint64_t rsdp_paddr;     // 0x20 ACPI RSDP
    uint64_t memmap_paddr;   // 0x28 version >= 1: array of hvm_memmap_table_entry
    uint32_t memmap_entries; // 0x30 version >= 1: 0 = no memory map given
    uint32_t reserved;       // 0x34 version >= 1: must be zero
};
static_assert(sizeof(hvm_start_info) == 56);
static_assert(offsetof(hvm_start_info, magic) == 0);
static_assert(offsetof(hvm_start_info, version) == 4);
static_assert(offsetof(hvm_start_info, flags) == 8);
static_assert(offsetof(hvm_start_info, nr_modules) == 12);
static_assert(offsetof(hvm_start_info, modlist_paddr) == 16);
static_assert(offsetof(hvm_start_info, cmdline_paddr) == 24);
static_assert(offsetof(hvm_start_info, rsdp_paddr) == 32);
static_assert(offsetof(hvm_start_info, memmap_paddr) == 40);
static_assert(offsetof(hvm_start_info, memmap_entries) == 48);
static_assert(offsetof(hvm_start_info, reserved) == 52);

/// Size of a version 0 hvm_start_info (it ends after rsdp_paddr).
constexpr size_t hvm_start_info_v0_size = offsetof(hvm_start_info, memmap_paddr);
static_assert(hvm_start_info_v0_size == 40);

/// One module (the first is the initrd for Linux).
struct hvm_modlist_entry {
    uint64_t paddr;         // 0x00 start of the module
    uint64_t size;          // 0x08 bytes
    uint64_t cmdline_paddr; // 0x10 NUL-terminated ASCII, 0 = none
    uint64_t reserved;      // 0x18
};
static_assert(sizeof(hvm_modlist_entry) == 32);
static_assert(offsetof(hvm_modlist_entry, paddr) == 0);
static_assert(offsetof(hvm_modlist_entry, size) == 8);
static_assert(offsetof(hvm_modlist_entry, cmdline_paddr) == 16);
static_assert(offsetof(hvm_modlist_entry, reserved) == 24);

/// One memory map entry. Not the 20-byte packed `struct e820entry` of
/// XENMEM_memory_map: this one is 24 bytes, naturally aligned.
struct hvm_memmap_table_entry {
    uint64_t addr;     // 0x00 base
    uint64_t size;     // 0x08 bytes
    uint32_t type;     // 0x10 XEN_HVM_MEMMAP_TYPE_*
    uint32_t reserved; // 0x14 must be zero (version 1)
};
static_assert(sizeof(hvm_memmap_table_entry) == 24);
static_assert(offsetof(hvm_memmap_table_entry, addr) == 0);
static_assert(offsetof(hvm_memmap_table_entry, size) == 8);
static_assert(offsetof(hvm_memmap_table_entry, type) == 16);
static_assert(offsetof(hvm_memmap_table_entry, reserved) == 20);

static_assert(alignof(hvm_start_info) == 8 && alignof(hvm_modlist_entry) == 8 &&
              alignof(hvm_memmap_table_entry) == 8);

} // namespace cxen
