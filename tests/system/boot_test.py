#!/usr/bin/env python3
"""System tests: boot the hypervisor image in QEMU with scripts/cxen-run and
assert on the verdict and the serial log.

    boot_test.py [--image IMAGE] CASE      run one case (ctest runs each)
    boot_test.py --list                    list the cases

A case fails with the reason and the last 50 lines of the log.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, "scripts", "cxen-run")
GUESTS = None  # the test kernels' directory of the case being run

SELFTESTS = ["memory", "heap", "ipi", "spinlock", "timer", "tsc", "svm", "p2m", "hostinfo"]


def all_selftests_pass(log):
    for name in SELFTESTS:
        yield rf"selftest {name}: PASS", f"self-test {name} passes"
    yield r"selftest: \d+ run, 0 failed", "no self-test failed"
    yield r"\(d28672\) OK\n.*\(d28672\) X", "the SVM self-test guest printed through port 0xE9 and saw Xen's CPUID leaf"
    yield r"d28672: shutdown: poweroff", "the guest's HLT with interrupts off powered it off"


def boot_case(smp, mem, high_memory=False):
    def expect(log):
        yield r"Xen-e820 RAM map:", "memory map printed"
        yield rf"Brought up {smp} CPU\(s\)", f"{smp} CPU(s) brought up"
        yield from all_selftests_pass(log)
        # QEMU's APIC timer counts at 1 GHz with divide-by-1; reading its
        # count once after the wait counted host delays as ticks (up to 3x).
        m = re.search(r"LAPIC timer: (\d+) kHz", log)
        assert m and 990000 <= int(m.group(1)) <= 1010000, f"LAPIC timer calibrated to QEMU's 1 GHz ({m and m.group(0)})"
        if high_memory:  # pages above 4 GiB were allocated and written
            m = re.search(r"highest mfn (0x[0-9a-f]+)", log)
            assert m and int(m.group(1), 16) >= 0x100000, "memory test reached RAM above 4 GiB"
    return dict(args=["--smp", str(smp), "--mem", mem, "--cmdline", "selftest=all"], rc=0, expect=expect)


def pagefault(log):
    yield r"FATAL PAGE FAULT", "fatal page fault reported"
    yield r"Faulting linear address: 0000400000000000", "faulting address printed"
    yield r"RIP:\s+0008:\[<ffffffff8[0-9a-f]+>\] .*selftest_page_fault", "RIP symbolized"
    yield r"rax: [0-9a-f]{16}\s+rbx: [0-9a-f]{16}", "registers dumped"
    yield r"cr2: 0000400000000000", "CR2 dumped"
    yield r"Xen call trace:\n(.*\n)*.*run_selftests", "backtrace reaches run_selftests"
    yield r"Panic on CPU 0:", "panic banner"


def pit(log):
    yield r"TSC: \d+\.\d+ MHz \(calibrated against the PIT\)", "TSC calibrated with the PIT"
    yield r"selftest timer: PASS", "timers on time"
    yield r"selftest tsc: PASS", "TSC agrees with the PIT"


def cmdline_errors(log):
    yield r"Unknown command line option 'frobnicate'", "unknown option reported"
    yield r"selftest: unknown test 'bogus'", "unknown self-test reported"
    yield r"Brought up 2 CPU\(s\)", "maxcpus=2 honoured"


def boot_module(log):
    yield r"Module 0: \[0x[0-9a-f]+, 0x[0-9a-f]+\) 'answer=42'", "boot module and its command line listed"
    # As on Xen, an untagged first module is dom0's kernel; this one is none.
    yield r"Dom0: .*command line \"answer=42\"", "taken as dom0's kernel, its arguments as dom0's command line"
    yield r"cxen: dom0: kernel \S*module\.bin: neither an ELF nor a bzImage", "and refused with a clear error"


def domain_cfg(name, kernel="hello.elf", cmdline="require_xen", vcpus=1, memory=32, extra=""):
    """An xl.cfg text for a test kernel from build/guests ({guests} is filled in)."""
    return (f'# test domain\nname = "{name}"\ntype = "pvh"\nmemory = {memory}\nvcpus = {vcpus}\n'
            f'kernel = "{{guests}}/{kernel}"\ncmdline = "{cmdline}"\n{extra}')


def sched_unknown(log):
    yield r"sched=credit: no such scheduler; using rr", "an unknown sched= is reported"
    yield r"Using scheduler: Round-robin scheduler \(rr\)", "the default policy is kept"
    yield from one_domain(log)


def sched_credit2(log):
    yield r"Using scheduler: SMP Credit Scheduler rev2 \(credit2\)", "sched=credit2 chooses credit2"
    yield from one_domain(log)


def one_domain(log):
    yield r"d1: 'hello': PVH, 32 MiB, 1 vCPU\(s\)", "domain built from the boot modules"
    yield r"\(d1\) PASS smoke.xen_version_bad_pointer", "a bad hypercall pointer gives -EFAULT in the guest"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "every in-guest check passed"
    yield r"d1: shutdown: poweroff", "the guest powered off"
    yield r"d1: destroyed, memory returned", "the domain was torn down"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def two_domains(log):
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    for d in (1, 2):
        yield rf"\(d{d}\) Test result: PASS", f"d{d} passed its checks"
        yield rf"d{d}: shutdown: poweroff", f"d{d} powered off"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def bad_config(log):
    yield r"cxen: bad\.cfg:4: memory: expected an integer, got \"1G0\"; domain not started",\
        "the malformed config is reported with file, line and key"
    yield r"\(d2\) Test result: PASS", "the good domain still ran"
    yield r"Started 1 of 2 domain\(s\)", "one of two started"


def crashing_domain(log):
    yield r"d1: shutdown: crash", "the failing guest crashed itself"
    yield r"\(d2\) Test result: PASS", "its neighbour kept running and passed"
    yield r"d2: shutdown: poweroff", "the neighbour powered off"
    yield r"not all by powering off; fail", "verdict fail"


CASES = {
    "smp1_512M": boot_case(1, "512M"),
    "smp4_512M": boot_case(4, "512M"),
    "smp1_8G": boot_case(1, "8G", high_memory=True),
    "smp4_8G": boot_case(4, "8G", high_memory=True),
    "pagefault_panics_with_backtrace": dict(args=["--smp", "2", "--cmdline", "selftest=pagefault"], rc=2,
                                            expect=pagefault),
    "pit_calibration_without_hpet": dict(args=["--smp", "2", "--cmdline", "selftest=timer",
                                               "--qemu-arg=-machine", "--qemu-arg=pc,hpet=off"],
                                         rc=0, expect=pit),
    "bad_cmdline_is_reported": dict(args=["--smp", "4", "--cmdline", "frobnicate=1 maxcpus=2 selftest=bogus"],
                                    rc=1, expect=cmdline_errors),
    "boot_module_listed": dict(args=["--smp", "1", "--module", "{tmp}/module.bin answer=42"], rc=1,
                               expect=boot_module),
    "domain_hello": dict(args=["--smp", "2"], configs={"hello.cfg": domain_cfg("hello")}, rc=0,
                         expect=one_domain),
    "sched_unknown_keeps_rr": dict(args=["--smp", "2", "--cmdline", "sched=credit"],
                                   configs={"hello.cfg": domain_cfg("hello")}, rc=0, expect=sched_unknown),
    "sched_credit2_selectable": dict(args=["--smp", "2", "--cmdline", "sched=credit2"],
                                     configs={"hello.cfg": domain_cfg("hello")}, rc=0, expect=sched_credit2),
    "two_domains_at_once": dict(args=["--smp", "2"], configs={"a.cfg": domain_cfg("a"), "b.cfg": domain_cfg("b")},
                                rc=0, expect=two_domains),
    "bad_config_others_start": dict(args=["--smp", "2"],
                                    configs={"bad.cfg": domain_cfg("bad").replace("memory = 32", "memory = \"1G0\""),
                                             "good.cfg": domain_cfg("good")},
                                    rc=1, expect=bad_config),
    "crashing_guest_dies_alone": dict(args=["--smp", "2"],
                                      configs={"crash.cfg": domain_cfg("crash", cmdline="require_xen tests=no.such.test on_fail=crash"),
                                               "ok.cfg": domain_cfg("ok")},
                                      rc=1, expect=crashing_domain),
    "grub_multiboot2": dict(grub=True, rc=0, expect=lambda log: iter([
        (r"Bootloader: GRUB 2", "booted by GRUB 2 (multiboot2)"),
        (r"Command line: console=com1", "GRUB 2 passes options without the image path"),
        (r"Brought up 2 CPU\(s\)", "2 CPUs"),
        (r"selftest timer: PASS", "timers on time")])),
}


def load_area_cases():
    """Cases from tests/system/cases/*.py, each of which defines CASES (a
    dict like the one above) and may use domain_cfg() and all_selftests_pass()
    from this module (passed in as `boot_test`)."""
    import importlib.util
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
    for fn in sorted(os.listdir(here)) if os.path.isdir(here) else []:
        if not fn.endswith(".py"):
            continue
        spec = importlib.util.spec_from_file_location(fn[:-3], os.path.join(here, fn))
        mod = importlib.util.module_from_spec(spec)
        mod.boot_test = sys.modules[__name__]
        spec.loader.exec_module(mod)
        for name in mod.CASES:
            if name in CASES:
                raise SystemExit(f"{fn}: case {name} defined twice")
        CASES.update(mod.CASES)


def make_grub_iso(image, tmp):
    """A GRUB 2 (BIOS) ISO booting the image with multiboot2."""
    tree = os.path.join(tmp, "iso")
    os.makedirs(os.path.join(tree, "boot", "grub"))
    shutil.copy(image, os.path.join(tree, "boot", "cxen"))
    with open(os.path.join(tree, "boot", "grub", "grub.cfg"), "w") as f:
        f.write("set timeout=0\nset default=0\n"
                "serial --unit=0 --speed=115200\nterminal_input serial\nterminal_output serial\n"
                "menuentry cxen {\n"
                "  multiboot2 /boot/cxen console=com1 com1=115200,8n1 qemu_debug_exit=0xf4 selftest=timer\n"
                "}\n")
    iso = os.path.join(tmp, "cxen.iso")
    subprocess.run(["grub-mkrescue", "-o", iso, tree], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return iso


def run_case(name, image, guests):
    case = CASES[name]
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "serial.log")
        with open(os.path.join(tmp, "module.bin"), "wb") as f:
            f.write(b"cxen boot module\n" * 100)
        cmd = [sys.executable, RUNNER, "--image", image, "--quiet", "--log", log_path, "--timeout", "600"]
        global GUESTS
        GUESTS = guests  # for a case's prepare()
        if "prepare" in case:  # a case may build inputs (configs, initramfs) in tmp first
            case = dict(case, **case["prepare"](tmp))
        if case.get("grub"):
            iso = make_grub_iso(image, tmp)
            cmd += ["--smp", "2", "--no-kernel", "--qemu-arg=-cdrom", f"--qemu-arg={iso}",
                    "--qemu-arg=-boot", "--qemu-arg=d"]
        cmd += [a.replace("{tmp}", tmp) for a in case.get("args", [])]
        for cfg_name, text in case.get("configs", {}).items():  # dict order = domain order
            path = os.path.join(tmp, cfg_name)
            with open(path, "w") as f:
                f.write(text.replace("{guests}", guests))
            cmd.append(path)
        cmd += case.get("config_paths", [])  # configs a prepare() wrote itself
        # Debugging aid: extra QEMU options for every case, e.g. a gdbstub
        # and a monitor socket to look at a hung run (docs/testing.md).
        cmd += [f"--qemu-arg={x}" for x in shlex.split(os.environ.get("CXEN_TEST_QEMU_ARGS", ""))]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        log = open(log_path, encoding="utf-8", errors="replace").read() if os.path.exists(log_path) else ""
        keep = os.environ.get("CXEN_TEST_LOG_DIR")  # whole serial logs, for a failure the last lines do not explain
        if keep:
            os.makedirs(keep, exist_ok=True)
            with open(os.path.join(keep, name + ".log"), "w") as f:
                f.write(log)
        failures = []
        if proc.returncode != case["rc"]:
            failures.append(f"cxen-run exited {proc.returncode}, expected {case['rc']}: {proc.stdout.strip()[-300:]}")
        try:
            for pattern, what in case["expect"](log):
                if not re.search(pattern, log):
                    failures.append(f"missing: {what} (/{pattern}/)")
        except AssertionError as e:
            failures.append(f"failed: {e}")
        if failures:
            print(f"FAIL {name}")
            for f in failures:
                print("  " + f)
            print("  last 50 lines of the serial log:")
            for line in log.splitlines()[-50:]:
                print("  | " + line)
            return 1
        print(f"PASS {name}")
        return 0


def main():
    load_area_cases()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--image", default=os.path.join(ROOT, "build", "hypervisor", "cxen"))
    p.add_argument("--guests", help="directory of the test kernels (default: beside the image's build tree)")
    p.add_argument("--list", action="store_true")
    p.add_argument("--list-serial", action="store_true",
                   help="the cases that must run alone (timing bounds), for ctest's RUN_SERIAL")
    p.add_argument("case", nargs="?")
    a = p.parse_args()
    if a.list_serial:
        print("\n".join(name for name, case in CASES.items() if case.get("serial")))
        return 0
    if a.list or not a.case:
        print("\n".join(CASES))
        return 0
    if a.case not in CASES:
        print(f"unknown case {a.case}; see --list")
        return 2
    guests = a.guests or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.image))), "guests")
    return run_case(a.case, a.image, guests)


if __name__ == "__main__":
    sys.exit(main())
