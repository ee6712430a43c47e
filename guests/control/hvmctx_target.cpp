// The domU side of the dom0 CPU-policy / HVM-context system case
// (tests/system/cases/dom0_hvmctx.py). It keeps running while dom0's probe
// (tests/dom0/hvmctx_probe.cpp) pauses it, reads its HVM context, loads
// bad records and its own context back, sets its params and unpauses it;
// it passes once it reads back, as Linux's xenbus and hvc_xen do, the
// STORE_PFN and CONSOLE_EVTCHN dom0 set: proof that it still runs after
// the context went back in (waits up to `hvmctx.wait_s=N` s, default 600).
// It then asks dom0 (a param it may set) to load libxenguest's vcpu_hvm
// state, [HEADER, MTRR, END] and [HEADER, CPU(0) at the PVH entry, END]:
// the kernel starts again at its entry and finds the marker.
// Then, dom0 being up for sure, what a domU gets when it tries the
// toolstack's calls itself: Xen's errors (XSM refuses sysctl, domctl and
// other domains' params; its own toolstack-only params are -EPERM,
// deprecated ones -EINVAL).
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include "guest.hpp"
#include "smp.hpp"

#include <xen/domctl.h>
#include <xen/hvm/params.h>
#include <xen/sysctl.h>

using namespace cxen::guest;

namespace {
/// What the probe sets (tests/dom0/hvmctx_probe.cpp: the same numbers).
constexpr uint64_t probe_store_pfn = 0xfeffc, probe_console_evtchn = 7;
/// HVM_PARAM_STORE_EVTCHN once the params were seen: "restart vCPU 0".
constexpr uint64_t restart_marker = 0x5a;

long get_param(domid_t domid, uint32_t index, uint64_t& value) {
    xen_hvm_param p{};
    p.domid = domid;
    p.index = index;
    const long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);
    value = p.value;
    return rc;
}
long set_param(domid_t domid, uint32_t index, uint64_t value) {
    xen_hvm_param p{};
    p.domid = domid;
    p.index = index;
    p.value = value;
    return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

/// This domain's ID (Xen's CPUID leaf 0x40000004 ECX, XEN_HVM_CPUID_DOMID_PRESENT).
domid_t self_domid() { return static_cast<domid_t>(x86::cpuid(0x40000004).ecx); }

unsigned wait_s() {
    unsigned s = 0;
    for (const char* c = option("hvmctx.wait_s"); c && *c >= '0' && *c <= '9'; ++c) s = s * 10 + unsigned(*c - '0');
    return s ? s : 600;
}
} // namespace

TEST_CASE("control.hvmctx_params_from_dom0_read_back_after_context_load") {
    SKIP_UNLESS_XEN();
    uint64_t store = 0, port = 0;
    CHECK(halt_until(
        [&] {
            return get_param(DOMID_SELF, HVM_PARAM_STORE_PFN, store) == 0 && store == probe_store_pfn &&
                   get_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, port) == 0 && port == probe_console_evtchn;
        },
        wait_s() * 1000));
    printf("store pfn %#lx, console port %lu\n", store, port);
    // Then libxenguest's vcpu_hvm on this running domain: the guest-settable
    // STORE_EVTCHN tells dom0 to load the PVH entry state into vCPU 0, which
    // restarts this kernel at its entry; the second run finds the marker.
    uint64_t mark = 0;
    CHECK_EQ(get_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, mark), 0);
    if (mark != restart_marker) {
        CHECK_EQ(set_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, restart_marker), 0);
        printf("waiting for dom0 to restart vCPU 0 at the entry\n");
        halt_until([] { return false; }, wait_s() * 1000);
        CHECK(!"dom0 did not restart vCPU 0");
    } else {
        printf("restarted at the PVH entry by dom0's sethvmcontext\n");
    }
}

TEST_CASE("control.hvmctx_domu_refused_the_toolstack_calls") {
    SKIP_UNLESS_XEN();
    // Toolstack-only params on itself: -EPERM; deprecated: -EINVAL.
    for (uint32_t index : {HVM_PARAM_STORE_PFN, HVM_PARAM_CONSOLE_PFN, HVM_PARAM_IDENT_PT, HVM_PARAM_TIMER_MODE,
                           HVM_PARAM_IOREQ_PFN, HVM_PARAM_PAGING_RING_PFN})
        CHECK_ERRNO(set_param(DOMID_SELF, index, 1), EPERM);
    uint64_t v = 0;
    CHECK_ERRNO(get_param(DOMID_SELF, HVM_PARAM_IDENT_PT, v), EPERM);
    CHECK_ERRNO(set_param(DOMID_SELF, HVM_PARAM_DM_DOMAIN, 0), EINVAL);
    CHECK_ERRNO(get_param(DOMID_SELF, HVM_PARAM_PAE_ENABLED, v), EINVAL);
    // Another domain's params, even those it may set in itself: -EPERM.
    CHECK_ERRNO(set_param(0, HVM_PARAM_STORE_EVTCHN, 1), EPERM);
    CHECK_ERRNO(get_param(0, HVM_PARAM_STORE_PFN, v), EPERM);
    // CPU policy and HVM context: XSM (-EPERM) on itself and on dom0.
    xen_sysctl s{};
    s.cmd = XEN_SYSCTL_get_cpu_policy;
    s.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    s.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_hvm_default;
    CHECK_ERRNO(hypercall1(__HYPERVISOR_sysctl, &s), EPERM);
    s.cmd = XEN_SYSCTL_get_cpu_featureset;
    CHECK_ERRNO(hypercall1(__HYPERVISOR_sysctl, &s), EPERM);
    for (uint32_t cmd : {XEN_DOMCTL_get_cpu_policy, XEN_DOMCTL_set_cpu_policy, XEN_DOMCTL_gethvmcontext,
                         XEN_DOMCTL_sethvmcontext, XEN_DOMCTL_gethvmcontext_partial})
        for (domid_t target : {domid_t{0}, self_domid()}) {
            xen_domctl d{};
            d.cmd = cmd;
            d.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
            d.domain = target;
            CHECK_ERRNO(hypercall1(__HYPERVISOR_domctl, &d), EPERM);
        }
}
