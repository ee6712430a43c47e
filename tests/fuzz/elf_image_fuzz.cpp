// libFuzzer target: the guest kernel ELF loader of the PVH domain builder
// (lib/loader/elf_image.cpp: ELF headers, PT_LOAD segments,
// Xen ELF notes in PT_NOTE segments and SHT_NOTE sections) on arbitrary
// bytes, then elf_load() of what it accepted into a recording guest memory.
// Built and run briefly by tests/fuzz/CMakeLists.txt.
//
// Input: the ELF file itself. Seeds: seeds/elf_image (small PVH kernels made
// by seeds/gen_seeds.py; a stripped guest from build/guests works too).
//
// Properties: a rejected image comes with -ENOEXEC or -EINVAL and a reason
// that fits its buffer; an accepted one has 1..16 non-empty, pairwise
// disjoint segments whose file bytes lie inside the input, p_filesz <=
// p_memsz, lowest/highest paddr matching the segments, a PHYS32 entry inside
// a segment and terminated strings; elf_load() then writes exactly each
// segment's file bytes (from inside the input) to its paddr and zeroes the
// rest of its memsz, and nothing else.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lib/loader/elf_image.hpp"
#include "fuzz_support.hpp"

using namespace cxen;
using fuzz::check;

namespace {

// Checks each write/zero elf_load() makes against the segment it must come
// from, in order; no guest memory is allocated (memsz may be huge).
struct RecordingWriter final : GuestPhysWriter {
    const ElfImage* elf;
    const uint8_t* img;
    size_t len;
    size_t seg = 0;
    bool wrote = false, zeroed = false; // for segs[seg]

    void next_if_done() {
        const auto& s = elf->segs[seg];
        if ((wrote || s.filesz == 0) && (zeroed || s.memsz == s.filesz)) {
            ++seg;
            wrote = zeroed = false;
        }
    }
    Status write(uint64_t gpa, const void* src, size_t n) override {
        check(seg < elf->nr_segs, "write belongs to a segment");
        const auto& s = elf->segs[seg];
        check(!wrote && n != 0 && gpa == s.paddr && n == s.filesz, "write is the file bytes");
        const auto* p = static_cast<const uint8_t*>(src);
        check(p >= img && n <= len && static_cast<size_t>(p - img) <= len - n &&
                  static_cast<uint64_t>(p - img) == s.offset,
              "write source inside the image, at p_offset");
        volatile uint8_t touch = p[0] ^ p[n - 1]; // ASan checks the ends
        (void)touch;
        wrote = true;
        next_if_done();
        return ok_status();
    }
    Status zero(uint64_t gpa, size_t n) override {
        check(seg < elf->nr_segs, "zero belongs to a segment");
        const auto& s = elf->segs[seg];
        check(!zeroed && (wrote || s.filesz == 0), "zero after the file bytes");
        check(n != 0 && gpa == s.paddr + s.filesz && n == s.memsz - s.filesz,
              "zero is the rest of memsz");
        zeroed = true;
        next_if_done();
        return ok_status();
    }
};

void check_image(const ElfImage& e, size_t len) {
    check(e.nr_segs >= 1 && e.nr_segs <= elf_max_segments, "1..16 segments");
    check(e.machine == 3 || e.machine == 62, "x86 machine");
    uint64_t lo = ~uint64_t{0}, hi = 0;
    for (size_t i = 0; i < e.nr_segs; ++i) {
        const auto& s = e.segs[i];
        check(s.offset <= len && s.filesz <= len - s.offset, "segment file bytes inside the input");
        check(s.filesz <= s.memsz && s.memsz != 0, "0 < memsz >= filesz");
        check(s.paddr + (s.memsz - 1) >= s.paddr, "segment does not wrap");
        check(s.paddr + s.memsz != 0, "segment end representable");
        check(s.flags & 7, "segment is loadable (R, W or X)");
        for (size_t j = 0; j < i; ++j) {
            const auto& t = e.segs[j];
            check(s.paddr + s.memsz <= t.paddr || t.paddr + t.memsz <= s.paddr,
                  "segments disjoint");
        }
        if (s.paddr < lo) lo = s.paddr;
        if (s.paddr + s.memsz > hi) hi = s.paddr + s.memsz;
    }
    check(e.lowest_paddr == lo && e.highest_paddr_end == hi, "lowest/highest paddr");
    check(e.has_phys32_entry && e.has_note(XenElfnote::PHYS32_ENTRY), "PHYS32_ENTRY seen");
    bool inside = false;
    for (size_t i = 0; i < e.nr_segs; ++i)
        inside |= e.phys32_entry >= e.segs[i].paddr &&
                  e.phys32_entry - e.segs[i].paddr < e.segs[i].memsz;
    check(inside, "PHYS32 entry inside a segment");
    check(fuzz::terminated(e.guest_os) && fuzz::terminated(e.guest_version) &&
              fuzz::terminated(e.xen_version) && fuzz::terminated(e.loader) &&
              fuzz::terminated(e.features),
          "note strings terminated");
}

ElfImage elf; // ~1.3 KiB: static, as in the hypervisor

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A short buffer too, to exercise truncation of the reason.
    char why[160], short_why[8];
    std::memset(why, 0x55, sizeof(why));
    Status st = elf_parse(data, size, elf, why, sizeof(why));
    fuzz::report("elf: error %d (%s), %zu segments, entry %#x, guest_os \"%s\"\n",
                 static_cast<int>(st.error()), st.ok() ? "" : why, elf.nr_segs, elf.phys32_entry,
                 elf.guest_os);
    if (!st.ok()) {
        check(st.error() == Errno::XEN_ENOEXEC || st.error() == Errno::XEN_EINVAL,
              "errors are -ENOEXEC or -EINVAL");
        check(why[0] != '\0' && std::memchr(why, '\0', sizeof(why)) != nullptr,
              "a failure has a terminated reason");
        Status again = elf_parse(data, size, elf, short_why, sizeof(short_why));
        check(again.error() == st.error() && short_why[sizeof(short_why) - 1] == '\0' &&
                  std::strncmp(why, short_why, sizeof(short_why) - 1) == 0,
              "reason truncated, same error");
        return 0;
    }
    check(why[0] == '\0', "success leaves an empty reason");
    check_image(elf, size);

    RecordingWriter w;
    w.elf = &elf;
    w.img = data;
    w.len = size;
    check(elf_load(elf, data, size, w).ok(), "an accepted image loads");
    check(w.seg == elf.nr_segs, "every segment loaded, in order");
    // A shorter buffer than the parsed one must be refused, not read past.
    if (elf.segs[0].filesz != 0) {
        RecordingWriter w2 = w;
        w2.seg = 0;
        size_t cut = static_cast<size_t>(elf.segs[0].offset + elf.segs[0].filesz) - 1;
        Status st2 = elf_load(elf, data, cut, w2);
        check(!st2.ok() && st2.error() == Errno::XEN_EINVAL, "load of a cut image refused");
    }
    return 0;
}
