// Multiboot 1 and 2 boot information parsers, and the memory map sanitiser
// they share. Layouts: Multiboot Specification 0.6.96, 3.3 and Multiboot2
// Specification 2.0, 3.6. All multiboot addresses are 32-bit physical.
#include "common/boot/multiboot.hpp"

#include <limits>

#include "common/console/printk.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {

// ---- Multiboot 1 layouts (spec 0.6.96, 3.3) ----

struct [[gnu::packed]] Mb1Info {
    uint32_t flags;              // 0x00
    uint32_t mem_lower;          // 0x04 KiB at 0 (flags[0])
    uint32_t mem_upper;          // 0x08 KiB at 1 MiB (flags[0])
    uint32_t boot_device;        // 0x0c (flags[1])
    uint32_t cmdline;            // 0x10 (flags[2])
    uint32_t mods_count;         // 0x14 (flags[3])
    uint32_t mods_addr;          // 0x18 (flags[3])
    uint32_t syms[4];            // 0x1c (flags[4] or [5])
    uint32_t mmap_length;        // 0x2c (flags[6])
    uint32_t mmap_addr;          // 0x30 (flags[6])
    uint32_t drives_length;      // 0x34 (flags[7])
    uint32_t drives_addr;        // 0x38 (flags[7])
    uint32_t config_table;       // 0x3c (flags[8])
    uint32_t boot_loader_name;   // 0x40 (flags[9])
    uint32_t apm_table;          // 0x44 (flags[10])
    uint32_t vbe_control_info;   // 0x48 (flags[11])
    uint32_t vbe_mode_info;      // 0x4c
    uint16_t vbe_mode;           // 0x50
    uint16_t vbe_interface_seg;  // 0x52
    uint16_t vbe_interface_off;  // 0x54
    uint16_t vbe_interface_len;  // 0x56
    uint64_t framebuffer_addr;   // 0x58 (flags[12])
    uint32_t framebuffer_pitch;  // 0x60
    uint32_t framebuffer_width;  // 0x64
    uint32_t framebuffer_height; // 0x68
    uint8_t framebuffer_bpp;     // 0x6c
    uint8_t framebuffer_type;    // 0x6d
    uint8_t color_info[6];       // 0x6e
};
static_assert(sizeof(Mb1Info) == 116);
static_assert(offsetof(Mb1Info, mmap_length) == 0x2c);
static_assert(offsetof(Mb1Info, boot_loader_name) == 0x40);
static_assert(offsetof(Mb1Info, framebuffer_addr) == 0x58);

constexpr uint32_t MULTIBOOT_INFO_MEMORY = 1u << 0;
constexpr uint32_t MULTIBOOT_INFO_CMDLINE = 1u << 2;
constexpr uint32_t MULTIBOOT_INFO_MODS = 1u << 3;
constexpr uint32_t MULTIBOOT_INFO_MEM_MAP = 1u << 6;
constexpr uint32_t MULTIBOOT_INFO_BOOT_LOADER_NAME = 1u << 9;

struct Mb1Module {
    uint32_t mod_start; // 0x0
    uint32_t mod_end;   // 0x4 exclusive, as GRUB and QEMU fill it
    uint32_t string;    // 0x8 NUL-terminated command line, 0 for none
    uint32_t reserved;  // 0xc
};
static_assert(sizeof(Mb1Module) == 16);

// Preceded by its own `size` field, which counts the bytes after itself
// (20 here, larger if the loader appends fields): the next entry is at
// this entry's address + size + 4.
struct [[gnu::packed]] Mb1MmapEntry {
    uint32_t size;      // 0x00
    uint64_t base_addr; // 0x04
    uint64_t length;    // 0x0c
    uint32_t type;      // 0x14 E820_*
};
static_assert(sizeof(Mb1MmapEntry) == 24);
constexpr uint32_t mb1_mmap_entry_min_size = sizeof(Mb1MmapEntry) - sizeof(uint32_t);

// ---- Multiboot2 layouts (spec 2.0, 3.6) ----

