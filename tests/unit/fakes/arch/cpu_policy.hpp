// Host fake of arch/cpu_policy.hpp: fixed synthetic system policies
// (fake_cpu_policy.cpp), which the tests may change through
// fake_system_policy().
#pragma once

#include "lib/x86/cpu_policy.hpp"

namespace cxen::arch {
enum class SystemPolicy { host, hvm_max };
const cpu_policy::CpuPolicy& system_cpu_policy(SystemPolicy which);
/// The fake's storage, to adjust in a test (reset by fake_reset_system_policies()).
cpu_policy::CpuPolicy& fake_system_policy(SystemPolicy which);
/// Back to the synthetic AMD-like host: max leaf 0xd, leaf 7 subleaf 0,
/// extended leaves to 0x80000008; hvm_max the same without SVM.
void fake_reset_system_policies();
} // namespace cxen::arch
