// The CMOS real-time clock (MC146818, ports 0x70/0x71), read once for the
// guests' wallclock (shared_info wc_sec/wc_nsec). Xen reads it the same way
// (get_cmos_time(), xen/arch/x86/time.c): wait for the end of an update,
// read the fields twice until they agree, decode BCD and 12-hour mode.
#include <atomic>

#include "arch/cpu.hpp"
#include "arch/time.hpp"
#include "arch/x86.hpp"

namespace cxen::arch {

namespace {
constexpr uint16_t cmos_index = 0x70, cmos_data = 0x71;
constexpr uint8_t RTC_SEC = 0, RTC_MIN = 2, RTC_HOUR = 4, RTC_DAY = 7, RTC_MON = 8, RTC_YEAR = 9,
                  RTC_REG_A = 0x0a, RTC_REG_B = 0x0b, RTC_CENTURY = 0x32;
constexpr uint8_t REG_A_UIP = 0x80, REG_B_24H = 0x02, REG_B_BINARY = 0x04;

uint8_t cmos_read(uint8_t reg) {
    x86::outb(cmos_index, reg); // bit 7 clear: NMIs stay enabled
    return x86::inb(cmos_data);
}

struct RtcTime {
    unsigned sec, min, hour, day, mon, year, century;
    bool operator==(const RtcTime&) const = default;
};

RtcTime rtc_fields() {
    for (unsigned spins = 0; spins < 1000000 && (cmos_read(RTC_REG_A) & REG_A_UIP); ++spins) cpu_relax();
    return {cmos_read(RTC_SEC), cmos_read(RTC_MIN), cmos_read(RTC_HOUR),   cmos_read(RTC_DAY),
            cmos_read(RTC_MON), cmos_read(RTC_YEAR), cmos_read(RTC_CENTURY)};
}

unsigned bcd(unsigned v) { return (v & 0xf) + (v >> 4) * 10; }

// Days from 1970-01-01 to y-m-d (civil calendar, Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

uint64_t rtc_unix_seconds() {
    RtcTime t = rtc_fields();
    for (int tries = 0; tries < 10; ++tries) {
        const RtcTime again = rtc_fields();
        if (again == t) break;
        t = again;
    }
    const uint8_t b = cmos_read(RTC_REG_B);
    const bool pm = t.hour & 0x80;
    t.hour &= 0x7f;
    if (!(b & REG_B_BINARY)) {
        t.sec = bcd(t.sec), t.min = bcd(t.min), t.hour = bcd(t.hour);
        t.day = bcd(t.day), t.mon = bcd(t.mon), t.year = bcd(t.year), t.century = bcd(t.century);
    }
    if (!(b & REG_B_24H)) t.hour = (t.hour % 12) + (pm ? 12 : 0);
    if (t.sec > 59 || t.min > 59 || t.hour > 23 || t.day < 1 || t.day > 31 || t.mon < 1 || t.mon > 12 ||
        t.year > 99)
        return 0;
    // No century register (or nonsense in it): years 70..99 are 19xx, as Xen.
    const unsigned year = t.century >= 19 && t.century <= 21 ? t.century * 100 + t.year
                                                            : (t.year < 70 ? 2000 : 1900) + t.year;
    const int64_t days = days_from_civil(year, t.mon, t.day);
    if (days < 0) return 0;
    return static_cast<uint64_t>(days) * 86400 + t.hour * 3600 + t.min * 60 + t.sec;
}
} // namespace

uint64_t wallclock_at_boot_ns() {
    // Read once; a race between two first callers reads the RTC twice, harmlessly.
    static std::atomic<uint64_t> cached{UINT64_MAX};
    uint64_t v = cached.load(std::memory_order_relaxed);
    if (v != UINT64_MAX) return v;
    const uint64_t sec = rtc_unix_seconds();
    const uint64_t now = now_ns();
    v = sec * 1'000'000'000ull > now ? sec * 1'000'000'000ull - now : 0;
    cached.store(v, std::memory_order_relaxed);
    return v;
}

} // namespace cxen::arch
