// vm_assist (public/xen.h VMASST_*) for HVM/PVH guests, as Xen 4.17's
// do_vm_assist() (xen/common/kernel.c) with HVM_VM_ASSIST_MASK: only
// VMASST_TYPE_runstate_update_flag, which makes runstate updates set
// XEN_RUNSTATE_UPDATE (common/time/runstate.cpp).
//
// set_timer_op (public/xen.h): VCPUOP_set_singleshot_timer's older form,
// kept by Linux as the fallback when VCPUOP_stop_periodic_timer fails.
//
// Locking: Domain::vm_assist bits are changed with atomic operations.
#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/time/vcpu_timer.hpp"

namespace cxen {

long do_vm_assist(Vcpu& cur, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0], type = args.a[1];
    constexpr unsigned long valid = 1ul << VMASST_TYPE_runstate_update_flag; // HVM_VM_ASSIST_MASK
    if (type >= 64 || !((valid >> type) & 1)) return -static_cast<long>(Errno::XEN_EINVAL);
    switch (cmd) {
    case VMASST_CMD_enable:
        __atomic_fetch_or(&cur.domain->vm_assist, 1ul << type, __ATOMIC_SEQ_CST);
        return 0;
    case VMASST_CMD_disable:
        __atomic_fetch_and(&cur.domain->vm_assist, ~(1ul << type), __ATOMIC_SEQ_CST);
        return 0;
    default:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    }
}

long do_set_timer_op(Vcpu& cur, const HypercallArgs& args) {
    // Xen's do_set_timer_op(): 0 stops the timer; an absolute deadline
    // otherwise (Xen also clamps far-past deadlines of buggy Linux 2.6; a past
    // deadline simply fires at once here).
    const uint64_t timeout = args.a[0];
    if (timeout == 0) {
        vcpu_singleshot_stop(cur);
        return 0;
    }
    const Status st = vcpu_singleshot_set(cur, timeout);
    return st ? 0 : -static_cast<long>(st.error());
}

} // namespace cxen
