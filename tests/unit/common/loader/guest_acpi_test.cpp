// Guest ACPI tables, read back by the hypervisor's own host-side parser
// (common/acpi/acpi.hpp) as a guest would find them: through the RSDP at the
// address start_info gives, through a legacy BIOS-area scan of a copy at
// 0xFFFC0, via the XSDT and via the RSDT. Plus byte-level checks of what the
// parser does not look at (checksums, FACS, DSDT, the info page).
#include "common/loader/guest_acpi.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "arch/console.hpp"
#include "common/acpi/acpi.hpp"

using namespace cxen;
using namespace cxen::acpi;

namespace {

constexpr uint64_t base = 0xFC000000;
constexpr uint64_t pg = 4096;

// Guest-physical memory made of byte ranges; the rest is unreadable.
class GuestMem final : public PhysReader {
  public:
    void map(uint64_t gpa, std::vector<uint8_t> bytes) { segs_.push_back({gpa, std::move(bytes)}); }
    bool read(paddr_t pa, void* dst, size_t len) const override {
        for (const auto& s : segs_)
            if (pa >= s.gpa && pa - s.gpa <= s.bytes.size() &&
                len <= s.bytes.size() - (pa - s.gpa)) {
                std::memcpy(dst, s.bytes.data() + (pa - s.gpa), len);
                return true;
            }
        return false;
    }

  private:
    struct Seg {
        uint64_t gpa;
        std::vector<uint8_t> bytes;
    };
    std::vector<Seg> segs_;
};

struct Built {
    std::vector<uint8_t> buf;
    GuestAcpiTables t;
    const uint8_t* at(uint64_t gpa) const { return buf.data() + (gpa - base); }
};

Built build(uint32_t nr_vcpus) {
    Built b;
    b.buf.assign(guest_acpi_size(nr_vcpus), 0xa5);
    EXPECT_TRUE(guest_acpi_build(b.buf.data(), b.buf.size(), base, nr_vcpus, b.t).ok());
    return b;
}

uint8_t sum(const uint8_t* p, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i)
        s = static_cast<uint8_t>(s + p[i]);
    return s;
}

template <typename T> T get(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

TableHeader hdr(const Built& b, uint64_t gpa) {
    return get<TableHeader>(b.at(gpa));
}

// Everything Linux takes from the tables, as the host parser sees it.
void expect_pvh_platform(const AcpiInfo& info, uint32_t nr_vcpus) {
    EXPECT_EQ(info.revision, 2);
    EXPECT_STREQ(info.oem_id, "Xen");
    EXPECT_EQ(info.lapic_address, 0xFEE00000u);
    EXPECT_TRUE(info.pcat_compat);
    ASSERT_EQ(info.nr_cpus, nr_vcpus);
    for (uint32_t i = 0; i < nr_vcpus; ++i) {
        EXPECT_EQ(info.cpus[i].acpi_uid, i) << i;
        EXPECT_EQ(info.cpus[i].apic_id, 2 * i) << i;
        EXPECT_TRUE(info.cpus[i].enabled) << i;
    }
    EXPECT_EQ(info.nr_ioapics, 0u);
    EXPECT_FALSE(info.hpet.present);
    ASSERT_TRUE(info.fadt.present);
    EXPECT_EQ(info.fadt.sci_int, 9);
    EXPECT_EQ(info.fadt.pm_tmr_blk, 0u); // no PM timer
    EXPECT_EQ(info.fadt.pm_tmr_len, 0);
    EXPECT_EQ(info.fadt.x_pm_tmr_blk, 0u);
    EXPECT_FALSE(info.fadt.hw_reduced);
}

class GuestAcpiVcpus : public ::testing::TestWithParam<uint32_t> {};

TEST_P(GuestAcpiVcpus, HostParserFindsMadtAndFadtThroughXsdt) {
    const uint32_t n = GetParam();
    Built b = build(n);
    GuestMem mem;
    mem.map(base, b.buf);
    arch::fake_console().clear();
    static AcpiInfo info; // ~3 KiB
    ASSERT_TRUE(acpi_parse(mem, b.t.rsdp_gpa, info).ok());
    expect_pvh_platform(info, n);
    EXPECT_EQ(info.fadt.iapc_boot_arch, (1u << 2) | (1u << 5)); // NO_VGA | NO_CMOS_RTC
    EXPECT_EQ(arch::fake_console().find("ACPI:"), std::string::npos)
        << "the parser warned: " << arch::fake_console();
}

TEST_P(GuestAcpiVcpus, HostParserFindsTheSameThroughRsdt) {
    const uint32_t n = GetParam();
    Built b = build(n);
    GuestMem mem;
    mem.map(base, b.buf);
    // The first 20 bytes are an ACPI 1.0 RSDP: the parser must use the RSDT,
    // whose FADT is the 116-byte revision 1 copy.
    static AcpiInfo info;
    ASSERT_TRUE(acpi_parse_rsdp_bytes(mem, b.at(b.t.rsdp_gpa), 20, info).ok());
    expect_pvh_platform(info, n);
    EXPECT_EQ(info.fadt.iapc_boot_arch, 0u); // reserved in revision 1 FADTs
}

INSTANTIATE_TEST_SUITE_P(GuestAcpi, GuestAcpiVcpus, ::testing::Values(1u, 2u, 4u, 64u, 128u));

TEST(GuestAcpi, LegacyScanFindsRsdpCopyBelow1MiB) {
    // libxl's place for the RSDP of Linux kernels without
    // XENFEAT_linux_rsdp_unrestricted: the last 64 bytes below 1 MiB.
    Built b = build(4);
    std::vector<uint8_t> bios(0x20000, 0);
    std::memcpy(bios.data() + (0xFFFC0 - 0xE0000), b.at(b.t.rsdp_gpa), sizeof(Rsdp));
    GuestMem mem;
    mem.map(0xE0000, bios);
    mem.map(base, b.buf);
    Result<paddr_t> r = acpi_find_rsdp(mem);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), 0xFFFC0u);
    static AcpiInfo info;
    ASSERT_TRUE(acpi_parse(mem, r.value(), info).ok());
    expect_pvh_platform(info, 4);
}

