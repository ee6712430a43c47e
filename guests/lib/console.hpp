// The guest's console: line-buffered text out through one or more sinks.
//
//   io    HYPERVISOR_console_io(CONSOLEIO_write): Xen's own log. Real Xen
//         refuses it to a domU (-EPERM) unless built with VERBOSE_DEBUG.
//   ring  the PV console page (HVM_PARAM_CONSOLE_PFN/_EVTCHN,
//         public/io/console.h): what `xl console` shows for a PVH domU.
//   e9    port 0xE9 (XEN_HVM_DEBUGCONS_IOPORT): Xen logs it per domain at
//         guest debug level; QEMU shows it with -debugcon. Always available.
//
// Default (`auto`): io; if it returns -ENOSYS or -EPERM, the ring if the
// domain has one, else e9. Without Xen: e9. `console=io,ring,e9` (any
// subset) writes every line to each listed sink; a listed sink that turns
// out unusable is dropped, and e9 takes over if none is left.
//
// Until console_init() runs, output goes to e9.
#pragma once

#include <cstdarg>
#include <cstddef>

namespace cxen::guest {

enum ConsoleSink : unsigned {
    console_io = 1u << 0,
    console_ring = 1u << 1,
    console_e9 = 1u << 2,
};

/// Choose the sinks (a mask of ConsoleSink; 0 = auto) and probe them.
/// Needs xen() and the hypercall mode set.
void console_init(unsigned sinks);

/// Sinks in use now, e.g. "console_io" or "ring+e9".
const char* console_sinks_name();

void console_write(const char* s, size_t n);
void console_puts(const char* s);
int vprintf(const char* fmt, va_list ap);
int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// Terminate a partial line (used before reports, so that they start a line).
void console_end_line();
/// Push out a partial line and wait (bounded) until the ring backend has
/// consumed everything; call before shutting down.
void console_flush();

/// Bytes straight to port 0xE9, unbuffered: for fatal paths only.
void e9_write(const char* s);

} // namespace cxen::guest
