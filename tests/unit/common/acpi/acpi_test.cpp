// ACPI RSDP discovery and table parsing over synthetic firmware tables (with
// correct checksums unless a test breaks one) in a fake physical memory.
#include "common/acpi/acpi.hpp"

#include <cstring>
#include <gtest/gtest.h>

#include "fake_phys_mem.hpp"
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/console.hpp"

using namespace cxen;
using namespace cxen::acpi;

namespace {

using test::FakeMem;

template <typename T> std::vector<uint8_t> bytes_of(const T& t) {
    auto* p = reinterpret_cast<const uint8_t*>(&t);
    return std::vector<uint8_t>(p, p + sizeof(T));
}

void append(std::vector<uint8_t>& to, const std::vector<uint8_t>& more) {
    to.insert(to.end(), more.begin(), more.end());
}

uint8_t sum(const uint8_t* p, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i)
        s = static_cast<uint8_t>(s + p[i]);
    return s;
}

// A table: header with signature, revision, length and checksum filled in,
// then `body`.
std::vector<uint8_t> table(const char* sig, uint8_t revision, const std::vector<uint8_t>& body) {
    TableHeader h{};
    std::memcpy(h.signature, sig, 4);
    h.length = static_cast<uint32_t>(sizeof(h) + body.size());
    h.revision = revision;
    std::memcpy(h.oem_id, "BOCHS ", 6);
    std::memcpy(h.oem_table_id, "BXPC    ", 8);
    h.oem_revision = 1;
    h.creator_id = 0x43505842; // "BXPC"
    h.creator_revision = 1;
    auto t = bytes_of(h);
    append(t, body);
    t[offsetof(TableHeader, checksum)] = static_cast<uint8_t>(-sum(t.data(), t.size()));
    return t;
}

// Rewrite a table's length field (keeping its checksum valid).
void set_length(std::vector<uint8_t>& t, uint32_t len) {
    std::memcpy(t.data() + offsetof(TableHeader, length), &len, 4);
    t[offsetof(TableHeader, checksum)] = 0;
    t[offsetof(TableHeader, checksum)] = static_cast<uint8_t>(-sum(t.data(), t.size()));
}

std::vector<uint8_t> rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt) {
    Rsdp r{};
    std::memcpy(r.signature, "RSD PTR ", 8);
    std::memcpy(r.oem_id, "BOCHS ", 6);
    r.revision = revision;
    r.rsdt_address = rsdt;
    r.length = sizeof(Rsdp);
    r.xsdt_address = xsdt;
    auto b = bytes_of(r);
    b[offsetof(Rsdp, checksum)] = static_cast<uint8_t>(-sum(b.data(), 20));
    b[offsetof(Rsdp, extended_checksum)] = static_cast<uint8_t>(-sum(b.data(), 36));
    if (revision < 2) b.resize(20);
    return b;
}

std::vector<uint8_t> rsdt(const std::vector<uint32_t>& entries) {
    std::vector<uint8_t> body;
    for (uint32_t e : entries)
        append(body, bytes_of(e));
    return table("RSDT", 1, body);
}

std::vector<uint8_t> xsdt(const std::vector<uint64_t>& entries) {
    std::vector<uint8_t> body;
    for (uint64_t e : entries)
        append(body, bytes_of(e));
    return table("XSDT", 1, body);
}

std::vector<uint8_t> lapic(uint8_t uid, uint8_t id, uint32_t flags) {
    return bytes_of(MadtLocalApic{{ACPI_MADT_TYPE_LOCAL_APIC, 8}, uid, id, flags});
}
std::vector<uint8_t> x2apic(uint32_t id, uint32_t uid, uint32_t flags) {
    return bytes_of(MadtLocalX2apic{{ACPI_MADT_TYPE_LOCAL_X2APIC, 16}, 0, id, flags, uid});
}
std::vector<uint8_t> ioapic(uint8_t id, uint32_t address, uint32_t gsi_base) {
    return bytes_of(MadtIoApic{{ACPI_MADT_TYPE_IO_APIC, 12}, id, 0, address, gsi_base});
}
// Interrupt source override (type 2, 10 bytes) and LAPIC NMI (type 4, 6
// bytes): real entries the parser skips by length.
const std::vector<uint8_t> iso_irq0_to_gsi2 = {2, 10, 0, 0, 2, 0, 0, 0, 0, 0};
const std::vector<uint8_t> lapic_nmi = {4, 6, 0xff, 0, 0, 1};