TEST(GuestAcpi, PlacementFollowsLibxl) {
    Built b = build(2);
    EXPECT_EQ(b.t.info_gpa, base);
    EXPECT_EQ(b.t.tables_gpa, base + pg);
    EXPECT_EQ(b.t.tables_pages, 1u);
    EXPECT_EQ(b.t.rsdp_gpa, base + 2 * pg); // ACPI_INFO + (1 + pages) * 4 KiB
    EXPECT_EQ(b.t.size, 3 * pg);
    EXPECT_EQ(b.t.facs_gpa, base + pg); // first, 64-byte aligned
    for (uint64_t a :
         {b.t.dsdt_gpa, b.t.fadt_v1_gpa, b.t.fadt_gpa, b.t.madt_gpa, b.t.xsdt_gpa, b.t.rsdt_gpa}) {
        EXPECT_EQ(a % 16, 0u);
        EXPECT_GE(a, b.t.tables_gpa);
        EXPECT_LT(a, b.t.rsdp_gpa);
    }
    EXPECT_EQ(guest_acpi_size(1), 3 * pg);
    EXPECT_EQ(guest_acpi_size(128), 3 * pg);
    EXPECT_EQ(guest_acpi_size(0), 0u);
    EXPECT_EQ(guest_acpi_size(129), 0u);
}

TEST(GuestAcpi, EveryChecksumIsValid) {
    Built b = build(8);
    const uint8_t* rsdp = b.at(b.t.rsdp_gpa);
    EXPECT_EQ(std::memcmp(rsdp, "RSD PTR ", 8), 0);
    EXPECT_EQ(sum(rsdp, 20), 0);
    EXPECT_EQ(sum(rsdp, 36), 0);
    auto r = get<Rsdp>(rsdp);
    EXPECT_EQ(r.revision, 2);
    EXPECT_EQ(r.length, 36u);
    EXPECT_EQ(r.rsdt_address, b.t.rsdt_gpa);
    EXPECT_EQ(r.xsdt_address, b.t.xsdt_gpa);
    struct {
        uint64_t gpa;
        const char* sig;
        uint32_t len;
        uint8_t rev;
    } tables[] = {
        {b.t.dsdt_gpa, "DSDT", 36, 5},      {b.t.fadt_v1_gpa, "FACP", 116, 1},
        {b.t.fadt_gpa, "FACP", 268, 5},     {b.t.madt_gpa, "APIC", 44 + 8 * 8, 2},
        {b.t.xsdt_gpa, "XSDT", 36 + 16, 1}, {b.t.rsdt_gpa, "RSDT", 36 + 8, 1},
    };
    for (const auto& t : tables) {
        TableHeader h = hdr(b, t.gpa);
        EXPECT_EQ(std::string(h.signature, 4), t.sig);
        EXPECT_EQ(h.length, t.len) << t.sig;
        EXPECT_EQ(h.revision, t.rev) << t.sig;
        EXPECT_EQ(sum(b.at(t.gpa), h.length), 0) << t.sig;
        EXPECT_EQ(std::memcmp(h.oem_id, "Xen\0\0\0", 6), 0) << t.sig;
        EXPECT_EQ(std::memcmp(h.oem_table_id, "HVM\0\0\0\0\0", 8), 0) << t.sig;
        EXPECT_EQ(std::memcmp(&h.creator_id, "HVML", 4), 0) << t.sig;
    }
}

