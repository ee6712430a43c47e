#!/bin/sh
# /init of cxen's control domain (dom0), built into the initramfs by
# scripts/mkdom0-initramfs.sh. Brings the Xen services up in the order of
# Debian's /etc/init.d/xen `start` (xen-utils-common 4.17), then runs
# /etc/cxen/dom0-script if the initramfs carries one (and powers off), or
# an interactive shell on the console.
#
# Console lines a test can wait for, each at the start of a line:
#   cxen-dom0: init (uptime S)            /init started
#   cxen-dom0: xenstored up (uptime S)    `xenstore-read -s /` answered
#   cxen-dom0: ready (uptime S)           every service is up
#   cxen-dom0: error: STEP: WHAT          a step failed; the rest is skipped
#   cxen-dom0: script exit N              the user script ended with status N
#   cxen-dom0: script not run             because a step failed
export PATH=/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin
ROOT=/usr/lib/xen-4.17
SCRIPT=/etc/cxen/dom0-script

say() { echo "cxen-dom0: $*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
failed=
fail() { say "error: $1: $2"; failed=$1; }
# step NAME CMD...: run CMD, its output to a file rather than a pipe (the
# daemons fork and a pipe would stay open in the child); fail NAME on error.
step() {
    name=$1
    shift
    "$@" >/tmp/step.out 2>&1 || fail "$name" "exit $? $(tr '\n' ' ' </tmp/step.out)"
}

# Debian boots these from its fstab and systemd; /run is a tmpfs there too.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts     # xenconsoled makes a pty per domU console
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/lock /var/log/xen/console /var/lib/xen
hostname -F /etc/hostname               # as Debian's hostname.sh; `xl info` shows it
say "init (uptime $(uptime_s))"
# Kernel messages from here on go to dmesg only, so that they cannot break
# the marker lines above apart on the shared console.
dmesg -n 1

# Debian's variables: XENSTORED_ARGS, XENCONSOLED_ARGS (empty by default).
XENSTORED_DIR=/run/xenstored
[ -r /etc/default/xen ] && . /etc/default/xen

# 1. modules_setup: Debian's modprobe list, then the back-ends; in
#    dependency order (/lib/modules/load-order, written at build time).
#    Only xenfs, xen-evtchn and xen-gntdev are needed for the services.
for m in $(cat /lib/modules/load-order); do
    case $m in
        xenfs|xen-privcmd|xen-evtchn|xen-gntdev) step "insmod $m" insmod "/lib/modules/$m.ko" ;;
        *) insmod "/lib/modules/$m.ko" >/tmp/step.out 2>&1 || say "warning: insmod $m: $(cat /tmp/step.out)" ;;
    esac
done

# 2. xenfs_setup, 3. capability_check (Debian exits quietly when not dom0).
if [ -z "$failed" ] && [ ! -e /proc/xen/capabilities ]; then
    step "mount xenfs" mount -t xenfs xenfs /proc/xen
fi
if [ -z "$failed" ] && ! grep -q control_d /proc/xen/capabilities 2>/dev/null; then
    fail "capability check" "no control_d in /proc/xen/capabilities: not the control domain"
fi

# 4. env_setup
[ -d /run/xen ] || mkdir -m 700 /run/xen

# 5. xenstored_start: C xenstored with Debian's pid file, root dir and OOM
#    exemption (Debian runs it under `choom -n -1000`), then wait up to 30 s
#    for it to answer. Debian polls once a second; 0.1 s here, because the
#    time to this point is measured (bench/dom0-boot.sh).
if [ -z "$failed" ]; then
    mkdir -p "$XENSTORED_DIR"
    export XENSTORED_ROOTDIR="$XENSTORED_DIR"
    # shellcheck disable=SC2086
    step xenstored sh -c 'echo -1000 > /proc/self/oom_score_adj && exec "$0" "$@"' \
        "$ROOT/bin/xenstored" $XENSTORED_ARGS --pid-file /run/xenstore.pid
fi
if [ -z "$failed" ]; then
    i=0
    until xenstore-read -s / >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -ge 300 ] && { fail xenstored "no answer to xenstore-read -s / within 30 s"; break; }
        usleep 100000
    done
fi
[ -z "$failed" ] && say "xenstored up (uptime $(uptime_s))"

# Still part of Debian's xenstored_start: dom0's name, domid, json stub and
# cpupool names in xenstore.
if [ -z "$failed" ]; then
    step xen-init-dom0 "$ROOT/bin/xen-init-dom0"
fi

# 6. xenconsoled_start (it daemonizes once connected to xenstore).
if [ -z "$failed" ]; then
    # shellcheck disable=SC2086
    step xenconsoled "$ROOT/bin/xenconsoled" $XENCONSOLED_ARGS --pid-file /run/xenconsoled.pid
fi
# 7. qemu_start: Debian starts a dom0 QEMU only if
#    /usr/libexec/xen-qemu-system-i386 exists; this dom0 has none.

[ -z "$failed" ] && say "ready (uptime $(uptime_s))"

if [ -f "$SCRIPT" ]; then
    if [ -n "$failed" ]; then
        say "script not run"
    else
        sh "$SCRIPT" 2>&1
        say "script exit $?"
    fi
else
    say "shell on the console; leave it to power off"
    # cttyhack makes the console the shell's controlling tty (job control).
    setsid cttyhack sh -l
fi
sync
poweroff -f
