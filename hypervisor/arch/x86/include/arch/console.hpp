// arch:: console output: the bytes of the hypervisor log, already formatted.
#pragma once

#include <cstddef>

namespace cxen::arch {
/// Write len bytes to the console device (COM1 16550, when configured).
/// Caller holds the console lock. Never fails; drops output if no device.
void console_write(const char* s, size_t len);
} // namespace cxen::arch
