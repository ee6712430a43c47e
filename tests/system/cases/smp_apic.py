"""Interrupts, the emulated x2APIC and multi-vCPU guests (guests/apic,
guests/smp): 1, 2 and 4 vCPUs, APs started with INIT-SIPI-SIPI and with
VCPUOP_initialise/up, on as many pCPUs as vCPUs and on fewer (vCPU and FPU
switching on one pCPU)."""


def passed(cases, extra=()):
    def expect(log):
        for c in cases:
            yield rf"\(d1\) PASS {c}:", f"{c} passed in the guest"
        for pattern, what in extra:
            yield pattern, what
        yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed", "every in-guest check passed"
        yield r"d1: shutdown: poweroff", "the guest powered off"
        yield r"All domains have shut down cleanly; pass", "verdict pass"
    return expect


APIC_CASES = ["apic.x2apic_enabled_from_reset", "apic.registers_match_vcpu_id",
              "apic.read_only_and_write_only_registers_fault",
              "apic.self_ipi_is_delivered_when_interrupts_are_enabled",
              "apic.tpr_holds_back_lower_priority_classes",
              "apic.one_shot_timer_fires_on_time_and_wakes_hlt", "apic.periodic_timer_keeps_firing",
              "apic.masked_timer_does_not_interrupt"]
SMP_CASES = ["smp.vcpu_count_matches_config", "smp.vcpuop_bad_arguments", "smp.aps_come_online",
             "smp.ipi_to_each_ap_and_back_wakes_hlt", "smp.ipi_all_but_self_reaches_every_ap",
             "smp.run_function_on_ap", "smp.fpu_state_is_kept_per_vcpu", "smp.vcpuop_down_and_up"]


def smp_case(pcpus, vcpus, start="sipi"):
    cmdline = f"require_xen smp.vcpus={vcpus} smp.start={start}"
    cases = SMP_CASES if vcpus > 1 else SMP_CASES[:2]
    return dict(args=["--smp", str(pcpus)],
                configs={"smp.cfg": boot_test.domain_cfg("smp", kernel="smp.elf", cmdline=cmdline, vcpus=vcpus)},
                rc=0, expect=passed(cases, [(rf"d1: 'smp': PVH, 32 MiB, {vcpus} vCPU\(s\)", f"{vcpus} vCPUs built")]))


CASES = {
    "apic_lapic_one_vcpu": dict(args=["--smp", "1"],
                                configs={"apic.cfg": boot_test.domain_cfg("apic", kernel="apic.elf")},
                                rc=0, expect=passed(APIC_CASES)),
    "smp_one_vcpu": smp_case(2, 1),
    "smp2_init_sipi": smp_case(2, 2),
    "smp4_init_sipi": smp_case(4, 4),
    "smp2_vcpuop": smp_case(2, 2, "vcpuop"),
    "smp4_vcpuop": smp_case(4, 4, "vcpuop"),
    "smp2_on_one_pcpu": smp_case(1, 2),
    "smp4_on_two_pcpus_vcpuop": smp_case(2, 4, "vcpuop"),
    # Poweroff as Linux does it: HLT with IF=0 on every vCPU (pvh-guest-abi.md §16).
    "smp4_poweroff_by_halting_every_vcpu": dict(
        args=["--smp", "4"],
        configs={"smp.cfg": boot_test.domain_cfg(
            "smp", kernel="smp.elf", vcpus=4,
            cmdline="require_xen smp.vcpus=4 smp.halt_poweroff tests=smp.aps_come_online,smp.poweroff_by_halting_every_vcpu")},
        rc=0, expect=lambda log: iter([
            (r"\(d1\) PASS smp.aps_come_online:", "the APs came online"),
            (r"\(d1\)   halting every vCPU with interrupts off", "every vCPU halted with IF=0"),
            (r"d1: shutdown: poweroff", "the last HLT powered the domain off"),
            (r"All domains have shut down cleanly; pass", "verdict pass")])),
}
