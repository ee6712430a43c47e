// Guest-physical layout of a PVH domU, computed the way Xen 4.17's
// toolstack does it for `type = "pvh"` (libxl + libxenguest). Pure
// arithmetic: no memory is touched; the domain builder populates and fills
// what this describes.
//
// The layout, with its sources (paths in the Xen tree, tag RELEASE-4.17.5):
//
//   [0, lowmem_end)            RAM. PVH has no device model, so RAM starts at
//                              GPA 0 with no VGA hole (domain_construct_memmap,
//                              tools/libs/light/libxl_x86.c: lowmem_start 0;
//                              libxl__build_hvm, libxl_dom.c: vga_hole_size 0).
//     kernel                   every PT_LOAD at its p_paddr: [kernel_start,
//                              kernel_end) (xc_dom_build_image, xg_dom_core.c:
//                              the "kernel" segment spans the ELF's paddrs).
//     ramdisk (module 0)       at the next page after the kernel (same
//                              function: modules are the next segments).
//     start info segment       at the next page after the ramdisk (or kernel):
//                              hvm_start_info (56 B), the command line
//                              (strlen + 1 rounded up to 8), the module list
//                              (2 x 32 B), 2 x 1024 B of module command lines,
//                              then the memory map (24 B per entry), all in
//                              one page-rounded segment (alloc_magic_pages_hvm
//                              and bootlate_hvm, tools/libs/guest/xg_dom_x86.c;
//                              HVMLOADER_MODULE_MAX_COUNT 2, module cmdline
//                              size MAX_GUEST_CMDLINE 1024, public/xen.h).
//   [0xFC000000, +acpi_bytes)  ACPI, e820 type 3 (ACPI, not NVS): info page at
//                              ACPI_INFO_PHYSICAL_ADDRESS, tables from +4 KiB,
//                              RSDP on the page after them (libxl__dom_load_acpi,
//                              libxl_x86_acpi.c; domain_construct_memmap uses
//                              E820_ACPI). See guest_acpi.hpp.
//   [0xFEFF8000, 0xFF000000)   the 8 HVM special pages, e820 RESERVED:
//                              X86_HVM_END_SPECIAL_REGION 0xFF000 and
//                              X86_HVM_NR_SPECIAL_PAGES 8 (tools/include/
//                              xenguest.h); xenstore = index 4 (GFN 0xFEFFC),
//                              console = index 7 (GFN 0xFEFFF) (SPECIALPAGE_*,
//                              xg_dom_x86.c). Populated, zeroed, outside RAM.
//   0xFEE00000                 the local APIC page: not in the e820.
//   [4 GiB, highmem_end)       RAM beyond the hole: the MMIO hole of a guest
//                              without device model starts at min(special
//                              pages, LAPIC 0xFEE00000, ACPI info 0xFC000000)
//                              = 0xFC000000, so lowmem_end = min(memory,
//                              0xFC000000) and the rest goes above 4 GiB
//                              (libxl__build_hvm, libxl_dom.c).
//
// Where cxen chooses (Xen gives no answer, or a different shape):
// - The e820 is sorted by address and the three ACPI pieces libxl lists
//   separately (RSDP: 64 bytes, info page, tables) are one page-rounded
//   entry; Linux's e820 sanitising merges them the same way.
// - With rsdp_below_1mib (libxl: a "linux" guest without
//   XENFEAT_linux_rsdp_unrestricted), the RSDP goes to 0xFFFC0 and the low
//   RAM entry is split around an ACPI page [0xFF000, 0x100000) instead of
//   overlapping it as in libxl. The ACPI region keeps its RSDP page (an
//   unused copy) so that the tables are built the same way in both cases.
// - Limits: 1..128 vCPUs (HVM_MAX_VCPUS), memory a page multiple between
//   2 MiB and 1 TiB, command line at most 64 KiB, ramdisk below the hole.
// - Linux dereferences start_info, its command line and the memory map
//   before it maps more than the first 1 GiB; like Xen, nothing here moves
//   them below 1 GiB when a huge ramdisk pushes them higher.
#pragma once

#include "abi/xen/start_info.hpp"
#include "lib/base/result.hpp"
#include "lib/base/types.hpp"
#include "lib/loader/elf_image.hpp"

