"""Event channels, FIFO ABI: init_control on every vCPU, an event array of
over 100,000 ports, 100,000 bound ports, delivery through the queues and
priorities, Xen's errors, and EVTCHNOP_reset back to 2-level, from inside a
domain (guests/event/fifo.cpp)."""

MAX_PORT = 131071  # xl.cfg max_event_channels: the FIFO ABI's highest port


def _fifo_domain(name):
    return boot_test.domain_cfg(name, kernel="event_fifo.elf", vcpus=2, cmdline="require_xen",
                                extra=f"max_event_channels = {MAX_PORT}\n")


def _fifo(log):
    yield r"\(d1\) PASS fifo.init_control_errors", "bad vCPU, offset and frame: Xen's errno"
    yield r"\(d1\)   FIFO control blocks on 2 vCPU\(s\)", "a control block on every vCPU"
    yield r"\(d1\)   event array: (9[89]|1\d\d) pages", "the event array covers 100,000 ports"
    yield r"\(d1\)   bound ports (\d+)\.\.(\d+)\n", "100,000 ports bound"
    yield r"\(d1\) PASS fifo.bind_many: last == first_bound \+ nr_bound - 1", "in one run, lowest first"
    yield r"\(d1\) PASS fifo.send_on_highest", "an event on the highest port arrives through its queue"
    yield r"\(d1\) PASS fifo.priorities", "higher priority first, FIFO within one"
    yield r"\(d1\) PASS fifo.expand_to_the_limit: expand_next\(\) == -ENOSPC", "131072 ports at most"
    yield r"\(d1\) PASS fifo.reset_to_2l", "EVTCHNOP_reset returns to 2-level"
    yield r"\(d1\) PASS fifo.unmask_after_reset", "unmask ignores ports 2-level cannot name and free ports"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "every check passed"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


CASES = {
    "events_fifo": dict(args=["--smp", "2"], configs={"fifo.cfg": _fifo_domain("fifo")}, rc=0, expect=_fifo),
}
