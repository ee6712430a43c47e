// What the control interface reports about the host's pCPUs (Xen's
// cpu_data[], x86_cpu_to_apicid[], boot_cpu_data.x86_capability): the
// topology IDs of each pCPU, its APIC and ACPI IDs, and the boot CPU's
// feature words. Read by XEN_SYSCTL_physinfo / cputopoinfo and
// XENPF_get_cpuinfo (common/host_info.cpp).
#pragma once

#include <cstdint>

namespace cxen::arch {

/// One pCPU as Xen's cpu_data[] and the MADT describe it.
struct HostCpu {
    uint32_t apic_id; ///< its (x2)APIC ID
    uint32_t acpi_id; ///< its ACPI Processor UID (MADT)
    uint32_t core;    ///< Xen's cpu_to_core(): core ID within its socket
    uint32_t socket;  ///< Xen's cpu_to_socket(): package ID
    bool online;
};

/// pCPU indices 0 .. host_cpus_present()-1 exist (Xen's cpu_present_map):
/// cxen numbers only the pCPUs it started, so every present pCPU is online.
unsigned host_cpus_present();
/// pCPU `cpu` (< host_cpus_present()).
HostCpu host_cpu(unsigned cpu);
/// The boot CPU's first 8 feature words in Xen's order
/// (public/arch-x86/cpufeatureset.h: 1.edx, 1.ecx, e1d, e1c, Da1, 7b0,
/// 7c0, e7d), as physinfo's hw_cap.
void host_cpu_feature_words(uint32_t (&words)[8]);

} // namespace cxen::arch
