// Unit tests of check_domain_config() (common/domain_create_config.cpp): libxl's
// PVH config passes with Xen's defaults resolved, and each bad field gets
// Xen 4.17's error, the earlier check winning where two fail.
#include <gtest/gtest.h>

#include "common/domain_create_config.hpp"

namespace cxen {
namespace {

/// What libxl__domain_make() passes for a PVH domU (§4.2 step 3).
xen_domctl_createdomain libxl_pvh() {
    xen_domctl_createdomain c{};
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c.max_vcpus = 2;
    c.max_evtchn_port = 1023;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    c.grant_opts = XEN_DOMCTL_GRANT_version(2);
    c.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    return c;
}

Errno error_of(const xen_domctl_createdomain& c) {
    auto r = check_domain_config(c);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Errno{} : r.error();
}

TEST(DomainCreateConfigTest, LibxlPvhConfigPassesWithXensDefaults) {
    auto r = check_domain_config(libxl_pvh());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().max_vcpus, 2u);
    EXPECT_EQ(r.value().max_evtchn_port, 1023u);
    EXPECT_EQ(r.value().max_grant_frames, 64u);
    EXPECT_EQ(r.value().max_maptrack_frames, 1024u);
    EXPECT_EQ(r.value().max_grant_version, 2u);
    EXPECT_EQ(r.value().options, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap);
}

TEST(DomainCreateConfigTest, ExplicitLimitsAndHarmlessFlagsAreKept) {
    auto c = libxl_pvh();
    c.max_grant_frames = 1;
    c.max_maptrack_frames = 0;
    c.grant_opts = XEN_DOMCTL_GRANT_version(1);
    c.max_evtchn_port = 0xffffffffu;
    c.max_vcpus = 128;
    c.flags |= XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain;
    c.arch.misc_flags = XEN_X86_MSR_RELAXED;
    c.ssidref = 1234; // the dummy XSM ignores labels
    auto r = check_domain_config(c);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().max_grant_frames, 1u);
    EXPECT_EQ(r.value().max_maptrack_frames, 0u);
    EXPECT_EQ(r.value().max_grant_version, 1u);
    EXPECT_EQ(r.value().max_evtchn_port, 0x7fffffffu) << "evtchn_init() caps at INT_MAX";
}

TEST(DomainCreateConfigTest, SanitiseChecksInXensOrder) {
    auto c = libxl_pvh();
    c.flags |= 1u << 8;
    c.max_vcpus = 0; // also bad, checked later
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "unknown CDF flag";
    c = libxl_pvh();
    c.grant_opts = 0x10;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "unknown grant option";
    c = libxl_pvh();
    c.max_vcpus = 0;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "no vCPUs";
    c = libxl_pvh();
    c.flags = XEN_DOMCTL_CDF_hap;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "HAP without HVM";
    c = libxl_pvh();
    c.flags |= XEN_DOMCTL_CDF_iommu;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "no IOMMU";
    c.iommu_opts = 2;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "unknown IOMMU option";
    c = libxl_pvh();
    c.iommu_opts = XEN_DOMCTL_IOMMU_no_sharept;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "IOMMU options without the IOMMU";
    c = libxl_pvh();
    c.vmtrace_size = 4096;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "no vmtrace";
    c = libxl_pvh();
    c.flags |= XEN_DOMCTL_CDF_vpmu;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "no vPMU";
}

TEST(DomainCreateConfigTest, ArchChecksInXensOrder) {
    auto c = libxl_pvh();
    c.flags = 0; // PV
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "no PV";
    c = libxl_pvh();
    c.max_vcpus = 129;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "over HVM_MAX_VCPUS";
    c = libxl_pvh();
    c.flags |= XEN_DOMCTL_CDF_s3_integrity;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "no TBOOT";
    c = libxl_pvh();
    c.flags |= XEN_DOMCTL_CDF_nested_virt;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "no nested virt";
    c = libxl_pvh();
    c.arch.misc_flags = 2;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "unknown misc flag";
    c.arch.emulation_flags = 0; // bad too, but arch_domain_create() comes later
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL);
}

TEST(DomainCreateConfigTest, EmulationFlagsAndPagingAsArchDomainCreate) {
    auto c = libxl_pvh();
    c.arch.emulation_flags = XEN_X86_EMU_ALL + 1; // a bit past the known ones
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL);
    for (uint32_t em : {0u, XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI,
                        XEN_X86_EMU_LAPIC | XEN_X86_EMU_IOAPIC, XEN_X86_EMU_ALL}) {
        c.arch.emulation_flags = em;
        EXPECT_EQ(error_of(c), Errno::XEN_EOPNOTSUPP) << em;
    }
    c = libxl_pvh();
    c.flags = XEN_DOMCTL_CDF_hvm; // shadow paging
    EXPECT_EQ(error_of(c), Errno::XEN_EOPNOTSUPP);
}

TEST(DomainCreateConfigTest, GrantTableAndCpupoolChecksComeLast) {
    auto c = libxl_pvh();
    c.grant_opts = XEN_DOMCTL_GRANT_version(0);
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "version 0";
    c.grant_opts = XEN_DOMCTL_GRANT_version(3);
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "version above 2";
    c = libxl_pvh();
    c.max_grant_frames = 0;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "no grant frame";
    c.max_grant_frames = 65;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "over 64 grant frames";
    c = libxl_pvh();
    c.max_maptrack_frames = 1025;
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL) << "over 1024 maptrack frames";
    c = libxl_pvh();
    c.cpupool_id = 1;
    EXPECT_EQ(error_of(c), Errno::XEN_ESRCH) << "no pool 1";
    c.max_grant_frames = 0; // the grant table is checked before the pool
    EXPECT_EQ(error_of(c), Errno::XEN_EINVAL);
}

} // namespace
} // namespace cxen
