"""RAM of a large guest is mapped with 1 GiB pages where the backing allows."""


def gib_pages(log):
    yield r"d1: RAM in [1-9]\d* x 1 GiB, \d+ x 2 MiB and \d+ x 4 KiB pages", "a 1 GiB page backs the guest"
    yield r"\(d1\) Test result: PASS", "the guest ran on it"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"


def mib_pages(log):
    yield r"d1: RAM in 0 x 1 GiB, [1-9]\d* x 2 MiB and \d+ x 4 KiB pages", "2 MiB pages back a small guest"


CASES = {
    "guest_ram_in_1gib_pages": dict(args=["--smp", "1", "--mem", "3G"],
                                    configs={"big.cfg": boot_test.domain_cfg("big", memory=1100)},
                                    rc=0, expect=gib_pages),
    "guest_ram_in_2mib_pages": dict(args=["--smp", "1"],
                                    configs={"small.cfg": boot_test.domain_cfg("small", memory=64)},
                                    rc=0, expect=mib_pages),
}
