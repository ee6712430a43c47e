// XEN_DOMCTL_gethvmcontext / sethvmcontext / gethvmcontext_partial through
// do_domctl (common/hypercall/domctl_hvmcontext.cpp) against the fake save
// core: the size query, -ENOSPC, the caller's own domain, bad buffers, a
// read written back, and refused streams. The records' own checks are
// tested in tests/unit/arch/x86/hvm/save_format_test.cpp.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/domctl.hpp"
#include "arch/guest_access.hpp"
#include "arch/hvm_save.hpp"
#include "common/domain.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen {
namespace {

test::HostPageSource host_pages;
constexpr uint64_t arg_gva = 0x100, buf_gva = 0x1000, mem_size = 0x4000;
constexpr long neg(Errno e) { return -static_cast<long>(e); }
constexpr uint32_t full_size = arch::hvm::hvm_save_size(2);

class DomctlHvmContextTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(mem_size, 0);
        dom0 = domain_create(0, "dom0", 1).value();
        dom0->is_privileged = true;
        v0 = vcpu_create(*dom0, 0, 0).value();
        domu = domain_create(3, "domu", 2).value();
        vu = vcpu_create(*domu, 0, 0).value();
        ASSERT_TRUE(vcpu_create(*domu, 1, 0));
    }
    void TearDown() override {
        domain_destroy(*domu);
        domain_destroy(*dom0);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static xen_domctl make(uint32_t cmd, Domid domid) {
        xen_domctl op{};
        op.cmd = cmd;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        op.domain = domid;
        return op;
    }
    static long call(Vcpu& v, const xen_domctl& op) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_domctl(v, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
    }
    static xen_domctl result() {
        xen_domctl op;
        std::memcpy(&op, arch::fake_guest_memory().data() + arg_gva, sizeof(op));
        return op;
    }
    static xen_domctl context_op(uint32_t cmd, Domid domid, uint64_t buffer, uint32_t size) {
        xen_domctl op = make(cmd, domid);
        op.u.hvmcontext.size = size;
        op.u.hvmcontext.buffer.p = reinterpret_cast<uint8_t*>(buffer);
        return op;
    }
    static uint8_t* buf() { return arch::fake_guest_memory().data() + buf_gva; }
    Domain *dom0 = nullptr, *domu = nullptr;
    Vcpu *v0 = nullptr, *vu = nullptr;
};

TEST_F(DomctlHvmContextTest, NullBufferGivesTheSizeThenAFullReadFillsIt) {
    ASSERT_EQ(call(*v0, context_op(XEN_DOMCTL_gethvmcontext, 3, 0, 0)), 0);
    EXPECT_EQ(result().u.hvmcontext.size, full_size);
    ASSERT_EQ(call(*v0, context_op(XEN_DOMCTL_gethvmcontext, 3, buf_gva, 0x3000)), 0);
    EXPECT_EQ(result().u.hvmcontext.size, full_size - 2 * sizeof(hvm_hw_cpu) - 2 * sizeof(hvm_save_descriptor));
    hvm_save_descriptor d;
    std::memcpy(&d, buf(), sizeof(d));
    EXPECT_EQ(d.typecode, 1); // HEADER first
    EXPECT_EQ(d.length, sizeof(hvm_save_header));
}

TEST_F(DomctlHvmContextTest, ShortBufferIsEnospcAndWritesNothing) {
    std::memset(buf(), 0x5a, 16);
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_gethvmcontext, 3, buf_gva, full_size - 1)), neg(Errno::XEN_ENOSPC));
    EXPECT_EQ(buf()[0], 0x5a);
}

TEST_F(DomctlHvmContextTest, ReadWrittenBackIsAccepted) {
    ASSERT_EQ(call(*v0, context_op(XEN_DOMCTL_gethvmcontext, 3, buf_gva, 0x3000)), 0);
    const uint32_t size = result().u.hvmcontext.size;
    arch::fake_hvm_records_loaded = 0;
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_sethvmcontext, 3, buf_gva, size)), 0);
    EXPECT_EQ(arch::fake_hvm_records_loaded, 2u); // MTRR(0), MTRR(1)
}

