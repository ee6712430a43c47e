// Ending a guest test kernel.
//
// With Xen: SCHEDOP_shutdown, reason SHUTDOWN_poweroff when the run passed;
// when it failed, SHUTDOWN_poweroff too (the verdict is the `Test result:`
// line), or SHUTDOWN_crash with `on_fail=crash`; SHUTDOWN_crash when the
// framework itself broke (Verdict::crash).
// Without Xen (plain QEMU): the verdict byte to isa-debug-exit at port 0xf4,
// using the values of the hypervisor's own verdicts (arch/debug_exit.hpp),
// so QEMU exits with 33 pass, 35 fail, 37 crash. Then HLT forever.
#pragma once

#include <cstdint>

namespace cxen::guest {

enum class Verdict : uint8_t {
    pass = 0x10,
    fail = 0x11,
    crash = 0x12,
};

constexpr uint16_t debug_exit_port = 0xf4;

/// Flush the console, then stop as described above.
[[noreturn]] void shutdown(Verdict v);
/// The same without touching the console (for fatal paths).
[[noreturn]] void shutdown_raw(Verdict v);

} // namespace cxen::guest
