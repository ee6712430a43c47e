// The hardware domain asking for the host to be powered off: XENPF_enter_
// acpi_sleep with S5, which Linux issues at the end of `poweroff` in dom0
// (Xen writes the PM1 control registers and the machine goes off). cxen
// does not power the host off itself from here: the code that owns the
// control domain's life (the dom0 bring-up) sets a handler that ends the
// run, so the request and the action stay apart.
#pragma once

namespace cxen {

/// What to do when the hardware domain asks for power-off; runs in its
/// hypercall, on its pCPU. It may return (platform_op then returns 0).
using HostPowerOffHandler = void (*)();
void set_host_power_off_handler(HostPowerOffHandler h);
/// The handler, or nullptr while nobody set one.
HostPowerOffHandler host_power_off_handler();

} // namespace cxen