std::vector<uint8_t> madt(const std::vector<std::vector<uint8_t>>& entries,
                          uint32_t lapic_address = 0xfee00000,
                          uint32_t flags = ACPI_MADT_PCAT_COMPAT) {
    std::vector<uint8_t> body = bytes_of(lapic_address);
    append(body, bytes_of(flags));
    for (const auto& e : entries)
        append(body, e);
    return table("APIC", 5, body);
}

std::vector<uint8_t> hpet(uint8_t space = ACPI_ADR_SPACE_SYSTEM_MEMORY,
                          uint64_t address = 0xfed00000) {
    Hpet h{};
    h.event_timer_block_id = 0x8086a201;
    h.base_address = Gas{space, 64, 0, 0, address};
    h.hpet_number = 0;
    h.min_tick = 0x37ee;
    auto body = bytes_of(h);
    body.erase(body.begin(), body.begin() + sizeof(TableHeader));
    return table("HPET", 1, body);
}

// A FADT of `len` bytes: as QEMU's q35 (revision 6, 276 bytes) unless changed.
Fadt qemu_fadt() {
    Fadt f{};
    f.sci_int = 9;
    f.pm1a_evt_blk = 0x600;
    f.pm1a_cnt_blk = 0x604;
    f.pm_tmr_blk = 0x608;
    f.pm_tmr_len = 4;
    f.iapc_boot_arch = 0x3; // LEGACY_DEVICES | 8042
    f.flags = 0x000084a5;
    f.x_pm_tmr_blk = Gas{ACPI_ADR_SPACE_SYSTEM_IO, 32, 0, 3, 0x608};
    return f;
}
std::vector<uint8_t> fadt(const Fadt& f, uint8_t revision = 6, size_t len = sizeof(Fadt)) {
    auto body = bytes_of(f);
    body.resize(len);
    body.erase(body.begin(), body.begin() + sizeof(TableHeader));
    return table("FACP", revision, body);
}

constexpr uint64_t rsdp_at = 0xf5a40;
constexpr uint64_t tables = 0x7fe0000; // QEMU puts them at the top of low RAM
constexpr uint64_t rsdt_at = tables + 0x1000, xsdt_at = tables + 0x1100;
constexpr uint64_t madt_at = tables + 0x2000, hpet_at = tables + 0x3000, fadt_at = tables + 0x4000;
constexpr uint64_t rsdt_madt_at = tables + 0x5000, ssdt_at = tables + 0x6000;
constexpr uint64_t spare_at = tables + 0x8000;
constexpr uint64_t tables_size = 0x20000;

std::vector<std::vector<uint8_t>> qemu_madt_entries() {
    return {
        lapic(0, 0, ACPI_MADT_ENABLED),
        lapic(1, 1, ACPI_MADT_ENABLED),
        lapic(2, 2, 0), // disabled, not online capable
        lapic(3, 3, ACPI_MADT_ONLINE_CAPABLE),
        ioapic(0, 0xfec00000, 0),
        iso_irq0_to_gsi2,
        lapic_nmi,
        x2apic(0x100, 0x10, ACPI_MADT_ENABLED),
    };
}

class AcpiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        mem.add(0, 0x100000);
        mem.add(tables, tables_size);
        arch::fake_console().clear();
    }
    // RSDP (revision 2) -> XSDT -> FADT, MADT, HPET, SSDT and RSDT -> a
    // one-CPU MADT, FADT: which root was walked shows in nr_cpus.
    void write_qemu_tables() {
        mem.put(rsdp_at, rsdp(2, rsdt_at, xsdt_at));
        mem.put(rsdt_at, rsdt({rsdt_madt_at, fadt_at}));
        mem.put(xsdt_at, xsdt({fadt_at, madt_at, hpet_at, ssdt_at}));
        mem.put(madt_at, madt(qemu_madt_entries()));
        mem.put(rsdt_madt_at, madt({lapic(7, 7, ACPI_MADT_ENABLED)}));
        mem.put(hpet_at, hpet());
        mem.put(fadt_at, fadt(qemu_fadt()));
        mem.put(ssdt_at, table("SSDT", 1, std::vector<uint8_t>(64, 0xa3)));
    }
    Status parse() { return acpi_parse(mem, rsdp_at, *info); }
    bool warned(const char* what) { return arch::fake_console().find(what) != std::string::npos; }

    FakeMem mem;
    std::unique_ptr<AcpiInfo> info = std::make_unique<AcpiInfo>();
};

// ---- acpi_find_rsdp ----

class AcpiFindRsdp : public AcpiTest {};

TEST_F(AcpiFindRsdp, FindsRevision2InBiosArea) {
    write_qemu_tables();
    auto r = acpi_find_rsdp(mem);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, rsdp_at);
}

TEST_F(AcpiFindRsdp, FindsRevision0AtTopOfBiosArea) {
    mem.put(0xfffe0, rsdp(0, rsdt_at, 0));
    auto r = acpi_find_rsdp(mem);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 0xfffe0u);
}

TEST_F(AcpiFindRsdp, EbdaIsSearchedFirst) {
    write_qemu_tables();
    mem.u16(0x40e, 0x9fc0);
    mem.put(0x9fc00 + 0x30, rsdp(2, rsdt_at, xsdt_at));
    auto r = acpi_find_rsdp(mem);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 0x9fc30u);
}

TEST_F(AcpiFindRsdp, OnlyTheFirstKiBOfTheEbdaIsSearched) {
    mem.u16(0x40e, 0x9fc0);
    mem.put(0x9fc00 + 0x400, rsdp(2, rsdt_at, xsdt_at));
    EXPECT_EQ(acpi_find_rsdp(mem).error(), Errno::XEN_ENOENT);
}

TEST_F(AcpiFindRsdp, EbdaPointerIntoTheIvtIsIgnored) {
    mem.u16(0x40e, 0x0020); // 0x200
    mem.put(0x200, rsdp(0, rsdt_at, 0));
    EXPECT_EQ(acpi_find_rsdp(mem).error(), Errno::XEN_ENOENT);
}

TEST_F(AcpiFindRsdp, SkipsCandidateWithBadChecksum) {
    auto bad = rsdp(0, rsdt_at, 0);
    bad[8] ^= 1;
    mem.put(0xe0000, bad);
    mem.put(0xf0010, rsdp(0, rsdt_at, 0));
    auto r = acpi_find_rsdp(mem);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 0xf0010u);
}

TEST_F(AcpiFindRsdp, RejectsRevision2WithBadExtendedChecksum) {
    auto bad = rsdp(2, rsdt_at, xsdt_at);
    bad[offsetof(Rsdp, extended_checksum)] ^= 1;
    mem.put(0xe0000, bad);
    EXPECT_EQ(acpi_find_rsdp(mem).error(), Errno::XEN_ENOENT);
}

TEST_F(AcpiFindRsdp, RejectsRevision2WithShortLength) {
    auto bad = rsdp(2, rsdt_at, xsdt_at);
    bad[offsetof(Rsdp, length)] = 20;
    bad[offsetof(Rsdp, extended_checksum)] = 0;
    bad[offsetof(Rsdp, extended_checksum)] = static_cast<uint8_t>(-sum(bad.data(), 36));
    mem.put(0xe0000, bad);
    EXPECT_EQ(acpi_find_rsdp(mem).error(), Errno::XEN_ENOENT);
}

