#!/bin/sh
# Build the control domain's (dom0's) initramfs from Debian 12 packages:
# busybox-static, Debian's Xen 4.17 toolstack (xen-utils-4.17,
# xen-utils-common, xenstore-utils) with every shared library its binaries
# need, the Xen kernel modules of the guest kernel (the same
# linux-image-*-amd64 that scripts/fetch-guest-kernel.sh fetches), Debian's
# /etc/xen, and dom0/init.sh as /init. Packages are fetched with
# `apt-get download` and unpacked with `dpkg -x` (scripts/fetch-debs.sh):
# nothing is installed on the host, patched or rebuilt.
#   scripts/mkdom0-initramfs.sh [OUTPUT]    (default: .cache/dom0/dom0-initrd.gz)
# Environment: DOM0_CACHE (.cache/dom0), GUEST_CACHE (.cache/guest).
# Idempotent: an OUTPUT newer than every input is left alone. Prints OUTPUT.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dom0_cache=${DOM0_CACHE:-$top/.cache/dom0}
guest_cache=${GUEST_CACHE:-$top/.cache/guest}
out=${1:-$dom0_cache/dom0-initrd.gz}
xenver=4.17

# glibc comes from Debian 12's libc6 package, not from the host: it is the
# glibc these binaries were built and tested against, and the initramfs is
# then the same whatever the host runs. libgcc-s1 is there because glibc
# dlopen()s libgcc_s.so.1 for pthread_cancel (xl aborts without it) and no
# DT_NEEDED entry names it. xen-hypervisor is not in dom0; bench/ uses it.
packages="xen-utils-$xenver xen-utils-common xenstore-utils
    libxenmisc$xenver libxenstore4 libxencall1 libxendevicemodel1 libxenevtchn1
    libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxentoolcore1 libxentoollog1
    libyajl2 libc6 libgcc-s1 zlib1g libzstd1 liblzma5 libuuid1 libncurses6 libtinfo6"
# Debian's /etc/init.d/xen loads xenfs, xen-evtchn, xen-gntdev (and
# xen-acpi-processor, which has no use without host ACPI processor
# objects); privcmd comes in as xenfs's dependency. gntalloc, blkback and
# netback are there for driver-domain work (disks and NICs of domUs).
modules="xenfs xen-evtchn xen-gntdev xen-privcmd xen-gntalloc xen-blkback xen-netback"

# shellcheck disable=SC2086
"$top/scripts/fetch-debs.sh" "$dom0_cache/debs" $packages
"$top/scripts/fetch-guest-kernel.sh" "$guest_cache" >/dev/null
debs=$dom0_cache/debs
kroot=$guest_cache/kernel
kver=$(ls "$kroot/lib/modules" | head -n1)
[ -n "$kver" ] || { echo "mkdom0-initramfs: no modules in $kroot/lib/modules" >&2; exit 1; }

# Up to date? (inputs: this script, the init and demo scripts, every stamp)
if [ -f "$out" ] && [ -z "$(find "$0" "$top/dom0" "$debs"/*.stamp "$guest_cache"/*.stamp -newer "$out" 2>/dev/null | head -n1)" ]; then
    echo "$out"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
all=$work/all    # every package merged, to resolve libraries in
root=$work/root  # the initramfs tree
mkdir -p "$all" "$root"
for p in $packages; do cp -a "$debs/$p/." "$all/"; done

# 1. busybox (the guests' copy), with one link per applet.
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/dev" "$root/proc" \
    "$root/sys" "$root/tmp" "$root/run" "$root/etc/default" "$root/var/lib/xen" "$root/var/log/xen" \
    "$root/lib/modules"
cp "$guest_cache/busybox/bin/busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
ln -s /run "$root/var/run"
ln -s /run/lock "$root/var/lock"

