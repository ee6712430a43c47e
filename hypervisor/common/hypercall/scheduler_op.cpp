// The scheduler_op hypercalls (see scheduler_op.hpp): the ABI's fields in
// and out of the policy's SchedParams / SchedGlobalParams.
#include "common/hypercall/scheduler_op.hpp"

#include "common/hypercall/cpupool_op.hpp"
#include "common/sched/credit2.hpp"
#include "common/sched/sched.hpp"

namespace cxen {

static_assert(credit2::ratelimit_min_us == XEN_SYSCTL_SCHED_RATELIMIT_MIN);
static_assert(credit2::ratelimit_max_us == XEN_SYSCTL_SCHED_RATELIMIT_MAX);

Status domctl_scheduler_op(Domain& d, xen_domctl_scheduler_op& op) {
    Scheduler& s = sched_policy();
    if (op.sched_id != s.sched_id()) return Err(Errno::XEN_EINVAL);
    switch (op.cmd) {
    case XEN_DOMCTL_SCHEDOP_putinfo:
    case XEN_DOMCTL_SCHEDOP_getinfo:
    case XEN_DOMCTL_SCHEDOP_putvcpuinfo:
    case XEN_DOMCTL_SCHEDOP_getvcpuinfo:
        break;
    default:
        return Err(Errno::XEN_EINVAL);
    }
    if (op.sched_id != XEN_SCHEDULER_CREDIT2) return ok_status(); // rr: no ABI parameters
    const bool set = op.cmd == XEN_DOMCTL_SCHEDOP_putinfo;
    if (!set && op.cmd != XEN_DOMCTL_SCHEDOP_getinfo) return Err(Errno::XEN_EINVAL); // csched2_dom_cntl
    SchedParams p;
    p.weight = op.u.credit2.weight;
    p.cap = op.u.credit2.cap;
    TRY(s.adjust(d, p, set));
    if (!set) {
        op.u.credit2.weight = static_cast<uint16_t>(p.weight);
        op.u.credit2.cap = static_cast<uint16_t>(p.cap);
    }
    return ok_status();
}

Status sysctl_scheduler_op(xen_sysctl_scheduler_op& op) {
    if (op.cmd != XEN_SYSCTL_SCHEDOP_putinfo && op.cmd != XEN_SYSCTL_SCHEDOP_getinfo)
        return Err(Errno::XEN_EINVAL);
    if (op.cpupool_id != cpupool0_id) return Err(Errno::XEN_ESRCH);
    Scheduler& s = sched_policy();
    if (op.sched_id != s.sched_id()) return Err(Errno::XEN_EINVAL);
    if (op.sched_id != XEN_SCHEDULER_CREDIT2) return ok_status(); // rr: no ABI parameters
    SchedGlobalParams p;
    p.ratelimit_us = op.u.sched_credit2.ratelimit_us;
    TRY(s.adjust_global(p, op.cmd == XEN_SYSCTL_SCHEDOP_putinfo));
    op.u.sched_credit2.ratelimit_us = p.ratelimit_us;
    return ok_status();
}

} // namespace cxen
