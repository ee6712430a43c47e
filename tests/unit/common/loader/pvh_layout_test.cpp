// PVH guest-physical layout: the libxl-shaped e820 and placements for
// typical guests, the invariants every layout must keep (alignment, no
// overlap, each region inside RAM / ACPI / reserved as appropriate), and the
// rejections.
#include "common/loader/pvh_layout.hpp"

#include <algorithm>
#include <cstring>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

#include "common/loader/guest_acpi.hpp"

using namespace cxen;

namespace {

constexpr uint64_t kib = 1024, mib = kib * 1024, gib = mib * 1024;
constexpr uint64_t pg = 4096;

// Debian 6.1 vmlinux shape: loaded at 16 MiB, ~40 MiB with bss/brk.
PvhLayoutConfig linux_cfg(uint64_t memory, uint32_t vcpus) {
    PvhLayoutConfig c{};
    c.memory_bytes = memory;
    c.nr_vcpus = vcpus;
    c.kernel_start = 16 * mib;
    c.kernel_end = 16 * mib + 0x2a3b123; // not page aligned, like a real brk end
    c.cmdline_bytes = sizeof("console=hvc0 earlyprintk=xen rdinit=/bin/sh");
    return c;
}

struct Laid {
    Status st;
    PvhLayout l;
    std::string why;
};

Laid lay(const PvhLayoutConfig& c) {
    Laid r{Status(), {}, {}};
    char why[160];
    r.st = pvh_layout(c, r.l, why, sizeof(why));
    r.why = why;
    return r;
}

struct Range {
    uint64_t start, end; // [start, end)
    const char* what;
};

// The e820 entry of `type` that contains [start, end), if any.
bool inside(const PvhLayout& l, uint64_t start, uint64_t end, uint32_t type) {
    for (uint32_t i = 0; i < l.nr_e820; ++i) {
        const auto& e = l.e820[i];
        if (e.type == type && start >= e.addr && end <= e.addr + e.size) return true;
    }
    return false;
}

// Everything a layout promises, whatever the configuration.
void check_invariants(const PvhLayoutConfig& c, const PvhLayout& l) {
    SCOPED_TRACE("memory " + std::to_string(c.memory_bytes) + " vcpus " +
                 std::to_string(c.nr_vcpus));
    // e820: sorted, disjoint, page aligned, non-empty, reserved field zero.
    ASSERT_GE(l.nr_e820, 3u);
    ASSERT_LE(l.nr_e820, pvh_max_e820);
    uint64_t ram = 0;
    for (uint32_t i = 0; i < l.nr_e820; ++i) {
        const auto& e = l.e820[i];
        EXPECT_EQ(e.addr % pg, 0u) << i;
        EXPECT_EQ(e.size % pg, 0u) << i;
        EXPECT_GT(e.size, 0u) << i;
        EXPECT_EQ(e.reserved, 0u) << i;
        if (i) {
            EXPECT_GE(e.addr, l.e820[i - 1].addr + l.e820[i - 1].size) << i;
        }
        if (e.type == XEN_HVM_MEMMAP_TYPE_RAM) ram += e.size;
        EXPECT_TRUE(e.type == XEN_HVM_MEMMAP_TYPE_RAM || e.type == XEN_HVM_MEMMAP_TYPE_ACPI ||
                    e.type == XEN_HVM_MEMMAP_TYPE_RESERVED)
            << i;
    }
    // RAM adds up to the configured memory (less the low RSDP page, if any).
    EXPECT_EQ(ram + (l.rsdp_below_1mib ? pg : 0), c.memory_bytes);
    EXPECT_EQ(l.e820[0].addr, 0u); // RAM from GPA 0: the AP trampoline needs it
    EXPECT_EQ(l.e820[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
    EXPECT_LE(l.lowmem_end, pvh_mmio_hole_start);
    if (l.highmem_end) {
        EXPECT_EQ(l.lowmem_end, pvh_mmio_hole_start);
        EXPECT_GT(l.highmem_end, 4 * gib);
    }

    // Placed regions: page aligned starts, in RAM, pairwise disjoint.
    std::vector<Range> placed = {
        {l.kernel_start, l.kernel_end, "kernel"},
        {l.start_info_gpa, l.start_info_gpa + l.start_info_bytes, "start info"}};
    if (l.nr_modules) placed.push_back({l.ramdisk_gpa, l.ramdisk_gpa + l.ramdisk_bytes, "ramdisk"});
    EXPECT_EQ(l.start_info_gpa % pg, 0u);
    EXPECT_EQ(l.start_info_bytes % pg, 0u);
    EXPECT_EQ(l.ramdisk_gpa % pg, 0u);
    EXPECT_EQ(l.alloc_end, l.start_info_gpa + l.start_info_bytes);
    for (const auto& r : placed) {
        EXPECT_TRUE(inside(l, r.start, r.end, XEN_HVM_MEMMAP_TYPE_RAM)) << r.what;
        EXPECT_LE(r.end, 4 * gib) << r.what;
        EXPECT_NE(r.start, 0u) << r.what << ": 0 means absent in start_info";
    }
    for (size_t i = 0; i < placed.size(); ++i)
        for (size_t j = i + 1; j < placed.size(); ++j)
            EXPECT_TRUE(placed[i].end <= placed[j].start || placed[j].end <= placed[i].start)
                << placed[i].what << " overlaps " << placed[j].what;
    // Order as xc_dom_build_image: kernel, ramdisk, start info.
    if (l.nr_modules) {
        EXPECT_EQ(l.ramdisk_gpa, (l.kernel_end + pg - 1) & ~(pg - 1));
        EXPECT_EQ(l.start_info_gpa, (l.ramdisk_gpa + l.ramdisk_bytes + pg - 1) & ~(pg - 1));
    } else {
        EXPECT_EQ(l.start_info_gpa, (l.kernel_end + pg - 1) & ~(pg - 1));
    }

    // Inside the start info segment, in bootlate_hvm()'s order, 8-byte aligned.
    uint64_t seg_end = l.start_info_gpa + l.start_info_bytes;
    if (c.cmdline_bytes) {
        EXPECT_EQ(l.cmdline_gpa, l.start_info_gpa + sizeof(hvm_start_info));
        EXPECT_GE(l.cmdline_slot_bytes, c.cmdline_bytes);
    } else {
        EXPECT_EQ(l.cmdline_gpa, 0u);
    }
    EXPECT_EQ(l.modlist_gpa, l.start_info_gpa + sizeof(hvm_start_info) + l.cmdline_slot_bytes);
    EXPECT_EQ(l.module_cmdlines_gpa, l.modlist_gpa + 2 * sizeof(hvm_modlist_entry));
    EXPECT_EQ(l.memmap_gpa, l.module_cmdlines_gpa + 2 * 1024);
    EXPECT_LE(l.memmap_gpa + l.nr_e820 * sizeof(hvm_memmap_table_entry), seg_end);
    for (uint64_t a : {l.modlist_gpa, l.module_cmdlines_gpa, l.memmap_gpa})
        EXPECT_EQ(a % 8, 0u);

    // ACPI region: where libxl puts it, typed ACPI, and what guest_acpi_build fills.
    EXPECT_EQ(l.acpi_gpa, 0xFC000000u);
    EXPECT_EQ(l.acpi_bytes, guest_acpi_size(c.nr_vcpus));
    EXPECT_TRUE(inside(l, l.acpi_gpa, l.acpi_gpa + l.acpi_bytes, XEN_HVM_MEMMAP_TYPE_ACPI));
    if (l.rsdp_below_1mib) {
        EXPECT_EQ(l.rsdp_gpa, 0xFFFC0u);
        EXPECT_TRUE(inside(l, l.rsdp_gpa, l.rsdp_gpa + 36, XEN_HVM_MEMMAP_TYPE_ACPI));
    } else {
        EXPECT_EQ(l.rsdp_gpa, l.acpi_gpa + l.acpi_bytes - pg);
    }
    // Special pages: reserved, not RAM; console and xenstore among them.
    EXPECT_EQ(l.special_pages_gpa, 0xFEFF8000u);
    EXPECT_TRUE(inside(l, l.special_pages_gpa, 0xFF000000, XEN_HVM_MEMMAP_TYPE_RESERVED));
    EXPECT_EQ(l.console_gfn, 0xFEFFFu);
    EXPECT_EQ(l.xenstore_gfn, 0xFEFFCu);
    EXPECT_FALSE(
        inside(l, l.console_gfn << 12, (l.console_gfn + 1) << 12, XEN_HVM_MEMMAP_TYPE_RAM));
    // The LAPIC page is in no e820 entry.
    for (uint32_t i = 0; i < l.nr_e820; ++i)
        EXPECT_FALSE(0xFEE00000 >= l.e820[i].addr && 0xFEE00000 < l.e820[i].addr + l.e820[i].size);
}

TEST(PvhLayout, Linux512MiBOneVcpu) {
    auto c = linux_cfg(512 * mib, 1);
    Laid r = lay(c);
    ASSERT_TRUE(r.st.ok()) << r.why;
    const PvhLayout& l = r.l;
    check_invariants(c, l);
    EXPECT_EQ(l.lowmem_end, 512 * mib);
    EXPECT_EQ(l.highmem_end, 0u);
    ASSERT_EQ(l.nr_e820, 3u);
    EXPECT_EQ(l.e820[0].addr, 0u);
    EXPECT_EQ(l.e820[0].size, 512 * mib);
    EXPECT_EQ(l.e820[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
    EXPECT_EQ(l.e820[1].addr, 0xFC000000u);
    EXPECT_EQ(l.e820[1].size, 3 * pg); // info page, one page of tables, RSDP page
    EXPECT_EQ(l.e820[1].type, XEN_HVM_MEMMAP_TYPE_ACPI);
    EXPECT_EQ(l.e820[2].addr, 0xFEFF8000u);
    EXPECT_EQ(l.e820[2].size, 8 * pg);
    EXPECT_EQ(l.e820[2].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
    EXPECT_EQ(l.rsdp_gpa, 0xFC002000u); // ACPI_INFO + (1 + 1 table page) pages
    EXPECT_EQ(l.nr_modules, 0u);
    EXPECT_EQ(l.ramdisk_gpa, 0u);
    EXPECT_EQ(l.start_info_gpa, 0x3a3c000u); // kernel end 0x3a3b123, page rounded
    EXPECT_EQ(l.cmdline_gpa, 0x3a3c000u + 56);
    EXPECT_EQ(l.start_info_bytes, pg);
}

TEST(PvhLayout, MemoryAboveTheHoleGoesAbove4GiB) {
    auto c = linux_cfg(6 * gib, 2);
    Laid r = lay(c);
    ASSERT_TRUE(r.st.ok()) << r.why;
    check_invariants(c, r.l);
    EXPECT_EQ(r.l.lowmem_end, 0xFC000000u);
    EXPECT_EQ(r.l.highmem_end, 4 * gib + (6 * gib - 0xFC000000));
    ASSERT_EQ(r.l.nr_e820, 4u);
    EXPECT_EQ(r.l.e820[0].size, 0xFC000000u);
    EXPECT_EQ(r.l.e820[3].addr, 4 * gib);
    EXPECT_EQ(r.l.e820[3].size, 6 * gib - 0xFC000000);
    EXPECT_EQ(r.l.e820[3].type, XEN_HVM_MEMMAP_TYPE_RAM);
}

TEST(PvhLayout, MemoryEndingAtTheHoleHasNoHighRam) {
    for (uint64_t mem : {0xFC000000ull, 0xFC000000ull + pg}) {
        auto c = linux_cfg(mem, 1);
        Laid r = lay(c);
        ASSERT_TRUE(r.st.ok()) << r.why;
        check_invariants(c, r.l);
        EXPECT_EQ(r.l.highmem_end, mem == 0xFC000000 ? 0 : 4 * gib + pg);
    }
}

TEST(PvhLayout, FourVcpusMatchTheAcpiBuilder) {
    auto c = linux_cfg(1 * gib, 4);
    Laid r = lay(c);
    ASSERT_TRUE(r.st.ok()) << r.why;
    check_invariants(c, r.l);
    std::vector<uint8_t> buf(r.l.acpi_bytes);
    GuestAcpiTables t;
    ASSERT_TRUE(guest_acpi_build(buf.data(), buf.size(), r.l.acpi_gpa, 4, t).ok());
    EXPECT_EQ(t.rsdp_gpa, r.l.rsdp_gpa);
    EXPECT_EQ(t.size, r.l.acpi_bytes);
}

TEST(PvhLayout, RamdiskFollowsTheKernelAndStartInfoFollowsTheRamdisk) {
    auto c = linux_cfg(512 * mib, 1);
    c.ramdisk_bytes = 12345678;
    Laid r = lay(c);
    ASSERT_TRUE(r.st.ok()) << r.why;
    check_invariants(c, r.l);
    EXPECT_EQ(r.l.nr_modules, 1u);
    EXPECT_EQ(r.l.ramdisk_gpa, 0x3a3c000u);
    EXPECT_EQ(r.l.ramdisk_bytes, 12345678u);
    EXPECT_EQ(r.l.start_info_gpa, (0x3a3c000u + 12345678u + pg - 1) & ~(pg - 1));
}

TEST(PvhLayout, CommandLineSlotIsRoundedToEightBytes) {
    auto c = linux_cfg(512 * mib, 1);
    c.cmdline_bytes = 9;
    Laid r = lay(c);
    ASSERT_TRUE(r.st.ok());
    EXPECT_EQ(r.l.cmdline_slot_bytes, 16u);
    c.cmdline_bytes = 0;
    r = lay(c);
    ASSERT_TRUE(r.st.ok());
    check_invariants(c, r.l);
    EXPECT_EQ(r.l.cmdline_gpa, 0u);
    EXPECT_EQ(r.l.modlist_gpa, r.l.start_info_gpa + 56);
    // A long command line makes the segment span several pages.
    c.cmdline_bytes = pvh_max_cmdline_bytes;
    r = lay(c);
    ASSERT_TRUE(r.st.ok());
    check_invariants(c, r.l);
    EXPECT_EQ(r.l.start_info_bytes, 17 * pg);
}

TEST(PvhLayout, RsdpBelow1MiBSplitsLowRam) {
    auto c = linux_cfg(512 * mib, 2);
    c.rsdp_below_1mib = true;
    Laid r = lay(c);
    ASSERT_TRUE(r.st.ok()) << r.why;
    check_invariants(c, r.l);
    ASSERT_EQ(r.l.nr_e820, 5u);
    EXPECT_EQ(r.l.e820[0].size, 0xFF000u);
    EXPECT_EQ(r.l.e820[1].addr, 0xFF000u);
    EXPECT_EQ(r.l.e820[1].type, XEN_HVM_MEMMAP_TYPE_ACPI);
    EXPECT_EQ(r.l.e820[2].addr, 0x100000u);
    EXPECT_EQ(r.l.e820[2].size, 512 * mib - 0x100000);
    EXPECT_EQ(r.l.rsdp_gpa, 0xFFFC0u);
    // A kernel over the RSDP page does not fit.
    c.kernel_start = 0x80000;
    c.kernel_end = 0x200000;
    r = lay(c);
    EXPECT_EQ(r.st.error(), Errno::XEN_ENOMEM);
    EXPECT_NE(r.why.find("overlaps the RSDP page"), std::string::npos) << r.why;
}

TEST(PvhLayout, RsdpPlacementFollowsLibxlRule) {
    ElfImage k{};
    std::strcpy(k.guest_os, "linux");
    EXPECT_TRUE(pvh_rsdp_below_1mib(k));
    k.supported_features = 1u << XENFEAT_linux_rsdp_unrestricted;
    EXPECT_FALSE(pvh_rsdp_below_1mib(k));
    k.supported_features = 0;
    std::strcpy(k.guest_os, "FreeBSD");
    EXPECT_FALSE(pvh_rsdp_below_1mib(k));
    k.guest_os[0] = '\0';
    EXPECT_FALSE(pvh_rsdp_below_1mib(k));
}

TEST(PvhLayout, RejectsWhatDoesNotFit) {
    auto c = linux_cfg(32 * mib, 1); // kernel ends at ~58 MiB
    Laid r = lay(c);
    EXPECT_EQ(r.st.error(), Errno::XEN_ENOMEM);
    EXPECT_EQ(r.why, "kernel [0x1000000, 0x3a3b123) does not fit in RAM [0, 0x2000000)");

    c = linux_cfg(64 * mib, 1);
    c.ramdisk_bytes = 8 * mib;
    r = lay(c);
    EXPECT_EQ(r.st.error(), Errno::XEN_ENOMEM);
    EXPECT_NE(r.why.find("ramdisk"), std::string::npos) << r.why;

    c.ramdisk_bytes = ~uint64_t{0} - 100; // would wrap
    r = lay(c);
    EXPECT_EQ(r.st.error(), Errno::XEN_ENOMEM);

    c = linux_cfg(0x3a3c000, 1); // kernel fits exactly, start info does not
    r = lay(c);
    EXPECT_EQ(r.st.error(), Errno::XEN_ENOMEM);
    EXPECT_NE(r.why.find("start info"), std::string::npos) << r.why;

    c = linux_cfg(16 * gib, 1); // a kernel above the hole is not in low RAM
    c.kernel_start = 5 * gib;
    c.kernel_end = 5 * gib + mib;
    r = lay(c);
    EXPECT_EQ(r.st.error(), Errno::XEN_ENOMEM);
}

TEST(PvhLayout, RejectsBadConfiguration) {
    auto bad = [](PvhLayoutConfig c, const char* text) {
        Laid r = lay(c);
        EXPECT_EQ(r.st.error(), Errno::XEN_EINVAL) << text;
        EXPECT_NE(r.why.find(text), std::string::npos) << r.why;
    };
    auto c = linux_cfg(512 * mib, 0);
    bad(c, "0 vCPUs");
    c.nr_vcpus = 129;
    bad(c, "129 vCPUs");
    c = linux_cfg(512 * mib + 1, 1);
    bad(c, "memory");
    c = linux_cfg(1 * mib, 1);
    bad(c, "memory");
    c = linux_cfg(2048 * gib, 1);
    bad(c, "memory");
    c = linux_cfg(512 * mib, 1);
    c.cmdline_bytes = pvh_max_cmdline_bytes + 1;
    bad(c, "command line");
    c = linux_cfg(512 * mib, 1);
    c.kernel_end = c.kernel_start;
    bad(c, "empty kernel range");
    PvhLayout l;
    EXPECT_FALSE(pvh_layout(c, l, nullptr, 0).ok()); // no reason buffer is fine
}

TEST(PvhLayout, RandomConfigurationsKeepTheInvariants) {
    std::mt19937_64 rng(42);
    size_t ok = 0;
    for (int i = 0; i < 3000; ++i) {
        PvhLayoutConfig c{};
        c.memory_bytes = ((rng() % (20 * gib)) & ~(pg - 1)) + 2 * mib;
        c.nr_vcpus = 1 + rng() % 128;
        c.kernel_start = (rng() % (64 * mib)) + 1;
        c.kernel_end = c.kernel_start + 1 + rng() % (64 * mib);
        c.ramdisk_bytes = (rng() % 3) ? rng() % (512 * mib) : 0;
        c.cmdline_bytes = rng() % (pvh_max_cmdline_bytes + 1);
        c.rsdp_below_1mib = rng() % 4 == 0;
        Laid r = lay(c);
        if (!r.st.ok()) {
            EXPECT_FALSE(r.why.empty());
            continue;
        }
        ++ok;
        check_invariants(c, r.l);
        if (::testing::Test::HasFailure()) break;
    }
    EXPECT_GT(ok, 1000u);
}

} // namespace
