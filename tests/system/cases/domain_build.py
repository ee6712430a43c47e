"""A boot-built domain that cannot get its memory returns everything it took
before the next domain is built: its neighbour still boots (issue 10)."""


def too_big_beside_small(log):
    yield r"d1: build failed; returning what it took", "the domain that found no memory is undone"
    yield r"d1: destroyed, memory returned", "torn down at once, before the next build"
    yield r"cxen: big\.cfg: memory: ENOMEM; domain not started", "the failure is reported with file and cause"
    yield r"d2: 'small': PVH, 64 MiB", "the neighbour is built"
    returned, built = log.find("d1: destroyed, memory returned"), log.find("d2: 'small': PVH")
    assert 0 <= returned < built, "d1's memory was not returned before d2 was built"
    yield r"Started 1 of 2 domain\(s\)", "one of two started"
    yield r"\(d2\) Test result: PASS", "the neighbour ran and passed"
    yield r"d2: shutdown: poweroff", "the neighbour powered off"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    yield r"All domains have shut down cleanly; fail", "verdict fail: one domain did not start"


CASES = {
    # 600 MiB cannot fit on a 512 MiB host; 64 MiB can, once the first is gone.
    "failed_build_returns_its_memory": dict(
        args=["--smp", "2", "--mem", "512M"],
        configs={"big.cfg": boot_test.domain_cfg("big", memory=600),
                 "small.cfg": boot_test.domain_cfg("small", memory=64)},
        rc=1, expect=too_big_beside_small),
}
