// ACPI tables for a PVH guest, as Xen's toolstack builds them for PVH domUs
// (tools/libacpi/build.c acpi_build_tables, static_tables.c, acpi2_0.h, driven
// by tools/libs/light/libxl_x86_acpi.c libxl__dom_load_acpi; Xen 4.17):
//
//   RSDP (revision 2) -> XSDT -> FADT (revision 5), MADT
//                     -> RSDT -> FADT (revision 1 copy, 116 bytes), MADT
//   FADT -> FACS, DSDT
//
// What the tables say (libxl's PVH config: acpi_revision 5, no table_flags):
// - FADT: SCI 9; PM1a event/control blocks at I/O 0xB000/0xB004 and GPE0 at
//   0xAFE0 (ACPI_*_ADDRESS_V1, public/hvm/ioreq.h; nothing is emulated there,
//   reads give ~0); **no PM timer**; flags WBINVD | PROC_C1 | PWR_BUTTON |
//   SLP_BUTTON | FIX_RTC | TMR_VAL_EXT | USE_PLATFORM_CLOCK; IAPC_BOOT_ARCH
//   NO_VGA | NO_CMOS_RTC (no 8042); reset register I/O 0xCF9 value 6; P_LVL2/3
//   latencies 0xFFF (no C2/C3). Not HW_REDUCED_ACPI (libxl does not set it).
// - MADT: local APIC address 0xFEE00000, flags PCAT_COMPAT (as libxl, even
//   though a PVH domU has no 8259), one Processor Local APIC entry per vCPU
//   with ACPI UID i, APIC ID 2i (acpi_lapic_id), ENABLED. No IO-APIC entry.
// - DSDT: header only (an empty AML body is a valid definition block).
//   libxl's "dsdt_pvh" has processor objects reading the info page; Linux
//   enumerates CPUs from the MADT alone, so cxen ships none (our choice).
// - OEM ID "Xen", OEM table ID "HVM", OEM revision 0, creator "HVML" rev 0.
//
// Placement, relative to `base` (libxl: base = ACPI_INFO_PHYSICAL_ADDRESS
// 0xFC000000): page 0 is the acpi_info page libxl's DSDT reads (filled as
// libacpi does, harmless with our empty DSDT); tables from base + 4 KiB in
// libacpi's allocation order (FACS 64-byte aligned, the rest 16-byte
// aligned); the RSDP at the start of the page after the tables, as libxl
// places it for kernels with XENFEAT_linux_rsdp_unrestricted.
#pragma once

#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen {

/// Where libxl's DSDT expects the acpi_info page, and where libxl puts the
/// ACPI region of a PVH guest. Source: ACPI_INFO_PHYSICAL_ADDRESS,
/// tools/libs/light/libxl_arch.h (and tools/libacpi/dsdt_acpi_info.asl).
constexpr uint64_t acpi_info_physical_address = 0xFC000000;
/// Local APIC base in the MADT. Source: LAPIC_BASE_ADDRESS, libxl_arch.h.
constexpr uint32_t lapic_base_address = 0xFEE00000;
/// Most vCPUs: HVM_MAX_VCPUS (public/hvm/hvm_info_table.h); also the most
/// whose APIC ID 2i fits the MADT's 8-bit field.
constexpr uint32_t guest_acpi_max_vcpus = 128;
/// Most pages of tables (between the info page and the RSDP page).
/// Source: NUM_ACPI_PAGES, libxl_x86_acpi.c.
constexpr size_t guest_acpi_max_table_pages = 16;

/// Where guest_acpi_build() put things (guest-physical addresses).
struct GuestAcpiTables {
    uint64_t info_gpa;     ///< acpi_info page (= base)
    uint64_t tables_gpa;   ///< first table page (= base + 4 KiB)
    uint64_t tables_pages; ///< pages of tables
    uint64_t rsdp_gpa;     ///< RSDP: for hvm_start_info.rsdp_paddr
    uint64_t size;         ///< bytes written from base: info page + tables + RSDP page
    uint64_t facs_gpa, dsdt_gpa, fadt_v1_gpa, fadt_gpa, madt_gpa, xsdt_gpa, rsdt_gpa;
};

/// Bytes guest_acpi_build() writes for `nr_vcpus` (a page multiple; three
/// pages for up to 128 vCPUs), or 0 if nr_vcpus is 0 or > guest_acpi_max_vcpus.
size_t guest_acpi_size(uint32_t nr_vcpus);

/// Build the ACPI region described in the file comment into `buf` (which
/// the guest will see at guest-physical `base_gpa`): the first
/// guest_acpi_size(nr_vcpus) bytes are written (zeroed first), the rest of
/// `buf` is untouched. All checksums (and the RSDP's extended one) are set.
/// Errors: -EINVAL nr_vcpus 0 or > guest_acpi_max_vcpus, buf null, base_gpa
///         not page aligned, or the region not below 4 GiB (RSDT and FADT
///         hold 32-bit pointers); -ENOSPC buf_len < guest_acpi_size(nr_vcpus).
[[nodiscard]] Status guest_acpi_build(uint8_t* buf, size_t buf_len, uint64_t base_gpa,
                                      uint32_t nr_vcpus, GuestAcpiTables& out);

} // namespace cxen
