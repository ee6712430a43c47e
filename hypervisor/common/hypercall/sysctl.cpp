// sysctl (public/sysctl.h) as Xen 4.17's do_sysctl() (xen/common/sysctl.c):
// copy the whole struct in (-EFAULT), check the interface version (-EACCES
// unless XEN_SYSCTL_INTERFACE_VERSION, 0x15), then xsm_sysctl(XSM_PRIV):
// -EPERM for any domain that is not the control domain, so every
// well-formed call from a guest ends in -EPERM, which is what a Xen domU
// sees; XTF's livepatch-priv-check relies on exactly that order. For the
// control domain: readconsole (the console history, common/console/
// console_history.hpp), getdomaininfolist, physinfo, sched_id,
// cputopoinfo, numainfo (common/host_info.hpp) and cpupool_op
// (cpupool_op.hpp); the other sub-ops answer -ENOSYS (arch_do_sysctl()'s
// default) until the tools need them. As in Xen, the struct
// is copied back only when the sub-op succeeded.
//
// No loop here runs over a guest-sized count without a bound of the
// host's: cputopoinfo and numainfo stop at the host's pCPUs and nodes,
// getdomaininfolist at the domain table.
#include "abi/xen/sysctl.hpp"
#include "arch/guest_access.hpp"
#include "common/console/printk.hpp"
#include "common/domain_info.hpp"
#include "common/host_info.hpp"
#include "common/hypercall/cpu_policy_op.hpp"
#include "common/hypercall/cpupool_op.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/scheduler_op.hpp"
#include "common/sched/sched.hpp"
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
/// XEN_SYSCTL_cputopoinfo: NULL cputopo asks for the count (the highest
/// present pCPU + 1); otherwise min(num_cpus, that) entries are written and
/// num_cpus says how many. No -ENOBUFS: Xen 4.17 truncates.
Status cputopoinfo(Vcpu& cur, xen_sysctl_cputopoinfo& ti) {
    unsigned n = host_nr_cpu_ids();
    const uint64_t buffer = reinterpret_cast<uintptr_t>(ti.cputopo.p);
    if (buffer) {
        if (n > ti.num_cpus) n = ti.num_cpus;
        for (unsigned i = 0; i < n; ++i) {
            const xen_sysctl_cputopo t = host_cputopo(i);
            if (!arch::copy_to_guest(cur, buffer + uint64_t{i} * sizeof(t), t)) return Err(Errno::XEN_EFAULT);
        }
    }
    ti.num_cpus = n;
    return ok_status();
}
/// XEN_SYSCTL_numainfo: as cputopoinfo over nodes (one here): meminfo
/// entries and the num_nodes x num_nodes distance matrix, each written only
/// if its handle is not NULL; both NULL asks for the count.
Status numainfo(Vcpu& cur, xen_sysctl_numainfo& ni) {
    unsigned n = host_nr_nodes;
    const uint64_t meminfo = reinterpret_cast<uintptr_t>(ni.meminfo.p);
    const uint64_t distance = reinterpret_cast<uintptr_t>(ni.distance.p);
    if (meminfo || distance) {
        if (n > ni.num_nodes) n = ni.num_nodes;
        for (unsigned i = 0; i < n; ++i) {
            if (meminfo) {
                const xen_sysctl_meminfo m = host_node_meminfo(i);
                if (!arch::copy_to_guest(cur, meminfo + uint64_t{i} * sizeof(m), m)) return Err(Errno::XEN_EFAULT);
            }
            if (distance) {
                uint32_t row[host_nr_nodes];
                for (unsigned j = 0; j < n; ++j) row[j] = host_node_distance(i, j);
                if (!arch::copy_to_guest(cur, distance + uint64_t{i} * n * sizeof(uint32_t), row, n * sizeof(uint32_t)))
                    return Err(Errno::XEN_EFAULT);
            }
        }
    }
    ni.num_nodes = n;
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
    case XEN_SYSCTL_physinfo:
        host_physinfo(op.u.physinfo);
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = sched_policy().sched_id();
        break;
    case XEN_SYSCTL_cputopoinfo:
        if (auto st = cputopoinfo(cur, op.u.cputopoinfo); !st) return err(st);
        break;
    case XEN_SYSCTL_numainfo:
        if (auto st = numainfo(cur, op.u.numainfo); !st) return err(st);
        break;
    case XEN_SYSCTL_scheduler_op:
        if (auto st = sysctl_scheduler_op(op.u.scheduler_op); !st) return err(st);
        break;
    case XEN_SYSCTL_cpupool_op:
        if (auto st = cpupool_do_sysctl(cur, op.u.cpupool_op); !st) return err(st);
        break;
    case XEN_SYSCTL_get_cpu_featureset:
        return sysctl_get_cpu_featureset(cur, op, args.a[0]);
    case XEN_SYSCTL_get_cpu_policy:
        return sysctl_get_cpu_policy(cur, op, args.a[0]);
    default:
        return err(Errno::XEN_ENOSYS); // arch_do_sysctl()'s answer, nothing copied back
    }
    return arch::copy_to_guest(cur, args.a[0], &op, sizeof(op)) ? 0 : err(Errno::XEN_EFAULT);
}

} // namespace cxen
