// The dummy XSM policy (Xen 4.17 xen/include/xsm/dummy.h): each hook is
// xsm_default_action() of its action. See xsm.hpp.
#include "common/xsm/xsm.hpp"

#include "abi/xen/domctl.hpp"
#include "abi/xen/xen.hpp"

namespace cxen {

Status xsm_default_action(XsmDefault action, const Domain& src, const Domain* target) {
    switch (action) {
    case XsmDefault::hook:
        return ok_status();
    case XsmDefault::target:
        if (&src == target) return ok_status();
        [[fallthrough]];
    case XsmDefault::xs_priv:
        // Xen's XSM_XS_PRIV label sits inside XSM_TARGET's `src == target`
        // block, after its return: XSM_TARGET never grants through it.
        if (action == XsmDefault::xs_priv && is_xenstore_domain(src)) return ok_status();
        [[fallthrough]];
    case XsmDefault::dm_priv:
        if (target && src.target == target) return ok_status();
        [[fallthrough]];
    case XsmDefault::priv:
        if (is_control_domain(src)) return ok_status();
        return Err(Errno::XEN_EPERM);
    }
    return Err(Errno::XEN_EPERM);
}

Status xsm_evtchn_unbound(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_evtchn_interdomain(XsmAction<XsmDefault::hook> a, const Domain& ld, const Domain& rd) {
    return xsm_default_action(a.value, ld, &rd);
}
Status xsm_evtchn_send(XsmAction<XsmDefault::hook> a, const Domain& ld) {
    return xsm_default_action(a.value, ld, nullptr);
}
Status xsm_evtchn_status(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_evtchn_reset(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}

Status xsm_grant_mapref(XsmAction<XsmDefault::hook> a, const Domain& ld, const Domain& rd) {
    return xsm_default_action(a.value, ld, &rd);
}
Status xsm_grant_unmapref(XsmAction<XsmDefault::hook> a, const Domain& ld, const Domain& rd) {
    return xsm_default_action(a.value, ld, &rd);
}
Status xsm_grant_copy(XsmAction<XsmDefault::hook> a, const Domain& src, const Domain& dest) {
    return xsm_default_action(a.value, src, &dest);
}
Status xsm_grant_setup(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_grant_query_size(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}

Status xsm_memory_adjust_reservation(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_memory_stat_reservation(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_claim_pages(XsmAction<XsmDefault::priv> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_domain_memory_map(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_pod_target(XsmAction<XsmDefault::priv> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_add_to_physmap(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}

Status xsm_remove_from_physmap(XsmAction<XsmDefault::target> a, const Domain& d1, const Domain& d2) {
    return xsm_default_action(a.value, d1, &d2);
}
Status xsm_map_gmfn_foreign(XsmAction<XsmDefault::target> a, const Domain& d, const Domain& t) {
    return xsm_default_action(a.value, d, &t);
}
Status xsm_domain_resource_map(XsmAction<XsmDefault::dm_priv> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}
Status xsm_hvm_param(XsmAction<XsmDefault::target> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}

Status xsm_schedop_shutdown(XsmAction<XsmDefault::dm_priv> a, const Domain& d1, const Domain& d2) {
    return xsm_default_action(a.value, d1, &d2);
}
Status xsm_sysctl(XsmAction<XsmDefault::priv> a, const Domain& cur) {
    return xsm_default_action(a.value, cur, nullptr);
}

Status xsm_platform_op(XsmAction<XsmDefault::priv> a, const Domain& cur, uint32_t) {
    return xsm_default_action(a.value, cur, nullptr);
}

Status xsm_xen_version(const Domain& cur, uint32_t cmd) {
    switch (cmd) {
    case XENVER_version:
    case XENVER_platform_parameters:
    case XENVER_get_features:
        return ok_status(); // no check at all
    case XENVER_extraversion:
    case XENVER_compile_info:
    case XENVER_capabilities:
    case XENVER_changeset:
    case XENVER_pagesize:
    case XENVER_guest_handle:
        return xsm_default_action(XsmDefault::hook, cur, nullptr);
    default:
        return xsm_default_action(XsmDefault::priv, cur, nullptr);
    }
}

Status xsm_domctl(const Domain& cur, const Domain* d, uint32_t cmd) {
    switch (cmd) {
    case XEN_DOMCTL_bind_pt_irq:
    case XEN_DOMCTL_getdomaininfo:
    case XEN_DOMCTL_get_device_group:
    case XEN_DOMCTL_iomem_permission:
    case XEN_DOMCTL_ioport_mapping:
    case XEN_DOMCTL_ioport_permission:
    case XEN_DOMCTL_irq_permission:
    case XEN_DOMCTL_memory_mapping:
    case XEN_DOMCTL_set_target:
    case XEN_DOMCTL_unbind_pt_irq:
        return Err(Errno::XEN_EILSEQ); // checked by their own hooks
    default:
        return xsm_default_action(XsmDefault::priv, cur, d);
    }
}

Status xsm_getdomaininfo(XsmAction<XsmDefault::xs_priv> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}

Status xsm_resource_permission(XsmAction<XsmDefault::priv> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}

Status xsm_resource_mapping(XsmAction<XsmDefault::dm_priv> a, const Domain& cur, const Domain& d) {
    return xsm_default_action(a.value, cur, &d);
}

} // namespace cxen
