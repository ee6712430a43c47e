// sysctl (public/sysctl.h) as Xen 4.17's do_sysctl() (xen/common/sysctl.c)
// answers a domain without privilege: copy the whole struct in (-EFAULT),
// check the interface version (-EACCES unless XEN_SYSCTL_INTERFACE_VERSION,
// 0x15), then the XSM dummy policy's xsm_sysctl(XSM_PRIV): -EPERM for any
// domain that is not the control domain. No domain is privileged until the
// control domain exists (TODO(#12): the sub-ops dom0's tools use), so every
// well-formed call ends in -EPERM, which is what a Xen domU sees; XTF's
// livepatch-priv-check relies on exactly that order.
#include "abi/xen/sysctl.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

long do_sysctl(Vcpu& cur, const HypercallArgs& args) {
    xen_sysctl op;
    if (!arch::copy_from_guest(cur, args.a[0], op)) return -static_cast<long>(Errno::XEN_EFAULT);
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION) return -static_cast<long>(Errno::XEN_EACCES);
    // xsm_sysctl(XSM_PRIV): only the control domain, and there is none yet.
    return -static_cast<long>(Errno::XEN_EPERM);
}

} // namespace cxen
