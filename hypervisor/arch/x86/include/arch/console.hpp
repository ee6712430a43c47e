// arch:: console output (the bytes of the hypervisor log, already
// formatted) and input (for the hardware domain, common/console/console_input).
#pragma once

#include <cstddef>

namespace cxen::arch {
/// Write len bytes to the console device (COM1 16550, when configured).
/// Caller holds the console lock. Never fails; drops output if no device.
void console_write(const char* s, size_t len);
/// One byte of console input, if the device has one waiting (polled).
[[nodiscard]] bool console_getc(char& c);
} // namespace cxen::arch
