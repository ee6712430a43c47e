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
//   5. everything else: xsm_domctl (XSM_PRIV), then Xen's domctl lock
//      (taken with trylock; busy: the call continues later, as Xen), then
//      the op.
// From a domU every call but vm_event GET_VERSION ends in one of those
// errors, as a Xen domU sees them. For the control domain, past the
// checks: getdomaininfo, pausedomain/unpausedomain (Xen's controller pause
// count), destroydomain (domain_kill(), continued while it says -ERESTART),
// max_vcpus, getvcpuinfo, get/setvcpuaffinity, max_mem and
// setdomainhandle, and createdomain and the setup ops of domctl_create.hpp
// (issue #13); the other ops answer -ENOSYS (arch_do_domctl()'s
// default) until the control domain needs them, and so do the resource
// ops (I/O ports, IRQs, MMIO) once their XSM check passes.
//
// Locking: domctl_lock (Xen's) serialises the ops past step 5, so a
// destroydomain's domain_kill() step cannot free a vCPU another domctl is
// reading. A leaf-ward lock: ops take their subsystems' locks under it.
#include "abi/xen/domctl.hpp"
#include "arch/cpu.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/domain_info.hpp"
#include "common/host_info.hpp"
#include "common/hypercall/domctl_create.hpp"
#include "common/hypercall/cpu_policy_op.hpp"
#include "common/hypercall/domctl_hvmcontext.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/hypercall/scheduler_op.hpp"
#include "common/hypercall/xenctl_bitmap.hpp"
#include "common/lib/spinlock.hpp"
#include "common/sched/sched.hpp"
#include "common/time/runstate.hpp"
#include "common/xsm/xsm.hpp"
#include "lib/base/string.hpp"

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
SpinLock domctl_lock;

/// Xen's limit on controller pauses (domain_pause_by_systemcontroller).
constexpr int max_controller_pauses = 255;

/// XEN_DOMCTL_pausedomain (not of the caller's own domain: -EINVAL).
/// Unlike Xen's, the pause does not wait for running vCPUs to leave their
/// pCPUs: they stop at their next exit (domain_pause()).
long pausedomain(Domain& cur, Domain& d) {
    if (&d == &cur) return err(Errno::XEN_EINVAL);
    int old = d.controller_pause_count.load();
    do {
        if (old + 1 > max_controller_pauses) return err(Errno::XEN_EOVERFLOW);
    } while (!d.controller_pause_count.compare_exchange_weak(old, old + 1));
    domain_pause(d);
    return 0;
}
/// XEN_DOMCTL_unpausedomain: undoes one controller pause; -EINVAL if none.
long unpausedomain(Domain& d) {
    int old = d.controller_pause_count.load();
    do {
        if (old - 1 < 0) return err(Errno::XEN_EINVAL);
    } while (!d.controller_pause_count.compare_exchange_weak(old, old - 1));
    if (old == 1) d.creation_finished.store(true); // Xen's domain_unpause_by_systemcontroller()
    domain_unpause(d);
    return 0;
}

/// XEN_DOMCTL_max_vcpus: only the count createdomain set (-EINVAL
/// otherwise, and for the caller's own domain); creates the vCPUs not yet
/// there, each on pCPU (domid + id) mod pCPUs, as the builder places them.
/// Errors of vcpu_create() (-ENOMEM; -ENODEV without SVM) come back as
/// they are; the vCPUs made before stay, as in Xen.
long max_vcpus(Domain& cur, Domain& d, uint32_t max) {
    if (&d == &cur || max != d.max_vcpus) return err(Errno::XEN_EINVAL);
    const unsigned cpus = host_nr_cpu_ids() ? host_nr_cpu_ids() : 1;
    domain_pause(d);
    long ret = 0;
    for (unsigned i = 0; i < max && !ret; ++i) {
        if (d.vcpus[i]) continue;
        auto created = vcpu_create(d, i, (d.domid + i) % cpus);
        if (!created) ret = err(created.error());
        else created.value()->down.store(true); // Xen's VPF_down: no register state until sethvmcontext
    }
    domain_unpause(d);
    return ret;
}

/// XEN_DOMCTL_getvcpuinfo: -EINVAL beyond max_vcpus, -ESRCH no such vCPU.
long getvcpuinfo(Domain& d, xen_domctl_getvcpuinfo& info) {
    if (info.vcpu >= d.max_vcpus) return err(Errno::XEN_EINVAL);
    const Vcpu* v = d.vcpus[info.vcpu];
    if (!v) return err(Errno::XEN_ESRCH);
    const VcpuState st = v->state.load();
    info.online = !v->down.load();
    info.blocked = st == VcpuState::blocked;
    info.running = st == VcpuState::running;
    // Xen's vcpu_runstate_get(): the time accounted, plus the current
    // period if it is running now.
    uint64_t t = v->runstate.time[RUNSTATE_running];
    const uint64_t now = arch::now_ns();
    if (v->runstate.state == RUNSTATE_running && now > v->runstate.state_entry_time)
        t += now - v->runstate.state_entry_time;
    info.cpu_time = t;
    info.cpu = v->processor.load();
    return 0;
}

