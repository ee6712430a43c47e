#include "shutdown.hpp"

#include "cmdline.hpp"
#include "console.hpp"
#include "hypercall.hpp"
#include "string.hpp"
#include "x86.hpp"

namespace cxen::guest {

void shutdown_raw(Verdict v) {
    if (xen().present && hypercall_mode() != HypercallMode::none) {
        sched_shutdown s{};
        s.reason = SHUTDOWN_poweroff;
        if (v == Verdict::crash) s.reason = SHUTDOWN_crash;
        const char* on_fail = option("on_fail");
        if (v == Verdict::fail && on_fail && streq(on_fail, "crash")) s.reason = SHUTDOWN_crash;
        (void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
        // SCHEDOP_shutdown does not return on Xen; if it does, say so where
        // it can still be seen and fall back to the QEMU exit.
        e9_write("cxen guest: SCHEDOP_shutdown returned\n");
    }
    x86::outb(debug_exit_port, static_cast<uint8_t>(v));
    x86::halt_forever();
}

void shutdown(Verdict v) {
    console_flush();
    shutdown_raw(v);
}

} // namespace cxen::guest
