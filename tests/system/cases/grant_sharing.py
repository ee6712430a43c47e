"""Grant tables between two domains (guests/grant/sharing.cpp): map, write,
read, unmap and copy in versions 1 and 2, Xen's status for every bad
request, and a granter that powers off while its page is still mapped."""


def _domain(name, role, peer):
    return boot_test.domain_cfg(name, kernel="grant_sharing.elf",
                                cmdline=f"require_xen grant.role={role} event.peer={peer}")


def _sharing(log):
    for d in (1, 2):
        yield rf"\(d{d}\)   version 2", f"d{d} reached version 2"
        if d == 2:
            yield r"\(d2\) PASS grant\.sharing: f\.vector == 13", "writing through a r/o mapping is #GP"
        yield rf"\(d{d}\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", f"d{d}: every check passed"
    yield r"d1: shutdown: poweroff \(granter\)", "the granter powered off with its page still mapped"
    yield r"d2: shutdown: poweroff \(mapper\)", "the mapper finished after it"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back, the kept one too"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


CASES = {
    "grant_sharing_v1_v2": dict(args=["--smp", "2"],
                                configs={"granter.cfg": _domain("granter", "granter", 2),
                                         "mapper.cfg": _domain("mapper", "mapper", 1)},
                                rc=0, expect=_sharing),
}
