"""The guest FPU/XSAVE state across the hypervisor's switches (guests/fpu/)."""


def xcr0_lowered(log):
    yield r"\(d1\) PASS fpu.xcr0_lowered_after_avx_state", "XCR0 lowered after AVX use: no fault, state kept"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "every check passed"
    yield r"d1: shutdown: poweroff", "powered off"
    yield r"All domains have shut down cleanly; pass", "verdict pass (the hypervisor did not fault)"


def no_leak(log):
    yield r"\(d1\) PASS fpu.avx_leak_writer", "the writer's YMM state survived the switches"
    yield r"\(d2\) PASS fpu.avx_state_starts_clean: dirty == 0u", "AVX enabled later starts clean, not with d1's values"
    yield r"\(d2\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "reader passed"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


CASES = {
    "fpu_xcr0_lowered_after_avx_state": dict(
        args=["--smp", "1"],
        configs={"fpu.cfg": boot_test.domain_cfg("fpu", kernel="fpu.elf",
                                                 cmdline="require_xen tests=fpu.xcr0_lowered_after_avx_state")},
        rc=0, expect=xcr0_lowered),
    # One pCPU: both domains' vCPUs switch on it.
    "fpu_avx_state_not_inherited_across_domains": dict(
        args=["--smp", "1"],
        configs={"a.cfg": boot_test.domain_cfg("writer", kernel="fpu.elf",
                                               cmdline="require_xen tests=fpu.avx_leak_writer"),
                 "b.cfg": boot_test.domain_cfg("reader", kernel="fpu.elf",
                                               cmdline="require_xen tests=fpu.avx_state_starts_clean")},
        rc=0, expect=no_leak),
}
