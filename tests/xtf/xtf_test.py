#!/usr/bin/env python3
"""Boot one Xen Test Framework test as a PVH domain on cxen and compare its
result with the expected one (tests/xtf/expected.tsv).

    xtf_test.py --xtf DIR [--image IMAGE] TEST    run one (e.g. hvm64-invlpg~hap)
    xtf_test.py --list                            the tests of expected.tsv
    xtf_test.py --xtf DIR --check-listed          every hvm64 test of DIR is listed

Each test's own xl.cfg (tests/NAME/test-ENV-NAME[~VARIATION].cfg, made by
XTF's build) is converted as Xen 4.17 users boot XTF's HVM tests as PVH
(and as ../shared/peer/xen417 does): type "hvm" becomes "pvh",
firmware_override becomes kernel, builder goes. Like xtf-runner, a test
whose configuration asks for shadow paging (hap=0) is a SKIP without
booting: cxen has only nested paging (so has Debian's Xen, built without
CONFIG_SHADOW_PAGING).

The result is XTF's own line, "Test result: SUCCESS|SKIP|FAILURE|ERROR"; a
domain that ends without one is a CRASH (xtf-runner's rule). The check also
requires the hypervisor to survive, and every page to come back.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(ROOT, "scripts", "cxen-run")
EXPECTED = os.path.join(HERE, "expected.tsv")


def load_expected():
    """{test: (result, note, cause)} from expected.tsv (tab-separated, #
    comments); cause is a regex the guest's output must match, or ""."""
    table = {}
    with open(EXPECTED) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            test, result, note, cause = (line.split("\t") + ["", "", ""])[:4]
            table[test] = (result, note, cause)
    return table


def cfg_path(xtf, test):
    """hvm64-invlpg~hap -> XTF/tests/invlpg/test-hvm64-invlpg~hap.cfg"""
    rest = test.split("-", 1)[1]
    return os.path.join(xtf, "tests", rest.split("~", 1)[0], f"test-{test}.cfg")


def guest_reason(log):
    """The guest's last distinct lines before its result: XTF prints why it
    skipped or failed there. Each line may come twice (console_io and the PV
    console)."""
    lines = []
    for m in re.finditer(r"^\(d1\) (.*)$", log, re.M):
        text = m.group(1).strip()
        if text.startswith("Test result:"):
            break
        if text and text not in lines[-4:]:
            lines.append(text)
    return " / ".join(lines[-3:])


def convert(cfg_text, xtf):
    """The test's xl.cfg as a PVH domain's."""
    out = []
    for line in cfg_text.splitlines():
        s = line.strip()
        if re.match(r"builder\s*=", s):
            continue
        if re.match(r"type\s*=", s):
            line = 'type = "pvh"'
        m = re.match(r"firmware_override\s*=\s*\"(.*)\"", s)
        if m:
            line = f'kernel = "{m.group(1)}"'
        out.append(line)
    return "\n".join(out) + "\n"


def wants_shadow(cfg_text):
    return re.search(r"^\s*hap\s*=\s*0\b", cfg_text, re.M) is not None


def run(args):
    expected = load_expected()
    if args.test not in expected:
        sys.exit(f"{args.test}: not in {EXPECTED}")
    want, note, cause = expected[args.test]
    cfg = cfg_path(args.xtf, args.test)
    if not os.path.exists(cfg):
        sys.exit(f"{args.test}: {cfg} missing (was XTF built? ninja xtf)")
    text = open(cfg).read()

    if wants_shadow(text):
        got, log, rc = "SKIP", "", 0
        why = "hap=0: needs shadow paging, which cxen does not have (xtf-runner skips it too)"
    else:
        with tempfile.TemporaryDirectory(prefix="xtf-") as tmp:
            path = os.path.join(tmp, os.path.basename(cfg))
            with open(path, "w") as f:
                f.write(convert(text, args.xtf))
            logf = os.path.join(tmp, "serial.log")
            cmd = [sys.executable, RUNNER, "--image", args.image, "--smp", "2", "--mem", "512M",
                   "--timeout", str(args.timeout), "--quiet", "--log", logf, path]
            rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT).returncode
            log = open(logf, errors="replace").read() if os.path.exists(logf) else ""
        m = re.search(r"\(d1\) Test result: (\w+)", log)
        got = m.group(1) if m else "CRASH"
        why = guest_reason(log) if got != "SUCCESS" else ""

    problems = []
    if got != want:
        problems.append(f"result {got}, expected {want}" + (f" ({note})" if note else ""))
    if got == want and cause and not re.search(cause, log):
        problems.append(f"{got} as expected, but not for the known cause /{cause}/")
    if log:
        if rc == 2 or "Panic on CPU" in log:
            problems.append("the hypervisor panicked")
        elif rc == 124:
            problems.append("timed out")
        elif not re.search(r"Free memory: (\d+) pages before the domains, \1 after\n", log):
            problems.append("not every page came back")
    if problems:
        print(f"FAIL {args.test}: " + "; ".join(problems))
        if why:
            print(f"  the guest said: {why}")
        tail = log.splitlines()[-60:]
        print("--- last lines of the serial log ---")
        print("\n".join(tail))
        return 1
    print(f"PASS {args.test}: {got}" + (f" ({why})" if why else ""))
    return 0


def check_listed(args):
    expected = load_expected()
    built = set()
    for name in sorted(os.listdir(os.path.join(args.xtf, "tests"))):
        d = os.path.join(args.xtf, "tests", name)
        if not os.path.isdir(d):
            continue
        for f in os.listdir(d):
            m = re.match(r"test-(hvm64-.*)\.cfg$", f)
            if m:
                built.add(m.group(1))
    missing = sorted(built - set(expected))
    stale = sorted(t for t in set(expected) - built if t.startswith("hvm64-"))
    if missing or stale:
        if missing:
            print("hvm64 tests built but not in expected.tsv: " + " ".join(missing))
        if stale:
            print("expected.tsv lists tests XTF no longer builds: " + " ".join(stale))
        return 1
    print(f"PASS all {len(built)} hvm64 test instances are listed")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--xtf", help="built XTF tree")
    p.add_argument("--image", default=os.path.join(ROOT, "build", "hypervisor", "cxen"))
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--list", action="store_true")
    p.add_argument("--check-listed", action="store_true")
    p.add_argument("test", nargs="?")
    args = p.parse_args()
    if args.list:
        print("\n".join(load_expected()))
        return 0
    if not args.xtf:
        p.error("--xtf is required")
    if args.check_listed:
        return check_listed(args)
    if not args.test:
        p.error("name a test")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
