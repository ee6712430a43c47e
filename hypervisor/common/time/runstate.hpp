// vCPU runstate accounting and the guest's runstate area (public/vcpu.h:
// struct vcpu_runstate_info, RUNSTATE_*, XEN_RUNSTATE_UPDATE).
//
// Locking: v.runstate changes only on the pCPU that runs v (the scheduler
// at switch-in/out) or in v's own hypercalls, which run on that pCPU too;
// no lock is needed. The guest copy is written with Xen's protocol: when
// the domain enabled VMASST_TYPE_runstate_update_flag, the top byte of
// state_entry_time carries XEN_RUNSTATE_UPDATE while the area is rewritten,
// and it is always cleared again before returning.
#pragma once

#include <cstdint>

namespace cxen {

struct Vcpu;

/// Account the time since the last change to the old state and enter
/// `new_state` (RUNSTATE_*) at system time `now_ns`. Does not touch guest memory.
void runstate_change(Vcpu& v, int new_state, uint64_t now_ns);

/// Copy v.runstate to the guest area registered with
/// VCPUOP_register_runstate_memory_area (a guest-virtual address translated
/// through v's page tables, as Xen's update_runstate_area()). Returns false
/// if the area is registered but could not be written (Xen ignores that too).
bool runstate_update_guest(Vcpu& v);

/// Scheduler hooks: v is about to run on this pCPU / has stopped running
/// and is now runnable (`blocked` false) or blocked. Update the accounting,
/// the guest's runstate area and (on switch-in) its pvclock.
void sched_runstate_switch_in(Vcpu& v);
void sched_runstate_switch_out(Vcpu& v, bool blocked);

} // namespace cxen
