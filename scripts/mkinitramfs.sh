#!/bin/sh
# Build a busybox initramfs (newc cpio, gzip) whose /init is INIT_SCRIPT.
#   scripts/mkinitramfs.sh BUSYBOX INIT_SCRIPT OUTPUT
set -eu
[ $# -eq 3 ] || { echo "usage: $0 BUSYBOX INIT_SCRIPT OUTPUT" >&2; exit 2; }
busybox=$1 init=$2 out=$3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in sh mount umount cat echo uname nproc dmesg grep poweroff reboot sleep ls sync; do
    ln -s busybox "$root/bin/$applet"
done
# Linux's orderly poweroff (xl shutdown, control/shutdown = poweroff) runs
# /sbin/poweroff; busybox's would signal init, which a shell script as
# /init ignores, so this one powers off at once.
mkdir -p "$root/sbin"
printf '#!/bin/sh\nsync\nexec /bin/busybox poweroff -f\n' > "$root/sbin/poweroff"
chmod +x "$root/sbin/poweroff"
cp "$init" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out"
