#!/bin/sh
# Fetch Debian 12's stock kernel (the version linux-image-amd64 points at)
# and busybox-static into a cache folder, unpacked with dpkg -x. Idempotent:
# a second run with the same version does nothing.
#   scripts/fetch-guest-kernel.sh [CACHE_DIR]   (default: .cache/guest)
# Prints the cache folder's kernel and busybox paths.
set -eu
cache=${1:-$(cd "$(dirname "$0")/.." && pwd)/.cache/guest}
mkdir -p "$cache"
cd "$cache"

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
if [ -z "$pkg" ]; then
    echo "fetch-guest-kernel: apt knows no linux-image-amd64 (run apt-get update?)" >&2
    exit 1
fi
if [ ! -f "$pkg.stamp" ]; then
    rm -rf kernel ./*.deb
    apt-get download -q "$pkg" 2>&1 >/dev/null | grep -v unsandboxed >&2 || true
    dpkg -x "$pkg"_*.deb kernel
    rm -f "$pkg"_*.deb
    touch "$pkg.stamp"
fi
if [ ! -f busybox.stamp ]; then
    rm -rf busybox ./*.deb
    apt-get download -q busybox-static 2>&1 >/dev/null | grep -v unsandboxed >&2 || true
    dpkg -x busybox-static_*.deb busybox
    rm -f busybox-static_*.deb
    touch busybox.stamp
fi
echo "kernel=$(ls "$cache"/kernel/boot/vmlinuz-*)"
echo "busybox=$cache/busybox/bin/busybox"