TEST_F(AcpiFindRsdp, IgnoresSignatureOffA16ByteBoundary) {
    mem.put(0xe0008, rsdp(0, rsdt_at, 0));
    EXPECT_EQ(acpi_find_rsdp(mem).error(), Errno::XEN_ENOENT);
}

TEST_F(AcpiFindRsdp, NoneFound) {
    EXPECT_EQ(acpi_find_rsdp(mem).error(), Errno::XEN_ENOENT);
}

TEST_F(AcpiFindRsdp, NothingReadableIsNotFound) {
    FakeMem empty;
    EXPECT_EQ(acpi_find_rsdp(empty).error(), Errno::XEN_ENOENT);
}

TEST_F(AcpiFindRsdp, PartlyReadableBiosAreaIsStillSearched) {
    FakeMem holey;
    holey.add(0, 0xe8010); // ends mid-chunk
    holey.add(0xf8000, 0x8000);
    holey.put(0xf9000, rsdp(0, rsdt_at, 0));
    auto r = acpi_find_rsdp(holey);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 0xf9000u);
}

TEST_F(AcpiFindRsdp, Revision2CutByEndOfMemoryIsRejected) {
    auto r2 = rsdp(2, rsdt_at, xsdt_at);
    mem.put(0xffff0, r2.data(), 16); // signature fits, the rest does not
    EXPECT_EQ(acpi_find_rsdp(mem).error(), Errno::XEN_ENOENT);
}

// ---- acpi_parse ----

class AcpiParse : public AcpiTest {};

TEST_F(AcpiParse, QemuTablesThroughXsdt) {
    write_qemu_tables();
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->revision, 2);
    EXPECT_STREQ(info->oem_id, "BOCHS ");
    EXPECT_EQ(info->lapic_address, 0xfee00000u);
    EXPECT_TRUE(info->pcat_compat);

    ASSERT_EQ(info->nr_cpus, 5u); // the XSDT's MADT, not the RSDT's one-CPU MADT
    struct {
        uint32_t apic_id, uid;
        bool enabled, online_capable;
    } want[] = {{0, 0, true, false},
                {1, 1, true, false},
                {2, 2, false, false},
                {3, 3, false, true},
                {0x100, 0x10, true, false}};
    for (size_t i = 0; i < 5; ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(info->cpus[i].apic_id, want[i].apic_id);
        EXPECT_EQ(info->cpus[i].acpi_uid, want[i].uid);
        EXPECT_EQ(info->cpus[i].enabled, want[i].enabled);
        EXPECT_EQ(info->cpus[i].online_capable, want[i].online_capable);
    }
    ASSERT_EQ(info->nr_ioapics, 1u);
    EXPECT_EQ(info->ioapics[0].id, 0);
    EXPECT_EQ(info->ioapics[0].address, 0xfec00000u);
    EXPECT_EQ(info->ioapics[0].gsi_base, 0u);

    EXPECT_TRUE(info->hpet.present);
    EXPECT_EQ(info->hpet.event_timer_block_id, 0x8086a201u);
    EXPECT_EQ(info->hpet.address, 0xfed00000u);
    EXPECT_EQ(info->hpet.hpet_number, 0);
    EXPECT_EQ(info->hpet.min_tick, 0x37ee);

    EXPECT_TRUE(info->fadt.present);
    EXPECT_EQ(info->fadt.flags, 0x84a5u);
    EXPECT_FALSE(info->fadt.hw_reduced);
    EXPECT_EQ(info->fadt.sci_int, 9);
    EXPECT_EQ(info->fadt.pm_tmr_blk, 0x608u);
    EXPECT_EQ(info->fadt.pm_tmr_len, 4);
    EXPECT_EQ(info->fadt.x_pm_tmr_blk, 0x608u);
    EXPECT_EQ(info->fadt.iapc_boot_arch, 0x3);
    EXPECT_EQ(arch::fake_console(), "");
}

