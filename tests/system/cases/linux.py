"""Debian's stock Linux kernel as a PVH guest (issue #4). The kernel and
busybox come from scripts/fetch-guest-kernel.sh (run by `make test`) in
.cache/guest; the initramfs is built per run by scripts/mkinitramfs.sh."""
import glob
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CACHE = os.path.join(ROOT, ".cache", "guest")

INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "CXEN-LINUX-MARKER $(uname -r) nproc=$(nproc)"
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
poweroff -f
"""


def prepare(tmp, vcpus=1):
    kernels = glob.glob(os.path.join(CACHE, "kernel", "boot", "vmlinuz-*"))
    busybox = os.path.join(CACHE, "busybox", "bin", "busybox")
    if not kernels or not os.path.exists(busybox):
        raise SystemExit(f"no guest kernel in {CACHE}: run scripts/fetch-guest-kernel.sh")
    with open(os.path.join(tmp, "init"), "w") as f:
        f.write(INIT)
    initrd = os.path.join(tmp, "initrd.gz")
    subprocess.run([os.path.join(ROOT, "scripts", "mkinitramfs.sh"), busybox, os.path.join(tmp, "init"), initrd],
                   check=True)
    cfg = (f'name = "linux"\ntype = "pvh"\nmemory = 256\nvcpus = {vcpus}\nkernel = "{kernels[0]}"\n'
           f'ramdisk = "{initrd}"\ncmdline = "console=hvc0 earlyprintk=xen rdinit=/init"\n')
    return {"configs": {"linux.cfg": cfg}}


def linux_boots(log):
    yield r"\(d1\) \[ *[\d.]+\] Linux version 6\.1\.", "Debian's kernel started"
    yield r"\(d1\) \[ *[\d.]+\] clocksource: Switched to clocksource xen", "it uses the Xen clocksource"
    yield r"\(d1\) \[ *[\d.]+\] Run /init as init process", "it reached the initramfs"
    yield r"\(d1\) CXEN-LINUX-MARKER 6\.1\.\S+ nproc=1", "the init script ran (marker, uname -r, nproc)"
    yield r"\(d1\) clocksource: xen", "sysfs agrees on the clocksource"
    yield r"d1: shutdown: poweroff \(linux\)", "poweroff reached the hypervisor as a clean shutdown"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def linux_smp_boots(log):
    yield r"\(d1\) \[ *[\d.]+\] smp: Brought up 1 node, 2 CPUs", "both vCPUs came up (INIT-SIPI-SIPI)"
    yield r"\(d1\) CXEN-LINUX-MARKER 6\.1\.\S+ nproc=2", "the init script saw 2 CPUs"
    yield r"\(d1\) clocksource: xen", "Xen clocksource"
    yield r"d1: shutdown: poweroff \(linux\)", "clean poweroff"
    # What a real Xen host would not cause: MSR faults Linux reports, oopses.
    for bad in (r"unchecked MSR access", r"\bBUG:", r"Oops", r"WARNING: CPU"):
        assert not re.search(r"\(d1\).*" + bad, log), f"Linux printed '{bad}'"


CASES = {
    "linux_pvh_1vcpu_boots_to_init": dict(args=["--smp", "2"], prepare=prepare, rc=0, expect=linux_boots),
    "linux_pvh_2vcpus_boot_to_init": dict(args=["--smp", "2"], prepare=lambda tmp: prepare(tmp, vcpus=2), rc=0,
                                          expect=linux_smp_boots),
}
