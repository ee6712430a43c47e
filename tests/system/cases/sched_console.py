"""sched_op and console_io from inside a domain (guests/sched/)."""


def sched_console(log):
    yield r"\(d1\) console_io.write: this line came through CONSOLEIO_write", "console_io output reached the log"
    yield r"\(d1\) PASS sched_op.remote_shutdown_needs_privilege", "remote shutdown refused"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "every check passed"
    yield r"d1: shutdown: poweroff", "powered off"


CASES = {
    "sched_op_and_console_io": dict(args=["--smp", "1"],
                                    configs={"sched.cfg": boot_test.domain_cfg("sched", kernel="sched_console.elf")},
                                    rc=0, expect=sched_console),
}
