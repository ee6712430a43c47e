// The hypervisor's PV console backend (see pv_console.hpp).
//
// Locking: none needed. Every drain runs in one timer function on pCPU 0
// (timer functions of one pCPU never run concurrently), and domains are
// destroyed by the reaper timer on pCPU 0 too, so a drain never overlaps
// pv_console_destroy(). The guest's EVTCHNOP_send only re-arms the timer
// (set_timer may be called from any pCPU), so nothing here runs under the
// event-channel locks and no lock order with them arises.
#include "common/console/pv_console.hpp"

#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "common/console/console_ring.hpp"
#include "common/console/printk.hpp"
#include "common/event/evtchn.hpp"
#include "lib/base/format.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/time/timer.hpp"

namespace cxen {

struct PvConsole {
    Domain* d = nullptr;
    uint64_t ring_gpa = 0;
    EvtchnPort port = 0;
    Timer timer;
    bool warned = false; ///< said once that the ring is broken or gone
};

namespace {
constexpr unsigned console_cpu = 0;

void drain(PvConsole& pc, bool notify) {
    auto r = console_ring_drain(*pc.d, pc.ring_gpa, domain_console_write);
    if (!r || r.value().broken) {
        if (!pc.warned)
            guest_log(*pc.d, LogLevel::warning, "d%u: PV console ring %s; output ignored until the guest repairs it\n",
                pc.d->domid, r ? "indices are more than the ring apart" : "page is not accessible");
        pc.warned = true;
        return;
    }
    pc.warned = false;
    if (notify && r.value().consumed) evtchn_notify_from_xen(*pc.d, pc.port); // room in the ring again
}

void tick(void* data) {
    auto& pc = *static_cast<PvConsole*>(data);
    drain(pc, true);
    if (!pc.d->is_dying.load()) (void)set_timer(pc.timer, arch::now_ns() + pv_console_poll_ns);
}

// EVTCHNOP_send by the guest on the console port: drain soon, on pCPU 0.
void on_send(Domain& d, EvtchnPort) {
    if (PvConsole* pc = d.pv_console) (void)set_timer(pc->timer, arch::now_ns());
}
} // namespace

// Weak stand-ins until common/event/evtchn.cpp provides them: without a
// port there is no console (the params stay 0) rather than no image.
[[gnu::weak]] Result<EvtchnPort> evtchn_alloc_xen_port(Domain&, void (*)(Domain&, EvtchnPort)) {
    return Err(Errno::XEN_ENOSYS);
}
[[gnu::weak]] void evtchn_notify_from_xen(Domain&, EvtchnPort) {}

Status pv_console_init(Domain& d, Gfn gfn) {
    if (d.pv_console) return Err(Errno::XEN_EEXIST);
    PvConsole* pc = TRY(xnew<PvConsole>());
    pc->d = &d;
    pc->ring_gpa = raw(gfn) << page_shift;
    auto port = evtchn_alloc_xen_port(d, on_send);
    if (!port) {
        xdelete(pc);
        return Err(port.error());
    }
    pc->port = port.value();
    init_timer(pc->timer, tick, pc, console_cpu);
    d.pv_console = pc;
    d.hvm_params[HVM_PARAM_CONSOLE_PFN] = raw(gfn);
    d.hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = pc->port;
    (void)set_timer(pc->timer, arch::now_ns() + pv_console_poll_ns); // -ENODEV before timers: sends still arm it
    return ok_status();
}

void pv_console_destroy(Domain& d) {
    PvConsole* pc = d.pv_console;
    if (!pc) return;
    stop_timer(pc->timer);
    drain(*pc, false); // the last words before the poweroff (no one to notify)
    if (d.console_len) domain_console_write(d, "\n", 1); // and a partial last line
    d.pv_console = nullptr;
    xdelete(pc);
}

} // namespace cxen