TEST_F(AcpiParse, ClearsPreviousContents) {
    write_qemu_tables();
    std::memset(info.get(), 0x5a, sizeof(*info));
    mem.put(xsdt_at, xsdt({madt_at}));
    ASSERT_TRUE(parse().ok());
    EXPECT_FALSE(info->hpet.present);
    EXPECT_FALSE(info->fadt.present);
}

TEST_F(AcpiParse, Revision0UsesRsdt) {
    write_qemu_tables();
    mem.put(rsdp_at, rsdp(0, rsdt_at, 0));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->revision, 0);
    ASSERT_EQ(info->nr_cpus, 1u);
    EXPECT_EQ(info->cpus[0].apic_id, 7u);
    EXPECT_TRUE(info->fadt.present);
    EXPECT_FALSE(info->hpet.present);
}

TEST_F(AcpiParse, Revision2WithoutXsdtUsesRsdt) {
    write_qemu_tables();
    mem.put(rsdp_at, rsdp(2, rsdt_at, 0));
    ASSERT_TRUE(parse().ok());
    ASSERT_EQ(info->nr_cpus, 1u);
    EXPECT_EQ(info->cpus[0].apic_id, 7u);
}

TEST_F(AcpiParse, XsdtWithBadChecksumFallsBackToRsdt) {
    write_qemu_tables();
    auto x = xsdt({fadt_at, madt_at, hpet_at});
    x[offsetof(TableHeader, checksum)] ^= 0x40;
    mem.put(xsdt_at, x);
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 1u);
    EXPECT_TRUE(warned("bad checksum"));
    EXPECT_TRUE(warned("falling back to the RSDT"));
}

TEST_F(AcpiParse, UnreadableXsdtFallsBackToRsdt) {
    write_qemu_tables();
    mem.put(rsdp_at, rsdp(2, rsdt_at, 0x123456789000));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 1u);
}

TEST_F(AcpiParse, BadRsdpChecksumIsInvalid) {
    write_qemu_tables();
    auto r = rsdp(2, rsdt_at, xsdt_at);
    r[offsetof(Rsdp, checksum)] ^= 1;
    mem.put(rsdp_at, r);
    EXPECT_EQ(parse().error(), Errno::XEN_EINVAL);
}

TEST_F(AcpiParse, BadRsdpSignatureIsInvalid) {
    write_qemu_tables();
    mem.put(rsdp_at, "RSD PTX ", 8);
    EXPECT_EQ(parse().error(), Errno::XEN_EINVAL);
}

TEST_F(AcpiParse, BadExtendedChecksumUsesRsdt) {
    write_qemu_tables();
    auto r = rsdp(2, rsdt_at, xsdt_at);
    r[offsetof(Rsdp, extended_checksum)] ^= 1;
    mem.put(rsdp_at, r);
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 1u);
    EXPECT_TRUE(warned("extended checks"));
}

TEST_F(AcpiParse, UnreadableRsdpFaults) {
    EXPECT_EQ(acpi_parse(mem, 0x40000000, *info).error(), Errno::XEN_EFAULT);
    EXPECT_EQ(acpi_parse(mem, 0xfffffffffffffff0, *info).error(), Errno::XEN_EFAULT);
}

TEST_F(AcpiParse, UnreadableOnlyRootTableFaults) {
    mem.put(rsdp_at, rsdp(0, 0x40000000, 0));
    EXPECT_EQ(parse().error(), Errno::XEN_EFAULT);
}

TEST_F(AcpiParse, NoRootTableIsInvalid) {
    mem.put(rsdp_at, rsdp(0, 0, 0));
    EXPECT_EQ(parse().error(), Errno::XEN_EINVAL);
}

TEST_F(AcpiParse, RootTableWithWrongSignatureIsInvalid) {
    write_qemu_tables();
    mem.put(rsdp_at, rsdp(0, madt_at, 0));
    EXPECT_EQ(parse().error(), Errno::XEN_EINVAL);
}

