// The CPU-policy sysctls and domctls (common/hypercall/cpu_policy_op.cpp)
// through do_sysctl/do_domctl, against the fake system policies: NULL
// handles, indices, -ENOBUFS, libxl's get-tweak-set of hvm_default,
// refusals with err_leaf/err_msr, -EEXIST once the domain has run, and a
// domU's -EPERM.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/domctl.hpp"
#include "arch/cpu_policy.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/softirq.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

using cpu_policy::SerialisedLeaf;
using cpu_policy::SerialisedMsr;

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100, leaves_gva = 0x1000, msrs_gva = 0x3000, mem_size = 0x4000;
constexpr long neg(Errno e) { return -static_cast<long>(e); }

class CpuPolicyOpTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(mem_size, 0);
        arch::fake_reset_system_policies();
        dom0 = domain_create(0, "dom0", 1).value();
        dom0->is_privileged = true;
        v0 = vcpu_create(*dom0, 0, 0).value();
        domu = domain_create(3, "domu", 1).value();
        vu = vcpu_create(*domu, 0, 0).value();
    }
    void TearDown() override {
        process_pending_softirqs(); // set_cpu_policy's unpause asked the scheduler to look again
        domain_destroy(*domu);
        domain_destroy(*dom0);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static long sysctl_policy(Vcpu& v, uint32_t index, uint64_t leaves, uint32_t nr_leaves, uint64_t msrs,
                              uint32_t nr_msrs, xen_sysctl& out) {
        xen_sysctl op{};
        op.cmd = XEN_SYSCTL_get_cpu_policy;
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        op.u.cpu_policy.index = index;
        op.u.cpu_policy.nr_leaves = nr_leaves;
        op.u.cpu_policy.nr_msrs = nr_msrs;
        op.u.cpu_policy.leaves.p = reinterpret_cast<xen_cpuid_leaf_t*>(leaves);
        op.u.cpu_policy.msrs.p = reinterpret_cast<xen_msr_entry_t*>(msrs);
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        const long rc = do_sysctl(v, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
        std::memcpy(&out, arch::fake_guest_memory().data() + arg_gva, sizeof(out));
        return rc;
    }
    static xen_domctl policy_domctl(uint32_t cmd, Domid domid, uint32_t nr_leaves, uint32_t nr_msrs) {
        xen_domctl op{};
        op.cmd = cmd;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        op.domain = domid;
        op.u.cpu_policy.nr_leaves = nr_leaves;
        op.u.cpu_policy.nr_msrs = nr_msrs;
        op.u.cpu_policy.leaves.p = reinterpret_cast<xen_cpuid_leaf_t*>(nr_leaves ? leaves_gva : 0);
        op.u.cpu_policy.msrs.p = reinterpret_cast<xen_msr_entry_t*>(nr_msrs ? msrs_gva : 0);
        return op;
    }
    static long domctl(Vcpu& v, const xen_domctl& op, xen_domctl& out) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        const long rc = do_domctl(v, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
        std::memcpy(&out, arch::fake_guest_memory().data() + arg_gva, sizeof(out));
        return rc;
    }
    static SerialisedLeaf* leaves() {
        return reinterpret_cast<SerialisedLeaf*>(arch::fake_guest_memory().data() + leaves_gva);
    }
    Domain *dom0 = nullptr, *domu = nullptr;
    Vcpu *v0 = nullptr, *vu = nullptr;
};

TEST_F(CpuPolicyOpTest, NullHandlesGiveXensMaxima) {
    xen_sysctl out;
    ASSERT_EQ(sysctl_policy(*v0, XEN_SYSCTL_cpu_policy_hvm_default, 0, 0, 0, 0, out), 0);
    EXPECT_EQ(out.u.cpu_policy.nr_leaves, 120u);
    EXPECT_EQ(out.u.cpu_policy.nr_msrs, 2u);
}

TEST_F(CpuPolicyOpTest, HvmDefaultSerialisesAndShortArraysAreEnobufs) {
    xen_sysctl out;
    ASSERT_EQ(sysctl_policy(*v0, XEN_SYSCTL_cpu_policy_hvm_default, leaves_gva, 120, 0, 0, out), 0);
    // basic 0..0xd with one leaf-4 and one leaf-0xb entry (type 0 at once),
    // leaf 7 subleaf 0, 0xd subleaves 0-2, hv limits, 0x80000000..8.
    EXPECT_EQ(out.u.cpu_policy.nr_leaves, 14u + 2 + 2 + 9);
    EXPECT_EQ(leaves()[1].leaf, 1u);
    EXPECT_EQ(leaves()[1].d, 0x178bfbffu);
    EXPECT_EQ(sysctl_policy(*v0, XEN_SYSCTL_cpu_policy_hvm_default, leaves_gva, 3, 0, 0, out),
              neg(Errno::XEN_ENOBUFS));
    EXPECT_EQ(sysctl_policy(*v0, XEN_SYSCTL_cpu_policy_host, 0, 0, msrs_gva, 1, out), neg(Errno::XEN_ENOBUFS));
}

TEST_F(CpuPolicyOpTest, BadIndexReservedFieldPvAndDomU) {
    xen_sysctl out;
    EXPECT_EQ(sysctl_policy(*v0, 6, 0, 0, 0, 0, out), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(sysctl_policy(*v0, XEN_SYSCTL_cpu_policy_pv_max, 0, 0, 0, 0, out), neg(Errno::XEN_EOPNOTSUPP));
    EXPECT_EQ(sysctl_policy(*v0, XEN_SYSCTL_cpu_policy_pv_default, 0, 0, 0, 0, out), neg(Errno::XEN_EOPNOTSUPP));
    EXPECT_EQ(sysctl_policy(*vu, XEN_SYSCTL_cpu_policy_host, 0, 0, 0, 0, out), neg(Errno::XEN_EPERM));
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_get_cpu_policy;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op.u.cpu_policy._rsvd = 1;
    std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
    EXPECT_EQ(do_sysctl(*v0, HypercallArgs{{arg_gva, 0, 0, 0, 0}}), neg(Errno::XEN_EINVAL));
}

TEST_F(CpuPolicyOpTest, FeaturesetCountTruncationAndIndex) {
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_get_cpu_featureset;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_host;
    auto run = [&](uint32_t nr, uint64_t buf, xen_sysctl& out) {
        op.u.cpu_featureset.nr_features = nr;
        op.u.cpu_featureset.features.p = reinterpret_cast<uint32_t*>(buf);
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        const long rc = do_sysctl(*v0, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
        std::memcpy(&out, arch::fake_guest_memory().data() + arg_gva, sizeof(out));
        return rc;
    };
    xen_sysctl out;
    ASSERT_EQ(run(0, 0, out), 0);
    EXPECT_EQ(out.u.cpu_featureset.nr_features, 19u);
    ASSERT_EQ(run(19, leaves_gva, out), 0);
    uint32_t words[19];
    std::memcpy(words, arch::fake_guest_memory().data() + leaves_gva, sizeof(words));
    EXPECT_EQ(words[0], 0x178bfbffu); // 1d
    EXPECT_EQ(words[3], 0x75c237ffu); // e1c of the host, SVM included
    EXPECT_EQ(run(4, leaves_gva, out), neg(Errno::XEN_ENOBUFS)); // libxl tolerates this
    EXPECT_EQ(out.u.cpu_featureset.nr_features, 4u);
    op.u.cpu_featureset.index = 6;
    EXPECT_EQ(run(19, leaves_gva, out), neg(Errno::XEN_EINVAL));
    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_pv;
    EXPECT_EQ(run(19, leaves_gva, out), neg(Errno::XEN_EOPNOTSUPP));
}

TEST_F(CpuPolicyOpTest, LibxlsTweakedHvmDefaultIsAcceptedAndBecomesTheDomains) {
    xen_sysctl s;
    ASSERT_EQ(sysctl_policy(*v0, XEN_SYSCTL_cpu_policy_hvm_default, leaves_gva, 120, 0, 0, s), 0);
    const uint32_t nr = s.u.cpu_policy.nr_leaves;
    // xc_cpuid_apply_policy-like tweaks: topology in leaf 1 EBX, PAE kept,
    // a feature dropped.
    for (uint32_t i = 0; i < nr; ++i)
        if (leaves()[i].leaf == 1) {
            leaves()[i].b = (leaves()[i].b & 0xffff) | (4u << 16);
            leaves()[i].c &= ~(1u << 28); // AVX off
        }
    xen_domctl out;
    ASSERT_EQ(domctl(*v0, policy_domctl(XEN_DOMCTL_set_cpu_policy, 3, nr, 0), out), 0);
    ASSERT_NE(domu->cpu_policy.get(), nullptr);
    EXPECT_EQ(domu->cpu_policy.get()->basic[1].c & (1u << 28), 0u);
    // And reads back.
    std::memset(leaves(), 0, 120 * sizeof(SerialisedLeaf));
    ASSERT_EQ(domctl(*v0, policy_domctl(XEN_DOMCTL_get_cpu_policy, 3, 120, 2), out), 0);
    EXPECT_EQ(out.u.cpu_policy.nr_leaves, nr);
    EXPECT_EQ(out.u.cpu_policy.nr_msrs, 2u);
    EXPECT_EQ(leaves()[1].c & (1u << 28), 0u);
}

TEST_F(CpuPolicyOpTest, WhatExceedsHvmMaxIsEinvalWithTheLeafNamed) {
    leaves()[0] = {0, XEN_CPUID_NO_SUBLEAF, 0x10, 0, 0, 0}; // max leaf above hvm_max's 0xd
    xen_domctl out;
    EXPECT_EQ(domctl(*v0, policy_domctl(XEN_DOMCTL_set_cpu_policy, 3, 1, 0), out), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(out.u.cpu_policy.err_leaf, 0u);
    EXPECT_EQ(out.u.cpu_policy.err_subleaf, XEN_CPUID_NO_SUBLEAF);
    EXPECT_EQ(domu->cpu_policy.get(), nullptr); // nothing installed
    leaves()[0] = {0x80000022, XEN_CPUID_NO_SUBLEAF, 0, 0, 0, 0}; // outside the policy
    EXPECT_EQ(domctl(*v0, policy_domctl(XEN_DOMCTL_set_cpu_policy, 3, 1, 0), out), neg(Errno::XEN_ERANGE));
    EXPECT_EQ(out.u.cpu_policy.err_leaf, 0x80000022u);
    auto* msrs = reinterpret_cast<SerialisedMsr*>(arch::fake_guest_memory().data() + msrs_gva);
    msrs[0] = {0xce, 0, 1}; // PLATFORM_INFO bits hvm_max lacks
    EXPECT_EQ(domctl(*v0, policy_domctl(XEN_DOMCTL_set_cpu_policy, 3, 0, 1), out), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(out.u.cpu_policy.err_msr, 0xceu);
    EXPECT_EQ(domctl(*v0, policy_domctl(XEN_DOMCTL_set_cpu_policy, 3, 121, 0), out), neg(Errno::XEN_E2BIG));
}

TEST_F(CpuPolicyOpTest, OwnDomainEinvalAfterCreationEexistAndDomUEperm) {
    xen_domctl out;
    EXPECT_EQ(domctl(*v0, policy_domctl(XEN_DOMCTL_set_cpu_policy, 0, 0, 0), out), neg(Errno::XEN_EINVAL));
    domu->creation_finished = true;
    EXPECT_EQ(domctl(*v0, policy_domctl(XEN_DOMCTL_set_cpu_policy, 3, 0, 0), out), neg(Errno::XEN_EEXIST));
    for (uint32_t cmd : {XEN_DOMCTL_get_cpu_policy, XEN_DOMCTL_set_cpu_policy})
        EXPECT_EQ(domctl(*vu, policy_domctl(cmd, 3, 0, 0), out), neg(Errno::XEN_EPERM)) << cmd;
}

} // namespace
} // namespace cxen
