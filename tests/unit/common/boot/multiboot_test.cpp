// Multiboot 1/2 parsers and the memory map sanitiser, over synthetic loader
// structures in a fake physical memory. Layout offsets are written out here
// by hand (not taken from multiboot.cpp) so that the two check each other.
#include "common/boot/multiboot.hpp"

#include <algorithm>
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

// In cxen so that gtest finds them by argument-dependent lookup.
namespace cxen {
static bool operator==(const MemRegion& a, const MemRegion& b) {
    return a.base == b.base && a.len == b.len && a.type == b.type;
}
static std::ostream& operator<<(std::ostream& os, const MemRegion& r) {
    return os << "{" << std::hex << "0x" << r.base << ", 0x" << r.len << std::dec << ", " << r.type
              << "}";
}
} // namespace cxen

namespace {

using test::FakeMem;

// Little-endian byte string builder.
struct Bytes {
    std::vector<uint8_t> b;
    Bytes& u32(uint32_t v) { return raw(&v, 4); }
    Bytes& u64(uint64_t v) { return raw(&v, 8); }
    Bytes& str(const std::string& s) { return raw(s.c_str(), s.size() + 1); }
    Bytes& raw(const void* p, size_t n) {
        auto* c = static_cast<const uint8_t*>(p);
        b.insert(b.end(), c, c + n);
        return *this;
    }
};

// A Multiboot2 information structure: total_size, reserved, 8-aligned tags.
struct Mb2 {
    std::vector<uint8_t> b = std::vector<uint8_t>(8);
    Mb2& tag(uint32_t type, const std::vector<uint8_t>& payload) {
        return tag_sized(type, static_cast<uint32_t>(8 + payload.size()), payload);
    }
    // A tag whose size field says `size`, whatever the payload.
    Mb2& tag_sized(uint32_t type, uint32_t size, const std::vector<uint8_t>& payload) {
        Bytes h;
        h.u32(type).u32(size).raw(payload.data(), payload.size());
        b.insert(b.end(), h.b.begin(), h.b.end());
        b.resize((b.size() + 7) & ~size_t{7});
        return *this;
    }
    std::vector<uint8_t> done() {
        tag(0, {});
        return with_total(static_cast<uint32_t>(b.size()));
    }
    std::vector<uint8_t> with_total(uint32_t total) {
        std::memcpy(b.data(), &total, 4);
        return b;
    }
};

std::vector<uint8_t> mmap_payload(const std::vector<MemRegion>& rs, uint32_t entry_size = 24) {
    Bytes p;
    p.u32(entry_size).u32(0);
    for (const auto& r : rs) {
        Bytes e;
        e.u64(r.base).u64(r.len).u32(r.type).u32(0);
        e.b.resize(entry_size);
        p.raw(e.b.data(), e.b.size());
    }
    return p.b;
}

std::vector<uint8_t> module_payload(uint32_t start, uint32_t end, const std::string& cmdline) {
    return Bytes().u32(start).u32(end).str(cmdline).b;
}

std::vector<MemRegion> regions(const BootInfo& bi) {
    return std::vector<MemRegion>(bi.mem, bi.mem + bi.nr_mem);
}

// What QEMU's e820 looks like for a 6 GiB guest: low RAM, the EBDA and BIOS
// holes, RAM to 2 GiB, the PCI hole, RAM above 4 GiB.
const std::vector<MemRegion> qemu_e820 = {
    {0x0, 0x9fc00, E820_RAM},
    {0x9fc00, 0x400, E820_RESERVED},
    {0xf0000, 0x10000, E820_RESERVED},
    {0x100000, 0x7fee0000, E820_RAM},
    {0x7ffe0000, 0x20000, E820_RESERVED},
    {0xfffc0000, 0x40000, E820_RESERVED},
    {0x100000000, 0x100000000, E820_RAM},
};

std::unique_ptr<BootInfo> new_boot_info() {
    auto bi = std::make_unique<BootInfo>();
    std::memset(bi.get(), 0xa5, sizeof(*bi)); // the parsers must clear it
    return bi;
}

// ---- Multiboot 1 ----

constexpr uint64_t mb1_info = 0x9000;
constexpr uint32_t F_MEM = 1u << 0, F_CMDLINE = 1u << 2, F_MODS = 1u << 3, F_MMAP = 1u << 6,
                   F_LOADER = 1u << 9;

class Multiboot1 : public ::testing::Test {
  protected:
    void SetUp() override {
        mem.add(0, 0x100000); // low 1 MiB, where QEMU puts the info
        arch::fake_console().clear();
    }
    // A multiboot info as QEMU -kernel builds it: memory, cmdline, two
    // modules with command lines, mmap, loader name.
    void write_qemu_info() {
        mem.u32(mb1_info + 0x00, F_MEM | F_CMDLINE | F_MODS | F_MMAP | F_LOADER);
        mem.u32(mb1_info + 0x04, 639);
        mem.u32(mb1_info + 0x08, 0x1ffb80);
        mem.u32(mb1_info + 0x10, 0x9100);
        mem.str(0x9100, "/boot/cxen.gz loglvl=all console=com1");
        mem.u32(mb1_info + 0x14, 2);
        mem.u32(mb1_info + 0x18, 0x9200);
        write_mod(0, 0x200000, 0x5a3000, 0x9300);
        mem.str(0x9300, "vmlinuz console=hvc0 root=/dev/xvda1");
        write_mod(1, 0x5a3000, 0x1400000, 0);
        write_mmap(0x9400, qemu_e820);
        mem.u32(mb1_info + 0x40, 0x9600);
        mem.str(0x9600, "qemu");
    }
    void write_mod(int i, uint32_t start, uint32_t end, uint32_t string, uint64_t list = 0x9200) {
        uint64_t m = list + 16 * i;
        mem.u32(m, start);
        mem.u32(m + 4, end);
        mem.u32(m + 8, string);
        mem.u32(m + 12, 0);
    }
    void write_mmap(uint64_t at, const std::vector<MemRegion>& rs, uint32_t size = 20) {
        uint64_t p = at;
        for (const auto& r : rs) {
            mem.u32(p, size);
            mem.u64(p + 4, r.base);
            mem.u64(p + 12, r.len);
            mem.u32(p + 20, r.type);
            p += size + 4;
        }
        mem.u32(mb1_info + 0x2c, static_cast<uint32_t>(p - at));
        mem.u32(mb1_info + 0x30, static_cast<uint32_t>(at));
    }