TEST_F(AcpiParse, MadtWithBadChecksumIsSkippedOthersParsed) {
    write_qemu_tables();
    auto m = madt(qemu_madt_entries());
    m[50] ^= 0xff;
    mem.put(madt_at, m);
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 0u);
    EXPECT_EQ(info->lapic_address, 0u);
    EXPECT_TRUE(info->hpet.present);
    EXPECT_TRUE(info->fadt.present);
    EXPECT_TRUE(warned("APIC"));
}

TEST_F(AcpiParse, LaterValidMadtReplacesABadOne) {
    write_qemu_tables();
    auto bad = madt({lapic(9, 9, 1)});
    bad[offsetof(TableHeader, checksum)] ^= 1;
    mem.put(spare_at, bad);
    mem.put(xsdt_at, xsdt({spare_at, madt_at}));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 5u);
}

TEST_F(AcpiParse, OnlyTheFirstValidMadtIsUsed) {
    write_qemu_tables();
    mem.put(xsdt_at, xsdt({madt_at, rsdt_madt_at}));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 5u);
}

TEST_F(AcpiParse, MadtShorterThanItsFixedPartIsSkipped) {
    write_qemu_tables();
    mem.put(madt_at, table("APIC", 5, std::vector<uint8_t>(4, 0))); // 40 bytes
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 0u);
    EXPECT_TRUE(warned("bad length"));
}

TEST_F(AcpiParse, TableRunningPastEndOfMemoryIsSkipped) {
    write_qemu_tables();
    uint64_t at = tables + tables_size - 0x100;
    auto m = madt(qemu_madt_entries());
    set_length(m, 0x1000); // claims to run 0xf00 bytes past the last readable one
    mem.put(at, m);
    mem.put(xsdt_at, xsdt({at, hpet_at}));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 0u);
    EXPECT_TRUE(info->hpet.present);
    EXPECT_TRUE(warned("unreadable"));
}

TEST_F(AcpiParse, HugeTableLengthIsSkipped) {
    write_qemu_tables();
    auto m = madt(qemu_madt_entries());
    set_length(m, 0xffffffff);
    mem.put(madt_at, m);
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 0u);
}

TEST_F(AcpiParse, RootEntriesThatAreZeroUnreadableOrUnknownAreSkipped) {
    write_qemu_tables();
    mem.put(xsdt_at, xsdt({0, 0xdead00000000, ssdt_at, 0xfffffffffffffffe, madt_at}));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 5u);
}

TEST_F(AcpiParse, ZeroLengthMadtEntryEndsTheWalk) {
    write_qemu_tables();
    mem.put(madt_at, madt({lapic(0, 0, 1), {0, 0, 0, 0, 0, 0, 0, 0}, lapic(1, 1, 1)}));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 1u);
    EXPECT_TRUE(warned("bad length 0"));
}

TEST_F(AcpiParse, MadtEntryLengthOneEndsTheWalk) {
    write_qemu_tables();
    mem.put(madt_at, madt({lapic(0, 0, 1), {9, 1, 0, 0}}));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 1u);
}

TEST_F(AcpiParse, MadtEntryOverrunningTheTableEndsTheWalk) {
    write_qemu_tables();
    auto overrun = x2apic(5, 5, 1);
    overrun.resize(10); // says 16 bytes, table ends after 10
    mem.put(madt_at, madt({lapic(0, 0, 1), overrun}));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_cpus, 1u);
}

TEST_F(AcpiParse, KnownMadtEntryTooShortForItsTypeIsSkipped) {
    write_qemu_tables();
    std::vector<uint8_t> short_ioapic = {1, 6, 4, 0, 0, 0};
    mem.put(madt_at, madt({short_ioapic, lapic(0, 0, 1)}));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->nr_ioapics, 0u);
    EXPECT_EQ(info->nr_cpus, 1u);
    EXPECT_TRUE(warned("too short"));
}

TEST_F(AcpiParse, LocalApicAddressOverrideWins) {
    write_qemu_tables();
    auto ovr =
        bytes_of(MadtLocalApicOverride{{ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE, 12}, 0, 0x100fee00000});
    mem.put(madt_at, madt({lapic(0, 0, 1), ovr}, 0xfee00000, 0));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->lapic_address, 0x100fee00000u);
    EXPECT_FALSE(info->pcat_compat);
}

