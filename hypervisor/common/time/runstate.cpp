// vCPU runstate accounting (see runstate.hpp for the protocol and locking).
#include "common/time/runstate.hpp"

#include <atomic>
#include <cstddef>

#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/time/pvclock.hpp"

namespace cxen {

static_assert(sizeof(vcpu_runstate_info) == 48);
static_assert(offsetof(vcpu_runstate_info, state_entry_time) == 8);

void runstate_change(Vcpu& v, int new_state, uint64_t now_ns) {
    Runstate& r = v.runstate;
    if (r.state >= 0 && r.state < 4 && now_ns > r.state_entry_time) r.time[r.state] += now_ns - r.state_entry_time;
    r.state = new_state;
    r.state_entry_time = now_ns;
}

bool runstate_update_guest(Vcpu& v) {
    if (!v.runstate_gva) return true;
    vcpu_runstate_info info{};
    info.state = v.runstate.state;
    info.state_entry_time = v.runstate.state_entry_time;
    for (unsigned i = 0; i < 4; ++i) info.time[i] = v.runstate.time[i];
    const bool flag = v.domain->vm_assist & (1ul << VMASST_TYPE_runstate_update_flag);
    // Xen's update_runstate_area(): the flag lives in the top byte of
    // state_entry_time, which is written alone before and after the rest.
    const uint64_t top_byte_gva = v.runstate_gva + offsetof(vcpu_runstate_info, state_entry_time) + 7;
    if (flag) {
        const uint8_t top = static_cast<uint8_t>((info.state_entry_time | XEN_RUNSTATE_UPDATE) >> 56);
        if (!arch::copy_to_guest(v, top_byte_gva, &top, 1)) return false;
        std::atomic_thread_fence(std::memory_order_release);
        info.state_entry_time |= XEN_RUNSTATE_UPDATE;
    }
    bool ok = static_cast<bool>(arch::copy_to_guest(v, v.runstate_gva, info));
    if (flag) {
        std::atomic_thread_fence(std::memory_order_release);
        const uint8_t top = static_cast<uint8_t>((info.state_entry_time & ~XEN_RUNSTATE_UPDATE) >> 56);
        // Even if the bulk write failed, never leave the flag set.
        ok = static_cast<bool>(arch::copy_to_guest(v, top_byte_gva, &top, 1)) && ok;
    }
    return ok;
}

void sched_runstate_switch_in(Vcpu& v) {
    runstate_change(v, RUNSTATE_running, arch::now_ns());
    (void)runstate_update_guest(v);
    // The pvclock is refreshed every time v is scheduled in: at least once a
    // scheduler slice (sched_slice_ns), and after any absence.
    vcpu_time_refresh(v);
}

void sched_runstate_switch_out(Vcpu& v, bool blocked) {
    runstate_change(v, blocked ? RUNSTATE_blocked : RUNSTATE_runnable, arch::now_ns());
    (void)runstate_update_guest(v);
}

} // namespace cxen
