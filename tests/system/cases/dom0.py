"""Dom0 (issue #12): Debian's stock kernel as the PVH control domain, built
from boot modules as Xen builds it (docs/control-domain.md). The kernel
comes from .cache/guest (scripts/fetch-guest-kernel.sh); each case builds a
small busybox initramfs with the Xen modules it needs."""
import glob
import os
import re
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CACHE = os.path.join(ROOT, ".cache", "guest")
SCRIPTS = os.path.join(ROOT, "scripts")

# Dom0's view of itself: vCPUs, memory, what xenfs says a control domain
# has (capabilities "control_d", the xenstore port of the local mode Linux
# uses in dom0), then a clean poweroff, which ends the run.
DOM0_INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "CXEN-DOM0 nproc=$(nproc)"
echo "CXEN-DOM0 $(grep MemTotal /proc/meminfo)"
echo "CXEN-DOM0 hypervisor=$(cat /sys/hypervisor/type) $(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)"
busybox insmod /lib/xen/xen-privcmd.ko
busybox insmod /lib/xen/xenfs.ko
mkdir -p /proc/xen
mount -t xenfs xenfs /proc/xen
echo "CXEN-DOM0 capabilities=$(cat /proc/xen/capabilities)"
echo "CXEN-DOM0 xsd_port=$(cat /proc/xen/xsd_port)"
echo "CXEN-DOM0 cmdline=$(cat /proc/cmdline)"
dmesg | grep -iE "xenbus|xenstore" | sed 's/^/CXEN-DOM0 dmesg: /'
poweroff -f
"""


def _kernel_busybox():
    kernels = glob.glob(os.path.join(CACHE, "kernel", "boot", "vmlinuz-*"))
    busybox = os.path.join(CACHE, "busybox", "bin", "busybox")
    if not kernels or not os.path.exists(busybox):
        raise SystemExit(f"no guest kernel in {CACHE}: run scripts/fetch-guest-kernel.sh")
    return kernels[0], busybox


def _dom0_initrd(tmp, text, modules=("xen-privcmd", "xenfs"), files=()):
    """busybox initramfs with `text` as /init, plus the named Xen modules of
    the same kernel package in /lib/xen and `files` in /bin (a second cpio
    archive appended: Linux unpacks concatenated archives)."""
    _, busybox = _kernel_busybox()
    init = os.path.join(tmp, "dom0.init")
    with open(init, "w") as f:
        f.write(text)
    initrd = os.path.join(tmp, "dom0-initrd.gz")
    subprocess.run([os.path.join(SCRIPTS, "mkinitramfs.sh"), busybox, init, initrd], check=True)
    tree = os.path.join(tmp, "mods")
    os.makedirs(os.path.join(tree, "lib", "xen"))
    for m in modules:
        found = glob.glob(os.path.join(CACHE, "kernel", "lib", "modules", "*", "kernel", "drivers", "xen", "**",
                                       m + ".ko"), recursive=True)
        if not found:
            raise SystemExit(f"module {m} not in the guest kernel package")
        shutil.copy(found[0], os.path.join(tree, "lib", "xen"))
    os.makedirs(os.path.join(tree, "bin"))
    for path in files:
        shutil.copy(path, os.path.join(tree, "bin"))
    files = subprocess.run(["find", "."], cwd=tree, check=True, stdout=subprocess.PIPE).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=tree, input=files, check=True,
                             stdout=subprocess.PIPE).stdout
    with open(initrd, "ab") as f:
        f.write(subprocess.run(["gzip", "-9"], input=archive, check=True, stdout=subprocess.PIPE).stdout)
    return initrd


def _dom0_args(tmp, init_text, cmdline="dom0=pvh dom0_mem=384M dom0_max_vcpus=2", extra_args=(), files=()):
    kernel = _kernel_busybox()[0]  # the bzImage as it is: the hypervisor unpacks it, as Xen does
    initrd = _dom0_initrd(tmp, init_text, files=files)
    return ["--smp", "2", "--mem", "1G", "--cmdline", cmdline + " -- loglevel=6",
            "--module", f"{kernel} console=hvc0 earlyprintk=xen", "--module", initrd, *extra_args]


def prepare_dom0(tmp):
    return {"args": _dom0_args(tmp, DOM0_INIT)}


def dom0_boots(log):
    yield r"Dom0: 384 MiB \(max \d+ MiB\), 2 vCPU\(s\)", "dom0_mem and dom0_max_vcpus applied"
    yield r"d0: 'Domain-0': PVH, 384 MiB, 2 vCPU", "dom0 is domain 0, 'Domain-0'"
    yield r"CXEN-DOM0 nproc=2", "dom0 runs 2 vCPUs"
    yield r"CXEN-DOM0 hypervisor=xen 4\.17", "/sys/hypervisor says Xen 4.17"
    yield r"CXEN-DOM0 capabilities=control_d", "Linux sees SIF_INITDOMAIN (xenfs: control_d)"
    yield r"CXEN-DOM0 xsd_port=[1-9]\d*", "xenbus took its local-mode port (alloc_unbound self->self)"
    yield r"CXEN-DOM0 cmdline=console=hvc0 earlyprintk=xen loglevel=6", "the module's arguments + ' -- ' tail"
    yield r"Hardware Dom0 halted: halting machine", "dom0's poweroff ends the run, as Xen's hwdom_shutdown"
    assert "Error initializing xenstore comms" not in log, "xenbus failed in dom0"
    assert "(d0)" not in log, "dom0's console output is raw, not prefixed"


# Dom0 beside a boot-built domU: both run; the domU's test kernel passes
# and is destroyed while dom0 keeps running, then dom0 powers off.
DOM0_WAITS = """#!/bin/sh
mount -t proc proc /proc
echo "CXEN-DOM0 up"
sleep 30
echo "CXEN-DOM0 done"
poweroff -f
"""


def prepare_beside(tmp):
    return {"args": _dom0_args(tmp, DOM0_WAITS),
            "configs": {"hello.cfg": boot_test.domain_cfg("hello")}}


def dom0_beside_domu(log):
    yield r"d1: 'hello': PVH", "the boot-built domU is built (ID 1)"
    yield r"Started dom0 and 1 of 1 boot-built domain\(s\)", "both started"
    yield r"d1: shutdown: poweroff \(hello\)", "the domU powers off on its own"
    yield r"d1: destroyed, memory returned", "and is destroyed while dom0 runs"
    yield r"CXEN-DOM0 done", "dom0 kept running"
    yield r"Hardware Dom0 halted", "dom0's poweroff ends the run"


# A bad dom0 kernel: a clear error, the run fails.
def prepare_bad_kernel(tmp):
    bad = os.path.join(tmp, "notakernel")
    with open(bad, "wb") as f:
        f.write(b"this is not a kernel\n" * 100)
    return {"args": ["--smp", "2", "--cmdline", "dom0=pvh dom0_mem=64M", "--module", f"{bad} console=hvc0"]}


def dom0_bad_kernel(log):
    yield r"cxen: dom0: kernel \S*notakernel: .+; dom0 not started", "a clear error naming the kernel"
    yield r"Dom0 did not start; stopping", "the run stops with fail"


# Control calls from dom0's user space through Linux's privcmd, as the
# toolstack makes them: good ones answer, bad ones get Xen's errors
# (tests/dom0/ctl_probe.cpp), and the hypervisor keeps running.
PROBE_INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
busybox insmod /lib/xen/xen-privcmd.ko
/bin/cxen-dom0-probe
echo "CXEN-DOM0 probe exit $?"
poweroff -f
"""


