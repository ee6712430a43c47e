// Host fake of the checked guest-memory path. The interface is the
// hypervisor's own header, included by path so that the two cannot drift;
// the fake (fake_arch.cpp) backs it with one byte array, fake_guest_memory():
// guest-virtual and guest-physical addresses index it, anything outside it
// is -EFAULT.
#pragma once

#include <cstdint>
#include <vector>

#include "../../../../hypervisor/arch/x86/include/arch/guest_access.hpp"

namespace cxen::arch {
/// The fake guest's memory; tests size and fill it.
std::vector<uint8_t>& fake_guest_memory();
} // namespace cxen::arch