struct Mb2Fixed {
    uint32_t total_size; // 0x0 including this header and the end tag
    uint32_t reserved;   // 0x4
};
static_assert(sizeof(Mb2Fixed) == 8);

struct Mb2Tag {
    uint32_t type; // 0x0 MULTIBOOT_TAG_TYPE_*
    uint32_t size; // 0x4 including this header, excluding padding to 8 bytes
};
static_assert(sizeof(Mb2Tag) == 8);

constexpr uint32_t MULTIBOOT_TAG_TYPE_END = 0;
constexpr uint32_t MULTIBOOT_TAG_TYPE_CMDLINE = 1;
constexpr uint32_t MULTIBOOT_TAG_TYPE_BOOT_LOADER_NAME = 2;
constexpr uint32_t MULTIBOOT_TAG_TYPE_MODULE = 3;
constexpr uint32_t MULTIBOOT_TAG_TYPE_BASIC_MEMINFO = 4;
constexpr uint32_t MULTIBOOT_TAG_TYPE_MMAP = 6;
constexpr uint32_t MULTIBOOT_TAG_TYPE_ACPI_OLD = 14;
constexpr uint32_t MULTIBOOT_TAG_TYPE_ACPI_NEW = 15;

struct Mb2TagModule {
    Mb2Tag hdr;         // 0x0
    uint32_t mod_start; // 0x8
    uint32_t mod_end;   // 0xc exclusive
    // 0x10: NUL-terminated command line, to the end of the tag
};
static_assert(sizeof(Mb2TagModule) == 16);

struct Mb2TagBasicMeminfo {
    Mb2Tag hdr;         // 0x0
    uint32_t mem_lower; // 0x8 KiB at 0
    uint32_t mem_upper; // 0xc KiB at 1 MiB
};
static_assert(sizeof(Mb2TagBasicMeminfo) == 16);

struct Mb2TagMmap {
    Mb2Tag hdr;             // 0x0
    uint32_t entry_size;    // 0x8 stride of the entries; >= 24
    uint32_t entry_version; // 0xc 0 today; later versions only append fields
    // 0x10: entries
};
static_assert(sizeof(Mb2TagMmap) == 16);

struct Mb2MmapEntry {
    uint64_t base_addr; // 0x00
    uint64_t length;    // 0x08
    uint32_t type;      // 0x10 E820_*
    uint32_t reserved;  // 0x14
};
static_assert(sizeof(Mb2MmapEntry) == 24);

constexpr size_t rsdp_v1_size = 20; // ACPI 6.5, 5.2.5.3: the revision 0 RSDP
constexpr size_t rsdp_v2_size = 36;

// Bounds on loader-provided lengths: far above what GRUB or QEMU produce
// (a few KiB), low enough that a garbage value cannot keep us looping.
constexpr uint32_t max_mb1_mmap_length = 256 * 1024;
constexpr uint32_t max_mb2_total_size = 1024 * 1024;
constexpr uint32_t lower_memory_limit_kib = 640; // spec 3.3: mem_lower is at most 640

// ---- shared helpers ----

struct Ctx {
    const PhysReader& mem;
    BootInfo& bi;
    const char* who; // log prefix
    bool map_full = false; // a range was dropped: no more are added
    bool warned_mods_full = false;
};

uint64_t type_rank(uint32_t type); // with the sanitiser below

// [base, base + len) of `type` is dropped: cut every range that it outranks
// (RAM under reserved, say) out of its way, so that none shows through
// where the loader said otherwise. Needs no slot: a range starting below
// keeps only its part below `base`, one starting inside only its part above
// the end; what is cut off becomes a hole.
void shadow_dropped(BootInfo& bi, uint64_t base, uint64_t len, uint32_t type) {
    uint64_t end = base + (len > ~uint64_t{0} - base ? ~uint64_t{0} - base : len);
    for (size_t i = 0; i < bi.nr_mem;) {
        MemRegion& r = bi.mem[i];
        uint64_t r_end = r.base + (r.len > ~uint64_t{0} - r.base ? ~uint64_t{0} - r.base : r.len);
        if (type_rank(r.type) >= type_rank(type) || r_end <= base || r.base >= end) {
            ++i;
        } else if (r.base < base) {
            r.len = base - r.base;
            ++i;
        } else if (r_end > end) {
            r.base = end;
            r.len = r_end - end;
            ++i;
        } else { // wholly under it: remove, keeping the loader's order
            for (size_t j = i + 1; j < bi.nr_mem; ++j)
                bi.mem[j - 1] = bi.mem[j];
            --bi.nr_mem;
        }
    }
}

