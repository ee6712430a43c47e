"""CPU policy, HVM context and HVM params from dom0 (issue #13, part 3;
docs/control-domain.md "CPU policy and vCPU state"). Dom0's probe
(tests/dom0/hvmctx_probe.cpp) makes the calls libxl and libxenguest make
while building a PVH domU, on the boot-built domU 1
(guests/control/hvmctx_target.cpp), which first checks what a domU gets
for the same calls and then passes only if it still runs after dom0 read
its context, loaded bad records and its own context back, set its params
and unpaused it; then libxenguest's vcpu_hvm loads vCPU 0's PVH entry
state into it, and its kernel starts again at its entry."""
import importlib.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))

HVMCTX_INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
busybox insmod /lib/xen/xen-privcmd.ko
/bin/cxen-dom0-hvmctx-probe
echo "CXEN-DOM0 hvmctx probe exit $?"
sleep 10
poweroff -f
"""


def _dom0_cases():
    """dom0.py's helpers (the busybox dom0 and its initramfs)."""
    spec = importlib.util.spec_from_file_location("cxen_dom0_cases", os.path.join(_HERE, "dom0.py"))
    mod = importlib.util.module_from_spec(spec)
    mod.boot_test = boot_test  # noqa: F821 (injected by boot_test.load_area_cases)
    spec.loader.exec_module(mod)
    return mod


def prepare_hvmctx(tmp):
    probe = os.path.join(os.path.dirname(boot_test.GUESTS), "tests", "dom0", "cxen-dom0-hvmctx-probe")  # noqa: F821
    return {"args": _dom0_cases()._dom0_args(tmp, HVMCTX_INIT, files=(probe,)),
            "configs": {"target.cfg": boot_test.domain_cfg(  # noqa: F821
                "target", kernel="hvmctx_target.elf", cmdline="require_xen hvmctx.wait_s=300")}}


def dom0_hvmctx(log):
    yield r"d1: 'target': PVH", "the boot-built domU is built (ID 1)"
    yield r"\(d1\) PASS control\.hvmctx_domu_refused_the_toolstack_calls", \
        "the domU gets Xen's errors for the toolstack's calls"
    yield r"PROBE ok NULL handles give 120 leaves and 2 MSRs", "get_cpu_policy's maxima"
    yield r"PROBE ok hvm_default has only leaves the 4\.17 tools' deserialiser accepts", "a policy the tools read"
    yield r"PROBE ok hvm_default leaf 1 EDX is what a guest vCPU sees", "the policy is the CPUID guests get"
    yield r"PROBE ok set_cpu_policy of hvm_default with libxl's tweak", "set_cpu_policy takes libxl's policy"
    yield r"PROBE ok set_cpu_policy above hvm_max's max leaf is -EINVAL", "and refuses one above hvm_max"
    yield r"PROBE ok gethvmcontext into a buffer one byte short is -ENOSPC", "a short buffer"
    yield r"PROBE ok END comes last, at the size reported", "the save stream in Xen's form"
    yield r"PROBE ok MTRR carries the guest's real PAT", "the MTRR record has the guest PAT"
    yield r"PROBE ok sethvmcontext with a CPU record without CR0\.ET is -EINVAL", "a bad CPU record is refused"
    yield r"PROBE ok sethvmcontext \[HEADER, MTRR\(0\), END\] as vcpu_hvm", "vcpu_hvm's MTRR step"
    yield r"PROBE ok sethvmcontext of the context read, unchanged", "the context written back"
    yield r"PROBE ok vCPU 0's registers came back as saved", "and read again the same"
    yield r"PROBE ok and read back", "libxl's params set and read back"
    yield r"PROBE summary: (\d+)/\1\n", "every check passed"
    yield r"CXEN-DOM0 hvmctx probe exit 0", "the probe's verdict"
    yield r"\(d1\) PASS control\.hvmctx_params_from_dom0_read_back_after_context_load", \
        "the domU still runs after the load and reads its params as xenbus does"
    yield r"PROBE ok vcpu_hvm's \[HEADER, CPU\(0\) at the PVH entry, END\]", "vcpu_hvm's CPU record is taken"
    assert log.count("(d1) cxen guest 'hvmctx_target'") == 2, "the domU's kernel started twice"
    yield r"\(d1\) restarted at the PVH entry by dom0's sethvmcontext", \
        "vCPU 0 ran from the entry with rbx = start_info after the unpause"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed", "every in-guest check passed"
    yield r"Hardware Dom0 halted", "the hypervisor kept running until dom0's poweroff"
    assert "PROBE FAIL" not in log, [line for line in log.splitlines() if "PROBE FAIL" in line]


CASES = {
    "dom0_hvmctx_policy_context_params": dict(prepare=prepare_hvmctx, rc=0, expect=dom0_hvmctx),
}
