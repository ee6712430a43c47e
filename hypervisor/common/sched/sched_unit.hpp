// What the scheduler keeps in each vCPU (Xen's struct sched_unit, with one
// vCPU per unit as Xen's default sched-gran=cpu). Kept apart from sched.hpp
// so that common/domain.hpp can embed it without the scheduler's API.
//
// Locking: the affinities, `priv` and `inserted` change under the vCPU's
// scheduler lock (sched.hpp, vcpu_schedule_lock); `migrating` and
// `yield_requested` are atomics a vCPU's own pCPU reads when it takes the
// vCPU off.
#pragma once

#include <atomic>

#include "common/sched/cpumask.hpp"

namespace cxen {

struct SchedUnit {
    /// pCPUs the vCPU may run on (Xen's cpu_hard_affinity); the core never
    /// runs it elsewhere.
    CpuMask hard_affinity = CpuMask::all();
    /// pCPUs it prefers (Xen's cpu_soft_affinity); a policy's hint only.
    CpuMask soft_affinity = CpuMask::all();
    void* priv = nullptr; ///< the policy's per-vCPU data (Scheduler::alloc_udata)
    bool inserted = false; ///< on its policy's queues (insert_unit done, remove_unit not)
    /// Its pCPU is no longer in its hard affinity: not picked until the
    /// core moved it (Xen's _VPF_migrating).
    std::atomic<bool> migrating{false};
    /// SCHEDOP_yield while running: Scheduler::yield when it is taken off.
    std::atomic<bool> yield_requested{false};
};

} // namespace cxen
