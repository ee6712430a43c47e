"""What a PVH guest may do with its own CPU state (guests/cpu): control
registers, EFER, PAT and the hypercall-page MSR checked at the write (#GP as
Xen, never a VMRUN failure), the MSRs Xen lets a guest read, ICEBP, the
debug registers, and guest-physical addresses without RAM (read all ones,
writes dropped); and two domains sharing one pCPU that never see each
other's debug registers."""

CPU_CASES = ["cpu.cr4_bits_not_offered_fault", "cpu.cr0_invalid_values_fault", "cpu.cr3_reserved_bits_fault",
             "cpu.efer_invalid_values_fault", "cpu.pat_invalid_types_fault",
             "cpu.hypercall_page_msr_outside_ram_faults", "cpu.debug_msrs_read_as_xen", "cpu.amd_msrs_read_as_xen",
             "cpu.debug_registers_start_clear", "cpu.debug_register_reserved_bits_fault",
             "cpu.mmio_hole_reads_all_ones_and_drops_writes",
             "cpu.apic_base_mode_changes_as_xen"]


def cpu_state(log):
    yield r"d1: 'cpu': PVH", "domain built"
    for c in CPU_CASES:
        yield rf"\(d1\) PASS {c}:", f"{c} passed in the guest"
    # QEMU 7.2 makes ICEBP #UD before any intercept: the case SKIPs there.
    yield r"\(d1\) (PASS|SKIP) cpu\.icebp_raises_debug_trap", "ICEBP is #DB, or #UD in the CPU model"
    yield r"\(d1\) Test result: PASS \(\d+ passed, 0 failed, [12] skipped\)", "every check passed"
    yield r"d1: shutdown: poweroff", "the guest powered off (no VMRUN failure, no crash)"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


def _dr_domain(name, role):
    return boot_test.domain_cfg(name, kernel="cpu.elf",
                                cmdline=f"require_xen cpu.dr_role={role} cpu.dr_ms=400 "
                                        "tests=cpu.debug_registers_isolated")


def dr_isolated(log):
    for d, role in ((1, "writer"), (2, "reader")):
        yield rf"\(d{d}\)   {role}: \d+ rounds, 0 registers not as this domain left them", \
            f"{role} saw only its own debug registers"
        yield rf"\(d{d}\) Test result: PASS \(\d+ passed, 0 failed", f"d{d} passed"
    yield r"All domains have shut down cleanly; pass", "verdict pass"


CASES = {
    "cpu_state": dict(args=["--smp", "2"],
                      configs={"cpu.cfg": boot_test.domain_cfg("cpu", kernel="cpu.elf")},
                      rc=0, expect=cpu_state),
    # One pCPU: the two domains take turns on it, yielding after each write.
    "cpu_debug_registers_isolated": dict(args=["--smp", "1"],
                                         configs={"writer.cfg": _dr_domain("writer", "writer"),
                                                  "reader.cfg": _dr_domain("reader", "reader")},
                                         rc=0, expect=dr_isolated),
}
