// sched_op (public/sched.h).
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/sched/sched.hpp"
#include "common/softirq.hpp"

namespace cxen {

long do_sched_op(Vcpu& v, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0], arg = args.a[1];
    switch (cmd) {
    case SCHEDOP_yield:
        raise_softirq(SCHEDULE_SOFTIRQ);
        return 0;
    case SCHEDOP_block:
        vcpu_block(v);
        return 0;
    case SCHEDOP_shutdown: {
        sched_shutdown s;
        if (!arch::copy_from_guest(v, arg, s)) return -static_cast<long>(Errno::XEN_EFAULT);
        // Xen stores any reason; cxen knows SHUTDOWN_poweroff..soft_reset.
        if (s.reason > SHUTDOWN_soft_reset) return -static_cast<long>(Errno::XEN_EINVAL);
        domain_shutdown(*v.domain, static_cast<ShutdownReason>(s.reason));
        return 0;
    }
    default:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