Status add_region(Ctx& c, uint64_t base, uint64_t len, uint32_t type) {
    if (len == 0) return ok_status();
    BootInfo& bi = c.bi;
    // Out of slots: canonicalise (merges neighbours) and hope for room.
    if (!c.map_full && bi.nr_mem == array_size(bi.mem)) sanitize_memory_map(bi);
    if (!c.map_full && bi.nr_mem == array_size(bi.mem)) {
        log(LogLevel::warning, "%s: memory map has more than %zu ranges, dropping the rest\n",
            c.who, array_size(bi.mem));
        c.map_full = true;
    }
    // Once one range is dropped none is added, even where shadow_dropped()
    // freed a slot: a later range could land under a dropped one.
    if (c.map_full) {
        shadow_dropped(bi, base, len, type);
        return ok_status();
    }
    bi.mem[bi.nr_mem++] = MemRegion{base, len, type};
    return ok_status();
}

// Returns the slot for a module [start, end), or nullptr when mods[] is full.
Result<BootModule*> add_module(Ctx& c, uint32_t start, uint32_t end) {
    if (end < start) {
        log(LogLevel::warning, "%s: module %zu ends (%#x) before it starts (%#x)\n", c.who,
            c.bi.nr_mods, end, start);
        return Err(Errno::XEN_EINVAL);
    }
    if (c.bi.nr_mods == array_size(c.bi.mods)) {
        if (!c.warned_mods_full) {
            log(LogLevel::warning, "%s: more than %zu modules, ignoring the rest\n", c.who,
                array_size(c.bi.mods));
            c.warned_mods_full = true;
        }
        return static_cast<BootModule*>(nullptr);
    }
    BootModule& m = c.bi.mods[c.bi.nr_mods++];
    m.start = start;
    m.end = end;
    m.cmdline[0] = '\0';
    return &m;
}

void warn_truncated(const Ctx& c, const char* what) {
    log(LogLevel::warning, "%s: %s is not NUL-terminated or too long, truncated\n", c.who, what);
}

// Copy the NUL-terminated string at `pa` into dst[size]. Reads byte by byte so
// that a string ending just before unreadable memory is fine; a string that
// runs into unreadable memory before its NUL is -EFAULT.
Status copy_phys_string(Ctx& c, paddr_t pa, char* dst, size_t size, const char* what) {
    for (size_t i = 0; i + 1 < size; ++i) {
        if (!phys_read(c.mem, pa + i, &dst[i], 1)) {
            dst[i] = '\0';
            return Err(Errno::XEN_EFAULT);
        }
        if (dst[i] == '\0') return ok_status();
    }
    dst[size - 1] = '\0';
    // Exactly size - 1 characters is not truncation if a NUL follows.
    char next = 1;
    if (!phys_read(c.mem, pa + size - 1, &next, 1) || next != '\0') warn_truncated(c, what);
    return ok_status();
}

// Copy a string held inside a multiboot2 tag: `len` bytes at `pa`, which
// should include the NUL, into dst[size].
Status copy_tag_string(Ctx& c, paddr_t pa, size_t len, char* dst, size_t size, const char* what) {
    size_t n = len < size - 1 ? len : size - 1;
    if (!phys_read(c.mem, pa, dst, n)) {
        dst[0] = '\0';
        return Err(Errno::XEN_EFAULT);
    }
    dst[n] = '\0';
    if (strlen(dst) == n) {
        // No NUL among the bytes copied: fine only if the tag's next byte is it.
        char next = 1;
        if (n == len || !phys_read(c.mem, pa + n, &next, 1) || next != '\0')
            warn_truncated(c, what);
    }
    return ok_status();
}

