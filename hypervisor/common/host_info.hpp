// What the control interface says about the host as a whole (Xen 4.17's
// XEN_SYSCTL_physinfo, cputopoinfo and numainfo, xen/common/sysctl.c and
// arch_do_physinfo() in xen/arch/x86/sysctl.c), from the hypervisor's own
// data: the pCPUs (arch/host_cpu.hpp), the page allocator, the TSC rate.
// cxen has one NUMA node, node 0, holding every pCPU and all memory.
#pragma once

#include <cstdint>

#include "abi/xen/sysctl.hpp"

namespace cxen {

/// Xen's MAX_NUMNODES on x86 (1 << NODES_SHIFT, 6): physinfo's max_node_id
/// is MAX_NUMNODES - 1 whatever the host has, as Xen reports it.
constexpr uint32_t xen_max_numnodes = 64;
/// Online NUMA nodes (Xen's num_online_nodes()): one.
constexpr uint32_t host_nr_nodes = 1;
/// Xen's node_distance() of a node to itself (the ACPI SLIT's local value).
constexpr uint32_t numa_local_distance = 10;

/// Xen's nr_cpu_ids: pCPU numbers are below this; cpumaps in xenctl_bitmap
/// form have this many bits (physinfo's max_cpu_id + 1).
unsigned host_nr_cpu_ids();

/// XEN_SYSCTL_physinfo: the whole struct, zeroed first. Capabilities are
/// hvm, hap, gnttab_v1 and gnttab_v2 only (no pv, shadow, directio,
/// vmtrace, vpmu: libxl would try to use them).
void host_physinfo(xen_sysctl_physinfo& pi);
/// One entry of XEN_SYSCTL_cputopoinfo: core, socket, node of pCPU `cpu`,
/// or the XEN_INVALID_*_ID triple for a pCPU number that is not present.
xen_sysctl_cputopo host_cputopo(unsigned cpu);
/// One entry of XEN_SYSCTL_numainfo's meminfo: node 0's spanned and free
/// bytes; XEN_INVALID_MEM_SZ for both for any other node.
xen_sysctl_meminfo host_node_meminfo(unsigned node);
/// XEN_SYSCTL_numainfo's distance between two nodes: 10 from node 0 to
/// itself; cxen has no other node (XEN_INVALID_NODE_DIST).
uint32_t host_node_distance(unsigned from, unsigned to);

} // namespace cxen
