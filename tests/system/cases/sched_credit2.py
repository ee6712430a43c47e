"""Credit2 from dom0 (issue #15): Debian's `xl sched-credit2` reads and sets
a domain's weight and cap and the pool's rate limit
(XEN_DOMCTL/SYSCTL_scheduler_op, docs/scheduling.md), and weights hold in
practice: two CPU-bound boot-built Linux domUs pinned to pCPU 1 with
weights 256 and 512 get CPU time 1:2 (xl vcpu-list's times, within 10%)."""
import importlib.util
import os
import re
import subprocess

# dom0.py's helpers (the cases loader injects `boot_test` into each file).
_spec = importlib.util.spec_from_file_location("dom0_cases", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                          "dom0.py"))
dom0 = importlib.util.module_from_spec(_spec)
dom0.boot_test = boot_test  # noqa: F821 (injected)
_spec.loader.exec_module(dom0)

# Domains 1 and 2 spin; dom0 keeps to pCPU 0, the domUs share pCPU 1.
SCRIPT = r"""set -e
echo "== xl info"; xl info | grep xen_scheduler
echo "== defaults"; xl sched-credit2; xl sched-credit2 -s
echo "== set"
xl sched-credit2 -d 2 -w 512
xl sched-credit2 -d 1 -c 90
xl sched-credit2 -d 1 | sed 's/^/dom1: /'
xl sched-credit2 -d 2 | sed 's/^/dom2: /'
xl sched-credit2 -d 1 -c 0
xl sched-credit2 -d 1 | sed 's/^/dom1 uncapped: /'
if xl sched-credit2 -d 1 -c 101 2>/dev/null; then echo "cap 101 accepted"; else echo "cap 101 refused"; fi
xl sched-credit2 -s -r 2000; xl sched-credit2 -s | sed 's/^/rl: /'
if xl sched-credit2 -s -r 50 2>/dev/null; then echo "ratelimit 50 accepted"; else echo "ratelimit 50 refused"; fi
xl sched-credit2 -s -r 1000
echo "== weights"
xl vcpu-pin 0 all 0
xl vcpu-pin 1 0 1
xl vcpu-pin 2 0 1
sleep 15
t() { xl vcpu-list "$1" | awk 'NR == 2 { print $6 }'; }
a0=$(t 1); b0=$(t 2)
sleep 30
a1=$(t 1); b1=$(t 2)
xl vcpu-list
echo "WEIGHTS a=$(awk "BEGIN { print $a1 - $a0 }") b=$(awk "BEGIN { print $b1 - $b0 }")"
echo "== done"
"""

SPIN_INIT = """#!/bin/sh
echo "CXEN-SPIN up"
while :; do :; done
"""


def prepare(tmp):
    kernel, busybox = dom0._kernel_busybox()
    script = os.path.join(tmp, "sched.sh")
    with open(script, "w") as f:
        f.write(SCRIPT)
    init = os.path.join(tmp, "spin.init")
    with open(init, "w") as f:
        f.write(SPIN_INIT)
    initrd = os.path.join(tmp, "spin.gz")
    subprocess.run([os.path.join(dom0.SCRIPTS, "mkinitramfs.sh"), busybox, init, initrd], check=True)
    configs = {}
    for name in ("spina", "spinb"):
        configs[f"{name}.cfg"] = (f'name = "{name}"\ntype = "pvh"\nmemory = 96\nvcpus = 1\nkernel = "{kernel}"\n'
                                  f'ramdisk = "{initrd}"\ncmdline = "console=hvc0 rdinit=/init"\n')
    return {"args": ["--smp", "2", "--mem", "1G", "--cmdline", "sched=credit2", "--dom0", kernel, "--dom0-mem", "384M", "--dom0-vcpus", "2",
                     "--dom0-script", script],
            "configs": configs}


def sched_credit2(log):
    yield r"xen_scheduler +: credit2", "xl info names credit2"
    yield r"Domain-0 +0 +256 +0\n", "xl sched-credit2 lists dom0 with the default weight and no cap"
    yield r"Cpupool Pool-0: ratelimit=1000us", "the pool's default rate limit"
    yield r"dom1: \S+ +1 +256 +90\n", "cap 90 set on domain 1"
    yield r"dom2: \S+ +2 +512 +0\n", "weight 512 set on domain 2"
    yield r"dom1 uncapped: \S+ +1 +256 +0\n", "cap 0 lifts the cap"
    yield r"cap 101 refused", "a cap above 100 per vCPU is refused (-EINVAL)"
    yield r"rl: Cpupool Pool-0: ratelimit=2000us", "the rate limit set"
    yield r"ratelimit 50 refused", "a rate limit below 100 us is refused"
    m = re.search(r"WEIGHTS a=([\d.]+) b=([\d.]+)", log)
    assert m, "the weight measurement ran"
    a, b = float(m.group(1)), float(m.group(2))
    assert a > 1.0 and b > 1.0, f"both domUs ran (a={a}s b={b}s)"
    ratio = b / a
    assert 1.8 <= ratio <= 2.2, f"weights 256:512 on one pCPU gave {a}s:{b}s (ratio {ratio:.2f}, want 2 +-10%)"
    yield r"WEIGHTS", f"weights 256:512 gave CPU time {a}s:{b}s (1:{ratio:.2f})"
    yield r"cxen-dom0: script exit 0", "the script's status"
    yield r"CXEN-SPIN up", "the domUs ran"


CASES = {
    "dom0_xl_sched_credit2_weights": dict(prepare=prepare, rc=0, expect=sched_credit2),
}
