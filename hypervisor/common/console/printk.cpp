// Locking: console_lock serialises every write to the console device and the
// line-start state; taken with interrupts off because interrupt handlers log.
#include "common/console/printk.hpp"

#include <cstdarg>

#include "arch/console.hpp"
#include "common/console/console_history.hpp"
#include "arch/time.hpp"
#include "lib/base/format.hpp"
#include "common/lib/spinlock.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {
SpinLock console_lock;
LogLevel threshold = LogLevel::info;
bool at_line_start = true;
bool timestamps = false;
ConsoleHistory ring; // what the console printed, for XEN_SYSCTL_readconsole

// Caller holds console_lock: the device, and the history ring.
void out_locked(const char* s, size_t len) {
    arch::console_write(s, len);
    ring.put(s, len);
}

// Xen's console_timestamps=boot stamp: "[sssss.uuuuuu] ", time since boot.
void emit_timestamp_locked() {
    const uint64_t us = arch::now_ns() / 1000;
    char stamp[32];
    int n = snprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ", us / 1000000, us % 1000000);
    if (n > 0 && static_cast<size_t>(n) < sizeof(stamp)) out_locked(stamp, static_cast<size_t>(n));
}

// Caller holds console_lock.
void emit_locked(const char* prefix, const char* s, size_t len) {
    size_t plen = strlen(prefix);
    size_t start = 0;
    for (size_t i = 0; i < len; ++i) {
        if (at_line_start) {
            out_locked(prefix, plen);
            if (timestamps) emit_timestamp_locked();
            at_line_start = false;
        }
        if (s[i] == '\n') {
            out_locked(s + start, i + 1 - start);
            start = i + 1;
            at_line_start = true;
        }
    }
    if (start < len) out_locked(s + start, len - start);
}

void vlog(LogLevel level, const char* fmt, va_list ap) {
    if (level > threshold) return;
    vprintk_unfiltered(fmt, ap);
}
} // namespace

void vprintk_unfiltered(const char* fmt, va_list ap) {
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = n < 0 ? 0 : static_cast<size_t>(n);
    if (len >= sizeof(buf)) len = sizeof(buf) - 1;
    IrqSpinGuard guard(console_lock);
    emit_locked("(XEN) ", buf, len);
}

void set_log_threshold(LogLevel t) { threshold = t; }
void set_console_timestamps(bool on) { timestamps = on; }
LogLevel log_threshold() { return threshold; }

bool parse_log_level(const char* s, LogLevel& out, bool& none) {
    static constexpr struct {
        const char* name;
        LogLevel level;
        bool none;
    } levels[] = {
        {"none", LogLevel::error, true},     {"error", LogLevel::error, false},
        {"warning", LogLevel::warning, false}, {"info", LogLevel::info, false},
        {"debug", LogLevel::debug, false},   {"all", LogLevel::debug, false},
    };
    size_t len = 0;
    while (s[len] && s[len] != '/') ++len;
    for (const auto& l : levels) {
        if (strlen(l.name) == len && strncmp(l.name, s, len) == 0) {
            out = l.level;
            none = l.none;
            return true;
        }
    }
    return false;
}

void printk(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(LogLevel::info, fmt, ap);
    va_end(ap);
}

void log(LogLevel level, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

void console_write_prefixed(const char* prefix, const char* s, size_t len) {
    IrqSpinGuard guard(console_lock);
    emit_locked(prefix, s, len);
}

void console_write_raw(const char* s, size_t len) {
    IrqSpinGuard guard(console_lock);
    arch::console_write(s, len);
}

void console_force_unlock() { console_lock.force_reset(); }

Status console_ring_read(ConsoleReadRequest& r, ConsoleReadSink sink, void* ctx) {
    uint32_t c, p;
    {
        IrqSpinGuard guard(console_lock);
        c = ring.consumer();
        p = ring.producer();
    }
    // Xen's read_console_ring(): an incremental read resumes at the
    // caller's index if the ring still holds it.
    if (r.incremental && (c <= p ? (c < r.index && r.index <= p) : (c < r.index || r.index <= p))) c = r.index;
    uint32_t sofar = 0;
    char chunk[256];
    while (c != p && sofar < r.count) {
        size_t n;
        {
            IrqSpinGuard guard(console_lock); // the copy to the caller is made without it
            n = ring.copy_out(c, p, chunk, r.count - sofar < sizeof(chunk) ? r.count - sofar : sizeof(chunk));
        }
        TRY(sink(ctx, sofar, chunk, n));
        sofar += static_cast<uint32_t>(n);
        c += static_cast<uint32_t>(n);
    }
    if (r.clear) {
        IrqSpinGuard guard(console_lock);
        ring.clear_to(c, p);
    }
    r.count = sofar;
    r.index = c;
    return ok_status();
}

} // namespace cxen
