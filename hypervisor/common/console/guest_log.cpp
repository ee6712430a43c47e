#include "common/console/guest_log.hpp"

#include <atomic>
#include <cstdarg>

#include "arch/time.hpp"
#include "common/domain.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {
std::atomic<unsigned> lower_threshold{0}, upper_threshold{4};

// One level name of guest_loglvl at s; its threshold, or -1.
int parse_one(const char* s, size_t len) {
    static constexpr struct {
        const char* name;
        int threshold;
    } levels[] = {{"none", 0}, {"error", 1}, {"warning", 2}, {"info", 3}, {"debug", 4}, {"all", 4}};
    for (const auto& l : levels)
        if (strlen(l.name) == len && strncmp(l.name, s, len) == 0) return l.threshold;
    return -1;
}

// The suppressed-messages line, which Xen prints whatever the log levels.
void print_unfiltered(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void print_unfiltered(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintk_unfiltered(fmt, ap);
    va_end(ap);
}
} // namespace

void set_guest_log_thresholds(GuestLogThresholds t) {
    lower_threshold = t.lower;
    upper_threshold = t.upper;
}

GuestLogThresholds guest_log_thresholds() { return {lower_threshold.load(), upper_threshold.load()}; }

bool parse_guest_log_level(const char* s, GuestLogThresholds& out) {
    size_t len = 0;
    while (s[len] && s[len] != '/') ++len;
    const int lower = parse_one(s, len);
    if (lower < 0) return false;
    int upper = lower;
    if (s[len] == '/') {
        upper = parse_one(s + len + 1, strlen(s + len + 1));
        if (upper < 0) return false;
    }
    out.lower = static_cast<unsigned>(lower);
    out.upper = static_cast<unsigned>(upper);
    return true;
}

bool guest_log_ratelimit(Domain& d, LogLevel level) {
    const auto l = static_cast<unsigned>(level);
    if (l <= lower_threshold.load(std::memory_order_relaxed)) return true;
    if (l > upper_threshold.load(std::memory_order_relaxed)) return false;
    LogRateLimit& rl = d.log_ratelimit;
    const uint64_t now_ms = arch::now_ns() / 1'000'000;
    uint64_t lost;
    {
        IrqSpinGuard g(rl.lock);
        // Refill by the time since the last message, up to the burst.
        rl.tokens_ms += now_ms - rl.last_ms;
        rl.last_ms = now_ms;
        if (rl.tokens_ms > guest_log_burst * guest_log_interval_ms)
            rl.tokens_ms = guest_log_burst * guest_log_interval_ms;
        if (rl.tokens_ms < guest_log_interval_ms) {
            ++rl.missed;
            return false;
        }
        rl.tokens_ms -= guest_log_interval_ms;
        lost = rl.missed;
        rl.missed = 0;
    }
    if (lost) print_unfiltered("d%u: printk: %lu messages suppressed.\n", d.domid, lost);
    return true;
}

void guest_log(Domain& d, LogLevel level, const char* fmt, ...) {
    if (level > log_threshold() || !guest_log_ratelimit(d, level)) return;
    va_list ap;
    va_start(ap, fmt);
    vprintk_unfiltered(fmt, ap);
    va_end(ap);
}

} // namespace cxen