// The map a loader without an mmap implies: conventional memory below 640 KiB
// and extended memory from 1 MiB.
Status synthesise_map(Ctx& c, uint32_t mem_lower_kib, uint32_t mem_upper_kib) {
    if (mem_lower_kib > lower_memory_limit_kib) mem_lower_kib = lower_memory_limit_kib;
    TRY(add_region(c, 0, KiB(mem_lower_kib), E820_RAM));
    TRY(add_region(c, MiB(1), KiB(mem_upper_kib), E820_RAM));
    return ok_status();
}

void clear(BootInfo& bi) {
    memset(&bi, 0, sizeof(bi));
}

// ---- Multiboot 1 ----

// How much of the fixed structure the set flags make valid; the rest may
// not even be readable, so it is not read.
size_t mb1_bytes_needed(uint32_t flags) {
    if (flags & MULTIBOOT_INFO_BOOT_LOADER_NAME)
        return offsetof(Mb1Info, boot_loader_name) + sizeof(uint32_t);
    if (flags & MULTIBOOT_INFO_MEM_MAP) return offsetof(Mb1Info, mmap_addr) + sizeof(uint32_t);
    if (flags & MULTIBOOT_INFO_MODS) return offsetof(Mb1Info, mods_addr) + sizeof(uint32_t);
    if (flags & MULTIBOOT_INFO_CMDLINE) return offsetof(Mb1Info, cmdline) + sizeof(uint32_t);
    if (flags & MULTIBOOT_INFO_MEMORY) return offsetof(Mb1Info, mem_upper) + sizeof(uint32_t);
    return sizeof(uint32_t);
}

Status mb1_parse_mmap(Ctx& c, paddr_t addr, uint32_t length) {
    if (length > max_mb1_mmap_length) {
        log(LogLevel::warning, "multiboot: mmap_length %u is implausible\n", length);
        return Err(Errno::XEN_EINVAL);
    }
    // Each step advances by >= 24 bytes, so this runs <= length / 24 times.
    for (uint32_t off = 0; length - off >= sizeof(uint32_t);) {
        uint32_t size;
        if (!phys_read(c.mem, addr + off, size)) return Err(Errno::XEN_EFAULT);
        if (size < mb1_mmap_entry_min_size || size > length - off - sizeof(uint32_t)) {
            log(LogLevel::warning, "multiboot: bad mmap entry size %u at offset %u of %u\n", size,
                off, length);
            return Err(Errno::XEN_EINVAL);
        }
        Mb1MmapEntry e;
        if (!phys_read(c.mem, addr + off, e)) return Err(Errno::XEN_EFAULT);
        TRY(add_region(c, e.base_addr, e.length, e.type));
        // size <= length - off - 4 (checked above): the sum stays <= length.
        off += size + static_cast<uint32_t>(sizeof(uint32_t));
    }
    return ok_status();
}

Status mb1_parse_mods(Ctx& c, paddr_t addr, uint32_t count) {
    if (count > array_size(c.bi.mods))
        log(LogLevel::warning, "multiboot: %u modules, using the first %zu\n", count,
            array_size(c.bi.mods));
    for (uint32_t i = 0; i < count && c.bi.nr_mods < array_size(c.bi.mods); ++i) {
        Mb1Module m;
        if (!phys_read(c.mem, addr + uint64_t{i} * sizeof(m), m)) return Err(Errno::XEN_EFAULT);
        BootModule* bm = TRY(add_module(c, m.mod_start, m.mod_end));
        if (bm && m.string)
            TRY(copy_phys_string(c, m.string, bm->cmdline, sizeof(bm->cmdline),
                                 "module command line"));
    }
    return ok_status();
}

// ---- Multiboot2 ----