TEST_F(AcpiParse, InvalidAndRepeatedApicIdsAreIgnored) {
    write_qemu_tables();
    mem.put(madt_at, madt({lapic(0, 0, 1), lapic(1, 0xff, 1), x2apic(0xffffffff, 2, 1),
                           x2apic(0, 0, 1), lapic(3, 3, 1)}));
    ASSERT_TRUE(parse().ok());
    ASSERT_EQ(info->nr_cpus, 2u);
    EXPECT_EQ(info->cpus[0].apic_id, 0u);
    EXPECT_EQ(info->cpus[1].apic_id, 3u);
}

TEST_F(AcpiParse, MoreThan256CpusKeepsTheFirst256) {
    write_qemu_tables();
    std::vector<std::vector<uint8_t>> es;
    for (uint32_t i = 0; i < 300; ++i)
        es.push_back(x2apic(i, i, 1));
    mem.put(madt_at, madt(es));
    ASSERT_TRUE(parse().ok());
    ASSERT_EQ(info->nr_cpus, 256u);
    EXPECT_EQ(info->cpus[255].apic_id, 255u);
    EXPECT_TRUE(warned("more than 256 CPUs"));
}

TEST_F(AcpiParse, MoreThan8IoApicsKeepsTheFirst8) {
    write_qemu_tables();
    std::vector<std::vector<uint8_t>> es;
    for (uint8_t i = 0; i < 10; ++i)
        es.push_back(ioapic(i, 0xfec00000 + i * 0x1000, i * 24));
    mem.put(madt_at, madt(es));
    ASSERT_TRUE(parse().ok());
    ASSERT_EQ(info->nr_ioapics, 8u);
    EXPECT_EQ(info->ioapics[7].gsi_base, 7u * 24);
    EXPECT_TRUE(warned("more than 8 IO-APICs"));
}

TEST_F(AcpiParse, HpetOutsideMemorySpaceIsIgnored) {
    write_qemu_tables();
    mem.put(hpet_at, hpet(ACPI_ADR_SPACE_SYSTEM_IO, 0x1000));
    ASSERT_TRUE(parse().ok());
    EXPECT_FALSE(info->hpet.present);
}

TEST_F(AcpiParse, TruncatedHpetIsSkipped) {
    write_qemu_tables();
    auto h = hpet();
    h.resize(50);
    set_length(h, 50);
    mem.put(hpet_at, h);
    ASSERT_TRUE(parse().ok());
    EXPECT_FALSE(info->hpet.present);
}

TEST_F(AcpiParse, FadtRevision1HasNoBootArchOrExtendedBlocks) {
    write_qemu_tables();
    Fadt f = qemu_fadt();
    f.iapc_boot_arch = 0x3; // reserved in revision 1: must be ignored
    mem.put(fadt_at, fadt(f, 1, fadt_v1_size));
    ASSERT_TRUE(parse().ok());
    EXPECT_TRUE(info->fadt.present);
    EXPECT_EQ(info->fadt.flags, 0x84a5u);
    EXPECT_EQ(info->fadt.iapc_boot_arch, 0);
    EXPECT_EQ(info->fadt.pm_tmr_blk, 0x608u);
    EXPECT_EQ(info->fadt.x_pm_tmr_blk, 0u);
}

TEST_F(AcpiParse, FadtAcpi2LengthHasExtendedBlocks) {
    write_qemu_tables();
    Fadt f = qemu_fadt();
    f.pm_tmr_blk = 0xb008;
    f.x_pm_tmr_blk.address = 0x408;
    mem.put(fadt_at, fadt(f, 3, 244));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->fadt.pm_tmr_blk, 0x408u); // X_PM_TMR_BLK wins
    EXPECT_EQ(info->fadt.x_pm_tmr_blk, 0x408u);
    EXPECT_EQ(info->fadt.iapc_boot_arch, 0x3);
}

