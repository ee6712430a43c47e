// Locking: console_lock serialises every write to the console device and the
// line-start state; taken with interrupts off because interrupt handlers log.
#include "common/console/printk.hpp"

#include <cstdarg>

#include "arch/console.hpp"
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

// Xen's console_timestamps=boot stamp: "[sssss.uuuuuu] ", time since boot.
void emit_timestamp_locked() {
    const uint64_t us = arch::now_ns() / 1000;
    char stamp[32];
    int n = snprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ", us / 1000000, us % 1000000);
    if (n > 0 && static_cast<size_t>(n) < sizeof(stamp)) arch::console_write(stamp, static_cast<size_t>(n));
}

// Caller holds console_lock.
void emit_locked(const char* prefix, const char* s, size_t len) {
    size_t plen = strlen(prefix);
    size_t start = 0;
    for (size_t i = 0; i < len; ++i) {
        if (at_line_start) {
            arch::console_write(prefix, plen);
            if (timestamps) emit_timestamp_locked();
            at_line_start = false;
        }
        if (s[i] == '\n') {
            arch::console_write(s + start, i + 1 - start);
            start = i + 1;
            at_line_start = true;
        }
    }
    if (start < len) arch::console_write(s + start, len - start);
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

void console_force_unlock() { console_lock.force_reset(); }

} // namespace cxen
