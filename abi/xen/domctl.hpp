// Xen's public/domctl.h from the installed headers (Debian libxen-dev, Xen
// 4.17), through the same tools-only wrapper as sysctl (sysctl.h includes
// domctl.h). Only the files that implement domctl include this.
#pragma once

#include <cstddef>

#include "abi/xen/sysctl.hpp"
#include <xen/vm_event.h>

namespace cxen::xen_abi {
static_assert(XEN_DOMCTL_INTERFACE_VERSION == 0x15, "Xen 4.17's domctl interface");
static_assert(sizeof(xen_domctl) == 144);
static_assert(VM_EVENT_INTERFACE_VERSION == 7, "what XEN_VM_EVENT_GET_VERSION answers in 4.17");
static_assert(offsetof(xen_domctl, interface_version) == 4);
static_assert(offsetof(xen_domctl, domain) == 8);
static_assert(offsetof(xen_domctl, u) == 16);
static_assert(sizeof(xen_domctl_getdomaininfo) == 112);
static_assert(offsetof(xen_domctl_getdomaininfo, flags) == 4);
static_assert(offsetof(xen_domctl_getdomaininfo, tot_pages) == 8);
static_assert(offsetof(xen_domctl_getdomaininfo, shared_info_frame) == 48);
static_assert(offsetof(xen_domctl_getdomaininfo, cpu_time) == 56);
static_assert(offsetof(xen_domctl_getdomaininfo, nr_online_vcpus) == 64);
static_assert(offsetof(xen_domctl_getdomaininfo, handle) == 76);
static_assert(offsetof(xen_domctl_getdomaininfo, cpupool) == 92);
static_assert(offsetof(xen_domctl_getdomaininfo, gpaddr_bits) == 96);
static_assert(offsetof(xen_domctl_getdomaininfo, arch_config) == 104);
} // namespace cxen::xen_abi
