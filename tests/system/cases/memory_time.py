"""memory_op (with domctl, sysctl and foreign-mapping refusals, guests/control), hvm_op,
vcpu_op and Xen time: the guest kernels of guests/memory, guests/time and
guests/vcpu, each booted as a PVH domU whose
in-guest checks must all pass (SKIPs allowed where noted)."""


def guest_passes(domain, name, allow_skips=False, extra=()):
    def expect(log):
        yield rf"d{domain}: '{name}': PVH", f"domain {name} built"
        skipped = r"\d+" if allow_skips else "0"
        yield (rf"\(d{domain}\) Test result: PASS \(\d+ passed, 0 failed, {skipped} skipped\)",
               f"every check in {name} passed")
        yield rf"d{domain}: shutdown: poweroff", f"{name} powered off"
        yield rf"d{domain}: destroyed, memory returned", f"{name} torn down, its memory returned"
        yield from extra
    return expect


def memory_case(log):
    yield from guest_passes(1, "memory")(log)
    yield r"\(d1\) PASS memory.foreign_domain_is_refused", "a foreign domid is refused (-EPERM)"
    yield r"\(d1\) PASS memory.p2m_tables_are_capped", \
        "remapping shared_info all over the guest-physical space ends in -ENOMEM from the domain's p2m pool"
    yield r"\(d1\) PASS control.domctl_every_op_refused", "every domctl on another domain refused with Xen's error"
    yield r"\(d1\) PASS control.domctl_refused_on_itself", "domctls on itself refused (-EPERM)"
    yield r"\(d1\) PASS control.vm_event_version_needs_no_privilege", "vm_event GET_VERSION answered, as Xen does"
    yield r"\(d1\) PASS control.sysctl_every_op_refused", "every sysctl refused (-EPERM, -EACCES on a wrong version)"
    yield r"\(d1\) PASS control.platform_op_refused", "every platform_op refused (-EPERM, -EACCES on a wrong version)"
    yield r"\(d1\) PASS control.xsm_op_and_sharing_counters", "xsm_op -ENOSYS, the sharing counters 0"
    yield r"\(d1\) PASS control.foreign_map_refused_per_entry", "a domU's foreign map is -EPERM per entry, nothing mapped"
    yield r"\(d1\) PASS control.foreign_map_whole_call_errors", "add_to_physmap_batch's whole-call errors are Xen's"
    yield r"\(d1\) PASS control.remove_from_physmap_of_another_domain_refused", "remove_from_physmap of another domain refused (-EPERM)"
    yield r"\(d1\) PASS control.acquire_resource_refused", "acquire_resource refused to a domU (-EACCES)"
    yield r"\(d2\) Test result: PASS", "the peer domain ran alongside"


CASES = {
    # d2 (hello) exists while d1 runs, so d1 can aim at a foreign domain.
    "memory_op": dict(args=["--smp", "2"],
                      configs={"memory.cfg": boot_test.domain_cfg("memory", kernel="memory.elf",
                                                                  cmdline="require_xen memory.peer=2"),
                               "peer.cfg": boot_test.domain_cfg("peer")},
                      rc=0, expect=memory_case),
    # Timer expiry is checked through VIRQ_TIMER, so this needs event channels.
    # serial: its timers' bounds (tens of ms) are about the hypervisor, so no
    # other QEMU may take the host's two cores meanwhile (ctest RUN_SERIAL).
    "xen_time": dict(args=["--smp", "2"], serial=True,
                     configs={"time.cfg": boot_test.domain_cfg("time", kernel="time.elf", vcpus=2)},
                     rc=0, expect=guest_passes(1, "time")),
    "vcpu_and_hvm_op": dict(args=["--smp", "2"],
                            configs={"vcpu.cfg": boot_test.domain_cfg("vcpu", kernel="vcpu.elf", vcpus=2)},
                            rc=0, expect=guest_passes(1, "vcpu", extra=(
                                (r"\(d1\) PASS vcpu.grant_map_over_vcpu_info_keeps_its_frame",
                                 "a grant mapping over a registered vcpu_info page does not free its frame"),))),
}
