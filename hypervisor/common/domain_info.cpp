// What XEN_DOMCTL_getdomaininfo and XEN_SYSCTL_getdomaininfolist say of a
// domain (see domain_info.hpp).
#include "common/domain_info.hpp"

#include "arch/p2m.hpp"
#include "arch/time.hpp"
#include "lib/base/string.hpp"

namespace cxen {

void getdomaininfo(const Domain& d, xen_domctl_getdomaininfo& info) {
    memset(&info, 0, sizeof(info));
    info.domain = d.domid;
    info.max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    uint32_t flags = XEN_DOMINF_blocked; // blocked only if every online vCPU is
    uint64_t cpu_time = 0;
    const uint64_t now = arch::now_ns();
    for (unsigned i = 0; i < d.max_vcpus; ++i) {
        const Vcpu* v = d.vcpus[i];
        if (!v) continue;
        cpu_time += v->runstate.time[RUNSTATE_running];
        if (v->runstate.state == RUNSTATE_running && now > v->runstate.state_entry_time)
            cpu_time += now - v->runstate.state_entry_time;
        info.max_vcpu_id = v->vcpu_id;
        if (v->down.load()) continue;
        const VcpuState st = v->state.load();
        if (st != VcpuState::blocked) flags &= ~XEN_DOMINF_blocked;
        if (st == VcpuState::running) flags |= XEN_DOMINF_running;
        ++info.nr_online_vcpus;
    }
    info.cpu_time = cpu_time;
    // `paused` is Xen's controller_pause_count (XEN_DOMCTL_pausedomain);
    // a shutdown's own pause does not count.
    info.flags = (info.nr_online_vcpus ? flags : 0) | (d.is_dead.load() ? XEN_DOMINF_dying : 0) |
                 (d.controller_pause_count.load() > 0 ? XEN_DOMINF_paused : 0) |
                 (d.is_shutdown.load() ? XEN_DOMINF_shutdown : 0) | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
                 d.shutdown_code.load() << XEN_DOMINF_shutdownshift; // whole, as Xen: ~0u (none yet) sets bits 16-31
    info.tot_pages = d.p2m.ram_pages();
    info.max_pages = d.max_pages;
    info.outstanding_pages = d.outstanding_pages.load(); // its claim (common/mm/claim.hpp)
    info.shared_info_frame = d.shared_info_gfn; // ~0 while unmapped, as Xen's M2P says
    memcpy(info.handle, d.handle, sizeof(info.handle));
    info.cpupool = 0;
    info.gpaddr_bits = 48; // the p2m's reach (arch::p2m_max_gfn)
    info.arch_config.emulation_flags = XEN_X86_EMU_LAPIC; // a PVH domU's
}

} // namespace cxen
