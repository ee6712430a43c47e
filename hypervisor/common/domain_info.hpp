// What the control interface says of a domain: Xen 4.17's getdomaininfo()
// with arch_get_domain_info() (xen/common/domctl.c, xen/arch/x86/domctl.c),
// for XEN_DOMCTL_getdomaininfo and XEN_SYSCTL_getdomaininfolist.
#pragma once

#include "abi/xen/domctl.hpp"
#include "common/domain.hpp"

namespace cxen {

/// Fill `info` for d, zeroing it first: its ID; flags (blocked only if
/// every online vCPU is blocked, running if one is, dying once dead,
/// shutdown with the guest's code, hvm_guest and hap always: every domain
/// is PVH on NPT; `paused` is the controller's pause, which nothing takes
/// yet); RAM pages, the limit, the shared_info gfn (~0 while unmapped);
/// the vCPUs' running time in ns, online count and highest ID
/// (XEN_INVALID_MAX_VCPU_ID with none); cpupool 0; the p2m's 48-bit reach;
/// the emulated LAPIC of a PVH domU. No handle (UUID) yet: zeros.
void getdomaininfo(const Domain& d, xen_domctl_getdomaininfo& info);

} // namespace cxen
