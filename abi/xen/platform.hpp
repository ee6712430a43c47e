// Xen's public/platform.h (the control domain's platform_op, hypercall 7)
// from the installed headers (Debian libxen-dev, Xen 4.17), with its
// layouts checked and the one command Linux uses that 4.17's header lacks.
#pragma once

#include <cstddef>

// platform.h needs no tools' view, but xen.h is included once: with the
// same view as sysctl.hpp, a file may include both in any order.
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include "abi/xen/xen.hpp"
#include <xen/platform.h>

/// XENPF_get_dom0_console: added to Xen's platform.h after 4.17; Debian's
/// 6.1 kernel issues it at boot (drivers/xen: xen_get_dom0_console). Xen
/// 4.17 does not know it: the default case, -ENOSYS.
#ifndef XENPF_get_dom0_console
#define XENPF_get_dom0_console 64
#endif

namespace cxen::xen_abi {
static_assert(XENPF_INTERFACE_VERSION == 0x03000001);
static_assert(sizeof(xen_platform_op) == 136);
static_assert(offsetof(xen_platform_op, interface_version) == 4);
static_assert(offsetof(xen_platform_op, u) == 8);
static_assert(sizeof(xenpf_settime64) == 24);
static_assert(offsetof(xenpf_settime64, mbz) == 12);
static_assert(offsetof(xenpf_settime64, system_time) == 16);
static_assert(sizeof(xenpf_pcpuinfo) == 20);
static_assert(offsetof(xenpf_pcpuinfo, acpi_id) == 16);
static_assert(sizeof(xenpf_enter_acpi_sleep) == 12);
static_assert(offsetof(xenpf_enter_acpi_sleep, sleep_state) == 4);
static_assert(offsetof(xenpf_firmware_info, u) == 8);
} // namespace cxen::xen_abi
