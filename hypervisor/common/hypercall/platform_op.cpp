// platform_op (hypercall 7, public/platform.h) as Xen 4.17's
// do_platform_op() (xen/arch/x86/platform_hypercall.c): copy the struct in
// (-EFAULT), the interface version (-EACCES unless 0x03000001), then
// xsm_platform_op (XSM_PRIV): -EPERM for every domain but the control
// domain. For it, the commands Debian's 6.1 dom0 kernel issues:
//
//   settime32/64     the wall clock every domain sees (time/wallclock.hpp);
//                    settime64 with mbz != 0 is -EINVAL
//   firmware_info    what Xen answers after a BIOS (non-EFI) multiboot boot
//                    with nothing collected in real mode: disk, MBR and
//                    EDID info -ESRCH, EFI -ENOSYS (efi_get_info() without
//                    EFI), keyboard shift flags 0 at index 0 (cxen does not
//                    read the BIOS data area; no key held), else -ESRCH;
//                    an unknown type -EINVAL
//   enter_acpi_sleep S5 asks for host power-off (host_power.hpp); S3 is
//                    -EOPNOTSUPP (no wakeup vector: cxen does not suspend),
//                    other states -EINVAL as Xen's enter_state()
//   get_cpuinfo      a pCPU's APIC and ACPI IDs and online flag, or
//                    XEN_PCPU_FLAGS_INVALID; max_present
//
// XENPF_get_dom0_console (64, after 4.17) and every other command: -ENOSYS,
// Xen 4.17's default. Xen serialises platform ops with a lock; the ops
// here keep their own locks and need none.
#include "abi/xen/platform.hpp"
#include "arch/guest_access.hpp"
#include "arch/host_cpu.hpp"
#include "common/host_power.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/time/wallclock.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {
constexpr uint32_t acpi_state_s0 = 0, acpi_state_s3 = 3, acpi_state_s5 = 5; // ACPI_STATE_S*
constexpr uint16_t acpi_sleep_enable = 0x2000; ///< ACPI_BITMASK_SLEEP_ENABLE (PM1 control SLP_EN)

/// Xen's firmware_info, for what cxen knows of the firmware: nothing.
long firmware_info(const xenpf_firmware_info& fi, xenpf_firmware_info& out) {
    switch (fi.type) {
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
    case XEN_FW_VBEDDC_INFO:
        return err(Errno::XEN_ESRCH); // none collected (boot_edd_info_nr etc. 0)
    case XEN_FW_EFI_INFO:
        return err(Errno::XEN_ENOSYS); // efi_get_info() on a non-EFI boot
    case XEN_FW_KBD_SHIFT_FLAGS:
        if (fi.index != 0) return err(Errno::XEN_ESRCH);
        out.u.kbd_shift_flags = 0;
        return 0;
    default:
        return err(Errno::XEN_EINVAL);
    }
}

/// Xen's acpi_enter_sleep() checks, then the state (enter_state()).
long enter_acpi_sleep(const xenpf_enter_acpi_sleep& s) {
    if (s.sleep_state == acpi_state_s3) return err(Errno::XEN_EOPNOTSUPP); // no wakeup vector
    // No FADT sleep control/status registers are used: the extended form
    // fails as on a FADT without them.
    if (s.flags & XENPF_ACPI_SLEEP_EXTENDED) return err(Errno::XEN_EPERM);
    if (s.val_b && ((s.val_a ^ s.val_b) & acpi_sleep_enable))
        return err(Errno::XEN_EINVAL); // PM1a/b mismatch
    if (s.flags) return err(Errno::XEN_EINVAL);
    if (s.sleep_state <= acpi_state_s0 || s.sleep_state > acpi_state_s5)
        return err(Errno::XEN_EINVAL);
    if (s.sleep_state != acpi_state_s5)
        return err(Errno::XEN_EINVAL); // enter_state(): S3 and S5 only
    HostPowerOffHandler h = host_power_off_handler();
    if (!h) return err(Errno::XEN_EOPNOTSUPP); // nobody can turn the host off
    h();
    return 0;
}

/// Xen's XENPF_get_cpuinfo: IN xen_cpuid; OUT the rest.
void get_cpuinfo(xenpf_pcpuinfo& info) {
    const unsigned present = arch::host_cpus_present(); // also nr_cpu_ids (host_info.hpp)
    if (info.xen_cpuid >= present) {
        info.flags = XEN_PCPU_FLAGS_INVALID; // apic_id and acpi_id as passed in, as Xen
    } else {
        const arch::HostCpu c = arch::host_cpu(info.xen_cpuid);
        info.apic_id = c.apic_id;
        info.acpi_id = c.acpi_id;
        info.flags = c.online ? XEN_PCPU_FLAGS_ONLINE : 0;
    }
    info.max_present = present ? present - 1 : 0;
}
} // namespace

long do_platform_op(Vcpu& v, const HypercallArgs& args) {
    const uint64_t u_op = args.a[0];
    xen_platform_op op;
    if (!arch::copy_from_guest(v, u_op, op)) return err(Errno::XEN_EFAULT);
    if (op.interface_version != XENPF_INTERFACE_VERSION) return err(Errno::XEN_EACCES);
    if (auto st = xsm_platform_op(XSM_PRIV, *v.domain, op.cmd); !st) return err(st);

    long ret = 0;
    switch (op.cmd) {
    case XENPF_settime32:
        do_settime(op.u.settime32.secs, op.u.settime32.nsecs, op.u.settime32.system_time);
        return 0;
    case XENPF_settime64:
        if (op.u.settime64.mbz) return err(Errno::XEN_EINVAL);
        do_settime(op.u.settime64.secs, op.u.settime64.nsecs, op.u.settime64.system_time);
        return 0;
    case XENPF_firmware_info:
        ret = firmware_info(op.u.firmware_info, op.u.firmware_info);
        break;
    case XENPF_enter_acpi_sleep:
        return enter_acpi_sleep(op.u.enter_acpi_sleep);
    case XENPF_get_cpuinfo:
        get_cpuinfo(op.u.pcpu_info);
        break;
    default: // XENPF_get_dom0_console included
        return err(Errno::XEN_ENOSYS);
    }
    if (ret) return ret;
    // Xen copies back only the sub-op's field; the union starts at 8 and
    // the header is unchanged, so the whole struct is the same bytes.
    return arch::copy_to_guest(v, u_op, op) ? 0 : err(Errno::XEN_EFAULT);
}

} // namespace cxen
