// sysctl (public/sysctl.h) as Xen 4.17's do_sysctl() (xen/common/sysctl.c):
// copy the whole struct in (-EFAULT), check the interface version (-EACCES
// unless XEN_SYSCTL_INTERFACE_VERSION, 0x15), then xsm_sysctl(XSM_PRIV):
// -EPERM for any domain that is not the control domain, so every
// well-formed call from a guest ends in -EPERM, which is what a Xen domU
// sees; XTF's livepatch-priv-check relies on exactly that order. For the
// control domain: readconsole (the console history, common/console/
// console_history.hpp) and getdomaininfolist; the other sub-ops answer -ENOSYS
// (arch_do_sysctl()'s default) until dom0's tools need them (TODO(#12)).
// As in Xen, the struct is copied back only when the sub-op succeeded.
#include "abi/xen/sysctl.hpp"
#include "arch/guest_access.hpp"
#include "common/console/printk.hpp"
#include "common/domain_info.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

namespace {
/// XEN_SYSCTL_getdomaininfolist: the info of the existing domains from
/// first_domain up, in ID order (Xen's sorted domain list), at most
/// max_domains of them, into the caller's buffer; each one the caller may
/// see (xsm_getdomaininfo) counts. -EFAULT at the first entry that cannot
/// be written (num_domains is then not reported, as in Xen).
Status getdomaininfolist(Vcpu& cur, xen_sysctl_getdomaininfolist& list) {
    const uint64_t buffer = reinterpret_cast<uintptr_t>(list.buffer.p);
    uint32_t n = 0;
    uint32_t next = list.first_domain;
    while (next < DOMID_FIRST_RESERVED) {
        Domain* found = get_domain_from_id(static_cast<Domid>(next));
        if (!found) break;
        DomainRef d(found);
        next = uint32_t{d.get()->domid} + 1;
        if (n == list.max_domains) break;
        if (!xsm_getdomaininfo(XSM_XS_PRIV, *cur.domain, *d.get())) continue;
        xen_domctl_getdomaininfo info;
        getdomaininfo(*d.get(), info);
        if (!arch::copy_to_guest(cur, buffer + uint64_t{n} * sizeof(info), &info, sizeof(info)))
            return Err(Errno::XEN_EFAULT);
        ++n;
    }
    list.num_domains = n;
    return ok_status();
}
/// XEN_SYSCTL_readconsole (Xen: xsm_readconsole, XSM_HOOK, then
/// read_console_ring() into the caller's buffer).
Status readconsole(Vcpu& cur, xen_sysctl_readconsole& rc) {
    ConsoleReadRequest r{rc.index, rc.count, rc.incremental != 0, rc.clear != 0};
    struct Target {
        Vcpu& v;
        uint64_t buffer;
    } t{cur, reinterpret_cast<uintptr_t>(rc.buffer.p)};
    TRY(console_ring_read(
        r,
        [](void* ctx, uint32_t offset, const char* s, size_t len) -> Status {
            auto& tg = *static_cast<Target*>(ctx);
            return arch::copy_to_guest(tg.v, tg.buffer + offset, s, len) ? ok_status() : Status(Err(Errno::XEN_EFAULT));
        },
        &t));
    rc.count = r.count;
    rc.index = r.index;
    return ok_status();
}
} // namespace

long do_sysctl(Vcpu& cur, const HypercallArgs& args) {
    xen_sysctl op;
    if (!arch::copy_from_guest(cur, args.a[0], op)) return err(Errno::XEN_EFAULT);
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION) return err(Errno::XEN_EACCES);
    if (auto st = xsm_sysctl(XSM_PRIV, *cur.domain); !st) return err(st);
    switch (op.cmd) {
    case XEN_SYSCTL_readconsole:
        if (auto st = readconsole(cur, op.u.readconsole); !st) return err(st);
        break;
    case XEN_SYSCTL_getdomaininfolist:
        if (auto st = getdomaininfolist(cur, op.u.getdomaininfolist); !st) return err(st);
        break;
    default:
        return err(Errno::XEN_ENOSYS); // arch_do_sysctl()'s answer, nothing copied back
    }
    return arch::copy_to_guest(cur, args.a[0], &op, sizeof(op)) ? 0 : err(Errno::XEN_EFAULT);
}

} // namespace cxen
