// ELF parsing and loading over synthetic ELF32/ELF64 images built here: good
// PVH kernels, and images broken one way at a time (every rejection checks
// the reason), plus a mutation test that must never crash (run under ASan).
#include "lib/loader/elf_image.hpp"

#include <cstring>
#include <elf.h>
#include <gtest/gtest.h>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace cxen;

namespace {

using Bytes = std::vector<uint8_t>;

template <typename T> void put(Bytes& b, size_t off, const T& v) {
    if (b.size() < off + sizeof(T)) b.resize(off + sizeof(T));
    std::memcpy(b.data() + off, &v, sizeof(T));
}
template <typename T> Bytes bytes_of(const T& v) {
    Bytes b(sizeof(T));
    std::memcpy(b.data(), &v, sizeof(T));
    return b;
}
Bytes str_bytes(const std::string& s) {
    Bytes b(s.begin(), s.end());
    b.push_back(0);
    return b;
}

// One note: header, name and value, each padded to 4 bytes.
Bytes note(const std::string& name, uint32_t type, const Bytes& desc, bool nul = true) {
    Bytes b;
    uint32_t namesz = static_cast<uint32_t>(name.size() + (nul ? 1 : 0));
    put(b, 0, namesz);
    put(b, 4, static_cast<uint32_t>(desc.size()));
    put(b, 8, type);
    b.insert(b.end(), name.begin(), name.end());
    if (nul) b.push_back(0);
    while (b.size() % 4)
        b.push_back(0);
    b.insert(b.end(), desc.begin(), desc.end());
    while (b.size() % 4)
        b.push_back(0);
    return b;
}
Bytes xen_note(uint32_t type, const Bytes& desc) {
    return note("Xen", type, desc);
}
Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

struct Seg {
    uint32_t type = PT_LOAD;
    uint32_t flags = PF_R | PF_X;
    uint64_t paddr = 0;
    uint64_t vaddr = 0;
    Bytes data;
    uint64_t memsz = 0; // 0: data.size()
};

// Builds an ELF image: header, program headers, segment data (16-byte
// aligned), SHT_NOTE section data, section headers (only if sections).
struct ElfBuilder {
    bool is64 = true;
    uint16_t machine = EM_X86_64;
    uint16_t type = ET_EXEC;
    uint64_t entry = 0xffffffff81000000;
    std::vector<Seg> segs;
    std::vector<Bytes> note_sections;

    // Offsets where each segment's data landed, for tests that patch them.
    std::vector<size_t> seg_offsets;
    size_t phoff = 0;

    Bytes build() {
        Bytes img;
        size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
        size_t phentsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
        size_t shentsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
        phoff = ehsize;
        size_t off = ehsize + phentsize * segs.size();
        seg_offsets.clear();
        img.resize(off);
        for (const auto& s : segs) {
            off = (off + 15) & ~size_t{15};
            seg_offsets.push_back(off);
            img.resize(off);
            img.insert(img.end(), s.data.begin(), s.data.end());
            off = img.size();
        }
        std::vector<size_t> sec_offsets;
        for (const auto& n : note_sections) {
            off = (off + 3) & ~size_t{3};
            img.resize(off);
            sec_offsets.push_back(off);
            img.insert(img.end(), n.begin(), n.end());
            off = img.size();
        }
        size_t shoff = 0, shnum = 0;
        if (!note_sections.empty()) {
            off = (off + 7) & ~size_t{7};
            shoff = off;
            shnum = note_sections.size() + 1;
            img.resize(shoff + shnum * shentsize, 0);
        }
        // Program headers.
        for (size_t i = 0; i < segs.size(); ++i) {
            const auto& s = segs[i];
            uint64_t memsz = s.memsz ? s.memsz : s.data.size();
            if (is64) {
                Elf64_Phdr p{};
                p.p_type = s.type;
                p.p_flags = s.flags;
                p.p_offset = seg_offsets[i];
                p.p_vaddr = s.vaddr;
                p.p_paddr = s.paddr;
                p.p_filesz = s.data.size();
                p.p_memsz = memsz;
                p.p_align = 16;
                put(img, phoff + i * phentsize, p);
            } else {
                Elf32_Phdr p{};
                p.p_type = s.type;
                p.p_flags = s.flags;
                p.p_offset = static_cast<uint32_t>(seg_offsets[i]);
                p.p_vaddr = static_cast<uint32_t>(s.vaddr);
                p.p_paddr = static_cast<uint32_t>(s.paddr);
                p.p_filesz = static_cast<uint32_t>(s.data.size());
                p.p_memsz = static_cast<uint32_t>(memsz);
                p.p_align = 16;
                put(img, phoff + i * phentsize, p);
            }
        }
        // Section headers (index 0 stays the null section).
        for (size_t i = 0; i < note_sections.size(); ++i) {
            size_t at = shoff + (i + 1) * shentsize;
            if (is64) {
                Elf64_Shdr sh{};
                sh.sh_type = SHT_NOTE;
                sh.sh_offset = sec_offsets[i];
                sh.sh_size = note_sections[i].size();
                sh.sh_addralign = 4;
                put(img, at, sh);
            } else {
                Elf32_Shdr sh{};
                sh.sh_type = SHT_NOTE;
                sh.sh_offset = static_cast<uint32_t>(sec_offsets[i]);
                sh.sh_size = static_cast<uint32_t>(note_sections[i].size());
                sh.sh_addralign = 4;
                put(img, at, sh);
            }
        }
        // ELF header.
        if (is64) {
            Elf64_Ehdr h{};
            std::memcpy(h.e_ident, ELFMAG, SELFMAG);
            h.e_ident[EI_CLASS] = ELFCLASS64;
            h.e_ident[EI_DATA] = ELFDATA2LSB;
            h.e_ident[EI_VERSION] = EV_CURRENT;
            h.e_type = type;
            h.e_machine = machine;
            h.e_version = EV_CURRENT;
            h.e_entry = entry;
            h.e_phoff = segs.empty() ? 0 : phoff;
            h.e_shoff = shoff;
            h.e_ehsize = sizeof(h);
            h.e_phentsize = sizeof(Elf64_Phdr);
            h.e_phnum = static_cast<uint16_t>(segs.size());
            h.e_shentsize = sizeof(Elf64_Shdr);
            h.e_shnum = static_cast<uint16_t>(shnum);
            put(img, 0, h);
        } else {
            Elf32_Ehdr h{};
            std::memcpy(h.e_ident, ELFMAG, SELFMAG);
            h.e_ident[EI_CLASS] = ELFCLASS32;
            h.e_ident[EI_DATA] = ELFDATA2LSB;
            h.e_ident[EI_VERSION] = EV_CURRENT;
            h.e_type = type;
            h.e_machine = machine;
            h.e_version = EV_CURRENT;
            h.e_entry = static_cast<uint32_t>(entry);
            h.e_phoff = segs.empty() ? 0 : static_cast<uint32_t>(phoff);
            h.e_shoff = static_cast<uint32_t>(shoff);
            h.e_ehsize = sizeof(h);
            h.e_phentsize = sizeof(Elf32_Phdr);
            h.e_phnum = static_cast<uint16_t>(segs.size());
            h.e_shentsize = sizeof(Elf32_Shdr);
            h.e_shnum = static_cast<uint16_t>(shnum);
            put(img, 0, h);
        }
        return img;
    }
};

Bytes pattern(size_t n, uint8_t seed) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = static_cast<uint8_t>(seed + i * 7);
    return b;
}

