// Unit tests of domctl (common/hypercall/domctl.cpp) in Xen 4.17's order of
// checks: the copy (-EFAULT), the interface version (-EACCES), the domain
// named (-ESRCH), each sub-op's own argument checks (-EINVAL) before its XSM
// hook, then the hook (-EPERM for a domU). And XEN_DOMCTL_getdomaininfo as
// the control domain sees it: the named domain, or the next existing one.
#include <gtest/gtest.h>

#include <cstring>

#include "abi/xen/domctl.hpp"
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

class DomctlTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(host_pages);
        arch::fake_guest_memory().assign(4096, 0);
        d = domain_create(5, "domu", 2).value();
        v = vcpu_create(*d, 0, 0).value();
        other = domain_create(9, "other", 1).value();
    }
    void TearDown() override {
        domain_destroy(*other);
        domain_destroy(*d);
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u);
    }
    static xen_domctl make(uint32_t cmd, Domid domid) {
        xen_domctl op{};
        op.cmd = cmd;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        op.domain = domid;
        return op;
    }
    long call(const xen_domctl& op) {
        std::memcpy(arch::fake_guest_memory().data() + arg_gva, &op, sizeof(op));
        return do_domctl(*v, HypercallArgs{{arg_gva, 0, 0, 0, 0}});
    }
    xen_domctl result() const {
        xen_domctl op;
        std::memcpy(&op, arch::fake_guest_memory().data() + arg_gva, sizeof(op));
        return op;
    }
    Domain* d = nullptr;
    Domain* other = nullptr;
    Vcpu* v = nullptr;
};

TEST_F(DomctlTest, BadPointerIsEfaultAndWrongVersionEaccesBeforeAnything) {
    EXPECT_EQ(do_domctl(*v, HypercallArgs{{1ull << 40, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT));
    EXPECT_EQ(do_domctl(*v, HypercallArgs{{4096 - 8, 0, 0, 0, 0}}), neg(Errno::XEN_EFAULT)); // runs off the end
    for (uint32_t version : {0u, 0x14u, 0x16u}) {
        xen_domctl op = make(XEN_DOMCTL_pausedomain, 777); // no such domain either
        op.interface_version = version;
        EXPECT_EQ(call(op), neg(Errno::XEN_EACCES)) << version;
    }
}

TEST_F(DomctlTest, AnAbsentDomainIsEsrchBeforePrivilege) {
    for (uint32_t cmd : {XEN_DOMCTL_pausedomain, XEN_DOMCTL_max_mem, XEN_DOMCTL_iomem_permission,
                         XEN_DOMCTL_set_target, XEN_DOMCTL_getvcpuinfo})
        EXPECT_EQ(call(make(cmd, 777)), neg(Errno::XEN_ESRCH)) << cmd;
    // DOMID_SELF names no domain in domctl (Xen's rcu_lock_domain_by_id).
    EXPECT_EQ(call(make(XEN_DOMCTL_pausedomain, DOMID_SELF)), neg(Errno::XEN_ESRCH));
    EXPECT_EQ(call(make(XEN_DOMCTL_assign_device, DOMID_INVALID)), neg(Errno::XEN_ESRCH));
}

TEST_F(DomctlTest, DomUIsRefusedOnItselfAndOnOthers) {
    for (Domid target : {Domid{5}, Domid{9}})
        for (uint32_t cmd : {XEN_DOMCTL_pausedomain, XEN_DOMCTL_unpausedomain, XEN_DOMCTL_destroydomain,
                             XEN_DOMCTL_max_mem, XEN_DOMCTL_max_vcpus, XEN_DOMCTL_getvcpuinfo,
                             XEN_DOMCTL_gethvmcontext, XEN_DOMCTL_setvcpuaffinity, XEN_DOMCTL_getdomaininfo,
                             XEN_DOMCTL_bind_pt_irq, XEN_DOMCTL_unbind_pt_irq})
            EXPECT_EQ(call(make(cmd, target)), neg(Errno::XEN_EPERM)) << cmd << " on d" << target;
    // No domain named: createdomain still needs privilege.
    EXPECT_EQ(call(make(XEN_DOMCTL_createdomain, 0)), neg(Errno::XEN_EPERM));
}

TEST_F(DomctlTest, ArgumentChecksComeBeforeTheHookAsInXen) {
    xen_domctl op = make(XEN_DOMCTL_iomem_permission, 9);
    op.u.iomem_permission.first_mfn = ~0ull;
    op.u.iomem_permission.nr_mfns = 2; // wraps
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.iomem_permission.first_mfn = 0x1000;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_memory_mapping, 9);
    op.u.memory_mapping.first_mfn = 1ull << (40 - 12); // beyond the host's address width
    op.u.memory_mapping.nr_mfns = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.memory_mapping.first_mfn = 0x100;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_ioport_permission, 9);
    op.u.ioport_permission.first_port = 0xfff0;
    op.u.ioport_permission.nr_ports = 0x20; // past port 0xffff
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.ioport_permission.nr_ports = 0x10;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_ioport_mapping, 9);
    op.u.ioport_mapping.nr_ports = 0; // np - 1 wraps
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.ioport_mapping.nr_ports = 1;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_irq_permission, 9);
    op.u.irq_permission.pirq = 200; // beyond a domU's nr_pirqs
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.irq_permission.pirq = 3; // not bound in the caller: -EPERM before any hook
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    op = make(XEN_DOMCTL_set_target, 9);
    op.u.set_target.target = 777;
    EXPECT_EQ(call(op), neg(Errno::XEN_ESRCH));
    op.u.set_target.target = 9; // itself
    EXPECT_EQ(call(op), neg(Errno::XEN_EINVAL));
    op.u.set_target.target = 5;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));

    EXPECT_EQ(call(make(XEN_DOMCTL_get_device_group, 9)), neg(Errno::XEN_EOPNOTSUPP)); // no IOMMU
}

