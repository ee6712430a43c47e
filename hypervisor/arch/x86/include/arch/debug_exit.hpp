// Verdicts written to QEMU's isa-debug-exit device (when the command line
// names its port with `qemu_debug_exit=`). QEMU exits with (value << 1) | 1;
// scripts/cxen-run maps these back (keep the two in step).
#pragma once

#include <cstdint>

namespace cxen::arch {

enum class Verdict : uint8_t {
    pass = 0x10,  ///< QEMU status 33: everything ran and passed
    fail = 0x11,  ///< QEMU status 35: a test or a domain failed
    panic = 0x12, ///< QEMU status 37: the hypervisor panicked
};

void set_debug_exit_port(uint16_t port);
/// Report the verdict and stop the machine; if no exit port is configured
/// (real hardware), halt this CPU forever.
[[noreturn]] void debug_exit(Verdict v);

} // namespace cxen::arch