/// XEN_DOMCTL_{get,set}vcpuaffinity as Xen's vcpu_affinity_domctl(): the
/// maps in xenctl_bitmap form; set writes back the effective maps (hard:
/// its intersection with the online pCPUs; soft: also with the new hard).
/// cxen's scheduler keeps a vCPU within its hard affinity; soft affinity
/// is recorded (rr ignores it, docs/scheduling.md). Not copied back: the
/// maps go through their handles.
long vcpuaffinity(Vcpu& cur, Domain& d, uint32_t cmd, xen_domctl_vcpuaffinity& va) {
    if (va.vcpu >= d.max_vcpus) return err(Errno::XEN_EINVAL);
    Vcpu* v = d.vcpus[va.vcpu];
    if (!v) return err(Errno::XEN_ESRCH);
    const bool hard = va.flags & XEN_VCPUAFFINITY_HARD, soft = va.flags & XEN_VCPUAFFINITY_SOFT;
    if (va.flags == 0 || (hard && !va.cpumap_hard.bitmap.p) || (soft && !va.cpumap_soft.bitmap.p))
        return err(Errno::XEN_EINVAL);
    CpuMask cur_hard, cur_soft;
    vcpu_get_affinity(*v, cur_hard, cur_soft);
    if (cmd == XEN_DOMCTL_getvcpuaffinity) {
        Status st = ok_status();
        if (hard) st = cpumask_to_xenctl_bitmap(cur, va.cpumap_hard, cur_hard);
        if (soft) st = cpumask_to_xenctl_bitmap(cur, va.cpumap_soft, cur_soft);
        return st ? 0 : err(st); // Xen's ret is the last map's
    }
    // XEN_VCPUAFFINITY_FORCE undoes a temporary pin (SCHED_pin_override);
    // cxen has none to undo.
    const CpuMask online = sched_online_cpus();
    const CpuMask old_hard = cur_hard; // restored if the soft map fails
    if (hard) {
        CpuMask m;
        if (auto st = xenctl_bitmap_to_cpumask(cur, va.cpumap_hard, m); !st) return err(st);
        if (auto st = vcpu_set_hard_affinity(*v, m); !st) return err(st);
        vcpu_get_affinity(*v, cur_hard, cur_soft);
        if (auto st = cpumask_to_xenctl_bitmap(cur, va.cpumap_hard, online & cur_hard); !st) return err(st);
    }
    if (soft) {
        CpuMask m;
        Status st = xenctl_bitmap_to_cpumask(cur, va.cpumap_soft, m);
        if (st) st = vcpu_set_soft_affinity(*v, m);
        if (!st) {
            if (hard) (void)vcpu_set_hard_affinity(*v, old_hard); // the caller expects nothing changed
            return err(st);
        }
        vcpu_get_affinity(*v, cur_hard, cur_soft);
        if (auto st2 = cpumask_to_xenctl_bitmap(cur, va.cpumap_soft, m & online & cur_hard); !st2) return err(st2);
    }
    return 0;
}

