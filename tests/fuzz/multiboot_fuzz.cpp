// libFuzzer target: the Multiboot 1 and 2 boot-information parsers and the
// memory map sanitiser (hypervisor/common/boot/multiboot.cpp) on arbitrary
// bytes. Built and run briefly by tests/fuzz/CMakeLists.txt.
//
// Input: one mode byte, then a physical memory image that the fake memory
// (tests/unit/fakes/fake_phys_mem.hpp) maps at image_base; everything else
// is a hole, so a pointer out of the image makes the read fail.
//   mode % 3 == 0: parse_multiboot1() with the info structure at image_base
//   mode % 3 == 1: parse_multiboot2() with the info structure at image_base
//   mode % 3 == 2: the image is an array of 20-byte {base, len, type}
//                  regions for sanitize_memory_map() (at most 128)
// Seeds (seeds/multiboot, made by seeds/gen_seeds.py) point inside the image.
//
// Properties: a parse fails with -EFAULT or -EINVAL and never crashes; on
// success the counts fit their arrays, every string is NUL-terminated,
// (Multiboot 1) no address of a non-RAM range of the loader's mmap comes
// out as RAM, even when the map overflows,
// every module ends at or after its start, and info_start is the address
// given. For every map (parsed or raw), sanitize_memory_map() leaves it
// sorted, without overlaps, zero-length ranges or touching ranges of one
// type, and never gives an address a type other than the one the rules
// say (the least reusable of the ranges covering it) except a hole, and
// no hole at all when the input has at most 64 ranges (2n - 1 <= 128 pieces).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "common/boot/multiboot.hpp"
#include "fake_phys_mem.hpp"
#include "fuzz_support.hpp"

using namespace cxen;
using fuzz::check;

