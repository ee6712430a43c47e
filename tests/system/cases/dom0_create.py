"""XEN_DOMCTL_createdomain and the life of a toolstack-created domain (issue
#13, docs/control-domain.md "Creating domains"): tests/dom0/create_probe.cpp
in a small busybox dom0 creates, sets up, pauses, shuts down and destroys
domains through privcmd, beside a boot-built domU that checks a domU's
createdomain is -EPERM; and Debian's `xl list` shows a created domain."""
import importlib.util
import os
import re
import shutil
import subprocess

# dom0.py's initramfs helpers (the cases loader injects `boot_test` into each file).
_spec = importlib.util.spec_from_file_location("dom0_cases", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                          "dom0.py"))
dom0 = importlib.util.module_from_spec(_spec)
dom0.boot_test = boot_test  # noqa: F821 (injected)
_spec.loader.exec_module(dom0)


def _probe():
    return os.path.join(os.path.dirname(boot_test.GUESTS), "tests", "dom0", "cxen-dom0-create-probe")  # noqa: F821


CREATE_INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
busybox insmod /lib/xen/xen-privcmd.ko
busybox insmod /lib/xen/xen-evtchn.ko
/bin/cxen-dom0-create-probe
echo "CXEN-DOM0 create probe exit $?"
poweroff -f
"""


def prepare_create(tmp):
    kernel = dom0._kernel_busybox()[0]
    initrd = dom0._dom0_initrd(tmp, CREATE_INIT, modules=("xen-privcmd", "xenfs", "xen-evtchn"), files=(_probe(),))
    return {"args": ["--smp", "2", "--mem", "1G", "--cmdline", "dom0=pvh dom0_mem=384M dom0_max_vcpus=2 -- loglevel=6",
                     "--module", f"{kernel} console=hvc0 earlyprintk=xen", "--module", initrd],
            # d1: the memory kernel's domctl checks only (its createdomain is -EPERM).
            "configs": {"domu.cfg": boot_test.domain_cfg(  # noqa: F821
                "domu", kernel="memory.elf", cmdline="require_xen tests=control.domctl_refused_on_itself")}}


def dom0_creates_domains(log):
    yield r"\(d1\) PASS control.domctl_refused_on_itself", "a domU's createdomain (and other domctls) is -EPERM"
    yield r"PROBE ok createdomain of domain 50 copies back its ID", "a chosen domid"
    yield r"PROBE ok createdomain with DOMID_INVALID picks a free ID", "an automatic domid"
    yield r"PROBE ok createdomain with cpupool 1 is", "every bad config answered"
    yield r"PROBE ok a new domain is paused by the controller", "getdomaininfo of the new domain"
    yield r"PROBE ok max_vcpus 2 makes the vCPUs", "max_vcpus"
    yield r"PROBE ok get_paging_mempool_size says 4 MiB", "the setup domctls"
    yield r"PROBE ok unpause of the new domain", "unpause with nothing initialised"
    yield r"PROBE ok the domain stays listed, shut down with code crash", "a shutdown waits for the toolstack"
    yield r"PROBE ok VIRQ_DOM_EXC again when it is destroyed", "destroydomain and VIRQ_DOM_EXC"
    yield r"PROBE ok its ID is not reused while it is listed", "a zombie keeps its ID"
    yield r"PROBE ok the zombie is gone after the unmap", "and goes with dom0's last mapping"
    yield r"PROBE ok physinfo free_pages is back to its first value", "20 cycles return every page"
    yield r"PROBE summary: (\d+)/\1\n", "every check passed"
    yield r"CXEN-DOM0 create probe exit 0", "the probe's verdict"
    yield r"Hardware Dom0 halted", "and the hypervisor kept running until dom0's poweroff"
    assert "PROBE FAIL" not in log, [l for l in log.splitlines() if "PROBE FAIL" in l]


# Debian's xl lists a domain the probe created and crashed: its name comes
# from xenstore (written here as libxl would), its state is 'c', and
# `xl destroy` removes it.
XL_SCRIPT = """set -e
/usr/bin/cxen-dom0-create-probe keep crash > /tmp/kept
cat /tmp/kept
id=$(sed -n 's/^PROBE kept //p' /tmp/kept)
xenstore-write /local/domain/$id/name probe-made
echo "== xl list"; xl list
xl list | sed -n "s/^\\(probe-made .*\\)/listed: \\1/p"
echo "== xl destroy"; xl destroy $id
xl list | sed 's/^/after destroy: /'
echo "== done"
"""


def prepare_xl(tmp):
    kernel = dom0._kernel_busybox()[0]
    script = os.path.join(tmp, "xl.sh")
    with open(script, "w") as f:
        f.write(XL_SCRIPT)
    # Debian's initramfs (scripts/mkdom0-initramfs.sh) plus the probe in /usr/bin.
    base = os.path.join(dom0.ROOT, ".cache", "dom0", "dom0-initrd.gz")
    subprocess.run([os.path.join(dom0.SCRIPTS, "mkdom0-initramfs.sh"), base], check=True, stdout=subprocess.DEVNULL)
    tree = os.path.join(tmp, "probe-tree")
    os.makedirs(os.path.join(tree, "usr", "bin"))
    shutil.copy(_probe(), os.path.join(tree, "usr", "bin"))
    files = subprocess.run(["find", "."], cwd=tree, check=True, stdout=subprocess.PIPE).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=tree, input=files, check=True,
                             stdout=subprocess.PIPE).stdout
    initrd = os.path.join(tmp, "dom0-initrd.gz")
    shutil.copy(base, initrd)
    with open(initrd, "ab") as f:
        f.write(subprocess.run(["gzip", "-9"], input=archive, check=True, stdout=subprocess.PIPE).stdout)
    return {"args": ["--smp", "2", "--mem", "1G", "--dom0", kernel, "--dom0-initrd", initrd, "--dom0-mem", "384M",
                     "--dom0-vcpus", "2", "--dom0-script", script]}


def xl_lists_created_domain(log):
    m = re.search(r"PROBE kept (\d+)", log)
    assert m, "the probe created a domain"
    yield rf"listed: probe-made +{m.group(1)} +0 +0 +--psc- ", \
        "xl list: the created domain, its xenstore name, 0 MiB, no online vCPU, paused, shut down, crashed"
    yield rf"d{m.group(1)}: destroyed, memory returned", "xl destroy (XEN_DOMCTL_destroydomain)"
    assert not re.search(r"after destroy: probe-made", log), "the destroyed domain is gone from xl list"
    yield r"after destroy: Domain-0", "xl list after the destroy"
    yield r"== done", "every command ran (set -e)"
    yield r"cxen-dom0: script exit 0", "the script's status"


CASES = {
    "dom0_creates_domains": dict(prepare=prepare_create, rc=0, expect=dom0_creates_domains),
    "dom0_xl_lists_created_domain": dict(prepare=prepare_xl, rc=0, expect=xl_lists_created_domain),
}
