"""A guest that triple-faults is destroyed alone; its neighbour finishes."""


def triple_fault(log):
    yield r"\(d1\) crash.triple_fault: loading an empty IDT", "the guest got as far as breaking itself"
    yield r"d1: crashed: triple fault at rip 0x[0-9a-f]+", "the hypervisor says why it destroyed the guest"
    yield r"d1: shutdown: crash", "reported as a crash"
    yield r"d1: destroyed, memory returned", "torn down"
    yield r"\(d2\) Test result: PASS", "the neighbour kept running and passed"
    yield r"d2: shutdown: poweroff", "the neighbour powered off"
    yield r"Free memory: (\d+) pages before the domains, \1 after\n", "every page came back"
    yield r"not all by powering off; fail", "verdict fail"


CASES = {
    "triple_fault_dies_alone": dict(args=["--smp", "2"],
                                    configs={"crash.cfg": boot_test.domain_cfg("crash", kernel="triple_fault.elf"),
                                             "ok.cfg": boot_test.domain_cfg("ok")},
                                    rc=1, expect=triple_fault),
}
