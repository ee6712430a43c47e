// The hypervisor log: printf-style messages with Xen's log levels, each line
// prefixed "(XEN) " as Xen does, so that tools and people that read Xen logs
// read ours. Output goes to arch::console_write (the serial line) under the
// console lock, so lines from different CPUs do not interleave.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {

/// Xen's levels (xen/include/xen/lib.h XENLOG_*): lower is more severe.
enum class LogLevel : uint8_t { error = 1, warning = 2, info = 3, debug = 4 };

/// Messages at or below `threshold` are printed (Xen's `loglvl=`).
void set_log_threshold(LogLevel threshold);
/// Prefix every console line (hypervisor and guest) with the time since
/// boot, "[sssss.uuuuuu] ", as Xen's console_timestamps=boot. Only turn on
/// once arch::now_ns() is calibrated.
void set_console_timestamps(bool on);
LogLevel log_threshold();

/// Parse a Xen `loglvl=` value: none, error, warning, info, debug or all
/// (an optional "/<guest level>" suffix is accepted and ignored).
/// Returns false for anything else.
bool parse_log_level(const char* s, LogLevel& out, bool& none);

void printk(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void log(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
/// Print a "(XEN) " message whatever the log threshold: for messages that
/// passed their own filter (guest_log.hpp's guest_loglvl).
void vprintk_unfiltered(const char* fmt, va_list ap);

/// Write console bytes with `prefix` at the start of each line, e.g. a
/// domain's "(d1) " as Xen's guest_console_write does. Callers pass whole
/// lines (they buffer partial lines per domain) so that sources do not mix.
/// The hardware domain's console output, as Xen's guest_console_write()
/// gives it: straight to the device, unprefixed and unbuffered (it may be
/// an interactive shell), and not into the history (Xen's console_to_ring
/// is off by default).
void console_write_raw(const char* s, size_t len);
void console_write_prefixed(const char* prefix, const char* s, size_t len);

/// Panic path: break the console lock so that this CPU can always print.
void console_force_unlock();

/// A read of the console history (Xen's struct xen_sysctl_readconsole):
/// in: `count` the most bytes wanted, `index` where an incremental read
/// resumes, `clear` to mark what was read as consumed; out: `count` bytes
/// read, `index` the next one.
struct ConsoleReadRequest {
    uint32_t index = 0;
    uint32_t count = 0;
    bool incremental = false;
    bool clear = false;
};
/// Receives the bytes of a read in order, `offset` bytes from its start;
/// an error (-EFAULT) ends the read with it.
using ConsoleReadSink = Status (*)(void* ctx, uint32_t offset, const char* s, size_t len);
/// Xen's read_console_ring(): from the oldest byte the ring holds (or the
/// caller's index, incremental, if still held) up to `count` bytes, handed
/// to `sink` outside the console lock. Returns the sink's error.
[[nodiscard]] Status console_ring_read(ConsoleReadRequest& r, ConsoleReadSink sink, void* ctx);

} // namespace cxen