/// The ops past xsm_domctl, under domctl_lock. `copyback`: the struct goes
/// back to the caller on success, as Xen's copyback.
long domctl_op(Vcpu& v, xen_domctl& op, Domain* d, const HypercallArgs& args, bool& copyback) {
    Domain& cur = *v.domain;
    switch (op.cmd) {
    case XEN_DOMCTL_createdomain:
        copyback = true;
        return createdomain(op);
    case XEN_DOMCTL_setnodeaffinity:
        return setnodeaffinity(v, *d, op.u.nodeaffinity);
    case XEN_DOMCTL_settscinfo:
        return settscinfo(cur, *d, op.u.tsc_info);
    case XEN_DOMCTL_gettscinfo:
        copyback = true;
        return gettscinfo(cur, *d, op.u.tsc_info);
    case XEN_DOMCTL_settimeoffset:
        return settimeoffset(*d, op.u.settimeoffset.time_offset_seconds);
    case XEN_DOMCTL_set_paging_mempool_size:
        return set_paging_mempool_size(*d, op.u.paging_mempool.size);
    case XEN_DOMCTL_get_paging_mempool_size:
        copyback = true;
        return get_paging_mempool_size(*d, op.u.paging_mempool.size);
    case XEN_DOMCTL_pausedomain:
        return pausedomain(cur, *d);
    case XEN_DOMCTL_unpausedomain:
        return unpausedomain(*d);
    case XEN_DOMCTL_destroydomain: {
        if (d == &cur) return err(Errno::XEN_EINVAL); // Xen's domain_kill()
        Status st = domain_kill(*d);
        if (!st && st.error() == Errno::XEN_ERESTART) {
            hypercall_create_continuation(v, 1, args); // the same call again
            return 0;
        }
        return st ? 0 : err(st);
    }
    case XEN_DOMCTL_max_vcpus:
        return max_vcpus(cur, *d, op.u.max_vcpus.max);
    case XEN_DOMCTL_getvcpuinfo:
        copyback = true;
        return getvcpuinfo(*d, op.u.getvcpuinfo);
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        return vcpuaffinity(v, *d, op.cmd, op.u.vcpuaffinity);
    case XEN_DOMCTL_max_mem: {
        // kB to pages; no check against the pages the domain has (Xen lets
        // it ratchet down). Capped as Xen's 32-bit max_pages.
        const uint64_t pages = op.u.max_mem.max_memkb >> (page_shift - 10);
        d->max_pages = pages < UINT32_MAX ? pages : UINT32_MAX;
        return 0;
    }
    case XEN_DOMCTL_scheduler_op:
        copyback = true;
        if (auto st = domctl_scheduler_op(*d, op.u.scheduler_op); !st) return err(st);
        return 0;
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op.u.setdomainhandle.handle, sizeof(d->handle));
        return 0;
    case XEN_DOMCTL_gethvmcontext:
        copyback = true;
        return domctl_gethvmcontext(v, *d, op.u.hvmcontext);
    case XEN_DOMCTL_sethvmcontext:
        return domctl_sethvmcontext(v, *d, op.u.hvmcontext);
    case XEN_DOMCTL_gethvmcontext_partial:
        copyback = true;
        return domctl_gethvmcontext_partial(v, *d, op.u.hvmcontext_partial);
    case XEN_DOMCTL_get_cpu_policy:
        copyback = true;
        return domctl_get_cpu_policy(v, *d, op.u.cpu_policy);
    case XEN_DOMCTL_set_cpu_policy:
        return domctl_set_cpu_policy(v, *d, op, args.a[0]);
    default:
        return err(Errno::XEN_ENOSYS); // TODO(#12/#13): the other ops the toolstack uses
    }
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
        return err(Errno::XEN_ENOSYS); // hardware access: dom0 owns none yet (control-domain.md)
    }
    case XEN_DOMCTL_memory_mapping: {
        const uint64_t gfn = op.u.memory_mapping.first_gfn, mfn = op.u.memory_mapping.first_mfn;
        const uint64_t nr = op.u.memory_mapping.nr_mfns, mfn_end = mfn + nr - 1;
        if (mfn_end < mfn || ((mfn | mfn_end) >> (arch::paddr_bits() - page_shift)) || gfn + nr - 1 < gfn)
            return err(Errno::XEN_EINVAL);
        if (auto st = xsm_resource_mapping(XSM_DM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // hardware access: dom0 owns none yet (control-domain.md)
    }
    case XEN_DOMCTL_irq_permission:
        if (op.u.irq_permission.pirq >= nr_pirqs_domu) return err(Errno::XEN_EINVAL);
        return err(Errno::XEN_EPERM); // domain_pirq_to_irq(current) is 0: no domain has a pIRQ
    case XEN_DOMCTL_set_target: {
        DomainRef e;
        if (!domain_ref_by_id(op.u.set_target.target, e)) return err(Errno::XEN_ESRCH);
        if (e.get() == d.get()) return err(Errno::XEN_EINVAL);
        if (auto st = xsm_resource_permission(XSM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // device-model domains: not yet
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
        return err(Errno::XEN_ENOSYS); // hardware access: dom0 owns none yet (control-domain.md)
    }
    case XEN_DOMCTL_ioport_mapping: {
        const uint32_t fgp = op.u.ioport_mapping.first_gport, fmp = op.u.ioport_mapping.first_mport;
        const uint32_t np = op.u.ioport_mapping.nr_ports;
        if (((fgp | fmp | (np - 1)) >= max_ioports) || fgp + np > max_ioports || fmp + np > max_ioports)
            return err(Errno::XEN_EINVAL);
        if (auto st = xsm_resource_mapping(XSM_DM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // hardware access: dom0 owns none yet (control-domain.md)
    }
    case XEN_DOMCTL_bind_pt_irq:
    case XEN_DOMCTL_unbind_pt_irq:
        if (auto st = xsm_resource_mapping(XSM_DM_PRIV, cur, *d.get()); !st) return err(st);
        return err(Errno::XEN_ENOSYS); // hardware access: dom0 owns none yet (control-domain.md)
    default:
        break;
    }

    if (auto st = xsm_domctl(cur, d.get(), op.cmd); !st) return err(st);
    if (!domctl_lock.try_lock()) { // Xen's domctl_lock_acquire() failing
        hypercall_create_continuation(v, 1, args);
        return 0;
    }
    bool copyback = false;
    long ret = domctl_op(v, op, d.get(), args, copyback);
    domctl_lock.unlock();
    if (ret == 0 && copyback && !arch::copy_to_guest(v, u_domctl, &op, sizeof(op))) ret = err(Errno::XEN_EFAULT);
    return ret;
}

} // namespace cxen
