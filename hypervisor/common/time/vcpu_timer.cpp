// A vCPU's guest timers (see vcpu_timer.hpp).
#include "common/time/vcpu_timer.hpp"

#include "abi/xen/xen.hpp"
#include "arch/time.hpp"
#include "common/domain.hpp"
#include "common/event/evtchn.hpp"
#include "common/time/timer.hpp"

namespace cxen {

namespace {
void singleshot_fn(void* data) {
    Vcpu& v = *static_cast<Vcpu*>(data);
    if (!v.domain->is_dying.load()) send_guest_vcpu_virq(v, VIRQ_TIMER);
}

void periodic_fn(void* data) {
    Vcpu& v = *static_cast<Vcpu*>(data);
    if (v.domain->is_dying.load() || !v.periodic_period_ns) return;
    send_guest_vcpu_virq(v, VIRQ_TIMER);
    // Next tick one period after this deadline, skipping missed ticks (Xen
    // re-arms from NOW() as well).
    uint64_t next = v.periodic_timer.expires_ns + v.periodic_period_ns;
    const uint64_t now = arch::now_ns();
    if (next <= now) next = now + v.periodic_period_ns;
    (void)set_timer(v.periodic_timer, next);
}

void ensure_init(Timer& t, void (*fn)(void*), Vcpu& v) {
    if (!t.fn) init_timer(t, fn, &v, v.processor);
}
} // namespace

Status vcpu_singleshot_set(Vcpu& v, uint64_t deadline_ns) {
    ensure_init(v.singleshot_timer, singleshot_fn, v);
    return set_timer(v.singleshot_timer, deadline_ns);
}

void vcpu_singleshot_stop(Vcpu& v) {
    if (v.singleshot_timer.fn) stop_timer(v.singleshot_timer);
}

Status vcpu_periodic_set(Vcpu& v, uint64_t period_ns) {
    v.periodic_period_ns = period_ns;
    if (!period_ns) {
        if (v.periodic_timer.fn) stop_timer(v.periodic_timer);
        return ok_status();
    }
    ensure_init(v.periodic_timer, periodic_fn, v);
    return set_timer(v.periodic_timer, arch::now_ns() + period_ns);
}

void vcpu_timers_destroy(Vcpu& v) {
    v.periodic_period_ns = 0;
    // Killed, not stopped: periodic_fn re-arms itself, and either may be
    // running on v's pCPU while v is destroyed from pCPU 0.
    kill_timer(v.singleshot_timer);
    kill_timer(v.periodic_timer);
}

} // namespace cxen