constexpr uint64_t text_paddr = 0x1000000; // Debian's CONFIG_PHYSICAL_START
constexpr uint64_t data_paddr = 0x1002000;
constexpr uint32_t pvh_entry = 0x1000040;

// The notes a Linux 6.1 x86-64 vmlinux carries (the ones this loader reads).
Bytes linux_notes(uint32_t entry = pvh_entry) {
    return xen_note(XEN_ELFNOTE_GUEST_OS, str_bytes("linux")) +
           xen_note(XEN_ELFNOTE_GUEST_VERSION, str_bytes("2.6")) +
           xen_note(XEN_ELFNOTE_XEN_VERSION, str_bytes("xen-3.0")) +
           xen_note(XEN_ELFNOTE_FEATURES, str_bytes("!writable_page_tables|pae_pgdir_above_4gb")) +
           xen_note(XEN_ELFNOTE_SUPPORTED_FEATURES,
                    bytes_of(uint32_t{(1u << XENFEAT_linux_rsdp_unrestricted) | 1u})) +
           xen_note(XEN_ELFNOTE_LOADER, str_bytes("generic")) +
           xen_note(XEN_ELFNOTE_ENTRY, bytes_of(uint64_t{0xffffffff81000180})) +
           xen_note(XEN_ELFNOTE_HYPERCALL_PAGE, bytes_of(uint64_t{0xffffffff81001000})) +
           xen_note(XEN_ELFNOTE_L1_MFN_VALID, Bytes(16, 1)) + // 16 bytes: not read
           xen_note(XEN_ELFNOTE_PHYS32_ENTRY, bytes_of(uint64_t{entry}));
}

// A PVH kernel: text (R-X), data+bss (RW-, memsz > filesz), notes.
ElfBuilder pvh_kernel(bool is64 = true) {
    ElfBuilder b;
    b.is64 = is64;
    b.machine = is64 ? EM_X86_64 : EM_386;
    b.entry = is64 ? 0xffffffff81000000 : 0xc1000000;
    b.segs.push_back({PT_LOAD, PF_R | PF_X, text_paddr, b.entry, pattern(0x1800, 1), 0});
    b.segs.push_back(
        {PT_LOAD, PF_R | PF_W, data_paddr, b.entry + 0x2000, pattern(0x300, 2), 0x5000});
    b.segs.push_back({PT_NOTE, PF_R, 0, 0, note("GNU", 3, pattern(20, 3)) + linux_notes(), 0});
    return b;
}

struct Parsed {
    Status st;
    ElfImage img;
    std::string why;
};

