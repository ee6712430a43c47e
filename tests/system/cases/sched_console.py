"""sched_op and console_io from inside a domain (guests/sched/)."""


def sched_console(log):
    yield r"\(d1\) console_io.write: this line came through CONSOLEIO_write", "console_io output reached the log"
    yield r"\(d1\) PASS sched_op.remote_shutdown_needs_privilege", "remote shutdown refused"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "every check passed"
    yield r"d1: shutdown: poweroff", "powered off"


def console_flood(log):
    """guests/sched/console_flood.cpp: 1500 lines through CONSOLEIO_write,
    then 1500 through port 0xE9, each flood followed by 2 s of quiet. The
    rate limit (a burst of 1000 lines, then 100 per second) lets through
    the burst and what refills while the floods run, reports the rest as
    suppressed, and lets the kernel's own report through."""
    import re
    yield r"\(d1\) PASS console_flood\.huge_write_is_bounded", "a 4 GiB write returns 0 at once"
    io = len(re.findall(r"^\(d1\) flood io \d{4}\r?$", log, re.M))
    e9 = len(re.findall(r"^\(d1\) flood e9 \d{4}\r?$", log, re.M))
    # The burst, less the domain's lines before the flood (they drew on it
    # too), plus 100 a second of refill while the flood runs: on an idle
    # host the CONSOLEIO_write flood takes well under 0.1 s, so almost none
    # (each 0xE9 byte is a VM exit, so that flood takes seconds).
    first = re.search(r"^\(d1\) flood io ", log, re.M)
    before = len(re.findall(r"^\(d1\) ", log[:first.start()], re.M)) if first else 0
    assert 1000 - before <= io < 1400, \
        f"{io} of 1500 CONSOLEIO_write flood lines reached the log (want the burst of 1000 less the {before} lines before it, and the refill)"
    assert 150 <= e9 < 1400, f"{e9} of 1500 port 0xE9 flood lines reached the log (want 2 s of refill, 200, and more)"
    # Every dropped line is counted once in a "messages suppressed" line,
    # printed before the next line let through (each one, once the burst
    # is spent: Xen's printk_ratelimit does the same).
    suppressed = [int(n) for n in re.findall(r"^\(XEN\) d1: printk: (\d+) messages suppressed\.\r?$", log, re.M)]
    assert suppressed, "no suppressed-messages line"
    assert sum(suppressed) == 3000 - io - e9, \
        f"{sum(suppressed)} lines reported suppressed, but {3000 - io - e9} of the 3000 did not reach the log"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "every check passed"
    yield r"d1: shutdown: poweroff", "powered off"


CASES = {
    "sched_op_and_console_io": dict(args=["--smp", "1"],
                                    configs={"sched.cfg": boot_test.domain_cfg("sched", kernel="sched_console.elf")},
                                    rc=0, expect=sched_console),
    "console_flood_is_rate_limited": dict(args=["--smp", "1"],
                                          configs={"flood.cfg": boot_test.domain_cfg("flood", kernel="console_flood.elf")},
                                          rc=0, expect=console_flood),
}
