// ACPI tables for PVH guests; see guest_acpi.hpp for what is built and where
// each value comes from. Table layouts are the packed ones of the host parser
// (common/acpi/acpi.hpp, ACPI 6.5 numbering); the FACS, RSDT/XSDT bodies and
// the acpi_info page are defined here.
#include "common/loader/guest_acpi.hpp"

#include "common/acpi/acpi.hpp"
#include "lib/base/string.hpp"

namespace cxen {

using namespace acpi;

namespace {

/// Firmware ACPI Control Structure (ACPI 6.5, 5.2.10); libacpi fills only
/// signature, length and version 1 (static_tables.c Facs).
struct [[gnu::packed]] Facs {
    char signature[4];                 // 0x00 "FACS"
    uint32_t length;                   // 0x04 64
    uint32_t hardware_signature;       // 0x08
    uint32_t firmware_waking_vector;   // 0x0c
    uint32_t global_lock;              // 0x10
    uint32_t flags;                    // 0x14
    uint64_t x_firmware_waking_vector; // 0x18
    uint8_t version;                   // 0x20
    uint8_t reserved[31];              // 0x21
};
static_assert(sizeof(Facs) == 64);

/// The page libxl's PVH DSDT reads at ACPI_INFO_PHYSICAL_ADDRESS ("BIOS"
/// region): struct acpi_info in tools/libacpi/build.c, 40 bytes.
struct [[gnu::packed]] AcpiInfoPage {
    uint8_t present;           // 0x00 bit 0 COM1, 1 COM2, 2 LPT1, 3 HPET
    uint8_t pad;               // 0x01
    uint16_t nr_cpus;          // 0x02
    uint32_t pci_min;          // 0x04
    uint32_t pci_len;          // 0x08
    uint32_t madt_csum_addr;   // 0x0c address of the MADT's checksum byte
    uint32_t madt_lapic0_addr; // 0x10 address of the first MADT Local APIC entry
    uint32_t vm_gid_addr;      // 0x14
    uint64_t pci_hi_min;       // 0x18
    uint64_t pci_hi_len;       // 0x20
};
static_assert(sizeof(AcpiInfoPage) == 40);

// Header values: tools/libacpi/acpi2_0.h.
constexpr char oem_id[6] = {'X', 'e', 'n', 0, 0, 0};             // ACPI_OEM_ID
constexpr char oem_table_id[8] = {'H', 'V', 'M', 0, 0, 0, 0, 0}; // ACPI_OEM_TABLE_ID
constexpr char creator_id[4] = {'H', 'V', 'M', 'L'};             // ACPI_CREATOR_ID
constexpr uint8_t rsdp_revision = 2;                             // ACPI_2_0_RSDP_REVISION
constexpr uint8_t rsdt_revision = 1, xsdt_revision = 1;
constexpr uint8_t madt_revision = 2;    // ACPI_2_0_MADT_REVISION
constexpr uint8_t fadt_v1_revision = 1; // ACPI_1_0_FADT_REVISION
constexpr uint8_t fadt_revision = 5;    // libxl_x86_acpi.c: acpi_revision = 5
constexpr uint8_t dsdt_revision = 5;    // libacpi Makefile: DefinitionBlock(..., "DSDT", 5, ...)
constexpr uint8_t facs_version = 1;     // ACPI_2_0_FACS_VERSION

/// FADT revision 5 is the ACPI 5.0 table: it ends after SLEEP_STATUS_REG,
/// before the ACPI 6 hypervisor vendor identity (libacpi struct acpi_fadt).
constexpr uint32_t fadt_v5_size = offsetof(Fadt, hypervisor_vendor);
static_assert(fadt_v5_size == 268);

// FADT contents: tools/libacpi/static_tables.c Fadt, acpi2_0.h flag bits,
// public/hvm/ioreq.h ACPI_*_V1 ports.
constexpr uint16_t sci_irq = 9;
constexpr uint32_t pm1a_evt_blk = 0xb000; // ACPI_PM1A_EVT_BLK_ADDRESS_V1
constexpr uint32_t pm1a_cnt_blk = 0xb004; // ACPI_PM1A_CNT_BLK_ADDRESS_V1
constexpr uint32_t gpe0_blk = 0xafe0;     // ACPI_GPE0_BLK_ADDRESS_V1
constexpr uint8_t gpe0_blk_len = 4;       // ACPI_GPE0_BLK_LEN_V1
constexpr uint8_t pm1a_evt_bits = 32, pm1a_cnt_bits = 16;
constexpr uint16_t no_c2_c3_latency = 0x0fff;
constexpr uint32_t FADT_WBINVD = 1u << 0, FADT_PROC_C1 = 1u << 2, FADT_PWR_BUTTON = 1u << 4,
                   FADT_SLP_BUTTON = 1u << 5, FADT_FIX_RTC = 1u << 6, FADT_TMR_VAL_EXT = 1u << 8,
                   FADT_USE_PLATFORM_CLOCK = 1u << 15;
constexpr uint32_t fadt_flags = FADT_PROC_C1 | FADT_WBINVD | FADT_FIX_RTC | FADT_TMR_VAL_EXT |
                                FADT_USE_PLATFORM_CLOCK | FADT_PWR_BUTTON | FADT_SLP_BUTTON;
constexpr uint16_t BOOT_ARCH_NO_VGA = 1u << 2, BOOT_ARCH_NO_CMOS_RTC = 1u << 5;
constexpr uint16_t reset_port = 0xcf9;
constexpr uint8_t reset_value = 6;

/// Byte offsets of each table from the first table page; identical for every
/// base, so guest_acpi_size() and guest_acpi_build() share it.
struct Plan {
    size_t facs, dsdt, fadt_v1, fadt, madt, xsdt, rsdt, end;
    size_t madt_len;
};

constexpr size_t madt_entries_off = sizeof(Madt);
constexpr size_t nr_root_entries = 2; // FADT, MADT
constexpr size_t xsdt_len = sizeof(TableHeader) + 8 * nr_root_entries;
constexpr size_t rsdt_len = sizeof(TableHeader) + 4 * nr_root_entries;

constexpr Plan plan(uint32_t nr_vcpus) {
    Plan p{};
    size_t cur = 0;
    // libacpi's mem_alloc: at least 16-byte aligned; FACS asks for 64.
    auto alloc = [&cur](size_t size, size_t align) {
        size_t at = align_up(cur, align);
        cur = at + size;
        return at;
    };
    p.madt_len = sizeof(Madt) + sizeof(MadtLocalApic) * nr_vcpus;
    p.facs = alloc(sizeof(Facs), 64);
    p.dsdt = alloc(sizeof(TableHeader), 16);
    p.fadt_v1 = alloc(fadt_v1_size, 16);
    p.fadt = alloc(fadt_v5_size, 16);
    p.madt = alloc(p.madt_len, 16);
    p.xsdt = alloc(xsdt_len, 16);
    p.rsdt = alloc(rsdt_len, 16);
    p.end = cur;
    return p;
}

// The largest MADT still fits the region libxl allows.
static_assert(align_up(plan(guest_acpi_max_vcpus).end, page_size) / page_size <=
              guest_acpi_max_table_pages);

uint8_t checksum_of(const uint8_t* p, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i)
        s = static_cast<uint8_t>(s + p[i]);
    return static_cast<uint8_t>(-s);
}

TableHeader header(const char sig[4], uint32_t length, uint8_t revision) {
    TableHeader h{};
    memcpy(h.signature, sig, 4);
    h.length = length;
    h.revision = revision;
    memcpy(h.oem_id, oem_id, sizeof(h.oem_id));
    memcpy(h.oem_table_id, oem_table_id, sizeof(h.oem_table_id));
    h.oem_revision = 0;
    memcpy(&h.creator_id, creator_id, sizeof(h.creator_id));
    h.creator_revision = 0;
    return h;
}

/// Set the checksum of the table at `t` (its header says how long it is).
void seal(uint8_t* t) {
    TableHeader h;
    memcpy(&h, t, sizeof(h));
    t[offsetof(TableHeader, checksum)] = 0;
    t[offsetof(TableHeader, checksum)] = checksum_of(t, h.length);
}

Gas io_gas(uint8_t bits, uint64_t port) {
    Gas g{};
    g.space_id = ACPI_ADR_SPACE_SYSTEM_IO;
    g.bit_width = bits;
    g.bit_offset = 0;
    g.access_size = 0; // libacpi leaves it "reserved" (0, undefined/legacy)
    g.address = port;
    return g;
}

/// The revision 5 FADT (its first fadt_v1_size bytes are the RSDT's copy).
Fadt make_fadt(uint64_t facs, uint64_t dsdt) {
    Fadt f{};
    f.hdr = header("FACP", fadt_v5_size, fadt_revision);
    f.firmware_ctrl = static_cast<uint32_t>(facs);
    f.dsdt = static_cast<uint32_t>(dsdt);
    f.sci_int = sci_irq;
    f.pm1a_evt_blk = pm1a_evt_blk;
    f.pm1a_cnt_blk = pm1a_cnt_blk;
    f.pm_tmr_blk = 0; // no ACPI_HAS_PMTIMER for PVH
    f.gpe0_blk = gpe0_blk;
    f.pm1_evt_len = pm1a_evt_bits / 8;
    f.pm1_cnt_len = pm1a_cnt_bits / 8;
    f.pm_tmr_len = 0;
    f.gpe0_blk_len = gpe0_blk_len;
    f.p_lvl2_lat = no_c2_c3_latency;
    f.p_lvl3_lat = no_c2_c3_latency;
    f.iapc_boot_arch = BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS_RTC;
    f.flags = fadt_flags;
    f.reset_reg = io_gas(8, reset_port);
    f.reset_value = reset_value;
    f.x_firmware_ctrl = facs;
    f.x_dsdt = dsdt;
    f.x_pm1a_evt_blk = io_gas(pm1a_evt_bits, pm1a_evt_blk);
    f.x_pm1a_cnt_blk = io_gas(pm1a_cnt_bits, pm1a_cnt_blk);
    return f;
}

} // namespace

