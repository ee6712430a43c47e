// The host as XEN_SYSCTL_physinfo, cputopoinfo and numainfo describe it
// (see host_info.hpp).
#include "common/host_info.hpp"

#include "arch/host_cpu.hpp"
#include "arch/time.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "lib/base/string.hpp"

namespace cxen {

unsigned host_nr_cpu_ids() {
    return arch::host_cpus_present();
}

void host_physinfo(xen_sysctl_physinfo& pi) {
    memset(&pi, 0, sizeof(pi));
    // Xen counts the siblings of pCPU 0 (cpu_sibling_mask: same core) and
    // its core mask (same socket), online pCPUs only.
    const unsigned n = arch::host_cpus_present();
    unsigned siblings = 0, same_socket = 0, online = 0;
    if (n) {
        const arch::HostCpu c0 = arch::host_cpu(0);
        for (unsigned c = 0; c < n; ++c) {
            const arch::HostCpu h = arch::host_cpu(c);
            if (!h.online) continue;
            ++online;
            if (h.socket != c0.socket) continue;
            ++same_socket;
            if (h.core == c0.core) ++siblings;
        }
    }
    pi.threads_per_core = siblings ? siblings : 1;
    pi.cores_per_socket = same_socket / pi.threads_per_core;
    pi.nr_cpus = online;
    pi.max_cpu_id = n ? n - 1 : 0;
    pi.nr_nodes = host_nr_nodes;
    pi.max_node_id = xen_max_numnodes - 1;
    pi.cpu_khz = static_cast<uint32_t>(arch::tsc_khz());
    pi.capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
                      XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_gnttab_v2;
    const PageAllocator& pa = page_allocator();
    pi.total_pages = pa.total_pages();
    pi.free_pages = pa.free_pages();
    pi.scrub_pages = 0;
    pi.outstanding_pages = pa.outstanding_pages(); // XENMEM_claim_pages (common/mm/claim.hpp)
    // Xen's get_upper_mfn_bound(): the highest mfn of the frame table.
    pi.max_mfn = pa.nr_frames() ? pa.nr_frames() - 1 : 0;
    arch::host_cpu_feature_words(pi.hw_cap);
}

xen_sysctl_cputopo host_cputopo(unsigned cpu) {
    xen_sysctl_cputopo t{XEN_INVALID_CORE_ID, XEN_INVALID_SOCKET_ID, XEN_INVALID_NODE_ID};
    if (cpu >= arch::host_cpus_present()) return t;
    const arch::HostCpu h = arch::host_cpu(cpu);
    t.core = h.core;
    t.socket = h.socket;
    t.node = 0;
    return t;
}

xen_sysctl_meminfo host_node_meminfo(unsigned node) {
    if (node != 0) return {XEN_INVALID_MEM_SZ, XEN_INVALID_MEM_SZ};
    const PageAllocator& pa = page_allocator();
    // Xen's node_spanned_pages(): the node's frames from its first to its
    // last, holes included; node 0 spans the whole frame table.
    return {pa.nr_frames() << page_shift, pa.free_pages() << page_shift};
}

uint32_t host_node_distance(unsigned from, unsigned to) {
    return from == 0 && to == 0 ? numa_local_distance : XEN_INVALID_NODE_DIST;
}

} // namespace cxen
