// Xen's control-interface headers (public/sysctl.h, which includes
// public/domctl.h), from the installed headers (Debian libxen-dev, Xen
// 4.17). They describe the toolstack's interface and refuse to be included
// unless __XEN_TOOLS__ (or __XEN__) is defined; only the files that
// implement sysctl and domctl include this wrapper.
#pragma once

#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include "abi/xen/xen.hpp"
#include <xen/sysctl.h>

namespace cxen::xen_abi {
static_assert(XEN_SYSCTL_INTERFACE_VERSION == 0x15, "Xen 4.17's sysctl interface");
static_assert(sizeof(xen_sysctl) == 136);
static_assert(offsetof(xen_sysctl, interface_version) == 4);
static_assert(offsetof(xen_sysctl, u) == 8);
} // namespace cxen::xen_abi
