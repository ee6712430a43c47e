// XEN_SYSCTL_cpupool_op (public/sysctl.h) as Xen 4.17's cpupool_do_sysctl()
// (xen/common/sched/cpupool.c) answers on a host with one pool. cxen has
// no cpupools yet (TODO(#15)): there is pool 0, which holds every online
// pCPU and every domain and runs the boot-time policy, and no free pCPU.
#pragma once

#include "abi/xen/sysctl.hpp"
#include "common/domain.hpp"

namespace cxen {

/// The pool ID of cxen's one pool (Xen's cpupool0).
constexpr uint32_t cpupool0_id = 0;

/// One cpupool_op for the control domain `cur` (the sysctl's XSM check is
/// done); `op` is updated for the copy back on success.
///   INFO:       the first pool with an ID >= cpupool_id (pool 0 for 0),
///               its sched_id, n_dom and cpumap; -ENOENT past the last.
///   FREEINFO:   cpumap of the pCPUs in no pool: none.
///   DESTROY:    -ENOENT for a pool other than 0; pool 0 has pCPUs: -EBUSY.
///   ADDCPU:     -ENOENT (no such pool), then as Xen for pool 0: -ENODEV
///               for PAR_ANY (no free pCPU), -EINVAL beyond nr_cpu_ids,
///               -ENODEV (offline, or not free: every online pCPU is in pool 0).
///   RMCPU:      -ENOENT (no such pool), -EINVAL beyond nr_cpu_ids or not
///               in the pool; -ENOSYS otherwise (cxen cannot take a pCPU
///               from the scheduler yet).
///   MOVEDOMAIN: the domain as Xen's rcu_lock_remote_domain_by_id()
///               (-ESRCH, -EPERM for the caller's own), 0 to pool 0 (where
///               it is), -ENOENT to any other.
///   CREATE:     -ENOSYS: cxen cannot create pools (TODO(#15)).
///   other:      -ENOSYS, as Xen.
/// Map errors: -EFAULT.
[[nodiscard]] Status cpupool_do_sysctl(Vcpu& cur, xen_sysctl_cpupool_op& op);

} // namespace cxen
