"""The memory calls the toolstack makes on a domain it builds (issue #13,
docs/control-domain.md "Building a domain's memory"), from dom0's user
space through privcmd (tests/dom0/mem_probe.cpp), on a boot-built domU that
dom0 pauses first: max_mem, claims (physinfo's and getdomaininfo's
outstanding pages), populate_physmap of order 18, 9 and 0 extents mapped
back and found zeroed, decrease_reservation, the reservation counts, the
PoD target, set_memory_map, Xen's errors, then the destroy that returns
every page and the claim left over. A second domU
(guests/memory/toolstack_ops.cpp) tries the same calls on the first and
gets Xen's errors, and reads back the memory map dom0 set for it."""
import importlib.util
import os

# dom0.py's initramfs helpers (the kernel, busybox, the Xen modules).
_spec = importlib.util.spec_from_file_location("cxen_cases_dom0", os.path.join(os.path.dirname(__file__), "dom0.py"))
dom0 = importlib.util.module_from_spec(_spec)
dom0.boot_test = boot_test  # noqa: F821 (injected by boot_test.load_area_cases)
_spec.loader.exec_module(dom0)

MEM_INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
busybox insmod /lib/xen/xen-privcmd.ko
/bin/cxen-dom0-mem-probe
echo "CXEN-DOM0 mem probe exit $?"
sleep 5
poweroff -f
"""


def prepare_mem(tmp):
    probe = os.path.join(os.path.dirname(boot_test.GUESTS), "tests", "dom0", "cxen-dom0-mem-probe")  # noqa: F821
    # 4 GiB: room for the 1 GiB extent the probe populates in one piece.
    args = dom0._dom0_args(tmp, MEM_INIT, files=(probe,), extra_args=("--mem", "4G"))
    return {"args": args,
            "configs": {  # dict order = domain order: d1 is built on, d2 reads its map
                "target.cfg": boot_test.domain_cfg("target", kernel="foreign_target.elf",  # noqa: F821
                                                   cmdline="require_xen foreign.wait_s=900"),
                "reader.cfg": boot_test.domain_cfg("reader", kernel="toolstack_ops.elf",  # noqa: F821
                                                   cmdline="require_xen memory.peer=1"),
            }}


def dom0_mem(log):
    yield r"d1: 'target': PVH", "the domU to build on is domain 1"
    yield r"d2: 'reader': PVH", "the domU that reads its map is domain 2"
    yield r"\(d2\) PASS memory.toolstack_ops_on_another_domain_refused", \
        "a domU's populate/decrease on another domain do nothing, claim/set_memory_map/PoD are -EPERM"
    yield r"\(d2\) PASS memory.toolstack_ops_on_itself", "on itself: claim -EINVAL, PoD -EPERM, order 10 refused"
    yield r"PROBE ok claim_pages for what the build will populate", "dom0 claims pages for domain 1"
    yield r"PROBE ok getdomaininfo: outstanding_pages is the claim less what it has", "getdomaininfo reports the claim"
    yield r"PROBE ok physinfo: outstanding_pages is the host's total claim", "physinfo reports it"
    yield r"PROBE ok populate_physmap of one 1 GiB extent from dom0", "order 18 from the control domain"
    yield r"PROBE ok populate_physmap of one 2 MiB extent", "order 9"
    yield r"PROBE ok populate_physmap of 1024 pages in one call", "a long list, continued by the hypervisor"
    yield r"PROBE ok the claim is used up", "populating draws the claim down"
    yield r"PROBE ok and finds them zeroed", "the new pages, mapped from dom0, are zeroed"
    yield r"PROBE ok decrease_reservation of the four pages", "decrease from dom0"
    yield r"PROBE ok set_memory_map of domain 2", "dom0 sets domain 2's memory map"
    yield r"\(d2\) PASS memory.memory_map_set_by_dom0", "domain 2 reads it back with XENMEM_memory_map"
    yield r"d1: destroyed, memory returned", "dom0 destroys domain 1"
    yield r"PROBE ok physinfo: the leftover claim is cancelled", "the claim left over goes with it"
    yield r"PROBE ok every page of domain 1 is free again", "every page populated from dom0 is free again"
    yield r"PROBE summary: (\d+)/\1\n", "every check passed"
    yield r"CXEN-DOM0 mem probe exit 0", "the probe's verdict"
    yield r"\(d2\) Test result: PASS", "domain 2 passed every check"
    yield r"Hardware Dom0 halted", "the hypervisor kept running until dom0's poweroff"
    assert "PROBE FAIL" not in log, [line for line in log.splitlines() if "PROBE FAIL" in line]


CASES = {
    "dom0_mem_builds_a_domains_memory": dict(prepare=prepare_mem, rc=0, expect=dom0_mem),
}