Parsed parse(const Bytes& b) {
    Parsed p{Status(), {}, {}};
    char why[160];
    std::memset(why, 'x', sizeof(why));
    p.st = elf_parse(b.data(), b.size(), p.img, why, sizeof(why));
    EXPECT_NE(std::memchr(why, 0, sizeof(why)), nullptr);
    p.why = why;
    if (p.st.ok())
        EXPECT_EQ(p.why, "");
    else
        EXPECT_NE(p.why, "") << "a rejection must say why";
    return p;
}

// Fails with `e` and a reason containing `text`.
void expect_reject(const Bytes& b, Errno e, const std::string& text) {
    Parsed p = parse(b);
    ASSERT_FALSE(p.st.ok());
    EXPECT_EQ(p.st.error(), e) << p.why;
    EXPECT_NE(p.why.find(text), std::string::npos) << "reason: " << p.why;
}

template <typename Hdr> void patch_ehdr(Bytes& b, void (*f)(Hdr&)) {
    Hdr h;
    std::memcpy(&h, b.data(), sizeof(h));
    f(h);
    std::memcpy(b.data(), &h, sizeof(h));
}

// ---- good images ----

TEST(ElfImage, ParsesElf64PvhKernel) {
    Parsed p = parse(pvh_kernel().build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    const ElfImage& e = p.img;
    EXPECT_TRUE(e.is64);
    EXPECT_EQ(e.machine, EM_X86_64);
    EXPECT_EQ(e.entry, 0xffffffff81000000u);
    ASSERT_EQ(e.nr_segs, 2u);
    EXPECT_EQ(e.segs[0].paddr, text_paddr);
    EXPECT_EQ(e.segs[0].filesz, 0x1800u);
    EXPECT_EQ(e.segs[0].memsz, 0x1800u);
    EXPECT_EQ(e.segs[0].flags, uint32_t{PF_R | PF_X});
    EXPECT_EQ(e.segs[1].paddr, data_paddr);
    EXPECT_EQ(e.segs[1].filesz, 0x300u);
    EXPECT_EQ(e.segs[1].memsz, 0x5000u);
    EXPECT_EQ(e.lowest_paddr, text_paddr);
    EXPECT_EQ(e.highest_paddr_end, data_paddr + 0x5000);
    EXPECT_TRUE(e.has_phys32_entry);
    EXPECT_EQ(e.phys32_entry, pvh_entry);
    EXPECT_STREQ(e.guest_os, "linux");
    EXPECT_STREQ(e.guest_version, "2.6");
    EXPECT_STREQ(e.xen_version, "xen-3.0");
    EXPECT_STREQ(e.loader, "generic");
    EXPECT_STREQ(e.features, "!writable_page_tables|pae_pgdir_above_4gb");
    EXPECT_TRUE(e.supports(XENFEAT_linux_rsdp_unrestricted));
    EXPECT_TRUE(e.supports(0));
    EXPECT_FALSE(e.supports(1));
    EXPECT_EQ(e.virt_entry, 0xffffffff81000180u);
    EXPECT_EQ(e.hypercall_page, 0xffffffff81001000u);
    EXPECT_TRUE(e.has_note(XenElfnote::PHYS32_ENTRY));
    EXPECT_TRUE(e.has_note(XenElfnote::GUEST_OS));
    EXPECT_FALSE(e.has_note(XenElfnote::VIRT_BASE));
}

TEST(ElfImage, ParsesElf32PvhKernelWithFourByteEntry) {
    ElfBuilder b = pvh_kernel(false);
    b.segs[2].data = xen_note(XEN_ELFNOTE_GUEST_OS, str_bytes("FreeBSD")) +
                     xen_note(XEN_ELFNOTE_PHYS32_ENTRY, bytes_of(uint32_t{pvh_entry}));
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_FALSE(p.img.is64);
    EXPECT_EQ(p.img.machine, EM_386);
    EXPECT_EQ(p.img.entry, 0xc1000000u);
    EXPECT_EQ(p.img.nr_segs, 2u);
    EXPECT_EQ(p.img.phys32_entry, pvh_entry);
    EXPECT_STREQ(p.img.guest_os, "FreeBSD");
    EXPECT_EQ(p.img.supported_features, 0u);
}

TEST(ElfImage, ReadsNotesFromShtNoteSectionWhenNoNoteSegmentHasXenNotes) {
    ElfBuilder b = pvh_kernel();
    b.segs[2].data = note("GNU", 3, pattern(20, 3)); // a note segment without Xen notes
    b.note_sections.push_back(linux_notes());
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_EQ(p.img.phys32_entry, pvh_entry);
    EXPECT_STREQ(p.img.guest_os, "linux");
}

TEST(ElfImage, NoteSegmentWinsOverSections) {
    ElfBuilder b = pvh_kernel();
    b.note_sections.push_back(linux_notes(0x1000100)); // not read: the segment has notes
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_EQ(p.img.phys32_entry, pvh_entry);
}

TEST(ElfImage, LaterNoteOverridesEarlierOne) {
    ElfBuilder b = pvh_kernel();
    b.segs[2].data =
        b.segs[2].data + xen_note(XEN_ELFNOTE_PHYS32_ENTRY, bytes_of(uint32_t{0x1000100}));
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_EQ(p.img.phys32_entry, 0x1000100u);
}

TEST(ElfImage, AcceptsXenOwnerNameWithoutNul) {
    ElfBuilder b = pvh_kernel();
    b.segs[2].data = note("Xen", XEN_ELFNOTE_PHYS32_ENTRY, bytes_of(uint32_t{pvh_entry}), false);
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_EQ(p.img.phys32_entry, pvh_entry);
}

TEST(ElfImage, SkipsEmptyAndNonRwxLoadSegments) {
    ElfBuilder b = pvh_kernel();
    b.segs.push_back({PT_LOAD, 0, 0x9000000, 0, pattern(64, 9), 0}); // no R/W/X: not loaded
    b.segs.push_back({PT_LOAD, PF_R, 0x1000000, 0, Bytes{}, 0});     // memsz 0
    b.segs.push_back({PT_GNU_STACK, PF_R | PF_W, 0, 0, Bytes{}, 0}); // other types
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_EQ(p.img.nr_segs, 2u);
    EXPECT_EQ(p.img.highest_paddr_end, data_paddr + 0x5000);
}

TEST(ElfImage, TruncatesLongStringsAndAcceptsUnterminatedOnes) {
    ElfBuilder b = pvh_kernel();
    Bytes os(100, 'a'); // no NUL, longer than guest_os
    Bytes feat = str_bytes(std::string(300, 'f'));
    b.segs[2].data =
        linux_notes() + xen_note(XEN_ELFNOTE_GUEST_OS, os) + xen_note(XEN_ELFNOTE_FEATURES, feat);
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_EQ(std::string(p.img.guest_os), std::string(31, 'a'));
    EXPECT_EQ(std::string(p.img.features), std::string(255, 'f'));
}

TEST(ElfImage, AcceptsNullWhyBuffer) {
    Bytes img = pvh_kernel().build();
    ElfImage e;
    EXPECT_TRUE(elf_parse(img.data(), img.size(), e, nullptr, 0).ok());
    EXPECT_EQ(elf_parse(img.data(), 10, e, nullptr, 0).error(), Errno::XEN_ENOEXEC);
    char one[1] = {'x'};
    EXPECT_FALSE(elf_parse(img.data(), 10, e, one, 1).ok());
    EXPECT_EQ(one[0], '\0');
    EXPECT_EQ(elf_parse(nullptr, 0, e, nullptr, 0).error(), Errno::XEN_ENOEXEC);
    EXPECT_EQ(elf_parse(nullptr, 64, e, nullptr, 0).error(), Errno::XEN_EINVAL);
}

// ---- not ELF, not x86, not PVH ----

TEST(ElfImage, RejectsNonElf) {
    expect_reject(Bytes{}, Errno::XEN_ENOEXEC, "not an ELF file");
    expect_reject(Bytes(100, 0), Errno::XEN_ENOEXEC, "not an ELF file");
    Bytes bz(1024, 0);
    std::memcpy(bz.data() + 0x202, "HdrS", 4); // a bzImage
    expect_reject(bz, Errno::XEN_ENOEXEC, "not an ELF file");
}

TEST(ElfImage, RejectsUnsupportedIdent) {
    Bytes img = pvh_kernel().build();
    Bytes b = img;
    b[EI_CLASS] = 3;
    expect_reject(b, Errno::XEN_ENOEXEC, "ELF class 3");
    b = img;
    b[EI_DATA] = ELFDATA2MSB;
    expect_reject(b, Errno::XEN_ENOEXEC, "little-endian");
    b = img;
    b[EI_VERSION] = 2;
    expect_reject(b, Errno::XEN_ENOEXEC, "ELF version");
}

TEST(ElfImage, RejectsOtherMachinesAndTypes) {
    ElfBuilder b = pvh_kernel();
    b.machine = EM_AARCH64;
    expect_reject(b.build(), Errno::XEN_ENOEXEC, "machine 183");
    b = pvh_kernel();
    b.type = ET_REL;
    expect_reject(b.build(), Errno::XEN_ENOEXEC, "not an executable");
    b = pvh_kernel();
    b.type = ET_DYN; // loaded at its p_paddrs, as Xen does
    EXPECT_TRUE(parse(b.build()).st.ok());
}

TEST(ElfImage, RejectsKernelWithoutNotesAsNotPvh) {
    ElfBuilder b = pvh_kernel();
    b.segs.pop_back();
    expect_reject(b.build(), Errno::XEN_ENOEXEC, "no XEN_ELFNOTE_PHYS32_ENTRY: not a PVH kernel");
}

TEST(ElfImage, RejectsPvOnlyKernelAsNotPvh) {
    ElfBuilder b = pvh_kernel();
    b.segs[2].data = xen_note(XEN_ELFNOTE_GUEST_OS, str_bytes("linux")) +
                     xen_note(XEN_ELFNOTE_ENTRY, bytes_of(uint64_t{0xffffffff81000180}));
    expect_reject(b.build(), Errno::XEN_ENOEXEC, "not a PVH kernel");
}

TEST(ElfImage, IgnoresPhys32EntryUnderAnotherOwner) {
    ElfBuilder b = pvh_kernel();
    b.segs[2].data = note("Xen2", XEN_ELFNOTE_PHYS32_ENTRY, bytes_of(uint32_t{pvh_entry})) +
                     note("Xe", XEN_ELFNOTE_PHYS32_ENTRY, bytes_of(uint32_t{pvh_entry}));
    expect_reject(b.build(), Errno::XEN_ENOEXEC, "not a PVH kernel");
}

TEST(ElfImage, RejectsEntryOutsideEverySegment) {
    ElfBuilder b = pvh_kernel();
    b.segs[2].data = linux_notes(0x2000000);
    expect_reject(b.build(), Errno::XEN_EINVAL, "0x2000000 is not inside any segment");
}

// ---- headers ----

TEST(ElfImage, RejectsEveryTruncationOfTheHeaders) {
    for (bool is64 : {true, false}) {
        Bytes img = pvh_kernel(is64).build();
        size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
        for (size_t n = 0; n < ehsize; ++n) {
            Bytes b(img.begin(), img.begin() + n);
            Parsed p = parse(b);
            EXPECT_FALSE(p.st.ok()) << n;
        }
        Bytes b(img.begin(), img.begin() + ehsize + 10);
        expect_reject(b, Errno::XEN_EINVAL, "program headers");
        b.assign(img.begin(), img.begin() + ehsize - 1);
        expect_reject(b, Errno::XEN_EINVAL, "truncated ELF header");
    }
}

TEST(ElfImage, EveryTruncationFailsCleanly) {
    Bytes img = pvh_kernel().build();
    for (size_t n = 0; n < img.size(); ++n) {
        Bytes b(img.begin(), img.begin() + n); // exact size: ASan sees overreads
        EXPECT_FALSE(parse(b).st.ok()) << n;
    }
}

TEST(ElfImage, RejectsHugeProgramHeaderCount) {
    Bytes img = pvh_kernel().build();
    patch_ehdr<Elf64_Ehdr>(img, [](Elf64_Ehdr& h) { h.e_phnum = 0xfffe; });
    expect_reject(img, Errno::XEN_EINVAL, "program headers (65534 at offset 0x40) run past");
    patch_ehdr<Elf64_Ehdr>(img, [](Elf64_Ehdr& h) { h.e_phnum = PN_XNUM; });
    expect_reject(img, Errno::XEN_EINVAL, "extended program header numbering");
}

TEST(ElfImage, RejectsWrappingHeaderOffsets) {
    Bytes img = pvh_kernel().build();
    Bytes b = img;
    patch_ehdr<Elf64_Ehdr>(b, [](Elf64_Ehdr& h) { h.e_phoff = ~uint64_t{0} - 8; });
    expect_reject(b, Errno::XEN_EINVAL, "program headers");
    b = img;
    patch_ehdr<Elf64_Ehdr>(b, [](Elf64_Ehdr& h) {
        h.e_shoff = ~uint64_t{0} - 8;
        h.e_shnum = 3;
    });
    expect_reject(b, Errno::XEN_EINVAL, "section headers");
}

TEST(ElfImage, RejectsWrongHeaderEntrySizes) {
    Bytes img = pvh_kernel().build();
    Bytes b = img;
    patch_ehdr<Elf64_Ehdr>(b, [](Elf64_Ehdr& h) { h.e_phentsize = 32; });
    expect_reject(b, Errno::XEN_EINVAL, "e_phentsize 32");
    b = img;
    patch_ehdr<Elf64_Ehdr>(b, [](Elf64_Ehdr& h) { h.e_ehsize = 52; });
    expect_reject(b, Errno::XEN_EINVAL, "e_ehsize 52");
    ElfBuilder sb = pvh_kernel();
    sb.note_sections.push_back(linux_notes());
    b = sb.build();
    patch_ehdr<Elf64_Ehdr>(b, [](Elf64_Ehdr& h) { h.e_shentsize = 40; });
    expect_reject(b, Errno::XEN_EINVAL, "e_shentsize 40");
}

// ---- segments ----

TEST(ElfImage, RejectsSegmentPastEndOfFile) {
    ElfBuilder b = pvh_kernel();
    Bytes img = b.build();
    Elf64_Phdr ph;
    std::memcpy(&ph, img.data() + b.phoff + sizeof(ph), sizeof(ph));
    ph.p_filesz = img.size(); // offset + filesz > size
    std::memcpy(img.data() + b.phoff + sizeof(ph), &ph, sizeof(ph));
    expect_reject(img, Errno::XEN_EINVAL, "segment 1 runs past the end of the file");

    ph.p_offset = ~uint64_t{0} - 0x10; // offset + filesz wraps
    ph.p_filesz = 0x100;
    std::memcpy(img.data() + b.phoff + sizeof(ph), &ph, sizeof(ph));
    expect_reject(img, Errno::XEN_EINVAL, "segment 1 runs past the end of the file");
}

TEST(ElfImage, RejectsFileszLargerThanMemsz) {
    ElfBuilder b = pvh_kernel();
    b.segs[1].memsz = 0x100; // data is 0x300 bytes
    expect_reject(b.build(), Errno::XEN_EINVAL, "segment 1: p_filesz 0x300 > p_memsz 0x100");
}

TEST(ElfImage, RejectsSegmentWrappingTheAddressSpace) {
    ElfBuilder b = pvh_kernel();
    b.segs.push_back({PT_LOAD, PF_R, 0xfffffffffffff000, 0, pattern(16, 4), 0x2000});
    expect_reject(b.build(), Errno::XEN_EINVAL, "segment 3 wraps around the address space");
    b.segs.back().memsz = 0x1000; // ends exactly at 2^64
    expect_reject(b.build(), Errno::XEN_EINVAL, "ends at the top of memory");
}

TEST(ElfImage, Elf32SegmentMayEndAbove4GiB) {
    // 32-bit fields cannot wrap the 64-bit sums: this segment ends at 4 GiB + 4 KiB.
    ElfBuilder b = pvh_kernel(false);
    b.segs.push_back({PT_LOAD, PF_R, 0xfffff000, 0, pattern(16, 4), 0x2000});
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_EQ(p.img.highest_paddr_end, 0x100001000u);
}

TEST(ElfImage, RejectsOverlappingSegments) {
    ElfBuilder b = pvh_kernel();
    b.segs[1].paddr = text_paddr + 0x1000; // inside the text segment
    expect_reject(b.build(), Errno::XEN_EINVAL, "overlaps an earlier segment");
    b = pvh_kernel();
    b.segs[1].paddr = text_paddr - 0x4000; // its bss runs into the text segment
    expect_reject(b.build(), Errno::XEN_EINVAL, "segment 1");
    b = pvh_kernel();
    b.segs[1].paddr = text_paddr + 0x1800; // adjacent is fine
    EXPECT_TRUE(parse(b.build()).st.ok());
}

TEST(ElfImage, RejectsTooManySegments) {
    ElfBuilder b = pvh_kernel();
    for (uint64_t i = 0; i < elf_max_segments - 2; ++i)
        b.segs.push_back({PT_LOAD, PF_R, 0x4000000 + i * 0x1000, 0, pattern(8, 5), 0});
    EXPECT_TRUE(parse(b.build()).st.ok()); // 16 loadable segments
    b.segs.push_back({PT_LOAD, PF_R, 0x5000000, 0, pattern(8, 5), 0});
    expect_reject(b.build(), Errno::XEN_EINVAL, "more than 16 PT_LOAD segments");
}

TEST(ElfImage, RejectsImageWithoutLoadSegments) {
    ElfBuilder b;
    b.segs.push_back({PT_NOTE, PF_R, 0, 0, linux_notes(), 0});
    expect_reject(b.build(), Errno::XEN_EINVAL, "no loadable PT_LOAD segment");
}

// ---- notes with bad sizes ----

TEST(ElfImage, RejectsNoteRunningPastItsSegment) {
    ElfBuilder b = pvh_kernel();
    Bytes n = xen_note(XEN_ELFNOTE_PHYS32_ENTRY, bytes_of(uint32_t{pvh_entry}));
    put(n, 4, uint32_t{0xfffffff0}); // descsz
    b.segs[2].data = n;
    expect_reject(b.build(), Errno::XEN_EINVAL, "runs past its end");
    put(n, 4, uint32_t{4});
    put(n, 0, uint32_t{0xffffffff}); // namesz
    b.segs[2].data = n;
    expect_reject(b.build(), Errno::XEN_EINVAL, "runs past its end");
    put(n, 0, uint32_t{4});
    n.resize(n.size() - 2); // value cut short
    b.segs[2].data = n;
    expect_reject(b.build(), Errno::XEN_EINVAL, "note at offset 0x0 of note segment 2");
}

TEST(ElfImage, RejectsNoteSegmentPastEndOfFile) {
    ElfBuilder b = pvh_kernel();
    Bytes img = b.build();
    Elf64_Phdr ph;
    std::memcpy(&ph, img.data() + b.phoff + 2 * sizeof(ph), sizeof(ph));
    ph.p_filesz = 1u << 20;
    std::memcpy(img.data() + b.phoff + 2 * sizeof(ph), &ph, sizeof(ph));
    expect_reject(img, Errno::XEN_EINVAL, "note segment 2 runs past the end of the file");
}

TEST(ElfImage, RejectsBadPhys32EntrySizesAndValues) {
    ElfBuilder b = pvh_kernel();
    for (size_t sz : {0, 1, 2, 3, 5, 16}) {
        b.segs[2].data = xen_note(XEN_ELFNOTE_PHYS32_ENTRY, Bytes(sz, 0));
        expect_reject(b.build(), Errno::XEN_EINVAL, "PHYS32_ENTRY in note segment 2 has a");
    }
    b.segs[2].data = xen_note(XEN_ELFNOTE_PHYS32_ENTRY, bytes_of(uint64_t{0x100001000}));
    expect_reject(b.build(), Errno::XEN_EINVAL, "does not fit in 32 bits");
}

TEST(ElfImage, RejectsBadNumericAndFeatureNoteSizes) {
    ElfBuilder b = pvh_kernel();
    b.segs[2].data = linux_notes() + xen_note(XEN_ELFNOTE_HYPERCALL_PAGE, Bytes(3, 0));
    expect_reject(b.build(), Errno::XEN_EINVAL,
                  "XEN_ELFNOTE_HYPERCALL_PAGE in note segment 2 "
                  "has a 3-byte value");
    b.segs[2].data = linux_notes() + xen_note(XEN_ELFNOTE_SUPPORTED_FEATURES, Bytes(6, 0));
    expect_reject(b.build(), Errno::XEN_EINVAL, "SUPPORTED_FEATURES");
    // One- and two-byte numeric values are fine (Xen reads 1, 2, 4, 8).
    b.segs[2].data = linux_notes() + xen_note(XEN_ELFNOTE_VIRT_BASE, Bytes{0x12, 0x34});
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_EQ(p.img.virt_base, 0x3412u);
}

TEST(ElfImage, ToleratesTrailingPaddingInNoteSegment) {
    ElfBuilder b = pvh_kernel();
    b.segs[2].data = linux_notes() + Bytes(8, 0);
    EXPECT_TRUE(parse(b.build()).st.ok());
    // A last note without its value padding (3-byte string) is fine too.
    Bytes n = linux_notes() + xen_note(XEN_ELFNOTE_LOADER, Bytes{'a', 'b', 'c'});
    n.pop_back();
    b.segs[2].data = n;
    Parsed p = parse(b.build());
    ASSERT_TRUE(p.st.ok()) << p.why;
    EXPECT_STREQ(p.img.loader, "abc");
}

TEST(ElfImage, RejectsTooManyNotes) {
    ElfBuilder b = pvh_kernel();
    Bytes many;
    Bytes one = note("", 0, {}); // 12 bytes
    for (size_t i = 0; i < elf_max_notes + 1; ++i)
        many.insert(many.end(), one.begin(), one.end());
    b.segs[2].data = linux_notes() + many;
    expect_reject(b.build(), Errno::XEN_EINVAL, "more than 65536 ELF notes");
}

TEST(ElfImage, SkipsNoteSegmentAtOffsetZero) {
    // binutils quirk (Xen skips these too): a PT_NOTE with p_offset 0.
    ElfBuilder b = pvh_kernel();
    Bytes img = b.build();
    Elf64_Phdr ph;
    std::memcpy(&ph, img.data() + b.phoff + 2 * sizeof(ph), sizeof(ph));
    ph.p_offset = 0;
    std::memcpy(img.data() + b.phoff + 2 * sizeof(ph), &ph, sizeof(ph));
    expect_reject(img, Errno::XEN_ENOEXEC, "not a PVH kernel");
}

// ---- loading ----

// Guest memory as a sparse byte map; records the calls.
class FakeGuest final : public GuestPhysWriter {
  public:
    Status write(uint64_t gpa, const void* src, size_t len) override {
        calls.push_back({'w', gpa, len});
        if (fail_at == calls.size()) return Err(Errno::XEN_EFAULT);
        auto* p = static_cast<const uint8_t*>(src);
        for (size_t i = 0; i < len; ++i)
            mem[gpa + i] = p[i];
        return ok_status();
    }
    Status zero(uint64_t gpa, size_t len) override {
        calls.push_back({'z', gpa, len});
        if (fail_at == calls.size()) return Err(Errno::XEN_EFAULT);
        for (size_t i = 0; i < len; ++i)
            mem[gpa + i] = 0;
        return ok_status();
    }
    struct Call {
        char op;
        uint64_t gpa;
        size_t len;
        bool operator==(const Call&) const = default;
    };
    std::vector<Call> calls;
    std::map<uint64_t, uint8_t> mem;
    size_t fail_at = 0; // 1-based call number that fails; 0 none
};

TEST(ElfImage, LoadCopiesFileBytesAndZeroesBss) {
    ElfBuilder b = pvh_kernel();
    Bytes img = b.build();
    Parsed p = parse(img);
    ASSERT_TRUE(p.st.ok()) << p.why;
    FakeGuest g;
    ASSERT_TRUE(elf_load(p.img, img.data(), img.size(), g).ok());
    std::vector<FakeGuest::Call> want = {{'w', text_paddr, 0x1800},
                                         {'w', data_paddr, 0x300},
                                         {'z', data_paddr + 0x300, 0x5000 - 0x300}};
    EXPECT_EQ(g.calls, want);
    for (size_t i = 0; i < 0x1800; ++i)
        ASSERT_EQ(g.mem[text_paddr + i], b.segs[0].data[i]) << i;
    for (size_t i = 0; i < 0x5000; ++i)
        ASSERT_EQ(g.mem[data_paddr + i], i < 0x300 ? b.segs[1].data[i] : 0) << i;
}

TEST(ElfImage, LoadPropagatesWriterErrors) {
    Bytes img = pvh_kernel().build();
    Parsed p = parse(img);
    ASSERT_TRUE(p.st.ok());
    FakeGuest g;
    g.fail_at = 2;
    EXPECT_EQ(elf_load(p.img, img.data(), img.size(), g).error(), Errno::XEN_EFAULT);
    EXPECT_EQ(g.calls.size(), 2u);
}

TEST(ElfImage, LoadRechecksBoundsAgainstTheImageGiven) {
    Bytes img = pvh_kernel().build();
    Parsed p = parse(img);
    ASSERT_TRUE(p.st.ok());
    FakeGuest g;
    EXPECT_EQ(elf_load(p.img, img.data(), 100, g).error(), Errno::XEN_EINVAL);
    EXPECT_TRUE(g.calls.empty());
    ElfImage bad = p.img;
    bad.nr_segs = elf_max_segments + 1;
    EXPECT_EQ(elf_load(bad, img.data(), img.size(), g).error(), Errno::XEN_EINVAL);
}

// ---- robustness ----

// Random mutations of good images never crash (ASan/UBSan watch), and
// whatever is accepted satisfies the documented invariants.
TEST(ElfImage, RandomMutationsNeverCrash) {
    std::mt19937_64 rng(0x5eed);
    std::vector<Bytes> seeds;
    seeds.push_back(pvh_kernel(true).build());
    seeds.push_back(pvh_kernel(false).build());
    ElfBuilder s = pvh_kernel();
    s.segs[2].data = note("GNU", 3, pattern(20, 3));
    s.note_sections.push_back(linux_notes());
    seeds.push_back(s.build());

    size_t accepted = 0;
    for (int iter = 0; iter < 30000; ++iter) {
        Bytes b = seeds[rng() % seeds.size()];
        int nmut = 1 + static_cast<int>(rng() % 8);
        for (int m = 0; m < nmut; ++m) {
            switch (rng() % 5) {
            case 0:
                b[rng() % b.size()] = static_cast<uint8_t>(rng());
                break;
            case 1:
                b[rng() % b.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
                break;
            case 2: { // a random 32- or 64-bit word, often an extreme value
                uint64_t vals[] = {0,          1,     0xffffffff, ~uint64_t{0},
                                   0x7fffffff, rng(), b.size(),   b.size() + 1};
                uint64_t v = vals[rng() % 8];
                size_t w = (rng() % 2) ? 8 : 4;
                if (b.size() >= w) std::memcpy(b.data() + rng() % (b.size() - w + 1), &v, w);
                break;
            }
            case 3:
                b.resize(rng() % (b.size() + 1));
                break;
            case 4:
                b.resize(b.size() + rng() % 64, static_cast<uint8_t>(rng()));
                break;
            }
            if (b.empty()) b.push_back(0x7f);
        }
        Bytes exact(b); // heap block of exactly the image size
        ElfImage e;
        char why[96];
        Status st = elf_parse(exact.data(), exact.size(), e, why, sizeof(why));
        ASSERT_NE(std::memchr(why, 0, sizeof(why)), nullptr);
        if (!st.ok()) continue;
        ++accepted;
        ASSERT_TRUE(e.has_phys32_entry);
        ASSERT_GE(e.nr_segs, 1u);
        ASSERT_LE(e.nr_segs, elf_max_segments);
        for (size_t i = 0; i < e.nr_segs; ++i) {
            const auto& sg = e.segs[i];
            ASSERT_LE(sg.offset, exact.size());
            ASSERT_LE(sg.filesz, exact.size() - sg.offset);
            ASSERT_LE(sg.filesz, sg.memsz);
            ASSERT_GT(sg.memsz, 0u);
            ASSERT_GE(sg.paddr, e.lowest_paddr);
            ASSERT_LE(sg.paddr + sg.memsz, e.highest_paddr_end);
        }
        ASSERT_LT(std::strlen(e.guest_os), sizeof(e.guest_os));
        ASSERT_LT(std::strlen(e.features), sizeof(e.features));
        // Load without materialising gigabytes: a writer that only checks.
        struct Checker final : GuestPhysWriter {
            const uint8_t* lo;
            const uint8_t* hi;
            Status write(uint64_t, const void* src, size_t len) override {
                auto* p = static_cast<const uint8_t*>(src);
                EXPECT_TRUE(p >= lo && len <= static_cast<size_t>(hi - p));
                return ok_status();
            }
            Status zero(uint64_t, size_t) override { return ok_status(); }
        } chk;
        chk.lo = exact.data();
        chk.hi = exact.data() + exact.size();
        ASSERT_TRUE(elf_load(e, exact.data(), exact.size(), chk).ok());
    }
    EXPECT_GT(accepted, 100u) << "mutations should leave some images valid";
}

} // namespace