# 2. The toolstack as Debian lays it out. Left out: oxenstored (dom0 runs C
#    xenstored, as Debian's init does when XENSTORED names it), the Python
#    tools (pygrub and friends, with their filesystem-image plugins: no
#    Python here) and the HVM firmware (hvmloader, the PV shim).
mkdir -p "$root/usr/lib/xen-$xenver"
cp -a "$all/usr/lib/xen-$xenver/bin" "$root/usr/lib/xen-$xenver/"
rm "$root/usr/lib/xen-$xenver/bin/oxenstored"
for f in "$root/usr/lib/xen-$xenver/bin"/*; do
    case $(head -n1 "$f" | cut -c1-20) in *python*|*bash*) rm "$f" ;; esac
done
cp -a "$all/usr/lib/xen-common" "$root/usr/lib/"
# Debian's /usr/sbin and /usr/bin entries: wrappers that pick the tools of
# the running hypervisor's version (read from /sys/hypervisor/version).
for d in usr/sbin usr/bin; do
    for f in "$all/$d"/*; do
        n=$(basename "$f")
        case $n in oxenstored|pygrub|xenalyze|xentrace_format|xencov_split|xencons) continue ;; esac
        [ -e "$root/$d/$n" ] && [ ! -L "$root/$d/$n" ] && continue
        rm -f "$root/$d/$n"
        cp -a "$f" "$root/$d/"
    done
done
cp -a "$all/etc/xen" "$root/etc/"
# Debian's postinst installs this template as /etc/default/xen.
cp "$all/usr/share/xen-utils-common/default.xen" "$root/etc/default/xen"

# 3. Shared libraries: the interpreter and each DT_NEEDED entry, resolved in
#    the unpacked packages (never on the host), recursively.
libdirs="lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu"
needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
is_elf() { [ "$(head -c4 "$1" | tail -c3)" = ELF ]; }
# shellcheck disable=SC3043 # local: dash, busybox sh and bash all have it
copy_libs() {  # $1: an ELF inside $root
    local lib d found
    for lib in $(needed "$1"); do
        found=
        for d in $libdirs; do
            if [ -e "$all/$d/$lib" ]; then found=$d/$lib; break; fi
        done
        [ -n "$found" ] || { echo "mkdom0-initramfs: $1 needs $lib, in none of the packages" >&2; exit 1; }
        [ -e "$root/$found" ] && continue
        mkdir -p "$root/$(dirname "$found")"
        cp -L "$all/$found" "$root/$found"
        copy_libs "$root/$found"
    done
}
mkdir -p "$root/lib64" "$root/lib/x86_64-linux-gnu"
cp -L "$all/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$root/lib/x86_64-linux-gnu/"
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
cp -L "$all/lib/x86_64-linux-gnu/libgcc_s.so.1" "$root/lib/x86_64-linux-gnu/"
# shellcheck disable=SC2044 # Debian's paths here hold no blanks
for f in $(find "$root/usr" -type f); do
    if is_elf "$f"; then copy_libs "$f"; fi
done
copy_libs "$root/lib/x86_64-linux-gnu/libgcc_s.so.1"

# 4. Kernel modules, each after the modules it depends on (read from the
#    .ko's modinfo "depends="). /lib/modules/load-order lists them for /init.
moddir=$kroot/lib/modules/$kver/kernel
: > "$root/lib/modules/load-order"
# shellcheck disable=SC3043
add_module() {
    local ko dep  # the recursion below must not overwrite them
    grep -qx "$1" "$root/lib/modules/load-order" && return 0
    ko=$(find "$moddir" -name "$1.ko" | head -n1)
    if [ -z "$ko" ]; then
        echo "mkdom0-initramfs: $1 is not a module of $kver (built in?), skipped" >&2
        return 0
    fi
    for dep in $(tr '\0' '\n' < "$ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
        add_module "$dep"
    done
    cp "$ko" "$root/lib/modules/"
    echo "$1" >> "$root/lib/modules/load-order"
}
for m in $modules; do add_module "$m"; done

# 5. The init and the demo script (shown by `make run`).
cp "$top/dom0/init.sh" "$root/init"
chmod 755 "$root/init"
mkdir -p "$root/usr/share/cxen"
cp "$top/dom0/demo-script.sh" "$root/usr/share/cxen/demo-script"
echo dom0 > "$root/etc/hostname"
echo "cxen dom0: $kver, $(cat "$debs/xen-utils-$xenver.stamp")" > "$root/etc/cxen-dom0-release"

mkdir -p "$(dirname "$out")"
# -R 0:0: root owns everything, also when built by another user.
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6) > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkdom0-initramfs: $(du -k "$out" | cut -f1) KiB, modules: $(tr '\n' ' ' < "$root/lib/modules/load-order")" >&2
echo "$out"
