// Unit tests of sysctl (common/hypercall/sysctl.cpp) as a domain without
// privilege sees it: the struct is copied whole, the interface version is
// checked before the privilege, as Xen 4.17's do_sysctl().
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/sysctl.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100;

constexpr long neg(Errno e) { return -static_cast<long>(e); }

class SysctlTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        d = domain_create(5, "domu", 1).value();
        v = vcpu_create(*d, 0, 0).value();
    }
    void TearDown() override {
        domain_destroy(*d);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    long call(const xen_sysctl& op, uint64_t gva = arg_gva) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_sysctl(*v, HypercallArgs{{gva, 0, 0, 0, 0}});
    }
    Domain* d = nullptr;
    Vcpu* v = nullptr;
};

TEST_F(SysctlTest, DomUWithTheRightVersionGetsEperm) {
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_livepatch_op;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));
    op.cmd = XEN_SYSCTL_physinfo;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));
}

TEST_F(SysctlTest, WrongInterfaceVersionIsEaccesBeforePrivilege) {
    xen_sysctl op{};
    op.cmd = XEN_SYSCTL_physinfo;
    for (uint32_t version : {0u, 0x14u, 0x16u, 0xffffffffu}) {
        op.interface_version = version;
        EXPECT_EQ(call(op), neg(Errno::XEN_EACCES)) << version;
    }
}

TEST_F(SysctlTest, BadPointerIsEfault) {
    EXPECT_EQ(do_sysctl(*v, HypercallArgs{{1ull << 40, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT));
    // The whole struct is copied: one that runs off the end of guest memory faults.
    EXPECT_EQ(do_sysctl(*v, HypercallArgs{{4096 - 8, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT));
}

} // namespace
} // namespace cxen
