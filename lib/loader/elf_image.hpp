// ELF kernel images for the PVH domain builder: validate an ELF32/ELF64
// little-endian x86 image held in memory, list what must be loaded, read its
// Xen ELF notes, and copy it into guest-physical memory.
//
// The image is untrusted (a boot module, or later a file from the control
// domain): every offset, size and count is bounded against the image before
// it is used, and a bad image is rejected with a reason a person can act on.
//
// What is loaded follows Xen's libelf for HVM/PVH containers
// (xen/common/libelf/libelf-loader.c elf_parse_binary/elf_load_binary,
// libelf-dominfo.c elf_xen_parse): every PT_LOAD segment with at least one of
// PF_R/PF_W/PF_X is copied to its **p_paddr** (PVH forces virt_base and
// paddr_offset to 0, so nothing is relocated), p_memsz - p_filesz bytes after
// the file bytes are zeroed, and p_vaddr is never used.
// Layouts: System V ABI, "ELF" chapter (gABI 4.1) and its x86-64 supplement.
#pragma once

#include "abi/xen/elfnote.hpp"
#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen {

/// Most PT_LOAD segments an image may have (Linux vmlinux has 4-6).
constexpr size_t elf_max_segments = 16;
/// Most notes (of any owner) walked in one image, as Xen's libelf
/// (ELF_MAX_TOTAL_NOTE_COUNT); beyond it the image is rejected.
constexpr size_t elf_max_notes = 65536;

/// What elf_parse() learnt about an image. Strings are NUL-terminated and
/// truncated to their buffer (Xen itself keeps 16 bytes of guest_os).
struct ElfImage {
    /// One loadable segment. All values are the program header's.
    struct Segment {
        uint64_t paddr;  ///< p_paddr: guest-physical load address
        uint64_t vaddr;  ///< p_vaddr: for information only, never used to load
        uint64_t offset; ///< p_offset: the file bytes start here in the image
        uint64_t filesz; ///< p_filesz: bytes copied from the image
        uint64_t memsz;  ///< p_memsz >= filesz; bytes past filesz are zeroed
        uint32_t flags;  ///< p_flags: PF_X 1, PF_W 2, PF_R 4
    };

    bool is64;        ///< ELFCLASS64 (else ELFCLASS32)
    uint16_t machine; ///< e_machine: EM_386 (3) or EM_X86_64 (62)
    uint64_t entry;   ///< e_entry (a virtual address; PVH enters at phys32_entry)

    Segment segs[elf_max_segments]; ///< PT_LOAD order, non-empty and pairwise disjoint
    size_t nr_segs;
    uint64_t lowest_paddr;      ///< min(paddr) over segs
    uint64_t highest_paddr_end; ///< max(paddr + memsz) over segs (includes bss/brk)

    bool has_phys32_entry; ///< XEN_ELFNOTE_PHYS32_ENTRY present (always, after a good parse)
    uint32_t phys32_entry; ///< PVH entry point, a physical address inside a segment

    uint32_t notes_seen;         ///< bit n set: a Xen note of type n (< 32) was read
    char guest_os[32];           ///< XEN_ELFNOTE_GUEST_OS, e.g. "linux"; "" if absent
    char guest_version[32];      ///< XEN_ELFNOTE_GUEST_VERSION
    char xen_version[32];        ///< XEN_ELFNOTE_XEN_VERSION, e.g. "xen-3.0"
    char loader[32];             ///< XEN_ELFNOTE_LOADER, e.g. "generic"
    char features[256];          ///< XEN_ELFNOTE_FEATURES, e.g. "!writable_page_tables|..."
    uint32_t supported_features; ///< XEN_ELFNOTE_SUPPORTED_FEATURES word 0 (XENFEAT_* bits)
    uint64_t virt_entry;         ///< XEN_ELFNOTE_ENTRY (PV)
    uint64_t hypercall_page;     ///< XEN_ELFNOTE_HYPERCALL_PAGE (virtual address)
    uint64_t virt_base;          ///< XEN_ELFNOTE_VIRT_BASE (PV; ignored for PVH)
    uint64_t paddr_offset;       ///< XEN_ELFNOTE_PADDR_OFFSET (PV; ignored for PVH)

