// The checks of a XEN_DOMCTL_createdomain configuration (struct
// xen_domctl_createdomain, public/domctl.h), in the order Xen 4.17's
// domain_create() meets them and with its errors: sanitise_domain_config()
// and arch_sanitise_domain_config() (xen/common/domain.c,
// xen/arch/x86/domain.c), then arch_domain_create()'s emulation flags and
// paging, grant_table_init()'s version and sizes, cpupool_add_domain().
// Pure: host-tested in tests/unit/common/domain_create_config_test.cpp.
#pragma once

#include <cstdint>

#include "abi/xen/domctl.hpp"
#include "lib/base/result.hpp"

namespace cxen {

/// What a valid configuration becomes (Xen's resolved defaults).
struct DomainCreateConfig {
    unsigned max_vcpus = 0;
    uint32_t max_evtchn_port = 0;     ///< min(the request, INT_MAX), as evtchn_init()
    uint32_t max_grant_frames = 0;    ///< -1 (any negative) became 64
    uint32_t max_maptrack_frames = 0; ///< -1 (any negative) became 1024
    unsigned max_grant_version = 0;   ///< 1 or 2
    uint32_t options = 0;             ///< the CDF_* flags
};

/// Check `c` as Xen 4.17 does for a domU on a host where cxen offers HVM
/// with HAP only: no PV, no shadow paging, no IOMMU, vmtrace, vPMU, TBOOT
/// or nested virtualisation, and the PVH emulation set (XEN_X86_EMU_LAPIC)
/// alone. Errors, first failing check wins:
/// -EINVAL unknown CDF flags, unknown grant options, max_vcpus 0, HAP
///   without HVM, IOMMU options (bad or without CDF_iommu), CDF_iommu
///   (no IOMMU), vmtrace_size, CDF_vpmu, not HVM (no PV), max_vcpus > 128
///   (HVM_MAX_VCPUS), CDF_s3_integrity, CDF_nested_virt, unknown
///   arch.misc_flags, emulation bits outside XEN_X86_EMU_ALL;
/// -EOPNOTSUPP an emulation set other than LAPIC alone, no CDF_hap (a Xen
///   without shadow paging answers so for HVM);
/// -EINVAL grant version 0 or above 2, max_grant_frames 0 or above 64,
///   max_maptrack_frames above 1024;
/// -ESRCH a cpupool other than 0.
[[nodiscard]] Result<DomainCreateConfig> check_domain_config(const xen_domctl_createdomain& c);

} // namespace cxen
