"""Grant tables (v1 basics), physdev_op, the PV console ring served by the
hypervisor, and a hostile guest next to a normal one.

`boot_test` (the module) is injected by boot_test.load_area_cases().
"""


def grant_console(log):
    yield r"\(d1\) PASS grant\.query_size: ", "GNTTABOP_query_size works"
    yield r"\(d1\) PASS grant\.setup_table_bad_arguments: ", "setup_table rejects bad arguments as Xen"
    yield r"\(d1\) PASS grant\.versions_bad_arguments: ", "set/get_version reject bad arguments"
    yield r"\(d1\) PASS grant\.unaudited_commands_are_enosys: ", "unaudited GNTTABOP commands are -ENOSYS"
    yield r"\(d1\) PASS grant\.status_frame_has_one_gfn: ", \
        "a v2 status frame leaves its old gfn when mapped at a new one and is unmapped by set_version 1"
    yield r"\(d1\) PASS physdev\.enosys_for_pvh_domu: ", "physdev_op is -ENOSYS for a PVH domU"
    yield r"\(d1\) PASS console\.params: ", "console page and port are set up by the builder"
    yield r"\(d1\) console ring marker: the backend printed this line\n", \
        "text written straight into the ring arrives as (d1) ..."
    yield r"d1: PV console ring indices are more than the ring apart", "broken ring indices are reported, not trusted"
    yield r"\(d1\) PASS console\.ring_survives_broken_indices: ", "the ring works again after the guest repairs it"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", \
        "every in-guest check passed, the report itself through the ring"
    yield r"d1: shutdown: poweroff", "the guest powered off"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def hostile(log):
    yield r"\(d1\)   seed \d+, \d+ hypercalls", "the hostile guest printed its seed"
    yield r"\(d1\) .*  results: \d+ ok, \d+ -ENOSYS, \d+ other errors, 0 odd", "it made its hypercalls"
    yield (r"\(d1\)   grant elements okay: map [1-9]\d*/\d+, unmap [1-9]\d*/\d+, copy [1-9]\d*/\d+, swap [1-9]\d*/\d+",
           "its random grant maps, unmaps, copies and swaps (on itself) sometimes succeeded")
    yield r"\(d1\) Test result: PASS", "the hostile guest still works and reports cleanly"
    yield r"\(d2\) Test result: PASS \(\d+ passed, 0 failed, 0 skipped\)", "its neighbour passed"
    yield r"d2: shutdown: poweroff", "the neighbour powered off"
    yield r"All domains have shut down cleanly; pass", "the hypervisor stayed up: verdict pass"
    # The hypervisor's own fatal banners (guest text is always "(dN) "-prefixed).
    for banner in ("Panic on CPU", "FATAL PAGE FAULT", "ASSERT", "Xen call trace"):
        bad = [line for line in log.splitlines() if banner in line and not line.startswith("(d")]
        assert not bad, f"the hypervisor reported {banner!r}: {bad[0]}"


CASES = {
    "grant_physdev_console_ring": dict(
        args=["--smp", "2"],
        configs={"grant.cfg": boot_test.domain_cfg("grant", kernel="grant.elf",
                                                   cmdline="require_xen console=ring")},
        rc=0, expect=grant_console),
    "hostile_guest_neighbour_passes": dict(
        args=["--smp", "2"],
        configs={"hostile.cfg": boot_test.domain_cfg("hostile", kernel="hostile.elf",
                                                     cmdline="require_xen hostile.seed=1"),
                 "hello.cfg": boot_test.domain_cfg("hello")},
        rc=0, expect=hostile),
}