TEST_F(DomctlHvmContextTest, BadStreamsAreRefused) {
    ASSERT_EQ(call(*v0, context_op(XEN_DOMCTL_gethvmcontext, 3, buf_gva, 0x3000)), 0);
    const uint32_t size = result().u.hvmcontext.size;
    // Without END: the stream runs out.
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_sethvmcontext, 3, buf_gva, size - 8)), neg(Errno::XEN_ENODATA));
    // No header at all.
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_sethvmcontext, 3, buf_gva, 4)), neg(Errno::XEN_ENODATA));
    // A wrong magic.
    buf()[8] ^= 1;
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_sethvmcontext, 3, buf_gva, size)), neg(Errno::XEN_EINVAL));
    buf()[8] ^= 1;
    // A record for a vCPU the domain does not have.
    hvm_save_descriptor d;
    const uint32_t mtrr0 = sizeof(hvm_save_descriptor) + sizeof(hvm_save_header);
    std::memcpy(&d, buf() + mtrr0, sizeof(d));
    ASSERT_EQ(d.typecode, 14);
    d.instance = 7;
    std::memcpy(buf() + mtrr0, &d, sizeof(d));
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_sethvmcontext, 3, buf_gva, size)), neg(Errno::XEN_EINVAL));
}

TEST_F(DomctlHvmContextTest, OwnDomainIsEinvalAndBadPointersEfault) {
    xen_domctl op = context_op(XEN_DOMCTL_gethvmcontext, 0, 0, 0);
    EXPECT_EQ(call(*v0, op), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_sethvmcontext, 0, buf_gva, 0x100)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_gethvmcontext, 3, 1ull << 40, 0x3000)), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(call(*v0, context_op(XEN_DOMCTL_sethvmcontext, 3, 1ull << 40, 0x3000)), neg(Errno::XEN_EFAULT));
}

TEST_F(DomctlHvmContextTest, DomUIsRefusedByXsmOnItselfAndOthers) {
    for (Domid target : {Domid{3}, Domid{0}})
        for (uint32_t cmd : {XEN_DOMCTL_gethvmcontext, XEN_DOMCTL_sethvmcontext, XEN_DOMCTL_gethvmcontext_partial})
            EXPECT_EQ(call(*vu, context_op(cmd, target, buf_gva, 0x100)), neg(Errno::XEN_EPERM)) << cmd;
}

TEST_F(DomctlHvmContextTest, PartialGivesOneRecord) {
    xen_domctl op = make(XEN_DOMCTL_gethvmcontext_partial, 3);
    op.u.hvmcontext_partial.type = 14;
    op.u.hvmcontext_partial.instance = 1;
    ASSERT_EQ(call(*v0, op), 0); // NULL buffer: the length
    EXPECT_EQ(result().u.hvmcontext_partial.bufsz, sizeof(hvm_hw_mtrr));
    op.u.hvmcontext_partial.buffer.p = reinterpret_cast<uint8_t*>(buf_gva);
    op.u.hvmcontext_partial.bufsz = sizeof(hvm_hw_mtrr) - 1;
    EXPECT_EQ(call(*v0, op), neg(Errno::XEN_ENOBUFS));
    op.u.hvmcontext_partial.bufsz = 0x1000;
    ASSERT_EQ(call(*v0, op), 0);
    hvm_hw_mtrr m;
    std::memcpy(&m, buf(), sizeof(m));
    EXPECT_EQ(m.msr_pat_cr, 0x0007040600070406ull);
    op.u.hvmcontext_partial.instance = 2;
    EXPECT_EQ(call(*v0, op), neg(Errno::XEN_ENOENT));
    op.u.hvmcontext_partial.type = 99;
    EXPECT_EQ(call(*v0, op), neg(Errno::XEN_EINVAL));
}

} // namespace
} // namespace cxen
