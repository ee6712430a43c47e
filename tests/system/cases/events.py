"""Event channels (2-level ABI): every EVTCHNOP and SCHEDOP_poll from inside
a domain (guests/event/ops.cpp, poll.cpp), and a ping-pong between two
domains (guests/event/pingpong.cpp)."""

MAX_PORT = 40  # xl.cfg max_event_channels for the ops domains: the highest port


def _ops_domain(name, peer):
    return boot_test.domain_cfg(name, kernel="event.elf",
                                cmdline=f"require_xen tests=event.*,poll.* event.peer={peer} event.max_port={MAX_PORT}",
                                extra=f"max_event_channels = {MAX_PORT}\n")


def _holder_domain(name, peer):
    """The -EPERM cases need a foreign domain that lives until they ran."""
    return boot_test.domain_cfg(name, kernel="event.elf", cmdline=f"require_xen tests=hold.* event.peer={peer}")


def _ops(log):
    yield r"\(d2\) PASS event.bind_interdomain_loopback", "loopback channel works"
    yield r"\(d2\) PASS event.masked_port_and_unmask", "2-level mask/unmask semantics"
    yield r"\(d2\) PASS event.port_limit: last == max_port", "max_event_channels is the highest port"
    yield r"\(d2\) PASS event.status: status\(static_cast<domid_t>\(peer\), 1, s\) == -EPERM", "foreign domain: -EPERM"
    yield r"\(d2\) PASS poll.timeout_ends_the_poll", "SCHEDOP_poll times out"
    yield r"\(d2\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "every check passed"
    yield r"\(d1\) PASS hold.outlive_peer: rc == -ESRCH", "a destroyed domain is -ESRCH"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "the holder passed"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def _pingpong_domain(name, role, peer):
    return boot_test.domain_cfg(name, kernel="event_pingpong.elf",
                                cmdline=f"require_xen event.role={role} event.peer={peer}")


def _pingpong(log):
    for d in (1, 2):
        yield rf"\(d{d}\) PASS event.pingpong", f"d{d} bounced events with its peer"
        yield rf"\(d{d}\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", f"d{d}: every check passed"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


CASES = {
    "events_ops": dict(args=["--smp", "2"],
                       configs={"hold.cfg": _holder_domain("hold", 2), "ev.cfg": _ops_domain("ev", 1)},
                       rc=0, expect=_ops),
    "events_pingpong": dict(args=["--smp", "2"],
                            configs={"ping.cfg": _pingpong_domain("ping", "ping", 2),
                                     "pong.cfg": _pingpong_domain("pong", "pong", 1)},
                            rc=0, expect=_pingpong),
    # Both vCPUs on one pCPU: each poll must really block so the peer can run.
    "events_pingpong_one_pcpu": dict(args=["--smp", "1"],
                                     configs={"ping.cfg": _pingpong_domain("ping", "ping", 2),
                                              "pong.cfg": _pingpong_domain("pong", "pong", 1)},
                                     rc=0, expect=_pingpong),
}
