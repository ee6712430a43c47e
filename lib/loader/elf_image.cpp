// ELF image parsing and loading for the PVH domain builder; see elf_image.hpp
// for the contract. Every structure is copied out of the image with memcpy
// after its bounds were checked (the image may be unaligned), and every sum
// of two untrusted 64-bit values is checked for wrap-around before use.
#include "lib/loader/elf_image.hpp"

#include <cstdarg>

#include "lib/base/format.hpp"
#include "lib/base/string.hpp"

namespace cxen {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ELFDATA2LSB read by memcpy");

namespace {

// ---- ELF layouts (System V gABI; x86-64 psABI) ----

constexpr uint8_t ELFMAG[4] = {0x7f, 'E', 'L', 'F'};
constexpr size_t EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6, EI_NIDENT = 16;
constexpr uint8_t ELFCLASS32 = 1, ELFCLASS64 = 2;
constexpr uint8_t ELFDATA2LSB = 1;
constexpr uint8_t EV_CURRENT = 1;
constexpr uint16_t ET_EXEC = 2, ET_DYN = 3;
constexpr uint16_t EM_386 = 3, EM_X86_64 = 62;
constexpr uint16_t PN_XNUM = 0xffff;
constexpr uint32_t PT_LOAD = 1, PT_NOTE = 4;
constexpr uint32_t PF_X = 1, PF_W = 2, PF_R = 4;
constexpr uint32_t SHT_NOTE = 7;

struct [[gnu::packed]] Elf32Ehdr {
    uint8_t e_ident[EI_NIDENT]; // 0x00
    uint16_t e_type;            // 0x10
    uint16_t e_machine;         // 0x12
    uint32_t e_version;         // 0x14
    uint32_t e_entry;           // 0x18
    uint32_t e_phoff;           // 0x1c
    uint32_t e_shoff;           // 0x20
    uint32_t e_flags;           // 0x24
    uint16_t e_ehsize;          // 0x28
    uint16_t e_phentsize;       // 0x2a
    uint16_t e_phnum;           // 0x2c
    uint16_t e_shentsize;       // 0x2e
    uint16_t e_shnum;           // 0x30
    uint16_t e_shstrndx;        // 0x32
};
static_assert(sizeof(Elf32Ehdr) == 52);

struct [[gnu::packed]] Elf64Ehdr {
    uint8_t e_ident[EI_NIDENT]; // 0x00
    uint16_t e_type;            // 0x10
    uint16_t e_machine;         // 0x12
    uint32_t e_version;         // 0x14
    uint64_t e_entry;           // 0x18
    uint64_t e_phoff;           // 0x20
    uint64_t e_shoff;           // 0x28
    uint32_t e_flags;           // 0x30
    uint16_t e_ehsize;          // 0x34
    uint16_t e_phentsize;       // 0x36
    uint16_t e_phnum;           // 0x38
    uint16_t e_shentsize;       // 0x3a
    uint16_t e_shnum;           // 0x3c
    uint16_t e_shstrndx;        // 0x3e
};
static_assert(sizeof(Elf64Ehdr) == 64);

struct [[gnu::packed]] Elf32Phdr {
    uint32_t p_type;   // 0x00
    uint32_t p_offset; // 0x04
    uint32_t p_vaddr;  // 0x08
    uint32_t p_paddr;  // 0x0c
    uint32_t p_filesz; // 0x10
    uint32_t p_memsz;  // 0x14
    uint32_t p_flags;  // 0x18
    uint32_t p_align;  // 0x1c
};
static_assert(sizeof(Elf32Phdr) == 32);

struct [[gnu::packed]] Elf64Phdr {
    uint32_t p_type;   // 0x00
    uint32_t p_flags;  // 0x04
    uint64_t p_offset; // 0x08
    uint64_t p_vaddr;  // 0x10
    uint64_t p_paddr;  // 0x18
    uint64_t p_filesz; // 0x20
    uint64_t p_memsz;  // 0x28
    uint64_t p_align;  // 0x30
};
static_assert(sizeof(Elf64Phdr) == 56);

struct [[gnu::packed]] Elf32Shdr {
    uint32_t sh_name;      // 0x00
    uint32_t sh_type;      // 0x04
    uint32_t sh_flags;     // 0x08
    uint32_t sh_addr;      // 0x0c
    uint32_t sh_offset;    // 0x10
    uint32_t sh_size;      // 0x14
    uint32_t sh_link;      // 0x18
    uint32_t sh_info;      // 0x1c
    uint32_t sh_addralign; // 0x20
    uint32_t sh_entsize;   // 0x24
};
static_assert(sizeof(Elf32Shdr) == 40);

struct [[gnu::packed]] Elf64Shdr {
    uint32_t sh_name;      // 0x00
    uint32_t sh_type;      // 0x04
    uint64_t sh_flags;     // 0x08
    uint64_t sh_addr;      // 0x10
    uint64_t sh_offset;    // 0x18
    uint64_t sh_size;      // 0x20
    uint32_t sh_link;      // 0x28
    uint32_t sh_info;      // 0x2c
    uint64_t sh_addralign; // 0x30
    uint64_t sh_entsize;   // 0x38
};
static_assert(sizeof(Elf64Shdr) == 64);

/// Note header, the same in both classes (4-byte words, 4-byte padding).
struct [[gnu::packed]] ElfNhdr {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
};
static_assert(sizeof(ElfNhdr) == 12);

// ---- helpers ----

/// The class-independent view of the ELF header.
struct Ehdr {
    uint64_t phoff, shoff;
    uint16_t phentsize, phnum, shentsize, shnum;
};

/// Where a failure is reported.
struct Why {
    char* buf;
    size_t len;
};

[[gnu::format(printf, 3, 4)]] Status fail(const Why& why, Errno e, const char* fmt, ...) {
    if (why.buf && why.len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why.buf, why.len, fmt, ap);
        va_end(ap);
    }
    return Err(e);
}

unsigned long long ull(uint64_t v) {
    return static_cast<unsigned long long>(v);
}

/// [off, off + size) lies inside an image of `len` bytes (no wrap).
bool in_image(uint64_t off, uint64_t size, size_t len) {
    return off <= len && size <= len - off;
}

template <typename T> T load(const uint8_t* p) {
    T v;
    memcpy(&v, p, sizeof(T));
    return v;
}

constexpr uint64_t align4(uint64_t v) {
    return (v + 3) & ~uint64_t{3};
}

const char* note_name(uint32_t type) {
    switch (static_cast<XenElfnote>(type)) {
    case XenElfnote::ENTRY:
        return "XEN_ELFNOTE_ENTRY";
    case XenElfnote::HYPERCALL_PAGE:
        return "XEN_ELFNOTE_HYPERCALL_PAGE";
    case XenElfnote::VIRT_BASE:
        return "XEN_ELFNOTE_VIRT_BASE";
    case XenElfnote::PADDR_OFFSET:
        return "XEN_ELFNOTE_PADDR_OFFSET";
    case XenElfnote::SUPPORTED_FEATURES:
        return "XEN_ELFNOTE_SUPPORTED_FEATURES";
    case XenElfnote::PHYS32_ENTRY:
        return "XEN_ELFNOTE_PHYS32_ENTRY";
    default:
        return "XEN_ELFNOTE_?";
    }
}

/// Copy a string note's value into `dst`: up to its first NUL or its end,
/// truncated to the buffer.
void copy_note_string(char* dst, size_t dst_len, const uint8_t* desc, uint32_t descsz) {
    size_t n = 0;
    while (n < descsz && desc[n] != 0)
        ++n;
    if (n > dst_len - 1) n = dst_len - 1;
    memcpy(dst, desc, n);
    dst[n] = '\0';
}

/// Where the notes being walked come from, for messages.
struct NoteArea {
    const char* kind; // "note segment" or "note section"
    size_t index;     // program or section header index
};

/// Handle one Xen note (owner "Xen").
Status xen_note(const NoteArea& a, uint32_t type, const uint8_t* desc, uint32_t descsz,
                ElfImage& out, const Why& why) {
    auto numeric = [&](uint64_t& val) -> Status {
        switch (descsz) {
        case 1:
            val = desc[0];
            return ok_status();
        case 2:
            val = load<uint16_t>(desc);
            return ok_status();
        case 4:
            val = load<uint32_t>(desc);
            return ok_status();
        case 8:
            val = load<uint64_t>(desc);
            return ok_status();
        }
        return fail(why, Errno::XEN_EINVAL,
                    "%s in %s %zu has a %u-byte value (expected 1, 2, 4 or 8 bytes)",
                    note_name(type), a.kind, a.index, descsz);
    };

    switch (static_cast<XenElfnote>(type)) {
    case XenElfnote::PHYS32_ENTRY: {
        // Linux emits it with _ASM_PTR: 8 bytes on x86-64, 4 on i386.
        if (descsz != 4 && descsz != 8)
            return fail(why, Errno::XEN_EINVAL,
                        "XEN_ELFNOTE_PHYS32_ENTRY in %s %zu has a %u-byte value "
                        "(expected 4 or 8 bytes)",
                        a.kind, a.index, descsz);
        uint64_t v = descsz == 4 ? load<uint32_t>(desc) : load<uint64_t>(desc);
        if (v > 0xffffffffu)
            return fail(why, Errno::XEN_EINVAL,
                        "XEN_ELFNOTE_PHYS32_ENTRY 0x%llx does not fit in 32 bits", ull(v));
        out.has_phys32_entry = true;
        out.phys32_entry = static_cast<uint32_t>(v);
        break;
    }
    case XenElfnote::ENTRY:
        TRY(numeric(out.virt_entry));
        break;
    case XenElfnote::HYPERCALL_PAGE:
        TRY(numeric(out.hypercall_page));
        break;
    case XenElfnote::VIRT_BASE:
        TRY(numeric(out.virt_base));
        break;
    case XenElfnote::PADDR_OFFSET:
        TRY(numeric(out.paddr_offset));
        break;
    case XenElfnote::SUPPORTED_FEATURES:
        // An array of XENFEAT_NR_SUBMAPS u32 words; only word 0 exists today.
        if (descsz == 0 || descsz % 4 != 0)
            return fail(why, Errno::XEN_EINVAL,
                        "XEN_ELFNOTE_SUPPORTED_FEATURES in %s %zu has %u bytes "
                        "(expected a non-zero multiple of 4)",
                        a.kind, a.index, descsz);
        out.supported_features |= load<uint32_t>(desc);
        break;
    case XenElfnote::GUEST_OS:
        copy_note_string(out.guest_os, sizeof(out.guest_os), desc, descsz);
        break;
    case XenElfnote::GUEST_VERSION:
        copy_note_string(out.guest_version, sizeof(out.guest_version), desc, descsz);
        break;
    case XenElfnote::XEN_VERSION:
        copy_note_string(out.xen_version, sizeof(out.xen_version), desc, descsz);
        break;
    case XenElfnote::LOADER:
        copy_note_string(out.loader, sizeof(out.loader), desc, descsz);
        break;
    case XenElfnote::FEATURES:
        copy_note_string(out.features, sizeof(out.features), desc, descsz);
        break;
    default:
        return ok_status(); // a note the PVH loader does not use
    }
    if (type < 32) out.notes_seen |= uint32_t{1} << type;
    return ok_status();
}

/// Walk the notes in [off, off + size) of the image (already bounds-checked)
/// and handle those owned by "Xen". `total` counts notes of every owner
/// across calls; `nr_xen` counts Xen notes found here.
Status walk_notes(const uint8_t* img, uint64_t off, uint64_t size, const NoteArea& a, size_t& total,
                  size_t& nr_xen, ElfImage& out, const Why& why) {
    const uint8_t* base = img + off;
    uint64_t pos = 0;
    while (pos < size) {
        // Fewer bytes than a header left: alignment padding at the end.
        if (size - pos < sizeof(ElfNhdr)) break;
        if (++total > elf_max_notes)
            return fail(why, Errno::XEN_EINVAL, "more than %zu ELF notes", elf_max_notes);
        auto nh = load<ElfNhdr>(base + pos);
        uint64_t name_off = pos + sizeof(ElfNhdr);
        uint64_t room = size - name_off;
        // The name, its padding and the value must lie inside the area; only
        // the last note's value may lack its padding.
        if (nh.n_namesz > room || align4(nh.n_namesz) + nh.n_descsz > room)
            return fail(why, Errno::XEN_EINVAL,
                        "note at offset 0x%llx of %s %zu (namesz %u, descsz %u) runs past "
                        "its end",
                        ull(pos), a.kind, a.index, nh.n_namesz, nh.n_descsz);
        uint64_t desc_off = name_off + align4(nh.n_namesz);
        const uint8_t* name = base + name_off;

        // Owner "Xen": namesz 4 with its NUL (tolerate 3, without it).
        size_t nlen = nh.n_namesz;
        while (nlen > 0 && name[nlen - 1] == '\0')
            --nlen;
        if (nlen == 3 && memcmp(name, xen_elfnote_name, 3) == 0) {
            TRY(xen_note(a, nh.n_type, base + desc_off, nh.n_descsz, out, why));
            ++nr_xen;
        }
        pos = desc_off + align4(nh.n_descsz); // may pass `size`: the loop ends
    }
    return ok_status();
}

Status read_ehdr(const uint8_t* img, size_t len, ElfImage& out, Ehdr& eh, const Why& why) {
    if (len < EI_NIDENT || memcmp(img, ELFMAG, sizeof(ELFMAG)) != 0)
        return fail(why, Errno::XEN_ENOEXEC, "not an ELF file");
    uint8_t cls = img[EI_CLASS];
    if (cls != ELFCLASS32 && cls != ELFCLASS64)
        return fail(why, Errno::XEN_ENOEXEC, "unknown ELF class %u (expected 1 or 2)", cls);
    if (img[EI_DATA] != ELFDATA2LSB)
        return fail(why, Errno::XEN_ENOEXEC, "not a little-endian ELF file (EI_DATA %u)",
                    img[EI_DATA]);
    if (img[EI_VERSION] != EV_CURRENT)
        return fail(why, Errno::XEN_ENOEXEC, "unknown ELF version %u", img[EI_VERSION]);
    out.is64 = cls == ELFCLASS64;

    uint16_t type, machine, ehsize;
    if (out.is64) {
        if (len < sizeof(Elf64Ehdr))
            return fail(why, Errno::XEN_EINVAL, "truncated ELF header (%zu of %zu bytes)", len,
                        sizeof(Elf64Ehdr));
        auto h = load<Elf64Ehdr>(img);
        type = h.e_type, machine = h.e_machine, ehsize = h.e_ehsize;
        out.entry = h.e_entry;
        eh = {h.e_phoff, h.e_shoff, h.e_phentsize, h.e_phnum, h.e_shentsize, h.e_shnum};
    } else {
        if (len < sizeof(Elf32Ehdr))
            return fail(why, Errno::XEN_EINVAL, "truncated ELF header (%zu of %zu bytes)", len,
                        sizeof(Elf32Ehdr));
        auto h = load<Elf32Ehdr>(img);
        type = h.e_type, machine = h.e_machine, ehsize = h.e_ehsize;
        out.entry = h.e_entry;
        eh = {h.e_phoff, h.e_shoff, h.e_phentsize, h.e_phnum, h.e_shentsize, h.e_shnum};
    }
    if (type != ET_EXEC && type != ET_DYN)
        return fail(why, Errno::XEN_ENOEXEC, "ELF type %u is not an executable", type);
    if (machine != EM_386 && machine != EM_X86_64)
        return fail(why, Errno::XEN_ENOEXEC, "ELF machine %u is not x86 (3) or x86-64 (62)",
                    machine);
    out.machine = machine;
    size_t ehdr_size = out.is64 ? sizeof(Elf64Ehdr) : sizeof(Elf32Ehdr);
    if (ehsize < ehdr_size)
        return fail(why, Errno::XEN_EINVAL, "e_ehsize %u is smaller than the ELF header (%zu)",
                    ehsize, ehdr_size);

    size_t phent = out.is64 ? sizeof(Elf64Phdr) : sizeof(Elf32Phdr);
    if (eh.phnum == PN_XNUM)
        return fail(why, Errno::XEN_EINVAL, "extended program header numbering is not supported");
    if (eh.phnum != 0 && eh.phentsize != phent)
        return fail(why, Errno::XEN_EINVAL, "e_phentsize %u (expected %zu)", eh.phentsize, phent);
    if (!in_image(eh.phoff, uint64_t{eh.phnum} * phent, len))
        return fail(why, Errno::XEN_EINVAL,
                    "program headers (%u at offset 0x%llx) run past the end of the file", eh.phnum,
                    ull(eh.phoff));

    // Like Xen's elf_init(), insist on a sane section header table even
    // though only SHT_NOTE sections are ever used.
    size_t shent = out.is64 ? sizeof(Elf64Shdr) : sizeof(Elf32Shdr);
    if (eh.shnum != 0 && eh.shentsize != shent)
        return fail(why, Errno::XEN_EINVAL, "e_shentsize %u (expected %zu)", eh.shentsize, shent);
    if (!in_image(eh.shoff, uint64_t{eh.shnum} * shent, len))
        return fail(why, Errno::XEN_EINVAL,
                    "section headers (%u at offset 0x%llx) run past the end of the file", eh.shnum,
                    ull(eh.shoff));
    return ok_status();
}

/// Program header `i` in class-independent form (the table is bounds-checked).
Elf64Phdr phdr(const uint8_t* img, const Ehdr& eh, bool is64, size_t i) {
    if (is64) return load<Elf64Phdr>(img + eh.phoff + i * sizeof(Elf64Phdr));
    auto p = load<Elf32Phdr>(img + eh.phoff + i * sizeof(Elf32Phdr));
    return {p.p_type,  p.p_flags,  p.p_offset, p.p_vaddr,
            p.p_paddr, p.p_filesz, p.p_memsz,  p.p_align};
}

/// Section header `i`: only the fields used here.
void shdr(const uint8_t* img, const Ehdr& eh, bool is64, size_t i, uint32_t& type, uint64_t& offset,
          uint64_t& size) {
    if (is64) {
        auto s = load<Elf64Shdr>(img + eh.shoff + i * sizeof(Elf64Shdr));
        type = s.sh_type, offset = s.sh_offset, size = s.sh_size;
    } else {
        auto s = load<Elf32Shdr>(img + eh.shoff + i * sizeof(Elf32Shdr));
        type = s.sh_type, offset = s.sh_offset, size = s.sh_size;
    }
}

Status read_segments(const uint8_t* img, size_t len, const Ehdr& eh, ElfImage& out,
                     const Why& why) {
    for (size_t i = 0; i < eh.phnum; ++i) {
        Elf64Phdr p = phdr(img, eh, out.is64, i);
        if (p.p_type != PT_LOAD || !(p.p_flags & (PF_R | PF_W | PF_X))) continue;
        if (!in_image(p.p_offset, p.p_filesz, len))
            return fail(why, Errno::XEN_EINVAL,
                        "segment %zu runs past the end of the file (offset 0x%llx, filesz "
                        "0x%llx, file %zu bytes)",
                        i, ull(p.p_offset), ull(p.p_filesz), len);
        if (p.p_filesz > p.p_memsz)
            return fail(why, Errno::XEN_EINVAL, "segment %zu: p_filesz 0x%llx > p_memsz 0x%llx", i,
                        ull(p.p_filesz), ull(p.p_memsz));
        if (p.p_memsz == 0) continue;
        if (p.p_paddr + (p.p_memsz - 1) < p.p_paddr)
            return fail(why, Errno::XEN_EINVAL,
                        "segment %zu wraps around the address space (paddr 0x%llx, memsz "
                        "0x%llx)",
                        i, ull(p.p_paddr), ull(p.p_memsz));
        if (out.nr_segs == elf_max_segments)
            return fail(why, Errno::XEN_EINVAL, "more than %zu PT_LOAD segments", elf_max_segments);
        // Ranges are half-open; end may be 2^64, so compare last bytes.
        uint64_t last = p.p_paddr + (p.p_memsz - 1);
        for (size_t j = 0; j < out.nr_segs; ++j) {
            const auto& s = out.segs[j];
            uint64_t s_last = s.paddr + (s.memsz - 1);
            if (p.p_paddr <= s_last && s.paddr <= last)
                return fail(why, Errno::XEN_EINVAL,
                            "segment %zu [0x%llx, 0x%llx] overlaps an earlier segment "
                            "[0x%llx, 0x%llx] in physical memory",
                            i, ull(p.p_paddr), ull(last), ull(s.paddr), ull(s_last));
        }
        out.segs[out.nr_segs++] = {p.p_paddr,  p.p_vaddr, p.p_offset,
                                   p.p_filesz, p.p_memsz, p.p_flags};
    }
    if (out.nr_segs == 0) return fail(why, Errno::XEN_EINVAL, "no loadable PT_LOAD segment");

    out.lowest_paddr = ~uint64_t{0};
    out.highest_paddr_end = 0;
    for (size_t j = 0; j < out.nr_segs; ++j) {
        const auto& s = out.segs[j];
        if (s.paddr < out.lowest_paddr) out.lowest_paddr = s.paddr;
        // A segment ending exactly at 2^64 has no representable end.
        if (s.paddr + (s.memsz - 1) == ~uint64_t{0})
            return fail(why, Errno::XEN_EINVAL, "segment at 0x%llx ends at the top of memory",
                        ull(s.paddr));
        if (s.paddr + s.memsz > out.highest_paddr_end) out.highest_paddr_end = s.paddr + s.memsz;
    }
    return ok_status();
}

Status read_notes(const uint8_t* img, size_t len, const Ehdr& eh, ElfImage& out, const Why& why) {
    size_t total = 0, nr_xen = 0;
    for (size_t i = 0; i < eh.phnum; ++i) {
        Elf64Phdr p = phdr(img, eh, out.is64, i);
        if (p.p_type != PT_NOTE || p.p_offset == 0) continue;
        if (!in_image(p.p_offset, p.p_filesz, len))
            return fail(why, Errno::XEN_EINVAL, "note segment %zu runs past the end of the file",
                        i);
        TRY(walk_notes(img, p.p_offset, p.p_filesz, {"note segment", i}, total, nr_xen, out, why));
    }
    if (nr_xen != 0) return ok_status();

    // Xen falls back to SHT_NOTE sections (index 0 is the null section).
    for (size_t i = 1; i < eh.shnum; ++i) {
        uint32_t type;
        uint64_t off, size;
        shdr(img, eh, out.is64, i, type, off, size);
        if (type != SHT_NOTE) continue;
        if (!in_image(off, size, len))
            return fail(why, Errno::XEN_EINVAL, "note section %zu runs past the end of the file",
                        i);
        TRY(walk_notes(img, off, size, {"note section", i}, total, nr_xen, out, why));
    }
    return ok_status();
}

} // namespace

