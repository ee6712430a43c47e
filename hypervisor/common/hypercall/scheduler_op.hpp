// XEN_DOMCTL_scheduler_op and XEN_SYSCTL_scheduler_op (public/domctl.h,
// public/sysctl.h) as Xen 4.17's sched_adjust() and sched_adjust_global()
// (xen/common/sched/core.c) with credit2's dom_cntl/sys_cntl: what
// `xl sched-credit2` reads and sets.
#pragma once

#include "abi/xen/domctl.hpp"
#include "abi/xen/sysctl.hpp"
#include "common/domain.hpp"

namespace cxen {

/// XEN_DOMCTL_scheduler_op on d (XSM and the domctl lock done). In Xen's
/// order: -EINVAL if sched_id is not d's scheduler's, -EINVAL for a cmd
/// other than {put,get}{,vcpu}info; then the policy's: credit2 knows
/// getinfo (weight, cap) and putinfo (weight 0: unchanged; cap 0: no cap;
/// -EINVAL for a cap above 100 per vCPU), and -EINVAL for the per-vCPU
/// ones; a policy Xen does not have (rr, ID 0) has nothing to get or set
/// and answers 0, as Xen's core for a policy without adjust().
[[nodiscard]] Status domctl_scheduler_op(Domain& d, xen_domctl_scheduler_op& op);

/// XEN_SYSCTL_scheduler_op (the sysctl's XSM check done): -EINVAL for a cmd
/// other than put/getinfo, -ESRCH for a pool other than 0, -EINVAL if
/// sched_id is not the pool's; credit2's ratelimit_us (0: off, else
/// 100..500000 us, -EINVAL outside); putinfo returns the value set.
[[nodiscard]] Status sysctl_scheduler_op(xen_sysctl_scheduler_op& op);

} // namespace cxen
