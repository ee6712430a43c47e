"""Debian's stock Linux kernel as a PVH guest (issue #4). The kernel and
busybox come from scripts/fetch-guest-kernel.sh (run by `make test`) in
.cache/guest; initramfs images are built per run by scripts/mkinitramfs.sh,
and the demo's domains by scripts/make-demo.sh, as `make run` does."""
import glob
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CACHE = os.path.join(ROOT, ".cache", "guest")
SCRIPTS = os.path.join(ROOT, "scripts")

INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "CXEN-LINUX-MARKER $(uname -r) nproc=$(nproc)"
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
poweroff -f
"""

# An init that dies: the kernel panics ("Attempted to kill init!") and, with
# panic=1, reboots, which Linux on Xen turns into SCHEDOP_shutdown(crash).
BROKEN_INIT = """#!/bin/sh
echo "CXEN-BROKEN-INIT exiting"
exit 3
"""

REBOOT_INIT = """#!/bin/sh
echo "CXEN-REBOOT-INIT rebooting"
reboot -f
"""

# Lines a real Xen host would not make Linux print (see docs/linux-guests.md).
BAD_LINES = (r"unchecked MSR access", r"\bBUG:", r"Oops", r"WARNING: CPU", r"Call Trace", r"unhandled")


def _guest_files():
    kernels = glob.glob(os.path.join(CACHE, "kernel", "boot", "vmlinuz-*"))
    busybox = os.path.join(CACHE, "busybox", "bin", "busybox")
    if not kernels or not os.path.exists(busybox):
        raise SystemExit(f"no guest kernel in {CACHE}: run scripts/fetch-guest-kernel.sh")
    return kernels[0], busybox


def _initrd(tmp, name, text):
    _, busybox = _guest_files()
    init = os.path.join(tmp, name + ".init")
    with open(init, "w") as f:
        f.write(text)
    initrd = os.path.join(tmp, name + ".gz")
    subprocess.run([os.path.join(SCRIPTS, "mkinitramfs.sh"), busybox, init, initrd], check=True)
    return initrd


def _linux_cfg(name, vcpus, initrd, extra_cmdline=""):
    kernel, _ = _guest_files()
    return (f'name = "{name}"\ntype = "pvh"\nmemory = 256\nvcpus = {vcpus}\nkernel = "{kernel}"\n'
            f'ramdisk = "{initrd}"\ncmdline = "console=hvc0 earlyprintk=xen rdinit=/init{extra_cmdline}"\n')


def prepare(tmp, vcpus=1):
    return {"configs": {"linux.cfg": _linux_cfg("linux", vcpus, _initrd(tmp, "init", INIT))}}


def _no_bad_lines(log, dom):
    for bad in BAD_LINES:
        m = re.search(rf"\(d{dom}\).*{bad}.*", log)
        assert not m, f"Linux printed '{m.group(0) if m else bad}'"


def linux_boots(log):
    yield r"\(d1\) \[ *[\d.]+\] Linux version 6\.1\.", "Debian's kernel started"
    yield r"\(d1\) \[ *[\d.]+\] clocksource: Switched to clocksource xen", "it uses the Xen clocksource"
    yield r"\(d1\) \[ *[\d.]+\] Run /init as init process", "it reached the initramfs"
    yield r"\(d1\) CXEN-LINUX-MARKER 6\.1\.\S+ nproc=1", "the init script ran (marker, uname -r, nproc)"
    yield r"\(d1\) clocksource: xen", "sysfs agrees on the clocksource"
    yield r"d1: shutdown: poweroff \(linux\)", "poweroff reached the hypervisor as a clean shutdown"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def linux_4vcpus(log):
    yield r"\(d1\) \[ *[\d.]+\] smp: Brought up 1 node, 4 CPUs", "all four vCPUs came up (INIT-SIPI-SIPI)"
    yield r"\(d1\) CXEN-LINUX-MARKER 6\.1\.\S+ nproc=4", "the init script saw 4 CPUs"
    yield r"\(d1\) clocksource: xen", "Xen clocksource"
    yield r"d1: shutdown: poweroff \(linux\)", "clean poweroff"
    _no_bad_lines(log, 1)


def prepare_demo(tmp):
    """The domains `make run` boots, written by the same script."""
    demo = os.path.join(tmp, "demo")
    subprocess.run([os.path.join(SCRIPTS, "make-demo.sh"), CACHE, boot_test.GUESTS, demo],
                   check=True)
    return {"config_paths": [os.path.join(demo, c) for c in ("linux1.cfg", "linux2.cfg", "tests.cfg")]}


def linux_demo(log):
    for d in (1, 2):
        yield rf"\(d{d}\) \[ *[\d.]+\] xen:events: Using FIFO-based ABI", f"d{d}: FIFO event channels"
        yield rf"\(d{d}\) \[ *[\d.]+\] xen:grant_table: Grant tables using version \d layout", f"d{d}: grant tables"
        yield rf"\(d{d}\) \[ *[\d.]+\] smp: Brought up 1 node, 2 CPUs", f"d{d}: both vCPUs came up"
        yield rf"\(d{d}\) CXEN-DEMO-MARKER: linux{d} reached /init", f"d{d}: the demo's init ran"
        yield rf"\(d{d}\) Linux linux{d} 6\.1\.\S+ .* x86_64 GNU/Linux", f"d{d}: uname -a"
        yield rf"\(d{d}\) nproc: 2\n", f"d{d}: nproc equals the configured vCPUs"
        yield rf"\(d{d}\) clocksource: xen\n", f"d{d}: the xen clocksource"
        yield rf"\(d{d}\) +\d+: +\d+ +\d+ +xen-percpu +-virq +timer0", f"d{d}: the Xen timer VIRQ in /proc/interrupts"
        yield rf"\(d{d}\) dmesg audit: 0 suspicious lines", f"d{d}: a clean dmesg"
        yield rf"d{d}: shutdown: poweroff \(linux{d}\)", f"d{d}: clean poweroff"
        _no_bad_lines(log, d)
    yield r"\(d3\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "the test kernel passed beside them"
    yield r"d3: shutdown: poweroff \(tests\)", "the test kernel powered off"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def prepare_panic(tmp):
    with open(os.path.join(SCRIPTS, "demo-init.sh")) as f:
        good = _linux_cfg("survivor", 2, _initrd(tmp, "good", f.read()), " hostname=survivor")
    bad = _linux_cfg("broken", 2, _initrd(tmp, "broken", BROKEN_INIT), " panic=1")
    rebooter = _linux_cfg("rebooter", 1, _initrd(tmp, "reboot", REBOOT_INIT))
    return {"configs": {"broken.cfg": bad, "survivor.cfg": good, "rebooter.cfg": rebooter}}


def linux_panic(log):
    # Domain ids follow the order of the configs: d1 broken, d2 survivor, d3 rebooter.
    yield r"\(d1\) CXEN-BROKEN-INIT exiting", "the broken init ran"
    yield r"\(d1\) \[ *[\d.]+\] Kernel panic - not syncing: Attempted to kill init!", "Linux panicked"
    yield r"d1: shutdown: crash \(broken\)", "the hypervisor reports the crash Linux gave as its reason"
    yield r"d1: destroyed, memory returned", "the crashed guest was destroyed"
    yield r"\(d2\) CXEN-DEMO-MARKER: survivor reached /init", "the neighbour kept running"
    yield r"\(d2\) dmesg audit: 0 suspicious lines", "the neighbour's dmesg is clean"
    yield r"d2: shutdown: poweroff \(survivor\)", "the neighbour powered off cleanly"
    yield r"\(d3\) CXEN-REBOOT-INIT rebooting", "the third guest asked for a reboot"
    yield r"d3: shutdown: reboot \(rebooter\)", "reported as a reboot, the reason Linux gave"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    yield r"not all by powering off; fail", "verdict fail: one domain crashed"


LINUX = ["--smp", "4", "--mem", "1G"]

CASES = {
    "linux_pvh_1vcpu_boots_to_init": dict(args=["--smp", "2"], prepare=prepare, rc=0, expect=linux_boots),
    "linux_pvh_4vcpus_boot_to_init": dict(args=LINUX, prepare=lambda tmp: prepare(tmp, vcpus=4), rc=0,
                                          expect=linux_4vcpus),
    "linux_demo_two_guests_and_test_kernel": dict(args=LINUX, prepare=prepare_demo, rc=0, expect=linux_demo),
    "linux_panic_and_reboot_reported_neighbour_finishes": dict(args=LINUX, prepare=prepare_panic, rc=1, expect=linux_panic),
}
