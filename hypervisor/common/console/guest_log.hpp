// What guests can make the hypervisor print, rate-limited as Xen's
// printk_ratelimit() with its guest_loglvl thresholds
// (xen/drivers/char/console.c): a message a guest caused (a console line it
// wrote through CONSOLEIO_write, port 0xE9 or its console ring, or a
// hypervisor message about something it did) is printed always if its
// level is below guest_loglvl's first threshold, dropped if it is not below
// the second, and otherwise printed while the domain's token bucket allows:
// a burst of guest_log_burst messages, then one per guest_log_interval_ms.
// The first message let through after some were dropped is preceded by
// "(XEN) dN: printk: N messages suppressed.".
//
// Differences from Xen, on purpose: the bucket is per domain (Xen has one
// for the whole host), so a flooding guest silences itself and not its
// neighbours; and the numbers are larger than Xen's 10 messages then one
// per 5 s, because every domain may write to the console here (as in a Xen
// debug build, whose default guest_loglvl=all never limits) and a test
// kernel or a booting Linux prints hundreds of lines. The default
// thresholds are "none/all": every guest message is rate-limited.
//
// Locking: LogRateLimit::lock is a leaf (taken with interrupts off, inside a
// domain's console_lock); the suppressed line is printed after dropping it.
#pragma once

#include <cstdint>

#include "common/console/printk.hpp"
#include "common/lib/spinlock.hpp"

namespace cxen {

struct Domain;

/// Messages a domain may print at once (the bucket's depth).
constexpr uint64_t guest_log_burst = 1000;
/// After the burst, one message per this many milliseconds (100 per second:
/// some 8 KB/s of 80-column lines, two thirds of a 115200-baud UART).
constexpr uint64_t guest_log_interval_ms = 10;

/// One domain's bucket (Xen's __printk_ratelimit state). Starts full.
struct LogRateLimit {
    SpinLock lock;
    uint64_t tokens_ms = guest_log_burst * guest_log_interval_ms;
    uint64_t last_ms = 0;  ///< system time (ms) of the last refill
    uint64_t missed = 0;   ///< messages dropped since the last one printed
};

/// Xen's guest_loglvl thresholds, as numbers 0 (none) .. 4 (all): a guest
/// message of level L (LogLevel, 1 = error .. 4 = debug) is printed always
/// if L <= lower, rate-limited if L <= upper, else dropped.
struct GuestLogThresholds {
    unsigned lower = 0, upper = 4;
};
void set_guest_log_thresholds(GuestLogThresholds t);
GuestLogThresholds guest_log_thresholds();

/// Parse a Xen `guest_loglvl=` value, "<always>[/<rate-limited>]", each
/// one of none, error, warning, info, debug, all. Without "/..." both
/// thresholds are the one given (as Xen). Returns false for anything else.
bool parse_guest_log_level(const char* s, GuestLogThresholds& out);

/// May d make the hypervisor print a message of `level` now? Takes a token
/// from d's bucket when the message is rate-limited; counts it when it is
/// dropped, and prints the "messages suppressed" line when one passes after
/// drops. Time is arch::now_ns().
[[nodiscard]] bool guest_log_ratelimit(Domain& d, LogLevel level);

/// log() for a message a guest caused (a hypervisor message about what d
/// did): printed only if the hypervisor's loglvl shows `level` and then
/// guest_log_ratelimit(d, level) allows it. Unlike Xen, where guest_loglvl
/// alone decides for XENLOG_G_* messages, both apply, so that the default
/// log shows what it showed before the rate limit.
void guest_log(Domain& d, LogLevel level, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

} // namespace cxen
