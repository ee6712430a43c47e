// XEN_DOMCTL_createdomain's configuration checks (see domain_create_config.hpp).
#include "common/domain_create_config.hpp"

#include "common/domain.hpp"

namespace cxen {

namespace {
constexpr uint32_t cdf_known = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                               XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off |
                               XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |
                               XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu;
constexpr int32_t default_grant_frames = 64;      // Xen's opt_max_grant_frames
constexpr int32_t default_maptrack_frames = 1024; // Xen's opt_max_maptrack_frames
constexpr unsigned max_grant_version = 2;         // Xen's opt_gnttab_max_version on x86
constexpr uint32_t int_max = 0x7fffffff;

Status fail(Errno e) {
    return Err(e);
}

/// sanitise_domain_config() with cxen's answers for what it lacks.
Status sanitise(const xen_domctl_createdomain& c) {
    const bool hvm = c.flags & XEN_DOMCTL_CDF_hvm, hap = c.flags & XEN_DOMCTL_CDF_hap;
    if (c.flags & ~cdf_known) return fail(Errno::XEN_EINVAL);
    if (c.grant_opts & ~XEN_DOMCTL_GRANT_version_mask) return fail(Errno::XEN_EINVAL);
    if (c.max_vcpus < 1) return fail(Errno::XEN_EINVAL);
    if (hap && !hvm) return fail(Errno::XEN_EINVAL);
    if (c.flags & XEN_DOMCTL_CDF_iommu) {
        if (c.iommu_opts & ~XEN_DOMCTL_IOMMU_no_sharept) return fail(Errno::XEN_EINVAL);
        return fail(Errno::XEN_EINVAL); // "IOMMU requested but not available"
    }
    if (c.iommu_opts) return fail(Errno::XEN_EINVAL);
    if (c.vmtrace_size) return fail(Errno::XEN_EINVAL); // no vmtrace (physinfo says so)
    if (c.flags & XEN_DOMCTL_CDF_vpmu) return fail(Errno::XEN_EINVAL); // no vPMU either
    return ok_status();
}

/// arch_sanitise_domain_config() (x86).
Status arch_sanitise(const xen_domctl_createdomain& c) {
    if (!(c.flags & XEN_DOMCTL_CDF_hvm))
        return fail(Errno::XEN_EINVAL); // "PV support not available"
    if (c.max_vcpus > max_vcpus_per_domain) return fail(Errno::XEN_EINVAL);    // HVM_MAX_VCPUS
    if (c.flags & XEN_DOMCTL_CDF_s3_integrity) return fail(Errno::XEN_EINVAL); // no TBOOT
    // Xen refuses nested virt without HAP here and accepts it with HAP;
    // cxen has no nested SVM, so it refuses both the same way.
    if (c.flags & XEN_DOMCTL_CDF_nested_virt) return fail(Errno::XEN_EINVAL);
    if (c.arch.misc_flags & ~XEN_X86_MSR_RELAXED) return fail(Errno::XEN_EINVAL);
    return ok_status();
}

/// arch_domain_create()'s checks of the config: emulation_flags_ok() for
/// a domU, then paging_domain_init().
Status arch_create(const xen_domctl_createdomain& c) {
    const uint32_t em = c.arch.emulation_flags;
    if (em & ~XEN_X86_EMU_ALL) return fail(Errno::XEN_EINVAL);
    // Xen also takes XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI (a full HVM
    // guest); cxen emulates no PIC, PIT, RTC, HPET... so PVH's set alone.
    if (em != XEN_X86_EMU_LAPIC) return fail(Errno::XEN_EOPNOTSUPP);
    if (!(c.flags & XEN_DOMCTL_CDF_hap))
        return fail(Errno::XEN_EOPNOTSUPP); // shadow_domain_init() without shadow paging
    return ok_status();
}
} // namespace

Result<DomainCreateConfig> check_domain_config(const xen_domctl_createdomain& c) {
    TRY(sanitise(c));
    TRY(arch_sanitise(c));
    TRY(arch_create(c));
    DomainCreateConfig out;
    out.max_vcpus = c.max_vcpus;
    out.options = c.flags;
    out.max_evtchn_port = c.max_evtchn_port < int_max ? c.max_evtchn_port : int_max;
    // grant_table_init()
    const unsigned version = c.grant_opts & XEN_DOMCTL_GRANT_version_mask;
    if (version == 0 || version > max_grant_version) return Err(Errno::XEN_EINVAL);
    const int32_t frames = c.max_grant_frames < 0 ? default_grant_frames : c.max_grant_frames;
    const int32_t maptrack =
        c.max_maptrack_frames < 0 ? default_maptrack_frames : c.max_maptrack_frames;
    if (frames < 1 || frames > default_grant_frames || maptrack > default_maptrack_frames)
        return Err(Errno::XEN_EINVAL);
    out.max_grant_version = version;
    out.max_grant_frames = static_cast<uint32_t>(frames);
    out.max_maptrack_frames = static_cast<uint32_t>(maptrack);
    // sched_init_domain() -> cpupool_add_domain(): cxen has pool 0 only.
    if (c.cpupool_id != 0) return Err(Errno::XEN_ESRCH);
    return out;
}

} // namespace cxen