Status elf_parse(const uint8_t* img, size_t len, ElfImage& out, char* why_buf, size_t why_len) {
    const Why why{why_buf, why_len};
    if (why_buf && why_len) why_buf[0] = '\0';
    memset(&out, 0, sizeof(out)); // not `out = {}`: no 1.3 KiB temporary on the stack
    if (!img && len != 0) return fail(why, Errno::XEN_EINVAL, "no image");

    Ehdr eh{};
    TRY(read_ehdr(img, len, out, eh, why));
    TRY(read_segments(img, len, eh, out, why));
    TRY(read_notes(img, len, eh, out, why));

    if (!out.has_phys32_entry)
        return fail(why, Errno::XEN_ENOEXEC, "no XEN_ELFNOTE_PHYS32_ENTRY: not a PVH kernel");
    for (size_t j = 0; j < out.nr_segs; ++j) {
        const auto& s = out.segs[j];
        if (out.phys32_entry >= s.paddr && out.phys32_entry - s.paddr < s.memsz) return ok_status();
    }
    return fail(why, Errno::XEN_EINVAL, "XEN_ELFNOTE_PHYS32_ENTRY 0x%x is not inside any segment",
                out.phys32_entry);
}

Status elf_load(const ElfImage& elf, const uint8_t* img, size_t len, GuestPhysWriter& out) {
    if (elf.nr_segs > elf_max_segments || !img) return Err(Errno::XEN_EINVAL);
    for (size_t i = 0; i < elf.nr_segs; ++i) {
        const auto& s = elf.segs[i];
        if (!in_image(s.offset, s.filesz, len) || s.filesz > s.memsz ||
            s.memsz - s.filesz > ~size_t{0})
            return Err(Errno::XEN_EINVAL);
        if (s.filesz) TRY(out.write(s.paddr, img + s.offset, static_cast<size_t>(s.filesz)));
        if (s.memsz > s.filesz)
            TRY(out.zero(s.paddr + s.filesz, static_cast<size_t>(s.memsz - s.filesz)));
    }
    return ok_status();
}

} // namespace cxen
