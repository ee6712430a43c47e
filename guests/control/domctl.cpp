// domctl and sysctl from inside a PVH domU (Xen 4.17 do_domctl() and
// do_sysctl(), xen/common/domctl.c, xen/common/sysctl.c): every sub-op is
// refused, on itself and on another domain, with Xen's error for a domain
// that is neither the control domain nor a device model; the checks that
// come before the privilege check keep their order (bad pointer, interface
// version, absent domain, bad arguments). The same for platform_op (7),
// and the calls libxl makes whoever asks: xsm_op is -ENOSYS (the dummy
// policy), the memory-sharing counters are 0. Linked into the memory
// kernel, whose `memory.peer=N` names another running domain.
// domctl.h and sysctl.h (and the tools-only parts of xen.h they use)
// describe the toolstack's interface: defined before any Xen header.
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include "guest.hpp"

#include <xen/domctl.h>
#include <xen/platform.h>
#include <xen/sysctl.h>
#include <xen/vm_event.h>

#include <xen/memory.h>

using namespace cxen::guest;

namespace {
long domctl(xen_domctl& op) { return hypercall1(__HYPERVISOR_domctl, &op); }
long sysctl(xen_sysctl& op) { return hypercall1(__HYPERVISOR_sysctl, &op); }

xen_domctl make(uint32_t cmd, domid_t domid) {
    xen_domctl op{};
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = domid;
    return op;
}

domid_t peer_or_skip() {
    const char* peer = option("memory.peer");
    return peer ? static_cast<domid_t>(peer[0] - '0') : DOMID_INVALID;
}
} // namespace

TEST_CASE("control.domctl_order_of_checks") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(hypercall1(__HYPERVISOR_domctl, unmapped_pointer()), EFAULT);
    xen_domctl op = make(XEN_DOMCTL_pausedomain, 0x7000); // absent, and the wrong version
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    CHECK_ERRNO(domctl(op), EACCES);
    op = make(XEN_DOMCTL_pausedomain, 0x7000);
    CHECK_ERRNO(domctl(op), ESRCH);
    op = make(XEN_DOMCTL_pausedomain, DOMID_SELF); // names no domain in domctl
    CHECK_ERRNO(domctl(op), ESRCH);
}

TEST_CASE("control.domctl_every_op_refused") {
    SKIP_UNLESS_XEN();
    const domid_t peer = peer_or_skip();
    if (peer == DOMID_INVALID) SKIP("no memory.peer=N on the command line");
    // Every domctl number up to Xen 4.17's last (86) and the gdbsx ones
    // (1000-1003), defined or not, on this domain's peer:
    // the privilege check, or a check before it, refuses each; none is
    // carried out. Which error is each one's own (Xen's order).
    for (uint32_t cmd = 1; cmd <= 1003; cmd = cmd == 86 ? 1000 : cmd + 1) {
        xen_domctl op = make(cmd, peer);
        cxen::Errno expect = cxen::Errno::XEN_EPERM;
        switch (cmd) {
        case XEN_DOMCTL_get_device_group: expect = cxen::Errno::XEN_EOPNOTSUPP; break; // no IOMMU
        case XEN_DOMCTL_set_target: expect = cxen::Errno::XEN_ESRCH; break;            // target 0: none
        case XEN_DOMCTL_ioport_mapping: expect = cxen::Errno::XEN_EINVAL; break;       // nr_ports 0
        case XEN_DOMCTL_memory_mapping: expect = cxen::Errno::XEN_EINVAL; break; // nr_mfns 0: end beyond paddr_bits
        case XEN_DOMCTL_ioport_permission: expect = cxen::Errno::XEN_EINVAL; break; // nr_ports 0
        }
        const long rc = domctl(op);
        if (rc != -static_cast<long>(expect)) printf("  domctl %u:\n", cmd);
        ::cxen::guest::detail::check_errno(rc, expect, "domctl(cmd) == Xen's error", __FILE__, __LINE__);
    }
}

