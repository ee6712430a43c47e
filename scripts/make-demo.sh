#!/bin/sh
# Write the main demo's domains into OUTDIR: two Linux PVH guests (Debian's
# stock kernel, 2 vCPUs and 256 MiB each, busybox initramfs with
# scripts/demo-init.sh as /init) and one in-guest test kernel. `make run`
# boots them; the system test linux_demo boots the same files.
#   scripts/make-demo.sh GUEST_CACHE GUESTS_BUILD_DIR OUTDIR
set -eu
[ $# -eq 3 ] || { echo "usage: $0 GUEST_CACHE GUESTS_BUILD_DIR OUTDIR" >&2; exit 2; }
cache=$(cd "$1" && pwd) out=$3
guests=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
kernel=$(ls "$cache"/kernel/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$kernel" ] || { echo "$0: no kernel in $cache/kernel/boot: run scripts/fetch-guest-kernel.sh" >&2; exit 1; }
[ -x "$cache/busybox/bin/busybox" ] || { echo "$0: no busybox in $cache" >&2; exit 1; }
[ -f "$guests/hello.elf" ] || { echo "$0: no $guests/hello.elf: build first" >&2; exit 1; }
mkdir -p "$out"
"$here/mkinitramfs.sh" "$cache/busybox/bin/busybox" "$here/demo-init.sh" "$out/initrd.gz"
for name in linux1 linux2; do
    cat > "$out/$name.cfg" <<CFG
# Debian's stock kernel as a PVH guest (scripts/make-demo.sh)
name = "$name"
type = "pvh"
memory = 256
vcpus = 2
kernel = "$kernel"
ramdisk = "initrd.gz"
cmdline = "console=hvc0 rdinit=/init hostname=$name"
CFG
done
cat > "$out/tests.cfg" <<CFG
# cxen's in-guest smoke tests (guests/smoke) beside the Linux guests
name = "tests"
type = "pvh"
memory = 32
vcpus = 1
kernel = "$guests/hello.elf"
cmdline = "require_xen"
CFG