    FakeMem mem;
    std::unique_ptr<BootInfo> bi = new_boot_info();
};

TEST_F(Multiboot1, QemuKernelInfoIsCopiedWhole) {
    write_qemu_info();
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_STREQ(bi->cmdline, "/boot/cxen.gz loglvl=all console=com1");
    EXPECT_STREQ(bi->loader_name, "qemu");
    EXPECT_EQ(regions(*bi), qemu_e820);
    ASSERT_EQ(bi->nr_mods, 2u);
    EXPECT_EQ(bi->mods[0].start, 0x200000u);
    EXPECT_EQ(bi->mods[0].end, 0x5a3000u);
    EXPECT_STREQ(bi->mods[0].cmdline, "vmlinuz console=hvc0 root=/dev/xvda1");
    EXPECT_EQ(bi->mods[1].start, 0x5a3000u);
    EXPECT_EQ(bi->mods[1].end, 0x1400000u);
    EXPECT_STREQ(bi->mods[1].cmdline, "");
    EXPECT_EQ(bi->rsdp, 0u);
    EXPECT_FALSE(bi->has_rsdp_copy);
    EXPECT_EQ(bi->info_start, mb1_info);
    EXPECT_EQ(bi->info_end, mb1_info + 116);
    EXPECT_EQ(arch::fake_console(), "");
}

TEST_F(Multiboot1, FieldsWhoseFlagIsClearAreIgnored) {
    write_qemu_info();
    mem.u32(mb1_info, F_MEM); // cmdline, mods, mmap and name pointers stay but are not valid
    mem.u32(mb1_info + 0x10, 0xdead0000);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_STREQ(bi->cmdline, "");
    EXPECT_STREQ(bi->loader_name, "");
    EXPECT_EQ(bi->nr_mods, 0u);
}

TEST_F(Multiboot1, WithoutMmapSynthesisesOneFromMemLowerUpper) {
    mem.u32(mb1_info, F_MEM);
    mem.u32(mb1_info + 4, 639);
    mem.u32(mb1_info + 8, 130048); // 127 MiB above 1 MiB
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    std::vector<MemRegion> want = {{0, 639 * 1024, E820_RAM}, {0x100000, 127ull << 20, E820_RAM}};
    EXPECT_EQ(regions(*bi), want);
}

TEST_F(Multiboot1, MemLowerIsClippedTo640KiB) {
    mem.u32(mb1_info, F_MEM);
    mem.u32(mb1_info + 4, 0xffffffff);
    mem.u32(mb1_info + 8, 0);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    ASSERT_EQ(bi->nr_mem, 1u);
    EXPECT_EQ(bi->mem[0], (MemRegion{0, 640 * 1024, E820_RAM}));
}

TEST_F(Multiboot1, NoMemoryInformationGivesEmptyMap) {
    mem.u32(mb1_info, 0);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_EQ(bi->nr_mem, 0u);
}

TEST_F(Multiboot1, MmapEntriesWithLargerSizeFieldAreStepped) {
    write_qemu_info();
    write_mmap(0x9400, qemu_e820, 28); // a loader appending 8 bytes per entry
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_EQ(regions(*bi), qemu_e820);
}

TEST_F(Multiboot1, MmapEntrySizeBelow20IsInvalid) {
    write_qemu_info();
    write_mmap(0x9400, qemu_e820, 16);
    EXPECT_EQ(parse_multiboot1(mem, mb1_info, *bi).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot1, MmapEntryRunningPastMmapLengthIsInvalid) {
    write_qemu_info();
    mem.u32(mb1_info + 0x2c, 24 * 3 + 10); // the 4th entry is cut short
    EXPECT_EQ(parse_multiboot1(mem, mb1_info, *bi).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot1, HugeMmapLengthIsInvalid) {
    write_qemu_info();
    mem.u32(mb1_info + 0x2c, 0xfffffff0);
    EXPECT_EQ(parse_multiboot1(mem, mb1_info, *bi).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot1, MmapInUnreadableMemoryFaults) {
    write_qemu_info();
    mem.u32(mb1_info + 0x30, 0x40000000);
    EXPECT_EQ(parse_multiboot1(mem, mb1_info, *bi).error(), Errno::XEN_EFAULT);
}

TEST_F(Multiboot1, ZeroLengthMmapFallsBackToMemLowerUpper) {
    write_qemu_info();
    mem.u32(mb1_info + 0x2c, 0);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_EQ(bi->nr_mem, 2u);
}

TEST_F(Multiboot1, HugeModuleCountKeepsFirst32AndWarns) {
    write_qemu_info();
    for (int i = 0; i < 40; ++i)
        write_mod(i, 0x200000 + i * 0x1000, 0x201000 + i * 0x1000, 0, 0x30000);
    mem.u32(mb1_info + 0x14, 0xffffffff);
    mem.u32(mb1_info + 0x18, 0x30000);
    mem.reads = 0;
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    ASSERT_EQ(bi->nr_mods, 32u);
    EXPECT_EQ(bi->mods[31].start, 0x200000u + 31 * 0x1000);
    EXPECT_LT(mem.reads, 1000u); // did not walk four billion entries
    EXPECT_NE(arch::fake_console().find("using the first 32"), std::string::npos);
}

TEST_F(Multiboot1, ModuleEndingBeforeItStartsIsInvalid) {
    write_qemu_info();
    write_mod(1, 0x5a3000, 0x5a2fff, 0);
    EXPECT_EQ(parse_multiboot1(mem, mb1_info, *bi).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot1, ModuleListInUnreadableMemoryFaults) {
    write_qemu_info();
    mem.u32(mb1_info + 0x18, 0xfffffff8); // the second entry would wrap 4 GiB and is a hole
    EXPECT_EQ(parse_multiboot1(mem, mb1_info, *bi).error(), Errno::XEN_EFAULT);
}

TEST_F(Multiboot1, OverlongCommandLineIsTruncatedAndTerminated) {
    write_qemu_info();
    std::string longer(3000, 'x');
    mem.str(0x20000, longer);
    mem.u32(mb1_info + 0x10, 0x20000);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_EQ(std::string(bi->cmdline), std::string(1023, 'x'));
    EXPECT_NE(arch::fake_console().find("truncated"), std::string::npos);
}

TEST_F(Multiboot1, CommandLineOfExactlyFieldSizeIsNotReportedTruncated) {
    write_qemu_info();
    mem.str(0x20000, std::string(1023, 'y'));
    mem.u32(mb1_info + 0x10, 0x20000);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_EQ(std::string(bi->cmdline), std::string(1023, 'y'));
    EXPECT_EQ(arch::fake_console(), "");
}

TEST_F(Multiboot1, StringRunningIntoUnreadableMemoryFaults) {
    write_qemu_info();
    std::vector<uint8_t> no_nul(16, 'z');
    mem.put(0x100000 - 16, no_nul); // last bytes of memory, no NUL
    mem.u32(mb1_info + 0x40, 0x100000 - 16);
    EXPECT_EQ(parse_multiboot1(mem, mb1_info, *bi).error(), Errno::XEN_EFAULT);
}

TEST_F(Multiboot1, StringEndingAtEndOfMemoryIsFine) {
    write_qemu_info();
    mem.str(0x100000 - 5, "GRUB");
    mem.u32(mb1_info + 0x40, 0x100000 - 5);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_STREQ(bi->loader_name, "GRUB");
}

TEST_F(Multiboot1, UnreadableInfoFaults) {
    EXPECT_EQ(parse_multiboot1(mem, 0x40000000, *bi).error(), Errno::XEN_EFAULT);
    EXPECT_EQ(parse_multiboot1(mem, 0xfffffffffffffffe, *bi).error(), Errno::XEN_EFAULT);
}

TEST_F(Multiboot1, InfoTruncatedByEndOfMemoryFaults) {
    uint64_t at = 0x100000 - 40; // flags readable, mmap fields are not
    mem.u32(at, F_MMAP);
    EXPECT_EQ(parse_multiboot1(mem, at, *bi).error(), Errno::XEN_EFAULT);
}

TEST_F(Multiboot1, ManyMergeableEntriesAreSanitisedToFit) {
    write_qemu_info();
    std::vector<MemRegion> many;
    for (uint64_t i = 0; i < 300; ++i)
        many.push_back({0x100000 + i * 0x1000, 0x1000, E820_RAM});
    write_mmap(0x10000, many);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_LT(bi->nr_mem, 128u); // sanitised whenever mem[] filled up
    sanitize_memory_map(*bi);
    ASSERT_EQ(bi->nr_mem, 1u);
    EXPECT_EQ(bi->mem[0], (MemRegion{0x100000, 300 * 0x1000, E820_RAM}));
    EXPECT_EQ(arch::fake_console(), "");
}

TEST_F(Multiboot1, TooManyDistinctEntriesKeepsWhatFitsAndWarns) {
    write_qemu_info();
    std::vector<MemRegion> many;
    for (uint64_t i = 0; i < 300; ++i)
        many.push_back({i * 0x1000, 0x1000, i % 2 ? E820_RESERVED : E820_RAM});
    write_mmap(0x10000, many);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    EXPECT_EQ(bi->nr_mem, 128u);
    EXPECT_NE(arch::fake_console().find("more than 128 ranges"), std::string::npos);
}

// A loader map with more distinct ranges than mem[] holds: the ranges that
// do not fit are dropped, but one that outranks a range already kept (here
// reserved over RAM) must not leave that RAM showing through: the RAM is
// cut back (a hole), and no later range is added over a dropped one.
TEST_F(Multiboot1, RangesDroppedFromAFullMapNeverLeaveRamUnderReserved) {
    write_qemu_info();
    std::vector<MemRegion> many;
    for (uint64_t i = 0; i < 128; ++i) // RAM with gaps: nothing merges
        many.push_back({0x100000 + i * 0x20000, 0x10000, E820_RAM});
    many.push_back({0x104000, 0x1000, E820_RESERVED}); // inside the first RAM range
    many.push_back({0x140000, 0x10000, E820_NVS});     // exactly over the third
    many.push_back({0x140000, 0x8000, E820_RAM});      // RAM again under the NVS range
    write_mmap(0x10000, many);
    ASSERT_TRUE(parse_multiboot1(mem, mb1_info, *bi).ok());
    sanitize_memory_map(*bi);
    for (size_t i = 0; i < bi->nr_mem; ++i) {
        const MemRegion& r = bi->mem[i];
        if (r.type != E820_RAM) continue;
        uint64_t end = r.base + r.len;
        EXPECT_TRUE(end <= 0x104000 || r.base >= 0x105000) << std::hex << r.base;
        EXPECT_TRUE(end <= 0x140000 || r.base >= 0x150000) << std::hex << r.base;
    }
    EXPECT_NE(arch::fake_console().find("more than 128 ranges"), std::string::npos);
}

// Random info structures whose pointers land in a page of random bytes:
// whatever the parse returns, it stays in bounds, terminates and leaves
// the counts and strings well-formed.
TEST_F(Multiboot1, RandomGarbageNeverCrashes) {
    std::mt19937 rng(777);
    int oks = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        std::vector<uint8_t> page(0x1000);
        for (auto& b : page)
            b = static_cast<uint8_t>(rng() % 4 ? rng() : 0);
        mem.put(0xa000, page);
        for (uint64_t off = 0; off < 116; off += 4) {
            uint32_t v = rng();
            if (rng() % 2) v = 0xa000 + rng() % 0x1000;
            if (off == 0x2c || off == 0x14) v = rng() % 600;
            mem.u32(mb1_info + off, v);
        }
        oks += parse_multiboot1(mem, mb1_info, *bi).ok();
        ASSERT_LE(bi->nr_mods, 32u);
        ASSERT_LE(bi->nr_mem, 128u);
        ASSERT_LT(std::strlen(bi->cmdline), sizeof(bi->cmdline));
        ASSERT_LT(std::strlen(bi->loader_name), sizeof(bi->loader_name));
        for (size_t i = 0; i < bi->nr_mods; ++i)
            ASSERT_LT(std::strlen(bi->mods[i].cmdline), sizeof(bi->mods[i].cmdline));
    }
    EXPECT_GT(oks, 100); // some inputs got all the way through
}

// ---- Multiboot2 ----

constexpr uint64_t mb2_info = 0x10000;

class Multiboot2 : public ::testing::Test {
  protected:
    void SetUp() override {
        mem.add(0, 0x100000);
        arch::fake_console().clear();
    }
    Status parse(const std::vector<uint8_t>& info) {
        mem.put(mb2_info, info);
        return parse_multiboot2(mem, mb2_info, *bi);
    }
    // Tags in the order GRUB 2.06 emits them for "multiboot2 /cxen.gz ..." on
    // a BIOS machine, less the ones we do not read (ELF sections, APM, ...).
    static Mb2 grub_tags() {
        Mb2 m;
        m.tag(1, Bytes().str("loglvl=all console=com1").b);
        m.tag(2, Bytes().str("GRUB 2.06-13+deb12u1").b);
        m.tag(3, module_payload(0x1000000, 0x1a3f200, "/vmlinuz-6.1 root=/dev/sda1 ro"));
        m.tag(3, module_payload(0x1a40000, 0x3000000, "/initrd.img-6.1"));
        m.tag(4, Bytes().u32(639).u32(0x1ffb80).b);
        m.tag(5, Bytes().u32(0x80).u32(0xffffffff).u32(0xffffffff).b); // boot device
        m.tag(6, mmap_payload(qemu_e820));
        m.tag(9, std::vector<uint8_t>(20 + 64 * 3)); // ELF sections, skipped
        return m;
    }
    static std::vector<uint8_t> rsdp(uint8_t revision, size_t len) {
        std::vector<uint8_t> r(len, 0);
        std::memcpy(r.data(), "RSD PTR ", 8);
        r[15] = revision;
        r[16] = 0x11; // distinguishes the copies
        return r;
    }

    FakeMem mem;
    std::unique_ptr<BootInfo> bi = new_boot_info();
};

TEST_F(Multiboot2, GrubInfoIsCopiedWhole) {
    Mb2 m = grub_tags();
    m.tag(14, rsdp(0, 20));
    m.tag(15, rsdp(2, 36));
    auto info = m.done();
    ASSERT_TRUE(parse(info).ok());
    EXPECT_STREQ(bi->cmdline, "loglvl=all console=com1");
    EXPECT_STREQ(bi->loader_name, "GRUB 2.06-13+deb12u1");
    EXPECT_EQ(regions(*bi), qemu_e820);
    ASSERT_EQ(bi->nr_mods, 2u);
    EXPECT_EQ(bi->mods[0].start, 0x1000000u);
    EXPECT_EQ(bi->mods[0].end, 0x1a3f200u);
    EXPECT_STREQ(bi->mods[0].cmdline, "/vmlinuz-6.1 root=/dev/sda1 ro");
    EXPECT_STREQ(bi->mods[1].cmdline, "/initrd.img-6.1");
    EXPECT_TRUE(bi->has_rsdp_copy);
    EXPECT_EQ(bi->rsdp_copy[15], 2); // the revision 2 copy won
    EXPECT_EQ(std::vector<uint8_t>(bi->rsdp_copy, bi->rsdp_copy + 36), rsdp(2, 36));
    EXPECT_EQ(bi->rsdp, 0u);
    EXPECT_EQ(bi->info_start, mb2_info);
    EXPECT_EQ(bi->info_end, mb2_info + info.size());
    EXPECT_EQ(arch::fake_console(), "");
}

TEST_F(Multiboot2, NewRsdpTagWinsInEitherOrder) {
    Mb2 m;
    m.tag(15, rsdp(2, 36));
    m.tag(14, rsdp(0, 20));
    ASSERT_TRUE(parse(m.done()).ok());
    EXPECT_EQ(bi->rsdp_copy[15], 2);
}

TEST_F(Multiboot2, OldRsdpTagIsCopiedAndZeroPadded) {
    Mb2 m;
    m.tag(14, rsdp(0, 20));
    ASSERT_TRUE(parse(m.done()).ok());
    ASSERT_TRUE(bi->has_rsdp_copy);
    std::vector<uint8_t> want = rsdp(0, 20);
    want.resize(36, 0);
    EXPECT_EQ(std::vector<uint8_t>(bi->rsdp_copy, bi->rsdp_copy + 36), want);
}

TEST_F(Multiboot2, RsdpTagTooSmallIsInvalid) {
    Mb2 m;
    m.tag(15, rsdp(2, 20));
    EXPECT_EQ(parse(m.done()).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, WithoutMmapSynthesisesOneFromBasicMeminfo) {
    Mb2 m;
    m.tag(4, Bytes().u32(639).u32(1024).b);
    ASSERT_TRUE(parse(m.done()).ok());
    std::vector<MemRegion> want = {{0, 639 * 1024, E820_RAM}, {0x100000, 1 << 20, E820_RAM}};
    EXPECT_EQ(regions(*bi), want);
}

TEST_F(Multiboot2, MmapWithLargerEntrySizeIsStepped) {
    Mb2 m;
    m.tag(6, mmap_payload(qemu_e820, 32));
    ASSERT_TRUE(parse(m.done()).ok());
    EXPECT_EQ(regions(*bi), qemu_e820);
}

TEST_F(Multiboot2, MmapEntrySizeBelow24IsInvalid) {
    Mb2 m;
    m.tag(6, mmap_payload(qemu_e820, 16));
    EXPECT_EQ(parse(m.done()).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, MmapEntrySizeZeroIsInvalid) {
    Mb2 m;
    m.tag(6, Bytes().u32(0).u32(0).u64(0).u64(0x1000).u32(1).u32(0).b);
    EXPECT_EQ(parse(m.done()).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, StringWithoutNulIsTruncatedAtTagEnd) {
    Mb2 m;
    m.tag(1, Bytes().raw("console=com1", 12).b); // no NUL; padding follows
    ASSERT_TRUE(parse(m.done()).ok());
    EXPECT_STREQ(bi->cmdline, "console=com1");
    EXPECT_NE(arch::fake_console().find("truncated"), std::string::npos);
}

TEST_F(Multiboot2, OverlongStringsAreTruncatedToTheirField) {
    Mb2 m;
    m.tag(2, Bytes().str(std::string(100, 'n')).b);
    m.tag(3, module_payload(0x1000000, 0x1001000, std::string(400, 'm')));
    ASSERT_TRUE(parse(m.done()).ok());
    EXPECT_EQ(std::string(bi->loader_name), std::string(63, 'n'));
    EXPECT_EQ(std::string(bi->mods[0].cmdline), std::string(255, 'm'));
}

TEST_F(Multiboot2, EmptyModuleStringIsEmpty) {
    Mb2 m;
    m.tag(3, Bytes().u32(0x1000000).u32(0x1001000).b); // size 16: no string bytes at all
    ASSERT_TRUE(parse(m.done()).ok());
    ASSERT_EQ(bi->nr_mods, 1u);
    EXPECT_STREQ(bi->mods[0].cmdline, "");
}

TEST_F(Multiboot2, MoreThan32ModulesKeepsTheFirst32AndWarns) {
    Mb2 m;
    for (uint32_t i = 0; i < 40; ++i)
        m.tag(3, module_payload(0x1000000 + i * 0x1000, 0x1001000 + i * 0x1000,
                                "mod" + std::to_string(i)));
    ASSERT_TRUE(parse(m.done()).ok());
    ASSERT_EQ(bi->nr_mods, 32u);
    EXPECT_STREQ(bi->mods[31].cmdline, "mod31");
    EXPECT_NE(arch::fake_console().find("more than 32 modules"), std::string::npos);
}

TEST_F(Multiboot2, ModuleTagTooSmallIsInvalid) {
    Mb2 m;
    m.tag(3, Bytes().u32(0x1000000).b);
    EXPECT_EQ(parse(m.done()).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, ModuleEndingBeforeItStartsIsInvalid) {
    Mb2 m;
    m.tag(3, module_payload(0x2000000, 0x1000000, ""));
    EXPECT_EQ(parse(m.done()).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, TotalSizeTooSmallIsInvalid) {
    for (uint32_t total : {0u, 8u, 15u}) {
        Mb2 m;
        EXPECT_EQ(parse(m.with_total(total)).error(), Errno::XEN_EINVAL) << total;
    }
}

TEST_F(Multiboot2, HugeTotalSizeIsInvalid) {
    Mb2 m = grub_tags();
    m.done();
    EXPECT_EQ(parse(m.with_total(0xfffffff8)).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, TagRunningPastTotalSizeIsInvalid) {
    Mb2 m;
    m.tag(1, Bytes().str("abc").b);
    auto info = m.done();
    // total_size ends inside the end tag.
    Mb2 cut{info};
    EXPECT_EQ(parse(cut.with_total(static_cast<uint32_t>(info.size() - 4))).error(),
              Errno::XEN_EINVAL);
    Mb2 big;
    big.tag_sized(1, 0x1000, Bytes().str("abc").b);
    EXPECT_EQ(parse(big.done()).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, TagSmallerThanItsHeaderIsInvalid) {
    for (uint32_t size : {0u, 4u, 7u}) {
        Mb2 m;
        m.tag_sized(1, size, {});
        EXPECT_EQ(parse(m.done()).error(), Errno::XEN_EINVAL) << size;
    }
}

TEST_F(Multiboot2, MissingEndTagIsInvalid) {
    Mb2 m;
    m.tag(1, Bytes().str("abc").b);
    EXPECT_EQ(parse(m.with_total(static_cast<uint32_t>(m.b.size()))).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, PaddingPastTotalSizeIsInvalidNotAWrap) {
    Mb2 m;
    m.tag(1, Bytes().str("abc").b); // size 12, padded to 16
    // total_size cut to end right after the unpadded tag.
    EXPECT_EQ(parse(m.with_total(8 + 12)).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, MisalignedInfoIsInvalid) {
    EXPECT_EQ(parse_multiboot2(mem, mb2_info + 4, *bi).error(), Errno::XEN_EINVAL);
}

TEST_F(Multiboot2, UnreadableInfoFaults) {
    EXPECT_EQ(parse_multiboot2(mem, 0x40000000, *bi).error(), Errno::XEN_EFAULT);
}

TEST_F(Multiboot2, TotalSizeBeyondReadableMemoryFaults) {
    Mb2 m;
    m.tag(9, std::vector<uint8_t>(0x800)); // skipped tag crossing the end of memory
    auto info = m.done();
    uint64_t at = 0x100000 - 0x400;
    mem.put(at, info.data(), 0x400);
    EXPECT_EQ(parse_multiboot2(mem, at, *bi).error(), Errno::XEN_EFAULT);
}

TEST_F(Multiboot2, ManyTinyTagsTerminate) {
    Mb2 m;
    for (int i = 0; i < 10000; ++i)
        m.tag(100, {});
    ASSERT_TRUE(parse(m.done()).ok());
    EXPECT_EQ(bi->nr_mem, 0u);
}

// Random tag streams (types we parse and others, sizes right, short, long or
// zero) and random total sizes.
TEST_F(Multiboot2, RandomGarbageNeverCrashes) {
    std::mt19937 rng(31337);
    int oks = 0;
    for (int iter = 0; iter < 5000; ++iter) {
        Mb2 m;
        for (int t = rng() % 12; t > 0; --t) {
            std::vector<uint8_t> payload(rng() % 80);
            for (auto& b : payload)
                b = static_cast<uint8_t>(rng() % 3 ? rng() : 0);
            uint32_t type = rng() % 18;
            uint32_t size = static_cast<uint32_t>(8 + payload.size());
            if (rng() % 6 == 0) size = rng() % 200;
            m.tag_sized(type, size, payload);
        }
        auto info = rng() % 4 ? m.done() : m.with_total(static_cast<uint32_t>(rng() % 2000));
        oks += parse(info).ok();
        ASSERT_LE(bi->nr_mods, 32u);
        ASSERT_LE(bi->nr_mem, 128u);
        ASSERT_LT(std::strlen(bi->cmdline), sizeof(bi->cmdline));
        ASSERT_LT(std::strlen(bi->loader_name), sizeof(bi->loader_name));
        for (size_t i = 0; i < bi->nr_mods; ++i)
            ASSERT_LT(std::strlen(bi->mods[i].cmdline), sizeof(bi->mods[i].cmdline));
        sanitize_memory_map(*bi);
    }
    EXPECT_GT(oks, 500); // some inputs got all the way through
}

// ---- sanitize_memory_map ----

class MemoryMap : public ::testing::Test {
  protected:
    void SetUp() override { arch::fake_console().clear(); }
    std::vector<MemRegion> sanitize(const std::vector<MemRegion>& in) {
        bi->nr_mem = in.size();
        std::copy(in.begin(), in.end(), bi->mem);
        sanitize_memory_map(*bi);
        return regions(*bi);
    }
    std::unique_ptr<BootInfo> bi = std::make_unique<BootInfo>();
};

TEST_F(MemoryMap, CanonicalMapIsUnchanged) {
    EXPECT_EQ(sanitize(qemu_e820), qemu_e820);
}

TEST_F(MemoryMap, SortsByBase) {
    std::vector<MemRegion> shuffled(qemu_e820.rbegin(), qemu_e820.rend());
    EXPECT_EQ(sanitize(shuffled), qemu_e820);
}

TEST_F(MemoryMap, MergesTouchingRangesOfTheSameType) {
    EXPECT_EQ(
        sanitize({{0x2000, 0x1000, 1}, {0x0, 0x1000, 1}, {0x1000, 0x1000, 1}, {0x3000, 0x1000, 2}}),
        (std::vector<MemRegion>{{0x0, 0x3000, 1}, {0x3000, 0x1000, 2}}));
}

TEST_F(MemoryMap, DoesNotMergeAcrossAGap) {
    EXPECT_EQ(sanitize({{0x0, 0x1000, 1}, {0x2000, 0x1000, 1}}),
              (std::vector<MemRegion>{{0x0, 0x1000, 1}, {0x2000, 0x1000, 1}}));
}

TEST_F(MemoryMap, DropsZeroLengthRanges) {
    EXPECT_EQ(sanitize({{0x1000, 0, 2}, {0x0, 0x1000, 1}, {0x5000, 0, 1}}),
              (std::vector<MemRegion>{{0x0, 0x1000, 1}}));
}

TEST_F(MemoryMap, ReservedInsideRamSplitsIt) {
    EXPECT_EQ(sanitize({{0x0, 0x10000, E820_RAM}, {0x4000, 0x1000, E820_RESERVED}}),
              (std::vector<MemRegion>{{0x0, 0x4000, E820_RAM},
                                      {0x4000, 0x1000, E820_RESERVED},
                                      {0x5000, 0xb000, E820_RAM}}));
}

TEST_F(MemoryMap, ReservedOverlappingRamEdgesWins) {
    EXPECT_EQ(
        sanitize(
            {{0x1000, 0x3000, E820_RAM}, {0x0, 0x2000, E820_RESERVED}, {0x3000, 0x2000, E820_NVS}}),
        (std::vector<MemRegion>{
            {0x0, 0x2000, E820_RESERVED}, {0x2000, 0x1000, E820_RAM}, {0x3000, 0x2000, E820_NVS}}));
}

TEST_F(MemoryMap, RamInsideReservedDisappears) {
    EXPECT_EQ(sanitize({{0x1000, 0x1000, E820_RAM}, {0x0, 0x4000, E820_RESERVED}}),
              (std::vector<MemRegion>{{0x0, 0x4000, E820_RESERVED}}));
}

TEST_F(MemoryMap, SameBaseDifferentTypesReservedWins) {
    EXPECT_EQ(sanitize({{0x0, 0x2000, E820_RAM}, {0x0, 0x1000, E820_UNUSABLE}}),
              (std::vector<MemRegion>{{0x0, 0x1000, E820_UNUSABLE}, {0x1000, 0x1000, E820_RAM}}));
}

TEST_F(MemoryMap, AcpiReclaimableLosesToReservedAndNvs) {
    EXPECT_EQ(sanitize({{0x0, 0x3000, E820_ACPI},
                        {0x1000, 0x1000, E820_RESERVED},
                        {0x2800, 0x1000, E820_NVS}}),
              (std::vector<MemRegion>{{0x0, 0x1000, E820_ACPI},
                                      {0x1000, 0x1000, E820_RESERVED},
                                      {0x2000, 0x800, E820_ACPI},
                                      {0x2800, 0x1000, E820_NVS}}));
}

TEST_F(MemoryMap, OverlappingSameTypeRangesMerge) {
    EXPECT_EQ(sanitize({{0x0, 0x3000, 1}, {0x1000, 0x1000, 1}, {0x2000, 0x4000, 1}}),
              (std::vector<MemRegion>{{0x0, 0x6000, 1}}));
}

TEST_F(MemoryMap, RangeWrappingPast2To64IsCut) {
    EXPECT_EQ(sanitize({{0xfffffffffffff000, 0x2000, E820_RESERVED}}),
              (std::vector<MemRegion>{{0xfffffffffffff000, 0xfff, E820_RESERVED}}));
}

TEST_F(MemoryMap, SplitWithNoRoomDropsThePieceAndWarns) {
    std::vector<MemRegion> in;
    for (uint64_t i = 0; i < 128; ++i)
        in.push_back({i * 0x10000, 0x10000, i % 2 ? E820_RESERVED : E820_RAM});
    in[0] = {0x0, 0x10000, E820_RAM};
    in[1] = {0x4000, 0x1000, E820_UNUSABLE}; // inside in[0], and [0x10000, 0x20000) is a hole
    auto out = sanitize(in);
    EXPECT_EQ(out.size(), 128u);
    // The piece below the split is the one dropped (a hole).
    EXPECT_EQ(out[0], (MemRegion{0x4000, 0x1000, E820_UNUSABLE}));
    EXPECT_EQ(out[1], (MemRegion{0x5000, 0xb000, E820_RAM}));
    EXPECT_NE(arch::fake_console().find(", 0x4000) type 1"), std::string::npos);
}

// Found by tests/fuzz/multiboot_fuzz (seed e820-split-no-room-showthrough):
// when the map was full, the split dropped the piece *above* the splitting
// range, and a RAM range lying under that piece then came out as RAM,
// although the firmware had marked it reserved. Dropping the piece below
// keeps it reserved.
TEST_F(MemoryMap, SplitWithNoRoomNeverTurnsReservedIntoRam) {
    std::vector<MemRegion> in;
    for (uint64_t i = 0; i < 125; ++i) // fill the map with distinct ranges far above
        in.push_back({0x100000000 + i * 0x20000, 0x10000, E820_RAM});
    in.push_back({0x1000, 0x8000, E820_RESERVED}); // split by the NVS range below
    in.push_back({0x3000, 0x1000, E820_NVS});
    in.push_back({0x5000, 0x2000, E820_RAM}); // under the reserved range's upper piece
    ASSERT_EQ(in.size(), 128u);
    auto out = sanitize(in);
    for (const MemRegion& r : out) {
        if (r.type != E820_RAM) continue;
        EXPECT_TRUE(r.base + r.len <= 0x1000 || r.base >= 0x9000)
            << "RAM at [" << std::hex << r.base << ", " << r.base + r.len << ")";
    }
    EXPECT_NE(std::find(out.begin(), out.end(), MemRegion{0x4000, 0x5000, E820_RESERVED}),
              out.end());
    EXPECT_NE(arch::fake_console().find("dropping [0x1000, 0x3000) type 2"), std::string::npos);
}

TEST_F(MemoryMap, FullMapOfNestedOverlapsIsResolved) {
    std::vector<MemRegion> in;
    for (uint64_t i = 0; i < 128; ++i)
        in.push_back({i * 0x1000, (256 - 2 * i) * 0x1000, i % 3 ? E820_RAM : E820_RESERVED});
    auto out = sanitize(in);
    ASSERT_FALSE(out.empty());
    for (size_t i = 1; i < out.size(); ++i) {
        EXPECT_LT(out[i - 1].base + out[i - 1].len, out[i].base + 1);
        EXPECT_FALSE(out[i - 1].type == out[i].type &&
                     out[i - 1].base + out[i - 1].len == out[i].base);
    }
    // The outermost range is reserved, so everything under it is.
    EXPECT_EQ(out[0], (MemRegion{0x0, 256 * 0x1000, E820_RESERVED}));
}

// Random maps on a small grid against a per-unit model: every unit keeps the
// type of highest rank among the ranges covering it.
TEST_F(MemoryMap, RandomOverlapsMatchPerUnitModel) {
    auto rank = [](uint32_t t) -> uint64_t {
        return t == E820_RAM ? 0 : t == E820_ACPI ? 1 : uint64_t{t} + 2;
    };
    std::mt19937 rng(12345);
    constexpr uint64_t units = 64, unit = 0x1000;
    for (int iter = 0; iter < 2000; ++iter) {
        std::vector<MemRegion> in;
        size_t n = 1 + rng() % 12;
        for (size_t i = 0; i < n; ++i) {
            uint64_t a = rng() % units, len = rng() % 16;
            uint32_t type = 1 + rng() % 5;
            if (rng() % 8 == 0) type = 7 + rng() % 10; // other types occur too
            in.push_back({a * unit, len * unit, type});
        }
        std::vector<uint32_t> want(units + 16, 0);
        for (const auto& r : in)
            for (uint64_t u = r.base / unit; u < (r.base + r.len) / unit; ++u)
                if (want[u] == 0 || rank(r.type) > rank(want[u])) want[u] = r.type;
        auto out = sanitize(in);
        std::vector<uint32_t> got(units + 16, 0);
        for (size_t i = 0; i < out.size(); ++i) {
            ASSERT_GT(out[i].len, 0u);
            if (i > 0) {
                ASSERT_LE(out[i - 1].base + out[i - 1].len, out[i].base) << "iteration " << iter;
                ASSERT_FALSE(out[i - 1].type == out[i].type &&
                             out[i - 1].base + out[i - 1].len == out[i].base)
                    << "unmerged neighbours, iteration " << iter;
            }
            for (uint64_t u = out[i].base / unit; u < (out[i].base + out[i].len) / unit; ++u)
                got[u] = out[i].type;
        }
        ASSERT_EQ(got, want) << "iteration " << iter;
    }
}

} // namespace
