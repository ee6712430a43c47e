// domctl (public/domctl.h) in the order of Xen 4.17's do_domctl()
// (xen/common/domctl.c, arch_do_domctl() in xen/arch/x86/domctl.c):
//   1. copy the whole struct in (-EFAULT);
//   2. the interface version (-EACCES unless 0x15);
//   3. the domain it names: none for createdomain (and for
//      test_assign_device / vm_event_op with DOMID_INVALID); -ESRCH for
//      assign/deassign_device with DOMID_INVALID, and for any other absent
//      domain but getdomaininfo's (DOMID_SELF names none here, as in Xen);
//   4. the sub-ops with their own checks, each in Xen's order: getdomaininfo
//      (the next existing domain at or above the ID; XSM_XS_PRIV),
//      iomem/irq/ioport permission and memory/ioport mapping (argument
//      checks, then XSM_PRIV or XSM_DM_PRIV), set_target, bind/unbind_pt_irq,
//      get_device_group (no IOMMU: -EOPNOTSUPP) and vm_event_op's
//      GET_VERSION (no check at all, as in Xen);
//   5. everything else: xsm_domctl (XSM_PRIV), then the op.
// No domain is the control domain yet (TODO(#12)), so from a guest every
// call but vm_event GET_VERSION ends in one of those errors, as a Xen domU
// sees them. Past the checks, getdomaininfo is implemented; the other ops
// answer -ENOSYS (arch_do_domctl()'s default) until the control domain
// needs them, and so do the resource ops (I/O ports, IRQs, MMIO) once
// their XSM check passes, which only the control domain's can.
#include "abi/xen/domctl.hpp"
#include "arch/cpu.hpp"
#include "arch/guest_access.hpp"
#include "common/domain.hpp"
#include "common/domain_info.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {
constexpr unsigned max_ioports = 0x10000; // Xen's MAX_IOPORTS
/// Xen's d->nr_pirqs for a domU: nr_static_irqs (one IO-APIC's 24 GSIs
/// under QEMU) + extra_domU_irqs (32). No pIRQ is bound to any domain.
constexpr unsigned nr_pirqs_domu = 24 + 32;

long getdomaininfo_op(Vcpu& v, xen_domctl& op, DomainRef& named, uint64_t u_domctl) {
    Domain& cur = *v.domain;
    DomainRef found;
    if (!named) { // the next existing domain at or above the ID
        if (op.domain >= DOMID_FIRST_RESERVED) return err(Errno::XEN_EINVAL);
        found.reset(get_domain_from_id(op.domain));
        if (!found) return err(Errno::XEN_ESRCH);
    }
    const Domain& d = named ? *named.get() : *found.get();
    if (auto st = xsm_getdomaininfo(XSM_XS_PRIV, cur, d); !st) return err(st);
    getdomaininfo(d, op.u.getdomaininfo);
    op.domain = op.u.getdomaininfo.domain;
    return arch::copy_to_guest(v, u_domctl, &op, sizeof(op)) ? 0 : err(Errno::XEN_EFAULT);
}
} // namespace