Status mb2_parse_mmap(Ctx& c, paddr_t tag, uint32_t size) {
    Mb2TagMmap t;
    if (size < sizeof(t)) return Err(Errno::XEN_EINVAL);
    if (!phys_read(c.mem, tag, t)) return Err(Errno::XEN_EFAULT);
    if (t.entry_size < sizeof(Mb2MmapEntry)) {
        log(LogLevel::warning, "multiboot2: mmap entry_size %u is too small\n", t.entry_size);
        return Err(Errno::XEN_EINVAL);
    }
    // size >= sizeof(t) (checked above): n <= size / 24.
    const uint32_t n = (size - static_cast<uint32_t>(sizeof(t))) / t.entry_size;
    for (uint32_t i = 0; i < n; ++i) {
        Mb2MmapEntry e;
        if (!phys_read(c.mem, tag + sizeof(t) + uint64_t{i} * t.entry_size, e))
            return Err(Errno::XEN_EFAULT);
        TRY(add_region(c, e.base_addr, e.length, e.type));
    }
    return ok_status();
}

Status mb2_parse_module(Ctx& c, paddr_t tag, uint32_t size) {
    Mb2TagModule t;
    if (size < sizeof(t)) return Err(Errno::XEN_EINVAL);
    if (!phys_read(c.mem, tag, t)) return Err(Errno::XEN_EFAULT);
    BootModule* bm = TRY(add_module(c, t.mod_start, t.mod_end));
    if (!bm) return ok_status();
    return copy_tag_string(c, tag + sizeof(t), size - sizeof(t), bm->cmdline, sizeof(bm->cmdline),
                           "module command line");
}

// Tags 14/15 hold a copy of the RSDP (not its address). A revision 2 copy
// (tag 15) is preferred: it carries the XSDT address.
Status mb2_parse_rsdp(Ctx& c, paddr_t tag, uint32_t size, bool is_new, bool& have_new) {
    size_t want = is_new ? rsdp_v2_size : rsdp_v1_size;
    if (size - sizeof(Mb2Tag) < want) {
        log(LogLevel::warning, "multiboot2: ACPI RSDP tag of %u bytes is too small\n", size);
        return Err(Errno::XEN_EINVAL);
    }
    if (have_new && !is_new) return ok_status();
    memset(c.bi.rsdp_copy, 0, sizeof(c.bi.rsdp_copy));
    if (!phys_read(c.mem, tag + sizeof(Mb2Tag), c.bi.rsdp_copy, want))
        return Err(Errno::XEN_EFAULT);
    c.bi.has_rsdp_copy = true;
    have_new = have_new || is_new;
    return ok_status();
}

} // namespace

Status parse_multiboot1(const PhysReader& mem, paddr_t mbi, BootInfo& out) {
    clear(out);
    Ctx c{mem, out, "multiboot"};
    uint32_t flags;
    if (!phys_read(mem, mbi, flags)) return Err(Errno::XEN_EFAULT);
    Mb1Info info{};
    if (!phys_read(mem, mbi, &info, mb1_bytes_needed(flags))) return Err(Errno::XEN_EFAULT);
    out.info_start = mbi;
    out.info_end = mbi + sizeof(Mb1Info);

    if (info.flags & MULTIBOOT_INFO_CMDLINE && info.cmdline)
        TRY(copy_phys_string(c, info.cmdline, out.cmdline, sizeof(out.cmdline), "command line"));
    if (info.flags & MULTIBOOT_INFO_BOOT_LOADER_NAME && info.boot_loader_name)
        TRY(copy_phys_string(c, info.boot_loader_name, out.loader_name, sizeof(out.loader_name),
                             "boot loader name"));
    if (info.flags & MULTIBOOT_INFO_MODS) TRY(mb1_parse_mods(c, info.mods_addr, info.mods_count));
    if (info.flags & MULTIBOOT_INFO_MEM_MAP)
        TRY(mb1_parse_mmap(c, info.mmap_addr, info.mmap_length));
    if (out.nr_mem == 0 && info.flags & MULTIBOOT_INFO_MEMORY)
        TRY(synthesise_map(c, info.mem_lower, info.mem_upper));
    return ok_status();
}

