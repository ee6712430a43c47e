#!/bin/sh
# Install every Debian 12 package that building, running and testing cxen
# need. Idempotent: installs only what is missing, so a second run is quick.
# `make run` and `make test` call it; run it as root (or with sudo present).
set -eu

PACKAGES="
    g++ cmake ninja-build make binutils python3
    libgtest-dev libgmock-dev
    libxen-dev
    libcli11-dev
    gzip bzip2 xz-utils lzop lz4 zstd
    clang-14 libclang-rt-14-dev
    cpio
    qemu-system-x86
    grub-pc-bin grub-common xorriso mtools
    spin
"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "setup: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root (or sudo) to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
