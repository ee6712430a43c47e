// sysctl (public/sysctl.h) as Xen 4.17's do_sysctl() (xen/common/sysctl.c):
// copy the whole struct in (-EFAULT), check the interface version (-EACCES
// unless XEN_SYSCTL_INTERFACE_VERSION, 0x15), then xsm_sysctl(XSM_PRIV):
// -EPERM for any domain that is not the control domain. No domain is
// privileged until the control domain exists (TODO(#12): the sub-ops dom0's
// tools use), so every well-formed call from a guest ends in -EPERM, which
// is what a Xen domU sees; XTF's livepatch-priv-check relies on exactly that
// order.
#include "abi/xen/sysctl.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

long do_sysctl(Vcpu& cur, const HypercallArgs& args) {
    xen_sysctl op;
    if (!arch::copy_from_guest(cur, args.a[0], op)) return -static_cast<long>(Errno::XEN_EFAULT);
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION) return -static_cast<long>(Errno::XEN_EACCES);
    if (auto st = xsm_sysctl(XSM_PRIV, *cur.domain); !st) return -static_cast<long>(st.error());
    // No sub-op is implemented yet: arch_do_sysctl()'s answer to unknown ones.
    return -static_cast<long>(Errno::XEN_ENOSYS);
}

} // namespace cxen
