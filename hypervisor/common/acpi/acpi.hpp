// Boot-time ACPI table parser: finds the RSDP, walks the XSDT (or RSDT) and
// extracts what the hypervisor needs from the MADT (CPUs, IO-APICs, local
// APIC address), the HPET table and the FADT. Tables are read through a
// PhysReader and are untrusted: every table's length and checksum is checked,
// and a bad table is skipped with a warning rather than failing the parse.
//
// Layouts: ACPI Specification 6.5 (section numbers below); HPET: IA-PC HPET
// Specification 1.0a, 3.2.4. All multi-byte fields are little-endian and
// tables are byte-packed, so the structs are packed.
#pragma once

#include "common/boot/phys_reader.hpp"
#include "lib/base/result.hpp"

namespace cxen {

namespace acpi {

/// Root System Description Pointer (5.2.5.3). Revision 0 ends at `length`
/// (20 bytes); revision >= 2 is 36 bytes.
struct [[gnu::packed]] Rsdp {
    char signature[8];         // 0x00 "RSD PTR "
    uint8_t checksum;          // 0x08 bytes 0..19 sum to 0
    char oem_id[6];            // 0x09
    uint8_t revision;          // 0x0f 0 for ACPI 1.0, 2 for 2.0 and later
    uint32_t rsdt_address;     // 0x10
    uint32_t length;           // 0x14 revision >= 2: size of this structure
    uint64_t xsdt_address;     // 0x18
    uint8_t extended_checksum; // 0x20 bytes 0..35 sum to 0
    uint8_t reserved[3];       // 0x21
};
static_assert(sizeof(Rsdp) == 36);
static_assert(offsetof(Rsdp, length) == 20); // the revision 0 size
static_assert(offsetof(Rsdp, xsdt_address) == 0x18);

/// System Description Table header (5.2.6), common to every table but the RSDP.
struct [[gnu::packed]] TableHeader {
    char signature[4];         // 0x00
    uint32_t length;           // 0x04 whole table, header included
    uint8_t revision;          // 0x08
    uint8_t checksum;          // 0x09 whole table sums to 0
    char oem_id[6];            // 0x0a
    char oem_table_id[8];      // 0x10
    uint32_t oem_revision;     // 0x18
    uint32_t creator_id;       // 0x1c
    uint32_t creator_revision; // 0x20
};
static_assert(sizeof(TableHeader) == 36);

/// Generic Address Structure (5.2.3.2).
struct [[gnu::packed]] Gas {
    uint8_t space_id;    // 0x0 ACPI_ADR_SPACE_*
    uint8_t bit_width;   // 0x1
    uint8_t bit_offset;  // 0x2
    uint8_t access_size; // 0x3
    uint64_t address;    // 0x4
};
static_assert(sizeof(Gas) == 12);
constexpr uint8_t ACPI_ADR_SPACE_SYSTEM_MEMORY = 0;
constexpr uint8_t ACPI_ADR_SPACE_SYSTEM_IO = 1;

/// Multiple APIC Description Table, "APIC" (5.2.12); entries follow.
struct [[gnu::packed]] Madt {
    TableHeader hdr;             // 0x00
    uint32_t local_apic_address; // 0x24
    uint32_t flags;              // 0x28 ACPI_MADT_PCAT_COMPAT
};
static_assert(sizeof(Madt) == 44);
constexpr uint32_t ACPI_MADT_PCAT_COMPAT = 1u << 0; ///< dual 8259s present

/// Header of every MADT entry (5.2.12, Table 5.20).
struct [[gnu::packed]] MadtEntry {
    uint8_t type;   // 0x0 ACPI_MADT_TYPE_*
    uint8_t length; // 0x1 whole entry
};
static_assert(sizeof(MadtEntry) == 2);
constexpr uint8_t ACPI_MADT_TYPE_LOCAL_APIC = 0;
constexpr uint8_t ACPI_MADT_TYPE_IO_APIC = 1;
constexpr uint8_t ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE = 5;
constexpr uint8_t ACPI_MADT_TYPE_LOCAL_X2APIC = 9;

/// Local APIC flags (5.2.12.2, Table 5.23).
constexpr uint32_t ACPI_MADT_ENABLED = 1u << 0;
constexpr uint32_t ACPI_MADT_ONLINE_CAPABLE = 1u << 1; ///< only meaningful when not enabled

/// Processor Local APIC (5.2.12.2).
struct [[gnu::packed]] MadtLocalApic {
    MadtEntry hdr;    // 0x0 type 0, length 8
    uint8_t acpi_uid; // 0x2 ACPI Processor UID
    uint8_t apic_id;  // 0x3 0xff: no such processor
    uint32_t flags;   // 0x4 ACPI_MADT_ENABLED, ACPI_MADT_ONLINE_CAPABLE
};
static_assert(sizeof(MadtLocalApic) == 8);

/// I/O APIC (5.2.12.3).
struct [[gnu::packed]] MadtIoApic {
    MadtEntry hdr;     // 0x0 type 1, length 12
    uint8_t id;        // 0x2
    uint8_t reserved;  // 0x3
    uint32_t address;  // 0x4 MMIO base
    uint32_t gsi_base; // 0x8 first Global System Interrupt it handles
};
static_assert(sizeof(MadtIoApic) == 12);

/// Local APIC Address Override (5.2.12.8): the 64-bit address wins over the
/// MADT header's 32-bit one.
struct [[gnu::packed]] MadtLocalApicOverride {
    MadtEntry hdr;     // 0x0 type 5, length 12
    uint16_t reserved; // 0x2
    uint64_t address;  // 0x4
};
static_assert(sizeof(MadtLocalApicOverride) == 12);

/// Processor Local x2APIC (5.2.12.12).
struct [[gnu::packed]] MadtLocalX2apic {
    MadtEntry hdr;      // 0x0 type 9, length 16
    uint16_t reserved;  // 0x2
    uint32_t x2apic_id; // 0x4 0xffffffff: no such processor
    uint32_t flags;     // 0x8 as MadtLocalApic
    uint32_t acpi_uid;  // 0xc
};
static_assert(sizeof(MadtLocalX2apic) == 16);

/// HPET Description Table, "HPET" (IA-PC HPET Specification 1.0a, 3.2.4).
struct [[gnu::packed]] Hpet {
    TableHeader hdr;               // 0x00
    uint32_t event_timer_block_id; // 0x24 hardware revision, comparators, vendor
    Gas base_address;              // 0x28 must be system memory
    uint8_t hpet_number;           // 0x34
    uint16_t min_tick;             // 0x35 minimum periodic clock tick, in counter ticks
    uint8_t page_protection;       // 0x37
};
static_assert(sizeof(Hpet) == 56);

/// Fixed ACPI Description Table, "FACP" (5.2.9, Table 5.9). ACPI 1.0 tables
/// (revision 1) end after `flags` (116 bytes); fields past a table's length
/// read as zero.
struct [[gnu::packed]] Fadt {
    TableHeader hdr;              // 0x00
    uint32_t firmware_ctrl;       // 0x24
    uint32_t dsdt;                // 0x28
    uint8_t reserved0;            // 0x2c
    uint8_t preferred_pm_profile; // 0x2d
    uint16_t sci_int;             // 0x2e SCI interrupt (a GSI on APIC systems)
    uint32_t smi_cmd;             // 0x30
    uint8_t acpi_enable;          // 0x34
    uint8_t acpi_disable;         // 0x35
    uint8_t s4bios_req;           // 0x36
    uint8_t pstate_cnt;           // 0x37
    uint32_t pm1a_evt_blk;        // 0x38
    uint32_t pm1b_evt_blk;        // 0x3c
    uint32_t pm1a_cnt_blk;        // 0x40
    uint32_t pm1b_cnt_blk;        // 0x44
    uint32_t pm2_cnt_blk;         // 0x48
    uint32_t pm_tmr_blk;          // 0x4c I/O port of the ACPI PM timer
    uint32_t gpe0_blk;            // 0x50
    uint32_t gpe1_blk;            // 0x54
    uint8_t pm1_evt_len;          // 0x58
    uint8_t pm1_cnt_len;          // 0x59
    uint8_t pm2_cnt_len;          // 0x5a
    uint8_t pm_tmr_len;           // 0x5b 4 when the PM timer exists
    uint8_t gpe0_blk_len;         // 0x5c
    uint8_t gpe1_blk_len;         // 0x5d
    uint8_t gpe1_base;            // 0x5e
    uint8_t cst_cnt;              // 0x5f
    uint16_t p_lvl2_lat;          // 0x60
    uint16_t p_lvl3_lat;          // 0x62
    uint16_t flush_size;          // 0x64
    uint16_t flush_stride;        // 0x66
    uint8_t duty_offset;          // 0x68
    uint8_t duty_width;           // 0x69
    uint8_t day_alrm;             // 0x6a
    uint8_t mon_alrm;             // 0x6b
    uint8_t century;              // 0x6c
    uint16_t iapc_boot_arch;      // 0x6d reserved in revision 1
    uint8_t reserved1;            // 0x6f
    uint32_t flags;               // 0x70 ACPI_FADT_*
    Gas reset_reg;                // 0x74
    uint8_t reset_value;          // 0x80
    uint16_t arm_boot_arch;       // 0x81
    uint8_t minor_version;        // 0x83
    uint64_t x_firmware_ctrl;     // 0x84
    uint64_t x_dsdt;              // 0x8c
    Gas x_pm1a_evt_blk;           // 0x94
    Gas x_pm1b_evt_blk;           // 0xa0
    Gas x_pm1a_cnt_blk;           // 0xac
    Gas x_pm1b_cnt_blk;           // 0xb8
    Gas x_pm2_cnt_blk;            // 0xc4
    Gas x_pm_tmr_blk;             // 0xd0
    Gas x_gpe0_blk;               // 0xdc
    Gas x_gpe1_blk;               // 0xe8
    Gas sleep_control_reg;        // 0xf4
    Gas sleep_status_reg;         // 0x100
    uint64_t hypervisor_vendor;   // 0x10c
};
static_assert(sizeof(Fadt) == 276);
static_assert(offsetof(Fadt, sci_int) == 46);
static_assert(offsetof(Fadt, pm_tmr_blk) == 76);
static_assert(offsetof(Fadt, pm_tmr_len) == 91);
static_assert(offsetof(Fadt, iapc_boot_arch) == 109);
static_assert(offsetof(Fadt, flags) == 112);
static_assert(offsetof(Fadt, x_pm_tmr_blk) == 208);
constexpr uint32_t fadt_v1_size = offsetof(Fadt, reset_reg); ///< ACPI 1.0: 116 bytes
constexpr uint32_t ACPI_FADT_HW_REDUCED = 1u << 20;          ///< HW_REDUCED_ACPI

} // namespace acpi

struct AcpiCpu {
    uint32_t apic_id;    ///< x2APIC ID (an xAPIC ID for MADT type 0 entries)
    uint32_t acpi_uid;   ///< ACPI Processor UID
    bool enabled;        ///< usable now
    bool online_capable; ///< disabled, but may be brought online later
};

struct AcpiIoApic {
    uint8_t id;
    uint32_t address; ///< MMIO base
    uint32_t gsi_base;
};

/// What the hypervisor takes from the ACPI tables. ~3 KiB: keep it in
/// static storage, never on a stack.
struct AcpiInfo {
    uint8_t revision;      ///< of the RSDP: 0 (ACPI 1.0) or >= 2
    char oem_id[7];        ///< the RSDP's, NUL-terminated
    paddr_t lapic_address; ///< MADT, or its type 5 override; 0 without a MADT
    bool pcat_compat;      ///< MADT: dual 8259 PICs present (mask them)
    AcpiCpu cpus[256];     ///< MADT order, at most one per APIC ID
    size_t nr_cpus;
    AcpiIoApic ioapics[8];
    size_t nr_ioapics;
    struct {
        bool present;
        uint32_t event_timer_block_id;
        uint64_t address; ///< MMIO base of the event timer block
        uint8_t hpet_number;
        uint16_t min_tick;
    } hpet;
    struct {
        bool present;
        uint32_t flags; ///< acpi::ACPI_FADT_*
        uint16_t sci_int;
        uint32_t pm_tmr_blk; ///< I/O port of the PM timer, from X_PM_TMR_BLK when usable; 0 none
        uint8_t pm_tmr_len;  ///< 4 for a usable PM timer
        uint16_t iapc_boot_arch; ///< 0 for revision 1 FADTs, where the field is reserved
        bool hw_reduced;         ///< HW_REDUCED_ACPI: no PM timer, no legacy SCI devices
        uint64_t x_pm_tmr_blk;   ///< X_PM_TMR_BLK address if it is in I/O space, else 0
    } fadt;
};

/// Find the RSDP the legacy way: on 16-byte boundaries in the first KiB of
/// the EBDA (real-mode segment in the 16-bit word at 0x40E; skipped if that
/// points below 0x400 or is unreadable) and then in 0xE0000-0xFFFFF, look for
/// "RSD PTR " with a valid checksum over 20 bytes and, for revision >= 2, a
/// length >= 36 and a valid extended checksum over 36 bytes (as ACPICA).
/// Unreadable parts of those areas are skipped. UEFI systems have no RSDP
/// there: use the loader's copy (acpi_parse_rsdp_bytes) or the EFI tables.
/// Source: ACPI 6.5, 5.2.5.1 "Finding the RSDP on IA-PC Systems".
/// Errors: -ENOENT no valid RSDP in either area.
[[nodiscard]] Result<paddr_t> acpi_find_rsdp(const PhysReader& mem);

/// Parse the tables reached from the RSDP at `rsdp` into `out` (cleared
/// first). See acpi_parse_rsdp_bytes() for what is used and the errors, plus
/// -EFAULT if the RSDP itself cannot be read.
[[nodiscard]] Status acpi_parse(const PhysReader& mem, paddr_t rsdp, AcpiInfo& out);

/// As acpi_parse(), for an RSDP held in memory we own (`rsdp`, `len` bytes:
/// a multiboot2 ACPI tag's copy). Uses the XSDT when the RSDP's revision is
/// >= 2 and its address is non-zero, else (or if the XSDT is unreadable or
/// bad) the RSDT. A revision >= 2 RSDP shorter than 36 bytes or failing its
/// extended checksum is used as revision 0 (RSDT only), with a warning.
/// From the root table's entries, the first valid MADT ("APIC"), HPET and
/// FADT ("FACP") are used; a table that cannot be read, is shorter than its
/// fixed part, longer than 1 MiB or fails its checksum is skipped with a
/// warning. MADT: type 0/9 processors (entries with APIC ID 0xff/0xffffffff
/// and repeats of an APIC ID are ignored), type 1 IO-APICs, type 5 LAPIC
/// address override; other types are skipped by their length, and a
/// zero-length or overrunning entry ends the walk. Extra CPUs (> 256) and
/// IO-APICs (> 8) are dropped with a warning.
/// Source: ACPI 6.5 sections 5.2.5 (RSDP), 5.2.7/5.2.8 (RSDT/XSDT), 5.2.9
/// (FADT), 5.2.12 (MADT); IA-PC HPET Specification 1.0a.
/// Errors: -EINVAL `len` < 20, or a bad RSDP signature or checksum, or no
///         valid root table; -EFAULT the only root table could not be read.
[[nodiscard]] Status acpi_parse_rsdp_bytes(const PhysReader& mem, const uint8_t* rsdp, size_t len,
                                           AcpiInfo& out);

} // namespace cxen
