// panic(), assert_failed() and the stop-everything path.
#include <atomic>
#include <cstdarg>

#include "arch/apic.hpp"
#include "arch/debug_exit.hpp"
#include "arch/panic_arch.hpp"
#include "arch/percpu.hpp"
#include "arch/traps.hpp"
#include "arch/x86.hpp"
#include "common/console/printk.hpp"
#include "lib/base/assert.hpp"
#include "lib/base/format.hpp"
#include "common/lib/panic.hpp"

namespace cxen::arch {

namespace {
std::atomic<int> panicking_cpu{-1};
uint16_t exit_port;
} // namespace

bool panic_in_progress() { return panicking_cpu.load() >= 0; }

void panic_begin() {
    __asm__ volatile("cli" ::: "memory");
    int me = static_cast<int>(this_cpu().cpu_id);
    int expected = -1;
    if (!panicking_cpu.compare_exchange_strong(expected, me) && expected != me)
        x86::halt_forever(); // another CPU is already reporting
    if (lapic_ready()) {
        lapic_send_ipi_allbutself(0, IpiMode::nmi);
        for (uint64_t start = x86::rdtsc(); x86::rdtsc() - start < 100'000'000;) cpu_relax();
    }
    console_force_unlock();
}

void panic_end(const char* fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log(LogLevel::error, "****************************************\n");
    log(LogLevel::error, "Panic on CPU %u:\n", this_cpu().cpu_id);
    log(LogLevel::error, "%s\n", msg);
    log(LogLevel::error, "****************************************\n");
    debug_exit(Verdict::panic);
}

void set_debug_exit_port(uint16_t port) { exit_port = port; }

void debug_exit(Verdict v) {
    if (exit_port) x86::outl(exit_port, static_cast<uint8_t>(v));
    x86::halt_forever();
}

} // namespace cxen::arch

namespace cxen {

void panic(const char* fmt, ...) {
    arch::panic_begin();
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    // Start at panic()'s caller: our frame holds its saved rbp and return address.
    auto* frame = static_cast<const uint64_t*>(__builtin_frame_address(0));
    arch::print_backtrace(frame[1], frame[0]);
    arch::panic_end("%s", msg);
}

void assert_failed(const char* expr, const char* file, int line) {
    panic("Assertion '%s' failed at %s:%d", expr, file, line);
}

} // namespace cxen
