// The credit2 policy's constants (Xen 4.17's xen/common/sched/credit2.c)
// and its pool-wide knobs, for the scheduler_op hypercalls and tests. The
// policy itself is credit2_scheduler() (scheduler.hpp).
#pragma once

#include <cstdint>

namespace cxen {
struct Vcpu;
}

namespace cxen::credit2 {

constexpr uint32_t default_weight = 256;       ///< CSCHED2_DEFAULT_WEIGHT
constexpr int64_t credit_init = 10'000'000;    ///< CSCHED2_CREDIT_INIT (10 ms)
constexpr int64_t credit_min = -credit_init;   ///< CSCHED2_CREDIT_MIN
constexpr int64_t credit_reset = 0;            ///< CSCHED2_CREDIT_RESET
constexpr int64_t carryover_max = 500'000;     ///< CSCHED2_CARRYOVER_MAX (= MIN_TIMER)
constexpr int64_t min_timer = 500'000;         ///< CSCHED2_MIN_TIMER (500 us)
constexpr int64_t max_timer = credit_init;     ///< CSCHED2_MAX_TIMER
constexpr uint64_t cap_period_ns = 10'000'000; ///< CSCHED2_BDGT_REPL_PERIOD (credit2_cap_period_ms=10)
constexpr uint32_t default_ratelimit_us = 1000; ///< sched_ratelimit_us's default
constexpr uint32_t ratelimit_min_us = 100;      ///< XEN_SYSCTL_SCHED_RATELIMIT_MIN
constexpr uint32_t ratelimit_max_us = 500000;   ///< XEN_SYSCTL_SCHED_RATELIMIT_MAX

/// v's credit (ns of run time at the runqueue's top weight), for tests:
/// read under v's scheduler lock, or with no pCPU running.
int64_t vcpu_credit(const Vcpu& v);

} // namespace cxen::credit2
