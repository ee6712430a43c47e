// XSM hooks with Xen's dummy policy (xen/include/xsm/dummy.h and
// xen/include/xsm/xsm.h of Xen 4.17): every privilege check an op makes
// over a domain is one of these hooks, so a later policy (FLASK) replaces
// them in one place. Under the dummy policy each hook is one of four
// actions, evaluated by xsm_default_action():
//
//   XSM_HOOK     any domain may                                  (always 0)
//   XSM_TARGET   on itself, by its device model, by the control domain
//   XSM_DM_PRIV  by its device model (src->target), by the control domain
//   XSM_PRIV     by the control domain only
//   XSM_XS_PRIV  by the xenstore domain (none in cxen yet), the device
//                model of the domain, the control domain: not "self"
//
// Anything else is -EPERM. Neither side being dying matters here: a dying
// control domain keeps its privilege, a dying target is judged as a live
// one; the ops refuse a dying domain themselves where Xen does (a port
// allocation is -EINVAL, for instance). The hooks take the acting domain
// explicitly where Xen reads current->domain.
//
// Each hook takes its action as its first argument, as Xen's callers write
// it (xsm_evtchn_unbound(XSM_TARGET, ...)): a distinct type per action, so
// that a call site naming another action than the hook's does not compile
// (Xen's LINKER_BUG_ON does the same at link time).
#pragma once

#include "common/domain.hpp"
#include "lib/base/result.hpp"