TEST_F(AcpiParse, FadtXPmTmrBlkInMemorySpaceIsIgnored) {
    write_qemu_tables();
    Fadt f = qemu_fadt();
    f.x_pm_tmr_blk = Gas{ACPI_ADR_SPACE_SYSTEM_MEMORY, 32, 0, 3, 0xfed80000};
    mem.put(fadt_at, fadt(f));
    ASSERT_TRUE(parse().ok());
    EXPECT_EQ(info->fadt.pm_tmr_blk, 0x608u);
    EXPECT_EQ(info->fadt.x_pm_tmr_blk, 0u);
}

TEST_F(AcpiParse, FadtHardwareReduced) {
    write_qemu_tables();
    Fadt f = qemu_fadt();
    f.flags |= ACPI_FADT_HW_REDUCED;
    f.pm_tmr_blk = 0;
    f.pm_tmr_len = 0;
    f.x_pm_tmr_blk = Gas{};
    mem.put(fadt_at, fadt(f));
    ASSERT_TRUE(parse().ok());
    EXPECT_TRUE(info->fadt.hw_reduced);
    EXPECT_EQ(info->fadt.pm_tmr_blk, 0u);
}

TEST_F(AcpiParse, FadtShorterThanAcpi1IsSkipped) {
    write_qemu_tables();
    mem.put(fadt_at, fadt(qemu_fadt(), 1, 100));
    ASSERT_TRUE(parse().ok());
    EXPECT_FALSE(info->fadt.present);
}

TEST_F(AcpiParse, RsdpCopyFromMultiboot2) {
    write_qemu_tables();
    auto copy = rsdp(2, rsdt_at, xsdt_at);
    ASSERT_TRUE(acpi_parse_rsdp_bytes(mem, copy.data(), copy.size(), *info).ok());
    EXPECT_EQ(info->nr_cpus, 5u);
    EXPECT_TRUE(info->hpet.present);
}

TEST_F(AcpiParse, RsdpCopyOfRevision2TruncatedTo20BytesUsesRsdt) {
    write_qemu_tables();
    auto copy = rsdp(2, rsdt_at, xsdt_at);
    ASSERT_TRUE(acpi_parse_rsdp_bytes(mem, copy.data(), 20, *info).ok());
    EXPECT_EQ(info->nr_cpus, 1u);
}

TEST_F(AcpiParse, RsdpCopyTooShortIsInvalid) {
    auto copy = rsdp(0, rsdt_at, 0);
    EXPECT_EQ(acpi_parse_rsdp_bytes(mem, copy.data(), 19, *info).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(acpi_parse_rsdp_bytes(mem, nullptr, 36, *info).error(), Errno::XEN_EINVAL);
}

// Random MADT bodies and root tables with valid checksums: whatever the
// parse makes of them, it must stay within memory and terminate.
TEST_F(AcpiParse, RandomTablesNeverCrash) {
    std::mt19937 rng(4242);
    for (int iter = 0; iter < 3000; ++iter) {
        write_qemu_tables();
        std::vector<uint8_t> body(8 + rng() % 300);
        for (auto& b : body)
            b = static_cast<uint8_t>(rng());
        // Bias entry lengths towards small values so that more entries parse.
        for (size_t i = 9; i < body.size(); i += 1 + rng() % 16)
            if (rng() % 2) body[i] = static_cast<uint8_t>(rng() % 20);
        mem.put(madt_at, table("APIC", 5, body));
        std::vector<uint64_t> entries;
        for (int i = rng() % 6; i > 0; --i) {
            uint64_t choices[] = {madt_at, hpet_at, fadt_at,
                                  rng(),   0,       tables + rng() % tables_size};
            entries.push_back(choices[rng() % 6]);
        }
        mem.put(xsdt_at, xsdt(entries));
        Status st = parse();
        ASSERT_TRUE(st.ok());
        ASSERT_LE(info->nr_cpus, 256u);
        ASSERT_LE(info->nr_ioapics, 8u);
    }
}

} // namespace
