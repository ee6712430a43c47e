#!/usr/bin/env python3
"""Wrap an ELF kernel in a minimal bzImage, as a test fixture (not a
product feature): the boot sector and setup header of Linux's boot protocol
2.15 (Documentation/arch/x86/boot.rst) with the ELF, compressed by the real
command-line tool with the options Linux's kernel build uses
(arch/x86/boot/compressed/Makefile, scripts/Makefile.lib), as the payload.
There is no real-mode or decompressor code: cxen reads only the header.

    make_bzimage.py ELF {gzip,bzip2,lzma,xz,lzo,lz4,zstd} OUT
"""
import struct
import subprocess
import sys

# The compressor and options of each CONFIG_KERNEL_* choice.
COMPRESSORS = {
    "gzip": ["gzip", "-n", "-f", "-9"],
    "bzip2": ["bzip2", "-9"],
    "lzma": ["xz", "--format=lzma", "-9"],           # Linux runs `lzma -9`
    "xz": ["xz", "--check=crc32", "--x86", "--lzma2=,dict=32MiB"],  # scripts/xz_wrap.sh
    "lzo": ["lzop", "-9"],
    "lz4": ["lz4", "-l", "-12", "--favor-decSpeed", "-q"],
    "zstd": ["zstd", "-22", "--ultra", "-q"],
}

SETUP_SECTS = 4
STUB = 0x200  # bytes of (absent) decompressor code before the payload, as a real image has


def bzimage(elf, compression):
    payload = subprocess.run(COMPRESSORS[compression] + ["-c"], input=elf, stdout=subprocess.PIPE,
                             check=True).stdout
    if compression != "gzip":  # gzip ends with its own size field; the build appends it to the others
        payload += struct.pack("<I", len(elf))
    setup = bytearray((SETUP_SECTS + 1) * 512)
    setup[0x1f1] = SETUP_SECTS
    struct.pack_into("<H", setup, 0x1fe, 0xAA55)     # boot_flag
    setup[0x202:0x206] = b"HdrS"                       # header
    struct.pack_into("<H", setup, 0x206, 0x020F)     # version 2.15
    setup[0x211] = 0x01                                # loadflags: LOADED_HIGH
    struct.pack_into("<I", setup, 0x248, STUB)       # payload_offset, from the protected-mode code
    struct.pack_into("<I", setup, 0x24C, len(payload))  # payload_length
    return bytes(setup) + bytes(STUB) + payload


def main(argv):
    if len(argv) != 4 or argv[2] not in COMPRESSORS:
        sys.exit(__doc__)
    with open(argv[1], "rb") as f:
        elf = f.read()
    with open(argv[3], "wb") as f:
        f.write(bzimage(elf, argv[2]))


if __name__ == "__main__":
    main(sys.argv)