TEST(GuestAcpi, RootTablesPointAtFadtThenMadt) {
    Built b = build(3);
    const uint8_t* x = b.at(b.t.xsdt_gpa) + sizeof(TableHeader);
    EXPECT_EQ(get<uint64_t>(x), b.t.fadt_gpa);
    EXPECT_EQ(get<uint64_t>(x + 8), b.t.madt_gpa);
    const uint8_t* r = b.at(b.t.rsdt_gpa) + sizeof(TableHeader);
    EXPECT_EQ(get<uint32_t>(r), b.t.fadt_v1_gpa);
    EXPECT_EQ(get<uint32_t>(r + 4), b.t.madt_gpa);
}

TEST(GuestAcpi, FadtMatchesLibxlPvh) {
    Built b = build(1);
    Fadt f{};
    std::memcpy(&f, b.at(b.t.fadt_gpa), 268);
    EXPECT_EQ(f.firmware_ctrl, b.t.facs_gpa);
    EXPECT_EQ(f.x_firmware_ctrl, b.t.facs_gpa);
    EXPECT_EQ(f.dsdt, b.t.dsdt_gpa);
    EXPECT_EQ(f.x_dsdt, b.t.dsdt_gpa);
    EXPECT_EQ(f.sci_int, 9);
    EXPECT_EQ(f.smi_cmd, 0u);
    EXPECT_EQ(f.pm1a_evt_blk, 0xb000u);
    EXPECT_EQ(f.pm1a_cnt_blk, 0xb004u);
    EXPECT_EQ(f.gpe0_blk, 0xafe0u);
    EXPECT_EQ(f.pm1_evt_len, 4);
    EXPECT_EQ(f.pm1_cnt_len, 2);
    EXPECT_EQ(f.gpe0_blk_len, 4);
    EXPECT_EQ(f.pm_tmr_blk, 0u);
    EXPECT_EQ(f.pm_tmr_len, 0);
    EXPECT_EQ(f.p_lvl2_lat, 0x0fff);
    EXPECT_EQ(f.p_lvl3_lat, 0x0fff);
    // WBINVD | PROC_C1 | PWR_BUTTON | SLP_BUTTON | FIX_RTC | TMR_VAL_EXT | USE_PLATFORM_CLOCK
    EXPECT_EQ(f.flags, 0x1u | 0x4u | 0x10u | 0x20u | 0x40u | 0x100u | 0x8000u);
    EXPECT_EQ(f.flags & ACPI_FADT_HW_REDUCED, 0u);
    EXPECT_EQ(f.iapc_boot_arch, 0x24); // NO_VGA | NO_CMOS_RTC, no 8042
    EXPECT_EQ(f.reset_reg.space_id, ACPI_ADR_SPACE_SYSTEM_IO);
    EXPECT_EQ(f.reset_reg.bit_width, 8);
    EXPECT_EQ(f.reset_reg.address, 0xcf9u);
    EXPECT_EQ(f.reset_value, 6);
    EXPECT_EQ(f.x_pm1a_evt_blk.address, 0xb000u);
    EXPECT_EQ(f.x_pm1a_evt_blk.bit_width, 32);
    EXPECT_EQ(f.x_pm1a_cnt_blk.address, 0xb004u);
    EXPECT_EQ(f.x_pm1a_cnt_blk.bit_width, 16);
    EXPECT_EQ(f.x_pm_tmr_blk.address, 0u);
    EXPECT_EQ(f.hypervisor_vendor, 0u); // not part of a revision 5 FADT
    // The RSDT's copy is the same first 116 bytes but for length, revision, checksum.
    std::vector<uint8_t> v1(b.at(b.t.fadt_v1_gpa), b.at(b.t.fadt_v1_gpa) + 116);
    std::vector<uint8_t> v5(b.at(b.t.fadt_gpa), b.at(b.t.fadt_gpa) + 116);
    for (size_t i = sizeof(TableHeader); i < 116; ++i)
        EXPECT_EQ(v1[i], v5[i]) << i;
}