def prepare_probe(tmp):
    probe = os.path.join(os.path.dirname(boot_test.GUESTS), "tests", "dom0", "cxen-dom0-probe")
    return {"args": _dom0_args(tmp, PROBE_INIT, files=(probe,))}


def dom0_probe(log):
    yield r"PROBE ok domctl getdomaininfo\(0\)", "getdomaininfo of dom0 from user space"
    yield r"PROBE ok a domctl straddling into an unmapped page is -EFAULT", "a half-mapped argument is -EFAULT"
    yield r"PROBE summary: (\d+)/\1\n", "every check passed"
    yield r"CXEN-DOM0 probe exit 0", "the probe's verdict"
    yield r"Hardware Dom0 halted", "and the hypervisor kept running until dom0's poweroff"
    assert "PROBE FAIL" not in log, [l for l in log.splitlines() if "PROBE FAIL" in l]


# Foreign mapping from dom0's user space (tests/dom0/foreign_probe.cpp):
# the boot-built domU 1 (guests/control/foreign_target.cpp) is mapped page
# by page through privcmd, its grant table through acquire_resource; dom0
# writes the reply the domU waits for, the domU powers off and is destroyed
# while dom0 still maps its page, which stays readable until the unmap.
FOREIGN_INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
busybox insmod /lib/xen/xen-privcmd.ko
/bin/cxen-dom0-foreign-probe
echo "CXEN-DOM0 foreign probe exit $?"
poweroff -f
"""


# Xen's own toolstack in dom0 (the initramfs of scripts/mkdom0-initramfs.sh:
# Debian's xenstored, xen-init-dom0, xenconsoled, xl), beside a boot-built
# Linux domU that idles for a while: the commands a Xen user types first.
TOOLSTACK_SCRIPT = """set -e
echo "== xl info"; xl info
echo "== xl list"; xl list
echo "== xl vcpu-list"; xl vcpu-list
echo "== xl uptime"; xl uptime
echo "== xl dmesg"; xl dmesg | head -n 5
echo "== xenstore-ls"; xenstore-ls /local/domain/0; xenstore-ls /local/pool
echo "== xenstore write/read/watch"
xenstore-watch -n 2 /cxen/watched > /tmp/watch.out &
sleep 2
xenstore-write /cxen/watched fired
xenstore-write /cxen/key "hello from dom0"
echo "read: $(xenstore-read /cxen/key)"
wait
sed 's/^/watch: /' /tmp/watch.out
echo "== xl destroy"
xl destroy 1
xl list | sed 's/^/after destroy: /'
echo "== done"
"""

IDLE_DOMU_INIT = """#!/bin/sh
echo "CXEN-IDLE-DOMU up"
sleep 90
poweroff -f
"""


def prepare_foreign(tmp):
    probe = os.path.join(os.path.dirname(boot_test.GUESTS), "tests", "dom0", "cxen-dom0-foreign-probe")
    return {"args": _dom0_args(tmp, FOREIGN_INIT, files=(probe,)),
            "configs": {"target.cfg": boot_test.domain_cfg("target", kernel="foreign_target.elf")}}


def dom0_maps_a_domu(log):
    yield r"d1: 'target': PVH", "the boot-built domU is built (ID 1)"
    yield r"PROBE ok the target's marker page is found through the foreign mapping", \
        "dom0 reads the domU's memory through MMAPBATCH_V2"
    yield r"PROBE ok MMAP_RESOURCE maps the first 2 grant frames", "and its grant table through acquire_resource"
    yield r"\(d1\) PASS control.foreign_target_written_by_dom0", "the domU sees what dom0 wrote"
    yield r"d1: destroyed, memory returned", "the domU is destroyed while dom0 maps its page"
    yield r"PROBE ok the marker page stays readable after the target is gone", "its frame stays until the unmap"
    yield r"PROBE summary: (\d+)/\1\n", "every check passed"
    yield r"CXEN-DOM0 foreign probe exit 0", "the probe's verdict"
    yield r"Hardware Dom0 halted", "and the hypervisor kept running until dom0's poweroff"
    assert "PROBE FAIL" not in log, [l for l in log.splitlines() if "PROBE FAIL" in l]


def prepare_toolstack(tmp):
    kernel, busybox = _kernel_busybox()
    script = os.path.join(tmp, "toolstack.sh")
    with open(script, "w") as f:
        f.write(TOOLSTACK_SCRIPT)
    init = os.path.join(tmp, "idle.init")
    with open(init, "w") as f:
        f.write(IDLE_DOMU_INIT)
    initrd = os.path.join(tmp, "idle.gz")
    subprocess.run([os.path.join(SCRIPTS, "mkinitramfs.sh"), busybox, init, initrd], check=True)
    cfg = (f'name = "idle"\ntype = "pvh"\nmemory = 128\nvcpus = 1\nkernel = "{kernel}"\n'
           f'ramdisk = "{initrd}"\ncmdline = "console=hvc0 rdinit=/init"\n')
    return {"args": ["--smp", "2", "--mem", "1G", "--dom0", kernel, "--dom0-mem", "384M", "--dom0-vcpus", "2",
                     "--dom0-script", script],
            "configs": {"idle.cfg": cfg}}


def dom0_toolstack(log):
    m = re.search(r"Memory for domains: (\d+) MiB", log)
    assert m, "the hypervisor logs the memory it has for domains"
    yield rf"total_memory +: {m.group(1)}\n", "xl info total_memory is the hypervisor's own count"
    yield r"nr_cpus +: 2\n", "xl info nr_cpus"
    yield r"xen_version +: 4\.17", "xl info xen_version 4.17"
    yield r"virt_caps +: hvm hap", "xl info virt_caps with hvm and hap"
    yield r"xen_scheduler +: \S+", "xl info names the scheduler"
    yield r"Domain-0 +0 +384 +2 ", "xl list: Domain-0 with 384 MiB and 2 vCPUs"
    yield r"\n\S* +1 +128 +1 ", "xl list: the boot-built domU (ID 1, 128 MiB, 1 vCPU)"
    yield r"Domain-0 +0 +1 +\d+ ", "xl vcpu-list: dom0's vCPU 1"
    yield r"Domain-0 +0 +\d", "xl uptime: Domain-0"
    yield r"\(XEN\) cxen: a Xen-compatible hypervisor", "xl dmesg: the hypervisor's console history"
    yield r'name = "Domain-0"', "xenstore: /local/domain/0/name (xen-init-dom0)"
    yield r'0 = ""\n *name = "Pool-0"', "xenstore: /local/pool/0/name"
    yield r"read: hello from dom0", "xenstore-write then xenstore-read"
    yield r"watch: /cxen/watched", "xenstore-watch saw the write"
    yield r"d1: destroyed, memory returned", "xl destroy of the boot-built domU (XEN_DOMCTL_destroydomain)"
    assert not re.search(r"after destroy: \S+ +1 ", log), "the destroyed domU is gone from xl list"
    yield r"after destroy: Domain-0", "xl list after the destroy"
    yield r"== done", "every command ran (set -e)"
    yield r"cxen-dom0: script exit 0", "the script's status"
    yield r"CXEN-IDLE-DOMU up", "the domU ran beside dom0"


CASES = {
    "dom0_xen_toolstack_commands": dict(prepare=prepare_toolstack, rc=0, expect=dom0_toolstack),
    "dom0_control_calls_from_user_space": dict(prepare=prepare_probe, rc=0, expect=dom0_probe),
    "dom0_boots_with_options": dict(prepare=prepare_dom0, rc=0, expect=dom0_boots),
    "dom0_beside_boot_built_domu": dict(prepare=prepare_beside, rc=0, expect=dom0_beside_domu),
    "dom0_bad_kernel_is_reported": dict(prepare=prepare_bad_kernel, rc=1, expect=dom0_bad_kernel),
    "dom0_maps_a_domu": dict(prepare=prepare_foreign, rc=0, expect=dom0_maps_a_domu),
}