Status parse_multiboot2(const PhysReader& mem, paddr_t mbi, BootInfo& out) {
    clear(out);
    Ctx c{mem, out, "multiboot2"};
    if (mbi % 8) return Err(Errno::XEN_EINVAL); // spec 3.6.1: the structure is 8-byte aligned
    Mb2Fixed fixed;
    if (!phys_read(mem, mbi, fixed)) return Err(Errno::XEN_EFAULT);
    if (fixed.total_size < sizeof(Mb2Fixed) + sizeof(Mb2Tag) ||
        fixed.total_size > max_mb2_total_size) {
        log(LogLevel::warning, "multiboot2: implausible total_size %u\n", fixed.total_size);
        return Err(Errno::XEN_EINVAL);
    }
    out.info_start = mbi;
    out.info_end = mbi + fixed.total_size;

    bool have_meminfo = false, have_new_rsdp = false;
    uint32_t mem_lower = 0, mem_upper = 0;
    // Each tag is >= 8 bytes and total_size is bounded, so this terminates.
    for (uint32_t off = sizeof(Mb2Fixed);;) {
        Mb2Tag tag;
        if (off > fixed.total_size || fixed.total_size - off < sizeof(tag)) {
            log(LogLevel::warning, "multiboot2: no end tag within total_size %u\n",
                fixed.total_size);
            return Err(Errno::XEN_EINVAL);
        }
        paddr_t pa = mbi + off;
        if (!phys_read(mem, pa, tag)) return Err(Errno::XEN_EFAULT);
        if (tag.size < sizeof(tag) || tag.size > fixed.total_size - off) {
            log(LogLevel::warning, "multiboot2: tag type %u at offset %u has bad size %u\n",
                tag.type, off, tag.size);
            return Err(Errno::XEN_EINVAL);
        }
        switch (tag.type) {
        case MULTIBOOT_TAG_TYPE_END:
            return have_meminfo && out.nr_mem == 0 ? synthesise_map(c, mem_lower, mem_upper)
                                                   : ok_status();
        case MULTIBOOT_TAG_TYPE_CMDLINE:
            TRY(copy_tag_string(c, pa + sizeof(tag), tag.size - sizeof(tag), out.cmdline,
                                sizeof(out.cmdline), "command line"));
            break;
        case MULTIBOOT_TAG_TYPE_BOOT_LOADER_NAME:
            TRY(copy_tag_string(c, pa + sizeof(tag), tag.size - sizeof(tag), out.loader_name,
                                sizeof(out.loader_name), "boot loader name"));
            break;
        case MULTIBOOT_TAG_TYPE_MODULE:
            TRY(mb2_parse_module(c, pa, tag.size));
            break;
        case MULTIBOOT_TAG_TYPE_BASIC_MEMINFO: {
            Mb2TagBasicMeminfo t;
            if (tag.size < sizeof(t)) return Err(Errno::XEN_EINVAL);
            if (!phys_read(mem, pa, t)) return Err(Errno::XEN_EFAULT);
            have_meminfo = true;
            mem_lower = t.mem_lower;
            mem_upper = t.mem_upper;
            break;
        }
        case MULTIBOOT_TAG_TYPE_MMAP:
            TRY(mb2_parse_mmap(c, pa, tag.size));
            break;
        case MULTIBOOT_TAG_TYPE_ACPI_OLD:
        case MULTIBOOT_TAG_TYPE_ACPI_NEW:
            TRY(mb2_parse_rsdp(c, pa, tag.size, tag.type == MULTIBOOT_TAG_TYPE_ACPI_NEW,
                               have_new_rsdp));
            break;
        default:
            break;
        }
        // Tags start 8-byte aligned; off + size <= total_size <= 1 MiB, so no
        // overflow, but padding may take off past total_size (checked above).
        off = static_cast<uint32_t>(align_up(off + tag.size, 8));
    }
}

// ---- memory map sanitiser ----

