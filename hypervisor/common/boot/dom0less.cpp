// See dom0less.hpp. The reaper runs in the timer softirq of pCPU 0: every
// domain_kill() step of a boot-built domain runs there, so the PV console's
// drain (a timer on pCPU 0 too) never overlaps its destruction.
//
// Reapers are static, one slot per domain the table can hold: no memory is
// allocated for one (a shutdown never fails for lack of it), and none is
// still allocated when the last domain leaves and the run's verdict counts
// the free pages.
#include "common/boot/dom0less.hpp"

#include <atomic>

#include "arch/time.hpp"
#include "common/console/printk.hpp"
#include "common/time/timer.hpp"

namespace cxen {

namespace {

struct Reaper {
    // No reference of its own: the table's is dropped only when the kill
    // is done, and nothing else kills a boot-built domain.
    std::atomic<Domain*> d{nullptr}; ///< nullptr: slot free
    Timer t;
};
Reaper reapers[max_domains];

void reap(void* data) {
    auto* r = static_cast<Reaper*>(data);
    if (!domain_kill(*r->d.load())) { // -ERESTART: look again soon
        (void)set_timer(r->t, arch::now_ns() + 1'000'000);
        return;
    }
    r->d.store(nullptr); // the timer is not queued any more: this is its callback
}

} // namespace

void dom0less_reap_on_shutdown(Domain& d) {
    domain_kill_begin(d);
    for (Reaper& r : reapers) {
        Domain* expected = nullptr;
        if (!r.d.compare_exchange_strong(expected, &d)) continue;
        init_timer(r.t, reap, &r, 0);
        (void)set_timer(r.t, arch::now_ns());
        return;
    }
    // One slot per listed domain: only a domain killed twice could get here.
    log(LogLevel::error, "d%u: no reaper slot; the domain stays dying\n", d.domid);
}

} // namespace cxen