size_t guest_acpi_size(uint32_t nr_vcpus) {
    if (nr_vcpus == 0 || nr_vcpus > guest_acpi_max_vcpus) return 0;
    size_t table_pages = align_up(plan(nr_vcpus).end, page_size) / page_size;
    return (1 + table_pages + 1) * page_size; // info page, tables, RSDP page
}

Status guest_acpi_build(uint8_t* buf, size_t buf_len, uint64_t base_gpa, uint32_t nr_vcpus,
                        GuestAcpiTables& out) {
    size_t size = guest_acpi_size(nr_vcpus);
    if (size == 0 || !buf || (base_gpa & (page_size - 1)) != 0) return Err(Errno::XEN_EINVAL);
    if (base_gpa > (uint64_t{1} << 32) || size > (uint64_t{1} << 32) - base_gpa)
        return Err(Errno::XEN_EINVAL);
    if (buf_len < size) return Err(Errno::XEN_ENOSPC);

    const Plan p = plan(nr_vcpus);
    uint8_t* tables = buf + page_size;
    const uint64_t tables_gpa = base_gpa + page_size;
    const uint64_t table_pages = align_up(p.end, page_size) / page_size;

    memset(buf, 0, size);
    out = GuestAcpiTables{};
    out.info_gpa = base_gpa;
    out.tables_gpa = tables_gpa;
    out.tables_pages = table_pages;
    out.rsdp_gpa = tables_gpa + table_pages * page_size;
    out.size = size;
    out.facs_gpa = tables_gpa + p.facs;
    out.dsdt_gpa = tables_gpa + p.dsdt;
    out.fadt_v1_gpa = tables_gpa + p.fadt_v1;
    out.fadt_gpa = tables_gpa + p.fadt;
    out.madt_gpa = tables_gpa + p.madt;
    out.xsdt_gpa = tables_gpa + p.xsdt;
    out.rsdt_gpa = tables_gpa + p.rsdt;

    // FACS: no checksum.
    Facs facs{};
    memcpy(facs.signature, "FACS", 4);
    facs.length = sizeof(Facs);
    facs.version = facs_version;
    memcpy(tables + p.facs, &facs, sizeof(facs));

    // DSDT: an empty definition block.
    TableHeader dsdt = header("DSDT", sizeof(TableHeader), dsdt_revision);
    memcpy(tables + p.dsdt, &dsdt, sizeof(dsdt));
    seal(tables + p.dsdt);

    // FADT revision 5 for the XSDT, and its ACPI 1.0 prefix for the RSDT
    // (libacpi does this for OSes that copy the FADT into 116 bytes).
    Fadt fadt = make_fadt(out.facs_gpa, out.dsdt_gpa);
    memcpy(tables + p.fadt, &fadt, fadt_v5_size);
    seal(tables + p.fadt);
    fadt.hdr.length = fadt_v1_size;
    fadt.hdr.revision = fadt_v1_revision;
    memcpy(tables + p.fadt_v1, &fadt, fadt_v1_size);
    seal(tables + p.fadt_v1);

    // MADT: one enabled Local APIC per vCPU, UID i, APIC ID 2i.
    Madt madt{};
    madt.hdr = header("APIC", static_cast<uint32_t>(p.madt_len), madt_revision);
    madt.local_apic_address = lapic_base_address;
    madt.flags = ACPI_MADT_PCAT_COMPAT;
    memcpy(tables + p.madt, &madt, sizeof(madt));
    for (uint32_t i = 0; i < nr_vcpus; ++i) {
        MadtLocalApic l{};
        l.hdr.type = ACPI_MADT_TYPE_LOCAL_APIC;
        l.hdr.length = sizeof(l);
        l.acpi_uid = static_cast<uint8_t>(i);
        l.apic_id = static_cast<uint8_t>(2 * i); // acpi_lapic_id(), libxl_x86_acpi.c
        l.flags = ACPI_MADT_ENABLED;
        memcpy(tables + p.madt + madt_entries_off + i * sizeof(l), &l, sizeof(l));
    }
    seal(tables + p.madt);

    // XSDT and RSDT: FADT first, then the MADT (construct_secondary_tables order).
    TableHeader xsdt = header("XSDT", xsdt_len, xsdt_revision);
    memcpy(tables + p.xsdt, &xsdt, sizeof(xsdt));
    const uint64_t x_entries[nr_root_entries] = {out.fadt_gpa, out.madt_gpa};
    memcpy(tables + p.xsdt + sizeof(TableHeader), x_entries, sizeof(x_entries));
    seal(tables + p.xsdt);

    TableHeader rsdt = header("RSDT", rsdt_len, rsdt_revision);
    memcpy(tables + p.rsdt, &rsdt, sizeof(rsdt));
    const uint32_t r_entries[nr_root_entries] = {static_cast<uint32_t>(out.fadt_v1_gpa),
                                                 static_cast<uint32_t>(out.madt_gpa)};
    memcpy(tables + p.rsdt + sizeof(TableHeader), r_entries, sizeof(r_entries));
    seal(tables + p.rsdt);

    // RSDP, on its own page after the tables.
    Rsdp rsdp{};
    memcpy(rsdp.signature, "RSD PTR ", 8);
    memcpy(rsdp.oem_id, oem_id, sizeof(rsdp.oem_id));
    rsdp.revision = rsdp_revision;
    rsdp.rsdt_address = static_cast<uint32_t>(out.rsdt_gpa);
    rsdp.length = sizeof(Rsdp);
    rsdp.xsdt_address = out.xsdt_gpa;
    auto* rb = reinterpret_cast<uint8_t*>(&rsdp);
    rsdp.checksum = checksum_of(rb, offsetof(Rsdp, length));
    rsdp.extended_checksum = checksum_of(rb, sizeof(Rsdp));
    memcpy(buf + (out.rsdp_gpa - base_gpa), &rsdp, sizeof(rsdp));

    // The info page, as libacpi fills it for a PVH guest (no COM/LPT/HPET,
    // no PCI hole, no VM generation ID).
    AcpiInfoPage info{};
    info.nr_cpus = static_cast<uint16_t>(nr_vcpus);
    info.madt_csum_addr = static_cast<uint32_t>(out.madt_gpa + offsetof(TableHeader, checksum));
    info.madt_lapic0_addr = static_cast<uint32_t>(out.madt_gpa + madt_entries_off);
    memcpy(buf, &info, sizeof(info));
    return ok_status();
}

} // namespace cxen
