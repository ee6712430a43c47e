// The system CPU policies the control interface reports
// (XEN_SYSCTL_get_cpu_policy, XEN_SYSCTL_get_cpu_featureset), built once
// from the boot CPU (all pCPUs alike). cxen has no PV guests and levels
// nothing, so: raw = host (the CPU's own CPUID, limits clamped to what a
// policy holds); hvm_max = hvm_default = the CPUID cxen gives an HVM/PVH
// vCPU (hvm/cpuid.cpp), for vCPU 0 of a one-vCPU domain at reset.
#pragma once

#include "lib/x86/cpu_policy.hpp"

namespace cxen::arch {

enum class SystemPolicy { host, hvm_max };

/// The policy `which`; built on first use.
const cpu_policy::CpuPolicy& system_cpu_policy(SystemPolicy which);

} // namespace cxen::arch