namespace cxen {

/// Xen's enum xsm_default (xsm/xsm.h), the actions of the dummy policy.
/// XSM_OTHER (a hook with its own logic) has no value: such a hook says
/// what it does itself.
enum class XsmDefault : uint8_t { hook, dm_priv, target, priv, xs_priv };

template <XsmDefault A> struct XsmAction {
    static constexpr XsmDefault value = A;
};
inline constexpr XsmAction<XsmDefault::hook> XSM_HOOK{};
inline constexpr XsmAction<XsmDefault::dm_priv> XSM_DM_PRIV{};
inline constexpr XsmAction<XsmDefault::target> XSM_TARGET{};
inline constexpr XsmAction<XsmDefault::priv> XSM_PRIV{};
inline constexpr XsmAction<XsmDefault::xs_priv> XSM_XS_PRIV{};

/// Xen's is_control_domain(): d->is_privileged.
inline bool is_control_domain(const Domain& d) { return d.is_privileged; }
/// Xen's is_hardware_domain(): the domain that owns the hardware. cxen's
/// control domain is also its hardware domain, as Xen's dom0.
inline bool is_hardware_domain(const Domain& d) { return d.is_privileged; }
/// Xen's is_xenstore_domain() (XEN_DOMCTL_CDF_xs_domain): cxen creates no
/// xenstore stub domain yet, so none is.
inline bool is_xenstore_domain(const Domain&) { return false; }

/// Xen's xsm_default_action(): may `src` do an op of this action on
/// `target` (nullptr: the op names no domain)? 0 or -EPERM.
///   hook:     0.
///   target:   0 if src == target, else as dm_priv.
///   xs_priv:  0 if src is the xenstore domain, else as dm_priv.
///   dm_priv:  0 if target && src.target == target, else as priv.
///   priv:     0 if src is the control domain, else -EPERM.
[[nodiscard]] Status xsm_default_action(XsmDefault action, const Domain& src, const Domain* target);

// ---- event channels (xen/common/event_channel.c) ----

/// EVTCHNOP_alloc_unbound in `d` by `cur` (Xen: xsm_evtchn_unbound,
/// XSM_TARGET, current->domain over d); checked after a port was found.
[[nodiscard]] Status xsm_evtchn_unbound(XsmAction<XsmDefault::target>, const Domain& cur, const Domain& d);
/// EVTCHNOP_bind_interdomain of ld's new port to rd's unbound one (Xen:
/// xsm_evtchn_interdomain, XSM_HOOK, ld over rd). The binding itself is
/// what rd allowed when it named ld in alloc_unbound.
[[nodiscard]] Status xsm_evtchn_interdomain(XsmAction<XsmDefault::hook>, const Domain& ld, const Domain& rd);
/// EVTCHNOP_send on a port of ld (Xen: xsm_evtchn_send, XSM_HOOK, ld).
[[nodiscard]] Status xsm_evtchn_send(XsmAction<XsmDefault::hook>, const Domain& ld);
/// EVTCHNOP_status of a port of `d` (Xen: xsm_evtchn_status, XSM_TARGET,
/// current->domain over d); checked after the port number is validated.
[[nodiscard]] Status xsm_evtchn_status(XsmAction<XsmDefault::target>, const Domain& cur, const Domain& d);
/// EVTCHNOP_reset of `d` (Xen: xsm_evtchn_reset, XSM_TARGET).
[[nodiscard]] Status xsm_evtchn_reset(XsmAction<XsmDefault::target>, const Domain& cur, const Domain& d);

// ---- grant tables (xen/common/grant_table.c) ----

/// GNTTABOP_map_grant_ref by ld of rd's grant (Xen: xsm_grant_mapref,
/// XSM_HOOK): the grant entry is the permission.
[[nodiscard]] Status xsm_grant_mapref(XsmAction<XsmDefault::hook>, const Domain& ld, const Domain& rd);
/// GNTTABOP_unmap_grant_ref (Xen: xsm_grant_unmapref, XSM_HOOK).
[[nodiscard]] Status xsm_grant_unmapref(XsmAction<XsmDefault::hook>, const Domain& ld, const Domain& rd);
/// GNTTABOP_copy between two domains (Xen: xsm_grant_copy, XSM_HOOK).
[[nodiscard]] Status xsm_grant_copy(XsmAction<XsmDefault::hook>, const Domain& src, const Domain& dest);
/// GNTTABOP_setup_table and GNTTABOP_get_status_frames of d's table (Xen:
/// xsm_grant_setup, XSM_TARGET, current->domain over d).
[[nodiscard]] Status xsm_grant_setup(XsmAction<XsmDefault::target>, const Domain& cur, const Domain& d);
/// GNTTABOP_query_size and GNTTABOP_get_version of d's table (Xen:
/// xsm_grant_query_size, XSM_TARGET, current->domain over d).
[[nodiscard]] Status xsm_grant_query_size(XsmAction<XsmDefault::target>, const Domain& cur, const Domain& d);

// ---- memory (xen/common/memory.c) ----

/// XENMEM_populate_physmap / increase_reservation / decrease_reservation
/// in d (Xen: xsm_memory_adjust_reservation, XSM_TARGET).
[[nodiscard]] Status xsm_memory_adjust_reservation(XsmAction<XsmDefault::target>, const Domain& cur,
                                                   const Domain& d);
/// XENMEM_current_reservation / maximum_reservation / maximum_gpfn of d
/// (Xen: xsm_memory_stat_reservation, XSM_TARGET).
[[nodiscard]] Status xsm_memory_stat_reservation(XsmAction<XsmDefault::target>, const Domain& cur,
                                                 const Domain& d);
/// XENMEM_claim_pages for d (Xen: xsm_claim_pages, XSM_PRIV).
[[nodiscard]] Status xsm_claim_pages(XsmAction<XsmDefault::priv>, const Domain& cur, const Domain& d);
/// XENMEM_set_memory_map of d (Xen: xsm_domain_memory_map, XSM_TARGET).
[[nodiscard]] Status xsm_domain_memory_map(XsmAction<XsmDefault::target>, const Domain& cur, const Domain& d);
/// XENMEM_set_pod_target / get_pod_target of d (Xen: xsm_set_pod_target,
/// xsm_get_pod_target, XSM_PRIV).
[[nodiscard]] Status xsm_pod_target(XsmAction<XsmDefault::priv>, const Domain& cur, const Domain& d);
/// XENMEM_add_to_physmap into d (Xen: xsm_add_to_physmap, XSM_TARGET,
/// called by xatp_permission_check()).
[[nodiscard]] Status xsm_add_to_physmap(XsmAction<XsmDefault::target>, const Domain& cur, const Domain& d);

/// XENMEM_remove_from_physmap in d2 by d1 (Xen: xsm_remove_from_physmap,
/// XSM_TARGET).
[[nodiscard]] Status xsm_remove_from_physmap(XsmAction<XsmDefault::target>, const Domain& d1, const Domain& d2);
/// A foreign mapping of t's frames into d (Xen: xsm_map_gmfn_foreign,
/// XSM_TARGET, d over t: d is the domain mapped into, not the caller).
[[nodiscard]] Status xsm_map_gmfn_foreign(XsmAction<XsmDefault::target>, const Domain& d, const Domain& t);
/// XENMEM_acquire_resource of d's resources by `cur` (Xen:
/// xsm_domain_resource_map, XSM_DM_PRIV, current->domain over d).
[[nodiscard]] Status xsm_domain_resource_map(XsmAction<XsmDefault::dm_priv>, const Domain& cur, const Domain& d);

// ---- HVM (xen/arch/x86/hvm/hvm.c) ----

/// HVMOP_set_param / HVMOP_get_param of d (Xen: xsm_hvm_param, XSM_TARGET,
/// current->domain over d); which parameters a domain may touch in itself
/// is the op's own list (hvm_allow_set_param / hvm_allow_get_param).
[[nodiscard]] Status xsm_hvm_param(XsmAction<XsmDefault::target>, const Domain& cur, const Domain& d);

// ---- scheduling, system (xen/common/sched/core.c, xen/common/sysctl.c) ----

/// SCHEDOP_remote_shutdown of d2 by d1 (Xen: xsm_schedop_shutdown,
/// XSM_DM_PRIV): not even of itself, unless privileged over itself.
[[nodiscard]] Status xsm_schedop_shutdown(XsmAction<XsmDefault::dm_priv>, const Domain& d1, const Domain& d2);
/// Any sysctl (Xen: xsm_sysctl, XSM_PRIV, current->domain, no target).
[[nodiscard]] Status xsm_sysctl(XsmAction<XsmDefault::priv>, const Domain& cur);

/// Any platform_op (Xen: xsm_platform_op, XSM_PRIV, current->domain).
[[nodiscard]] Status xsm_platform_op(XsmAction<XsmDefault::priv>, const Domain& cur, uint32_t cmd);
/// xen_version sub-op `cmd` by `cur` (Xen: xsm_xen_version, XSM_OTHER):
/// version, platform_parameters, get_features for anyone; extraversion,
/// compile_info, capabilities, changeset, pagesize, guest_handle for any
/// guest (XSM_HOOK); commandline, build_id and unknown sub-ops XSM_PRIV.
/// -EPERM means the sub-op answers as Xen's "deny" path.
[[nodiscard]] Status xsm_xen_version(const Domain& cur, uint32_t cmd);

// ---- domctl (xen/common/domctl.c, xen/arch/x86/domctl.c) ----
/// The domctls without a hook of their own, over d (nullptr for
/// createdomain) (Xen: xsm_domctl, XSM_OTHER): XSM_PRIV. The sub-ops that
/// do their own check first (getdomaininfo, iomem/irq/ioport permission
/// and mapping, set_target, bind/unbind_pt_irq, get_device_group) never
/// come here: -EILSEQ, as Xen's ASSERT_UNREACHABLE path.
[[nodiscard]] Status xsm_domctl(const Domain& cur, const Domain* d, uint32_t cmd);
/// XEN_DOMCTL_getdomaininfo of d (Xen: xsm_getdomaininfo, XSM_XS_PRIV).
[[nodiscard]] Status xsm_getdomaininfo(XsmAction<XsmDefault::xs_priv>, const Domain& cur, const Domain& d);
/// XEN_DOMCTL_iomem_permission, XEN_DOMCTL_irq_permission,
/// XEN_DOMCTL_ioport_permission and XEN_DOMCTL_set_target over d (Xen:
/// xsm_iomem_permission, xsm_irq_permission, xsm_ioport_permission,
/// xsm_set_target: XSM_PRIV).
[[nodiscard]] Status xsm_resource_permission(XsmAction<XsmDefault::priv>, const Domain& cur, const Domain& d);
/// XEN_DOMCTL_memory_mapping, XEN_DOMCTL_ioport_mapping and
/// XEN_DOMCTL_(un)bind_pt_irq into d (Xen: xsm_iomem_mapping,
/// xsm_ioport_mapping, xsm_(un)bind_pt_irq: XSM_DM_PRIV).
[[nodiscard]] Status xsm_resource_mapping(XsmAction<XsmDefault::dm_priv>, const Domain& cur, const Domain& d);

} // namespace cxen
