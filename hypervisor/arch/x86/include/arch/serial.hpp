// COM1 serial console set-up (Xen's `console=com1 com1=...`).
#pragma once

#include "common/console/com_options.hpp"

namespace cxen::arch {
/// Program the UART; until called, output goes to 0x3f8 as firmware left it.
void serial_init(const ComOptions& o);
/// `console=none`: drop console output.
void serial_disable();
} // namespace cxen::arch