namespace {

// Which type keeps an overlapping part: the one that allows less reuse.
uint64_t type_rank(uint32_t type) {
    if (type == E820_RAM) return 0;
    if (type == E820_ACPI) return 1;
    return uint64_t{type} + 2;
}

uint64_t end_of(const MemRegion& r) {
    return r.base + r.len;
}

// Sort key: base ascending; at equal bases the winning type first, so that a
// range never has to give up its head to one that sorts after it.
bool sorts_before(const MemRegion& a, const MemRegion& b) {
    if (a.base != b.base) return a.base < b.base;
    return type_rank(a.type) > type_rank(b.type);
}

// Insertion sort: n <= 128 and the input is nearly sorted on every call but
// the first.
void sort_regions(MemRegion* m, size_t n) {
    for (size_t i = 1; i < n; ++i) {
        MemRegion r = m[i];
        size_t j = i;
        for (; j > 0 && sorts_before(r, m[j - 1]); --j)
            m[j] = m[j - 1];
        m[j] = r;
    }
}

void remove_region(BootInfo& bi, size_t i) {
    for (size_t j = i + 1; j < bi.nr_mem; ++j)
        bi.mem[j - 1] = bi.mem[j];
    --bi.nr_mem;
}

// Resolve the overlap of mem[i] and mem[i + 1] (sorted, a.base <= b.base < end(a)).
void resolve_overlap(BootInfo& bi, size_t i) {
    MemRegion& a = bi.mem[i];
    MemRegion& b = bi.mem[i + 1];
    uint64_t a_end = end_of(a), b_end = end_of(b);
    if (a.type == b.type) { // one range covering both
        if (b_end > a_end) a.len = b_end - a.base;
        remove_region(bi, i + 1);
    } else if (type_rank(a.type) >= type_rank(b.type)) { // b loses its head
        if (b_end <= a_end) {
            remove_region(bi, i + 1);
        } else {
            b.base = a_end;
            b.len = b_end - a_end;
        }
    } else { // a loses the middle: keep [a.base, b.base) and [b_end, a_end)
        bool head = b.base > a.base, tail = a_end > b_end;
        if (head && tail) {
            if (bi.nr_mem < array_size(bi.mem)) {
                a.len = b.base - a.base;
                bi.mem[bi.nr_mem++] = MemRegion{b_end, a_end - b_end, a.type};
            } else {
                // Drop the head, not the tail: every range sorted after b
                // starts at or above b.base, so one of a lower rank may
                // still lie under a's tail (say RAM under reserved) and
                // would show through if the tail went; nothing but a
                // covers the head, which becomes a true hole.
                log(LogLevel::warning,
                    "e820: no room to split a range, dropping [%#lx, %#lx) type %u\n",
                    static_cast<unsigned long>(a.base), static_cast<unsigned long>(b.base),
                    a.type);
                a.base = b_end;
                a.len = a_end - b_end;
            }
        } else if (head) {
            a.len = b.base - a.base;
        } else if (tail) {
            a.base = b_end;
            a.len = a_end - b_end;
        } else {
            remove_region(bi, i);
        }
    }
}

} // namespace

void sanitize_memory_map(BootInfo& bi) {
    ASSERT(bi.nr_mem <= array_size(bi.mem));
    // 1. Cut ranges that wrap, drop empty ones.
    for (size_t i = 0; i < bi.nr_mem;) {
        MemRegion& r = bi.mem[i];
        uint64_t room = std::numeric_limits<uint64_t>::max() - r.base;
        if (r.len > room) r.len = room;
        if (r.len == 0) {
            remove_region(bi, i);
        } else {
            ++i;
        }
    }
    // 2. Resolve overlaps one adjacent pair at a time (in a sorted list, any
    //    overlap implies one between neighbours). Every boundary produced is an
    //    original endpoint and each step removes at least one elementary
    //    interval from some range, so this ends within 2 * 128^2 steps.
    for (;;) {
        sort_regions(bi.mem, bi.nr_mem);
        size_t i = 0;
        while (i + 1 < bi.nr_mem && end_of(bi.mem[i]) <= bi.mem[i + 1].base)
            ++i;
        if (i + 1 >= bi.nr_mem) break;
        resolve_overlap(bi, i);
    }
    // 3. Merge touching ranges of the same type.
    for (size_t i = 0; i + 1 < bi.nr_mem;) {
        MemRegion& a = bi.mem[i];
        const MemRegion& b = bi.mem[i + 1];
        if (a.type == b.type && end_of(a) == b.base) {
            a.len += b.len;
            remove_region(bi, i + 1);
        } else {
            ++i;
        }
    }
}

} // namespace cxen
