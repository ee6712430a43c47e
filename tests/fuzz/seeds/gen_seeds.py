#!/usr/bin/env python3
"""Write the seed inputs of the multiboot, ACPI and ELF fuzz targets.

Each seed is a small valid input in the target's format (see the comment at
the top of tests/fuzz/<target>.cpp): a mode byte and a physical memory image
for multiboot_fuzz and acpi_fuzz, an ELF file for elf_image_fuzz. The layouts
are written out from the specifications (Multiboot 0.6.96 and 2.0, ACPI 6.5,
System V gABI / Xen's public elfnote.h), as QEMU, SeaBIOS and Linux lay them
out. The seeds are committed; run this only to change them:

    tests/fuzz/seeds/gen_seeds.py          # rewrites seeds/{multiboot,acpi,elf_image}/gen-*
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "gen-" + name), "wb") as f:
        f.write(data)


def pad(b, align):
    return b + b"\0" * (-len(b) % align)


class Image:
    """Bytes to be mapped at `base`; put() places data at absolute addresses."""

    def __init__(self, base, size):
        self.base = base
        self.b = bytearray(size)

    def put(self, pa, data):
        off = pa - self.base
        assert 0 <= off and off + len(data) <= len(self.b), hex(pa)
        self.b[off:off + len(data)] = data

    def bytes(self):
        return bytes(self.b)


# ---------------------------------------------------------------- multiboot
MB_BASE = 0x10000  # multiboot_fuzz.cpp image_base


def mb1(flags_extra=0, nmods=1, with_mmap=True, cmdline=b"console=com1 loglvl=all",
        e820=((0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
              (0x100000, 0x7ee0000, 1), (0x7fe0000, 0x20000, 2), (0xfffc0000, 0x40000, 2))):
    img = Image(MB_BASE, 0x200 + 24 * len(e820))
    flags = 1 | 4 | 8 | (1 << 9) | flags_extra  # mem, cmdline, mods, loader name
    mmap = b""
    if with_mmap:
        flags |= 1 << 6
        for base, length, typ in e820:
            mmap += struct.pack("<IQQI", 20, base, length, typ)
    info = struct.pack("<IIIIIII", flags, 639, 130048, 0, MB_BASE + 0x100, nmods, MB_BASE + 0x180)
    info += b"\0" * 16  # syms
    info += struct.pack("<IIIIII", len(mmap), MB_BASE + 0x200, 0, 0, 0, MB_BASE + 0x140)
    info = info.ljust(116, b"\0")
    img.put(MB_BASE, info)
    img.put(MB_BASE + 0x100, cmdline + b"\0")
    img.put(MB_BASE + 0x140, b"qemu\0")
    for i in range(nmods):
        img.put(MB_BASE + 0x180 + 16 * i,
                struct.pack("<IIII", 0x200000 + 0x100000 * i, 0x2c0000 + 0x100000 * i,
                            MB_BASE + 0x1c0 if i == 0 else 0, 0))
    img.put(MB_BASE + 0x1c0, b"dom0 root=/dev/xvda\0")
    img.put(MB_BASE + 0x200, mmap)
    return img.bytes()[:0x200 + len(mmap)]


def mb2_tag(typ, payload):
    return pad(struct.pack("<II", typ, 8 + len(payload)) + payload, 8)


def mb2(acpi_new=True):
    tags = mb2_tag(1, b"console=com1\0")
    tags += mb2_tag(2, b"GRUB 2.06\0")
    tags += mb2_tag(3, struct.pack("<II", 0x200000, 0x2c0000) + b"dom0 kernel\0")
    tags += mb2_tag(3, struct.pack("<II", 0x300000, 0x300100) + b"\0")
    tags += mb2_tag(4, struct.pack("<II", 639, 130048))
    entries = b"".join(struct.pack("<QQII", b, l, t, 0) for b, l, t in
                       [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0x100000, 0x7ee0000, 1),
                        (0x7fe0000, 0x20000, 3)])
    tags += mb2_tag(6, struct.pack("<II", 24, 0) + entries)
    tags += mb2_tag(14, rsdp(0xe0040, 0, 0))
    if acpi_new:
        tags += mb2_tag(15, rsdp(0xe0040, 0xe0080, 2))
    tags += mb2_tag(21, struct.pack("<I", 0x100000))  # load base address: skipped
    tags += mb2_tag(0, b"")
    return struct.pack("<II", 8 + len(tags), 0) + tags


def mb_seeds():
    write("multiboot", "mb1-qemu.bin", b"\x00" + mb1())
    write("multiboot", "mb1-nommap.bin", b"\x00" + mb1(with_mmap=False, nmods=2))
    # Regression: more ranges than fit, the dropped ones over kept RAM (unit
    # test Multiboot1.RangesDroppedFromAFullMapNeverLeaveRamUnderReserved).
    full = [(0x100000 + i * 0x20000, 0x10000, 1) for i in range(128)]
    full += [(0x104000, 0x1000, 2), (0x140000, 0x10000, 4), (0x140000, 0x8000, 1)]
    write("multiboot", "mb1-full-map-drops-reserved.bin", b"\x00" + mb1(e820=full))
    write("multiboot", "mb2-grub.bin", b"\x01" + mb2())
    write("multiboot", "mb2-acpi-old.bin", b"\x01" + mb2(acpi_new=False))
    regions = [(0, 0x9fc00, 1), (0x9f000, 0x2000, 2), (0x100000, 0x1000000, 1),
               (0x200000, 0x1000, 3), (0x200000, 0x2000, 4), (0xfffffffffffff000, 0x2000, 2),
               (0x300000, 0, 1), (0x1100000, 0x100000, 1)]
    write("multiboot", "e820-overlaps.bin",
          b"\x02" + b"".join(struct.pack("<QQI", *r) for r in regions))
    # Regression: a full map where splitting the reserved range leaves no
    # slot; RAM under its upper piece must not show through (unit test
    # MemoryMap.SplitWithNoRoomNeverTurnsReservedIntoRam).
    full = [(0x100000000 + i * 0x20000, 0x10000, 1) for i in range(125)]
    full += [(0x1000, 0x8000, 2), (0x3000, 0x1000, 4), (0x5000, 0x2000, 1)]
    write("multiboot", "e820-split-no-room-showthrough.bin",
          b"\x02" + b"".join(struct.pack("<QQI", *r) for r in full))


# --------------------------------------------------------------------- ACPI
ACPI_BASE = 0xe0000  # acpi_fuzz.cpp image_base: the BIOS area scanned for the RSDP


def csum(b, start, end, at):
    b = bytearray(b)
    b[at] = 0
    b[at] = (-sum(b[start:end])) & 0xff
    return bytes(b)


def rsdp(rsdt, xsdt, rev):
    b = b"RSD PTR " + b"\0" + b"BOCHS " + bytes([rev]) + struct.pack("<I", rsdt)
    b = csum(b, 0, 20, 8)
    if rev >= 2:
        b += struct.pack("<IQ4x", 36, xsdt)
        b = csum(b, 0, 36, 32)
    return b


def table(sig, rev, body):
    h = sig + struct.pack("<IBB6s8sIII", 36 + len(body), rev, 0, b"BOCHS ", b"BXPC    ", 1,
                          0x43505842, 1)
    return csum(h + body, 0, 36 + len(body), 9)


def madt(ncpus=2, x2apic=False, override=False):
    e = b""
    for i in range(ncpus):
        e += struct.pack("<BBBBI", 0, 8, i, i, 1)
    e += struct.pack("<BBBBI", 0, 8, 9, 0xff, 0)  # no such processor
    e += struct.pack("<BBBBII", 1, 12, ncpus, 0, 0xfec00000, 0)
    e += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)  # ISO: skipped
    e += struct.pack("<BBBHB", 4, 6, 0xff, 0, 1)  # LAPIC NMI: skipped
    if x2apic:
        e += struct.pack("<BBHIII", 9, 16, 0, 0x100, 1, 0x100)
        e += struct.pack("<BBHIII", 9, 16, 0, 0x101, 2, 0x101)  # online capable
    if override:
        e += struct.pack("<BBHQ", 5, 12, 0, 0xfee00000)
    return table(b"APIC", 3, struct.pack("<II", 0xfee00000, 1) + e)


def hpet():
    gas = struct.pack("<BBBBQ", 0, 64, 0, 0, 0xfed00000)
    return table(b"HPET", 1, struct.pack("<I", 0x8086a201) + gas + struct.pack("<BHB", 0, 128, 0))


def fadt(rev):
    f = bytearray(276 - 36)
    struct.pack_into("<H", f, 0x2e - 36, 9)          # sci_int
    struct.pack_into("<I", f, 0x4c - 36, 0x608)      # pm_tmr_blk
    f[0x5b - 36] = 4                                 # pm_tmr_len
    struct.pack_into("<H", f, 0x6d - 36, 3)          # iapc_boot_arch
    struct.pack_into("<I", f, 0x70 - 36, 0x4a5)      # flags
    if rev == 1:
        return table(b"FACP", 1, bytes(f[:116 - 36]))
    struct.pack_into("<BBBBQ", f, 0xd0 - 36, 1, 32, 0, 3, 0x608)  # X_PM_TMR_BLK
    return table(b"FACP", rev, bytes(f))


def acpi_image(xsdt, fadt_rev, x2apic, override, rsdp_at=0xe0500):
    img = Image(ACPI_BASE, 0x800)
    tables = [(0xe0100, fadt(fadt_rev)), (0xe0300, madt(4, x2apic, override)), (0xe0400, hpet())]
    ptrs = [0xe0100, 0xe0300, 0, 0xe0400]  # a null entry is skipped
    img.put(0xe0040, table(b"RSDT", 1, b"".join(struct.pack("<I", p) for p in ptrs)))
    if xsdt:
        img.put(0xe0080, table(b"XSDT", 1, b"".join(struct.pack("<Q", p) for p in ptrs)))
    for pa, t in tables:
        img.put(pa, t)
    end = max(pa + len(t) for pa, t in tables)
    # The RSDP: at the start of the image for modes 1-3, else last, 16-byte
    # aligned, where the scan finds it.
    img.put(rsdp_at, rsdp(0xe0040, 0xe0080 if xsdt else 0, 2 if xsdt else 0))
    return img.bytes()[:0x540]


def acpi_seeds():
    # mode byte: see acpi_fuzz.cpp (bit 0..1 entry point, bit 2 fix checksums)
    for mode, name in [(0, "scan"), (1, "parse"), (2, "rsdp-bytes"), (3, "ebda")]:
        write("acpi", f"xsdt-{name}.bin", bytes([mode]) + acpi_image(True, 6, True, True,
                                                                      0xe0500 if mode == 0 else 0xe0000))
    write("acpi", "rsdt-fadt1.bin", b"\x00" + acpi_image(False, 1, False, False))
    write("acpi", "xsdt-fixsum.bin", b"\x04" + acpi_image(True, 3, True, False))


# ---------------------------------------------------------------------- ELF
XEN_ELFNOTE = dict(ENTRY=1, HYPERCALL_PAGE=2, VIRT_BASE=3, PADDR_OFFSET=4, XEN_VERSION=5,
                   GUEST_OS=6, GUEST_VERSION=7, LOADER=8, FEATURES=10,
                   SUPPORTED_FEATURES=17, PHYS32_ENTRY=18)


def note(name, typ, desc):
    return struct.pack("<III", len(name), len(desc), typ) + pad(name, 4) + pad(desc, 4)


def xen_notes(is64, phys32):
    ptr = "<Q" if is64 else "<I"
    kbase = 0xffffffff80000000 if is64 else 0xc0000000
    n = note(b"Xen\0", XEN_ELFNOTE["GUEST_OS"], b"linux\0")
    n += note(b"Xen\0", XEN_ELFNOTE["GUEST_VERSION"], b"2.6\0")
    n += note(b"Xen\0", XEN_ELFNOTE["XEN_VERSION"], b"xen-3.0\0")
    n += note(b"Xen\0", XEN_ELFNOTE["VIRT_BASE"], struct.pack(ptr, kbase))
    n += note(b"Xen\0", XEN_ELFNOTE["ENTRY"], struct.pack(ptr, kbase + 0x1000000))
    n += note(b"Xen\0", XEN_ELFNOTE["HYPERCALL_PAGE"], struct.pack(ptr, kbase + 0x1001000))
    n += note(b"Xen\0", XEN_ELFNOTE["FEATURES"], b"!writable_page_tables|pae_pgdir_above_4gb\0")
    n += note(b"Xen\0", XEN_ELFNOTE["SUPPORTED_FEATURES"], struct.pack("<I", 0x801))
    n += note(b"Xen\0", XEN_ELFNOTE["LOADER"], b"generic\0")
    n += note(b"Xen\0", XEN_ELFNOTE["PADDR_OFFSET"], struct.pack(ptr, 0))
    n += note(b"GNU\0", 3, b"\x11" * 20)  # build id: another owner, skipped
    n += note(b"Xen\0", XEN_ELFNOTE["PHYS32_ENTRY"], struct.pack(ptr, phys32))
    return n


def elf(is64, notes_in_phdr=True, text=b"\xf4\xeb\xfd" * 8, bss=0x2000):
    """A PVH kernel: .text at 1 MiB, .data+.bss above, Xen notes."""
    ehsz, phsz, shsz = (64, 56, 64) if is64 else (52, 32, 40)
    notes = xen_notes(is64, 0x100000)
    nph = 3
    phoff = ehsz
    text_off = 0x100
    notes_off = text_off + len(text)
    notes_off += -notes_off % 4
    data_off = notes_off + len(notes)
    data = b"cxen-fuzz-seed\0"
    shoff = data_off + len(data)
    shoff += -shoff % 8
    nsh = 3
    body = bytearray(shoff + nsh * shsz)
    body[text_off:text_off + len(text)] = text
    body[notes_off:notes_off + len(notes)] = notes
    body[data_off:data_off + len(data)] = data
    segs = [(1, 5, text_off, 0x100000, len(text)),                 # PT_LOAD R+X
            (1, 6, data_off, 0x101000, len(data), len(data) + bss)]  # PT_LOAD R+W with bss
    # PT_NOTE; p_offset 0 (ignored, as the binutils quirk) to force the section path.
    nseg = (4, 4, notes_off if notes_in_phdr else 0, 0x100000 + notes_off, len(notes))
    phdrs = b""
    for s in segs + [nseg]:
        typ, flg, off, pa, fsz = s[:5]
        msz = s[5] if len(s) > 5 else fsz
        if is64:
            phdrs += struct.pack("<IIQQQQQQ", typ, flg, off, pa | 0xffffffff80000000, pa, fsz, msz,
                                 0x1000)
        else:
            phdrs += struct.pack("<IIIIIIII", typ, off, pa | 0xc0000000, pa, fsz, msz, flg, 0x1000)
    body[phoff:phoff + len(phdrs)] = phdrs
    shdrs = b"\0" * shsz  # null section
    sect = [(1, text_off, len(text)), (7, notes_off, len(notes))]  # PROGBITS, NOTE
    for typ, off, size in sect:
        if is64:
            shdrs += struct.pack("<IIQQQQIIQQ", 0, typ, 2, 0, off, size, 0, 0, 4, 0)
        else:
            shdrs += struct.pack("<IIIIIIIIII", 0, typ, 2, 0, off, size, 0, 0, 4, 0)
    body[shoff:shoff + len(shdrs)] = shdrs
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 1, 1]) + b"\0" * 9
    if is64:
        eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0xffffffff81000000, phoff, shoff, 0,
                                 ehsz, phsz, nph, shsz, nsh, 0)
    else:
        eh = ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0xc1000000, phoff, shoff, 0, ehsz,
                                 phsz, nph, shsz, nsh, 0)
    body[0:len(eh)] = eh
    return bytes(body)


def elf_seeds():
    write("elf_image", "elf64-pvh.elf", elf(True))
    write("elf_image", "elf32-pvh.elf", elf(False))
    write("elf_image", "elf64-shnote.elf", elf(True, notes_in_phdr=False))


if __name__ == "__main__":
    mb_seeds()
    acpi_seeds()
    elf_seeds()