    bool has_note(XenElfnote n) const { return raw(n) < 32 && (notes_seen >> raw(n)) & 1; }
    /// The kernel sets XENFEAT `bit` (< 32) in SUPPORTED_FEATURES.
    bool supports(unsigned bit) const { return bit < 32 && (supported_features >> bit) & 1; }
};

/// Parse and validate the ELF image `img` (`len` bytes) as a PVH kernel.
///
/// Checks: ELF magic, ELFCLASS32/64, ELFDATA2LSB, EV_CURRENT, ET_EXEC or
/// ET_DYN, e_machine EM_386 or EM_X86_64; program and section header tables
/// of the class's entry size lying inside the image; each loadable PT_LOAD
/// (type PT_LOAD with any of PF_R/W/X; p_memsz 0 skipped) has its file bytes
/// inside the image, p_memsz >= p_filesz, [p_paddr, p_paddr + p_memsz) not
/// wrapping and not overlapping another segment; at most elf_max_segments.
/// Notes: Xen notes are read from PT_NOTE segments (those with p_offset 0
/// skipped, a binutils quirk Xen also skips) and, only if those hold none,
/// from SHT_NOTE sections. A note whose header, name or value runs past its
/// segment/section is an error; the numeric notes used here must be 1, 2, 4
/// or 8 bytes (PHYS32_ENTRY: 4 or 8, the value below 2^32), SUPPORTED_FEATURES
/// a multiple of 4. Later notes of the same type override earlier ones, as in
/// Xen; SUPPORTED_FEATURES words are OR-ed. Other note types are skipped.
/// Finally the image must carry XEN_ELFNOTE_PHYS32_ENTRY, inside a segment.
///
/// On failure `why` (if non-null, `why_len` > 0) receives one line such as
/// "not an ELF file", "segment 2 runs past the end of the file" or
/// "no XEN_ELFNOTE_PHYS32_ENTRY: not a PVH kernel"; `out` is then unspecified.
/// Source: System V gABI; Xen libelf (see the file comment).
/// Errors: -ENOEXEC not an ELF image for x86 (magic, class, byte order,
///         version, type, machine) or not a PVH kernel (no PHYS32_ENTRY);
///         -EINVAL anything malformed (bounds, sizes, counts, overlaps), or
///         `img` null with `len` non-zero.
[[nodiscard]] Status elf_parse(const uint8_t* img, size_t len, ElfImage& out, char* why,
                               size_t why_len);

/// Destination of elf_load(): guest-physical memory of the domain being
/// built. Implementations check that the range is guest RAM they may write.
struct GuestPhysWriter {
    /// Copy `len` bytes from `src` to guest-physical `gpa`.
    /// Errors: whatever the implementation reports (e.g. -EFAULT not RAM).
    [[nodiscard]] virtual Status write(uint64_t gpa, const void* src, size_t len) = 0;
    /// Fill `len` bytes at guest-physical `gpa` with zeros.
    [[nodiscard]] virtual Status zero(uint64_t gpa, size_t len) = 0;

  protected:
    ~GuestPhysWriter() = default;
};

/// Load the segments elf_parse() found: for each, write p_filesz bytes from
/// the image to p_paddr, then zero p_memsz - p_filesz bytes after them. Zero
/// lengths are not passed to `out`. `img`/`len` must be the parsed image;
/// bounds are re-checked so that a mismatched pair cannot read out of it.
/// Errors: -EINVAL a segment lies outside `len` bytes; the first error from
///         `out`, unchanged (segments before it are already written).
[[nodiscard]] Status elf_load(const ElfImage& elf, const uint8_t* img, size_t len,
                              GuestPhysWriter& out);

} // namespace cxen