TEST_CASE("control.domctl_refused_on_itself") {
    SKIP_UNLESS_XEN();
    const char* self = option("control.self");
    const domid_t me = self ? static_cast<domid_t>(self[0] - '0') : 1;
    for (uint32_t cmd : {XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_pausedomain, XEN_DOMCTL_max_mem,
                         XEN_DOMCTL_getvcpuinfo, XEN_DOMCTL_gethvmcontext, XEN_DOMCTL_destroydomain}) {
        xen_domctl op = make(cmd, me);
        CHECK_ERRNO(domctl(op), EPERM);
    }
    xen_domctl op = make(XEN_DOMCTL_createdomain, 0);
    CHECK_ERRNO(domctl(op), EPERM);
}

TEST_CASE("control.vm_event_version_needs_no_privilege") {
    SKIP_UNLESS_XEN();
    // Xen answers XEN_VM_EVENT_GET_VERSION before any XSM check.
    xen_domctl op = make(XEN_DOMCTL_vm_event_op, DOMID_INVALID);
    op.u.vm_event_op.op = XEN_VM_EVENT_GET_VERSION;
    CHECK_OK(domctl(op));
    CHECK_EQ(op.u.vm_event_op.u.version, uint32_t{VM_EVENT_INTERFACE_VERSION});
}

TEST_CASE("control.sysctl_every_op_refused") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(hypercall1(__HYPERVISOR_sysctl, unmapped_pointer()), EFAULT);
    for (uint32_t cmd = 1; cmd <= 32; ++cmd) {
        xen_sysctl op{};
        op.cmd = cmd;
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        CHECK_ERRNO(sysctl(op), EPERM);
        op.interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1;
        CHECK_ERRNO(sysctl(op), EACCES);
    }
}

TEST_CASE("control.platform_op_refused") {
    SKIP_UNLESS_XEN();
    // Xen's do_platform_op(): the copy, the interface version, then
    // xsm_platform_op (XSM_PRIV) for every command, known or not: 64 is
    // XENPF_get_dom0_console, which Linux 6.1 asks for and 4.17 lacks.
    CHECK_ERRNO(hypercall1(__HYPERVISOR_platform_op, unmapped_pointer()), EFAULT);
    for (uint32_t cmd : {17u, 31u, 35u, 48u, 50u, 51u, 55u, 61u, 62u, 63u, 64u, 9999u}) {
        xen_platform_op op{};
        op.cmd = cmd;
        op.interface_version = XENPF_INTERFACE_VERSION;
        const long rc = hypercall1(__HYPERVISOR_platform_op, &op);
        if (rc != -static_cast<long>(cxen::Errno::XEN_EPERM)) printf("  platform_op %u:\n", cmd);
        ::cxen::guest::detail::check_errno(rc, cxen::Errno::XEN_EPERM, "platform_op(cmd) == -EPERM", __FILE__,
                                           __LINE__);
        op.interface_version = XENPF_INTERFACE_VERSION - 1;
        CHECK_ERRNO(hypercall1(__HYPERVISOR_platform_op, &op), EACCES);
    }
}

TEST_CASE("control.xsm_op_and_sharing_counters") {
    SKIP_UNLESS_XEN();
    CHECK_ERRNO(hypercall1(__HYPERVISOR_xsm_op, unmapped_pointer()), ENOSYS); // nothing read
    CHECK_ERRNO(hypercall2(__HYPERVISOR_xsm_op, 0, 0), ENOSYS);
    // XENMEM_get_sharing_freed_pages / _shared_pages (18, 19: tools-only
    // names): 0 without memory sharing, for anyone.
    CHECK_EQ(hypercall2(__HYPERVISOR_memory_op, 18, 0), 0L);
    CHECK_EQ(hypercall2(__HYPERVISOR_memory_op, 19, 0), 0L);
}
