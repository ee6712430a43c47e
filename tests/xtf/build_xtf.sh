#!/bin/sh
# Build the Xen Test Framework from a copy of its source (the source tree,
# ../shared/xtf, stays read-only): build_xtf.sh SRC DST.
# Every environment is built (about 40 s of CPU); the system tests boot the
# hvm64 ones. Incremental: files are copied only when newer.
set -eu
src=$1 dst=$2
if [ ! -f "$src/Makefile" ]; then
    echo "build_xtf.sh: no XTF source at $src (expected ../shared/xtf beside the project)" >&2
    exit 1
fi
mkdir -p "$dst"
cp -a -u "$src/." "$dst/"
chmod -R u+w "$dst"
if ! make -C "$dst" -j"$(nproc)" >"$dst.log" 2>&1; then
    tail -30 "$dst.log" >&2
    echo "build_xtf.sh: XTF build failed; full log in $dst.log" >&2
    exit 1
fi