namespace {

constexpr uint64_t image_base = 0x10000;
constexpr uint64_t hole = uint64_t{1} << 32; // "no range covers it" in type_at(): not a type

// The rule of sanitize_memory_map(): which type wins an overlap.
uint64_t rank(uint32_t type) {
    if (type == E820_RAM) return 0;
    if (type == E820_ACPI) return 1;
    return uint64_t{type} + 2;
}

uint64_t cut_end(const MemRegion& r) {
    uint64_t room = std::numeric_limits<uint64_t>::max() - r.base;
    return r.base + (r.len > room ? room : r.len);
}

uint64_t type_at(const MemRegion* m, size_t n, uint64_t pa) {
    uint64_t t = hole;
    for (size_t i = 0; i < n; ++i)
        if (pa >= m[i].base && pa < cut_end(m[i]) && (t == hole || rank(m[i].type) > rank(static_cast<uint32_t>(t))))
            t = m[i].type;
    return t;
}

// Sanitise a copy of `bi` and check the result against the input map.
void check_sanitize(const BootInfo& bi) {
    static BootInfo s; // ~13 KiB
    s = bi;
    sanitize_memory_map(s);
    check(s.nr_mem <= std::size(s.mem), "sanitised map fits");
    for (size_t i = 0; i < s.nr_mem; ++i) {
        const MemRegion& r = s.mem[i];
        check(r.len != 0, "no zero-length range");
        check(r.len <= std::numeric_limits<uint64_t>::max() - r.base, "no range wraps");
        if (i > 0) {
            const MemRegion& p = s.mem[i - 1];
            check(p.base + p.len <= r.base, "sorted, no overlap");
            check(!(p.base + p.len == r.base && p.type == r.type), "touching ranges merged");
        }
    }
    // Every elementary interval between input endpoints: same type as the
    // rule gives, or a hole (a split with no free slot drops a piece).
    std::vector<uint64_t> points;
    for (size_t i = 0; i < bi.nr_mem; ++i) {
        points.push_back(bi.mem[i].base);
        points.push_back(cut_end(bi.mem[i]));
    }
    for (size_t i = 0; i < s.nr_mem; ++i) {
        points.push_back(s.mem[i].base);
        points.push_back(s.mem[i].base + s.mem[i].len);
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    for (uint64_t pa : points) {
        uint64_t want = type_at(bi.mem, bi.nr_mem, pa);
        uint64_t got = type_at(s.mem, s.nr_mem, pa);
        // n ranges have at most 2n - 1 pieces: with n <= 64 every split
        // fits in the 128 slots and nothing may be dropped.
        if (got != want) {
            fuzz::report("at %#llx: type %#llx, the rule gives %#llx (%#llx: hole); input:\n",
                         static_cast<unsigned long long>(pa), static_cast<unsigned long long>(got),
                         static_cast<unsigned long long>(want), static_cast<unsigned long long>(hole));
            for (size_t i = 0; i < bi.nr_mem; ++i)
                fuzz::report("  [%#llx, +%#llx) %u\n", static_cast<unsigned long long>(bi.mem[i].base),
                             static_cast<unsigned long long>(bi.mem[i].len), bi.mem[i].type);
            fuzz::report("%s", "sanitised:\n");
            for (size_t i = 0; i < s.nr_mem; ++i)
                fuzz::report("  [%#llx, +%#llx) %u\n", static_cast<unsigned long long>(s.mem[i].base),
                             static_cast<unsigned long long>(s.mem[i].len), s.mem[i].type);
        }
        check(got == hole || got == want, "sanitised type is the winning type or a hole");
        if (bi.nr_mem <= std::size(bi.mem) / 2)
            check(got == want, "no piece dropped while the map has room");
    }
    // Canonical form is a fixed point.
    static BootInfo again;
    again = s;
    sanitize_memory_map(again);
    check(again.nr_mem == s.nr_mem &&
              std::memcmp(again.mem, s.mem, s.nr_mem * sizeof(MemRegion)) == 0,
          "sanitising twice changes nothing");
}

void check_parsed(const BootInfo& bi, paddr_t mbi) {
    check(bi.nr_mem <= std::size(bi.mem), "nr_mem fits");
    check(bi.nr_mods <= std::size(bi.mods), "nr_mods fits");
    check(fuzz::terminated(bi.cmdline), "cmdline terminated");
    check(fuzz::terminated(bi.loader_name), "loader name terminated");
    for (size_t i = 0; i < bi.nr_mods; ++i) {
        check(bi.mods[i].start <= bi.mods[i].end, "module ends at or after its start");
        check(bi.mods[i].end <= 0xffffffffu, "module is below 4 GiB");
        check(fuzz::terminated(bi.mods[i].cmdline), "module cmdline terminated");
    }
    for (size_t i = 0; i < bi.nr_mem; ++i)
        check(bi.mem[i].len != 0, "no zero-length range from the loader");
    check(bi.info_start == mbi && bi.info_end > bi.info_start, "info range");
    check(bi.rsdp == 0, "multiboot never gives an RSDP address");
}

// Multiboot 1: the loader's own mmap entries, read from the image the way
// the specification lays them out (flags bit 6; each entry preceded by its
// size), to check the parsed map against.
std::vector<MemRegion> mb1_loader_map(const uint8_t* img, size_t size) {
    std::vector<MemRegion> out;
    auto u32 = [&](uint64_t off, uint32_t& v) {
        if (off > size || size - off < 4) return false;
        std::memcpy(&v, img + off, 4);
        return true;
    };
    uint32_t flags, length, addr;
    if (!u32(0, flags) || !(flags & (1u << 6)) || !u32(0x2c, length) || !u32(0x30, addr))
        return out;
    for (uint64_t off = 0; off + 4 <= length;) {
        uint32_t sz;
        uint64_t at = uint64_t{addr} + off - image_base;
        if (addr < image_base || !u32(at, sz) || at + 24 > size) break;
        MemRegion r;
        std::memcpy(&r.base, img + at + 4, 8);
        std::memcpy(&r.len, img + at + 12, 8);
        std::memcpy(&r.type, img + at + 20, 4);
        out.push_back(r);
        off += uint64_t{sz} + 4;
    }
    return out;
}

// Whatever was dropped or merged, no address the loader marked as anything
// but RAM comes out as RAM.
void check_no_ram_over_non_ram(const BootInfo& bi, const std::vector<MemRegion>& loader) {
    static BootInfo s;
    s = bi;
    sanitize_memory_map(s);
    for (const MemRegion& l : loader) {
        if (l.type == E820_RAM || l.len == 0) continue;
        uint64_t l_end = cut_end(l);
        for (size_t i = 0; i < s.nr_mem; ++i) {
            const MemRegion& r = s.mem[i];
            check(r.type != E820_RAM || r.base + r.len <= l.base || r.base >= l_end,
                  "no RAM where the loader's map says otherwise");
        }
    }
}

BootInfo info; // ~13 KiB: static, as in the hypervisor

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const uint8_t mode = data[0] % 3;
    ++data, --size;

    if (mode == 2) {
        std::memset(&info, 0, sizeof(info));
        constexpr size_t rec = 20;
        for (size_t off = 0; off + rec <= size && info.nr_mem < std::size(info.mem); off += rec) {
            MemRegion& r = info.mem[info.nr_mem++];
            std::memcpy(&r.base, data + off, 8);
            std::memcpy(&r.len, data + off + 8, 8);
            std::memcpy(&r.type, data + off + 16, 4);
        }
        fuzz::report("e820: %zu ranges\n", info.nr_mem);
        check_sanitize(info);
        return 0;
    }

    test::FakeMem mem;
    if (size) {
        mem.add(image_base, size);
        mem.put(image_base, data, size);
    }
    Status st = mode == 0 ? parse_multiboot1(mem, image_base, info)
                          : parse_multiboot2(mem, image_base, info);
    fuzz::report("multiboot%d: error %d, %zu ranges, %zu modules, cmdline \"%s\"\n", mode + 1,
                 static_cast<int>(st.error()), info.nr_mem, info.nr_mods, info.cmdline);
    if (!st.ok()) {
        check(st.error() == Errno::XEN_EFAULT || st.error() == Errno::XEN_EINVAL,
              "errors are -EFAULT or -EINVAL");
        return 0;
    }
    check_parsed(info, image_base);
    if (mode == 0) check_no_ram_over_non_ram(info, mb1_loader_map(data, size));
    if (mode == 1) check(info.info_end - info.info_start <= 1024 * 1024, "mb2 total_size bound");
    check_sanitize(info);
    return 0;
}
