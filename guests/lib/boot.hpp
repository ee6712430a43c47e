// What the guest knows about its own boot: the PVH start_info, where the
// image sits, and which kernel this is.
#pragma once

#include <cstdint>

#include "xen.hpp"

namespace cxen::guest {

/// The hvm_start_info at EBX on entry. Its magic may be wrong (guest_main
/// then reports a FAIL and ignores the command line); tests check it.
const hvm_start_info& pvh_start_info();
/// The command line string, "" when there is none (or start_info is bad).
const char* start_cmdline();

/// [start, end) of the loaded image, bss included (linker.ld).
uint64_t image_start();
uint64_t image_end();

/// NAME of cxen_guest(NAME ...) in guests/CMakeLists.txt ("hello").
const char* guest_name();

/// A canonical address that the boot page tables leave unmapped (1 TiB):
/// touching it faults, and so must a hypercall given it as a buffer.
constexpr uint64_t unmapped_address = uint64_t{1} << 40;
template <typename T = void> T* unmapped_pointer() { return reinterpret_cast<T*>(unmapped_address); }

} // namespace cxen::guest