namespace cxen {

/// Start of the MMIO hole below 4 GiB for a PVH guest (see file comment).
constexpr uint64_t pvh_mmio_hole_start = 0xFC000000;
/// First pfn after the HVM special pages, and their number
/// (X86_HVM_END_SPECIAL_REGION, X86_HVM_NR_SPECIAL_PAGES, xenguest.h).
constexpr uint64_t x86_hvm_end_special_region = 0xff000;
constexpr uint64_t x86_hvm_nr_special_pages = 8;
/// GFN of special page `i` (special_pfn(), xg_dom_x86.c).
constexpr uint64_t hvm_special_pfn(uint64_t i) {
    return x86_hvm_end_special_region - x86_hvm_nr_special_pages + i;
}
/// Special page indices (SPECIALPAGE_*, xg_dom_x86.c).
constexpr uint64_t SPECIALPAGE_PAGING = 0, SPECIALPAGE_ACCESS = 1, SPECIALPAGE_SHARING = 2,
                   SPECIALPAGE_BUFIOREQ = 3, SPECIALPAGE_XENSTORE = 4, SPECIALPAGE_IOREQ = 5,
                   SPECIALPAGE_IDENT_PT = 6, SPECIALPAGE_CONSOLE = 7;
static_assert(hvm_special_pfn(SPECIALPAGE_CONSOLE) == 0xfefff);
static_assert(hvm_special_pfn(SPECIALPAGE_XENSTORE) == 0xfeffc);

/// Where libxl puts a restricted Linux guest's RSDP: the last 64 bytes below
/// 1 MiB, found by the BIOS-area scan (libxl__dom_load_acpi).
constexpr uint64_t pvh_low_rsdp_gpa = 0x100000 - 64;
/// Module list slots and per-module command line bytes in the start info
/// segment (HVMLOADER_MODULE_MAX_COUNT, HVMLOADER_MODULE_CMDLINE_SIZE).
constexpr uint32_t pvh_modlist_slots = 2;
constexpr uint64_t pvh_module_cmdline_size = 1024;
/// Our limits (see the file comment).
constexpr uint64_t pvh_min_memory = MiB(2);
constexpr uint64_t pvh_max_memory = GiB(1024);
constexpr uint64_t pvh_max_cmdline_bytes = KiB(64);
constexpr size_t pvh_max_e820 = 8;

/// What the layout depends on.
struct PvhLayoutConfig {
    uint64_t memory_bytes;  ///< guest RAM (xl.cfg `memory`, in bytes); page multiple
    uint32_t nr_vcpus;      ///< 1..128
    uint64_t kernel_start;  ///< ElfImage::lowest_paddr
    uint64_t kernel_end;    ///< ElfImage::highest_paddr_end (exclusive)
    uint64_t ramdisk_bytes; ///< module 0 size in bytes; 0 = no ramdisk
    uint64_t cmdline_bytes; ///< command line including its NUL; 0 = none
    bool rsdp_below_1mib;   ///< see pvh_rsdp_below_1mib()
};

/// The layout. Addresses are GPAs; every region start is page aligned except
/// those inside the start info segment (8-byte aligned) and the low RSDP.
struct PvhLayout {
    uint64_t lowmem_end;  ///< RAM is [0, lowmem_end)
    uint64_t highmem_end; ///< and [4 GiB, highmem_end) if non-zero

    uint64_t kernel_start, kernel_end; ///< as configured

    uint64_t ramdisk_gpa;   ///< 0 if no ramdisk
    uint64_t ramdisk_bytes; ///< = config; the module's hvm_modlist_entry.size
    uint32_t nr_modules;    ///< 1 with a ramdisk, else 0

    uint64_t start_info_gpa;      ///< struct hvm_start_info; start of the segment
    uint64_t start_info_bytes;    ///< segment size, page multiple
    uint64_t cmdline_gpa;         ///< 0 if no command line
    uint64_t cmdline_slot_bytes;  ///< bytes reserved for it (cmdline_bytes rounded up to 8)
    uint64_t modlist_gpa;         ///< pvh_modlist_slots entries (modlist_paddr if nr_modules)
    uint64_t module_cmdlines_gpa; ///< pvh_modlist_slots x pvh_module_cmdline_size bytes;
                                  ///< libxl gives the ramdisk no cmdline (cmdline_paddr 0)
    uint64_t memmap_gpa;          ///< e820 copied as hvm_memmap_table_entry[nr_e820]
    uint64_t alloc_end;           ///< first byte after the segment: next free RAM

    uint64_t acpi_gpa;    ///< = acpi_info_physical_address: pass to guest_acpi_build()
    uint64_t acpi_bytes;  ///< = guest_acpi_size(nr_vcpus)
    uint64_t rsdp_gpa;    ///< for start_info.rsdp_paddr
    bool rsdp_below_1mib; ///< copy the RSDP built in the ACPI region to rsdp_gpa as well

    uint64_t special_pages_gpa; ///< hvm_special_pfn(0) << 12, x86_hvm_nr_special_pages pages
    uint64_t console_gfn;       ///< HVM_PARAM_CONSOLE_PFN
    uint64_t xenstore_gfn;      ///< HVM_PARAM_STORE_PFN

    hvm_memmap_table_entry e820[pvh_max_e820]; ///< sorted, disjoint, page aligned
    uint32_t nr_e820;
};

/// libxl's rule for the RSDP's place (libxl__dom_load_acpi): below 1 MiB for
/// a kernel whose GUEST_OS note is "linux" and whose SUPPORTED_FEATURES lack
/// XENFEAT_linux_rsdp_unrestricted; otherwise after the tables.
bool pvh_rsdp_below_1mib(const ElfImage& kernel);

/// Compute the layout for `cfg` into `out`. On failure `why` (if non-null,
/// `why_len` > 0) says what does not fit, e.g. "kernel [0x1000000,
/// 0x3000000) does not fit in RAM [0, 0x2000000)".
/// Errors: -EINVAL nr_vcpus, memory size or command line out of the limits,
///         or an empty/wrapping kernel range; -ENOMEM the kernel, ramdisk or
///         start info segment do not fit in low RAM (or the kernel overlaps
///         the low RSDP page).
[[nodiscard]] Status pvh_layout(const PvhLayoutConfig& cfg, PvhLayout& out, char* why,
                                size_t why_len);

} // namespace cxen
