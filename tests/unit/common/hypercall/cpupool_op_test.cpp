// XEN_SYSCTL_cpupool_op with cxen's one pool (common/hypercall/cpupool_op.cpp):
// INFO walks to pool 0 and ends with -ENOENT (xen-init-dom0 loops on it),
// FREEINFO is empty, the changing ops give Xen's errors.
#include <gtest/gtest.h>

#include <cstring>

#include "arch/guest_access.hpp"
#include "arch/host_cpu.hpp"
#include "common/domain.hpp"
#include "common/hypercall/cpupool_op.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t map_gva = 0x300;

class CpupoolOpTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0xaa);
        d = domain_create(3, "dom", 1).value();
        v = vcpu_create(*d, 0, 0).value();
        other = domain_create(7, "other", 1).value();
    }
    void TearDown() override {
        domain_destroy(*other);
        domain_destroy(*d);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static xen_sysctl_cpupool_op make(uint32_t sub, uint32_t pool) {
        xen_sysctl_cpupool_op op{};
        op.op = sub;
        op.cpupool_id = pool;
        set_xen_guest_handle(op.cpumap.bitmap, reinterpret_cast<uint8_t*>(map_gva));
        op.cpumap.nr_bits = 16;
        return op;
    }
    uint8_t map_byte(unsigned i) { return arch::fake_guest_memory()[map_gva + i]; }
    Domain* d = nullptr;
    Domain* other = nullptr;
    Vcpu* v = nullptr;
};

TEST_F(CpupoolOpTest, InfoFindsPoolZeroThenEnoent) {
    xen_sysctl_cpupool_op op = make(XEN_SYSCTL_CPUPOOL_OP_INFO, 0);
    op.sched_id = 77;
    ASSERT_TRUE(cpupool_do_sysctl(*v, op));
    EXPECT_EQ(op.cpupool_id, 0u);
    EXPECT_EQ(op.sched_id, 0u); // rr, the default (no Xen ID)
    EXPECT_EQ(op.n_dom, nr_domains());
    EXPECT_EQ(map_byte(0), 0x03); // the fake host's two online pCPUs
    EXPECT_EQ(map_byte(1), 0x00); // the rest of the caller's 16 bits zeroed
    op = make(XEN_SYSCTL_CPUPOOL_OP_INFO, 1);
    EXPECT_EQ(cpupool_do_sysctl(*v, op).error(), Errno::XEN_ENOENT);
    op = make(XEN_SYSCTL_CPUPOOL_OP_INFO, XEN_SYSCTL_CPUPOOL_PAR_ANY);
    EXPECT_EQ(cpupool_do_sysctl(*v, op).error(), Errno::XEN_ENOENT);
}

TEST_F(CpupoolOpTest, FreeinfoIsEmpty) {
    xen_sysctl_cpupool_op op = make(XEN_SYSCTL_CPUPOOL_OP_FREEINFO, 0);
    ASSERT_TRUE(cpupool_do_sysctl(*v, op));
    EXPECT_EQ(map_byte(0), 0);
    EXPECT_EQ(map_byte(1), 0);
    EXPECT_EQ(map_byte(2), 0xaa);
}

TEST_F(CpupoolOpTest, ChangingOpsGiveXensErrors) {
    auto run = [&](uint32_t sub, uint32_t pool, uint32_t cpu = 0, uint32_t domid = 0) {
        xen_sysctl_cpupool_op op = make(sub, pool);
        op.cpu = cpu;
        op.domid = domid;
        return cpupool_do_sysctl(*v, op).error();
    };
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_DESTROY, 1), Errno::XEN_ENOENT);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_DESTROY, 0), Errno::XEN_EBUSY);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 4, 0), Errno::XEN_ENOENT);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, XEN_SYSCTL_CPUPOOL_PAR_ANY), Errno::XEN_ENODEV);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 1), Errno::XEN_ENODEV); // in pool 0 already
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_ADDCPU, 0, 9), Errno::XEN_EINVAL);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 2, 0), Errno::XEN_ENOENT);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 9), Errno::XEN_EINVAL);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_RMCPU, 0, 1), Errno::XEN_ENOSYS);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 99), Errno::XEN_ESRCH);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 3), Errno::XEN_EPERM); // the caller's own
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 0, 0, 7), Errno::OK);        // already there
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN, 5, 0, 7), Errno::XEN_ENOENT);
    EXPECT_EQ(run(XEN_SYSCTL_CPUPOOL_OP_CREATE, 0), Errno::XEN_ENOSYS);
    EXPECT_EQ(run(99, 0), Errno::XEN_ENOSYS);
}

TEST_F(CpupoolOpTest, MapAtABadPointerIsEfault) {
    xen_sysctl_cpupool_op op = make(XEN_SYSCTL_CPUPOOL_OP_INFO, 0);
    set_xen_guest_handle(op.cpumap.bitmap, reinterpret_cast<uint8_t*>(1ull << 40));
    EXPECT_EQ(cpupool_do_sysctl(*v, op).error(), Errno::XEN_EFAULT);
}

} // namespace
} // namespace cxen
