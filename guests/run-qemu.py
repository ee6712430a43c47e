#!/usr/bin/env python3
"""Boot a guest test kernel under plain QEMU (no Xen) and check its report.

QEMU boots the ELF through its PVH note (-kernel), the guest finds no Xen,
prints on port 0xE9 (shown here) and ends with isa-debug-exit at port 0xf4:
QEMU exits 33 for pass, 35 for fail, 37 for a crash (guests/lib/shutdown.hpp).

Exit status: 0 if the verdict is the expected one (--expect, default pass),
the `Test result:` line agrees with it, and every --expect-line regex matched
some line; 1 otherwise; 124 on timeout.

  guests/run-qemu.py build/guests/hello.elf
  guests/run-qemu.py build/guests/hello.elf --cmdline "tests=smoke.*"
"""
import argparse
import re
import subprocess
import sys

DEBUG_EXIT_PORT = 0xF4
VERDICTS = {(0x10 << 1) | 1: "pass", (0x11 << 1) | 1: "fail", (0x12 << 1) | 1: "crash"}
RESULT = re.compile(r"^Test result: (PASS|FAIL) \((\d+) passed, (\d+) failed, (\d+) skipped\)$")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kernel", help="guest ELF, e.g. build/guests/hello.elf")
    p.add_argument("--cmdline", default="", help="guest command line (start_info cmdline)")
    p.add_argument("--expect", choices=["pass", "fail", "crash"], default="pass")
    p.add_argument("--expect-line", action="append", default=[], metavar="REGEX",
                   help="a console line must match (re.search); may repeat")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--quiet", action="store_true", help="print the console only on failure")
    a = p.parse_args(argv)

    cmd = [a.qemu, "-accel", "tcg", "-machine", "q35", "-cpu", "max", "-m", "64M",
           "-display", "none", "-serial", "none", "-monitor", "none", "-no-reboot",
           "-kernel", a.kernel, "-append", a.cmdline,
           "-debugcon", "stdio",
           "-device", f"isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=0x04"]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=a.timeout)
    except subprocess.TimeoutExpired as e:
        sys.stdout.write((e.stdout or b"").decode(errors="replace"))
        print(f"run-qemu: timed out after {a.timeout:.0f} s", file=sys.stderr)
        return 124
    out = proc.stdout.decode(errors="replace")
    lines = [l.rstrip("\r") for l in out.splitlines()]

    problems = []
    verdict = VERDICTS.get(proc.returncode)
    if verdict is None:
        problems.append(f"QEMU exited with status {proc.returncode}, not a guest verdict")
    elif verdict != a.expect:
        problems.append(f"verdict {verdict}, expected {a.expect}")
    results = [m for m in map(RESULT.match, lines) if m]
    if len(results) != 1:
        problems.append(f"{len(results)} 'Test result:' lines, expected 1")
    elif verdict in ("pass", "fail") and results[0].group(1).lower() != verdict:
        problems.append(f"'Test result: {results[0].group(1)}' disagrees with the exit verdict {verdict}")
    for rx in a.expect_line:
        if not any(re.search(rx, l) for l in lines):
            problems.append(f"no line matches {rx!r}")

    if not a.quiet or problems:
        sys.stdout.write(out)
    print("run-qemu: " + " ".join(cmd), file=sys.stderr)
    for msg in problems:
        print(f"run-qemu: {msg}", file=sys.stderr)
    print(f"run-qemu: {'ok' if not problems else 'FAILED'} (verdict {verdict})", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