long do_domctl(Vcpu& v, const HypercallArgs& args) {
    Domain& cur = *v.domain;
    const uint64_t u_domctl = args.a[0];
    xen_domctl op;
    if (!arch::copy_from_guest(v, u_domctl, op)) return err(Errno::XEN_EFAULT);
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION) return err(Errno::XEN_EACCES);

    DomainRef d;
    switch (op.cmd) {
    case XEN_DOMCTL_createdomain:
        break;
    case XEN_DOMCTL_assign_device:
    case XEN_DOMCTL_deassign_device:
        // DOMID_IO (the device owner) would be dom_io; cxen has no devices
        // to assign, so it names no domain here either.
        if (op.domain == DOMID_INVALID) return err(Errno::XEN_ESRCH);
        [[fallthrough]];
    case XEN_DOMCTL_test_assign_device:
    case XEN_DOMCTL_vm_event_op:
        if (op.domain == DOMID_INVALID) break;
        [[fallthrough]];
    default:
        if (!domain_ref_by_id(op.domain, d) && op.cmd != XEN_DOMCTL_getdomaininfo) return err(Errno::XEN_ESRCH);
        break;
    }

    switch (op.cmd) { // the sub-ops with checks of their own
    case XEN_DOMCTL_getdomaininfo:
        return getdomaininfo_op(v, op, d, u_domctl);
    case XEN_DOMCTL_iomem_permission: {
        const uint64_t mfn = op.u.iomem_permission.first_mfn, nr = op.u.iomem_permission.nr_mfns;
        if (mfn + nr - 1 < mfn) return err(Errno::XEN_EINVAL);
        if (auto st = xsm_resource_permission(XSM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // TODO(#12): the grant itself, for the control domain
    }
    case XEN_DOMCTL_memory_mapping: {
        const uint64_t gfn = op.u.memory_mapping.first_gfn, mfn = op.u.memory_mapping.first_mfn;
        const uint64_t nr = op.u.memory_mapping.nr_mfns, mfn_end = mfn + nr - 1;
        if (mfn_end < mfn || ((mfn | mfn_end) >> (arch::paddr_bits() - page_shift)) || gfn + nr - 1 < gfn)
            return err(Errno::XEN_EINVAL);
        if (auto st = xsm_resource_mapping(XSM_DM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // TODO(#12): the grant itself, for the control domain
    }
    case XEN_DOMCTL_irq_permission:
        if (op.u.irq_permission.pirq >= nr_pirqs_domu) return err(Errno::XEN_EINVAL);
        return err(Errno::XEN_EPERM); // domain_pirq_to_irq(current) is 0: no domain has a pIRQ
    case XEN_DOMCTL_set_target: {
        DomainRef e;
        if (!domain_ref_by_id(op.u.set_target.target, e)) return err(Errno::XEN_ESRCH);
        if (e.get() == d.get()) return err(Errno::XEN_EINVAL);
        if (auto st = xsm_resource_permission(XSM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // TODO(#12): device models
    }
    case XEN_DOMCTL_vm_event_op:
        if (op.u.vm_event_op.op == XEN_VM_EVENT_GET_VERSION) { // no XSM check in Xen either
            op.u.vm_event_op.u.version = VM_EVENT_INTERFACE_VERSION;
            return arch::copy_to_guest(v, u_domctl, &op, sizeof(op)) ? 0 : err(Errno::XEN_EFAULT);
        }
        if (!d) return err(Errno::XEN_ESRCH);
        break; // the rest after xsm_domctl
    case XEN_DOMCTL_get_device_group:
        return err(Errno::XEN_EOPNOTSUPP); // iommu_do_domctl(): no IOMMU
    case XEN_DOMCTL_ioport_permission: {
        const uint32_t fp = op.u.ioport_permission.first_port, np = op.u.ioport_permission.nr_ports;
        if (fp + np <= fp || fp + np > max_ioports) return err(Errno::XEN_EINVAL);
        if (auto st = xsm_resource_permission(XSM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // TODO(#12): the grant itself, for the control domain
    }
    case XEN_DOMCTL_ioport_mapping: {
        const uint32_t fgp = op.u.ioport_mapping.first_gport, fmp = op.u.ioport_mapping.first_mport;
        const uint32_t np = op.u.ioport_mapping.nr_ports;
        if (((fgp | fmp | (np - 1)) >= max_ioports) || fgp + np > max_ioports || fmp + np > max_ioports)
            return err(Errno::XEN_EINVAL);
        if (auto st = xsm_resource_mapping(XSM_DM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // TODO(#12): the grant itself, for the control domain
    }
    case XEN_DOMCTL_bind_pt_irq:
    case XEN_DOMCTL_unbind_pt_irq:
        if (auto st = xsm_resource_mapping(XSM_DM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // TODO(#12): the grant itself, for the control domain
    default:
        break;
    }

    if (auto st = xsm_domctl(cur, d.get(), op.cmd); !st) return err(st);
    return err(Errno::XEN_ENOSYS); // TODO(#12): the ops the control domain's tools use
}

} // namespace cxen
