// The arch side of panic: stop the other CPUs, print, report the verdict.
#pragma once

namespace cxen::arch {
/// Become the one panicking CPU: disable interrupts, NMI every other CPU
/// into a halt loop, and take the console whatever state it was left in.
/// A second CPU that panics concurrently halts here instead of returning.
void panic_begin();
/// Print the panic banner with the message and stop (debug exit or halt).
[[noreturn]] void panic_end(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
bool panic_in_progress();
} // namespace cxen::arch
