// A domain that floods the console (CONSOLEIO_write and port 0xE9) and
// makes one huge write: the hypervisor must bound the work and rate-limit
// what reaches its log (common/console/guest_log.hpp: a burst of 1000
// lines, then 100 per second). The system test (sched_console.py) counts
// the flood lines that reached the log and looks for the hypervisor's
// "messages suppressed" lines. After each flood the kernel waits 2 s of
// system time, for the bucket to refill before its own report lines.
#include "../time/xen_time.hpp"
#include "guest.hpp"

using namespace cxen::guest;

namespace {

constexpr unsigned flood_lines = 1500; // more than the burst

// "flood <tag> NNNN\n" into buf; returns its length.
size_t flood_line(char* buf, const char* tag, unsigned i) {
    size_t n = 0;
    for (const char* s = "flood "; *s;) buf[n++] = *s++;
    for (const char* s = tag; *s;) buf[n++] = *s++;
    buf[n++] = ' ';
    for (unsigned div = 1000; div; div /= 10) buf[n++] = static_cast<char>('0' + i / div % 10);
    buf[n++] = '\n';
    return n;
}

// Wait for the hypervisor's rate limit to let our report lines through again.
void let_the_bucket_refill() { xen_time::spin_ns(2'000'000'000ull); }

alignas(4096) char zeros[80 * 1024]; // NUL bytes: the hypervisor prints none of them

} // namespace

TEST_CASE("console_flood.huge_write_is_bounded") {
    SKIP_UNLESS_XEN();
    // A count of 4 GiB - 1 from a buffer of 80 KiB that RAM follows only
    // for a while: the hypervisor reads its first 64 KiB and ignores the
    // rest (without the bound it read on to the end of RAM: -EFAULT).
    const uint64_t t0 = xen_time::get_time();
    CHECK_OK(HYPERVISOR_console_io(CONSOLEIO_write, 0xffffffffu, zeros));
    if (t0) CHECK_LT(xen_time::get_time() - t0, 1'000'000'000ull);
    // 2^31 bytes, the count XTF's xsa-consoleio-write uses.
    CHECK_OK(HYPERVISOR_console_io(CONSOLEIO_write, 0x80000000u, zeros));
}

// A flood costs the guest its own time only: suppressed lines are cheap.
constexpr uint64_t flood_time_bound_ns = 30'000'000'000ull;

TEST_CASE("console_flood.console_io_lines_are_rate_limited") {
    SKIP_UNLESS_XEN();
    char buf[32];
    long bad = 0;
    const uint64_t t0 = xen_time::get_time();
    for (unsigned i = 0; i < flood_lines; ++i) {
        const size_t n = flood_line(buf, "io", i);
        if (HYPERVISOR_console_io(CONSOLEIO_write, static_cast<unsigned>(n), buf) != 0) ++bad;
    }
    const uint64_t t1 = xen_time::get_time();
    let_the_bucket_refill();
    CHECK_EQ(bad, 0); // suppressed lines are still written successfully, as Xen's
    if (t0) CHECK_LT(t1 - t0, flood_time_bound_ns);
}

TEST_CASE("console_flood.port_e9_lines_are_rate_limited") {
    SKIP_UNLESS_XEN();
    char buf[32];
    const uint64_t t0 = xen_time::get_time();
    if (!t0) SKIP("HVMOP_get_time gives no system time");
    for (unsigned i = 0; i < flood_lines; ++i) {
        const size_t n = flood_line(buf, "e9", i);
        for (size_t k = 0; k < n; ++k) x86::outb(0xe9, static_cast<uint8_t>(buf[k]));
    }
    const uint64_t t1 = xen_time::get_time();
    let_the_bucket_refill(); // what reached the log, the system test counts
    CHECK_LT(t1 - t0, flood_time_bound_ns);
}
