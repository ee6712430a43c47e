// The PVH start-of-day structures: what a PVH guest finds at the physical
// address in %ebx when it enters at XEN_ELFNOTE_PHYS32_ENTRY.
//
// Source: Xen public/arch-x86/hvm/start_info.h, installed by Debian's
// libxen-dev as <xen/arch-x86/hvm/start_info.h>: the structures and the
// XEN_HVM_START_MAGIC_VALUE / XEN_HVM_MEMMAP_TYPE_* constants come from it,
// and every offset is asserted here. An address of 0 means "absent".
//
// Version history (same source): version 0 ends at `rsdp_paddr` (40 bytes);
// version 1 adds `memmap_paddr`, `memmap_entries` and `reserved` (56 bytes).
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/xen/xen.hpp" // SIF_* for hvm_start_info.flags
#include <xen/arch-x86/hvm/start_info.h>

namespace cxen {

using ::hvm_memmap_table_entry;
using ::hvm_modlist_entry;
using ::hvm_start_info;

/// hvm_start_info.version values. Newer versions only append fields.
constexpr uint32_t XEN_HVM_START_INFO_VERSION_0 = 0; ///< up to rsdp_paddr
constexpr uint32_t XEN_HVM_START_INFO_VERSION_1 = 1; ///< adds the memory map
static_assert(XEN_HVM_START_MAGIC_VALUE == 0x336ec578);
/// hvm_start_info.flags: dom0 gets both (Xen's dom0_construct_pvh / pvh_load_kernel).
static_assert(SIF_PRIVILEGED == 1 && SIF_INITDOMAIN == 2);
static_assert(XEN_HVM_MEMMAP_TYPE_RAM == 1 && XEN_HVM_MEMMAP_TYPE_ACPI == 3 && XEN_HVM_MEMMAP_TYPE_PMEM == 7);


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
static_assert(sizeof(hvm_modlist_entry) == 32);
static_assert(offsetof(hvm_modlist_entry, paddr) == 0);
static_assert(offsetof(hvm_modlist_entry, size) == 8);
static_assert(offsetof(hvm_modlist_entry, cmdline_paddr) == 16);
static_assert(offsetof(hvm_modlist_entry, reserved) == 24);

/// One memory map entry. Not the 20-byte packed `struct e820entry` of
/// XENMEM_memory_map: this one is 24 bytes, naturally aligned.
static_assert(sizeof(hvm_memmap_table_entry) == 24);
static_assert(offsetof(hvm_memmap_table_entry, addr) == 0);
static_assert(offsetof(hvm_memmap_table_entry, size) == 8);
static_assert(offsetof(hvm_memmap_table_entry, type) == 16);
static_assert(offsetof(hvm_memmap_table_entry, reserved) == 20);

static_assert(alignof(hvm_start_info) == 8 && alignof(hvm_modlist_entry) == 8 &&
              alignof(hvm_memmap_table_entry) == 8);

} // namespace cxen
