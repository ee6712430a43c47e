#!/bin/sh
# Test fixtures for lib/decompress/ and lib/loader/, made at build time by
# the real command-line compressors (Debian packages gzip bzip2 xz-utils
# lzop lz4 zstd, installed by scripts/setup.sh):
#   sample       300 KB, starts with an ELF magic, part text, part noise
#   zeros        16 MiB of zeros (a "decompression bomb": packs to a few KB)
#   text         64 KB of text (no ELF magic)
# each also as NAME.gz .bz2 .xz .lzma .lzo .lz4 (legacy frame, as Linux)
# .zst, with the options Linux's kernel build uses where they matter
# (xz --check=crc32 --x86, lz4 -l).
#   make_fixtures.sh OUTDIR
set -eu
out=$1
mkdir -p "$out"
cd "$out"
python3 - <<'PY'
import random
r = random.Random(12)
words = [b"hypervisor", b"domain", b"event", b"channel", b"grant", b"page", b"vcpu", b"xen", b"\n"]
text = b" ".join(r.choice(words) for _ in range(60000))
sample = bytearray(b"\x7fELF" + text[:150000])
sample += bytes(r.randrange(256) for _ in range(300000 - len(sample)))
open("sample", "wb").write(bytes(sample))
open("zeros", "wb").write(bytes(16 << 20))
open("text", "wb").write(text[:65536])
PY
for f in sample zeros text; do
    gzip -9 -n -c "$f" > "$f.gz"
    bzip2 -9 -c "$f" > "$f.bz2"
    xz --check=crc32 --x86 --lzma2=preset=6 -c "$f" > "$f.xz"
    xz --format=lzma -6 -c "$f" > "$f.lzma"
    lzop -9 -c "$f" > "$f.lzo"
    lz4 -l -9 -q -c "$f" > "$f.lz4"
    zstd -19 -q -c "$f" > "$f.zst"
done
rm zeros # only its packed forms are used
touch stamp
