// sched_op (public/sched.h).
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/event/evtchn.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

long do_sched_op(Vcpu& v, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0], arg = args.a[1];
    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        vcpu_block_check_events(v);
        return 0;
    case SCHEDOP_shutdown: {
        sched_shutdown s;
        if (!arch::copy_from_guest(v, arg, s)) return -static_cast<long>(Errno::XEN_EFAULT);
        // Xen stores any reason; cxen knows SHUTDOWN_poweroff..soft_reset.
        if (s.reason > SHUTDOWN_soft_reset) return -static_cast<long>(Errno::XEN_EINVAL);
        domain_shutdown(*v.domain, static_cast<ShutdownReason>(s.reason));
        return 0;
    }
    case SCHEDOP_shutdown_code: {
        // Records the reason the domain's later shutdown reports, whatever
        // that shutdown says (a crash after a suspend); the first code set
        // wins, as Xen's d->shutdown_code (domain_shutdown() sets it too).
        sched_shutdown s;
        if (!arch::copy_from_guest(v, arg, s)) return -static_cast<long>(Errno::XEN_EFAULT);
        if (s.reason > SHUTDOWN_soft_reset) return -static_cast<long>(Errno::XEN_EINVAL);
        unsigned invalid = ~0u;
        v.domain->shutdown_code.compare_exchange_strong(invalid, s.reason);
        return 0;
    }
    case SCHEDOP_remote_shutdown: {
        // Xen: rcu_lock_domain_by_id() (DOMID_SELF names none: -ESRCH),
        // then xsm_schedop_shutdown(XSM_DM_PRIV): the target's device
        // model or the control domain, not the domain itself.
        sched_remote_shutdown rs;
        if (!arch::copy_from_guest(v, arg, rs)) return -static_cast<long>(Errno::XEN_EFAULT);
        DomainRef d;
        if (auto st = domain_ref_by_id(rs.domain_id, d); !st) return -static_cast<long>(st.error());
        if (auto st = xsm_schedop_shutdown(XSM_DM_PRIV, *v.domain, *d.get()); !st)
            return -static_cast<long>(st.error());
        // As SCHEDOP_shutdown: cxen knows SHUTDOWN_poweroff..soft_reset.
        if (rs.reason > SHUTDOWN_soft_reset) return -static_cast<long>(Errno::XEN_EINVAL);
        domain_shutdown(*d.get(), static_cast<ShutdownReason>(rs.reason));
        return 0;
    }
    case SCHEDOP_poll: {
        // Xen's do_poll(): the port list is read one port at a time, after
        // the poll is announced, so a bad list may go unnoticed if an event
        // is already pending (as in Xen).
        sched_poll p;
        if (!arch::copy_from_guest(v, arg, p)) return -static_cast<long>(Errno::XEN_EFAULT);
        struct Ctx {
            Vcpu& v;
            uint64_t list;
        } ctx{v, reinterpret_cast<uint64_t>(p.ports.p)};
        auto read = [](void* c, uint32_t i) -> Result<EvtchnPort> {
            auto& x = *static_cast<Ctx*>(c);
            evtchn_port_t port;
            if (!arch::copy_from_guest(x.v, x.list + uint64_t{i} * sizeof(port), port))
                return Err(Errno::XEN_EFAULT);
            return EvtchnPort{port};
        };
        return evtchn_poll(v, p.nr_ports, p.timeout, read, &ctx).rc();
    }
    default:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
