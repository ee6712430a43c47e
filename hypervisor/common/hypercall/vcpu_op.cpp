// vcpu_op (public/vcpu.h), as Xen 4.17's do_vcpu_op() (xen/common/domain.c)
// behind the HVM whitelist of hvm_vcpu_op() (xen/arch/x86/hvm/hypercall.c):
// sub-ops outside it are -ENOSYS, then a vcpuid without a vCPU is -ENOENT.
//
// Locking: a vCPU's vcpu_info pointer, runstate area and timers change only
// in hypercalls of the domain's own vCPUs; register_vcpu_info on another
// vCPU is allowed only while that vCPU is down (as Xen), so nothing runs
// it concurrently.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "arch/time.hpp"
#include "arch/vcpu.hpp"
#include "common/hypercall/hypercall.hpp"
#include "lib/base/string.hpp"
#include "common/time/pvclock.hpp"
#include "common/time/runstate.hpp"
#include "common/time/vcpu_timer.hpp"

namespace cxen {

namespace {
constexpr uint64_t ms_ns = 1'000'000;
// STIME_DELTA_MAX (xen/include/xen/time.h): the longest period Xen accepts.
constexpr uint64_t stime_delta_max = 1ull << 62;

// map_vcpu_info() of Xen 4.17: every refusal is -EINVAL.
long register_vcpu_info(Vcpu& cur, Vcpu& v, const vcpu_register_vcpu_info& info) {
    if (info.offset > page_size - sizeof(::vcpu_info)) return err(Errno::XEN_EINVAL);
    if (info.offset & (alignof(::vcpu_info) - 1)) return err(Errno::XEN_EINVAL);
    if (v.vcpu_info_registered) return err(Errno::XEN_EINVAL);
    if (&v != &cur && arch::vcpu_is_up(v)) return err(Errno::XEN_EINVAL); // others only while down
    // Referenced until the vCPU is destroyed (Xen's get_page_from_gfn() in
    // map_vcpu_info()): the guest may remove or displace the gfn, the frame
    // the hypervisor writes stays allocated.
    auto page = arch::map_guest_ram_frame(*v.domain, info.mfn);
    if (!page) return err(Errno::XEN_EINVAL);
    auto* new_info = reinterpret_cast<::vcpu_info*>(static_cast<uint8_t*>(page.value()) + info.offset);
    if (v.vcpu_info) memcpy(new_info, v.vcpu_info, sizeof(*new_info));
    else memset(new_info, 0, sizeof(*new_info));
    v.vcpu_info = new_info;
    v.vcpu_info_registered = true;
    // Mark everything pending so that nothing raised meanwhile is lost; the
    // guest copes with a spurious upcall (Xen does the same).
    __atomic_store_n(&new_info->evtchn_pending_sel, ~0ul, __ATOMIC_RELEASE);
    if (!__atomic_exchange_n(&new_info->evtchn_upcall_pending, 1, __ATOMIC_ACQ_REL)) arch::vcpu_pend_upcall(v);
    vcpu_time_refresh(v); // force_update_vcpu_system_time()
    return 0;
}

long vcpu_op(Vcpu& cur, int cmd, Vcpu& v, uint64_t arg) {
    switch (cmd) {
    case VCPUOP_initialise: { // struct vcpu_hvm_context (arch: VMCB state)
        const Status st = arch::vcpu_initialise(cur, v, arg);
        return st ? 0 : err(st.error());
    }
    case VCPUOP_up: {
        const Status st = arch::vcpu_up(v);
        return st ? 0 : err(st.error());
    }
    case VCPUOP_down: {
        const Status st = arch::vcpu_down(cur, v);
        return st ? 0 : err(st.error());
    }
    case VCPUOP_is_up:
        return arch::vcpu_is_up(v) ? 1 : 0;
    case VCPUOP_get_runstate_info: {
        vcpu_runstate_info info{};
        info.state = v.runstate.state;
        info.state_entry_time = v.runstate.state_entry_time;
        for (unsigned i = 0; i < 4; ++i) info.time[i] = v.runstate.time[i];
        if (v.runstate.state == RUNSTATE_running) { // Xen's vcpu_runstate_get(): count up to now
            const uint64_t now = arch::now_ns();
            if (now > info.state_entry_time) info.time[RUNSTATE_running] += now - info.state_entry_time;
        }
        return arch::copy_to_guest(cur, arg, info) ? 0 : err(Errno::XEN_EFAULT);
    }
    case VCPUOP_set_periodic_timer: {
        vcpu_set_periodic_timer set;
        if (!arch::copy_from_guest(cur, arg, set)) return err(Errno::XEN_EFAULT);
        if (set.period_ns < ms_ns || set.period_ns > stime_delta_max) return err(Errno::XEN_EINVAL);
        const Status st = vcpu_periodic_set(v, set.period_ns);
        return st ? 0 : err(st.error());
    }
    case VCPUOP_stop_periodic_timer:
        (void)vcpu_periodic_set(v, 0); // stopping cannot fail
        return 0;
    case VCPUOP_set_singleshot_timer: {
        if (&v != &cur) return err(Errno::XEN_EINVAL);
        vcpu_set_singleshot_timer set;
        if (!arch::copy_from_guest(cur, arg, set)) return err(Errno::XEN_EFAULT);
        if ((set.flags & VCPU_SSHOTTMR_future) && set.timeout_abs_ns < arch::now_ns()) return err(Errno::XEN_ETIME);
        const Status st = vcpu_singleshot_set(v, set.timeout_abs_ns);
        return st ? 0 : err(st.error());
    }
    case VCPUOP_stop_singleshot_timer:
        if (&v != &cur) return err(Errno::XEN_EINVAL);
        vcpu_singleshot_stop(v);
        return 0;
    case VCPUOP_register_vcpu_info: {
        vcpu_register_vcpu_info info;
        if (!arch::copy_from_guest(cur, arg, info)) return err(Errno::XEN_EFAULT);
        return register_vcpu_info(cur, v, info);
    }
    case VCPUOP_register_runstate_memory_area: {
        vcpu_register_runstate_memory_area area;
        if (!arch::copy_from_guest(cur, arg, area)) return err(Errno::XEN_EFAULT);
        // For HVM Xen accepts any address (guest_handle_okay() is true for
        // translated guests) and ignores failed writes; 0 unregisters.
        v.runstate_gva = reinterpret_cast<uint64_t>(area.addr.h.p);
        if (v.runstate_gva) {
            vcpu_runstate_info info{};
            info.state = v.runstate.state;
            info.state_entry_time = v.runstate.state_entry_time;
            for (unsigned i = 0; i < 4; ++i) info.time[i] = v.runstate.time[i];
            (void)arch::copy_to_guest(cur, v.runstate_gva, info); // through the caller's tables, as Xen
        }
        return 0;
    }
    case VCPUOP_register_vcpu_time_memory_area:
        // TODO(#3): secondary vcpu_time_info copies (vDSO); Linux asks only
        // with XEN_PVCLOCK_TSC_STABLE_BIT, which cxen does not set.
        return err(Errno::XEN_ENOSYS);
    default:
        return err(Errno::XEN_ENOSYS);
    }
}
} // namespace

long do_vcpu_op(Vcpu& cur, const HypercallArgs& args) {
    const int cmd = static_cast<int>(args.a[0]);
    const uint64_t vcpuid = static_cast<uint32_t>(args.a[1]);
    switch (cmd) { // hvm_vcpu_op()'s whitelist
    case VCPUOP_register_runstate_memory_area: case VCPUOP_get_runstate_info:
    case VCPUOP_set_periodic_timer: case VCPUOP_stop_periodic_timer:
    case VCPUOP_set_singleshot_timer: case VCPUOP_stop_singleshot_timer:
    case VCPUOP_register_vcpu_info: case VCPUOP_register_vcpu_time_memory_area:
    case VCPUOP_initialise: case VCPUOP_up: case VCPUOP_down: case VCPUOP_is_up:
        break;
    default:
        return err(Errno::XEN_ENOSYS);
    }
    Domain& d = *cur.domain;
    if (vcpuid >= d.max_vcpus || !d.vcpus[vcpuid]) return err(Errno::XEN_ENOENT);
    return vcpu_op(cur, cmd, *d.vcpus[vcpuid], args.a[2]);
}

} // namespace cxen
