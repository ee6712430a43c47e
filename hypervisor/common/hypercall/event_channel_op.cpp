// event_channel_op (public/event_channel.h): the thin shell around the
// EVTCHNOP_* cores in common/event/evtchn.cpp, as Xen's do_event_channel_op():
// copy the op struct in once, run the core, copy the struct back when the
// op has results and succeeded (a failed copy-out is -EFAULT and, as in
// Xen, the port stays allocated).
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/event/evtchn.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

namespace {

constexpr long efault = -static_cast<long>(Errno::XEN_EFAULT);
/// Xen's internal continuation of EVTCHNOP_reset (public/event_channel.h,
/// only under __XEN__); a guest can still issue it.
constexpr uint64_t evtchnop_reset_cont = 14;

/// Copy T in, run core(T&), copy T out if `out` and the core succeeded.
template <typename T, typename Core> long with_op(Vcpu& v, uint64_t arg, bool out, Core core) {
    T op;
    if (!arch::copy_from_guest(v, arg, op)) return efault;
    const Status st = core(op);
    if (!st) return st.rc();
    if (out && !arch::copy_to_guest(v, arg, op)) return efault;
    return 0;
}

} // namespace

long do_event_channel_op(Vcpu& v, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0], arg = args.a[1];
    Domain& d = *v.domain;
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        return with_op<evtchn_alloc_unbound_t>(
            v, arg, true, [&](auto& op) { return evtchn_alloc_unbound(d, op); });
    case EVTCHNOP_bind_interdomain:
        return with_op<evtchn_bind_interdomain_t>(
            v, arg, true, [&](auto& op) { return evtchn_bind_interdomain(d, op); });
    case EVTCHNOP_bind_virq:
        return with_op<evtchn_bind_virq_t>(v, arg, true,
                                           [&](auto& op) { return evtchn_bind_virq(d, op); });
    case EVTCHNOP_bind_ipi:
        return with_op<evtchn_bind_ipi_t>(v, arg, true,
                                          [&](auto& op) { return evtchn_bind_ipi(d, op); });
    case EVTCHNOP_close:
        return with_op<evtchn_close_t>(v, arg, false,
                                       [&](auto& op) { return evtchn_close(d, op.port, true); });
    case EVTCHNOP_send:
        return with_op<evtchn_send_t>(v, arg, false,
                                      [&](auto& op) { return evtchn_send(d, op.port); });
    case EVTCHNOP_status:
        return with_op<evtchn_status_t>(v, arg, true,
                                        [&](auto& op) { return evtchn_status(d, op); });
    case EVTCHNOP_bind_vcpu:
        return with_op<evtchn_bind_vcpu_t>(
            v, arg, false, [&](auto& op) { return evtchn_bind_vcpu(d, op.port, op.vcpu); });
    case EVTCHNOP_unmask:
        return with_op<evtchn_unmask_t>(v, arg, false,
                                        [&](auto& op) { return evtchn_unmask(d, op.port); });
    case EVTCHNOP_reset:
    case evtchnop_reset_cont: {
        // A preempted reset continues as EVTCHNOP_reset_cont with the same
        // argument; reset_cont with no reset in progress is -EBUSY, as Xen.
        bool preempted = false;
        const long rc = with_op<evtchn_reset_t>(v, arg, false, [&](auto& op) {
            return evtchn_reset(d, op.dom, cmd == evtchnop_reset_cont, &preempted);
        });
        if (rc == 0 && preempted) hypercall_create_continuation(v, 2, {{evtchnop_reset_cont, arg, 0, 0, 0}});
        return rc;
    }
    case EVTCHNOP_bind_pirq:
        // A PVH domU has no PIRQs (nr_pirqs = 0): Xen's range check fails.
        return with_op<evtchn_bind_pirq_t>(v, arg, false,
                                           [](auto&) { return Status(Err(Errno::XEN_EINVAL)); });
    case EVTCHNOP_init_control: // link_bits is the only result
        return with_op<evtchn_init_control_t>(v, arg, true,
                                              [&](auto& op) { return evtchn_init_control(d, op); });
    case EVTCHNOP_expand_array:
        return with_op<evtchn_expand_array_t>(v, arg, false,
                                              [&](auto& op) { return evtchn_expand_array(d, op); });
    case EVTCHNOP_set_priority:
        return with_op<evtchn_set_priority_t>(v, arg, false,
                                              [&](auto& op) { return evtchn_set_priority(d, op); });
    default:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
