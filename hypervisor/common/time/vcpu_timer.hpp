// A vCPU's guest timers: the singleshot timer (VCPUOP_set_singleshot_timer,
// also set_timer_op) and the periodic timer (VCPUOP_set_periodic_timer);
// both raise VIRQ_TIMER on their vCPU when they expire, as Xen's
// vcpu_singleshot_timer_fn() / vcpu_periodic_timer_fn() (xen/common/sched/core.c).
// Deadlines are in guest system time, which is the hypervisor's (now_ns()).
//
// Locking: the Timers are queued on v's pCPU and follow v when the
// scheduler moves it (migrate_timer, common/sched); they are armed only by
// v itself (its hypercalls run on its pCPU) and killed when the domain is
// destroyed; timer.cpp's per-pCPU lock covers the queue.
#pragma once

#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {

struct Vcpu;

/// Arm v's singleshot timer for `deadline_ns` (a past deadline fires at once).
/// Errors: -ENOSPC/-ENODEV from set_timer().
[[nodiscard]] Status vcpu_singleshot_set(Vcpu& v, uint64_t deadline_ns);
void vcpu_singleshot_stop(Vcpu& v);
/// Start v's periodic timer with `period_ns` (0 stops it). The first tick is
/// one period from now. Errors: as set_timer().
[[nodiscard]] Status vcpu_periodic_set(Vcpu& v, uint64_t period_ns);
/// Stop both timers for good (vCPU destruction): kill_timer(), which waits
/// for a callback running on v's pCPU.
void vcpu_timers_destroy(Vcpu& v);

} // namespace cxen