TEST_F(DomctlTest, VmEventGetVersionNeedsNoPrivilegeAsInXen) {
    xen_domctl op = make(XEN_DOMCTL_vm_event_op, DOMID_INVALID);
    op.u.vm_event_op.op = XEN_VM_EVENT_GET_VERSION;
    EXPECT_EQ(call(op), 0);
    EXPECT_EQ(result().u.vm_event_op.u.version, 7u);
    op.u.vm_event_op.op = XEN_VM_EVENT_ENABLE;
    EXPECT_EQ(call(op), neg(Errno::XEN_ESRCH)); // any other sub-op needs a domain
    op.domain = 9;
    EXPECT_EQ(call(op), neg(Errno::XEN_EPERM));
}

TEST_F(DomctlTest, ControlDomainGetsInfoOfTheNamedOrTheNextDomain) {
    d->is_privileged = true;
    other->max_pages = 1234;
    other->shutdown_code = SHUTDOWN_reboot;
    other->is_shutdown = true;
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 9)), 0);
    xen_domctl op = result();
    EXPECT_EQ(op.domain, 9);
    EXPECT_EQ(op.u.getdomaininfo.domain, 9);
    EXPECT_EQ(op.u.getdomaininfo.max_pages, 1234u);
    EXPECT_EQ(op.u.getdomaininfo.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID); // no vCPU created
    EXPECT_EQ(op.u.getdomaininfo.nr_online_vcpus, 0u);
    const uint32_t flags = op.u.getdomaininfo.flags;
    EXPECT_TRUE(flags & XEN_DOMINF_hvm_guest);
    EXPECT_TRUE(flags & XEN_DOMINF_hap);
    EXPECT_TRUE(flags & XEN_DOMINF_shutdown);
    EXPECT_FALSE(flags & (XEN_DOMINF_blocked | XEN_DOMINF_running)); // nothing online
    EXPECT_EQ((flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask, unsigned{SHUTDOWN_reboot});
    EXPECT_EQ(op.u.getdomaininfo.shared_info_frame, ~0ull);
    EXPECT_EQ(op.u.getdomaininfo.arch_config.emulation_flags, XEN_X86_EMU_LAPIC);

    // An absent ID answers for the next existing one: 6 -> 9, 0 -> 5.
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 6)), 0);
    EXPECT_EQ(result().domain, 9);
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 0)), 0);
    EXPECT_EQ(result().domain, 5);
    EXPECT_EQ(result().u.getdomaininfo.max_vcpu_id, 0u); // its one vCPU (down until started)
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, 10)), neg(Errno::XEN_ESRCH)); // none above
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, DOMID_FIRST_RESERVED)), neg(Errno::XEN_EINVAL));
    EXPECT_EQ(call(make(XEN_DOMCTL_getdomaininfo, DOMID_SELF)), neg(Errno::XEN_EINVAL));
    // Past the checks, the ops that are not implemented yet say so.
    EXPECT_EQ(call(make(XEN_DOMCTL_gethvmcontext, 9)), neg(Errno::XEN_ENOSYS));
}

} // namespace
} // namespace cxen