TEST(GuestAcpi, FacsDsdtAndInfoPage) {
    Built b = build(5);
    const uint8_t* facs = b.at(b.t.facs_gpa);
    EXPECT_EQ(std::memcmp(facs, "FACS", 4), 0);
    EXPECT_EQ(get<uint32_t>(facs + 4), 64u);
    EXPECT_EQ(facs[32], 1); // version
    EXPECT_EQ(b.t.facs_gpa % 64, 0u);
    EXPECT_EQ(hdr(b, b.t.dsdt_gpa).length, 36u); // an empty definition block
    // acpi_info (tools/libacpi/build.c): nr_cpus, MADT checksum and LAPIC 0 addresses.
    const uint8_t* info = b.at(base);
    EXPECT_EQ(info[0], 0);
    EXPECT_EQ(get<uint16_t>(info + 2), 5);
    EXPECT_EQ(get<uint32_t>(info + 12), b.t.madt_gpa + 9);
    EXPECT_EQ(get<uint32_t>(info + 16), b.t.madt_gpa + 44);
    EXPECT_EQ(get<uint32_t>(info + 20), 0u);
    // Everything else in the region is zero (filled from a 0xa5 buffer).
    size_t nonzero = 0;
    for (size_t i = 40; i < pg; ++i)
        nonzero += info[i] != 0;
    EXPECT_EQ(nonzero, 0u);
    const uint8_t* rsdp_page = b.at(b.t.rsdp_gpa);
    for (size_t i = sizeof(Rsdp); i < pg; ++i)
        ASSERT_EQ(rsdp_page[i], 0) << i;
}

TEST(GuestAcpi, MadtEntriesAreLibxlShaped) {
    Built b = build(3);
    auto m = get<Madt>(b.at(b.t.madt_gpa));
    EXPECT_EQ(m.local_apic_address, 0xFEE00000u);
    EXPECT_EQ(m.flags, ACPI_MADT_PCAT_COMPAT);
    for (uint32_t i = 0; i < 3; ++i) {
        auto l = get<MadtLocalApic>(b.at(b.t.madt_gpa) + sizeof(Madt) + 8 * i);
        EXPECT_EQ(l.hdr.type, ACPI_MADT_TYPE_LOCAL_APIC);
        EXPECT_EQ(l.hdr.length, 8);
        EXPECT_EQ(l.acpi_uid, i);
        EXPECT_EQ(l.apic_id, 2 * i);
        EXPECT_EQ(l.flags, ACPI_MADT_ENABLED);
    }
}

TEST(GuestAcpi, LeavesTheRestOfTheBufferAlone) {
    std::vector<uint8_t> buf(guest_acpi_size(1) + 100, 0xa5);
    GuestAcpiTables t;
    ASSERT_TRUE(guest_acpi_build(buf.data(), buf.size(), base, 1, t).ok());
    for (size_t i = t.size; i < buf.size(); ++i)
        ASSERT_EQ(buf[i], 0xa5) << i;
}

TEST(GuestAcpi, RejectsBadArguments) {
    std::vector<uint8_t> buf(16 * pg);
    GuestAcpiTables t;
    EXPECT_EQ(guest_acpi_build(buf.data(), guest_acpi_size(4) - 1, base, 4, t).error(),
              Errno::XEN_ENOSPC);
    EXPECT_EQ(guest_acpi_build(buf.data(), 0, base, 1, t).error(), Errno::XEN_ENOSPC);
    EXPECT_EQ(guest_acpi_build(buf.data(), buf.size(), base, 0, t).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(guest_acpi_build(buf.data(), buf.size(), base, 129, t).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(guest_acpi_build(buf.data(), buf.size(), base + 16, 1, t).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(guest_acpi_build(buf.data(), buf.size(), uint64_t{1} << 32, 1, t).error(),
              Errno::XEN_EINVAL);
    EXPECT_EQ(guest_acpi_build(buf.data(), buf.size(), (uint64_t{1} << 32) - pg, 1, t).error(),
              Errno::XEN_EINVAL); // would cross 4 GiB
    EXPECT_EQ(guest_acpi_build(nullptr, buf.size(), base, 1, t).error(), Errno::XEN_EINVAL);
    // Right at the top of the 32-bit space is fine.
    EXPECT_TRUE(guest_acpi_build(buf.data(), buf.size(), (uint64_t{1} << 32) - 3 * pg, 1, t).ok());
}

} // namespace
